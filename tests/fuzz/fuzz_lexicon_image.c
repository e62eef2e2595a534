/*
 * fuzz_lexicon_image.c -- libFuzzer target for lexicon images
 * (assay_lexicon_read_image): the input, given this build's stamp and a
 * checksum that fits (lex_image_seal), so that mutations reach the checks
 * of the tables; a lexicon it loads is scanned over a fixed text, its
 * attributes read, and its image written and read back.
 */
#include <stdint.h>
#include <stdlib.h>

#include "cache.h"
#include "fuzz_common.h"
#include "lexicon.h"
#include "../c/lexicon_dump.h"

/* Where the header keeps the stamp (img_header in lexicon_image.c: 8
 * bytes of magic, then 64 of stamp, zero-padded). */
enum { STAMP_AT = 8, STAMP_LEN = 64 };

static assay_doc *fixed;

static int on_match(void *ud, const assay_lexicon_match *m) {
  size_t *ntoks = ud;
  if (m->first >= m->last || m->last > *ntoks || !m->name || !m->norm)
    abort(); /* a match outside the tokens is a finding */
  return ASSAY_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!fixed) fixed = fz_doc();
  /* A copy of exactly size bytes, so that a read past it is seen. */
  unsigned char *copy = malloc(size ? size : 1);
  if (!copy) abort();
  if (size) memcpy(copy, data, size);
  /* Seeds were written by another build: this build's stamp lets their
   * mutations past the stamp check. */
  if (size >= STAMP_AT + STAMP_LEN) {
    size_t n = strlen(eng_build_stamp);
    memset(copy + STAMP_AT, 0, STAMP_LEN);
    memcpy(copy + STAMP_AT, eng_build_stamp, n < STAMP_LEN ? n : STAMP_LEN);
  }
  (void)lex_image_seal(copy, size);
  assay_lexicon *lx = NULL;
  assay_error err;
  if (assay_lexicon_read_image(&lx, copy, size, NULL, &err) != ASSAY_OK) {
    if (lx) abort(); /* a refusal leaves no lexicon */
    free(copy);
    return 0;
  }
  size_t ntoks;
  const char *text = assay_doc_text(fixed, NULL);
  const assay_token *t = assay_doc_tokens(fixed, &ntoks);
  if (assay_lexicon_scan(lx, t, ntoks, text, on_match, &ntoks) != ASSAY_OK)
    abort();
  size_t entries = assay_lexicon_entry_count(lx);
  for (size_t i = 0; i < entries; i++) {
    size_t na = assay_lexicon_entry_attr_count(lx, (int)i);
    for (size_t k = 0; k < na; k++) {
      const char *v, *key = assay_lexicon_entry_attr_at(lx, (int)i, k, &v);
      if (!key || !v || assay_lexicon_entry_attr(lx, (int)i, key) == NULL)
        abort();
    }
  }
  /* What loaded writes an image that loads, and is the same image. */
  lxd_buf again = {0};
  if (assay_lexicon_write_image(lx, lxd_image_put, &again) != ASSAY_OK) abort();
  assay_lexicon *back = NULL;
  if (assay_lexicon_read_image(&back, again.s, again.len, NULL, &err) !=
      ASSAY_OK) {
    fprintf(stderr, "re-read: %s\n", err.message);
    abort();
  }
  if (again.len != size || memcmp(again.s, copy, size) != 0) abort();
  assay_lexicon_free(back);
  assay_lexicon_free(lx);
  free(again.s);
  free(copy);
  return 0;
}
