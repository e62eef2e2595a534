/*
 * record.c -- the JSON record of a document (docs/output.md): its keys,
 * their order and their values, written once for every consumer.  The
 * same walk feeds either a jansson tree (doc_record: YAML, TSV, Lua's
 * doc:to_json, the store, the rule tests) or compact JSON text straight
 * into a buffer (doc_record_text: extract's JSON Lines, byte for byte the
 * tree's text).  Building the tree only to write it was half the cost of
 * writing records: a jansson object sets each key through a hash table.
 *
 * The walk gives each object's keys once, in the order jansson would keep
 * them: where an attribute has the name of a fixed key ("end", "text"),
 * jansson would have replaced that key's value in its place, so the walk
 * writes the attribute's value there and leaves it out further on.
 */
#include "doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_text.h"

/* ------------------------------------------------------------------ */
/* The writer: a jansson tree or JSON text                              */
/* ------------------------------------------------------------------ */

#define REC_DEPTH 8 /* record, annotations, annotation, span: 4 needed */

/* What a container holds so far, for its commas: an item (the next one
 * takes a comma), a key (its value takes none), or nothing yet. */
enum { REC_ITEM, REC_KEY, REC_EMPTY };

typedef struct rec_w {
  strbuf *text; /* text mode: the output; NULL in tree mode */
  /* tree mode: the open containers and the key given for the next value */
  json_t *stack[REC_DEPTH];
  const char *key;
  json_t *root;
  int depth;
  /* text mode, per open container: what was written last (REC_*) */
  int fresh[REC_DEPTH];
  int bad;
} rec_w;

/* Text mode: the comma before an item that is not its container's first. */
static void rec_sep(rec_w *w) {
  if (!w->depth) return;
  if (w->fresh[w->depth - 1] == REC_ITEM) w->bad |= sb_add(w->text, ",", 1);
  w->fresh[w->depth - 1] = REC_ITEM;
}

/* Tree mode: attaches v (a new reference) to the open container under the
 * pending key, or makes it the root. */
static void rec_attach(rec_w *w, json_t *v) {
  if (!v) {
    w->bad = 1;
    return;
  }
  if (!w->depth) {
    w->root = v;
    return;
  }
  json_t *top = w->stack[w->depth - 1];
  w->bad |= json_is_array(top) ? json_array_append_new(top, v)
                               : json_object_set_new(top, w->key, v);
}

static void rec_key(rec_w *w, const char *k) {
  if (!w->text) {
    w->key = k;
    return;
  }
  rec_sep(w);
  w->bad |= json_text_string(w->text, k, strlen(k)) || sb_add(w->text, ":", 1);
  w->fresh[w->depth - 1] = REC_KEY;
}

/* Text mode after a key: its value follows at once. */
static void rec_value_sep(rec_w *w) {
  if (w->depth && w->fresh[w->depth - 1] == REC_KEY && w->text) {
    w->fresh[w->depth - 1] = REC_ITEM;
    return;
  }
  rec_sep(w);
}

static void rec_open(rec_w *w, int array) {
  if (w->depth == REC_DEPTH) {
    w->bad = 1;
    return;
  }
  if (w->text) {
    rec_value_sep(w);
    w->bad |= sb_add(w->text, array ? "[" : "{", 1);
  } else {
    json_t *c = array ? json_array() : json_object();
    rec_attach(w, c);
    if (!c) return;
    w->stack[w->depth] = c; /* held by its parent (or the root) */
  }
  w->fresh[w->depth++] = REC_EMPTY;
}

static void rec_close(rec_w *w, int array) {
  if (!w->depth) return;
  w->depth--;
  if (w->text) w->bad |= sb_add(w->text, array ? "]" : "}", 1);
}

static void rec_int(rec_w *w, long long v) {
  if (!w->text) {
    rec_attach(w, json_integer(v));
    return;
  }
  rec_value_sep(w);
  w->bad |= json_text_integer(w->text, v);
}

/* A jansson value (a new reference): attached, or written as jansson
 * would write it and dropped. */
static void rec_json(rec_w *w, json_t *v) {
  if (!w->text) {
    rec_attach(w, v);
    return;
  }
  rec_value_sep(w);
  w->bad |= !v || json_text_add(w->text, v, JSON_COMPACT | JSON_ENCODE_ANY |
                                                JSON_PRESERVE_ORDER);
  json_decref(v);
}

/* A jansson value the caller keeps: a copy attached, or written. */
static void rec_json_of(rec_w *w, const json_t *v) {
  if (!w->text) {
    rec_attach(w, json_deep_copy(v));
    return;
  }
  rec_value_sep(w);
  w->bad |= !v || json_text_add(w->text, v, JSON_COMPACT | JSON_ENCODE_ANY |
                                                JSON_PRESERVE_ORDER);
}

/* A JSON string of s[0, len); bytes that are not UTF-8 (jansson refuses
 * them) become U+FFFD, one per byte, so a record is always written. */
static char *rec_mend_utf8(const char *s, size_t len, size_t *out_len) {
  char *buf = malloc(len * 3 + 1);
  if (!buf) return NULL;
  size_t o = 0;
  for (size_t i = 0; i < len;) {
    size_t bad;
    if (assay_text_valid_utf8(s + i, len - i, &bad)) bad = len - i;
    memcpy(buf + o, s + i, bad);
    o += bad;
    i += bad;
    if (i < len) {
      memcpy(buf + o, "\xEF\xBF\xBD", 3);
      o += 3;
      i++;
    }
  }
  *out_len = o;
  return buf;
}

static void rec_str(rec_w *w, const char *s, size_t len) {
  if (!s) s = "", len = 0;
  if (!w->text) {
    rec_attach(w, doc_json_string(s, len));
    return;
  }
  rec_value_sep(w);
  if (assay_text_valid_utf8(s, len, NULL)) {
    w->bad |= json_text_string(w->text, s, len);
    return;
  }
  size_t n;
  char *mended = rec_mend_utf8(s, len, &n);
  w->bad |= !mended || json_text_string(w->text, mended, n);
  free(mended);
}

static void rec_cstr(rec_w *w, const char *s) { rec_str(w, s, strlen(s)); }

json_t *doc_json_string(const char *s, size_t len) {
  if (!s) s = "", len = 0;
  json_t *j = json_stringn(s, len);
  if (j) return j;
  size_t n;
  char *mended = rec_mend_utf8(s, len, &n);
  if (!mended) return NULL;
  j = json_stringn(mended, n);
  free(mended);
  return j;
}

/* ------------------------------------------------------------------ */
/* The record                                                           */
/* ------------------------------------------------------------------ */

/* Byte -> code point offsets.  Records go through annotations in text
 * order, so counting on from the last converted offset keeps the whole
 * record linear instead of quadratic in the text length. */
typedef struct rec_pos {
  const assay_doc *doc;
  unsigned chars;
  size_t byte, cp;
} rec_pos;

static long long rec_off(rec_pos *p, uint32_t off) {
  if (!p->chars) return off;
  const assay_doc *d = p->doc;
  if (off < p->byte) {
    p->byte = 0;
    p->cp = 0;
  }
  p->cp += assay_text_char_offset(d->text + p->byte, d->len - p->byte,
                                  off - p->byte);
  p->byte = off;
  return (long long)p->cp;
}

static void rec_value(rec_w *w, const assay_doc *doc, const assay_value *v,
                      rec_pos *pos);

/* A span attribute: {"start", "end", "text"} and, when it stands for an
 * annotation, a key named after that annotation's layer with its id (in
 * the place of start, end or text for a layer of that name). */
static void rec_span_value(rec_w *w, const assay_doc *doc,
                           const assay_value *v, rec_pos *pos) {
  const assay_annotation *r = assay_doc_annotation(doc, v->ref);
  const char *lname = r ? doc->layers[r->layer].name : NULL;
  rec_open(w, 0);
  if (v->start != UINT32_MAX || v->end != UINT32_MAX) {
    rec_pos keep = *pos; /* spans inside attributes may go backwards */
    long long s = rec_off(pos, v->start), e = rec_off(pos, v->end);
    *pos = keep;
    rec_key(w, "start");
    if (lname && !strcmp(lname, "start")) rec_int(w, r->id), lname = NULL;
    else rec_int(w, s);
    rec_key(w, "end");
    if (lname && !strcmp(lname, "end")) rec_int(w, r->id), lname = NULL;
    else rec_int(w, e);
  }
  if (v->str) {
    rec_key(w, "text");
    if (lname && !strcmp(lname, "text")) rec_int(w, r->id), lname = NULL;
    else rec_str(w, v->str, v->len);
  }
  if (lname) {
    rec_key(w, lname);
    rec_int(w, r->id);
  }
  rec_close(w, 0);
}

static void rec_value(rec_w *w, const assay_doc *doc, const assay_value *v,
                      rec_pos *pos) {
  switch (v->type) {
  case ASSAY_VALUE_STRING: rec_str(w, v->str, v->len); break;
  case ASSAY_VALUE_NUMBER:
    /* Range first: casting a NaN or a huge double is undefined. */
    if (v->num > -9.0e15 && v->num < 9.0e15 &&
        v->num == (double)(json_int_t)v->num)
      rec_int(w, (long long)v->num);
    else
      rec_json(w, json_real(v->num));
    break;
  case ASSAY_VALUE_BOOL: rec_json(w, json_boolean(v->num != 0)); break;
  case ASSAY_VALUE_REF: rec_int(w, v->ref); break;
  case ASSAY_VALUE_SPAN: rec_span_value(w, doc, v, pos); break;
  default: rec_json(w, json_null()); break;
  }
}

json_t *doc_value_json(const assay_doc *doc, const assay_value *v) {
  rec_w w = {0};
  rec_pos pos = {doc, 0, 0, 0};
  rec_value(&w, doc, v, &pos);
  if (w.bad) {
    json_decref(w.root);
    return NULL;
  }
  return w.root;
}

/* The index of a's attribute named k, or -1. */
static int rec_attr_named(const assay_annotation *a, const char *k) {
  for (uint32_t i = 0; i < a->nattrs; i++)
    if (!strcmp(a->attrs[i].key, k)) return (int)i;
  return -1;
}

/* Fixed key k of annotation a: writes the key, and the value of a's
 * attribute of that name when it has one (noted in taken[*ntaken], to
 * leave out later); returns 0 when the caller is to write the fixed
 * value. */
static int rec_override(rec_w *w, const assay_doc *doc,
                        const assay_annotation *a, const char *k, int *taken,
                        int *ntaken, rec_pos *pos) {
  rec_key(w, k);
  int at = rec_attr_named(a, k);
  if (at < 0) return 0;
  taken[(*ntaken)++] = at;
  rec_value(w, doc, &a->attrs[at].v, pos);
  return 1;
}

static void rec_annotation(rec_w *w, const assay_doc *doc,
                           const assay_annotation *a, rec_pos *pos) {
  int taken[6], nt = 0;
  rec_open(w, 0);
  if (!rec_override(w, doc, a, "id", taken, &nt, pos)) rec_int(w, a->id);
  if (!rec_override(w, doc, a, "layer", taken, &nt, pos))
    rec_cstr(w, doc->layers[a->layer].name);
  rec_pos keep = *pos;
  long long s = rec_off(pos, a->start), e = rec_off(pos, a->end);
  *pos = keep;
  if (!rec_override(w, doc, a, "start", taken, &nt, pos)) rec_int(w, s);
  if (!rec_override(w, doc, a, "end", taken, &nt, pos)) rec_int(w, e);
  if (!rec_override(w, doc, a, "text", taken, &nt, pos))
    rec_str(w, doc->text + a->start, a->end - a->start);
  rec_off(pos, a->start); /* the next annotation starts at or after it */
  if (a->rule && !rec_override(w, doc, a, "rule", taken, &nt, pos))
    rec_cstr(w, a->rule);
  for (uint32_t i = 0; i < a->nattrs; i++) {
    int skip = 0;
    for (int k = 0; k < nt && !skip; k++) skip = taken[k] == (int)i;
    if (skip) continue;
    rec_key(w, a->attrs[i].key);
    rec_value(w, doc, &a->attrs[i].v, pos);
  }
  rec_close(w, 0);
}

static int rec_layer_wanted(const assay_doc *doc, const assay_annotation *a,
                            const char *const *layers) {
  if (!layers) return 1;
  for (size_t i = 0; layers[i]; i++)
    if (strcmp(layers[i], doc->layers[a->layer].name) == 0) return 1;
  return 0;
}

static void rec_doc(rec_w *w, const assay_doc *doc, unsigned flags,
                    const char *const *layers, const char *pack) {
  rec_open(w, 0);
  rec_key(w, "doc");
  rec_cstr(w, doc->id);
  rec_key(w, "schema");
  rec_int(w, 1);
  if (pack) {
    rec_key(w, "pack");
    rec_cstr(w, pack);
  }
  rec_key(w, "meta");
  rec_json_of(w, doc->meta);
  if (flags & ASSAY_JSON_TEXT) {
    rec_key(w, "text");
    rec_str(w, doc->text, doc->len);
  }
  rec_key(w, "annotations");
  rec_open(w, 1);
  assay_ann_iter *it;
  if (assay_ann_iter_new(doc, NULL, &it) != ASSAY_OK) {
    w->bad = 1;
  } else {
    rec_pos pos = {doc, flags & ASSAY_JSON_CHARS, 0, 0};
    const assay_annotation *a;
    while (!w->bad && (a = assay_ann_iter_next(it)))
      if (rec_layer_wanted(doc, a, layers)) rec_annotation(w, doc, a, &pos);
    assay_ann_iter_free(it);
  }
  rec_close(w, 1);
  rec_key(w, "warnings");
  rec_open(w, 1);
  for (size_t i = 0; i < doc->nwarnings; i++) rec_cstr(w, doc->warnings[i]);
  rec_close(w, 1);
  rec_close(w, 0);
}

json_t *doc_record(const assay_doc *doc, unsigned flags,
                   const char *const *layers, const char *pack) {
  rec_w w = {0};
  rec_doc(&w, doc, flags, layers, pack);
  if (w.bad) {
    json_decref(w.root);
    return NULL;
  }
  return w.root;
}

int doc_record_text(strbuf *out, const assay_doc *doc, unsigned flags,
                    const char *const *layers, const char *pack) {
  size_t len = out->len;
  rec_w w = {.text = out};
  rec_doc(&w, doc, flags, layers, pack);
  if (w.bad) { /* as it was */
    out->len = len;
    if (out->s) out->s[len] = '\0';
    return -1;
  }
  return 0;
}
