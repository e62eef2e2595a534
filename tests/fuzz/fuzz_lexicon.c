/*
 * fuzz_lexicon.c -- libFuzzer target for the lexicon YAML loader
 * (assay_lexicon_load_string), then freezing and a scan of a fixed text;
 * and a differential check of its fast reader: whenever lex_load_fast
 * takes an input whole, libyaml alone must load it too, into the same
 * lexicon.
 */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_common.h"
#include "lexicon.h"
#include "tokenize.h"
#include "../c/lexicon_dump.h"

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

/* When the fast reader takes data whole, loads it with libyaml alone (a
 * leading "---", which changes nothing in YAML, makes the fast reader give
 * up at once) and compares the lexicons. */
static void differential(const uint8_t *data, size_t size, unsigned flags) {
  assay_lexicon *t = NULL;
  if (assay_lexicon_new(&t, flags, NULL) != ASSAY_OK) return;
  int took = lex_load_fast(t, (const char *)data, size) == ASSAY_OK;
  if (!took) {
    assay_lexicon_free(t);
    return;
  }
  char *doc = malloc(size + 5);
  if (!doc) abort();
  memcpy(doc, "---\n", 4);
  memcpy(doc + 4, data, size);
  doc[size + 4] = '\0';
  assay_lexicon *s = NULL, *probe = NULL;
  if (assay_lexicon_new(&s, flags, NULL) != ASSAY_OK ||
      assay_lexicon_new(&probe, flags, NULL) != ASSAY_OK)
    abort();
  if (lex_load_fast(probe, doc, size + 4) == ASSAY_OK)
    abort(); /* "---" must keep the fast reader out */
  assay_lexicon_free(probe);
  if (assay_lexicon_load_string(s, doc, size + 4, "slow.yaml", NULL) !=
      ASSAY_OK)
    abort(); /* the fast reader took what libyaml rejects */
  int fa = assay_lexicon_freeze(t), fb = assay_lexicon_freeze(s);
  if (fa != fb) abort();
  if (fa == ASSAY_OK) {
    char *a = lxd_dump(t, doc + 4, size), *b = lxd_dump(s, doc + 4, size);
    if (strcmp(a, b) != 0) {
      fprintf(stderr, "fast:\n%s\nlibyaml:\n%s\n", a, b);
      abort(); /* not the same lexicon */
    }
    free(a);
    free(b);
  }
  free(doc);
  assay_lexicon_free(t);
  assay_lexicon_free(s);
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
  /* The second byte's bit picks the lexicon's own `fold:` instead. */
  differential(data, size,
               size > 1 && (data[1] & 1) ? LEX_FOLD_AUTO : flags);
  return 0;
}
