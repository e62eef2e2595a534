/*
 * lexicon.c -- the phrase dictionary over tokens: interned token strings,
 * a trie over token ids kept in one open-addressing edge table (compacted
 * at freeze), entries with kind, norm and attributes, the phrase splitter
 * and the leftmost-longest scan.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "assay.h"
#include "hash.h"
#include "lexicon.h"
#include "lexicon_repr.h"
#include "mem.h"
#include "tokenize.h"

/* ------------------------------------------------------------------ */
/* Hashing                                                              */
/* ------------------------------------------------------------------ */

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
  return (uint32_t)(hash_mix64(h ^ w) >> 32);
}

static uint32_t lex_edge_hash(uint32_t parent, uint32_t tok) {
  return (uint32_t)(hash_mix64(((uint64_t)parent << 32) | tok) >> 32);
}

/* Tables have any capacity (sized tight at freeze): a hash maps to a slot
 * by multiply-shift. */
static size_t lex_slot(uint32_t hash, size_t cap) {
  return (size_t)(((uint64_t)hash * cap) >> 32);
}

/* Capacity for n items at a load factor of at most 0.75. */
static size_t lex_cap_for(size_t n) { return n + n / 3 + 8; }

/* For the vocabulary, at most 0.5: most tokens of a text are in no
 * lexicon, and a lookup that misses probes until an empty slot, about
 * 8.5 slots at 0.75 against 2.5 at 0.5. */
static size_t lex_vocab_cap_for(size_t n) { return 2 * n + 8; }

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

/* Appends s[0, n) and a NUL to a pool (which starts with "" at offset 0);
 * its offset, or 0 when out of memory. */
static uint32_t lex_pool_put(assay_lexicon *lx, char **pool, size_t *len,
                             size_t *cap, const char *s, size_t n) {
  if (*len + n + 2 > UINT32_MAX) return 0;
  if (mem_grow(&lx->alloc, (void **)pool, cap, *len + n + 2, 1)) return 0;
  if (!*len) (*pool)[(*len)++] = '\0';
  uint32_t off = (uint32_t)*len;
  memcpy(*pool + off, s, n);
  (*pool)[off + n] = '\0';
  *len += n + 1;
  return off;
}

static uint32_t lex_pool_add(assay_lexicon *lx, const char *s, size_t n) {
  return lex_pool_put(lx, &lx->pool, &lx->pool_len, &lx->pool_cap, s, n);
}

static uint32_t lex_str_find(const assay_lexicon *lx, const lex_itab *t,
                             const char *s, size_t n, uint32_t h) {
  if (!t->cap) return 0;
  const char *pool = t->own ? t->pool : lx->pool;
  size_t len = t->own ? t->pool_len : lx->pool_len;
  size_t i = lex_slot(h, t->cap);
  for (;;) {
    const lex_islot *sl = &t->slot[i];
    if (!sl->off) return 0;
    if (sl->hash == h && sl->off + n < len &&
        memcmp(pool + sl->off, s, n) == 0 && !pool[sl->off + n])
      return sl->off;
    if (++i == t->cap) i = 0;
  }
}

static void lex_str_put(lex_islot *tab, size_t cap, lex_islot sl) {
  size_t i = lex_slot(sl.hash, cap);
  while (tab[i].off)
    if (++i == cap) i = 0;
  tab[i] = sl;
}

static int lex_str_rehash(assay_lexicon *lx, lex_itab *t, size_t cap) {
  lex_islot *tab = mem_calloc(&lx->alloc, cap, sizeof *tab);
  if (!tab) return -1;
  for (size_t i = 0; i < t->cap; i++)
    if (t->slot[i].off) lex_str_put(tab, cap, t->slot[i]);
  mem_free(&lx->alloc, t->slot, t->cap * sizeof *tab);
  t->slot = tab;
  t->cap = cap;
  return 0;
}

static void lex_itab_free(assay_lexicon *lx, lex_itab *t) {
  mem_free(&lx->alloc, t->slot, t->cap * sizeof *t->slot);
  mem_free(&lx->alloc, t->pool, t->pool_cap);
  t->slot = NULL;
  t->pool = NULL;
  t->n = t->cap = t->pool_len = t->pool_cap = 0;
}

/* The offset of the copy of s[0, n) interned in t, or 0 when out of
 * memory. */
static uint32_t lex_intern(assay_lexicon *lx, lex_itab *t, const char *s,
                           size_t n) {
  uint32_t h = lex_hash(s, n);
  uint32_t off = lex_str_find(lx, t, s, n, h);
  if (off) return off;
  if ((t->n + 1) * 10 > t->cap * 7 &&
      lex_str_rehash(lx, t, t->cap ? t->cap * 2 : 64))
    return 0;
  off = t->own ? lex_pool_put(lx, &t->pool, &t->pool_len, &t->pool_cap, s, n)
               : lex_pool_add(lx, s, n);
  if (!off) return 0;
  lex_islot sl = {off, h};
  lex_str_put(t->slot, t->cap, sl);
  t->n++;
  return off;
}

static uint32_t lex_intern_z(assay_lexicon *lx, const char *s) {
  return s && *s ? lex_intern(lx, &lx->strs, s, strlen(s)) : 0;
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

/* The frozen edge (parent, tok), or NULL. */
static const lex_fedge *lex_fedge_find(const assay_lexicon *lx,
                                       uint32_t parent, uint32_t tok) {
  size_t i = lex_slot(lex_edge_hash(parent, tok), lx->fedges_cap);
  for (;;) {
    const lex_fedge *e = &lx->fedges[i];
    if (!e->tok) return NULL;
    if (e->parent == parent && e->tok == tok) return e;
    if (++i == lx->fedges_cap) i = 0;
  }
}

/* One step of a walk: the child of node by tok (0: none) and its value. */
static uint32_t lex_step(const assay_lexicon *lx, uint32_t node, uint32_t tok,
                         uint32_t *value) {
  if (lx->fedges) {
    const lex_fedge *f = lex_fedge_find(lx, node, tok);
    if (!f) return 0;
    *value = f->value;
    return (uint32_t)(f - lx->fedges) + 1;
  }
  const lex_edge *e = lex_edge_find(lx, node, tok);
  if (!e) return 0;
  *value = e->value;
  return e->child;
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
  lx->toks.own = 1;
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
  lex_itab_free(lx, &lx->toks);
  lex_itab_free(lx, &lx->strs);
  mem_free(&a, lx->vfilter, lx->vfilter_bits / 8);
  mem_free(&a, lx->edges, lx->edges_cap * sizeof *lx->edges);
  mem_free(&a, lx->fedges, lx->fedges_cap * sizeof *lx->fedges);
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

/* The same name given twice means the same entry.  Most names are found
 * through the trie: the phrase of a name leads to the edge whose value is
 * its entry.  The name table (build only) holds just the others: names
 * whose phrase an earlier entry had taken (first wins), or that have no
 * tokens.  So a list of a million distinct names costs no table of a
 * million slots and no cache miss in it per name. */
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

static int lex_names_rehash(assay_lexicon *lx, size_t cap) {
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

static int lex_names_grow(assay_lexicon *lx) {
  if ((lx->nentries + 1) * 2 <= lx->names_cap) return 0;
  return lex_names_rehash(lx, lx->names_cap ? lx->names_cap * 2 : 64);
}

int lex_reserve(assay_lexicon *lx, size_t n) {
  if (lx->frozen || n > (size_t)INT32_MAX) return -1;
  /* Two edges and 40 bytes of strings an entry: the shape of a name list
   * (docs/lexicons.md, "Performance"); more only grows as usual. */
  size_t entries = lx->nentries + n, edges = lx->nedges + 2 * n;
  if (edges * 10 > lx->edges_cap * 7 &&
      lex_edge_rehash(lx, edges * 10 / 7 + 8))
    return -1;
  if (mem_grow(&lx->alloc, (void **)&lx->entries, &lx->entries_cap, entries,
               sizeof *lx->entries) ||
      mem_grow(&lx->alloc, (void **)&lx->pool, &lx->pool_cap,
               lx->pool_len + 40 * n, 1))
    return -1;
  return 0;
}

static int lex_walk(assay_lexicon *lx, const char *phrase, lex_edge **out);

int assay_lexicon_add_entry(assay_lexicon *lx, const char *name,
                            const char *kind, const char *norm) {
  if (!lx || !name) return ASSAY_EMISUSE;
  if (lx->frozen) return lex_error(lx, ASSAY_EMISUSE, "lexicon is frozen");
  size_t n = strlen(name);
  if (!n) return lex_error(lx, ASSAY_ESYNTAX, "empty entry name");
  lex_edge *edge = NULL;
  int rc = lex_walk(lx, name, &edge);
  if (rc == ASSAY_ENOMEM) return rc;
  if (edge && edge->value) {
    uint32_t x = edge->value & LEX_OVR ? lx->ovr[edge->value & ~LEX_OVR].entry
                                       : edge->value - 1;
    if (strcmp(lx->pool + lx->entries[x].name, name) == 0)
      return (int)x; /* the same name: the same entry */
  }
  uint32_t h = lex_hash(name, n);
  if ((!edge || edge->value) && lx->names_cap) {
    lex_islot *sl = lex_name_slot(lx, name, n, h);
    if (sl->off) return (int)(sl->off - 1);
  }
  if (lx->nentries >= INT32_MAX - 1 ||
      mem_grow(&lx->alloc, (void **)&lx->entries, &lx->entries_cap,
               lx->nentries + 1, sizeof *lx->entries))
    goto nomem;
  lex_entry e = {0, 0, 0, 0};
  e.name = lex_pool_add(lx, name, n);
  e.kind = lex_intern_z(lx, kind);
  /* Norms are mostly unique ids: copied, not interned, so they do not
   * crowd the intern table. */
  e.norm = norm && *norm && strcmp(norm, name)
               ? lex_pool_add(lx, norm, strlen(norm))
               : 0;
  if (!e.name || (kind && *kind && !e.kind) || (norm && *norm && !e.norm &&
                                               strcmp(norm, name)))
    goto nomem;
  int idx = (int)lx->nentries;
  if (edge && !edge->value) {
    edge->value = (uint32_t)idx + 1; /* its name is its first phrase */
  } else {
    if (lex_names_grow(lx)) goto nomem;
    lex_islot *sl = lex_name_slot(lx, name, n, h);
    sl->off = (uint32_t)idx + 1;
    sl->hash = h;
  }
  lx->entries[lx->nentries++] = e;
  if (!edge) return rc; /* no tokens: the entry is kept, as the error */
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

int lex_plain_split(const char *phrase, size_t len, uint32_t *starts,
                    uint32_t *ends, size_t max) {
  /* Which bytes keep a phrase on the fast path: ASCII letters and digits
   * (a run of them is one word or number token for tok_run, whatever the
   * case: no URL, e-mail, abbreviation or clitic rule fires without some
   * other character) and the space that separates them. */
  size_t n = 0, i = 0;
  while (i < len) {
    unsigned char c = (unsigned char)phrase[i];
    if (c == ' ') {
      i++;
      continue;
    }
    size_t a = i;
    while (i < len) {
      c = (unsigned char)phrase[i];
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9')))
        break;
      i++;
    }
    if (i == a || (i < len && phrase[i] != ' ') || n == max) return -1;
    starts[n] = (uint32_t)a;
    ends[n++] = (uint32_t)i;
  }
  return (int)n;
}

#define LEX_PLAIN_MAX 32 /* tokens of a phrase on the fast path, at most */

/* The key token ids of phrase into ids (at most LEX_PLAIN_MAX): the fast
 * path without tok_run.  Returns their number, -1 when the phrase needs
 * tok_run, -2 when out of memory. */
static int lex_plain_ids(assay_lexicon *lx, const char *phrase, size_t len,
                         uint32_t *ids) {
  uint32_t st[LEX_PLAIN_MAX], en[LEX_PLAIN_MAX];
  char low[256];
  if (len >= sizeof low) return -1;
  int n = lex_plain_split(phrase, len, st, en, LEX_PLAIN_MAX);
  for (int k = 0; k < n; k++) {
    const char *s = phrase + st[k];
    size_t w = en[k] - st[k];
    if (lx->flags & ASSAY_LEX_FOLD) {
      for (size_t j = 0; j < w; j++) {
        unsigned char c = (unsigned char)s[j];
        low[j] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
      }
      s = low;
    }
    if (!(ids[k] = lex_intern(lx, &lx->toks, s, w))) return -2;
  }
  return n;
}

/* Walks phrase into the trie, adding the edges missing: *out is the edge
 * of its last token.  ASSAY_ESYNTAX for a phrase without tokens (*out
 * NULL), ASSAY_ENOMEM; the message is set. */
static int lex_walk(assay_lexicon *lx, const char *phrase, lex_edge **out) {
  *out = NULL;
  lx->fold_auto = 0; /* the keys are decided from here on */
  size_t len = strlen(phrase);
  uint32_t ids[LEX_PLAIN_MAX];
  int nids = lex_plain_ids(lx, phrase, len, ids);
  if (nids == -2) goto nomem;
  size_t ntok = nids >= 0 ? (size_t)nids : 0;
  if (nids < 0) {
    if (tok_run(NULL, phrase, len, &lx->tl) != ASSAY_OK) goto nomem;
    ntok = lx->tl.ntokens;
  }
  if (!ntok)
    return lex_error(lx, ASSAY_ESYNTAX, "empty phrase \"%s\"", phrase);
  uint32_t node = 0;
  lex_edge *e = NULL;
  for (size_t i = 0; i < ntok; i++) {
    uint32_t id;
    if (nids >= 0) {
      id = ids[i];
    } else {
      size_t n;
      const char *s = lex_tok_str(lx, &lx->tl.tokens[i], phrase, &n);
      id = lex_intern(lx, &lx->toks, s, n);
    }
    if (!id || !(e = lex_edge_get(lx, node, id))) goto nomem;
    node = e->child;
  }
  *out = e;
  return ASSAY_OK;
nomem:
  return lex_error(lx, ASSAY_ENOMEM, "lexicon: out of memory");
}

#if defined(__GNUC__)
#define LEX_PREFETCH(p) __builtin_prefetch(p)
#else
#define LEX_PREFETCH(p) ((void)(p))
#endif
#define LEX_PF_BATCH 32 /* phrases walked side by side */
#define LEX_PF_TOKS 8   /* tokens of a phrase walked, at most */
/* Below this size the edge table stays in the caches: nothing to
 * prefetch, and the walk would only add its own work (4% of the
 * instructions of a start-up without the compile cache: the news pack's
 * lexicons are all smaller). */
#define LEX_PF_MIN_BYTES ((size_t)1 << 20)

void lex_prefetch(const assay_lexicon *lx, const char *const *phrases,
                  size_t n) {
  /* In a large lexicon nearly every token of a new phrase costs a cache
   * miss in the vocabulary and one in the edge table, and one phrase's
   * misses come one after the other.  Walking many phrases a step at a
   * time, with a prefetch for each before the loads, lets their misses
   * overlap; the adds that follow then find the lines in the cache. */
  if (lx->frozen || !lx->edges_cap || !lx->toks.cap ||
      lx->edges_cap * sizeof *lx->edges < LEX_PF_MIN_BYTES)
    return;
  int fold = (lx->flags & ASSAY_LEX_FOLD) != 0;
  for (size_t base = 0; base < n; base += LEX_PF_BATCH) {
    size_t m = n - base < LEX_PF_BATCH ? n - base : LEX_PF_BATCH;
    char low[LEX_PF_BATCH][256];
    uint32_t st[LEX_PF_BATCH][LEX_PF_TOKS], en[LEX_PF_BATCH][LEX_PF_TOKS];
    uint32_t h[LEX_PF_BATCH][LEX_PF_TOKS], node[LEX_PF_BATCH];
    int nt[LEX_PF_BATCH];
    for (size_t j = 0; j < m; j++) {
      const char *p = phrases[base + j];
      size_t len = strlen(p);
      nt[j] = len < sizeof low[j]
                  ? lex_plain_split(p, len, st[j], en[j], LEX_PF_TOKS)
                  : -1;
      for (int k = 0; k < nt[j]; k++) {
        char *s = low[j] + st[j][k];
        size_t w = en[j][k] - st[j][k];
        for (size_t i = 0; i < w; i++) {
          unsigned char c = (unsigned char)p[st[j][k] + i];
          s[i] = (char)(fold && c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        h[j][k] = lex_hash(s, w);
        LEX_PREFETCH(&lx->toks.slot[lex_slot(h[j][k], lx->toks.cap)]);
      }
      node[j] = 0;
    }
    for (int k = 0; k < LEX_PF_TOKS; k++) {
      uint32_t id[LEX_PF_BATCH];
      int any = 0;
      for (size_t j = 0; j < m; j++) {
        id[j] = 0;
        if (k >= nt[j] || node[j] == UINT32_MAX) continue;
        id[j] = lex_str_find(lx, &lx->toks, low[j] + st[j][k],
                             en[j][k] - st[j][k], h[j][k]);
        if (!id[j]) {
          node[j] = UINT32_MAX; /* a new token: no edge further on */
          continue;
        }
        LEX_PREFETCH(&lx->edges[lex_slot(lex_edge_hash(node[j], id[j]),
                                         lx->edges_cap)]);
        any = 1;
      }
      if (!any) break;
      for (size_t j = 0; j < m; j++) {
        if (!id[j]) continue;
        const lex_edge *e = lex_edge_find(lx, node[j], id[j]);
        node[j] = e ? e->child : UINT32_MAX;
      }
    }
  }
}

int assay_lexicon_add_alias(assay_lexicon *lx, int entry, const char *phrase,
                            const char *kind) {
  if (!lx || !phrase || entry < 0 || (size_t)entry >= lx->nentries)
    return ASSAY_EMISUSE;
  if (lx->frozen) return lex_error(lx, ASSAY_EMISUSE, "lexicon is frozen");
  lex_edge *e;
  int rc = lex_walk(lx, phrase, &e);
  if (rc) return rc;
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

/* Places build edge e into the frozen table f of cap slots, its parent
 * being at id[e->parent]; records its child's new id. */
static void lex_place(lex_fedge *f, size_t cap, uint32_t *id,
                      const lex_edge *e) {
  uint32_t parent = id[e->parent];
  size_t i = lex_slot(lex_edge_hash(parent, e->tok), cap);
  while (f[i].tok)
    if (++i == cap) i = 0;
  f[i].parent = parent;
  f[i].tok = e->tok;
  f[i].value = e->value;
  id[e->child] = (uint32_t)i + 1;
}

#define LEX_UNPLACED UINT32_MAX
#define LEX_PASSES 6 /* sequential passes before the creation-order pass */

/* Rebuilds the edges as 12-byte frozen edges whose slot names the child.
 * A child's id is known only once its parent edge is placed.  Passes in
 * slot order (sequential reads of the build table) place every edge whose
 * parent is placed: one pass a phrase depth, and names are short.  What
 * deeper phrases leave is placed in creation order, in which a parent
 * always comes before its children.  On failure the build table stays
 * (scans use it). */
static int lex_compact_edges(assay_lexicon *lx) {
  size_t n = lx->nedges, cap = lex_cap_for(n), left = n;
  lex_fedge *f = mem_calloc(&lx->alloc, cap, sizeof *f);
  uint32_t *id = mem_alloc(&lx->alloc, (n + 1) * sizeof *id);
  uint32_t *order = NULL;
  if (!f || !id) goto nomem;
  id[0] = 0; /* the root */
  for (size_t c = 1; c <= n; c++) id[c] = LEX_UNPLACED;
  for (int pass = 0; left && pass < LEX_PASSES; pass++) {
    for (size_t k = 0; k < lx->edges_cap; k++) {
      lex_edge *e = &lx->edges[k];
      if (!e->child || id[e->child] != LEX_UNPLACED ||
          id[e->parent] == LEX_UNPLACED)
        continue;
      lex_place(f, cap, id, e);
      left--;
    }
  }
  if (left) {
    if (!(order = mem_alloc(&lx->alloc, n * sizeof *order))) goto nomem;
    for (size_t k = 0; k < lx->edges_cap; k++)
      if (lx->edges[k].child && id[lx->edges[k].child] == LEX_UNPLACED)
        order[lx->edges[k].child - 1] = (uint32_t)k;
    for (size_t c = 1; c <= n; c++)
      if (id[c] == LEX_UNPLACED) lex_place(f, cap, id, &lx->edges[order[c - 1]]);
    mem_free(&lx->alloc, order, n * sizeof *order);
  }
  mem_free(&lx->alloc, id, (n + 1) * sizeof *id);
  mem_free(&lx->alloc, lx->edges, lx->edges_cap * sizeof *lx->edges);
  lx->edges = NULL;
  lx->edges_cap = 0;
  lx->fedges = f;
  lx->fedges_cap = cap;
  return 0;
nomem:
  mem_free(&lx->alloc, f, cap * sizeof *f);
  mem_free(&lx->alloc, id, (n + 1) * sizeof *id);
  return -1;
}

/* The vocabulary filter: 8 bits a word (about one token in 8 of a text
 * that is in no entry still looks it up), from 4 K to 8 M bits.  Without
 * memory for it, every token is looked up. */
void lex_build_filter(assay_lexicon *lx) {
  size_t bits = 4096;
  while (bits < 8 * lx->toks.n && bits < ((size_t)1 << 23)) bits *= 2;
  lx->vfilter = mem_calloc(&lx->alloc, bits / 64, sizeof(uint64_t));
  if (!lx->vfilter) return;
  lx->vfilter_bits = bits;
  for (size_t i = 0; i < lx->toks.cap; i++)
    if (lx->toks.slot[i].off) {
      size_t b = lx->toks.slot[i].hash & (bits - 1);
      lx->vfilter[b / 64] |= (uint64_t)1 << (b % 64);
    }
}

int assay_lexicon_freeze(assay_lexicon *lx) {
  if (!lx) return ASSAY_EMISUSE;
  if (lx->frozen) return ASSAY_OK;
  if (lex_freeze_attrs(lx))
    return lex_error(lx, ASSAY_ENOMEM, "lexicon: out of memory");
  /* Tables sized tight now that nothing more comes; a failure here only
   * costs memory. */
  if (lex_compact_edges(lx) && lx->edges_cap > lex_cap_for(lx->nedges))
    (void)lex_edge_rehash(lx, lex_cap_for(lx->nedges));
  size_t vocab = lex_vocab_cap_for(lx->toks.n);
  if (lx->toks.cap < vocab || lx->toks.cap > vocab + vocab / 4)
    (void)lex_str_rehash(lx, &lx->toks, vocab);
  lex_build_filter(lx);
  lex_itab_free(lx, &lx->strs); /* kinds, keys, values: never looked up */
  lex_shrink(lx, (void **)&lx->pool, &lx->pool_cap, lx->pool_len, 1);
  lex_shrink(lx, (void **)&lx->toks.pool, &lx->toks.pool_cap,
             lx->toks.pool_len, 1);
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
  return sizeof *lx + lx->pool_cap + lx->toks.pool_cap + lx->vfilter_bits / 8 +
         lx->toks.cap * sizeof *lx->toks.slot +
         lx->strs.cap * sizeof *lx->strs.slot +
         lx->edges_cap * sizeof *lx->edges +
         lx->fedges_cap * sizeof *lx->fedges +
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
  const uint32_t *hash; /* the document's token hashes for this lexicon */
  /* Without those: the hashes made ahead of the scan (lex_scan_prefetch),
   * by position like the ids. */
  size_t hpos[LEX_CACHE];
  uint32_t hv[LEX_CACHE];
} lex_cache;

/* The hash of token i, whose string lex_tok_str gave as s[0, n), when
 * the document's hashes are not at hand: made ahead, or now. */
static uint32_t lex_tok_hash(const lex_cache *c, size_t i, const char *s,
                             size_t n) {
  size_t k = i % LEX_CACHE;
  return c->hpos[k] == i ? c->hv[k] : lex_hash(s, n);
}

static uint32_t lex_tok_id(const assay_lexicon *lx, const assay_token *toks,
                           size_t i, const char *text, lex_cache *c) {
  size_t k = i % LEX_CACHE;
  if (c->pos[k] == i) return c->id[k];
  size_t n;
  const char *s = lex_tok_str(lx, &toks[i], text, &n);
  uint32_t id = 0;
  if (s) {
    uint32_t h = c->hash ? c->hash[i] : lex_tok_hash(c, i, s, n);
    size_t b = h & (lx->vfilter_bits - 1);
    if (!lx->vfilter || (lx->vfilter[b / 64] >> (b % 64) & 1))
      id = lex_str_find(lx, &lx->toks, s, n, h);
  }
  c->pos[k] = i;
  c->id[k] = id;
  return id;
}

void lex_hash_tokens(const assay_token *toks, size_t n, const char *text,
                     uint32_t *lower, uint32_t *texth) {
  for (size_t i = 0; i < n; i++) {
    const assay_token *t = &toks[i];
    /* as lex_tok_str reads a token: its text when it has no lower form */
    uint32_t th = (texth || !t->lower) && text
                      ? lex_hash(text + t->start, t->end - t->start)
                      : 0;
    if (texth) texth[i] = th;
    if (lower)
      lower[i] = t->lower ? lex_hash(t->lower, t->lower_len < 255
                                                   ? t->lower_len
                                                   : strlen(t->lower))
                          : th;
  }
}

int lex_folds(const assay_lexicon *lx) {
  return (lx->flags & ASSAY_LEX_FOLD) != 0;
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
  return lex_scan_hashed(lx, toks, ntoks, text, NULL, NULL, fn, ud);
}

/* A big lexicon's tables are larger than the caches: while token i is
 * looked up, ask for the filter word and the word slot of the token
 * LEX_AHEAD places ahead, from the document's token hashes or from one
 * made now and kept for its turn (the 10^6-entry lexicon scanned at 0.75
 * of the speed of the 10^3 one, waiting on memory; prefetching the word's
 * string too, once its slot is in, gained nothing more). */
#define LEX_AHEAD 8
/* Only for a lexicon whose word slots take more than this: the small
 * ones stay in the caches, and the work of asking would be all cost. */
#define LEX_FAR_BYTES ((size_t)512 << 10)

static void lex_scan_prefetch(const assay_lexicon *lx, const assay_token *toks,
                              const char *text, lex_cache *c, size_t i,
                              size_t ntoks) {
  size_t a = i + LEX_AHEAD;
  if (a >= ntoks) return;
  uint32_t h;
  if (c->hash) {
    h = c->hash[a];
  } else {
    size_t k = a % LEX_CACHE, n;
    if (c->hpos[k] != a) {
      const char *s = lex_tok_str(lx, &toks[a], text, &n);
      if (!s) return;
      c->hv[k] = lex_hash(s, n);
      c->hpos[k] = a;
    }
    h = c->hv[k];
  }
  if (lx->vfilter)
    __builtin_prefetch(&lx->vfilter[(h & (lx->vfilter_bits - 1)) / 64]);
  __builtin_prefetch(&lx->toks.slot[lex_slot(h, lx->toks.cap)]);
}

int lex_scan_hashed(const assay_lexicon *lx, const assay_token *toks,
                    size_t ntoks, const char *text, const uint32_t *lower,
                    const uint32_t *texth,
                    int (*fn)(void *ud, const assay_lexicon_match *m),
                    void *ud) {
  if (!lx || (!toks && ntoks) || !fn) return ASSAY_EMISUSE;
  if (!(lx->flags & ASSAY_LEX_FOLD) && !text && ntoks) return ASSAY_EMISUSE;
  lex_cache cache;
  for (size_t k = 0; k < LEX_CACHE; k++) cache.pos[k] = cache.hpos[k] = SIZE_MAX;
  /* The hashes of the strings lex_tok_str reads: the lower forms when
   * folding (each token has one once tokenized), the texts otherwise. */
  cache.hash = (lx->flags & ASSAY_LEX_FOLD) ? lower : texth;
  int far = lx->toks.cap * sizeof *lx->toks.slot > LEX_FAR_BYTES;
  size_t i = 0;
  while (i < ntoks) {
    if (far) lex_scan_prefetch(lx, toks, text, &cache, i, ntoks);
    uint32_t node = 0, best = 0;
    size_t best_end = 0;
    for (size_t j = i; j < ntoks; j++) {
      uint32_t id = lex_tok_id(lx, toks, j, text, &cache), value = 0;
      uint32_t child = id ? lex_step(lx, node, id, &value) : 0;
      if (!child) break;
      if (value) {
        best = value;
        best_end = j + 1;
      }
      node = child;
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
