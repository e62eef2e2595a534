/*
 * test_store.c -- the in-memory store: add, get, replace, remove, input
 * order, and phrase search through the token index.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "doc.h"

static assay_doc *make(const char *id, const char *text) {
  assay_doc *d = NULL;
  assay_doc_new(&d, id, text, strlen(text), NULL, NULL);
  return d;
}

static int collect(void *ud, assay_doc *doc) {
  char *buf = ud;
  sprintf(buf + strlen(buf), "%s%s", buf[0] ? "," : "", assay_doc_id(doc));
  return ASSAY_OK;
}

static int first_only(void *ud, assay_doc *doc) {
  collect(ud, doc);
  return ASSAY_STOP;
}

static const char *find(assay_store *st, const char *phrase) {
  static char buf[512];
  buf[0] = '\0';
  int rc = assay_store_find(st, phrase, collect, buf);
  if (rc != ASSAY_OK)
    snprintf(buf, sizeof buf, "error %d", rc);
  return buf;
}

static const char *order(assay_store *st) {
  static char buf[512];
  buf[0] = '\0';
  for (size_t i = 0; i < assay_store_count(st); i++)
    collect(buf, assay_store_at(st, i));
  return buf;
}

static void test_store(void) {
  assay_store *st;
  CHECK_INT(assay_store_new(&st, NULL), ASSAY_OK);
  static const struct {
    const char *id, *text;
  } docs[] = {
      {"c", "North Korea denied any role in the Sony hack."},
      {"a", "U.S. officials said North Korea was behind the attack."},
      {"b", "Sony Pictures canceled the release."},
      {"d", "The FBI named north KOREA on Friday."},
  };
  for (size_t i = 0; i < 4; i++)
    CHECK_INT(assay_store_add(st, make(docs[i].id, docs[i].text)), ASSAY_OK);
  CHECK_INT(assay_store_count(st), 4);
  CHECK_STR(order(st), "c,a,b,d");
  CHECK_STR(assay_doc_id(assay_store_get(st, "b")), "b");
  CHECK(assay_store_get(st, "zz") == NULL);
  CHECK(assay_store_at(st, 4) == NULL);

  static const struct {
    const char *phrase, *hits;
  } t[] = {
      {"North Korea", "c,a,d"},
      {"north korea was", "a"},
      {"SONY", "c,b"},
      {"Korea North", ""},
      {"the", "c,a,b,d"},
      {"nonexistent", ""},
      {"", ""},
      {"hack.", "c"},
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    const char *got = find(st, t[i].phrase);
    if (strcmp(got, t[i].hits))
      fprintf(stderr, "phrase: %s\n", t[i].phrase);
    CHECK_STR(got, t[i].hits);
  }
  char buf[64] = "";
  CHECK_INT(assay_store_find(st, "korea", first_only, buf), ASSAY_OK);
  CHECK_STR(buf, "c");

  /* same id replaces, in place; the old text is no longer found */
  CHECK_INT(assay_store_add(st, make("a", "Nothing about anyone.")), ASSAY_OK);
  CHECK_INT(assay_store_count(st), 4);
  CHECK_STR(order(st), "c,a,b,d");
  CHECK_STR(find(st, "North Korea"), "c,d");
  CHECK_STR(find(st, "anyone"), "a");

  /* remove keeps the order of the others and their lookups */
  CHECK_INT(assay_store_remove(st, "c"), ASSAY_OK);
  CHECK_INT(assay_store_remove(st, "c"), ASSAY_ENOTFOUND);
  CHECK(strstr(assay_store_errmsg(st), "\"c\"") != NULL);
  CHECK_STR(order(st), "a,b,d");
  CHECK_STR(find(st, "North Korea"), "d");
  CHECK_STR(assay_doc_id(assay_store_get(st, "d")), "d");
  CHECK(assay_store_get(st, "c") == NULL);
  CHECK_INT(assay_store_add(st, make("c", "Back: North Korea.")), ASSAY_OK);
  CHECK_STR(order(st), "a,b,d,c");
  CHECK_STR(find(st, "north korea"), "d,c");
  CHECK_INT(assay_store_add(st, NULL), ASSAY_EMISUSE);

  /* a document shared with another owner outlives the store */
  assay_doc *shared = make("s", "kept");
  doc_retain(shared);
  CHECK_INT(assay_store_add(st, shared), ASSAY_OK);
  assay_store_free(st);
  CHECK_STR(assay_doc_id(shared), "s");
  assay_doc_free(shared);
}

static void test_many(void) {
  assay_store *st;
  CHECK_INT(assay_store_new(&st, NULL), ASSAY_OK);
  char id[32], text[64];
  for (int i = 0; i < 300; i++) {
    snprintf(id, sizeof id, "doc%d", i);
    snprintf(text, sizeof text, "word%d common w%d", i % 7, i);
    CHECK_INT(assay_store_add(st, make(id, text)), ASSAY_OK);
  }
  CHECK_INT(assay_store_count(st), 300);
  CHECK_STR(assay_doc_id(assay_store_get(st, "doc299")), "doc299");
  CHECK_STR(find(st, "common w123"), "doc123");
  for (int i = 0; i < 300; i += 2) {
    snprintf(id, sizeof id, "doc%d", i);
    CHECK_INT(assay_store_remove(st, id), ASSAY_OK);
  }
  CHECK_INT(assay_store_count(st), 150);
  CHECK_STR(assay_doc_id(assay_store_at(st, 0)), "doc1");
  CHECK_STR(find(st, "word3 common"), "doc3,doc17,doc31,doc45,doc59,doc73,"
                                      "doc87,doc101,doc115,doc129,doc143,"
                                      "doc157,doc171,doc185,doc199,doc213,"
                                      "doc227,doc241,doc255,doc269,doc283,"
                                      "doc297");
  assay_store_free(st);
}

int main(void) {
  test_store();
  test_many();
  return check_summary();
}
