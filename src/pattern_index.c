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
/* Token bitsets: one per bit of assay_token.flags, one per token kind. */
#define IX_NFLAGS 16
#define IX_NTBITS (IX_NFLAGS + 8)

/* The regex cache: what a regex test said of a string, across documents
 * (words repeat: a test meets the same few thousand forms again and
 * again, and a PCRE2 call costs ~600 instructions where a lookup costs a
 * hash).  Strings up to RC_MAXLEN bytes; emptied when RC_SLOTS * 3/4 are
 * used, so its memory is fixed. */
#define RC_SLOTS 16384
#define RC_MAXLEN 23

typedef struct rc_entry {
  uint64_t key[2]; /* the regex's (pat_test.re_key) */
  uint32_t hash;
  uint8_t used, len, result;
  char str[RC_MAXLEN];
} rc_entry;

struct pat_index {
  assay_allocator alloc;
  const assay_token *toks;
  uint32_t ntoks;
  uint32_t *head; /* per slot: first token with that lower form, +1; 0 free */
  size_t nslots, slots_cap; /* in use (a power of two), allocated */
  uint32_t *next; /* per token: the next token with its lower form */
  size_t next_cap;
  uint32_t *hash; /* per token: its lower form's hash, for the tests */
  size_t hash_cap;
  /* The start memo (pattern.h): bits per memo id, made for build number
   * memo_gen[id]; heads marks the first token of each lower form. */
  int nmemo;
  uint64_t **memo;
  size_t *memo_cap; /* words allocated per id */
  uint32_t *memo_gen;
  uint32_t gen;     /* the current build's number */
  uint64_t *heads;
  size_t heads_cap;
  /* Per key id (pat_key.id - 1): its first token, found for build number
   * kgen[id] (pat_index_first). */
  uint32_t *kfirst, *kgen;
  uint32_t nkeys;
  rc_entry *rc; /* RC_SLOTS, made on first use */
  size_t rc_used;
  /* Per flag bit, then per kind: the tokens that have it, made for build
   * number tbits_gen[i] (pat_index_token_bits). */
  uint64_t *tbits[IX_NTBITS];
  size_t tbits_cap[IX_NTBITS];
  uint32_t tbits_gen[IX_NTBITS];
  /* What the scans lend each other (pat_index_take). */
  void *scratch[PAT_NSCRATCH];
  size_t scratch_size[PAT_NSCRATCH];
};

/* Past this many tokens a document keeps no memo: bits for every distinct
 * first atom of a pack would cost more memory than the scan saves time. */
#define MEMO_MAX_TOKENS ((uint32_t)1 << 21)

static size_t ix_words(uint32_t ntoks) { return ((size_t)ntoks + 63) / 64; }

/* The lower forms' hash: the one pattern keys carry (pat_key.hash), so a
 * start key is looked up without hashing it per document. */
static uint32_t ix_hash(const char *s, size_t n) { return pat_word_hash(s, n); }

static size_t ix_len(const assay_token *t) {
  return t->lower_len < 255 ? t->lower_len : strlen(t->lower);
}

pat_index *pat_index_new(const assay_allocator *alloc) {
  assay_allocator a = mem_resolve(alloc);
  pat_index *ix = mem_calloc(&a, 1, sizeof *ix);
  if (ix) ix->alloc = a;
  return ix;
}

static void ix_memo_free(pat_index *ix) {
  for (int i = 0; i < ix->nmemo; i++)
    mem_free(&ix->alloc, ix->memo[i], ix->memo_cap[i] * sizeof(uint64_t));
  mem_free(&ix->alloc, ix->memo, (size_t)ix->nmemo * sizeof *ix->memo);
  mem_free(&ix->alloc, ix->memo_cap, (size_t)ix->nmemo * sizeof *ix->memo_cap);
  mem_free(&ix->alloc, ix->memo_gen, (size_t)ix->nmemo * sizeof *ix->memo_gen);
  ix->memo = NULL;
  ix->memo_cap = NULL;
  ix->memo_gen = NULL;
  ix->nmemo = 0;
}

int pat_index_memo_init(pat_index *ix, int nmemo) {
  ix_memo_free(ix);
  if (nmemo <= 0) return ASSAY_OK;
  ix->memo = mem_calloc(&ix->alloc, (size_t)nmemo, sizeof *ix->memo);
  ix->memo_cap = mem_calloc(&ix->alloc, (size_t)nmemo, sizeof *ix->memo_cap);
  ix->memo_gen = mem_calloc(&ix->alloc, (size_t)nmemo, sizeof *ix->memo_gen);
  if (!ix->memo || !ix->memo_cap || !ix->memo_gen) {
    mem_free(&ix->alloc, ix->memo, (size_t)nmemo * sizeof *ix->memo);
    mem_free(&ix->alloc, ix->memo_cap, (size_t)nmemo * sizeof *ix->memo_cap);
    mem_free(&ix->alloc, ix->memo_gen, (size_t)nmemo * sizeof *ix->memo_gen);
    ix->memo = NULL;
    ix->memo_cap = NULL;
    ix->memo_gen = NULL;
    return ASSAY_ENOMEM;
  }
  ix->nmemo = nmemo;
  return ASSAY_OK;
}

int pat_index_keys_init(pat_index *ix, uint32_t nkeys) {
  mem_free(&ix->alloc, ix->kfirst, (size_t)ix->nkeys * sizeof *ix->kfirst);
  mem_free(&ix->alloc, ix->kgen, (size_t)ix->nkeys * sizeof *ix->kgen);
  ix->kfirst = ix->kgen = NULL;
  ix->nkeys = 0;
  if (!nkeys) return ASSAY_OK;
  ix->kfirst = mem_alloc(&ix->alloc, (size_t)nkeys * sizeof *ix->kfirst);
  ix->kgen = mem_calloc(&ix->alloc, nkeys, sizeof *ix->kgen);
  if (!ix->kfirst || !ix->kgen) {
    mem_free(&ix->alloc, ix->kfirst, (size_t)nkeys * sizeof *ix->kfirst);
    mem_free(&ix->alloc, ix->kgen, (size_t)nkeys * sizeof *ix->kgen);
    ix->kfirst = ix->kgen = NULL;
    return ASSAY_ENOMEM;
  }
  ix->nkeys = nkeys;
  return ASSAY_OK;
}

/* A bit per token of the current document, in *bits (of *cap words,
 * made for build *gen): cleared and *fresh set when made for an earlier
 * document; NULL without memory or past MEMO_MAX_TOKENS (the caller then
 * goes on without the bits). */
static uint64_t *ix_doc_bits(pat_index *ix, uint64_t **bits, size_t *cap,
                             uint32_t *gen, int *fresh) {
  *fresh = 0;
  if (!ix->nslots || !ix->ntoks || ix->ntoks > MEMO_MAX_TOKENS) return NULL;
  size_t words = ix_words(ix->ntoks);
  if (*cap < words) {
    if (mem_grow(&ix->alloc, (void **)bits, cap, words, sizeof(uint64_t)))
      return NULL;
    *gen = 0;
  }
  if (*gen != ix->gen) {
    memset(*bits, 0, words * sizeof(uint64_t));
    *gen = ix->gen;
    *fresh = 1;
  }
  return *bits;
}

uint64_t *pat_index_memo(pat_index *ix, int id, int *fresh) {
  *fresh = 0;
  if (!ix || id < 0 || id >= ix->nmemo) return NULL;
  return ix_doc_bits(ix, &ix->memo[id], &ix->memo_cap[id], &ix->memo_gen[id],
                     fresh);
}

const uint64_t *pat_index_memo_done(const pat_index *ix, int id) {
  if (!ix || id < 0 || id >= ix->nmemo || ix->memo_gen[id] != ix->gen)
    return NULL;
  return ix->memo[id];
}

const uint64_t *pat_index_token_bits(pat_index *ix, int field, int value) {
  int i = -1;
  if (field == PAT_F_FLAG && value > 0 && !(value & (value - 1)))
    i = __builtin_ctz((unsigned)value);
  else if (field == PAT_F_KIND && value >= 0 && value < IX_NTBITS - IX_NFLAGS)
    i = IX_NFLAGS + value;
  if (i < 0 || i >= IX_NTBITS || !ix) return NULL;
  int fresh;
  uint64_t *bits = ix_doc_bits(ix, &ix->tbits[i], &ix->tbits_cap[i],
                               &ix->tbits_gen[i], &fresh);
  for (uint32_t t = 0; bits && fresh && t < ix->ntoks; t++) {
    int has = i < IX_NFLAGS ? (ix->toks[t].flags >> i) & 1
                            : ix->toks[t].kind == i - IX_NFLAGS;
    bits[t >> 6] |= (uint64_t)has << (t & 63);
  }
  return bits; /* NULL: the memo is filled from every token */
}

const uint64_t *pat_index_heads(const pat_index *ix) {
  return ix ? ix->heads : NULL;
}

static uint32_t rc_hash(const uint64_t key[2], uint32_t sh) {
  uint32_t h = sh ^ (uint32_t)key[0];
  return h * 2654435761u;
}

int pat_index_re_cached(const pat_index *ix, const uint64_t key[2],
                        const char *s, size_t n, uint32_t sh, int *result) {
  if (!ix || !ix->rc || n > RC_MAXLEN) return 0;
  uint32_t h = rc_hash(key, sh);
  for (size_t i = h & (RC_SLOTS - 1);; i = (i + 1) & (RC_SLOTS - 1)) {
    const rc_entry *e = &ix->rc[i];
    if (!e->used) return 0;
    if (e->hash == h && e->key[0] == key[0] && e->key[1] == key[1] &&
        e->len == n && memcmp(e->str, s, n) == 0) {
      *result = e->result;
      return 1;
    }
  }
}

void pat_index_re_store(pat_index *ix, const uint64_t key[2], const char *s,
                        size_t n, uint32_t sh, int result) {
  if (!ix || n > RC_MAXLEN) return;
  if (!ix->rc) {
    ix->rc = mem_calloc(&ix->alloc, RC_SLOTS, sizeof *ix->rc);
    if (!ix->rc) return; /* no cache: every test runs its regex */
  }
  if (ix->rc_used >= RC_SLOTS / 4 * 3) {
    memset(ix->rc, 0, RC_SLOTS * sizeof *ix->rc);
    ix->rc_used = 0;
  }
  uint32_t h = rc_hash(key, sh);
  size_t i = h & (RC_SLOTS - 1);
  while (ix->rc[i].used) i = (i + 1) & (RC_SLOTS - 1);
  rc_entry *e = &ix->rc[i];
  e->key[0] = key[0];
  e->key[1] = key[1];
  e->used = 1;
  e->hash = h;
  e->len = (uint8_t)n;
  e->result = (uint8_t)(result != 0);
  memcpy(e->str, s, n);
  ix->rc_used++;
}

void pat_index_free(pat_index *ix) {
  if (!ix) return;
  ix_memo_free(ix);
  for (int i = 0; i < PAT_NSCRATCH; i++)
    mem_free(&ix->alloc, ix->scratch[i], ix->scratch_size[i]);
  for (int i = 0; i < IX_NTBITS; i++)
    mem_free(&ix->alloc, ix->tbits[i], ix->tbits_cap[i] * sizeof(uint64_t));
  mem_free(&ix->alloc, ix->kfirst, (size_t)ix->nkeys * sizeof *ix->kfirst);
  mem_free(&ix->alloc, ix->kgen, (size_t)ix->nkeys * sizeof *ix->kgen);
  mem_free(&ix->alloc, ix->rc, ix->rc ? RC_SLOTS * sizeof *ix->rc : 0);
  mem_free(&ix->alloc, ix->heads, ix->heads_cap * sizeof(uint64_t));
  mem_free(&ix->alloc, ix->head, ix->slots_cap * sizeof(uint32_t));
  mem_free(&ix->alloc, ix->next, ix->next_cap * sizeof(uint32_t));
  mem_free(&ix->alloc, ix->hash, ix->hash_cap * sizeof(uint32_t));
  mem_free(&ix->alloc, ix, sizeof *ix);
}

int pat_index_build(pat_index *ix, const assay_doc *doc) {
  uint32_t n = (uint32_t)doc->toks.ntokens;
  size_t want = 64;
  while (want < 2 * (size_t)n) want *= 2;
  ix->nslots = 0; /* unusable until built */
  if (mem_grow(&ix->alloc, (void **)&ix->head, &ix->slots_cap, want,
               sizeof(uint32_t)) ||
      mem_grow(&ix->alloc, (void **)&ix->next, &ix->next_cap, n,
               sizeof(uint32_t)) ||
      mem_grow(&ix->alloc, (void **)&ix->hash, &ix->hash_cap, n,
               sizeof(uint32_t)))
    return ASSAY_ENOMEM;
  ix->toks = doc->toks.tokens;
  ix->ntoks = n;
  /* A table twice the tokens at most: small documents clear little. */
  size_t mask = want - 1;
  memset(ix->head, 0, want * sizeof(uint32_t));
  /* Backwards, so that each chain runs in increasing token order. */
  for (uint32_t i = n; i-- > 0;) {
    const assay_token *t = &ix->toks[i];
    size_t len = ix_len(t);
    ix->hash[i] = ix_hash(t->lower, len);
    size_t s = ix->hash[i] & mask;
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
  /* Build numbers start at 1: a memo made for number 0 was never made.
   * When they wrap, what was made for the old numbers is forgotten, or a
   * document 2^32 builds back would pass for this one. */
  if (++ix->gen == 0) {
    ix->gen = 1;
    for (int i = 0; i < ix->nmemo; i++) ix->memo_gen[i] = 0;
    for (int i = 0; i < IX_NTBITS; i++) ix->tbits_gen[i] = 0;
    if (ix->nkeys) memset(ix->kgen, 0, (size_t)ix->nkeys * sizeof *ix->kgen);
  }
  if (ix->nmemo && n > 0 && n <= MEMO_MAX_TOKENS) {
    size_t words = ix_words(n);
    if (mem_grow(&ix->alloc, (void **)&ix->heads, &ix->heads_cap, words,
                 sizeof(uint64_t)))
      return ASSAY_ENOMEM;
    memset(ix->heads, 0, words * sizeof(uint64_t));
    for (size_t s = 0; s < want; s++)
      if (ix->head[s]) {
        uint32_t t = ix->head[s] - 1;
        ix->heads[t >> 6] |= (uint64_t)1 << (t & 63);
      }
  }
  return ASSAY_OK;
}

static uint32_t ix_probe(const pat_index *ix, const pat_key *key) {
  if (!ix->nslots) return IX_NONE;
  size_t mask = ix->nslots - 1;
  for (size_t s = key->hash & mask;; s = (s + 1) & mask) {
    uint32_t h = ix->head[s];
    if (!h) return IX_NONE;
    const assay_token *o = &ix->toks[h - 1];
    if (ix_len(o) == key->len && memcmp(o->lower, key->s, key->len) == 0)
      return h - 1;
  }
}

uint32_t pat_index_first(pat_index *ix, const pat_key *key) {
  uint32_t id = key->id - 1; /* UINT32_MAX for a key without one */
  if (!ix->nslots) return IX_NONE; /* not built: no build number yet */
  if (id >= ix->nkeys) return ix_probe(ix, key);
  if (ix->kgen[id] != ix->gen) {
    ix->kfirst[id] = ix_probe(ix, key);
    ix->kgen[id] = ix->gen;
  }
  return ix->kfirst[id];
}

uint32_t pat_index_lower_hash(const pat_index *ix, uint32_t pos) {
  return ix->hash[pos];
}

uint32_t pat_index_next(const pat_index *ix, uint32_t pos) {
  return ix->next[pos];
}

int pat_index_covers(const pat_index *ix, const assay_doc *doc) {
  return ix && ix->toks == doc->toks.tokens &&
         ix->ntoks == (uint32_t)doc->toks.ntokens;
}

/* ---- scratch memory ------------------------------------------------ */

int pat_index_lends(const pat_index *ix, const assay_allocator *alloc) {
  return ix && alloc && ix->alloc.fn == alloc->fn && ix->alloc.ud == alloc->ud;
}

void *pat_index_take(pat_index *ix, int slot, size_t *size) {
  void *p = ix->scratch[slot];
  *size = ix->scratch_size[slot];
  ix->scratch[slot] = NULL;
  ix->scratch_size[slot] = 0;
  return p;
}

void pat_index_give(pat_index *ix, int slot, void *p, size_t size) {
  if (!p) return;
  if (ix->scratch[slot]) { /* a nested scan gave one back first */
    if (ix->scratch_size[slot] >= size) {
      mem_free(&ix->alloc, p, size);
      return;
    }
    mem_free(&ix->alloc, ix->scratch[slot], ix->scratch_size[slot]);
  }
  ix->scratch[slot] = p;
  ix->scratch_size[slot] = size;
}
