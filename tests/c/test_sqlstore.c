/*
 * test_sqlstore.c -- the persistent store (sqlstore.c): SHA-256 vectors,
 * round trips of every attribute type and of annotation ids, incremental
 * checks, FTS5 search, annotation queries, schema version errors.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "doc.h"
#include "sqlstore.h"

static char db_path[256];

static void remove_db(void) {
  char p[300];
  unlink(db_path);
  snprintf(p, sizeof p, "%s-wal", db_path);
  unlink(p);
  snprintf(p, sizeof p, "%s-shm", db_path);
  unlink(p);
}

static const char *sha(const char *s, size_t n) {
  static char hex[65];
  sqls_sha256 h;
  sqls_sha256_init(&h);
  sqls_sha256_update(&h, s, n);
  sqls_sha256_hex(&h, hex);
  return hex;
}

static void test_sha256(void) {
  CHECK_STR(sha("", 0),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK_STR(sha("abc", 3),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  CHECK_STR(sha(two, strlen(two)),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  /* A million 'a's, fed in uneven pieces: the buffering across blocks. */
  sqls_sha256 h;
  char buf[1000], hex[65];
  memset(buf, 'a', sizeof buf);
  sqls_sha256_init(&h);
  for (size_t done = 0, step = 1; done < 1000000; done += step, step = step % 997 + 1) {
    if (done + step > 1000000) step = 1000000 - done;
    sqls_sha256_update(&h, buf, step);
  }
  sqls_sha256_hex(&h, hex);
  CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static const char text[] = "North Korean officials said the attack came from Pyongyang.";

/* A document with every kind of attribute, and an id gap (a dead one). */
static assay_doc *make_doc(const char *id) {
  assay_doc *d = NULL;
  assay_doc_new(&d, id, text, strlen(text), NULL, NULL);
  assay_doc_set_meta_json(d, "{\"outlet\": \"Wire\", \"published\": \"2014-12-17\"}");
  assay_annotation *actor, *dead, *claim;
  assay_doc_annotate(d, "actor", 0, 22, "actor.officials", 0, &actor);
  assay_annotation_set_string(actor, "norm", "KP");
  assay_value num = {ASSAY_VALUE_NUMBER, NULL, 0, 2.5, 0, 0, 0};
  assay_annotation_set(actor, "score", &num);
  assay_value yes = {ASSAY_VALUE_BOOL, NULL, 0, 1, 0, 0, 0};
  assay_annotation_set(actor, "anonymous", &yes);
  assay_doc_annotate(d, "actor", 0, 5, "actor.short", 0, &dead);
  dead->dead = 1; /* as overlap resolution leaves it */
  assay_doc_annotate(d, "claim", 0, (uint32_t)strlen(text), "claim.said", 0, &claim);
  assay_value src = {ASSAY_VALUE_SPAN, NULL, 0, 0, 0, 22, actor->id};
  assay_annotation_set(claim, "source", &src);
  assay_value via = {ASSAY_VALUE_SPAN, "Wire", 4, 0, UINT32_MAX, UINT32_MAX, 0};
  assay_annotation_set(claim, "via", &via);
  assay_value ref = {ASSAY_VALUE_REF, NULL, 0, 0, 0, 0, actor->id};
  assay_annotation_set(claim, "holder", &ref);
  assay_value whole = {ASSAY_VALUE_NUMBER, NULL, 0, 7, 0, 0, 0};
  assay_annotation_set(claim, "weight", &whole);
  assay_doc_add_warning(d, "no date");
  return d;
}

static int count_cb(void *ud, const char *id) {
  (void)id;
  (*(int *)ud)++;
  return ASSAY_OK;
}

static int ann_cb(void *ud, const assay_db_annotation *a) {
  char *buf = ud;
  snprintf(buf + strlen(buf), 512 - strlen(buf), "%s%s#%u %s [%u,%u) %s",
           buf[0] ? ";" : "", a->doc, a->id, a->layer, a->start, a->end,
           a->attrs);
  return ASSAY_OK;
}

static void test_round_trip(void) {
  remove_db();
  assay_db *db = NULL;
  assay_error err;
  CHECK_INT(assay_db_open(&db, db_path, 0, NULL, &err), ASSAY_OK);
  if (!db) return;
  assay_doc *d = make_doc("d1");
  char hash[65];
  CHECK_INT(assay_db_doc_hash(d, hash), ASSAY_OK);
  CHECK_INT(strlen(hash), 64);
  CHECK_INT(assay_db_put(db, d, NULL, NULL, NULL), ASSAY_OK);
  CHECK_INT(assay_db_count(db), 1);

  assay_doc *back = NULL;
  CHECK_INT(assay_db_get(db, "d1", &back), ASSAY_OK);
  char *want = assay_doc_to_json(d, 0), *got = back ? assay_doc_to_json(back, 0) : NULL;
  CHECK_STR(got, want); /* ids, spans, refs, numbers, warnings, meta */
  if (back) {
    /* The dead id 2 is kept as a gap: the claim is still id 3. */
    const assay_annotation *c = assay_doc_annotation(back, 3);
    CHECK(c && !strcmp(assay_annotation_layer(c), "claim"));
    const assay_value *v = c ? assay_annotation_get(c, "holder") : NULL;
    CHECK(v && v->type == ASSAY_VALUE_REF && v->ref == 1);
    v = c ? assay_annotation_get(c, "source") : NULL;
    CHECK(v && v->type == ASSAY_VALUE_SPAN && v->ref == 1 && v->end == 22);
    v = c ? assay_annotation_get(c, "via") : NULL;
    CHECK(v && v->type == ASSAY_VALUE_SPAN && v->start == UINT32_MAX);
    v = c ? assay_annotation_get(c, "weight") : NULL;
    CHECK(v && v->type == ASSAY_VALUE_NUMBER && v->num == 7);
    char h2[65];
    assay_db_doc_hash(back, h2);
    CHECK_STR(h2, hash);
  }
  assay_free(want);
  assay_free(got);
  assay_doc_free(back);

  /* A fresh copy of the same text gets the stored annotations. */
  assay_doc *fresh = NULL;
  assay_doc_new(&fresh, "d1", text, strlen(text), NULL, NULL);
  CHECK_INT(assay_db_load_annotations(db, fresh), ASSAY_OK);
  want = assay_doc_to_json(d, 0);
  got = assay_doc_to_json(fresh, 0);
  CHECK_STR(got, want);
  assay_free(want);
  assay_free(got);
  assay_doc_free(fresh);

  /* Incremental: no pack recorded, so never current; the hash counts. */
  CHECK_INT(assay_db_is_current(db, "d1", hash, "x"), 0);
  CHECK_INT(assay_db_is_current(db, "nope", hash, "x"), 0);

  char buf[512] = "";
  CHECK_INT(assay_db_annotations(db, "actor", "KP", ann_cb, buf), ASSAY_OK);
  CHECK_STR(buf, "d1#1 actor [0,22) {\"norm\":\"KP\",\"score\":2.5,\"anonymous\":true}");
  buf[0] = '\0';
  CHECK_INT(assay_db_annotations(db, "claim", NULL, ann_cb, buf), ASSAY_OK);
  CHECK(strstr(buf, "\"source\":{\"start\":0,\"end\":22,\"text\":\"North Korean officials\",\"actor\":1}") != NULL);

  /* Search: FTS5 over the texts, updated with them. */
  assay_doc *e = NULL;
  assay_doc_new(&e, "d2", "Seoul said nothing.", 19, NULL, NULL);
  CHECK_INT(assay_db_put(db, e, NULL, NULL, NULL), ASSAY_OK);
  int n = 0;
  CHECK_INT(assay_db_search(db, "pyongyang", count_cb, &n), ASSAY_OK);
  CHECK_INT(n, 1);
  n = 0;
  CHECK_INT(assay_db_search(db, "said", count_cb, &n), ASSAY_OK);
  CHECK_INT(n, 2);
  CHECK_INT(assay_db_search(db, "\"open", count_cb, &n), ASSAY_ESYNTAX);
  CHECK(strstr(assay_db_errmsg(db), "search") != NULL);
  n = 0;
  CHECK_INT(assay_db_each_id(db, count_cb, &n), ASSAY_OK);
  CHECK_INT(n, 2);

  /* Batches: a rolled back batch leaves nothing. */
  assay_doc *f = NULL;
  assay_doc_new(&f, "d3", "Gone.", 5, NULL, NULL);
  CHECK_INT(assay_db_begin(db), ASSAY_OK);
  CHECK_INT(assay_db_put(db, f, NULL, NULL, NULL), ASSAY_OK);
  CHECK_INT(assay_db_rollback(db), ASSAY_OK);
  CHECK_INT(assay_db_count(db), 2);

  CHECK_INT(assay_db_remove(db, "d2"), ASSAY_OK);
  CHECK_INT(assay_db_remove(db, "d2"), ASSAY_ENOTFOUND);
  n = 0;
  assay_db_search(db, "said", count_cb, &n);
  CHECK_INT(n, 1);
  assay_doc_free(d);
  assay_doc_free(e);
  assay_doc_free(f);
  assay_db_close(db);
}

static void set_version(const char *v) {
  sqlite3 *s = NULL;
  char sql[128];
  sqlite3_open(db_path, &s);
  snprintf(sql, sizeof sql, "UPDATE meta SET value = '%s' WHERE key = 'schema_version'", v);
  CHECK_INT(sqlite3_exec(s, sql, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(s);
}

static void test_schema_versions(void) {
  assay_db *db = NULL;
  assay_error err;
  set_version("2");
  CHECK_INT(assay_db_open(&db, db_path, 0, NULL, &err), ASSAY_ESCHEMA);
  CHECK(db == NULL);
  CHECK(strstr(err.message, "schema version 2 is newer") != NULL);
  set_version("0");
  CHECK_INT(assay_db_open(&db, db_path, ASSAY_DB_READONLY, NULL, &err), ASSAY_ESCHEMA);
  CHECK(strstr(err.message, "is older") != NULL);
  set_version("1");
  CHECK_INT(assay_db_open(&db, db_path, ASSAY_DB_READONLY, NULL, &err), ASSAY_OK);
  CHECK_INT(assay_db_count(db), 1);
  assay_db_close(db);

  /* Another program's database, and a file that is not one. */
  remove_db();
  sqlite3 *s = NULL;
  sqlite3_open(db_path, &s);
  sqlite3_exec(s, "CREATE TABLE t(x)", NULL, NULL, NULL);
  sqlite3_close(s);
  CHECK_INT(assay_db_open(&db, db_path, 0, NULL, &err), ASSAY_ESCHEMA);
  CHECK(strstr(err.message, "not an assay store") != NULL);
  remove_db();
  FILE *fp = fopen(db_path, "w");
  fputs("plain text, certainly not SQLite, long enough to have a header.....\n", fp);
  fclose(fp);
  CHECK_INT(assay_db_open(&db, db_path, 0, NULL, &err), ASSAY_EIO);
  CHECK(strstr(err.message, db_path) != NULL);
  remove_db();
  CHECK_INT(assay_db_open(&db, db_path, ASSAY_DB_READONLY, NULL, &err), ASSAY_ENOTFOUND);
}

int main(void) {
  snprintf(db_path, sizeof db_path, "/tmp/assay_test_sqlstore_%ld.db", (long)getpid());
  test_sha256();
  test_round_trip();
  test_schema_versions();
  remove_db();
  return check_summary();
}
