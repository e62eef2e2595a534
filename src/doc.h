/*
 * doc.h -- the document's internal face: the struct behind assay_doc, its
 * annotation layers, and the queries the matchers run on them.
 */
#ifndef ASSAY_DOC_H
#define ASSAY_DOC_H

#include <jansson.h>
#include <stdint.h>

#include "assay.h"
#include "mem.h"
#include "strbuf.h"
#include "tokenize.h"

typedef struct doc_attr {
  const char *key; /* in the document arena */
  assay_value v;   /* strings in the document arena */
} doc_attr;

struct assay_annotation {
  uint32_t id;           /* 1-based, creation order */
  uint32_t start, end;   /* bytes */
  uint32_t tfirst, tlast;/* token range [tfirst, tlast) covering the span */
  int priority;
  uint16_t layer;        /* index into doc->layers */
  uint8_t dead;          /* removed by overlap resolution */
  const char *rule;      /* in the arena, or NULL */
  uint32_t nattrs, attrs_cap;
  doc_attr *attrs;       /* arena; regrown by copying */
  assay_doc *doc;
};

typedef struct doc_layer {
  const char *name;        /* arena */
  int policy;              /* enum assay_layer_policy */
  assay_annotation **items;/* live and dead; sorted when `sorted` */
  size_t n, cap;
  int sorted;              /* items in (tfirst, longer first, id) order */
  /* n when the policy was last applied: a layer with nothing added since
   * is left as it is (removals never revive an annotation or make two
   * overlap, so applying the policy again would change nothing). */
  size_t resolved_n;
} doc_layer;

struct assay_doc {
  assay_allocator alloc;
  arena ar;            /* strings, annotations, attributes */
  char *id;            /* arena */
  char *text;          /* arena, NUL-terminated copy */
  size_t len;
  json_t *meta;        /* a JSON object, owned (json_decref) */
  tok_list toks;
  int tokenized;
  doc_layer *layers;   /* mem_alloc'd array */
  size_t nlayers, layers_cap;
  assay_annotation **anns; /* by id - 1; mem_alloc'd */
  size_t nanns, anns_cap;
  char **warnings;     /* arena strings in a mem_alloc'd array */
  size_t nwarnings, warnings_cap;
  int refs;            /* reference count: doc_retain/assay_doc_free */
  char errmsg[512];
};

/* Reference counting: the store and Lua userdata share documents.
 * assay_doc_free drops one reference and frees at zero. */
void doc_retain(assay_doc *doc);

/* Sets the message of the document's last error; returns status. */
int doc_error(assay_doc *doc, int status, const char *fmt, ...);

/* The layer of that name, or NULL (doc_layer_get creates it). */
doc_layer *doc_layer_find(const assay_doc *doc, const char *name);
doc_layer *doc_layer_get(assay_doc *doc, const char *name);

/* Sorts the layer's items if needed and returns them in text order
 * (tfirst, longer first, then id); dead ones included, check ->dead. */
assay_annotation *const *doc_layer_items(doc_layer *ly, size_t *n);

/* Index of the first item (in doc_layer_items order) whose tfirst >= tok. */
size_t doc_layer_lower_bound(doc_layer *ly, uint32_t tok);

/* Converts a metadata/YAML-ish JSON value of the meta object. */
json_t *doc_meta(const assay_doc *doc);



/* The JSON record of a document (docs/output.md): {"doc", "schema": 1,
 * "meta", "annotations": [...], "warnings": [...]} with the live
 * annotations in text order.  An annotation is {"id", "layer", "start",
 * "end", "text", "rule", ...attributes}; a SPAN attribute is {"start",
 * "end", "text"} plus, when it stands for an annotation, a key named after
 * that annotation's layer holding its id ("actor": 7); a SPAN without place
 * is {"text"}; a REF is the id.  flags: ASSAY_JSON_CHARS converts every
 * offset to code points; ASSAY_JSON_TEXT adds "text" (the document text).
 * `layers` (NULL: all) is a NULL-terminated list of the layers to write.
 * pack (NULL: none) is written as "pack" after "schema".  record.c.
 * Returns a new reference, or NULL when out of memory. */
json_t *doc_record(const assay_doc *doc, unsigned flags,
                   const char *const *layers, const char *pack);
/* The same record as compact JSON text (JSON_COMPACT, keys in order),
 * appended to out: the bytes json_text_add gives for doc_record's tree,
 * without the tree.  0, or -1 when out of memory (out as it was). */
int doc_record_text(strbuf *out, const assay_doc *doc, unsigned flags,
                    const char *const *layers, const char *pack);

/* A JSON string of s[0, len); bytes that are not UTF-8 (jansson refuses
 * them) become U+FFFD, so a record is always written. */
json_t *doc_json_string(const char *s, size_t len);
/* An attribute value as in the records (byte offsets). */
json_t *doc_value_json(const assay_doc *doc, const assay_value *v);
#endif
