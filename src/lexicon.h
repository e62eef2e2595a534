/*
 * lexicon.h -- the lexicon's internal face: what the YAML loader
 * (lexicon_load.c) and the Lua binding need from lexicon.c beyond assay.h.
 */
#ifndef ASSAY_LEXICON_H
#define ASSAY_LEXICON_H

#include "assay.h"

/* A flag for assay_lexicon_new beside ASSAY_LEX_FOLD: fold or not as the
 * first YAML file loaded says (its top-level `fold:`), exact when it says
 * nothing.  Used when the caller did not choose. */
#define LEX_FOLD_AUTO (1u << 8)

/* Sets the message of the lexicon's last error; returns status. */
int lex_error(assay_lexicon *lx, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Decides case folding once, before any phrase is added: a no-op unless
 * the lexicon was made with LEX_FOLD_AUTO and holds no phrase yet. */
void lex_decide_fold(assay_lexicon *lx, int fold);

/* 1 when the lexicon was made with LEX_FOLD_AUTO and is still undecided. */
int lex_fold_undecided(const assay_lexicon *lx);

/* The lexicon's allocator, for scratch memory of the loader. */
assay_allocator lex_allocator(const assay_lexicon *lx);

/* The tokens of a phrase made only of ASCII letters, digits and spaces,
 * exactly as tok_run cuts it (the fast path of assay_lexicon_add_alias):
 * their byte spans [starts[k], ends[k]).  Returns the number of tokens, or
 * -1 when the phrase holds another byte or more than max tokens (it must
 * go through tok_run). */
int lex_plain_split(const char *phrase, size_t len, uint32_t *starts,
                    uint32_t *ends, size_t max);

/* Warms the cache for adding phrases[0, n) (the loader calls it on a batch
 * of entries before adding them): looks their tokens and trie edges up,
 * many phrases side by side so that the memory loads overlap.  Read only;
 * a hint with no effect on the lexicon. */
void lex_prefetch(const assay_lexicon *lx, const char *const *phrases,
                  size_t n);

/* Sizes the build tables for about n more entries, so that loading a large
 * file does not rehash them again and again.  A hint: 0 on success, -1
 * when out of memory (the lexicon is unchanged). */
int lex_reserve(assay_lexicon *lx, size_t n);

/* The loader's fast reader (lexicon_load.c): loads yaml when the whole
 * input is in the plain one-line shape of large name lists and returns
 * ASSAY_OK; else returns 1 (it gave up, maybe after adding some entries:
 * loading the same input with libyaml then gives the same lexicon and the
 * errors).  assay_lexicon_load_string tries it first. */
int lex_load_fast(assay_lexicon *lx, const char *yaml, size_t len);

/* The hashes lexicons look a document's tokens up by, computed once for
 * all the lexicons of a pack: lower[i] of token i's lower form (of its
 * text when it has none), texth[i] of its text (text may be NULL: zeros).
 * Arrays of n; either may be NULL, not computed. */
void lex_hash_tokens(const assay_token *toks, size_t n, const char *text,
                     uint32_t *lower, uint32_t *texth);
/* Does lx match tokens by their lower forms (ASSAY_LEX_FOLD), so that
 * lex_scan_hashed reads `lower` only, not `texth`? */
int lex_folds(const assay_lexicon *lx);

/* assay_lexicon_scan with the hashes of lex_hash_tokens for the same
 * tokens (either may be NULL: computed per token as usual). */
int lex_scan_hashed(const assay_lexicon *lx, const assay_token *toks,
                    size_t ntoks, const char *text, const uint32_t *lower,
                    const uint32_t *texth,
                    int (*fn)(void *ud, const assay_lexicon_match *m),
                    void *ud);

/* Rewrites the checksum of a lexicon image in place to match its tables,
 * so that tests and the fuzzer can hand assay_lexicon_read_image images
 * whose tables, not their checksum, are wrong.  0, or -1 when the header
 * is short or its counts run past len. */
int lex_image_seal(void *data, size_t len);

/* assay_lexicon_read_image, with checksum 0 for a caller that has checked
 * the bytes already (the compile cache checksums its files): every table
 * is still checked, so the image stays safe to read whatever it holds. */
int lex_read_image(assay_lexicon **out, const void *data, size_t len,
                   const assay_allocator *alloc, assay_error *err,
                   int checksum);

/* 1 once assay_lexicon_freeze has run. */
int lex_frozen(const assay_lexicon *lx);

#endif
