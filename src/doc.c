/*
 * doc.c -- one document: id, text, metadata, tokens, warnings and the
 * annotation layers (overlap policies, text-order iteration; its JSON
 * record is record.c's).
 */
#include "doc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_text.h"

/* ------------------------------------------------------------------ */
/* Life cycle                                                           */
/* ------------------------------------------------------------------ */

static void doc_set_err(assay_error *err, int status, const char *msg) {
  if (!err)
    return;
  memset(err, 0, sizeof *err);
  err->status = status;
  snprintf(err->message, sizeof err->message, "%s", msg);
}

int assay_doc_new(assay_doc **out, const char *id, const char *text, size_t len,
                  const assay_allocator *alloc, assay_error *err) {
  if (!out)
    return ASSAY_EMISUSE;
  *out = NULL;
  if (!id || (!text && len)) {
    doc_set_err(err, ASSAY_EMISUSE, "document: id and text are required");
    return ASSAY_EMISUSE;
  }
  /* Spans are uint32_t; UINT32_MAX itself marks "no place". */
  if (len >= UINT32_MAX) {
    doc_set_err(err, ASSAY_ELIMIT, "document: text longer than 4 GiB");
    return ASSAY_ELIMIT;
  }
  assay_allocator a = mem_resolve(alloc);
  assay_doc *doc = mem_calloc(&a, 1, sizeof *doc);
  if (!doc)
    goto nomem;
  doc->alloc = a;
  doc->refs = 1;
  arena_init(&doc->ar, &a);
  tok_list_init(&doc->toks, &a);
  doc->id = arena_strdup(&doc->ar, id);
  doc->text = arena_strndup(&doc->ar, text ? text : "", len);
  doc->len = len;
  doc->meta = json_object();
  if (!doc->id || !doc->text || !doc->meta)
    goto nomem;
  *out = doc;
  return ASSAY_OK;
nomem:
  assay_doc_free(doc);
  doc_set_err(err, ASSAY_ENOMEM, "document: out of memory");
  return ASSAY_ENOMEM;
}

void doc_retain(assay_doc *doc) {
  if (doc)
    doc->refs++;
}

void assay_doc_free(assay_doc *doc) {
  if (!doc || --doc->refs > 0)
    return;
  const assay_allocator *a = &doc->alloc;
  for (size_t i = 0; i < doc->nlayers; i++)
    mem_free(a, doc->layers[i].items,
             doc->layers[i].cap * sizeof(assay_annotation *));
  mem_free(a, doc->layers, doc->layers_cap * sizeof(doc_layer));
  mem_free(a, doc->anns, doc->anns_cap * sizeof(assay_annotation *));
  mem_free(a, doc->warnings, doc->warnings_cap * sizeof(char *));
  tok_list_clear(&doc->toks);
  if (doc->meta)
    json_decref(doc->meta);
  arena_release(&doc->ar);
  assay_allocator keep = doc->alloc;
  mem_free(&keep, doc, sizeof *doc);
}

int doc_error(assay_doc *doc, int status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(doc->errmsg, sizeof doc->errmsg, fmt, ap);
  va_end(ap);
  return status;
}

const char *assay_doc_errmsg(const assay_doc *doc) {
  return doc ? doc->errmsg : "no document";
}

const char *assay_doc_id(const assay_doc *doc) { return doc->id; }

const char *assay_doc_text(const assay_doc *doc, size_t *len) {
  if (len)
    *len = doc->len;
  return doc->text;
}

/* ------------------------------------------------------------------ */
/* Metadata                                                             */
/* ------------------------------------------------------------------ */

json_t *doc_meta(const assay_doc *doc) { return doc->meta; }

int assay_doc_set_meta_json(assay_doc *doc, const char *json) {
  if (!json)
    return doc_error(doc, ASSAY_EMISUSE, "meta: NULL text");
  json_error_t je;
  json_t *v = json_loads(json, JSON_REJECT_DUPLICATES, &je);
  if (!v)
    return doc_error(doc, ASSAY_ESYNTAX, "meta: line %d, column %d: %s",
                     je.line, je.column, je.text);
  if (!json_is_object(v)) {
    json_decref(v);
    return doc_error(doc, ASSAY_ESYNTAX, "meta: not a JSON object");
  }
  json_decref(doc->meta);
  doc->meta = v;
  return ASSAY_OK;
}

char *assay_doc_meta_json(const assay_doc *doc) {
  return json_dumps(doc->meta, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

const char *assay_doc_meta_string(const assay_doc *doc, const char *key) {
  return json_string_value(json_object_get(doc->meta, key));
}

/* ------------------------------------------------------------------ */
/* Warnings and tokens                                                  */
/* ------------------------------------------------------------------ */

int assay_doc_add_warning(assay_doc *doc, const char *message) {
  if (!message)
    return ASSAY_EMISUSE;
  char *m = arena_strdup(&doc->ar, message);
  if (!m || mem_grow(&doc->alloc, (void **)&doc->warnings, &doc->warnings_cap,
                     doc->nwarnings + 1, sizeof(char *)))
    return doc_error(doc, ASSAY_ENOMEM, "out of memory");
  doc->warnings[doc->nwarnings++] = m;
  return ASSAY_OK;
}

size_t assay_doc_warning_count(const assay_doc *doc) { return doc->nwarnings; }

const char *assay_doc_warning(const assay_doc *doc, size_t i) {
  return i < doc->nwarnings ? doc->warnings[i] : NULL;
}

/* The token range [tfirst, tlast) of the tokens that overlap the span. */
static void doc_token_range(const assay_doc *doc, assay_annotation *a) {
  const assay_token *t = doc->toks.tokens;
  size_t n = doc->toks.ntokens;
  if (!doc->tokenized) {
    a->tfirst = a->tlast = 0;
    return;
  }
  size_t first = tok_index_at(t, n, a->start);
  size_t last = tok_index_at(t, n, a->end);
  if (last < n && t[last].start < a->end)
    last++;
  if (last < first)
    last = first;
  a->tfirst = (uint32_t)first;
  a->tlast = (uint32_t)last;
}

static int doc_has_warning_prefix(const assay_doc *doc, const char *prefix) {
  for (size_t i = 0; i < doc->nwarnings; i++)
    if (strncmp(doc->warnings[i], prefix, strlen(prefix)) == 0)
      return 1;
  return 0;
}

int assay_doc_tokenize(assay_doc *doc, const assay_tokenizer *tz) {
  int rc = tok_run(tz, doc->text, doc->len, &doc->toks);
  if (rc != ASSAY_OK) {
    doc->tokenized = 0;
    return doc_error(doc, rc, "tokenize: out of memory");
  }
  doc->tokenized = 1;
  /* Token ranges of annotations made before depend on the tokens. */
  for (size_t i = 0; i < doc->nanns; i++)
    doc_token_range(doc, doc->anns[i]);
  for (size_t i = 0; i < doc->nlayers; i++)
    doc->layers[i].sorted = 0;
  /* The reader may already have said so; one warning is enough. */
  if (doc->toks.invalid > 0 && !doc_has_warning_prefix(doc, "invalid UTF-8")) {
    char msg[96];
    snprintf(msg, sizeof msg,
             "invalid UTF-8: %zu sequence(s) read as invalid tokens",
             doc->toks.invalid);
    return assay_doc_add_warning(doc, msg);
  }
  return ASSAY_OK;
}

const assay_token *assay_doc_tokens(const assay_doc *doc, size_t *count) {
  if (count)
    *count = doc->toks.ntokens;
  return doc->toks.tokens;
}

const assay_range *assay_doc_sentences(const assay_doc *doc, size_t *count) {
  if (count)
    *count = doc->toks.nsents;
  return doc->toks.sents;
}

const assay_range *assay_doc_paragraphs(const assay_doc *doc, size_t *count) {
  if (count)
    *count = doc->toks.nparas;
  return doc->toks.paras;
}

/* ------------------------------------------------------------------ */
/* Layers and annotations                                               */
/* ------------------------------------------------------------------ */

/* Names are compared by their first byte before strcmp: the lookups run
 * hundreds of thousands of times a megabyte (rules' layer and attribute
 * reads), and most names differ there. */
static inline int doc_same_name(const char *a, const char *b) {
  return a[0] == b[0] && strcmp(a, b) == 0;
}

doc_layer *doc_layer_find(const assay_doc *doc, const char *name) {
  for (size_t i = 0; i < doc->nlayers; i++)
    if (doc_same_name(doc->layers[i].name, name))
      return &doc->layers[i];
  return NULL;
}

doc_layer *doc_layer_get(assay_doc *doc, const char *name) {
  doc_layer *ly = doc_layer_find(doc, name);
  if (ly)
    return ly;
  /* The annotation keeps its layer in 16 bits. */
  if (doc->nlayers >= UINT16_MAX)
    return NULL;
  if (mem_grow(&doc->alloc, (void **)&doc->layers, &doc->layers_cap,
               doc->nlayers + 1, sizeof(doc_layer)))
    return NULL;
  const char *n = arena_strdup(&doc->ar, name);
  if (!n)
    return NULL;
  ly = &doc->layers[doc->nlayers++];
  memset(ly, 0, sizeof *ly);
  ly->name = n;
  ly->policy = ASSAY_POLICY_ALL;
  ly->sorted = 1;
  return ly;
}

int assay_doc_set_layer_policy(assay_doc *doc, const char *layer, int policy) {
  if (!layer || (policy != ASSAY_POLICY_ALL && policy != ASSAY_POLICY_LONGEST))
    return doc_error(doc, ASSAY_EMISUSE, "layer policy: bad argument");
  doc_layer *ly = doc_layer_get(doc, layer);
  if (!ly)
    return doc_error(doc, ASSAY_ENOMEM, "out of memory");
  ly->policy = policy;
  return ASSAY_OK;
}

int assay_doc_annotate(assay_doc *doc, const char *layer, uint32_t start,
                       uint32_t end, const char *rule, int priority,
                       assay_annotation **out) {
  if (out)
    *out = NULL;
  if (!layer || !*layer)
    return doc_error(doc, ASSAY_EMISUSE, "annotate: no layer name");
  if (start > end || end > doc->len)
    return doc_error(doc, ASSAY_EMISUSE,
                     "annotate: span [%u, %u) outside the text (%zu bytes)",
                     start, end, doc->len);
  doc_layer *ly = doc_layer_get(doc, layer);
  assay_annotation *a = arena_alloc(&doc->ar, sizeof *a);
  if (!ly || !a ||
      mem_grow(&doc->alloc, (void **)&doc->anns, &doc->anns_cap, doc->nanns + 1,
               sizeof(assay_annotation *)) ||
      mem_grow(&doc->alloc, (void **)&ly->items, &ly->cap, ly->n + 1,
               sizeof(assay_annotation *)))
    return doc_error(doc, ASSAY_ENOMEM, "out of memory");
  memset(a, 0, sizeof *a);
  a->rule = rule ? arena_strdup(&doc->ar, rule) : NULL;
  if (rule && !a->rule)
    return doc_error(doc, ASSAY_ENOMEM, "out of memory");
  a->id = (uint32_t)doc->nanns + 1;
  a->start = start;
  a->end = end;
  a->priority = priority;
  a->layer = (uint16_t)(ly - doc->layers);
  a->doc = doc;
  doc_token_range(doc, a);
  doc->anns[doc->nanns++] = a;
  ly->items[ly->n++] = a;
  ly->sorted = 0;
  if (out)
    *out = a;
  return ASSAY_OK;
}

/* Copies the value's strings into the arena. */
static int doc_copy_value(assay_doc *doc, assay_value *dst,
                          const assay_value *v) {
  *dst = *v;
  if (v->type == ASSAY_VALUE_STRING) {
    dst->str =
        arena_strndup(&doc->ar, v->str ? v->str : "", v->str ? v->len : 0);
    dst->len = v->str ? v->len : 0;
    return dst->str ? ASSAY_OK : ASSAY_ENOMEM;
  }
  if (v->type != ASSAY_VALUE_SPAN) {
    dst->str = NULL;
    dst->len = 0;
    return ASSAY_OK;
  }
  int placeless = v->start == UINT32_MAX && v->end == UINT32_MAX;
  if (!placeless && (v->start > v->end || v->end > doc->len))
    return ASSAY_EMISUSE;
  if (v->str) {
    dst->str = arena_strndup(&doc->ar, v->str, v->len);
  } else if (!placeless) {
    dst->str = arena_strndup(&doc->ar, doc->text + v->start, v->end - v->start);
    dst->len = v->end - v->start;
  }
  return (v->str || !placeless) && !dst->str ? ASSAY_ENOMEM : ASSAY_OK;
}

int assay_annotation_set(assay_annotation *ann, const char *key,
                         const assay_value *value) {
  assay_doc *doc = ann->doc;
  if (!key || !value || value->type < ASSAY_VALUE_NULL ||
      value->type > ASSAY_VALUE_REF)
    return doc_error(doc, ASSAY_EMISUSE, "attribute: bad argument");
  assay_value v;
  int rc = doc_copy_value(doc, &v, value);
  if (rc == ASSAY_EMISUSE)
    return doc_error(doc, rc, "attribute %s: span [%u, %u) outside the text",
                     key, value->start, value->end);
  if (rc)
    return doc_error(doc, rc, "out of memory");
  for (uint32_t i = 0; i < ann->nattrs; i++)
    if (strcmp(ann->attrs[i].key, key) == 0) {
      ann->attrs[i].v = v;
      return ASSAY_OK;
    }
  if (ann->nattrs == ann->attrs_cap) {
    /* Arena memory is not freed one piece at a time: grow by copying. */
    uint32_t ncap = ann->attrs_cap ? ann->attrs_cap * 2 : 4;
    doc_attr *na = arena_alloc(&doc->ar, ncap * sizeof *na);
    if (!na)
      return doc_error(doc, ASSAY_ENOMEM, "out of memory");
    if (ann->nattrs)
      memcpy(na, ann->attrs, ann->nattrs * sizeof *na);
    ann->attrs = na;
    ann->attrs_cap = ncap;
  }
  const char *k = arena_strdup(&doc->ar, key);
  if (!k)
    return doc_error(doc, ASSAY_ENOMEM, "out of memory");
  ann->attrs[ann->nattrs].key = k;
  ann->attrs[ann->nattrs].v = v;
  ann->nattrs++;
  return ASSAY_OK;
}

int assay_annotation_set_string(assay_annotation *ann, const char *key,
                                const char *s) {
  assay_value v;
  memset(&v, 0, sizeof v);
  v.type = s ? ASSAY_VALUE_STRING : ASSAY_VALUE_NULL;
  v.str = s;
  v.len = s ? strlen(s) : 0;
  return assay_annotation_set(ann, key, &v);
}

uint32_t assay_annotation_id(const assay_annotation *ann) { return ann->id; }

const char *assay_annotation_layer(const assay_annotation *ann) {
  return ann->doc->layers[ann->layer].name;
}

const char *assay_annotation_rule(const assay_annotation *ann) {
  return ann->rule;
}

void assay_annotation_span(const assay_annotation *ann, uint32_t *start,
                           uint32_t *end) {
  if (start)
    *start = ann->start;
  if (end)
    *end = ann->end;
}

const assay_value *assay_annotation_get(const assay_annotation *ann,
                                        const char *key) {
  for (uint32_t i = 0; i < ann->nattrs; i++)
    if (doc_same_name(ann->attrs[i].key, key))
      return &ann->attrs[i].v;
  return NULL;
}

size_t assay_annotation_attr_count(const assay_annotation *ann) {
  return ann->nattrs;
}

const char *assay_annotation_attr(const assay_annotation *ann, size_t i,
                                  const assay_value **value) {
  if (i >= ann->nattrs) {
    if (value)
      *value = NULL;
    return NULL;
  }
  if (value)
    *value = &ann->attrs[i].v;
  return ann->attrs[i].key;
}

const assay_annotation *assay_doc_annotation(const assay_doc *doc,
                                             uint32_t id) {
  return id >= 1 && id <= doc->nanns ? doc->anns[id - 1] : NULL;
}

/* ------------------------------------------------------------------ */
/* Text order, overlaps, iteration                                      */
/* ------------------------------------------------------------------ */

/* Text order: start, longer first, then id.  tfirst grows with start, so
 * the same order is sorted by tfirst too. */
static int doc_cmp_text(const void *pa, const void *pb) {
  const assay_annotation *a = *(assay_annotation *const *)pa;
  const assay_annotation *b = *(assay_annotation *const *)pb;
  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;
  if (a->end != b->end)
    return a->end > b->end ? -1 : 1;
  return a->id < b->id ? -1 : a->id > b->id;
}

assay_annotation *const *doc_layer_items(doc_layer *ly, size_t *n) {
  if (!ly->sorted) {
    if (ly->n > 1)
      qsort(ly->items, ly->n, sizeof *ly->items, doc_cmp_text);
    ly->sorted = 1;
  }
  if (n)
    *n = ly->n;
  return ly->items;
}

size_t doc_layer_lower_bound(doc_layer *ly, uint32_t tok) {
  size_t n;
  assay_annotation *const *it = doc_layer_items(ly, &n);
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (it[mid]->tfirst < tok)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* Who wins an overlap: longer, then higher priority, then earlier. */
static int doc_cmp_winner(const void *pa, const void *pb) {
  const assay_annotation *a = *(assay_annotation *const *)pa;
  const assay_annotation *b = *(assay_annotation *const *)pb;
  uint32_t la = a->end - a->start, lb = b->end - b->start;
  if (la != lb)
    return la > lb ? -1 : 1;
  if (a->priority != b->priority)
    return a->priority > b->priority ? -1 : 1;
  return a->id < b->id ? -1 : a->id > b->id;
}

/* Greedy: winners in order; each candidate survives when it overlaps none
 * of the kept ones, which stay sorted by start and never overlap, so one
 * binary search finds the neighbours to test. */
static int doc_resolve_layer(assay_doc *doc, doc_layer *ly) {
  if (ly->n == ly->resolved_n) return ASSAY_OK;
  ly->resolved_n = ly->n;
  if (ly->n == 1) return ASSAY_OK; /* one annotation overlaps none */
  size_t n = 0;
  assay_annotation **cand = mem_alloc(&doc->alloc, (ly->n + 1) * sizeof *cand);
  assay_annotation **kept = mem_alloc(&doc->alloc, (ly->n + 1) * sizeof *kept);
  if (!cand || !kept) {
    mem_free(&doc->alloc, cand, (ly->n + 1) * sizeof *cand);
    mem_free(&doc->alloc, kept, (ly->n + 1) * sizeof *kept);
    return doc_error(doc, ASSAY_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < ly->n; i++)
    if (!ly->items[i]->dead)
      cand[n++] = ly->items[i];
  qsort(cand, n, sizeof *cand, doc_cmp_winner);
  size_t nk = 0;
  for (size_t i = 0; i < n; i++) {
    assay_annotation *c = cand[i];
    size_t lo = 0, hi = nk; /* first kept with start >= c->start */
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (kept[mid]->start < c->start)
        lo = mid + 1;
      else
        hi = mid;
    }
    int clash = (lo < nk && kept[lo]->start < c->end) ||
                (lo > 0 && kept[lo - 1]->end > c->start);
    if (clash) {
      c->dead = 1;
      continue;
    }
    memmove(kept + lo + 1, kept + lo, (nk - lo) * sizeof *kept);
    kept[lo] = c;
    nk++;
  }
  mem_free(&doc->alloc, cand, (ly->n + 1) * sizeof *cand);
  mem_free(&doc->alloc, kept, (ly->n + 1) * sizeof *kept);
  return ASSAY_OK;
}

int assay_doc_resolve_overlaps(assay_doc *doc) {
  for (size_t i = 0; i < doc->nlayers; i++) {
    if (doc->layers[i].policy != ASSAY_POLICY_LONGEST)
      continue;
    int rc = doc_resolve_layer(doc, &doc->layers[i]);
    if (rc)
      return rc;
  }
  return ASSAY_OK;
}

struct assay_ann_iter {
  assay_allocator alloc;
  const assay_annotation **items;
  size_t n, i, cap; /* cap: allocated slots, for mem_free */
};

int assay_ann_iter_new(const assay_doc *doc, const char *layer,
                       assay_ann_iter **out) {
  *out = NULL;
  assay_ann_iter *it = mem_calloc(&doc->alloc, 1, sizeof *it);
  if (!it)
    return ASSAY_ENOMEM;
  it->alloc = doc->alloc;
  size_t cap = layer ? 0 : doc->nanns;
  doc_layer *ly = layer ? doc_layer_find(doc, layer) : NULL;
  if (ly)
    cap = ly->n;
  it->cap = cap + 1;
  it->items = mem_alloc(&it->alloc, it->cap * sizeof *it->items);
  if (!it->items) {
    mem_free(&it->alloc, it, sizeof *it);
    return ASSAY_ENOMEM;
  }
  if (ly) {
    /* Sorting a layer in place is a cache refresh, not a change the
     * caller can see; hence the cast. */
    size_t n;
    assay_annotation *const *items = doc_layer_items(ly, &n);
    for (size_t i = 0; i < n; i++)
      if (!items[i]->dead)
        it->items[it->n++] = items[i];
  } else if (!layer) {
    for (size_t i = 0; i < doc->nanns; i++)
      if (!doc->anns[i]->dead)
        it->items[it->n++] = doc->anns[i];
    qsort(it->items, it->n, sizeof *it->items, doc_cmp_text);
  }
  *out = it;
  return ASSAY_OK;
}

const assay_annotation *assay_ann_iter_next(assay_ann_iter *it) {
  return it->i < it->n ? it->items[it->i++] : NULL;
}

void assay_ann_iter_free(assay_ann_iter *it) {
  if (!it)
    return;
  assay_allocator a = it->alloc;
  mem_free(&a, it->items, it->cap * sizeof *it->items);
  mem_free(&a, it, sizeof *it);
}

char *assay_doc_to_json(const assay_doc *doc, unsigned flags) {
  json_t *rec = doc_record(doc, flags, NULL, NULL);
  if (!rec)
    return NULL;
  /* No indent, but ", " and ": " separators: the shape of docs/output.md. */
  char *s = json_text(rec, JSON_PRESERVE_ORDER);
  json_decref(rec);
  return s;
}

/* The "id" of a JSON document: a string, or a number written as text. */
static int doc_json_id(json_t *o, char *buf, size_t size) {
  json_t *id = json_object_get(o, "id");
  if (json_is_string(id))
    snprintf(buf, size, "%s", json_string_value(id));
  else if (json_is_integer(id))
    snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(id));
  else
    return -1;
  return 0;
}

int assay_doc_from_json(assay_doc **out, const char *json, size_t len,
                        const assay_allocator *alloc, assay_error *err) {
  *out = NULL;
  json_error_t je;
  json_t *o =
      json_loadb(json, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
  char id[1024], msg[512];
  int rc = ASSAY_ESYNTAX;
  json_t *text = json_object_get(o, "text"), *meta = json_object_get(o, "meta");
  if (!o) {
    snprintf(msg, sizeof msg, "invalid JSON: %s", je.text);
  } else if (!json_is_object(o)) {
    snprintf(msg, sizeof msg, "not a JSON object");
  } else if (doc_json_id(o, id, sizeof id)) {
    snprintf(msg, sizeof msg, "missing \"id\" (a string)");
  } else if (!json_is_string(text)) {
    snprintf(msg, sizeof msg, "missing \"text\" (a string)");
  } else if (meta && !json_is_object(meta) && !json_is_null(meta)) {
    snprintf(msg, sizeof msg, "\"meta\" is not an object");
  } else {
    rc = assay_doc_new(out, id, json_string_value(text),
                       json_string_length(text), alloc, err);
    if (rc == ASSAY_OK && json_is_object(meta)) {
      json_decref((*out)->meta);
      (*out)->meta = json_incref(meta);
    }
    json_decref(o);
    return rc;
  }
  if (err) {
    doc_set_err(err, rc, msg);
    if (!o) {
      err->line = je.line;
      err->column = je.column;
    }
  }
  json_decref(o);
  return rc;
}

int assay_doc_remove_annotation(assay_doc *doc, uint32_t id) {
  if (!doc || id == 0 || id > doc->nanns)
    return doc ? doc_error(doc, ASSAY_ENOTFOUND, "no annotation %u", id)
               : ASSAY_EMISUSE;
  doc->anns[id - 1]->dead = 1;
  return ASSAY_OK;
}

assay_doc *assay_doc_retain(assay_doc *doc) {
  if (doc) doc_retain(doc);
  return doc;
}
