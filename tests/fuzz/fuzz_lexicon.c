/*
 * fuzz_lexicon.c -- libFuzzer target for the lexicon YAML loader
 * (assay_lexicon_load_string), then freezing and a scan of a fixed text.
 */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_common.h"

static assay_doc *fixed;

static int on_match(void *ud, const assay_lexicon_match *m) {
  size_t *count = ud;
  size_t n;
  assay_doc_tokens(fixed, &n);
  if (m->first >= m->last || m->last > n || !m->name)
    abort(); /* a match outside the tokens is a finding */
  (*count)++;
  return ASSAY_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!fixed)
    fixed = fz_doc();
  /* The first byte picks folding, so both tries are exercised. */
  unsigned flags = size && (data[0] & 1) ? ASSAY_LEX_FOLD : 0;
  assay_lexicon *lx = NULL;
  if (assay_lexicon_new(&lx, flags, NULL) != ASSAY_OK)
    return 0;
  assay_error err;
  if (assay_lexicon_load_string(lx, (const char *)data, size, "fuzz.yaml",
                                &err) == ASSAY_OK &&
      assay_lexicon_freeze(lx) == ASSAY_OK) {
    size_t n, count = 0;
    const char *text = assay_doc_text(fixed, NULL);
    const assay_token *t = assay_doc_tokens(fixed, &n);
    assay_lexicon_scan(lx, t, n, text, on_match, &count);
    size_t entries = assay_lexicon_entry_count(lx);
    for (size_t i = 0; i < entries && i < 8; i++) {
      size_t na = assay_lexicon_entry_attr_count(lx, (int)i);
      for (size_t k = 0; k < na; k++) {
        const char *v;
        assay_lexicon_entry_attr_at(lx, (int)i, k, &v);
      }
    }
  }
  assay_lexicon_free(lx);
  return 0;
}
