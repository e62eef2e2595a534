/*
 * test_threads.c -- one compiled rule pack shared by several scanners in
 * threads: each thread scans the five Sony articles with its own scanner,
 * in its own order, and every document's JSON equals the one-thread result.
 * CI runs it under ThreadSanitizer too (-DASSAY_TSAN=ON, ctest -R threads).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assay.h"
#include "check.h"
#include "engine.h"

#define NDOCS 5
#define NTHREADS 3

static const char *const files[NDOCS] = {
    "examples/sony/000_0c653dbc88194f72.txt",
    "examples/sony/001_d74339bb62a7fb22.txt",
    "examples/sony/002_361d130a97f37a24.txt",
    "examples/sony/003_d294ee369837706a.txt",
    "examples/sony/004_d87709cc2959cab9.txt"};

static char *texts[NDOCS];
static size_t lens[NDOCS];

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *buf = NULL;
  size_t cap = 0, n = 0, got;
  do {
    if (n + 4096 > cap) {
      char *nb = realloc(buf, cap = 2 * cap + 4096);
      if (!nb) break;
      buf = nb;
    }
    got = fread(buf + n, 1, cap - n, f);
    n += got;
  } while (got > 0);
  fclose(f);
  *len = n;
  return buf;
}

/* Scans document i with sc; returns its JSON (caller frees) or NULL. */
static char *scan_one(assay_scanner *sc, int i, int *annotations) {
  assay_doc *doc = NULL;
  if (assay_doc_new(&doc, files[i], texts[i], lens[i], NULL, NULL) != ASSAY_OK)
    return NULL;
  char *json = NULL;
  if (assay_doc_set_meta_json(doc, "{\"published\": \"2014-12-17\"}") == ASSAY_OK &&
      assay_scanner_scan(sc, doc, NULL, NULL) == ASSAY_OK) {
    json = assay_doc_to_json(doc, 0);
    assay_ann_iter *it = NULL;
    if (annotations && assay_ann_iter_new(doc, NULL, &it) == ASSAY_OK) {
      while (assay_ann_iter_next(it)) ++*annotations;
      assay_ann_iter_free(it);
    }
  } else {
    fprintf(stderr, "%s: %s\n", files[i], assay_scanner_errmsg(sc));
  }
  assay_doc_free(doc);
  return json;
}

typedef struct worker {
  const assay_rules *rules;
  int rotate;           /* starts at document `rotate`: orders differ */
  char *json[NDOCS];
  int failed;
} worker;

static void *run_worker(void *arg) {
  worker *w = arg;
  assay_scanner *sc = NULL;
  if (assay_scanner_new(&sc, w->rules, NULL) != ASSAY_OK) {
    w->failed = 1;
    return NULL;
  }
  for (int k = 0; k < NDOCS; k++) {
    int i = (k + w->rotate) % NDOCS;
    w->json[i] = scan_one(sc, i, NULL);
    if (!w->json[i]) w->failed = 1;
  }
  assay_scanner_free(sc);
  return NULL;
}

static assay_rules *compile_news(void) {
  assay_compiler *c = NULL;
  assay_rules *rules = NULL;
  CHECK_INT(assay_compiler_new(&c, 0, NULL), ASSAY_OK);
  CHECK_INT(assay_compiler_load_file(c, "rules/news.lua"), ASSAY_OK);
  CHECK_INT(assay_compiler_get_rules(c, &rules), ASSAY_OK);
  assay_compiler_free(c);
  return rules;
}

int main(void) {
  for (int i = 0; i < NDOCS; i++) {
    texts[i] = slurp(files[i], &lens[i]);
    CHECK(texts[i] != NULL);
    if (!texts[i]) return check_summary();
  }
  /* Two compilations: the threads start on rules no scan has used yet
   * (regexes get their machine code at their first match, whichever
   * thread comes first), the reference runs on the other. */
  assay_rules *rules = compile_news(), *ref_rules = compile_news();
  if (!rules || !ref_rules) return check_summary();
  /* The compiler kept the bytecode of the pack's four files, which every
   * scanner loads instead of parsing them again. */
  CHECK_INT((int)rules->nchunks, 4);
  int news = 0;
  for (size_t i = 0; i < rules->nchunks; i++) {
    const char *f = rules->chunks[i].file, *slash = strrchr(f, '/');
    news += strcmp(slash ? slash + 1 : f, "news.lua") == 0;
    CHECK(rules->chunks[i].len > 4 &&
          memcmp(rules->chunks[i].code, "\x1bLua", 4) == 0);
  }
  CHECK_INT(news, 1);

  /* Several scanners at once over the same rules. */
  worker w[NTHREADS];
  pthread_t th[NTHREADS];
  int started[NTHREADS];
  for (int t = 0; t < NTHREADS; t++) {
    memset(&w[t], 0, sizeof w[t]);
    w[t].rules = rules;
    w[t].rotate = t * 2;
    started[t] = pthread_create(&th[t], NULL, run_worker, &w[t]) == 0;
    CHECK(started[t]);
  }
  for (int t = 0; t < NTHREADS; t++)
    if (started[t]) pthread_join(th[t], NULL);

  /* The reference: one scanner, one thread. */
  char *ref[NDOCS];
  int annotations = 0;
  assay_scanner *sc = NULL;
  CHECK_INT(assay_scanner_new(&sc, ref_rules, NULL), ASSAY_OK);
  for (int i = 0; i < NDOCS; i++) {
    ref[i] = sc ? scan_one(sc, i, &annotations) : NULL;
    CHECK(ref[i] != NULL && strstr(ref[i], "\"layer\": \"claim\"") != NULL);
  }
  assay_scanner_free(sc);
  CHECK(annotations > 200); /* the articles are rich: actors, dates, claims */

  for (int t = 0; t < NTHREADS; t++) {
    CHECK_INT(w[t].failed, 0);
    for (int i = 0; i < NDOCS; i++) {
      if (w[t].json[i] && ref[i] && strcmp(w[t].json[i], ref[i]) != 0)
        fprintf(stderr, "thread %d, %s: the JSON differs from one thread's\n",
                t, files[i]);
      CHECK(w[t].json[i] && ref[i] && strcmp(w[t].json[i], ref[i]) == 0);
      assay_free(w[t].json[i]);
    }
  }
  for (int i = 0; i < NDOCS; i++) {
    assay_free(ref[i]);
    free(texts[i]);
  }
  assay_rules_free(rules);
  assay_rules_free(ref_rules);
  return check_summary();
}
