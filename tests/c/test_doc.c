/*
 * test_doc.c -- documents: annotations, attributes of each type, the
 * longest-then-priority overlap policy, text order, JSON records.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "doc.h"

static assay_doc *make(const char *id, const char *text) {
  assay_doc *d = NULL;
  assay_error err;
  CHECK_INT(assay_doc_new(&d, id, text, strlen(text), NULL, &err), ASSAY_OK);
  return d;
}

static void test_basics(void) {
  assay_doc *d = make("a.txt", "Sony was hacked.");
  size_t len;
  CHECK_STR(assay_doc_id(d), "a.txt");
  CHECK_STR(assay_doc_text(d, &len), "Sony was hacked.");
  CHECK_INT(len, 16);
  CHECK_INT(assay_doc_set_meta_json(d, "{\"outlet\": \"PCMag\", \"n\": 3}"),
            ASSAY_OK);
  CHECK_STR(assay_doc_meta_string(d, "outlet"), "PCMag");
  CHECK(assay_doc_meta_string(d, "n") == NULL);
  CHECK(assay_doc_meta_string(d, "missing") == NULL);
  char *m = assay_doc_meta_json(d);
  CHECK_STR(m, "{\"outlet\":\"PCMag\",\"n\":3}");
  assay_free(m);
  CHECK_INT(assay_doc_set_meta_json(d, "[1]"), ASSAY_ESYNTAX);
  CHECK_INT(assay_doc_set_meta_json(d, "{oops"), ASSAY_ESYNTAX);
  CHECK(strstr(assay_doc_errmsg(d), "line 1") != NULL);
  CHECK_STR(assay_doc_meta_string(d, "outlet"), "PCMag"); /* unchanged */
  /* reference counting: one retain, two frees */
  doc_retain(d);
  assay_doc_free(d);
  CHECK_STR(assay_doc_id(d), "a.txt");
  assay_doc_free(d);
  assay_doc_free(NULL);
  /* an empty document is a document */
  d = make("e", "");
  CHECK_INT(assay_doc_tokenize(d, NULL), ASSAY_OK);
  size_t n = 9;
  assay_doc_tokens(d, &n);
  CHECK_INT(n, 0);
  assay_doc_free(d);
}

static void test_annotate(void) {
  /*                 0123456789012345678901234567 */
  assay_doc *d = make("x", "North Korea hacked Sony Pictures.");
  CHECK_INT(assay_doc_tokenize(d, NULL), ASSAY_OK);
  assay_annotation *a, *b;
  CHECK_INT(assay_doc_annotate(d, "actor", 19, 32, "lex.org", 0, &a), ASSAY_OK);
  CHECK_INT(assay_doc_annotate(d, "actor", 0, 11, NULL, 0, &b), ASSAY_OK);
  CHECK_INT(assay_annotation_id(a), 1);
  CHECK_INT(assay_annotation_id(b), 2);
  CHECK_INT(a->tfirst, 3);
  CHECK_INT(a->tlast, 5);
  CHECK_INT(b->tfirst, 0);
  CHECK_INT(b->tlast, 2);
  CHECK_STR(assay_annotation_layer(a), "actor");
  CHECK_STR(assay_annotation_rule(a), "lex.org");
  CHECK(assay_annotation_rule(b) == NULL);
  CHECK_INT(assay_doc_annotate(d, "actor", 5, 99, NULL, 0, NULL),
            ASSAY_EMISUSE);
  CHECK_INT(assay_doc_annotate(d, "actor", 6, 5, NULL, 0, NULL), ASSAY_EMISUSE);
  CHECK(assay_doc_annotation(d, 2) == b);
  CHECK(assay_doc_annotation(d, 3) == NULL);
  CHECK(assay_doc_annotation(d, 0) == NULL);

  /* attributes of each type, set and replaced */
  assay_value v = {0};
  CHECK_INT(assay_annotation_set_string(a, "kind", "company"), ASSAY_OK);
  v.type = ASSAY_VALUE_NUMBER;
  v.num = 0.5;
  CHECK_INT(assay_annotation_set(a, "score", &v), ASSAY_OK);
  v.type = ASSAY_VALUE_BOOL;
  v.num = 1;
  CHECK_INT(assay_annotation_set(a, "known", &v), ASSAY_OK);
  v.type = ASSAY_VALUE_REF;
  v.ref = 2;
  CHECK_INT(assay_annotation_set(a, "target", &v), ASSAY_OK);
  v.type = ASSAY_VALUE_SPAN;
  v.start = 0;
  v.end = 5;
  v.ref = 2;
  CHECK_INT(assay_annotation_set(a, "by", &v), ASSAY_OK);
  v.type = ASSAY_VALUE_NULL;
  CHECK_INT(assay_annotation_set(a, "none", &v), ASSAY_OK);
  CHECK_INT(assay_annotation_set_string(a, "kind", "studio"), ASSAY_OK);
  v.type = ASSAY_VALUE_SPAN;
  v.start = 30;
  v.end = 40;
  CHECK_INT(assay_annotation_set(a, "bad", &v), ASSAY_EMISUSE);
  CHECK_INT(assay_annotation_attr_count(a), 6);
  const assay_value *g = assay_annotation_get(a, "kind");
  CHECK(g && g->type == ASSAY_VALUE_STRING);
  CHECK_STR(g->str, "studio");
  g = assay_annotation_get(a, "by");
  CHECK(g && g->type == ASSAY_VALUE_SPAN && g->len == 5);
  CHECK(g && strncmp(g->str, "North", 5) == 0 && g->str[5] == '\0');
  const assay_value *gv;
  CHECK_STR(assay_annotation_attr(a, 1, &gv), "score");
  CHECK(gv && gv->num == 0.5);
  CHECK(assay_annotation_attr(a, 6, &gv) == NULL && gv == NULL);
  CHECK(assay_annotation_get(a, "nope") == NULL);

  char *js = assay_doc_to_json(d, 0);
  CHECK_STR(js,
            "{\"doc\": \"x\", \"schema\": 1, \"meta\": {}, \"annotations\": "
            "[{\"id\": 2, \"layer\": \"actor\", \"start\": 0, \"end\": 11, "
            "\"text\": \"North Korea\"}, {\"id\": 1, \"layer\": \"actor\", "
            "\"start\": 19, \"end\": 32, \"text\": \"Sony Pictures\", "
            "\"rule\": \"lex.org\", \"kind\": \"studio\", \"score\": 0.5, "
            "\"known\": true, \"target\": 2, \"by\": {\"start\": 0, \"end\": "
            "5, \"text\": \"North\", \"actor\": 2}, \"none\": null}], "
            "\"warnings\": []}");
  assay_free(js);
  assay_doc_free(d);
}

/* Iterates a layer (or all) and writes the ids, "3,1,2". */
static void ids(const assay_doc *d, const char *layer, char *buf) {
  assay_ann_iter *it;
  buf[0] = '\0';
  if (assay_ann_iter_new(d, layer, &it) != ASSAY_OK)
    return;
  const assay_annotation *a;
  while ((a = assay_ann_iter_next(it)))
    sprintf(buf + strlen(buf), "%s%u", buf[0] ? "," : "", a->id);
  assay_ann_iter_free(it);
}

static void test_overlaps_and_order(void) {
  assay_doc *d = make("o", "The U.S. Federal Bureau of Investigation said.");
  CHECK_INT(assay_doc_tokenize(d, NULL), ASSAY_OK);
  CHECK_INT(assay_doc_set_layer_policy(d, "actor", ASSAY_POLICY_LONGEST),
            ASSAY_OK);
  CHECK_INT(assay_doc_set_layer_policy(d, "actor", 7), ASSAY_EMISUSE);
  /* table: layer, start, end, priority -> id in creation order */
  static const struct {
    const char *layer;
    uint32_t s, e;
    int prio;
  } t[] = {
      {"actor", 9, 40, 0},  /* 1: Federal Bureau of Investigation */
      {"actor", 4, 8, 0},   /* 2: U.S. (no overlap with 1) */
      {"actor", 17, 23, 0}, /* 3: Bureau, inside 1: dies */
      {"actor", 4, 16, 0},  /* 4: U.S. Federal: overlaps 1, shorter: dies */
      {"actor", 41, 45, 0}, /* 5: said, same length as 6 but lower prio */
      {"actor", 41, 45, 5}, /* 6: wins the tie by priority */
      {"date", 0, 3, 0},    /* 7: other layer, policy ALL */
      {"date", 0, 8, 0},    /* 8 */
      {"actor", 42, 44, 9}, /* 9: shorter, priority does not help */
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    CHECK_INT(assay_doc_annotate(d, t[i].layer, t[i].s, t[i].e, NULL, t[i].prio,
                                 NULL),
              ASSAY_OK);
  char buf[128];
  ids(d, "actor", buf);
  CHECK_STR(buf, "4,2,1,3,5,6,9");
  CHECK_INT(assay_doc_resolve_overlaps(d), ASSAY_OK);
  ids(d, "actor", buf);
  CHECK_STR(buf, "2,1,6");
  ids(d, "date", buf);
  CHECK_STR(buf, "8,7");
  ids(d, NULL, buf);
  CHECK_STR(buf, "8,7,2,1,6");
  ids(d, "nolayer", buf);
  CHECK_STR(buf, "");
  CHECK(assay_doc_annotation(d, 3)->dead);
  /* lower bound by token: tokens are The U . S . Federal ... in the stub
   * and in the real tokenizer alike the "said" token comes after 1 */
  doc_layer *ly = doc_layer_find(d, "actor");
  size_t n;
  assay_annotation *const *items = doc_layer_items(ly, &n);
  CHECK_INT(n, 7);
  CHECK_INT(doc_layer_lower_bound(ly, 0), 0);
  size_t lb = doc_layer_lower_bound(ly, items[4]->tfirst);
  CHECK_INT(items[lb]->start, 41);
  CHECK_INT(doc_layer_lower_bound(ly, 100000), 7);
  assay_doc_free(d);
}

/* The policy applied stage after stage (as a pack does): a layer with
 * nothing new is left alone, one that gained annotations is resolved
 * again, old and new together, and a removal revives nothing. */
static void test_overlaps_again(void) {
  assay_doc *d = make("o", "The U.S. Federal Bureau of Investigation said.");
  char buf[128];
  CHECK_INT(assay_doc_set_layer_policy(d, "actor", ASSAY_POLICY_LONGEST),
            ASSAY_OK);
  CHECK_INT(assay_doc_annotate(d, "actor", 17, 23, NULL, 0, NULL), ASSAY_OK);
  CHECK_INT(assay_doc_resolve_overlaps(d), ASSAY_OK); /* one: it stays */
  ids(d, "actor", buf);
  CHECK_STR(buf, "1");
  CHECK_INT(assay_doc_annotate(d, "actor", 9, 40, NULL, 0, NULL), ASSAY_OK);
  CHECK_INT(assay_doc_resolve_overlaps(d), ASSAY_OK); /* 2 beats 1 */
  ids(d, "actor", buf);
  CHECK_STR(buf, "2");
  CHECK_INT(assay_doc_resolve_overlaps(d), ASSAY_OK); /* nothing new */
  ids(d, "actor", buf);
  CHECK_STR(buf, "2");
  /* a later stage: one that loses to the kept 2, one beside it */
  CHECK_INT(assay_doc_annotate(d, "actor", 24, 26, NULL, 9, NULL), ASSAY_OK);
  CHECK_INT(assay_doc_annotate(d, "actor", 41, 45, NULL, 0, NULL), ASSAY_OK);
  CHECK_INT(assay_doc_resolve_overlaps(d), ASSAY_OK);
  ids(d, "actor", buf);
  CHECK_STR(buf, "2,4");
  CHECK(assay_doc_annotation(d, 3)->dead);
  CHECK_INT(assay_doc_remove_annotation(d, 2), ASSAY_OK);
  CHECK_INT(assay_doc_resolve_overlaps(d), ASSAY_OK);
  ids(d, "actor", buf);
  CHECK_STR(buf, "4");
  /* 5 overlaps 1 and 3, which lost: it is kept */
  CHECK_INT(assay_doc_annotate(d, "actor", 20, 25, NULL, 0, NULL), ASSAY_OK);
  CHECK_INT(assay_doc_resolve_overlaps(d), ASSAY_OK);
  ids(d, "actor", buf);
  CHECK_STR(buf, "5,4");
  assay_doc_free(d);
}

static void test_chars_and_warnings(void) {
  /* "Pyongyang’s" has a 3-byte quote; "Séoul" a 2-byte é */
  const char *text = "Pyongyang\xE2\x80\x99s S\xC3\xA9oul";
  assay_doc *d = make("c", text);
  assay_annotation *a;
  CHECK_INT(assay_doc_annotate(d, "place", 14, 20, "r", 0, &a), ASSAY_OK);
  assay_value v = {0};
  v.type = ASSAY_VALUE_SPAN;
  v.start = 0;
  v.end = 9;
  CHECK_INT(assay_annotation_set(a, "near", &v), ASSAY_OK);
  v.start = v.end = UINT32_MAX;
  v.str = "outlet";
  v.len = 6;
  CHECK_INT(assay_annotation_set(a, "via", &v), ASSAY_OK);
  CHECK_INT(assay_doc_add_warning(d, "no date"), ASSAY_OK);
  char *js = assay_doc_to_json(d, ASSAY_JSON_CHARS | ASSAY_JSON_TEXT);
  CHECK_STR(js, "{\"doc\": \"c\", \"schema\": 1, \"meta\": {}, \"text\": "
                "\"Pyongyang\xE2\x80\x99s S\xC3\xA9oul\", \"annotations\": "
                "[{\"id\": 1, \"layer\": \"place\", \"start\": 12, \"end\": "
                "17, \"text\": \"S\xC3\xA9oul\", \"rule\": \"r\", \"near\": "
                "{\"start\": 0, \"end\": 9, \"text\": \"Pyongyang\"}, "
                "\"via\": {\"text\": \"outlet\"}}], \"warnings\": "
                "[\"no date\"]}");
  assay_free(js);
  assay_doc_free(d);

  /* invalid UTF-8: kept, a warning after tokenizing, record still valid */
  d = make("bad", "ok \xFF\xFE end");
  CHECK_INT(assay_doc_tokenize(d, NULL), ASSAY_OK);
  CHECK_INT(assay_doc_warning_count(d), 1);
  CHECK(strncmp(assay_doc_warning(d, 0), "invalid UTF-8", 13) == 0);
  CHECK(assay_doc_warning(d, 1) == NULL);
  CHECK_INT(assay_doc_tokenize(d, NULL), ASSAY_OK); /* not warned twice */
  CHECK_INT(assay_doc_warning_count(d), 1);
  CHECK_INT(assay_doc_annotate(d, "x", 3, 5, NULL, 0, NULL), ASSAY_OK);
  js = assay_doc_to_json(d, 0);
  CHECK(js && strstr(js, "\"text\": \"\xEF\xBF\xBD\xEF\xBF\xBD\"") != NULL);
  assay_free(js);
  assay_doc_free(d);
}

static void test_from_json(void) {
  static const struct {
    const char *json;
    int rc;
    const char *id;
  } t[] = {
      {"{\"id\": \"a\", \"text\": \"hi\", \"meta\": {\"k\": 1}}", ASSAY_OK,
       "a"},
      {"{\"id\": 42, \"text\": \"hi\"}", ASSAY_OK, "42"},
      {"{\"text\": \"hi\"}", ASSAY_ESYNTAX, NULL},
      {"{\"id\": \"a\"}", ASSAY_ESYNTAX, NULL},
      {"{\"id\": \"a\", \"text\": \"x\", \"meta\": 3}", ASSAY_ESYNTAX, NULL},
      {"[1, 2]", ASSAY_ESYNTAX, NULL},
      {"{\"id\": \"a\",", ASSAY_ESYNTAX, NULL},
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    assay_doc *d = NULL;
    assay_error err;
    CHECK_INT(assay_doc_from_json(&d, t[i].json, strlen(t[i].json), NULL, &err),
              t[i].rc);
    if (t[i].id)
      CHECK_STR(d ? assay_doc_id(d) : NULL, t[i].id);
    if (!t[i].id)
      CHECK(d == NULL && err.message[0]);
    assay_doc_free(d);
  }
  assay_doc *d = NULL;
  const char *j = "{\"id\": \"n\", \"text\": \"a\\u0000b\"}";
  CHECK_INT(assay_doc_from_json(&d, j, strlen(j), NULL, NULL), ASSAY_OK);
  size_t len = 0;
  assay_doc_text(d, &len);
  CHECK_INT(len, 3);
  assay_doc_free(d);
}

/* An allocator that fails after a budget of allocations. */
static int budget;
static void *failing(void *ud, void *p, size_t o, size_t n) {
  (void)ud;
  (void)o;
  if (n == 0) {
    free(p);
    return NULL;
  }
  if (budget-- <= 0)
    return NULL;
  return realloc(p, n);
}

static void test_oom(void) {
  assay_allocator al = {failing, NULL};
  int ok = 0;
  for (int b = 0; b < 12; b++) {
    budget = b;
    assay_doc *d = NULL;
    int rc = assay_doc_new(&d, "id", "text here", 9, &al, NULL);
    if (rc == ASSAY_OK) {
      rc = assay_doc_annotate(d, "l", 0, 4, "r", 0, NULL);
      if (rc == ASSAY_OK)
        ok++;
      else
        CHECK_INT(rc, ASSAY_ENOMEM);
    } else {
      CHECK_INT(rc, ASSAY_ENOMEM);
    }
    assay_doc_free(d);
  }
  CHECK(ok > 0);
}

int main(void) {
  test_basics();
  test_annotate();
  test_overlaps_and_order();
  test_overlaps_again();
  test_chars_and_warnings();
  test_from_json();
  test_oom();
  return check_summary();
}
