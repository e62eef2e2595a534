/*
 * lexicon_image.c -- a frozen lexicon as bytes and back (assay.h, "Lexicon
 * images"): its tables written as they are in memory, read back with
 * every offset and index checked, so that no image, however damaged, makes
 * a lexicon that reads outside its tables.
 */
#include <stdio.h>
#include <string.h>

#include "assay.h"
#include "cache.h"
#include "lexicon.h"
#include "lexicon_repr.h"
#include "mem.h"

#define IMG_MAGIC "ASSAYLX1"
#define IMG_ORDER 0x01020304u /* refuses an image of another byte order */

typedef struct img_header {
  char magic[8];
  char stamp[64]; /* the build stamp of the library that wrote it */
  uint32_t order, flags;
  uint64_t pool_len, toks_pool_len, toks_cap, fedges_cap, nedges;
  uint64_t nentries, nattrs, novr;
  uint64_t checksum; /* cache_checksum of the bytes after the header */
} img_header;

/* The tables in the order they follow the header, each with its element
 * size: one list, so that writing, sizing and reading cannot disagree. */
typedef struct img_table {
  void **items;
  uint64_t *count;
  size_t elem;
  size_t *cap; /* the lexicon's capacity of the table, in elements */
} img_table;

enum { IMG_NTABLES = 7 };

static void img_tables(assay_lexicon *lx, img_header *h,
                       img_table t[IMG_NTABLES]) {
  t[0] = (img_table){(void **)&lx->pool, &h->pool_len, 1, &lx->pool_cap};
  t[1] = (img_table){(void **)&lx->toks.pool, &h->toks_pool_len, 1,
                     &lx->toks.pool_cap};
  t[2] = (img_table){(void **)&lx->toks.slot, &h->toks_cap,
                     sizeof *lx->toks.slot, &lx->toks.cap};
  t[3] = (img_table){(void **)&lx->fedges, &h->fedges_cap,
                     sizeof *lx->fedges, &lx->fedges_cap};
  t[4] = (img_table){(void **)&lx->entries, &h->nentries,
                     sizeof *lx->entries, &lx->entries_cap};
  t[5] = (img_table){(void **)&lx->attrs, &h->nattrs, sizeof *lx->attrs,
                     &lx->attrs_cap};
  t[6] = (img_table){(void **)&lx->ovr, &h->novr, sizeof *lx->ovr,
                     &lx->ovr_cap};
}

static void img_stamp(char stamp[64]) {
  memset(stamp, 0, 64);
  size_t n = strlen(eng_build_stamp);
  memcpy(stamp, eng_build_stamp, n < 64 ? n : 64);
}

/* The checksum of the tables: each table's, combined in order (the writer
 * hands them over one by one, so none is hashed as one piece). */
static uint64_t img_sum_step(uint64_t c, const void *p, size_t n) {
  return c * 0x100000001B3ULL ^ cache_checksum(p, n);
}

/* ---- writing -------------------------------------------------------------- */

int assay_lexicon_write_image(const assay_lexicon *lx,
                              int (*write)(void *ud, const void *p, size_t n),
                              void *ud) {
  if (!lx || !write) return ASSAY_EMISUSE;
  /* Only the compact frozen form has an image: a lexicon whose freeze ran
   * out of memory keeps its build tables and is not worth keeping. */
  if (!lx->frozen || !lx->fedges) return ASSAY_EMISUSE;
  img_header h;
  memset(&h, 0, sizeof h);
  memcpy(h.magic, IMG_MAGIC, 8);
  img_stamp(h.stamp);
  h.order = IMG_ORDER;
  h.flags = lx->flags;
  h.pool_len = lx->pool_len;
  h.toks_pool_len = lx->toks.pool_len;
  h.toks_cap = lx->toks.cap;
  h.fedges_cap = lx->fedges_cap;
  h.nedges = lx->nedges;
  h.nentries = lx->nentries;
  h.nattrs = lx->nattrs;
  h.novr = lx->novr;
  img_table t[IMG_NTABLES];
  /* img_tables takes a lexicon it may write through (reading fills one);
   * here its pointers are only read. */
  img_tables((assay_lexicon *)lx, &h, t);
  uint64_t c = 0;
  for (int i = 0; i < IMG_NTABLES; i++)
    c = img_sum_step(c, *t[i].items, (size_t)(*t[i].count * t[i].elem));
  h.checksum = c;
  int rc = write(ud, &h, sizeof h);
  for (int i = 0; i < IMG_NTABLES && rc == ASSAY_OK; i++)
    if (*t[i].count) rc = write(ud, *t[i].items, (size_t)(*t[i].count * t[i].elem));
  return rc;
}

/* ---- reading -------------------------------------------------------------- */

static int img_fail(assay_error *err, int status, const char *what) {
  if (err) {
    memset(err, 0, sizeof *err);
    err->status = status;
    snprintf(err->message, sizeof err->message, "lexicon image: %s", what);
  }
  return status;
}

/* A pool of n bytes is well formed when it starts with the empty string
 * and ends with a NUL: then every offset below n names a whole string. */
static int img_pool_ok(const char *pool, uint64_t n) {
  return n == 0 || (pool[0] == '\0' && pool[n - 1] == '\0');
}

/* Every offset and index in range; the lookup tables keep an empty slot
 * (their probes stop at one); attribute groups in order. */
static const char *img_check(const assay_lexicon *lx) {
  if (!lx->pool_len) return "no string pool";
  if (!img_pool_ok(lx->pool, lx->pool_len) ||
      !img_pool_ok(lx->toks.pool, lx->toks.pool_len))
    return "a string pool is not terminated";
  size_t free_slots = 0;
  for (size_t i = 0; i < lx->toks.cap; i++) {
    uint32_t off = lx->toks.slot[i].off;
    if (!off) free_slots++;
    else if (off >= lx->toks.pool_len) return "a word is out of range";
  }
  if (lx->toks.cap && !free_slots) return "the vocabulary is full";
  free_slots = 0;
  for (size_t i = 0; i < lx->fedges_cap; i++) {
    const lex_fedge *e = &lx->fedges[i];
    if (!e->tok) {
      free_slots++;
      continue;
    }
    uint32_t v = e->value;
    if (v & LEX_OVR ? (v & ~LEX_OVR) >= lx->novr : v > lx->nentries)
      return "an edge names no entry";
  }
  if (!free_slots) return "the edge table is full";
  uint32_t prev = 0;
  for (size_t i = 0; i < lx->nentries; i++) {
    const lex_entry *e = &lx->entries[i];
    if (e->name >= lx->pool_len || e->kind >= lx->pool_len ||
        e->norm >= lx->pool_len)
      return "an entry's string is out of range";
    if (e->attrs < prev || e->attrs > lx->nattrs)
      return "an entry's attributes are out of range";
    prev = e->attrs;
  }
  for (size_t i = 0; i < lx->nattrs; i++)
    if (lx->attrs[i].key >= lx->pool_len || lx->attrs[i].value >= lx->pool_len)
      return "an attribute's string is out of range";
  for (size_t i = 0; i < lx->novr; i++)
    if (lx->ovr[i].entry >= lx->nentries || lx->ovr[i].kind >= lx->pool_len)
      return "an alias kind is out of range";
  return NULL;
}

int assay_lexicon_read_image(assay_lexicon **out, const void *data,
                             size_t len, const assay_allocator *alloc,
                             assay_error *err) {
  return lex_read_image(out, data, len, alloc, err, 1);
}

int lex_read_image(assay_lexicon **out, const void *data, size_t len,
                   const assay_allocator *alloc, assay_error *err,
                   int checksum) {
  if (!out || (!data && len)) return ASSAY_EMISUSE;
  *out = NULL;
  img_header h;
  if (len < sizeof h) return img_fail(err, ASSAY_ESYNTAX, "too short");
  memcpy(&h, data, sizeof h);
  char stamp[64];
  img_stamp(stamp);
  if (memcmp(h.magic, IMG_MAGIC, 8) || h.order != IMG_ORDER)
    return img_fail(err, ASSAY_ESYNTAX, "not an image of this format");
  if (memcmp(h.stamp, stamp, 64))
    return img_fail(err, ASSAY_ESYNTAX, "written by another build of assay");
  if (h.flags & ~(uint32_t)ASSAY_LEX_FOLD || h.nentries > INT32_MAX - 1 ||
      h.pool_len > UINT32_MAX || h.toks_pool_len > UINT32_MAX ||
      h.fedges_cap == 0 || h.nedges > h.fedges_cap)
    return img_fail(err, ASSAY_ESYNTAX, "bad header");
  assay_lexicon *lx;
  int rc = assay_lexicon_new(&lx, h.flags, alloc);
  if (rc) return img_fail(err, rc, "out of memory");
  /* assay_lexicon_new made a pool; the image brings its own. */
  mem_free(&lx->alloc, lx->pool, lx->pool_cap);
  lx->pool = NULL;
  lx->pool_cap = lx->pool_len = 0;
  img_table t[IMG_NTABLES];
  img_header counts = h; /* img_tables points into it */
  img_tables(lx, &counts, t);
  const unsigned char *p = (const unsigned char *)data + sizeof h;
  size_t left = len - sizeof h;
  uint64_t c = 0;
  for (int i = 0; i < IMG_NTABLES; i++) {
    uint64_t n = *t[i].count;
    if (n > left / t[i].elem) {
      assay_lexicon_free(lx);
      return img_fail(err, ASSAY_ESYNTAX, "truncated");
    }
    size_t bytes = (size_t)n * t[i].elem;
    if (checksum) c = img_sum_step(c, p, bytes);
    if (n) {
      if (!(*t[i].items = mem_alloc(&lx->alloc, bytes))) {
        assay_lexicon_free(lx);
        return img_fail(err, ASSAY_ENOMEM, "out of memory");
      }
      *t[i].cap = (size_t)n; /* from here on the lexicon frees it */
      memcpy(*t[i].items, p, bytes);
    }
    p += bytes;
    left -= bytes;
  }
  lx->pool_len = (size_t)h.pool_len;
  lx->toks.pool_len = (size_t)h.toks_pool_len;
  lx->nedges = (size_t)h.nedges;
  lx->nentries = (size_t)h.nentries;
  lx->nattrs = (size_t)h.nattrs;
  lx->novr = (size_t)h.novr;
  const char *bad = left ? "trailing bytes"
                    : checksum && c != h.checksum ? "checksum mismatch"
                                      : img_check(lx);
  if (bad) {
    assay_lexicon_free(lx);
    return img_fail(err, ASSAY_ESYNTAX, bad);
  }
  lx->toks.n = 0;
  for (size_t i = 0; i < lx->toks.cap; i++) lx->toks.n += lx->toks.slot[i].off != 0;
  lex_build_filter(lx);
  lx->frozen = 1;
  lx->fold_auto = 0;
  *out = lx;
  return ASSAY_OK;
}

int lex_image_seal(void *data, size_t len) {
  img_header h;
  if (len < sizeof h) return -1;
  memcpy(&h, data, sizeof h);
  assay_lexicon shape; /* only for the tables' counts and sizes */
  img_table t[IMG_NTABLES];
  img_tables(&shape, &h, t);
  const unsigned char *p = (const unsigned char *)data + sizeof h;
  size_t left = len - sizeof h;
  uint64_t c = 0;
  for (int i = 0; i < IMG_NTABLES; i++) {
    if (*t[i].count > left / t[i].elem) return -1;
    size_t bytes = (size_t)*t[i].count * t[i].elem;
    c = img_sum_step(c, p, bytes);
    p += bytes;
    left -= bytes;
  }
  h.checksum = c;
  memcpy(data, &h, sizeof h);
  return 0;
}
