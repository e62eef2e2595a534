/*
 * test_record.c -- src/record.c: a document's record written as text
 * (doc_record_text, extract's JSON Lines) is byte for byte the text of its
 * jansson tree (doc_record, then json_text_add), on hand-made documents
 * with every kind of value, attributes named like the fixed keys, spans of
 * layers named like span keys and bytes that are not UTF-8, and on 3,000
 * seeded random documents; and the values are those docs/output.md says.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assay.h"
#include "check.h"
#include "doc.h"
#include "json_text.h"

/* The record of doc through the tree and as text; both NULL-free and
 * equal, or the difference is printed.  Returns the text (malloc'd). */
static char *both_ways(const assay_doc *doc, unsigned flags,
                       const char *const *layers, const char *pack,
                       const char *what) {
  json_t *rec = doc_record(doc, flags, layers, pack);
  CHECK(rec != NULL);
  strbuf tree = {0}, text = {0};
  if (rec)
    CHECK_INT(json_text_add(&tree, rec,
                            JSON_COMPACT | JSON_PRESERVE_ORDER), 0);
  json_decref(rec);
  CHECK_INT(doc_record_text(&text, doc, flags, layers, pack), 0);
  const char *a = tree.s ? tree.s : "", *b = text.s ? text.s : "";
  if (strcmp(a, b))
    fprintf(stderr, "%s (flags %u):\n  tree <%s>\n  text <%s>\n", what, flags,
            a, b);
  CHECK_STR(b, a);
  free(tree.s);
  return text.s;
}

static assay_annotation *ann(assay_doc *doc, const char *layer, uint32_t s,
                             uint32_t e, const char *rule) {
  assay_annotation *a = NULL;
  CHECK_INT(assay_doc_annotate(doc, layer, s, e, rule, 0, &a), 0);
  return a;
}

static void set_num(assay_annotation *a, const char *k, double x) {
  assay_value v = {.type = ASSAY_VALUE_NUMBER, .num = x};
  CHECK_INT(assay_annotation_set(a, k, &v), 0);
}

static void set_span(assay_annotation *a, const char *k, uint32_t s,
                     uint32_t e, const char *str, uint32_t ref) {
  assay_value v = {.type = ASSAY_VALUE_SPAN, .start = s, .end = e,
                   .str = str, .len = str ? strlen(str) : 0, .ref = ref};
  CHECK_INT(assay_annotation_set(a, k, &v), 0);
}

static void has(const char *text, const char *want) {
  if (!strstr(text, want)) fprintf(stderr, "<%s> lacks <%s>\n", text, want);
  CHECK(strstr(text, want) != NULL);
}

/* Every kind of value, and the keys where jansson would replace one. */
static void hand_made(void) {
  const char text[] = "Kim met Trump in Hanoi. \xC3\xA9t\xC3\xA9 \xFF bad.";
  assay_doc *doc = NULL;
  CHECK_INT(assay_doc_new(&doc, "d\xFE" "1", text, sizeof text - 1, NULL, NULL),
            0);
  if (!doc) return;
  CHECK_INT(assay_doc_set_meta_json(
                doc, "{\"outlet\": \"Wire \\u00e9\", \"n\": [1, 2.5, null]}"),
            0);
  assay_annotation *kim = ann(doc, "actor", 0, 3, "r.person");
  CHECK_INT(assay_annotation_set_string(kim, "kind", "person"), 0);
  set_num(kim, "score", 0.25);
  set_num(kim, "count", 3);
  assay_value b = {.type = ASSAY_VALUE_BOOL, .num = 1};
  CHECK_INT(assay_annotation_set(kim, "known", &b), 0);
  assay_annotation *c = ann(doc, "claim", 4, 23, NULL);
  set_span(c, "source", 0, 3, NULL, assay_annotation_id(kim));
  set_span(c, "outlet", UINT32_MAX, UINT32_MAX, "Wire", 0);
  assay_value ref = {.type = ASSAY_VALUE_REF, .ref = 1};
  CHECK_INT(assay_annotation_set(c, "about", &ref), 0);
  /* attributes named like the fixed keys: their values in those places */
  assay_annotation *odd = ann(doc, "odd", 8, 13, "r.odd");
  set_num(odd, "end", 99);
  CHECK_INT(assay_annotation_set_string(odd, "text", "other"), 0);
  CHECK_INT(assay_annotation_set_string(odd, "rule", "mine"), 0);
  CHECK_INT(assay_annotation_set_string(odd, "zz", "last"), 0);
  /* a rule-less annotation's "rule" attribute keeps its own place */
  assay_annotation *nr = ann(doc, "odd", 14, 19, NULL);
  CHECK_INT(assay_annotation_set_string(nr, "rule", "attr"), 0);
  /* spans of annotations of layers named like span keys */
  assay_annotation *st = ann(doc, "start", 0, 3, NULL);
  assay_annotation *tx = ann(doc, "text", 8, 13, NULL);
  assay_annotation *sp = ann(doc, "spans", 24, 33, NULL);
  set_span(sp, "a", 0, 3, NULL, assay_annotation_id(st));
  set_span(sp, "b", 8, 13, "Trump", assay_annotation_id(tx));
  set_span(sp, "c", UINT32_MAX, UINT32_MAX, NULL, assay_annotation_id(tx));
  set_num(sp, "big", 1e300);
  set_num(sp, "neg", -7);
  CHECK_INT(assay_doc_add_warning(doc, "a warning \xC0 with a bad byte"), 0);

  static const char *const some[] = {"claim", "spans", NULL};
  for (unsigned flags = 0; flags < 4; flags++) {
    free(both_ways(doc, flags, NULL, NULL, "hand-made"));
    free(both_ways(doc, flags, some, "news 0.1", "hand-made, two layers"));
  }
  char *t = both_ways(doc, 0, NULL, "news 0.1", "hand-made");
  if (t) {
    has(t, "{\"doc\":\"d\xEF\xBF\xBD" "1\",\"schema\":1,\"pack\":\"news 0.1\","
           "\"meta\":{\"outlet\":\"Wire \xC3\xA9\",\"n\":[1,2.5,null]},");
    /* attributes in the order set */
    has(t, "{\"id\":1,\"layer\":\"actor\",\"start\":0,\"end\":3,\"text\":"
           "\"Kim\",\"rule\":\"r.person\",\"kind\":\"person\",\"score\":0.25,"
           "\"count\":3,\"known\":true}");
    has(t, "\"source\":{\"start\":0,\"end\":3,\"text\":\"Kim\",\"actor\":1}");
    has(t, "\"outlet\":{\"text\":\"Wire\"}");
    has(t, "\"about\":1");
    has(t, "\"layer\":\"odd\",\"start\":8,\"end\":99,\"text\":\"other\","
           "\"rule\":\"mine\",\"zz\":\"last\"}");
    has(t, "\"start\":14,\"end\":19,\"text\":\"in Ha\",\"rule\":\"attr\"}");
    /* a span of annotation 5 (layer "start") and 6 (layer "text"): the
     * id in the place of that key */
    has(t, "\"a\":{\"start\":5,\"end\":3,\"text\":\"Kim\"}");
    has(t, "\"b\":{\"start\":8,\"end\":13,\"text\":6}");
    has(t, "\"c\":{\"text\":6}");
    has(t, "\"big\":1.0000000000000001e300,\"neg\":-7}");
    has(t, "\"warnings\":[\"a warning \xEF\xBF\xBD with a bad byte\"]}");
  }
  free(t);
  t = both_ways(doc, ASSAY_JSON_CHARS | ASSAY_JSON_TEXT, NULL, NULL, "chars");
  if (t) {
    /* code points: "été " is 4 characters in 6 bytes; the 0xFF is one */
    has(t, "\"start\":24,\"end\":31,\"text\":\"\xC3\xA9t\xC3\xA9 \xEF\xBF\xBD b\"");
    has(t, "\"text\":\"Kim met Trump in Hanoi. \xC3\xA9t\xC3\xA9 \xEF\xBF\xBD bad.\"");
  }
  free(t);
  assay_doc_free(doc);
}

/* ---- random documents ---------------------------------------------- */

static uint32_t rnd(uint32_t n) { return check_rnd(n); }

static const char *const pieces[] = {
    "Kim", " ", "said", ".", "\n", "\"", "\\", "\t", "\xC3\xA9", "\xE2\x80\x9C",
    "\xF0\x9F\x98\x80", "\xFF", "\xC3", "\xED\xA0\x80", "\x01", "U.S.", "42"};
static const char *const keys[] = {"kind", "id", "layer", "start", "end",
                                   "text", "rule", "norm", "x", "source"};
static const char *const layers[] = {"actor", "claim", "date", "start",
                                     "text", "end", "w"};

static void random_docs(void) {
  char text[512], val[64];
  for (int round = 0; round < 3000; round++) {
    size_t len = 0;
    for (int k = (int)rnd(40); k > 0; k--) {
      const char *p = pieces[rnd(sizeof pieces / sizeof *pieces)];
      size_t n = strlen(p);
      if (len + n >= sizeof text) break;
      memcpy(text + len, p, n);
      len += n;
    }
    assay_doc *doc = NULL;
    CHECK_INT(assay_doc_new(&doc, "r", text, len, NULL, NULL), 0);
    if (!doc) continue;
    for (int k = (int)rnd(6); k > 0; k--) {
      uint32_t s = rnd((uint32_t)len + 1), e = s + rnd((uint32_t)(len - s) + 1);
      assay_annotation *a = NULL;
      const char *layer = layers[rnd(sizeof layers / sizeof *layers)];
      if (assay_doc_annotate(doc, layer, s, e, rnd(2) ? "r" : NULL, 0, &a))
        continue;
      for (int j = (int)rnd(5); j > 0; j--) {
        const char *key = keys[rnd(sizeof keys / sizeof *keys)];
        assay_value v = {0};
        switch (rnd(5)) {
        case 0:
          snprintf(val, sizeof val, "%s%s", pieces[rnd(17)], pieces[rnd(17)]);
          v = (assay_value){.type = ASSAY_VALUE_STRING, .str = val,
                            .len = strlen(val)};
          break;
        case 1:
          v = (assay_value){.type = ASSAY_VALUE_NUMBER,
                            .num = rnd(2) ? (double)rnd(1000) : rnd(1000) / 7.0};
          break;
        case 2: v = (assay_value){.type = ASSAY_VALUE_BOOL, .num = rnd(2)}; break;
        case 3: v = (assay_value){.type = ASSAY_VALUE_REF, .ref = 1 + rnd(5)}; break;
        default: {
          uint32_t vs = rnd((uint32_t)len + 1);
          v = (assay_value){.type = ASSAY_VALUE_SPAN, .start = vs,
                            .end = vs + rnd((uint32_t)(len - vs) + 1),
                            .ref = rnd(6)};
          if (rnd(3) == 0) v.start = v.end = UINT32_MAX;
          if (rnd(2)) v.str = "span", v.len = 4;
        }
        }
        (void)assay_annotation_set(a, key, &v);
      }
    }
    if (rnd(4) == 0) (void)assay_doc_add_warning(doc, "w\xFE");
    static const char *const some[] = {"claim", "start", NULL};
    char what[32];
    snprintf(what, sizeof what, "random %d", round);
    free(both_ways(doc, rnd(4), rnd(3) ? NULL : some, rnd(2) ? "p 1" : NULL,
                   what));
    assay_doc_free(doc);
  }
}

int main(void) {
  hand_made();
  random_docs();
  return check_summary();
}
