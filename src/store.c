/*
 * store.c -- a corpus of documents in memory: input order, lookup by id
 * (a hash map), and a token index (lower form -> documents) for phrases.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "mem.h"
#include "tokenize.h"

/* One indexed word: the serial numbers of the documents holding it, in
 * the order they were added.  Removed or replaced documents leave their
 * serials behind; a search skips serials that no longer map to a slot. */
typedef struct st_term {
  char *word; /* mem_strdup, NULL for an empty bucket */
  size_t *post;
  size_t n, cap;
} st_term;

struct assay_store {
  assay_allocator alloc;
  assay_doc **docs; /* input order */
  size_t *serial;   /* serial of docs[i] */
  size_t n, cap, serial_cap;
  size_t *ids;     /* hash table of slot + 1 by id; 0 empty */
  size_t ids_cap;  /* a power of two */
  size_t *slot_of; /* by serial: slot + 1, or 0 when gone */
  size_t nserials, slot_of_cap;
  st_term *terms; /* open addressing by word */
  size_t nterms, terms_cap;
  char errmsg[256];
};

static size_t st_hash(const char *s) {
  size_t h = 14695981039346656037ULL & SIZE_MAX; /* FNV-1a */
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  return h;
}

int assay_store_new(assay_store **out, const assay_allocator *alloc) {
  assay_allocator a = mem_resolve(alloc);
  *out = mem_calloc(&a, 1, sizeof **out);
  if (!*out)
    return ASSAY_ENOMEM;
  (*out)->alloc = a;
  return ASSAY_OK;
}

void assay_store_free(assay_store *st) {
  if (!st)
    return;
  const assay_allocator *a = &st->alloc;
  for (size_t i = 0; i < st->n; i++)
    assay_doc_free(st->docs[i]);
  for (size_t i = 0; i < st->terms_cap; i++) {
    st_term *t = &st->terms[i];
    if (!t->word)
      continue;
    mem_free(a, t->word, strlen(t->word) + 1);
    mem_free(a, t->post, t->cap * sizeof *t->post);
  }
  mem_free(a, st->terms, st->terms_cap * sizeof *st->terms);
  mem_free(a, st->docs, st->cap * sizeof *st->docs);
  mem_free(a, st->serial, st->serial_cap * sizeof *st->serial);
  mem_free(a, st->ids, st->ids_cap * sizeof *st->ids);
  mem_free(a, st->slot_of, st->slot_of_cap * sizeof *st->slot_of);
  assay_allocator keep = st->alloc;
  mem_free(&keep, st, sizeof *st);
}

const char *assay_store_errmsg(const assay_store *st) {
  return st ? st->errmsg : "no store";
}

size_t assay_store_count(const assay_store *st) { return st->n; }

assay_doc *assay_store_at(const assay_store *st, size_t i) {
  return i < st->n ? st->docs[i] : NULL;
}

/* The bucket of id in the id table: holding it, or the empty one. */
static size_t *st_id_bucket(const assay_store *st, const char *id) {
  size_t mask = st->ids_cap - 1;
  for (size_t h = st_hash(id) & mask;; h = (h + 1) & mask) {
    size_t v = st->ids[h];
    if (!v || strcmp(assay_doc_id(st->docs[v - 1]), id) == 0)
      return &st->ids[h];
  }
}

/* Rebuilds the id table with room for `room` documents, at most half
 * full (after growth or removal). */
static int st_rehash_ids(assay_store *st, size_t room) {
  size_t cap = 16;
  while (cap < room * 2 + 2)
    cap *= 2;
  size_t *ids = mem_calloc(&st->alloc, cap, sizeof *ids);
  if (!ids)
    return -1;
  mem_free(&st->alloc, st->ids, st->ids_cap * sizeof *st->ids);
  st->ids = ids;
  st->ids_cap = cap;
  for (size_t i = 0; i < st->n; i++)
    *st_id_bucket(st, assay_doc_id(st->docs[i])) = i + 1;
  return 0;
}

assay_doc *assay_store_get(const assay_store *st, const char *id) {
  if (!st->ids_cap || !id)
    return NULL;
  size_t v = *st_id_bucket(st, id);
  return v ? st->docs[v - 1] : NULL;
}

static st_term *st_term_find(const assay_store *st, const char *w) {
  if (!st->terms_cap)
    return NULL;
  size_t mask = st->terms_cap - 1;
  for (size_t h = st_hash(w) & mask;; h = (h + 1) & mask) {
    st_term *t = &st->terms[h];
    if (!t->word || strcmp(t->word, w) == 0)
      return t;
  }
}

static int st_terms_grow(assay_store *st) {
  size_t cap = st->terms_cap ? st->terms_cap * 2 : 1024;
  st_term *old = st->terms;
  size_t ocap = st->terms_cap;
  st->terms = mem_calloc(&st->alloc, cap, sizeof *st->terms);
  if (!st->terms) {
    st->terms = old;
    return -1;
  }
  st->terms_cap = cap;
  for (size_t i = 0; i < ocap; i++)
    if (old[i].word)
      *st_term_find(st, old[i].word) = old[i];
  mem_free(&st->alloc, old, ocap * sizeof *old);
  return 0;
}

/* Adds serial to the postings of word (once per document). */
static int st_post(assay_store *st, const char *word, size_t serial) {
  if ((st->nterms + 1) * 2 > st->terms_cap && st_terms_grow(st))
    return -1;
  st_term *t = st_term_find(st, word);
  if (!t->word) {
    if (!(t->word = mem_strdup(&st->alloc, word)))
      return -1;
    st->nterms++;
  }
  if (t->n && t->post[t->n - 1] == serial)
    return 0;
  if (mem_grow(&st->alloc, (void **)&t->post, &t->cap, t->n + 1,
               sizeof *t->post))
    return -1;
  t->post[t->n++] = serial;
  return 0;
}

static int st_index(assay_store *st, assay_doc *doc, size_t serial) {
  if (!doc->tokenized && assay_doc_tokenize(doc, NULL) != ASSAY_OK)
    return -1;
  for (size_t i = 0; i < doc->toks.ntokens; i++)
    if (st_post(st, doc->toks.tokens[i].lower, serial))
      return -1;
  return 0;
}

static int st_fail(assay_store *st, assay_doc *doc, int status,
                   const char *msg) {
  assay_doc_free(doc);
  snprintf(st->errmsg, sizeof st->errmsg, "%s", msg);
  return status;
}

int assay_store_add(assay_store *st, assay_doc *doc) {
  if (!doc)
    return st_fail(st, NULL, ASSAY_EMISUSE, "add: no document");
  size_t serial = st->nserials;
  if (mem_grow(&st->alloc, (void **)&st->slot_of, &st->slot_of_cap, serial + 1,
               sizeof *st->slot_of) ||
      mem_grow(&st->alloc, (void **)&st->docs, &st->cap, st->n + 1,
               sizeof *st->docs) ||
      mem_grow(&st->alloc, (void **)&st->serial, &st->serial_cap, st->n + 1,
               sizeof *st->serial) ||
      ((st->n + 1) * 2 + 2 > st->ids_cap && st_rehash_ids(st, st->n + 1)))
    return st_fail(st, doc, ASSAY_ENOMEM, "add: out of memory");
  st->slot_of[serial] = 0;
  st->nserials++;
  if (st_index(st, doc, serial))
    return st_fail(st, doc, ASSAY_ENOMEM, "add: out of memory");
  size_t *b = st_id_bucket(st, assay_doc_id(doc));
  size_t slot = *b ? *b - 1 : st->n;
  if (*b) {
    /* Same id: the new document takes the old one's place. */
    st->slot_of[st->serial[slot]] = 0;
    assay_doc_free(st->docs[slot]);
  } else {
    st->n++;
    *b = slot + 1;
  }
  st->docs[slot] = doc;
  st->serial[slot] = serial;
  st->slot_of[serial] = slot + 1;
  return ASSAY_OK;
}

int assay_store_remove(assay_store *st, const char *id) {
  assay_doc *doc = id ? assay_store_get(st, id) : NULL;
  if (!doc) {
    snprintf(st->errmsg, sizeof st->errmsg, "remove: no document \"%s\"",
             id ? id : "(null)");
    return ASSAY_ENOTFOUND;
  }
  size_t slot = *st_id_bucket(st, id) - 1;
  st->slot_of[st->serial[slot]] = 0;
  assay_doc_free(doc);
  memmove(st->docs + slot, st->docs + slot + 1,
          (st->n - slot - 1) * sizeof *st->docs);
  memmove(st->serial + slot, st->serial + slot + 1,
          (st->n - slot - 1) * sizeof *st->serial);
  st->n--;
  for (size_t i = slot; i < st->n; i++)
    st->slot_of[st->serial[i]] = i + 1;
  /* Rebuilding at the same size cannot fail for want of a bigger table,
   * but it allocates; on failure clear and refill the old one. */
  if (st_rehash_ids(st, st->n)) {
    memset(st->ids, 0, st->ids_cap * sizeof *st->ids);
    for (size_t i = 0; i < st->n; i++)
      *st_id_bucket(st, assay_doc_id(st->docs[i])) = i + 1;
  }
  return ASSAY_OK;
}

/* 1 when the document's tokens hold the phrase's lower forms in a row. */
static int st_has_phrase(const assay_doc *doc, const tok_list *ph) {
  const assay_token *t = doc->toks.tokens;
  size_t n = doc->toks.ntokens, m = ph->ntokens;
  for (size_t i = 0; i + m <= n; i++) {
    size_t k = 0;
    while (k < m && strcmp(t[i + k].lower, ph->tokens[k].lower) == 0)
      k++;
    if (k == m)
      return 1;
  }
  return 0;
}

static int st_cmp_size(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return x < y ? -1 : x > y;
}

/* The slots (sorted: input order) of the documents whose serials are in
 * the rarest word's postings and that hold the whole phrase. */
static int st_candidates(const assay_store *st, const tok_list *ph,
                         size_t **out, size_t *nout, size_t *cap) {
  const st_term *best = NULL;
  for (size_t k = 0; k < ph->ntokens; k++) {
    const st_term *t = st_term_find(st, ph->tokens[k].lower);
    if (!t || !t->word)
      return 0; /* a word no document has */
    if (!best || t->n < best->n)
      best = t;
  }
  *cap = best->n + 1;
  if (!(*out = mem_alloc(&st->alloc, *cap * sizeof **out)))
    return -1;
  for (size_t i = 0; i < best->n; i++) {
    size_t s = st->slot_of[best->post[i]];
    if (s && st_has_phrase(st->docs[s - 1], ph))
      (*out)[(*nout)++] = s - 1;
  }
  qsort(*out, *nout, sizeof **out, st_cmp_size);
  return 0;
}

int assay_store_find(const assay_store *st, const char *phrase,
                     int (*fn)(void *ud, assay_doc *doc), void *ud) {
  if (!phrase || !fn)
    return ASSAY_EMISUSE;
  tok_list ph;
  tok_list_init(&ph, &st->alloc);
  int rc = tok_run(NULL, phrase, strlen(phrase), &ph);
  size_t *hits = NULL, nhits = 0, cap = 0;
  if (rc == ASSAY_OK && ph.ntokens &&
      st_candidates(st, &ph, &hits, &nhits, &cap))
    rc = ASSAY_ENOMEM;
  for (size_t i = 0; rc == ASSAY_OK && i < nhits; i++) {
    int r = fn(ud, st->docs[hits[i]]);
    if (r == ASSAY_STOP)
      break;
    if (r != ASSAY_OK)
      rc = r;
  }
  mem_free(&st->alloc, hits, cap * sizeof *hits);
  tok_list_clear(&ph);
  return rc;
}
