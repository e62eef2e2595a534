/*
 * pattern_index.c -- a document's tokens by lower-cased text, built once
 * per document and shared by every token pattern of a scan, so a pattern
 * whose first token is a literal jumps from one occurrence to the next
 * instead of testing every token (the start prefilter was 40% of a scan).
 */
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "mem.h"
#include "pattern.h"

#define IX_NONE UINT32_MAX

struct pat_index {
  assay_allocator alloc;
  const assay_token *toks;
  uint32_t ntoks;
  uint32_t *head; /* per slot: first token with that lower form, +1; 0 free */
  size_t nslots, slots_cap; /* in use (a power of two), allocated */
  uint32_t *next; /* per token: the next token with its lower form */
  size_t next_cap;
};

static uint32_t ix_hash(const char *s, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

static size_t ix_len(const assay_token *t) {
  return t->lower_len < 255 ? t->lower_len : strlen(t->lower);
}

pat_index *pat_index_new(const assay_allocator *alloc) {
  assay_allocator a = mem_resolve(alloc);
  pat_index *ix = mem_calloc(&a, 1, sizeof *ix);
  if (ix) ix->alloc = a;
  return ix;
}

void pat_index_free(pat_index *ix) {
  if (!ix) return;
  mem_free(&ix->alloc, ix->head, ix->slots_cap * sizeof(uint32_t));
  mem_free(&ix->alloc, ix->next, ix->next_cap * sizeof(uint32_t));
  mem_free(&ix->alloc, ix, sizeof *ix);
}

int pat_index_build(pat_index *ix, const assay_doc *doc) {
  uint32_t n = (uint32_t)doc->toks.ntokens;
  size_t want = 64;
  while (want < 2 * (size_t)n) want *= 2;
  if (want > ix->slots_cap) {
    uint32_t *h = mem_realloc(&ix->alloc, ix->head,
                              ix->slots_cap * sizeof(uint32_t),
                              want * sizeof(uint32_t));
    if (!h) return ASSAY_ENOMEM;
    ix->head = h;
    ix->slots_cap = want;
  }
  ix->nslots = 0; /* unusable until built */
  if (n > ix->next_cap) {
    uint32_t *x = mem_realloc(&ix->alloc, ix->next,
                              ix->next_cap * sizeof(uint32_t),
                              n * sizeof(uint32_t));
    if (!x) return ASSAY_ENOMEM;
    ix->next = x;
    ix->next_cap = n;
  }
  ix->toks = doc->toks.tokens;
  ix->ntoks = n;
  /* A table twice the tokens at most: small documents clear little. */
  size_t mask = want - 1;
  memset(ix->head, 0, want * sizeof(uint32_t));
  /* Backwards, so that each chain runs in increasing token order. */
  for (uint32_t i = n; i-- > 0;) {
    const assay_token *t = &ix->toks[i];
    size_t len = ix_len(t);
    size_t s = ix_hash(t->lower, len) & mask;
    for (;; s = (s + 1) & mask) {
      uint32_t h = ix->head[s];
      if (!h) {
        ix->next[i] = IX_NONE;
        break;
      }
      const assay_token *o = &ix->toks[h - 1];
      if (ix_len(o) == len && memcmp(o->lower, t->lower, len) == 0) {
        ix->next[i] = h - 1;
        break;
      }
    }
    ix->head[s] = i + 1;
  }
  ix->nslots = want;
  return ASSAY_OK;
}

uint32_t pat_index_first(const pat_index *ix, const char *lower, size_t len) {
  if (!ix->nslots) return IX_NONE;
  size_t mask = ix->nslots - 1;
  for (size_t s = ix_hash(lower, len) & mask;; s = (s + 1) & mask) {
    uint32_t h = ix->head[s];
    if (!h) return IX_NONE;
    const assay_token *o = &ix->toks[h - 1];
    if (ix_len(o) == len && memcmp(o->lower, lower, len) == 0) return h - 1;
  }
}

uint32_t pat_index_next(const pat_index *ix, uint32_t pos) {
  return ix->next[pos];
}

int pat_index_covers(const pat_index *ix, const assay_doc *doc) {
  return ix && ix->toks == doc->toks.tokens &&
         ix->ntoks == (uint32_t)doc->toks.ntokens;
}
