/*
 * lexicon_repr.h -- the lexicon's representation, shared by the code that
 * builds and scans it (lexicon.c) and the code that writes and reads it as
 * an image (lexicon_image.c).  Nothing else may look inside.
 */
#ifndef ASSAY_LEXICON_REPR_H
#define ASSAY_LEXICON_REPR_H

#include <stddef.h>
#include <stdint.h>

#include "assay.h"
#include "tokenize.h"

/* Strings live in one pool and are named by their offset; offset 0 is the
 * empty string and means "none". */
typedef struct lex_islot {
  uint32_t off, hash; /* off 0: empty slot */
} lex_islot;

/* An intern table: a set of pool strings, open addressing.  With `own`
 * the strings live in the table's own pool: the vocabulary is looked up
 * for every phrase token and every text token, and in a pool of its own
 * (not between a million names) it stays in the cache. */
typedef struct lex_itab {
  lex_islot *slot;
  size_t n, cap;
  int own;
  char *pool;
  size_t pool_len, pool_cap;
} lex_itab;

/* One trie edge (parent, token) -> child.  A node has exactly one edge
 * into it, so the edge also carries what a phrase ending at the child
 * resolves to: 0 nothing, entry + 1, or LEX_OVR | index into overrides. */
typedef struct lex_edge {
  uint32_t parent, tok, child, value; /* child 0: empty slot */
} lex_edge;
#define LEX_OVR 0x80000000u

/* A frozen edge: 12 bytes instead of 16, because the child's node id is
 * the edge's slot + 1 (freeze inserts parents before their children, so a
 * parent's id is known when its child edges are placed).  tok 0: empty. */
typedef struct lex_fedge {
  uint32_t parent, tok, value;
} lex_fedge;

typedef struct lex_entry {
  uint32_t name, kind, norm; /* pool offsets; norm 0: the name */
  uint32_t attrs;            /* frozen: first index into attrs */
} lex_entry;

typedef struct lex_attr {
  uint32_t entry, key, value;
} lex_attr;

typedef struct lex_override {
  uint32_t entry, kind;
} lex_override;

struct assay_lexicon {
  assay_allocator alloc;
  unsigned flags;
  int frozen, fold_auto;
  char *pool;
  size_t pool_len, pool_cap;
  lex_itab toks; /* interned token strings, the vocabulary */
  /* frozen: a bit per vocabulary word, at its hash's low bits; most
   * tokens of a text find theirs clear and skip the lookup */
  uint64_t *vfilter;
  size_t vfilter_bits; /* a power of two */
  lex_itab strs; /* build only: interned kinds, attribute keys, values
                    (apart, so that the vocabulary stays small and hot) */
  lex_edge *edges; /* build only */
  size_t nedges, edges_cap;
  lex_fedge *fedges; /* frozen only */
  size_t fedges_cap;
  lex_entry *entries;
  size_t nentries, entries_cap;
  lex_attr *attrs; /* build: (entry, key, value) in order; frozen: (entry
                      unused, key, value) grouped by entry */
  size_t nattrs, attrs_cap;
  lex_override *ovr;
  size_t novr, ovr_cap;
  lex_islot *names; /* build only: name -> entry + 1 (in .off), hash */
  size_t names_cap;
  tok_list tl; /* build only: phrase tokens */
  char errmsg[512];
};

/* Builds the vocabulary filter of a frozen lexicon from its vocabulary;
 * without memory for it the lexicon works, looking every token up. */
void lex_build_filter(assay_lexicon *lx);

#endif
