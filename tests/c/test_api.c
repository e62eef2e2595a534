/*
 * test_api.c -- the link test of the public API: calls every function that
 * src/assay.h declares, with real inputs, through assay.h alone, under a
 * counting allocator whose books must balance at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assay.h"
#include "check.h"

/* ---- a counting allocator (the lua_Alloc contract) ---------------------- */

typedef struct counts {
  long allocs, frees;
  long long live; /* bytes handed out and not given back */
} counts;

static void *counting(void *ud, void *ptr, size_t osize, size_t nsize) {
  counts *c = ud;
  if (nsize == 0) {
    if (ptr) c->frees++, c->live -= (long long)osize;
    free(ptr);
    return NULL;
  }
  void *p = realloc(ptr, nsize);
  if (!p) return NULL;
  if (!ptr) c->allocs++, c->live += (long long)nsize;
  else c->live += (long long)nsize - (long long)osize;
  return p;
}

static counts books;
static assay_allocator alloc = {counting, &books};

/* ---- version, status, text ------------------------------------------------ */

static void test_version_and_text(void) {
  CHECK_STR(assay_version(), ASSAY_VERSION);
  CHECK_STR(assay_status_name(ASSAY_ELIMIT), "ASSAY_ELIMIT");
  CHECK_STR(assay_status_name(12345), "ASSAY_UNKNOWN");
  const char *t = "Zoë’s café";
  size_t len = strlen(t), bad = 99, flen = 0;
  CHECK_INT(assay_text_char_offset(t, len, len), 10);
  CHECK_INT(assay_text_byte_offset(t, len, 3), 4); /* after "Zoë" */
  CHECK_INT(assay_text_valid_utf8(t, len, &bad), 1);
  CHECK_INT(assay_text_valid_utf8("a\xffz", 3, &bad), 0);
  CHECK_INT(bad, 1);
  char *f = assay_text_fold("ÉCOLE", strlen("ÉCOLE"), &flen);
  CHECK_STR(f, "école");
  CHECK_INT(flen, strlen("école"));
  assay_free(f);
}

/* ---- the tokenizer without a document ------------------------------------ */

static void test_tokenize(void) {
  assay_tokenizer *tz = NULL;
  assay_error err;
  CHECK_INT(assay_tokenizer_new(&tz, &alloc, &err), ASSAY_OK);
  CHECK_INT(assay_tokenizer_add_abbreviation(tz, "Frob."), ASSAY_OK);
  char path[] = "/tmp/assay_test_api_XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  const char *yaml = "abbreviations: [Zork.]\n";
  CHECK_INT(write(fd, yaml, strlen(yaml)), (long long)strlen(yaml));
  close(fd);
  CHECK_INT(assay_tokenizer_add_abbreviations(tz, path, &err), ASSAY_OK);
  unlink(path);
  const char *text = "The Frob. unit met at the Zork. office.\n\nU.S. officials said so.";
  assay_tokens *toks = NULL;
  CHECK_INT(assay_tokenize(tz, text, strlen(text), &toks, &err), ASSAY_OK);
  size_t n = 0, ns = 0, np = 0;
  const assay_token *t = assay_tokens_get(toks, &n);
  CHECK_INT(n, 14);
  CHECK_INT(t[1].end - t[1].start, 5); /* "Frob." is one token */
  CHECK(t[1].flags & ASSAY_TF_ABBREV);
  CHECK_STR(t[6].lower, "zork."); /* from the YAML file */
  CHECK_STR(t[9].shape, "X.X.");
  CHECK(t[9].flags & ASSAY_TF_PARA_START);
  assay_tokens_sentences(toks, &ns);
  assay_tokens_paragraphs(toks, &np);
  CHECK_INT(ns, 2);
  CHECK_INT(np, 2);
  CHECK_INT(assay_tokens_invalid_count(toks), 0);
  assay_tokens_free(toks);
  assay_tokenizer_free(tz);
}

/* ---- regex ------------------------------------------------------------------ */

typedef struct rx_seen {
  int n;
  uint32_t start, end, g1s, g1e;
} rx_seen;

static int on_rx(void *ud, const assay_regex_match *m) {
  rx_seen *s = ud;
  if (s->n++ == 0) s->start = m->start, s->end = m->end,
                   s->g1s = m->groups[2], s->g1e = m->groups[3];
  return ASSAY_OK;
}

static void test_regex(void) {
  assay_regex *rx = NULL;
  assay_error err;
  CHECK_INT(assay_regex_new(&rx, "(?<n>\\d+) (units|cars)", ASSAY_RX_CASELESS,
                            &alloc, &err), ASSAY_OK);
  CHECK_INT(assay_regex_group_count(rx), 2);
  CHECK_STR(assay_regex_group_name(rx, 1), "n");
  CHECK(assay_regex_group_name(rx, 2) == NULL);
  const char *text = "Ford recalls 120 CARS and 7 units.";
  rx_seen s = {0};
  CHECK_INT(assay_regex_scan(rx, text, strlen(text), NULL, 0, NULL, on_rx, &s,
                             &err), ASSAY_OK);
  CHECK_INT(s.n, 2);
  CHECK_INT(s.start, 13);
  CHECK_INT(s.end, 21);
  CHECK_INT(s.g1s, 13);
  CHECK_INT(s.g1e, 16);
  assay_regex_free(rx);
  rx = NULL;
  CHECK_INT(assay_regex_new(&rx, "(unclosed", 0, &alloc, &err), ASSAY_ESYNTAX);
  CHECK(rx == NULL);
  CHECK(err.column > 0);
}

/* ---- lexicon ---------------------------------------------------------------- */

typedef struct lex_seen {
  int n;
  char names[256];
} lex_seen;

static int on_lex(void *ud, const assay_lexicon_match *m) {
  lex_seen *s = ud;
  s->n++;
  size_t k = strlen(s->names);
  snprintf(s->names + k, sizeof s->names - k, "%s%s/%s/%s[%u,%u)",
           k ? "," : "", m->name, m->kind, m->norm, m->first, m->last);
  return ASSAY_OK;
}

/* An image written through the callback, into a malloc'd buffer. */
typedef struct lex_image {
  char *data;
  size_t len;
} lex_image;

static int grow_image(void *ud, const void *p, size_t n) {
  lex_image *img = ud;
  char *d = realloc(img->data, img->len + n);
  if (!d) return ASSAY_ENOMEM;
  memcpy(d + img->len, p, n);
  img->data = d;
  img->len += n;
  return ASSAY_OK;
}

static void test_lexicon(void) {
  assay_lexicon *lx = NULL;
  assay_error err;
  CHECK_INT(assay_lexicon_new(&lx, ASSAY_LEX_FOLD, &alloc), ASSAY_OK);
  const char *yaml = "kind: company\nentries:\n"
                     "  - {name: Ford Motor Company, norm: F, aliases: [Ford]}\n";
  CHECK_INT(assay_lexicon_load_string(lx, yaml, strlen(yaml), "mem.yaml", &err),
            ASSAY_OK);
  int e = assay_lexicon_add_entry(lx, "Food and Drug Administration", "agency",
                                  "FDA");
  CHECK(e >= 0);
  CHECK_INT(assay_lexicon_add_alias(lx, e, "FDA", NULL), ASSAY_OK);
  CHECK_INT(assay_lexicon_set_attr(lx, e, "country", "US"), ASSAY_OK);
  char path[] = "/tmp/assay_test_api_XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  const char *more = "entries:\n  - {name: Takata, kind: supplier}\n";
  CHECK_INT(write(fd, more, strlen(more)), (long long)strlen(more));
  close(fd);
  CHECK_INT(assay_lexicon_load(lx, path, &err), ASSAY_OK);
  unlink(path);
  CHECK_INT(assay_lexicon_freeze(lx), ASSAY_OK);
  CHECK_INT(assay_lexicon_entry_count(lx), 3);
  CHECK(assay_lexicon_memory(lx) > 0);
  CHECK_STR(assay_lexicon_entry_attr(lx, e, "country"), "US");
  CHECK_INT(assay_lexicon_entry_attr_count(lx, e), 1);
  const char *v = NULL;
  CHECK_STR(assay_lexicon_entry_attr_at(lx, e, 0, &v), "country");
  CHECK_STR(v, "US");
  CHECK(assay_lexicon_errmsg(lx) != NULL);

  const char *text = "The fda said FORD must fix Takata airbags.";
  assay_tokens *toks = NULL;
  CHECK_INT(assay_tokenize(NULL, text, strlen(text), &toks, &err), ASSAY_OK);
  size_t n = 0;
  const assay_token *t = assay_tokens_get(toks, &n);
  lex_seen s = {0, ""};
  CHECK_INT(assay_lexicon_scan(lx, t, n, text, on_lex, &s), ASSAY_OK);
  CHECK_INT(s.n, 3);
  CHECK_STR(s.names, "Food and Drug Administration/agency/FDA[1,2),"
                     "Ford Motor Company/company/F[3,4),"
                     "Takata/supplier/Takata[6,7)");

  /* Its image reads back into a lexicon that matches the same. */
  lex_image img = {NULL, 0};
  CHECK_INT(assay_lexicon_write_image(lx, grow_image, &img), ASSAY_OK);
  assay_lexicon *copy = NULL;
  CHECK_INT(assay_lexicon_read_image(&copy, img.data, img.len, &alloc, &err),
            ASSAY_OK);
  lex_seen s2 = {0, ""};
  CHECK_INT(assay_lexicon_scan(copy, t, n, text, on_lex, &s2), ASSAY_OK);
  CHECK_STR(s2.names, s.names);
  CHECK_STR(assay_lexicon_entry_attr(copy, e, "country"), "US");
  assay_lexicon_free(copy);
  /* One byte short is refused, with the reason. */
  CHECK_INT(assay_lexicon_read_image(&copy, img.data, img.len - 1, &alloc, &err),
            ASSAY_ESYNTAX);
  CHECK(copy == NULL);
  CHECK(strstr(err.message, "lexicon image") != NULL);
  free(img.data);
  assay_tokens_free(toks);
  assay_lexicon_free(lx);
}

/* ---- documents, annotations, iterators, token patterns ---------------------- */

static int on_pat(void *ud, const assay_pattern_match *m) {
  int32_t *out = ud;
  out[0] = (int32_t)m->first, out[1] = (int32_t)m->last;
  out[2] = m->captures[0], out[3] = m->captures[1];
  out[4] = (int32_t)m->capture_ann[0];
  return ASSAY_STOP;
}

static void test_doc_and_pattern(void) {
  assay_doc *d = NULL;
  assay_error err;
  const char *text = "Recall notice.\n\nFord recalled 120 cars on Monday. Honda did not.";
  CHECK_INT(assay_doc_new(&d, "ford.txt", text, strlen(text), &alloc, &err),
            ASSAY_OK);
  size_t len = 0;
  /* A second reference keeps the document past one free. */
  CHECK(assay_doc_retain(d) == d);
  assay_doc_free(d);
  CHECK_STR(assay_doc_id(d), "ford.txt");
  CHECK(assay_doc_text(d, &len) != NULL && len == strlen(text));
  CHECK_INT(assay_doc_set_meta_json(d, "{\"published\": \"2024-05-02\"}"), ASSAY_OK);
  CHECK_STR(assay_doc_meta_string(d, "published"), "2024-05-02");
  char *meta = assay_doc_meta_json(d);
  CHECK(meta && strstr(meta, "2024-05-02"));
  assay_free(meta);
  CHECK_INT(assay_doc_set_meta_json(d, "[not an object]"), ASSAY_ESYNTAX);
  CHECK(strlen(assay_doc_errmsg(d)) > 0);
  CHECK_INT(assay_doc_tokenize(d, NULL), ASSAY_OK);
  size_t nt = 0, ns = 0, np = 0;
  const assay_token *t = assay_doc_tokens(d, &nt);
  assay_doc_sentences(d, &ns);
  assay_doc_paragraphs(d, &np);
  CHECK_INT(nt, 14);
  CHECK_INT(ns, 3);
  CHECK_INT(np, 2);
  CHECK_INT(assay_doc_add_warning(d, "made up"), ASSAY_OK);
  CHECK_INT(assay_doc_warning_count(d), 1);
  CHECK_STR(assay_doc_warning(d, 0), "made up");

  /* "Ford" (token 3) and "Honda" (token 10) as companies; overlapping
   * candidates in a longest layer. */
  CHECK_INT(assay_doc_set_layer_policy(d, "company", ASSAY_POLICY_LONGEST), ASSAY_OK);
  assay_annotation *ford = NULL, *short_one = NULL, *honda = NULL;
  CHECK_INT(assay_doc_annotate(d, "company", t[3].start, t[3].end, "test.ford",
                               0, &ford), ASSAY_OK);
  CHECK_INT(assay_doc_annotate(d, "company", t[3].start, t[3].start + 2, NULL,
                               0, &short_one), ASSAY_OK);
  CHECK_INT(assay_doc_annotate(d, "company", t[10].start, t[10].end, NULL, 0,
                               &honda), ASSAY_OK);
  assay_value num = {ASSAY_VALUE_NUMBER, NULL, 0, 120, 0, 0, 0};
  CHECK_INT(assay_annotation_set(ford, "units", &num), ASSAY_OK);
  CHECK_INT(assay_annotation_set_string(ford, "norm", "F"), ASSAY_OK);
  CHECK_INT(assay_doc_resolve_overlaps(d), ASSAY_OK);
  CHECK_INT(assay_annotation_id(ford), 1);
  CHECK_STR(assay_annotation_layer(ford), "company");
  CHECK_STR(assay_annotation_rule(ford), "test.ford");
  uint32_t s = 0, e = 0;
  assay_annotation_span(ford, &s, &e);
  CHECK_INT(s, 16);
  CHECK_INT(e, 20);
  const assay_value *v = assay_annotation_get(ford, "units");
  CHECK(v && v->type == ASSAY_VALUE_NUMBER && v->num == 120);
  CHECK_INT(assay_annotation_attr_count(ford), 2);
  const assay_value *v0 = NULL;
  const char *k0 = assay_annotation_attr(ford, 0, &v0);
  CHECK(k0 && v0);
  CHECK(assay_doc_annotation(d, 3) == honda);
  CHECK(assay_doc_annotation(d, 99) == NULL);
  /* A removed annotation keeps its id but is no longer live. */
  assay_annotation *extra = NULL;
  CHECK_INT(assay_doc_annotate(d, "company", t[0].start, t[0].end, NULL, 0,
                               &extra), ASSAY_OK);
  CHECK_INT(assay_doc_remove_annotation(d, assay_annotation_id(extra)), ASSAY_OK);
  CHECK_INT(assay_doc_remove_annotation(d, 999), ASSAY_ENOTFOUND);

  /* The iterator sees the live ones only, in text order. */
  assay_ann_iter *it = NULL;
  CHECK_INT(assay_ann_iter_new(d, "company", &it), ASSAY_OK);
  const assay_annotation *a1 = assay_ann_iter_next(it);
  const assay_annotation *a2 = assay_ann_iter_next(it);
  CHECK(a1 == ford && a2 == honda);
  CHECK(assay_ann_iter_next(it) == NULL);
  assay_ann_iter_free(it);

  /* A token pattern over the document's annotations. */
  assay_pattern *pat = NULL;
  CHECK_INT(assay_pattern_new(&pat, "@company:who 'recalled' [kind=number]:n",
                              &alloc, &err), ASSAY_OK);
  CHECK_INT(assay_pattern_capture_count(pat), 2);
  CHECK_STR(assay_pattern_capture_name(pat, 0), "who");
  CHECK_STR(assay_pattern_capture_name(pat, 1), "n");
  int32_t got[5] = {-9, -9, -9, -9, -9};
  int st = assay_pattern_scan(pat, d, on_pat, got, &err);
  CHECK(st == ASSAY_OK || st == ASSAY_STOP);
  CHECK_INT(got[0], 3);
  CHECK_INT(got[1], 6);
  CHECK_INT(got[2], 3);
  CHECK_INT(got[3], 4);
  CHECK_INT(got[4], 1);
  assay_pattern_free(pat);
  pat = NULL;
  CHECK_INT(assay_pattern_new(&pat, "'a' (", &alloc, &err), ASSAY_ESYNTAX);
  CHECK(err.column > 0);

  /* JSON out and back in. */
  char *json = assay_doc_to_json(d, ASSAY_JSON_TEXT);
  CHECK(json && strstr(json, "\"layer\": \"company\"") &&
        strstr(json, "\"units\": 120") && strstr(json, "\"text\": \"Recall notice."));
  assay_doc *back = NULL;
  const char *in = "{\"id\": \"j1\", \"text\": \"Honda recalled vans.\", "
                   "\"meta\": {\"outlet\": \"Wire\"}}";
  CHECK_INT(assay_doc_from_json(&back, in, strlen(in), &alloc, &err), ASSAY_OK);
  CHECK_STR(assay_doc_id(back), "j1");
  CHECK_STR(assay_doc_meta_string(back, "outlet"), "Wire");
  assay_free(json);
  assay_doc_free(back);
  assay_doc_free(d);
}

/* ---- the in-memory store ------------------------------------------------------ */

static int count_docs(void *ud, assay_doc *doc) {
  (void)doc;
  ++*(int *)ud;
  return ASSAY_OK;
}

static int count_ids(void *ud, const char *id) {
  (void)id;
  ++*(int *)ud;
  return ASSAY_OK;
}

static int count_db_anns(void *ud, const assay_db_annotation *a) {
  if (strcmp(a->layer, "recall") == 0 && strcmp(a->doc, "r") == 0) ++*(int *)ud;
  return ASSAY_OK;
}

static assay_doc *mkdoc(const char *id, const char *text) {
  assay_doc *d = NULL;
  assay_doc_new(&d, id, text, strlen(text), &alloc, NULL);
  return d;
}

static void test_store(void) {
  assay_store *st = NULL;
  CHECK_INT(assay_store_new(&st, &alloc), ASSAY_OK);
  CHECK_INT(assay_store_add(st, mkdoc("a", "Ford recalled trucks.")), ASSAY_OK);
  CHECK_INT(assay_store_add(st, mkdoc("b", "Honda recalled trucks too.")), ASSAY_OK);
  CHECK_INT(assay_store_count(st), 2);
  CHECK_STR(assay_doc_id(assay_store_at(st, 1)), "b");
  CHECK(assay_store_get(st, "a") != NULL);
  int n = 0;
  CHECK_INT(assay_store_find(st, "RECALLED TRUCKS", count_docs, &n), ASSAY_OK);
  CHECK_INT(n, 2);
  CHECK_INT(assay_store_remove(st, "a"), ASSAY_OK);
  CHECK_INT(assay_store_remove(st, "a"), ASSAY_ENOTFOUND);
  CHECK(assay_store_errmsg(st) != NULL);
  assay_store_free(st);
}

/* ---- dates ---------------------------------------------------------------------- */

static void test_dates(void) {
  assay_date d;
  CHECK_INT(assay_date_parse("2014-12-17", &d), ASSAY_OK);
  CHECK_INT(assay_date_weekday(d), 3);
  char buf[32];
  CHECK_INT(assay_date_format(assay_date_add_days(d, 15), buf, sizeof buf), 10);
  CHECK_STR(buf, "2015-01-01");
  assay_date_format(assay_date_add_months(d, -1), buf, sizeof buf);
  CHECK_STR(buf, "2014-11-17");
  int iy = 0;
  CHECK_INT(assay_date_iso_week(d, &iy), 51);
  CHECK_INT(iy, 2014);
  assay_date_format(assay_date_weekday_near(d, 1, -1), buf, sizeof buf);
  CHECK_STR(buf, "2014-12-15");
  CHECK_INT(assay_date_parse("yesterday", &d), ASSAY_ESYNTAX);
}

/* ---- rule packs: compiler, diagnostics, rules, scanner ------------------------- */

typedef struct diag_seen {
  int errors;
  char file[128], rule[64];
  int line;
} diag_seen;

static void on_diag(void *ud, const assay_diagnostic *dg) {
  diag_seen *s = ud;
  if (dg->severity != 1) return;
  if (s->errors++ == 0) {
    snprintf(s->file, sizeof s->file, "%s", dg->file ? dg->file : "");
    snprintf(s->rule, sizeof s->rule, "%s", dg->rule ? dg->rule : "");
    s->line = dg->line;
  }
}

static const char *const PACK =
    "pack { name = \"mini\", version = \"2.0\" }\n"
    "layer \"company\" { policy = \"longest\" }\n"
    "lexicon \"makers\" { entries = { {name = \"Ford\", kind = \"maker\"},\n"
    "                                {name = \"Honda\", kind = \"maker\"} } }\n"
    "rule \"company.lexicon\" { match = lexicon \"makers\",\n"
    "                          emit = { layer = \"company\" } }\n"
    "rule \"recall.verb\" {\n"
    "  match = tokens [[ @company:who 'recalled' ]],\n"
    "  emit = function(m, doc) return { layer = \"recall\", who = m.who } end,\n"
    "}\n";

typedef struct scan_seen {
  int calls;
  char first_layer[32];
} scan_seen;

static int on_ann(void *ud, const assay_annotation *a) {
  scan_seen *s = ud;
  if (s->calls++ == 0)
    snprintf(s->first_layer, sizeof s->first_layer, "%s", assay_annotation_layer(a));
  return ASSAY_STOP;
}

static void test_rules(void) {
  /* A broken pack: the callback names the file, the line and the rule. */
  assay_compiler *c = NULL;
  diag_seen ds = {0, "", "", 0};
  CHECK_INT(assay_compiler_new(&c, 0, &alloc), ASSAY_OK);
  assay_compiler_set_callback(c, on_diag, &ds);
  const char *broken = "pack { name = \"broken\", version = \"1\" }\n"
                       "\n"
                       "rule \"bad.pattern\" { match = tokens [[ 'a' ( ]],\n"
                       "  emit = { layer = \"x\" } }\n";
  CHECK(assay_compiler_load_string(c, broken, "broken.lua", ".") < 0);
  CHECK(ds.errors >= 1);
  CHECK(strstr(ds.file, "broken.lua") != NULL);
  CHECK_INT(ds.line, 3);
  CHECK_STR(ds.rule, "bad.pattern");
  CHECK(strlen(assay_compiler_errmsg(c)) > 0);
  assay_compiler_free(c);

  /* A good one, from a file, with an extra lexicon file. */
  char dir[] = "/tmp/assay_test_api_XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  char pack[64], lexf[64];
  snprintf(pack, sizeof pack, "%s/mini.lua", dir);
  snprintf(lexf, sizeof lexf, "%s/more.yaml", dir);
  FILE *f = fopen(pack, "w");
  if (f) fputs(PACK, f), fclose(f);
  f = fopen(lexf, "w");
  if (f) fputs("entries:\n  - {name: Toyota, kind: maker}\n", f), fclose(f);
  /* Compiled twice with a compile cache: the first compile fills it (a
   * bytecode file for the pack and one for the rule-pack language; no
   * image for its lexicon, whose inline entries are Lua values and not
   * files), the second reads it, and the checks below run on the rules of
   * the second. */
  char cache[96];
  snprintf(cache, sizeof cache, "%s/cache/assay", dir);
  assay_rules *rules = NULL;
  for (int pass = 0; pass < 2; pass++) {
    assay_rules_free(rules);
    rules = NULL;
    CHECK_INT(assay_compiler_new(&c, 0, &alloc), ASSAY_OK);
    CHECK_INT(assay_compiler_set_cache_dir(c, cache), ASSAY_OK);
    CHECK_INT(assay_compiler_add_lexicon_file(c, "makers", lexf), ASSAY_OK);
    CHECK_INT(assay_compiler_load_file(c, pack), ASSAY_OK);
    CHECK_INT(assay_compiler_get_rules(c, &rules), ASSAY_OK);
    assay_compiler_free(c);
  }
  char cmd[512];
  snprintf(cmd, sizeof cmd,
           "test $(ls '%s' | grep -c '^lua-') = 2 && "
           "test $(ls '%s' | grep -c '^lexicon-') = 0", cache, cache);
  CHECK_INT(system(cmd), 0);
  CHECK_STR(assay_rules_pack(rules), "mini 2.0");
  char hex[65] = "";
  CHECK_INT(assay_rules_pack_hash(rules, hex), ASSAY_OK);
  CHECK_INT(strlen(hex), 64);

  assay_scanner *sc = NULL;
  assay_limits lim;
  memset(&lim, 0, sizeof lim);
  lim.max_annotations = 1000;
  CHECK_INT(assay_scanner_new(&sc, rules, &lim), ASSAY_OK);
  assay_doc *d = mkdoc("r", "Ford recalled vans. Toyota recalled cars.");
  scan_seen ss = {0, ""};
  int st = assay_scanner_scan(sc, d, on_ann, &ss);
  CHECK(st == ASSAY_OK || st == ASSAY_STOP);
  CHECK_INT(ss.calls, 1); /* ASSAY_STOP after the first */
  CHECK_STR(ss.first_layer, "recall"); /* text order: longer first */
  /* The document holds every annotation all the same. */
  int recalls = 0;
  assay_ann_iter *it = NULL;
  CHECK_INT(assay_ann_iter_new(d, "recall", &it), ASSAY_OK);
  const char *who[2] = {"", ""};
  for (const assay_annotation *a; (a = assay_ann_iter_next(it));) {
    const assay_value *w = assay_annotation_get(a, "who");
    if (recalls < 2 && w && w->str) who[recalls] = w->str;
    recalls++;
  }
  assay_ann_iter_free(it);
  CHECK_INT(recalls, 2);
  CHECK_STR(who[0], "Ford");
  CHECK_STR(who[1], "Toyota");
  CHECK(assay_scanner_errmsg(sc) != NULL);

  /* The SQLite store, with what the scan found. */
  char db_path[96];
  snprintf(db_path, sizeof db_path, "%s/corpus.db", dir);
  assay_db *db = NULL;
  assay_error err;
  CHECK_INT(assay_db_open(&db, db_path, 0, &alloc, &err), ASSAY_OK);
  char hash[65];
  CHECK_INT(assay_db_doc_hash(d, hash), ASSAY_OK);
  CHECK_INT(assay_db_begin(db), ASSAY_OK);
  CHECK_INT(assay_db_put(db, d, hash, assay_rules_pack(rules), hex), ASSAY_OK);
  CHECK_INT(assay_db_commit(db), ASSAY_OK);
  CHECK_INT(assay_db_is_current(db, "r", hash, hex), 1);
  CHECK_INT(assay_db_count(db), 1);
  int n = 0;
  CHECK_INT(assay_db_search(db, "toyota", count_ids, &n), ASSAY_OK);
  CHECK_INT(n, 1);
  n = 0;
  CHECK_INT(assay_db_each(db, count_docs, &n), ASSAY_OK);
  CHECK_INT(n, 1);
  n = 0;
  CHECK_INT(assay_db_each_id(db, count_ids, &n), ASSAY_OK);
  CHECK_INT(n, 1);
  n = 0;
  CHECK_INT(assay_db_annotations(db, "recall", NULL,
                                 count_db_anns, &n), ASSAY_OK);
  CHECK_INT(n, 2);
  assay_doc *got = NULL;
  CHECK_INT(assay_db_get(db, "r", &got), ASSAY_OK);
  CHECK_STR(assay_doc_id(got), "r");
  assay_doc_free(got);
  assay_doc *fresh = mkdoc("r", "Ford recalled vans. Toyota recalled cars.");
  CHECK_INT(assay_db_load_annotations(db, fresh), ASSAY_OK);
  CHECK(assay_doc_annotation(fresh, 1) != NULL);
  assay_doc_free(fresh);
  CHECK_INT(assay_db_begin(db), ASSAY_OK);
  CHECK_INT(assay_db_remove(db, "r"), ASSAY_OK);
  CHECK_INT(assay_db_rollback(db), ASSAY_OK);
  CHECK_INT(assay_db_count(db), 1);
  CHECK_INT(assay_db_get(db, "nope", &got), ASSAY_ENOTFOUND);
  CHECK(assay_db_errmsg(db) != NULL);
  assay_db_close(db);

  assay_doc_free(d);
  assay_scanner_free(sc);
  assay_rules_free(rules);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK_INT(system(cmd), 0);
}

int main(void) {
  test_version_and_text();
  test_tokenize();
  test_regex();
  test_lexicon();
  test_doc_and_pattern();
  test_store();
  test_dates();
  test_rules();
  /* Every byte allocated through the allocator was given back. */
  CHECK(books.allocs > 100);
  CHECK_INT(books.frees, books.allocs);
  CHECK_INT(books.live, 0);
  printf("allocator: %ld allocations, %ld frees\n", books.allocs, books.frees);
  return check_summary();
}
