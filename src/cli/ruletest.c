/*
 * ruletest.c -- `assay test`: rule tests for rule authors.  A YAML file
 * names the pack it tests and gives cases (a text, a date, the annotations
 * expected and those that must not appear); docs/rule-tests.md.
 */
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "doc.h"
#include "engine.h"
#include "input.h"

static const char usage_text[] =
    "usage: assay test [OPTIONS] RULETESTS.yaml...\n"
    "\n"
    "Runs rule tests: each file names the pack it tests (`rules:`, relative\n"
    "to the file) and lists cases with the annotations expected and those\n"
    "that must not appear (docs/rule-tests.md).  Prints each failing case\n"
    "with what was expected and what was found, then `N passed, N failed`.\n"
    "\n"
    "options:\n"
    "  -v, --verbose           print every case, not only failures\n"
    "%s"
    "\n"
    "exit status: 0 all passed, 1 some failed, 2 usage or pack error.\n";

typedef struct test_run {
  int passed, failed, verbose;
} test_run;

/* The text of an expectation value for messages. */
static char *show(const json_t *v) {
  return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_PRESERVE_ORDER);
}

/* The annotation's text, or its attribute as text, into buf. */
static const char *attr_text(const assay_doc *doc, const assay_annotation *a,
                             const char *key, char *buf, size_t size) {
  uint32_t s, e;
  if (!strcmp(key, "text")) {
    assay_annotation_span(a, &s, &e);
    snprintf(buf, size, "%.*s", (int)(e - s), doc->text + s);
    return buf;
  }
  const assay_value *v = assay_annotation_get(a, key);
  if (!v) return NULL;
  switch (v->type) {
  case ASSAY_VALUE_STRING:
  case ASSAY_VALUE_SPAN:
    snprintf(buf, size, "%.*s", (int)v->len, v->str ? v->str : "");
    return buf;
  case ASSAY_VALUE_NUMBER:
  case ASSAY_VALUE_REF:
    snprintf(buf, size, "%.15g", v->type == ASSAY_VALUE_REF ? (double)v->ref : v->num);
    return buf;
  case ASSAY_VALUE_BOOL:
    snprintf(buf, size, "%s", v->num ? "true" : "false");
    return buf;
  default:
    return NULL;
  }
}

/* 1 when `have` satisfies one expected scalar (equal, or containing it for
 * keys ending in '~'). */
static int scalar_ok(const char *have, const json_t *want, int contains) {
  char wbuf[64];
  const char *w;
  if (json_is_string(want)) w = json_string_value(want);
  else if (json_is_integer(want)) {
    snprintf(wbuf, sizeof wbuf, "%lld", (long long)json_integer_value(want));
    w = wbuf;
  } else if (json_is_real(want)) {
    snprintf(wbuf, sizeof wbuf, "%.15g", json_real_value(want));
    w = wbuf;
  } else if (json_is_boolean(want)) w = json_is_true(want) ? "true" : "false";
  else return 0;
  return contains ? strstr(have, w) != NULL : strcmp(have, w) == 0;
}

static int value_ok(const char *have, const json_t *want, int contains) {
  if (!json_is_array(want)) return scalar_ok(have, want, contains);
  size_t i;
  json_t *w;
  json_array_foreach(want, i, w) if (scalar_ok(have, w, contains)) return 1;
  return 0;
}

/* 1 when annotation a satisfies every key of the expectation. */
static int ann_matches(const assay_doc *doc, const assay_annotation *a,
                       const json_t *exp) {
  const char *key;
  json_t *want;
  json_object_foreach((json_t *)exp, key, want) {
    if (!strcmp(key, "layer")) {
      if (!json_is_string(want) ||
          strcmp(json_string_value(want), assay_annotation_layer(a)))
        return 0;
      continue;
    }
    char k[128], buf[4096];
    size_t n = strlen(key);
    int contains = n > 1 && key[n - 1] == '~';
    snprintf(k, sizeof k, "%.*s", (int)(contains ? n - 1 : n), key);
    const char *have = attr_text(doc, a, k, buf, sizeof buf);
    if (!have || !value_ok(have, want, contains)) return 0;
  }
  return 1;
}

static int find_expected(const assay_doc *doc, const json_t *exp) {
  assay_ann_iter *it = NULL;
  if (assay_ann_iter_new(doc, NULL, &it)) return 0;
  const assay_annotation *a;
  int found = 0;
  while (!found && (a = assay_ann_iter_next(it))) found = ann_matches(doc, a, exp);
  assay_ann_iter_free(it);
  return found;
}

/* Prints the annotations of the layer an expectation is about. */
static void print_found(const assay_doc *doc, const json_t *exp) {
  const char *layer = json_string_value(json_object_get(exp, "layer"));
  json_t *rec = doc_record(doc, 0, NULL, NULL);
  json_t *anns = json_object_get(rec, "annotations");
  size_t i;
  json_t *a;
  int any = 0;
  json_array_foreach(anns, i, a) {
    const char *l = json_string_value(json_object_get(a, "layer"));
    if (layer && l && strcmp(layer, l)) continue;
    json_object_del(a, "id");
    char *s = show(a);
    fprintf(stdout, "      found: %s\n", s ? s : "?");
    free(s);
    any = 1;
  }
  if (!any) fprintf(stdout, "      found: no %s annotation\n", layer ? layer : "");
  json_decref(rec);
}

static void run_case(test_run *t, assay_scanner *sc, const char *file,
                     size_t index, const json_t *c, const json_t *defaults) {
  const char *name = json_string_value(json_object_get(c, "name"));
  const char *text = json_string_value(json_object_get(c, "text"));
  char label[512];
  snprintf(label, sizeof label, "%s: case %zu%s%s%s", file, index + 1,
           name ? " (" : "", name ? name : "", name ? ")" : "");
  if (!text) {
    printf("FAIL %s: the case has no text\n", label);
    t->failed++;
    return;
  }
  assay_doc *doc = NULL;
  if (assay_doc_new(&doc, name ? name : "case", text, strlen(text), NULL,
                    NULL)) {
    t->failed++;
    return;
  }
  json_t *meta = json_deep_copy(json_object_get(defaults, "meta"));
  if (!json_is_object(meta)) {
    json_decref(meta);
    meta = json_object();
  }
  json_object_update(meta, json_object_get(c, "meta"));
  const json_t *date = json_object_get(c, "date");
  if (!date) date = json_object_get(defaults, "date");
  if (json_is_string(date)) json_object_set(meta, "published", (json_t *)date);
  if (json_is_null(date)) json_object_del(meta, "published");
  char *ms = json_dumps(meta, JSON_COMPACT);
  assay_doc_set_meta_json(doc, ms);
  free(ms);
  json_decref(meta);
  int ok = 1;
  if (eng_scan(sc, doc, 0, -1) != ASSAY_OK) {
    printf("FAIL %s\n      error: %s\n", label, assay_scanner_errmsg(sc));
    ok = 0;
  } else {
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(c, "expect"), i, e) {
      if (find_expected(doc, e)) continue;
      char *s = show(e);
      if (ok) printf("FAIL %s\n      text: %s\n", label, text);
      printf("    expected: %s\n", s ? s : "?");
      print_found(doc, e);
      free(s);
      ok = 0;
    }
    json_array_foreach(json_object_get(c, "reject"), i, e) {
      if (!find_expected(doc, e)) continue;
      char *s = show(e);
      if (ok) printf("FAIL %s\n      text: %s\n", label, text);
      printf("    unexpected: %s\n", s ? s : "?");
      free(s);
      ok = 0;
    }
  }
  if (ok) {
    t->passed++;
    if (t->verbose) printf("ok   %s\n", label);
  } else {
    t->failed++;
  }
  assay_doc_free(doc);
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 65536, n = 0;
  char *buf = malloc(cap);
  size_t r;
  while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
    n += r;
    if (n == cap) {
      char *nb = realloc(buf, cap *= 2);
      if (!nb) {
        free(buf);
        buf = NULL;
      }
      buf = nb;
    }
  }
  fclose(f);
  if (buf) *len = n;
  return buf;
}

/* Runs one test file; returns -1 when the file or its pack cannot be used. */
static int run_file(test_run *t, const char *path, const cli_pack_opts *po) {
  size_t len;
  char *src = read_file(path, &len);
  if (!src) {
    cli_errorf("%s: cannot read", path);
    return -1;
  }
  assay_error err;
  memset(&err, 0, sizeof err);
  json_t *root = in_yaml_to_json(src, len, path, &err);
  free(src);
  if (!root) {
    cli_errorf("%s:%d:%d: %s", path, err.line, err.column, err.message);
    return -1;
  }
  int rc = -1;
  cli_pack_opts o = *po;
  char packpath[PATH_MAX];
  const char *rel = json_string_value(json_object_get(root, "rules"));
  if (!o.rules && rel) {
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    snprintf(packpath, sizeof packpath, "%s/%s", dirname(dir), rel);
    o.rules = rel[0] == '/' ? rel : packpath;
  }
  json_t *cases = json_object_get(root, "cases");
  if (!json_is_array(cases)) {
    cli_errorf("%s: no `cases:` list", path);
    json_decref(root);
    return -1;
  }
  assay_rules *rules = cli_compile(&o);
  assay_scanner *sc = NULL;
  if (rules && assay_scanner_new(&sc, rules, &o.limits) == ASSAY_OK) {
    size_t i;
    json_t *c;
    json_array_foreach(cases, i, c) run_case(t, sc, path, i, c, root);
    rc = 0;
  } else if (rules) {
    cli_errorf("%s", assay_scanner_errmsg(sc));
  }
  assay_scanner_free(sc);
  assay_rules_free(rules);
  json_decref(root);
  return rc;
}

int cli_test(int argc, char **argv) {
  test_run t = {0, 0, 0};
  cli_pack_opts po;
  memset(&po, 0, sizeof po);
  int nfiles = 0, bad = 0;
  for (int i = 1; i < argc; i++) {
    if (cli_is_help(argv[i])) {
      printf(usage_text, cli_pack_help);
      return CLI_OK;
    }
  }
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (a[0] == '-' && a[1]) {
      int r = cli_pack_option(&po, argc, argv, &i);
      if (r < 0) return CLI_USAGE;
      if (r > 0) continue;
      if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
        t.verbose = 1;
        continue;
      }
      cli_errorf("test: unknown option %s (see assay test --help)", a);
      return CLI_USAGE;
    }
  }
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (a[0] == '-' && a[1]) {
      if (!strcmp(a, "--rules") || !strcmp(a, "--lexicon") ||
          !strncmp(a, "--max-", 6))
        i++;
      continue;
    }
    nfiles++;
    if (run_file(&t, a, &po)) bad++;
  }
  if (!nfiles) {
    fprintf(stderr, usage_text, cli_pack_help);
    return CLI_USAGE;
  }
  printf("%d passed, %d failed\n", t.passed, t.failed);
  if (bad) return CLI_USAGE;
  return t.failed ? CLI_SOME_FAILED : CLI_OK;
}
