/*
 * tokenize.h -- the tokenizer's internal face: token lists that a document
 * owns, and the abbreviation set (built-in list from src/abbreviations.yaml,
 * compiled in, plus a tokenizer's own additions).
 */
#ifndef ASSAY_TOKENIZE_H
#define ASSAY_TOKENIZE_H

#include <stddef.h>

#include "assay.h"
#include "mem.h"

/* The tokens, sentences and paragraphs of one text.  Token `lower` and
 * `shape` strings live in `block` and, past its string space, in
 * `strings`.  All arrays are allocated with the list's allocator and freed
 * by tok_list_clear.  tok_run sizes one allocation, `block`, for the three
 * arrays and the strings of a typical text (one malloc a text instead of
 * five); an array that outgrows its part moves to an allocation of its
 * own (`in_block` says which have not), and strings go on in `strings`. */
typedef struct tok_list {
  assay_allocator alloc;
  assay_token *tokens;
  size_t ntokens, tokens_cap;
  assay_range *sents;
  size_t nsents, sents_cap;
  assay_range *paras;
  size_t nparas, paras_cap;
  arena strings;
  size_t invalid; /* invalid UTF-8 sequences met */
  void *block;
  size_t block_size;
  unsigned in_block; /* TOK_IN_BLOCK_* */
} tok_list;

enum { TOK_IN_BLOCK_TOKENS = 1, TOK_IN_BLOCK_SENTS = 2, TOK_IN_BLOCK_PARAS = 4 };

void tok_list_init(tok_list *tl, const assay_allocator *a);
void tok_list_clear(tok_list *tl);

/* Tokenizes text[0, len) into tl (cleared first).  tz may be NULL for the
 * built-in defaults.  Returns ASSAY_OK, ASSAY_ENOMEM, or ASSAY_ELIMIT for
 * a text of 4 GiB or more (offsets are 32-bit); never fails on content. */
int tok_run(const assay_tokenizer *tz, const char *text, size_t len,
            tok_list *tl);

/* tok_run with a choice of cutting paths.  TOK_PATHS_GENERAL cuts every
 * token with the general path, a code point at a time: the reference that
 * the fast paths (plain ASCII words, sixteen bytes at a time; one-byte
 * punctuation) must agree with, byte for byte; test_tokenize_paths and
 * fuzz_tokenize compare the two.  tok_run is tok_run_paths with
 * TOK_PATHS_ALL. */
enum { TOK_PATHS_ALL = 0, TOK_PATHS_GENERAL = 1 };
int tok_run_paths(const assay_tokenizer *tz, const char *text, size_t len,
                  tok_list *tl, unsigned paths);

/* 1 when word (bytes, case-sensitive, with its final period) is a known
 * abbreviation for tz (tz may be NULL: built-in list only). */
int tok_is_abbreviation(const assay_tokenizer *tz, const char *word,
                        size_t len);

/* The index of the token containing byte offset pos, or of the first token
 * after it; ntokens when none.  Binary search. */
size_t tok_index_at(const assay_token *toks, size_t ntokens, uint32_t pos);

#endif
