/* claims.c -- an example of embedding libassay: compiles the default news
 * pack once, scans the files given on the command line in two threads (one
 * scanner each, sharing the rules), and prints each claim as
 * source<TAB>stance<TAB>content, file by file in command-line order. */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <assay.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef ASSAY_RULES /* the installed default pack, set by the build */
#define ASSAY_RULES "rules/news.lua"
#endif

typedef struct job {
  const assay_rules *rules;
  char **files, **out; /* out[i]: the lines of files[i] (malloc'd) */
  int first, step, n, failed;
} job;

/* A value's text on one line: tabs and newlines become spaces. */
static void put(FILE *f, const assay_value *v, int last) {
  for (size_t i = 0; v && v->str && i < v->len; i++)
    fputc(strchr("\t\r\n", v->str[i]) ? ' ' : v->str[i], f);
  fputc(last ? '\n' : '\t', f);
}

static int on_annotation(void *ud, const assay_annotation *a) {
  if (strcmp(assay_annotation_layer(a), "claim") != 0) return ASSAY_OK;
  static const char *const keys[] = {"source", "stance", "content"};
  for (int k = 0; k < 3; k++) put(ud, assay_annotation_get(a, keys[k]), k == 2);
  return ASSAY_OK;
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  if (f && fseek(f, 0, SEEK_END) == 0) {
    long n = ftell(f);
    if (n >= 0 && (buf = malloc((size_t)n + 1)) && fseek(f, 0, SEEK_SET) == 0)
      *len = fread(buf, 1, (size_t)n, f);
  }
  if (f) fclose(f);
  return buf; /* NULL: unreadable */
}

static void *worker(void *arg) {
  job *jb = arg;
  assay_scanner *sc = NULL;
  if (assay_scanner_new(&sc, jb->rules, NULL) != ASSAY_OK) jb->failed = jb->n;
  for (int i = jb->first; sc && i < jb->n; i += jb->step) {
    size_t len = 0, size = 0;
    char *text = slurp(jb->files[i], &len);
    FILE *out = open_memstream(&jb->out[i], &size);
    assay_doc *doc = NULL;
    int st = text && out ? assay_doc_new(&doc, jb->files[i], text, len, NULL, NULL)
                         : ASSAY_EIO;
    if (st == ASSAY_OK) st = assay_scanner_scan(sc, doc, on_annotation, out);
    if (st != ASSAY_OK) {
      fprintf(stderr, "claims: %s: %s\n", jb->files[i],
              st == ASSAY_EIO ? "cannot read" : assay_scanner_errmsg(sc));
      jb->failed++;
    }
    assay_doc_free(doc);
    if (out) fclose(out);
    free(text);
  }
  assay_scanner_free(sc);
  return NULL;
}

int main(int argc, char **argv) {
  const char *pack = getenv("ASSAY_RULES") ? getenv("ASSAY_RULES") : ASSAY_RULES;
  assay_compiler *c = NULL;
  assay_rules *rules = NULL;
  if (assay_compiler_new(&c, 0, NULL) != ASSAY_OK ||
      assay_compiler_load_file(c, pack) != ASSAY_OK ||
      assay_compiler_get_rules(c, &rules) != ASSAY_OK) {
    fprintf(stderr, "claims: %s: %s\n", pack, c ? assay_compiler_errmsg(c) : "no memory");
    assay_compiler_free(c);
    return 2;
  }
  assay_compiler_free(c);
  char **out = calloc((size_t)argc, sizeof *out);
  job jobs[2] = {{rules, argv + 1, out, 0, 2, argc - 1, 0},
                 {rules, argv + 1, out, 1, 2, argc - 1, 0}};
  pthread_t th[2];
  int started[2];
  for (int t = 0; t < 2; t++) /* no thread: do its share here */
    if (!(started[t] = !pthread_create(&th[t], NULL, worker, &jobs[t]))) worker(&jobs[t]);
  for (int t = 0; t < 2; t++) if (started[t]) pthread_join(th[t], NULL);
  for (int i = 0; out && i < argc - 1; i++) {
    if (out[i]) fputs(out[i], stdout);
    free(out[i]);
  }
  free(out);
  assay_rules_free(rules);
  return jobs[0].failed + jobs[1].failed ? 1 : 0;
}
