/*
 * fuzz_tokenize.c -- libFuzzer target for the text layer and the tokenizer:
 * any bytes tokenize without a crash, tokens keep their invariants, and
 * the fast paths cut exactly as the general path does.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "assay.h"
#include "tokenize.h"

/* An invariant broken is a finding: abort so libFuzzer keeps the input. */
#define FZ_ASSERT(c) \
  do {               \
    if (!(c))        \
      abort();       \
  } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *text = (const char *)data;
  size_t bad;
  int valid = assay_text_valid_utf8(text, size, &bad);
  FZ_ASSERT(valid || bad < size);
  size_t chars = assay_text_char_offset(text, size, size);
  FZ_ASSERT(chars <= size);
  FZ_ASSERT(assay_text_byte_offset(text, size, chars) == size);
  size_t flen;
  char *fold = assay_text_fold(text, size, &flen);
  assay_free(fold);

  assay_tokens *toks = NULL;
  if (assay_tokenize(NULL, text, size, &toks, NULL) != ASSAY_OK)
    return 0;
  size_t n, ns, np;
  const assay_token *t = assay_tokens_get(toks, &n);
  const assay_range *s = assay_tokens_sentences(toks, &ns);
  const assay_range *p = assay_tokens_paragraphs(toks, &np);
  uint32_t prev = 0;
  for (size_t i = 0; i < n; i++) {
    /* Tokens are in order, non-empty, inside the text, never overlapping. */
    FZ_ASSERT(t[i].start < t[i].end && t[i].end <= size);
    FZ_ASSERT(t[i].start >= prev);
    FZ_ASSERT(t[i].lower && t[i].shape);
    FZ_ASSERT(t[i].sentence < ns);
    prev = t[i].end;
  }
  for (size_t i = 0; i < ns; i++)
    FZ_ASSERT(s[i].first <= s[i].last && s[i].last <= n &&
              s[i].start <= s[i].end && s[i].end <= size);
  for (size_t i = 0; i < np; i++)
    FZ_ASSERT(p[i].first <= p[i].last && p[i].last <= n);
  assay_tokens_free(toks);

  /* The fast paths against the general path: the same tokens, forms,
   * flags, sentences and paragraphs. */
  tok_list fast, general;
  tok_list_init(&fast, NULL);
  tok_list_init(&general, NULL);
  if (tok_run_paths(NULL, text, size, &fast, TOK_PATHS_ALL) == ASSAY_OK &&
      tok_run_paths(NULL, text, size, &general, TOK_PATHS_GENERAL) ==
          ASSAY_OK) {
    FZ_ASSERT(fast.ntokens == general.ntokens &&
              fast.nsents == general.nsents && fast.nparas == general.nparas &&
              fast.invalid == general.invalid);
    for (size_t i = 0; i < fast.ntokens; i++) {
      const assay_token *x = &fast.tokens[i], *y = &general.tokens[i];
      FZ_ASSERT(x->start == y->start && x->end == y->end &&
                x->kind == y->kind && x->flags == y->flags &&
                x->lower_len == y->lower_len && x->sentence == y->sentence &&
                strcmp(x->lower, y->lower) == 0 &&
                strcmp(x->shape, y->shape) == 0);
    }
    FZ_ASSERT(!memcmp(fast.sents, general.sents,
                      fast.nsents * sizeof *fast.sents) &&
              !memcmp(fast.paras, general.paras,
                      fast.nparas * sizeof *fast.paras));
  }
  tok_list_clear(&fast);
  tok_list_clear(&general);

  /* The same text as a document, and its JSON record. */
  assay_doc *doc = NULL;
  if (assay_doc_new(&doc, "fuzz", text, size, NULL, NULL) == ASSAY_OK &&
      assay_doc_tokenize(doc, NULL) == ASSAY_OK) {
    char *json = assay_doc_to_json(doc, ASSAY_JSON_CHARS | ASSAY_JSON_TEXT);
    assay_free(json);
  }
  assay_doc_free(doc);
  return 0;
}
