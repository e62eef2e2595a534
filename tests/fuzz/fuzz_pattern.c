/*
 * fuzz_pattern.c -- libFuzzer target for the token pattern compiler and VM:
 * any source compiles or fails with a column; a compiled pattern scans a
 * fixed annotated document with matches inside its tokens, and the same
 * matches with the engine's shortcuts (the document's index, the start
 * memo of first atoms, the regex cache; twice, warm) as without them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "pattern.h"

static assay_doc *fixed;

static int on_match(void *ud, const assay_pattern_match *m) {
  size_t n;
  assay_doc_tokens(fixed, &n);
  if (m->first > m->last || m->last > n)
    abort();
  for (int i = 0; i < m->ncaptures; i++) {
    int32_t a = m->captures[2 * i], b = m->captures[2 * i + 1];
    if (a != -1 && (a > b || b > (int32_t)n))
      abort();
  }
  return ASSAY_OK;
}

/* The matches of a scan as text: "first-last:captures;" each. */
typedef struct trail {
  char s[8192];
  size_t n;
} trail;

static int record(void *ud, const assay_pattern_match *m) {
  trail *t = ud;
  int k = snprintf(t->s + t->n, sizeof t->s - t->n, "%u-%u:", m->first,
                   m->last);
  for (int i = 0; k > 0 && i < m->ncaptures; i++)
    if ((size_t)k < sizeof t->s - t->n)
      k += snprintf(t->s + t->n + k, sizeof t->s - t->n - k, "%d,%d,",
                    m->captures[2 * i], m->captures[2 * i + 1]);
  if (k > 0 && (size_t)k < sizeof t->s - t->n) t->n += (size_t)k;
  return ASSAY_OK;
}

static void same_with_shortcuts(assay_pattern *pat) {
  trail plain = {{0}, 0}, fast = {{0}, 0};
  if (pat_scan(pat, fixed, 0, record, &plain, NULL) != ASSAY_OK) return;
  /* A fresh index: memo ids and the regex cache belong to one pack. */
  pat_index *ix = pat_index_new(NULL);
  int nmemo = pat_assign_memo_ids(&pat, 1);
  if (!ix || pat_index_memo_init(ix, nmemo) || pat_index_build(ix, fixed)) {
    pat_index_free(ix);
    return;
  }
  for (int round = 0; round < 2; round++) {
    fast.n = 0;
    fast.s[0] = '\0';
    if (pat_scan_indexed(pat, fixed, ix, 0, record, &fast, NULL) == ASSAY_OK &&
        strcmp(plain.s, fast.s) != 0)
      abort();
  }
  pat_index_free(ix);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!fixed)
    fixed = fz_doc();
  if (size > 4096)
    return 0; /* longer sources only repeat what short ones reach */
  char *src = malloc(size + 1);
  if (!src)
    return 0;
  memcpy(src, data, size);
  src[size] = '\0';
  assay_pattern *pat = NULL;
  assay_error err;
  int rc = assay_pattern_new(&pat, src, NULL, &err);
  if (rc == ASSAY_OK) {
    int nc = assay_pattern_capture_count(pat);
    for (int i = 0; i < nc; i++)
      assay_pattern_capture_name(pat, i);
    assay_pattern_scan(pat, fixed, on_match, NULL, &err);
    same_with_shortcuts(pat);
  } else if (err.column < 0) {
    abort();
  }
  assay_pattern_free(pat);
  free(src);
  return 0;
}
