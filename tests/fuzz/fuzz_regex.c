/*
 * fuzz_regex.c -- libFuzzer target for the PCRE2 wrapper: the first byte
 * gives the flags, the bytes up to a NUL the pattern, the rest the subject
 * (tokenized for ASSAY_RX_TOKENS); matches stay inside the subject.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "assay.h"

typedef struct {
  size_t len;
} fz_subject;

static int on_match(void *ud, const assay_regex_match *m) {
  const fz_subject *s = ud;
  if (m->start > m->end || m->end > s->len)
    abort();
  for (int i = 0; i <= m->ngroups; i++) {
    uint32_t a = m->groups[2 * i], b = m->groups[2 * i + 1];
    if (a != UINT32_MAX && (a > b || b > s->len))
      abort();
  }
  return ASSAY_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  unsigned flags = data[0] & 7;
  const char *rest = (const char *)data + 1;
  size_t rlen = size - 1;
  const char *nul = memchr(rest, '\0', rlen);
  size_t plen = nul ? (size_t)(nul - rest) : rlen;
  char *pattern = malloc(plen + 1);
  if (!pattern)
    return 0;
  memcpy(pattern, rest, plen);
  pattern[plen] = '\0';
  const char *subject = "North Korean officials said on Nov. 28 that aaaa "
                        "was 42% \xC3\x89lys\xC3\xA9" "e.";
  size_t slen = strlen(subject);
  if (nul) {
    subject = nul + 1;
    slen = rlen - plen - 1;
  }
  assay_regex *rx = NULL;
  assay_error err;
  if (assay_regex_new(&rx, pattern, flags, NULL, &err) == ASSAY_OK) {
    assay_regex_group_count(rx);
    assay_tokens *toks = NULL;
    const assay_token *t = NULL;
    size_t nt = 0;
    if (assay_tokenize(NULL, subject, slen, &toks, NULL) == ASSAY_OK)
      t = assay_tokens_get(toks, &nt);
    /* Small limits: a catastrophic pattern must stop fast, not hang. */
    assay_regex_limits lim = {100000, 1000, 4096};
    fz_subject s = {slen};
    assay_regex_scan(rx, subject, slen, t, nt, &lim, on_match, &s, &err);
    assay_tokens_free(toks);
    assay_regex_free(rx);
  }
  free(pattern);
  return 0;
}
