/*
 * lexicon.c -- the phrase dictionary over tokens: interned token strings,
 * a trie over token ids kept in one open-addressing edge table, entries
 * with kind, norm and attributes, and the leftmost-longest scan.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "assay.h"
#include "lexicon.h"
#include "mem.h"
#include "tokenize.h"

/* Strings live in one pool and are named by their offset; offset 0 is the
 * empty string and means "none". */
typedef struct lex_islot {
  uint32_t off, hash; /* off 0: empty slot */
} lex_islot;

/* One trie edge (parent, token) -> child.  A node has exactly one edge
 * into it, so the edge also carries what a phrase ending at the child
 * resolves to: 0 nothing, entry + 1, or LEX_OVR | index into overrides. */
typedef struct lex_edge {
  uint32_t parent, tok, child, value; /* child 0: empty slot */
} lex_edge;
#define LEX_OVR 0x80000000u

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
  lex_islot *strs; /* interned strings: tokens, kinds, keys, values */
  size_t nstrs, strs_cap;
  lex_edge *edges;
  size_t nedges, edges_cap;
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

/* ------------------------------------------------------------------ */
/* Hashing                                                              */
/* ------------------------------------------------------------------ */

static uint64_t lex_mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

static uint32_t lex_hash(const char *s, size_t n) {
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ n;
  while (n >= 8) {
    uint64_t w;
    memcpy(&w, s, 8);
    h = (h ^ w) * 0x9FB21C651E98DF25ULL;
    h ^= h >> 29;
    s += 8;
    n -= 8;
  }
  uint64_t w = 0;
  memcpy(&w, s, n);
  return (uint32_t)(lex_mix(h ^ w) >> 32);
}

static uint32_t lex_edge_hash(uint32_t parent, uint32_t tok) {
  return (uint32_t)(lex_mix(((uint64_t)parent << 32) | tok) >> 32);
}

/* Tables have any capacity (sized tight at freeze): a hash maps to a slot
 * by multiply-shift. */
static size_t lex_slot(uint32_t hash, size_t cap) {
  return (size_t)(((uint64_t)hash * cap) >> 32);
}

/* Capacity for n items at a load factor of at most 0.75. */
static size_t lex_cap_for(size_t n) { return n + n / 3 + 8; }

/* ------------------------------------------------------------------ */
/* The string pool and the intern table                                 */
/* ------------------------------------------------------------------ */

int lex_error(assay_lexicon *lx, int status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(lx->errmsg, sizeof lx->errmsg, fmt, ap);
  va_end(ap);
  return status;
}

static uint32_t lex_pool_add(assay_lexicon *lx, const char *s, size_t n) {
  if (lx->pool_len + n + 1 > UINT32_MAX) return 0;
  if (mem_grow(&lx->alloc, (void **)&lx->pool, &lx->pool_cap,
               lx->pool_len + n + 1, 1))
    return 0;
  uint32_t off = (uint32_t)lx->pool_len;
  memcpy(lx->pool + off, s, n);
  lx->pool[off + n] = '\0';
  lx->pool_len += n + 1;
  return off;
}

static uint32_t lex_str_find(const assay_lexicon *lx, const char *s,
                             size_t n, uint32_t h) {
  if (!lx->strs_cap) return 0;
  size_t i = lex_slot(h, lx->strs_cap);
  for (;;) {
    const lex_islot *sl = &lx->strs[i];
    if (!sl->off) return 0;
    if (sl->hash == h && sl->off + n < lx->pool_len &&
        memcmp(lx->pool + sl->off, s, n) == 0 && !lx->pool[sl->off + n])
      return sl->off;
    if (++i == lx->strs_cap) i = 0;
  }
}

static void lex_str_put(lex_islot *tab, size_t cap, lex_islot sl) {
  size_t i = lex_slot(sl.hash, cap);
  while (tab[i].off)
    if (++i == cap) i = 0;
  tab[i] = sl;
}

static int lex_str_rehash(assay_lexicon *lx, size_t cap) {
  lex_islot *tab = mem_calloc(&lx->alloc, cap, sizeof *tab);
  if (!tab) return -1;
  for (size_t i = 0; i < lx->strs_cap; i++)
    if (lx->strs[i].off) lex_str_put(tab, cap, lx->strs[i]);
  mem_free(&lx->alloc, lx->strs, lx->strs_cap * sizeof *tab);
  lx->strs = tab;
  lx->strs_cap = cap;
  return 0;
}

/* The offset of the interned copy of s[0, n), or 0 when out of memory. */
static uint32_t lex_intern(assay_lexicon *lx, const char *s, size_t n) {
  uint32_t h = lex_hash(s, n);
  uint32_t off = lex_str_find(lx, s, n, h);
  if (off) return off;
  if ((lx->nstrs + 1) * 10 > lx->strs_cap * 7 &&
      lex_str_rehash(lx, lx->strs_cap ? lx->strs_cap * 2 : 64))
    return 0;
  off = lex_pool_add(lx, s, n);
  if (!off) return 0;
  lex_islot sl = {off, h};
  lex_str_put(lx->strs, lx->strs_cap, sl);
  lx->nstrs++;
  return off;
}

static uint32_t lex_intern_z(assay_lexicon *lx, const char *s) {
  return s && *s ? lex_intern(lx, s, strlen(s)) : 0;
}

/* ------------------------------------------------------------------ */
/* The edge table                                                       */
/* ------------------------------------------------------------------ */

static lex_edge *lex_edge_find(const assay_lexicon *lx, uint32_t parent,
                               uint32_t tok) {
  if (!lx->edges_cap) return NULL;
  size_t i = lex_slot(lex_edge_hash(parent, tok), lx->edges_cap);
  for (;;) {
    lex_edge *e = &lx->edges[i];
    if (!e->child) return NULL;
    if (e->parent == parent && e->tok == tok) return e;
    if (++i == lx->edges_cap) i = 0;
  }
}

static int lex_edge_rehash(assay_lexicon *lx, size_t cap) {
  lex_edge *tab = mem_calloc(&lx->alloc, cap, sizeof *tab);
  if (!tab) return -1;
  for (size_t k = 0; k < lx->edges_cap; k++) {
    const lex_edge *e = &lx->edges[k];
    if (!e->child) continue;
    size_t i = lex_slot(lex_edge_hash(e->parent, e->tok), cap);
    while (tab[i].child)
      if (++i == cap) i = 0;
    tab[i] = *e;
  }
  mem_free(&lx->alloc, lx->edges, lx->edges_cap * sizeof *tab);
  lx->edges = tab;
  lx->edges_cap = cap;
  return 0;
}

/* The edge (parent, tok), added when missing; NULL when out of memory. */
static lex_edge *lex_edge_get(assay_lexicon *lx, uint32_t parent,
                              uint32_t tok) {
  lex_edge *e = lex_edge_find(lx, parent, tok);
  if (e) return e;
  if (lx->nedges + 1 >= LEX_OVR) return NULL;
  if ((lx->nedges + 1) * 10 > lx->edges_cap * 7 &&
      lex_edge_rehash(lx, lx->edges_cap ? lx->edges_cap * 2 : 64))
    return NULL;
  size_t i = lex_slot(lex_edge_hash(parent, tok), lx->edges_cap);
  while (lx->edges[i].child)
    if (++i == lx->edges_cap) i = 0;
  e = &lx->edges[i];
  e->parent = parent;
  e->tok = tok;
  e->child = (uint32_t)++lx->nedges; /* node ids 1..; the root is 0 */
  e->value = 0;
  return e;
}

/* ------------------------------------------------------------------ */
/* Life cycle                                                           */
/* ------------------------------------------------------------------ */

int assay_lexicon_new(assay_lexicon **out, unsigned flags,
                      const assay_allocator *alloc) {
  if (!out) return ASSAY_EMISUSE;
  assay_allocator a = mem_resolve(alloc);
  assay_lexicon *lx = mem_calloc(&a, 1, sizeof *lx);
  *out = NULL;
  if (!lx) return ASSAY_ENOMEM;
  lx->alloc = a;
  lx->fold_auto = (flags & LEX_FOLD_AUTO) != 0;
  lx->flags = flags & ASSAY_LEX_FOLD;
  tok_list_init(&lx->tl, &lx->alloc);
  /* offset 0 is the empty string, "none" */
  if (mem_grow(&a, (void **)&lx->pool, &lx->pool_cap, 4096, 1)) {
    mem_free(&a, lx, sizeof *lx);
    return ASSAY_ENOMEM;
  }
  lx->pool[0] = '\0';
  lx->pool_len = 1;
  *out = lx;
  return ASSAY_OK;
}

static void lex_free_build(assay_lexicon *lx) {
  mem_free(&lx->alloc, lx->names, lx->names_cap * sizeof *lx->names);
  lx->names = NULL;
  lx->names_cap = 0;
  tok_list_clear(&lx->tl);
}

void assay_lexicon_free(assay_lexicon *lx) {
  if (!lx) return;
  assay_allocator a = lx->alloc;
  lex_free_build(lx);
  mem_free(&a, lx->pool, lx->pool_cap);
  mem_free(&a, lx->strs, lx->strs_cap * sizeof *lx->strs);
  mem_free(&a, lx->edges, lx->edges_cap * sizeof *lx->edges);
  mem_free(&a, lx->entries, lx->entries_cap * sizeof *lx->entries);
  mem_free(&a, lx->attrs, lx->attrs_cap * sizeof *lx->attrs);
  mem_free(&a, lx->ovr, lx->ovr_cap * sizeof *lx->ovr);
  mem_free(&a, lx, sizeof *lx);
}

const char *assay_lexicon_errmsg(const assay_lexicon *lx) {
  return lx ? lx->errmsg : "no lexicon";
}

int lex_frozen(const assay_lexicon *lx) { return lx->frozen; }

assay_allocator lex_allocator(const assay_lexicon *lx) { return lx->alloc; }

int lex_fold_undecided(const assay_lexicon *lx) { return lx->fold_auto; }

void lex_decide_fold(assay_lexicon *lx, int fold) {
  if (!lx->fold_auto) return;
  lx->fold_auto = 0;
  if (lx->nedges) return; /* too late: phrases are keyed already */
  lx->flags = fold ? ASSAY_LEX_FOLD : 0;
}

size_t assay_lexicon_entry_count(const assay_lexicon *lx) {
  return lx ? lx->nentries : 0;
}

/* ------------------------------------------------------------------ */
/* Entries                                                              */
/* ------------------------------------------------------------------ */

/* The name table (build only) maps a canonical name to its entry, so that
 * the same name given twice means the same entry. */
static lex_islot *lex_name_slot(assay_lexicon *lx, const char *name,
                                size_t n, uint32_t h) {
  size_t i = lex_slot(h, lx->names_cap);
  for (;;) {
    lex_islot *sl = &lx->names[i];
    if (!sl->off) return sl;
    const char *s = lx->pool + lx->entries[sl->off - 1].name;
    if (sl->hash == h && strncmp(s, name, n) == 0 && !s[n]) return sl;
    if (++i == lx->names_cap) i = 0;
  }
}

static int lex_names_grow(assay_lexicon *lx) {
  if ((lx->nentries + 1) * 2 <= lx->names_cap) return 0;
  size_t cap = lx->names_cap ? lx->names_cap * 2 : 64;
  lex_islot *tab = mem_calloc(&lx->alloc, cap, sizeof *tab);
  if (!tab) return -1;
  for (size_t k = 0; k < lx->names_cap; k++) {
    if (!lx->names[k].off) continue;
    size_t i = lex_slot(lx->names[k].hash, cap);
    while (tab[i].off)
      if (++i == cap) i = 0;
    tab[i] = lx->names[k];
  }
  mem_free(&lx->alloc, lx->names, lx->names_cap * sizeof *tab);
  lx->names = tab;
  lx->names_cap = cap;
  return 0;
}

int assay_lexicon_add_entry(assay_lexicon *lx, const char *name,
                            const char *kind, const char *norm) {
  if (!lx || !name) return ASSAY_EMISUSE;
  if (lx->frozen) return lex_error(lx, ASSAY_EMISUSE, "lexicon is frozen");
  size_t n = strlen(name);
  if (!n) return lex_error(lx, ASSAY_ESYNTAX, "empty entry name");
  if (lex_names_grow(lx)) goto nomem;
  uint32_t h = lex_hash(name, n);
  lex_islot *sl = lex_name_slot(lx, name, n, h);
  if (sl->off) return (int)(sl->off - 1); /* the same name: the same entry */
  if (lx->nentries >= INT32_MAX - 1 ||
      mem_grow(&lx->alloc, (void **)&lx->entries, &lx->entries_cap,
               lx->nentries + 1, sizeof *lx->entries))
    goto nomem;
  lex_entry e = {0, 0, 0, 0};
  e.name = lex_pool_add(lx, name, n);
  e.kind = lex_intern_z(lx, kind);
  e.norm = norm && *norm && strcmp(norm, name) ? lex_intern_z(lx, norm) : 0;
  if (!e.name || (kind && *kind && !e.kind) || (norm && *norm && !e.norm &&
                                               strcmp(norm, name)))
    goto nomem;
  int idx = (int)lx->nentries;
  lx->entries[lx->nentries++] = e;
  sl->off = (uint32_t)idx + 1;
  sl->hash = h;
  int rc = assay_lexicon_add_alias(lx, idx, name, NULL);
  if (rc < 0) return rc;
  return idx;
nomem:
  return lex_error(lx, ASSAY_ENOMEM, "lexicon: out of memory");
}

int assay_lexicon_set_attr(assay_lexicon *lx, int entry, const char *key,
                           const char *value) {
  if (!lx || !key || !value || entry < 0 || (size_t)entry >= lx->nentries)
    return ASSAY_EMISUSE;
  if (lx->frozen) return lex_error(lx, ASSAY_EMISUSE, "lexicon is frozen");
  if (!*key) return lex_error(lx, ASSAY_ESYNTAX, "empty attribute name");
  if (mem_grow(&lx->alloc, (void **)&lx->attrs, &lx->attrs_cap,
               lx->nattrs + 1, sizeof *lx->attrs))
    return lex_error(lx, ASSAY_ENOMEM, "lexicon: out of memory");
  lex_attr a;
  a.entry = (uint32_t)entry;
  a.key = lex_intern_z(lx, key);
  a.value = *value ? lex_intern_z(lx, value) : 0;
  if (!a.key || (*value && !a.value))
    return lex_error(lx, ASSAY_ENOMEM, "lexicon: out of memory");
  lx->attrs[lx->nattrs++] = a;
  return ASSAY_OK;
}

/* The string a token stands for: its lower form when folding, else its
 * text. */
static const char *lex_tok_str(const assay_lexicon *lx, const assay_token *t,
                               const char *text, size_t *n) {
  if ((lx->flags & ASSAY_LEX_FOLD) && t->lower) {
    *n = t->lower_len < 255 ? t->lower_len : strlen(t->lower);
    return t->lower;
  }
  *n = t->end - t->start;
  return text ? text + t->start : NULL;
}

int assay_lexicon_add_alias(assay_lexicon *lx, int entry, const char *phrase,
                            const char *kind) {
  if (!lx || !phrase || entry < 0 || (size_t)entry >= lx->nentries)
    return ASSAY_EMISUSE;
  if (lx->frozen) return lex_error(lx, ASSAY_EMISUSE, "lexicon is frozen");
  lx->fold_auto = 0; /* the keys are decided from here on */
  size_t len = strlen(phrase);
  if (tok_run(NULL, phrase, len, &lx->tl) != ASSAY_OK) goto nomem;
  if (!lx->tl.ntokens)
    return lex_error(lx, ASSAY_ESYNTAX, "empty phrase \"%s\"", phrase);
  uint32_t node = 0;
  lex_edge *e = NULL;
  for (size_t i = 0; i < lx->tl.ntokens; i++) {
    size_t n;
    const char *s = lex_tok_str(lx, &lx->tl.tokens[i], phrase, &n);
    uint32_t id = lex_intern(lx, s, n);
    if (!id || !(e = lex_edge_get(lx, node, id))) goto nomem;
    node = e->child;
  }
  if (e->value) return ASSAY_OK; /* the first phrase added wins */
  uint32_t k = lex_intern_z(lx, kind);
  if (kind && *kind && !k) goto nomem;
  if (k && k != lx->entries[entry].kind) {
    if (mem_grow(&lx->alloc, (void **)&lx->ovr, &lx->ovr_cap, lx->novr + 1,
                 sizeof *lx->ovr))
      goto nomem;
    lx->ovr[lx->novr].entry = (uint32_t)entry;
    lx->ovr[lx->novr].kind = k;
    e->value = LEX_OVR | (uint32_t)lx->novr++;
  } else {
    e->value = (uint32_t)entry + 1;
  }
  return ASSAY_OK;
nomem:
  return lex_error(lx, ASSAY_ENOMEM, "lexicon: out of memory");
}

/* ------------------------------------------------------------------ */
/* Freezing                                                             */
/* ------------------------------------------------------------------ */

/* Shrinks an array to exactly n elements (a no-op when that fails). */
static void lex_shrink(assay_lexicon *lx, void **p, size_t *cap, size_t n,
                       size_t elem) {
  if (*cap <= n || !*p) return;
  void *q = mem_realloc(&lx->alloc, *p, *cap * elem, (n ? n : 1) * elem);
  if (!q) return;
  *p = q;
  *cap = n ? n : 1;
}

/* Groups the attributes by entry (a counting sort keeps their order) and
 * keeps the last value set for each key. */
static int lex_freeze_attrs(assay_lexicon *lx) {
  size_t n = lx->nattrs;
  lex_attr *out = mem_alloc(&lx->alloc, (n ? n : 1) * sizeof *out);
  if (!out) return -1;
  for (size_t e = 0; e < lx->nentries; e++) lx->entries[e].attrs = 0;
  for (size_t i = 0; i < n; i++) lx->entries[lx->attrs[i].entry].attrs++;
  uint32_t sum = 0;
  for (size_t e = 0; e < lx->nentries; e++) {
    uint32_t c = lx->entries[e].attrs;
    lx->entries[e].attrs = sum; /* used as a cursor below */
    sum += c;
  }
  for (size_t i = 0; i < n; i++)
    out[lx->entries[lx->attrs[i].entry].attrs++] = lx->attrs[i];
  /* the cursors now point at each group's end; dedupe in place */
  size_t w = 0, r = 0;
  for (size_t e = 0; e < lx->nentries; e++) {
    size_t end = lx->entries[e].attrs, first = w;
    for (; r < end; r++) {
      size_t k = first;
      while (k < w && out[k].key != out[r].key) k++;
      if (k < w) out[k].value = out[r].value; /* the last set wins */
      else out[w++] = out[r];
    }
    lx->entries[e].attrs = (uint32_t)first;
  }
  mem_free(&lx->alloc, lx->attrs, lx->attrs_cap * sizeof *lx->attrs);
  lx->attrs = out;
  lx->attrs_cap = n ? n : 1;
  lx->nattrs = w;
  lex_shrink(lx, (void **)&lx->attrs, &lx->attrs_cap, w, sizeof *out);
  return 0;
}

/* After freezing, only token strings are looked up by string: the intern
 * table keeps just them (kinds, keys and values stay in the pool). */
static int lex_keep_tokens(assay_lexicon *lx) {
  size_t bound = lx->nstrs < lx->nedges ? lx->nstrs : lx->nedges;
  size_t cap = lex_cap_for(bound), n = 0;
  lex_islot *tab = mem_calloc(&lx->alloc, cap, sizeof *tab);
  if (!tab) return -1;
  for (size_t k = 0; k < lx->edges_cap; k++) {
    const lex_edge *e = &lx->edges[k];
    if (!e->child) continue;
    const char *str = lx->pool + e->tok;
    uint32_t h = lex_hash(str, strlen(str));
    size_t i = lex_slot(h, cap);
    while (tab[i].off && tab[i].off != e->tok)
      if (++i == cap) i = 0;
    if (tab[i].off) continue;
    tab[i].off = e->tok;
    tab[i].hash = h;
    n++;
  }
  mem_free(&lx->alloc, lx->strs, lx->strs_cap * sizeof *tab);
  lx->strs = tab;
  lx->strs_cap = cap;
  lx->nstrs = n;
  return 0;
}

int assay_lexicon_freeze(assay_lexicon *lx) {
  if (!lx) return ASSAY_EMISUSE;
  if (lx->frozen) return ASSAY_OK;
  if (lex_freeze_attrs(lx))
    return lex_error(lx, ASSAY_ENOMEM, "lexicon: out of memory");
  /* Tables sized tight now that nothing more comes; a failed rehash only
   * costs memory. */
  if (lx->edges_cap > lex_cap_for(lx->nedges))
    (void)lex_edge_rehash(lx, lex_cap_for(lx->nedges));
  (void)lex_keep_tokens(lx);
  if (lx->strs_cap > lex_cap_for(lx->nstrs) + lex_cap_for(lx->nstrs) / 4)
    (void)lex_str_rehash(lx, lex_cap_for(lx->nstrs));
  lex_shrink(lx, (void **)&lx->pool, &lx->pool_cap, lx->pool_len, 1);
  lex_shrink(lx, (void **)&lx->entries, &lx->entries_cap, lx->nentries,
             sizeof *lx->entries);
  lex_shrink(lx, (void **)&lx->ovr, &lx->ovr_cap, lx->novr, sizeof *lx->ovr);
  lex_free_build(lx);
  lx->frozen = 1;
  lx->fold_auto = 0;
  return ASSAY_OK;
}

size_t assay_lexicon_memory(const assay_lexicon *lx) {
  if (!lx) return 0;
  return sizeof *lx + lx->pool_cap + lx->strs_cap * sizeof *lx->strs +
         lx->edges_cap * sizeof *lx->edges +
         lx->entries_cap * sizeof *lx->entries +
         lx->attrs_cap * sizeof *lx->attrs + lx->ovr_cap * sizeof *lx->ovr +
         lx->names_cap * sizeof *lx->names + lx->tl.tokens_cap *
         sizeof(assay_token) + lx->tl.strings.total;
}

/* ------------------------------------------------------------------ */
/* Attributes                                                           */
/* ------------------------------------------------------------------ */

/* The attributes of entry e: frozen, a slice of attrs; before, found by a
 * walk over all of them (the last value set for a key wins). */
size_t assay_lexicon_entry_attr_count(const assay_lexicon *lx, int entry) {
  if (!lx || entry < 0 || (size_t)entry >= lx->nentries) return 0;
  if (!lx->frozen) {
    size_t c = 0;
    for (size_t i = 0; i < lx->nattrs; i++) {
      if (lx->attrs[i].entry != (uint32_t)entry) continue;
      size_t k = 0;
      while (k < i && !(lx->attrs[k].entry == (uint32_t)entry &&
                        lx->attrs[k].key == lx->attrs[i].key))
        k++;
      c += k == i;
    }
    return c;
  }
  size_t end = (size_t)entry + 1 < lx->nentries
                   ? lx->entries[entry + 1].attrs
                   : lx->nattrs;
  return end - lx->entries[entry].attrs;
}

const char *assay_lexicon_entry_attr_at(const assay_lexicon *lx, int entry,
                                        size_t i, const char **value) {
  if (value) *value = NULL;
  if (!lx || i >= assay_lexicon_entry_attr_count(lx, entry)) return NULL;
  if (!lx->frozen) {
    /* the i-th distinct key, with its last value */
    size_t seen = 0;
    for (size_t k = 0; k < lx->nattrs; k++) {
      const lex_attr *a = &lx->attrs[k];
      if (a->entry != (uint32_t)entry) continue;
      size_t j = 0;
      while (j < k && !(lx->attrs[j].entry == a->entry &&
                        lx->attrs[j].key == a->key))
        j++;
      if (j < k || seen++ != i) continue;
      if (value) *value = assay_lexicon_entry_attr(lx, entry,
                                                   lx->pool + a->key);
      return lx->pool + a->key;
    }
    return NULL;
  }
  const lex_attr *a = &lx->attrs[lx->entries[entry].attrs + i];
  if (value) *value = lx->pool + a->value;
  return lx->pool + a->key;
}

const char *assay_lexicon_entry_attr(const assay_lexicon *lx, int entry,
                                     const char *key) {
  if (!lx || !key || entry < 0 || (size_t)entry >= lx->nentries) return NULL;
  const char *found = NULL;
  if (!lx->frozen) {
    for (size_t i = 0; i < lx->nattrs; i++)
      if (lx->attrs[i].entry == (uint32_t)entry &&
          strcmp(lx->pool + lx->attrs[i].key, key) == 0)
        found = lx->pool + lx->attrs[i].value;
    return found;
  }
  size_t n = assay_lexicon_entry_attr_count(lx, entry);
  const lex_attr *a = &lx->attrs[lx->entries[entry].attrs];
  for (size_t i = 0; i < n; i++)
    if (strcmp(lx->pool + a[i].key, key) == 0) return lx->pool + a[i].value;
  return NULL;
}

/* ------------------------------------------------------------------ */
/* Scanning                                                             */
/* ------------------------------------------------------------------ */

/* Token ids of recent positions, so a token is looked up in the vocabulary
 * once even when walks from several starts cross it. */
#define LEX_CACHE 64
typedef struct lex_cache {
  size_t pos[LEX_CACHE];
  uint32_t id[LEX_CACHE];
} lex_cache;

static uint32_t lex_tok_id(const assay_lexicon *lx, const assay_token *toks,
                           size_t i, const char *text, lex_cache *c) {
  size_t k = i % LEX_CACHE;
  if (c->pos[k] == i) return c->id[k];
  size_t n;
  const char *s = lex_tok_str(lx, &toks[i], text, &n);
  uint32_t id = s ? lex_str_find(lx, s, n, lex_hash(s, n)) : 0;
  c->pos[k] = i;
  c->id[k] = id;
  return id;
}

static int lex_report(const assay_lexicon *lx, uint32_t value, size_t first,
                      size_t last,
                      int (*fn)(void *ud, const assay_lexicon_match *m),
                      void *ud) {
  uint32_t entry, kind;
  if (value & LEX_OVR) {
    entry = lx->ovr[value & ~LEX_OVR].entry;
    kind = lx->ovr[value & ~LEX_OVR].kind;
  } else {
    entry = value - 1;
    kind = lx->entries[entry].kind;
  }
  const lex_entry *e = &lx->entries[entry];
  assay_lexicon_match m;
  m.first = (uint32_t)first;
  m.last = (uint32_t)last;
  m.entry = (int)entry;
  m.name = lx->pool + e->name;
  m.kind = kind ? lx->pool + kind : NULL;
  m.norm = lx->pool + (e->norm ? e->norm : e->name);
  return fn(ud, &m);
}

int assay_lexicon_scan(const assay_lexicon *lx, const assay_token *toks,
                       size_t ntoks, const char *text,
                       int (*fn)(void *ud, const assay_lexicon_match *m),
                       void *ud) {
  if (!lx || (!toks && ntoks) || !fn) return ASSAY_EMISUSE;
  if (!(lx->flags & ASSAY_LEX_FOLD) && !text && ntoks) return ASSAY_EMISUSE;
  lex_cache cache;
  for (size_t k = 0; k < LEX_CACHE; k++) cache.pos[k] = SIZE_MAX;
  size_t i = 0;
  while (i < ntoks) {
    uint32_t node = 0, best = 0;
    size_t best_end = 0;
    for (size_t j = i; j < ntoks; j++) {
      uint32_t id = lex_tok_id(lx, toks, j, text, &cache);
      const lex_edge *e = id ? lex_edge_find(lx, node, id) : NULL;
      if (!e) break;
      if (e->value) {
        best = e->value;
        best_end = j + 1;
      }
      node = e->child;
    }
    if (!best) {
      i++;
      continue;
    }
    int rc = lex_report(lx, best, i, best_end, fn, ud);
    if (rc != ASSAY_OK) return rc;
    i = best_end; /* leftmost-longest, not overlapping */
  }
  return ASSAY_OK;
}
