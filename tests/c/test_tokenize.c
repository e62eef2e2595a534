/*
 * test_tokenize.c -- the tokenizer: the case table tests/data/tokenize_cases.txt
 * (tokens, sentences, kinds, shapes, flags), coverage of the text by tokens
 * and gaps on the Sony articles and random bytes, abbreviations, the API.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assay.h"
#include "check.h"
#include "tokenize.h"

#ifndef ASSAY_SOURCE_DIR
#define ASSAY_SOURCE_DIR "."
#endif

/* Undoes \n \r \t \\ \xHH in place; returns the new length. */
static size_t unescape(char *s) {
  char *o = s;
  for (char *p = s; *p; p++) {
    if (*p != '\\' || !p[1]) {
      *o++ = *p;
      continue;
    }
    p++;
    if (*p == 'n') *o++ = '\n';
    else if (*p == 'r') *o++ = '\r';
    else if (*p == 't') *o++ = '\t';
    else if (*p == 'x' && p[1] && p[2]) {
      char hex[3] = {p[1], p[2], 0};
      *o++ = (char)strtol(hex, NULL, 16);
      p += 2;
    } else *o++ = *p;
  }
  *o = '\0';
  return (size_t)(o - s);
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  *len = fread(buf, 1, (size_t)n, f);
  buf[*len] = '\0';
  fclose(f);
  return buf;
}

static const char *kind_names[] = {"word", "number", "punct", "symbol",
                                   "url",  "email",  "invalid"};
static const struct {
  const char *name;
  unsigned flag;
} flag_names[] = {{"TITLE", ASSAY_TF_TITLE},   {"UPPER", ASSAY_TF_UPPER},
                  {"LOWER", ASSAY_TF_LOWER},   {"DIGIT", ASSAY_TF_DIGIT},
                  {"SPACE", ASSAY_TF_SPACE_BEFORE},
                  {"LINE", ASSAY_TF_LINE_START}, {"SENT", ASSAY_TF_SENT_START},
                  {"PARA", ASSAY_TF_PARA_START}, {"ABBREV", ASSAY_TF_ABBREV},
                  {"QUOTE", ASSAY_TF_QUOTE},   {"HEADLINE", ASSAY_TF_HEADLINE}};

static unsigned parse_flags(const char *list) {
  unsigned f = 0;
  char buf[128];
  snprintf(buf, sizeof buf, "%s", list);
  char *save = NULL;
  for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
    for (size_t k = 0; k < sizeof flag_names / sizeof *flag_names; k++)
      if (strcmp(t, flag_names[k].name) == 0) f |= flag_names[k].flag;
  return f;
}

/* The tokens as "a b || c". */
static char *render(const char *text, const assay_token *t, size_t n) {
  size_t cap = 16;
  for (size_t i = 0; i < n; i++) cap += t[i].end - t[i].start + 4;
  char *out = malloc(cap), *o = out;
  for (size_t i = 0; i < n; i++) {
    if (i) {
      if (t[i].sentence != t[i - 1].sentence) o += sprintf(o, " ||");
      *o++ = ' ';
    }
    memcpy(o, text + t[i].start, t[i].end - t[i].start);
    o += t[i].end - t[i].start;
  }
  *o = '\0';
  return out;
}

/* One "@ TEXT key=value ..." check against the token list. */
static void check_attr(int line, char *spec, const char *text,
                       const assay_token *t, size_t n) {
  char *save = NULL;
  char *want = strtok_r(spec, " ", &save);
  size_t wl = unescape(want);
  size_t i = 0;
  while (i < n && !(t[i].end - t[i].start == wl &&
                    memcmp(text + t[i].start, want, wl) == 0))
    i++;
  if (i == n) {
    fprintf(stderr, "line %d: no token \"%s\"\n", line, want);
    CHECK(0);
    return;
  }
  for (char *kv = strtok_r(NULL, " ", &save); kv;
       kv = strtok_r(NULL, " ", &save)) {
    char *v = strchr(kv, '=');
    if (!v) continue;
    *v++ = '\0';
    unescape(v);
    int ok = 1;
    if (strcmp(kv, "kind") == 0) ok = strcmp(kind_names[t[i].kind], v) == 0;
    else if (strcmp(kv, "shape") == 0) ok = strcmp(t[i].shape, v) == 0;
    else if (strcmp(kv, "lower") == 0) ok = strcmp(t[i].lower, v) == 0;
    else if (strcmp(kv, "flags") == 0) {
      unsigned f = parse_flags(v);
      ok = (t[i].flags & f) == f;
    } else if (strcmp(kv, "noflags") == 0) ok = (t[i].flags & parse_flags(v)) == 0;
    if (!ok)
      fprintf(stderr, "line %d: token \"%s\": %s=%s fails (kind %s shape %s "
              "lower %s flags 0x%x)\n", line, want, kv, v,
              kind_names[t[i].kind], t[i].shape, t[i].lower, t[i].flags);
    CHECK(ok);
  }
}

static void run_cases(void) {
  char path[512];
  size_t len;
  snprintf(path, sizeof path, "%s/tests/data/tokenize_cases.txt",
           ASSAY_SOURCE_DIR);
  char *data = read_file(path, &len);
  if (!data) data = read_file("tests/data/tokenize_cases.txt", &len);
  CHECK(data != NULL);
  if (!data) return;
  int cases = 0, lineno = 0;
  char *input = NULL;
  size_t inlen = 0;
  assay_tokens *tk = NULL;
  const assay_token *t = NULL;
  size_t n = 0;
  for (char *line = data, *next; line; line = next) {
    next = strchr(line, '\n');
    if (next) *next++ = '\0';
    lineno++;
    if (line[0] == '#' || line[0] == '\0') continue;
    if (strncmp(line, "=> ", 3) == 0 && input) {
      char *want = line + 3;
      unescape(want);
      assay_tokens_free(tk);
      tk = NULL;
      CHECK_INT(assay_tokenize(NULL, input, inlen, &tk, NULL), ASSAY_OK);
      t = assay_tokens_get(tk, &n);
      char *got = render(input, t, n);
      if (strcmp(got, want) != 0)
        fprintf(stderr, "case %d: tokens\n  got:  %s\n  want: %s\n", cases,
                got, want);
      CHECK(strcmp(got, want) == 0);
      free(got);
      cases++;
    } else if (strncmp(line, "@ ", 2) == 0 && tk) {
      check_attr(lineno, line + 2, input, t, n);
    } else if (strncmp(line, "paras: ", 7) == 0 && tk) {
      size_t np;
      assay_tokens_paragraphs(tk, &np);
      CHECK_INT(np, atoi(line + 7));
    } else if (strncmp(line, "invalid: ", 9) == 0 && tk) {
      CHECK_INT(assay_tokens_invalid_count(tk), atoi(line + 9));
    } else {
      input = line;
      inlen = unescape(input);
    }
  }
  assay_tokens_free(tk);
  free(data);
  printf("%d tokenizer cases\n", cases);
  CHECK(cases >= 80);
}

/* Tokens are in order, do not overlap, and the gaps between them hold only
 * whitespace (or the BOM at 0); sentences and paragraphs tile the tokens. */
static int fail_at(int why) {
  fprintf(stderr, "coverage check %d fails\n", why);
  return 0;
}

static int covers(const char *text, size_t len, const assay_tokens *tk) {
  size_t n, ns, np;
  const assay_token *t = assay_tokens_get(tk, &n);
  const assay_range *s = assay_tokens_sentences(tk, &ns);
  const assay_range *p = assay_tokens_paragraphs(tk, &np);
  size_t pos = 0;
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) pos = 3;
  for (size_t i = 0; i <= n; i++) {
    size_t gap_end = i < n ? t[i].start : len;
    if (i < n && (t[i].end <= t[i].start || t[i].start < pos)) return fail_at(1);
    /* The gap must tokenize to nothing. */
    if (gap_end > pos) {
      assay_tokens *g = NULL;
      size_t gn;
      if (assay_tokenize(NULL, text + pos, gap_end - pos, &g, NULL)) return fail_at(2);
      assay_tokens_get(g, &gn);
      assay_tokens_free(g);
      if (gn) return fail_at(3);
    }
    if (i < n) {
      pos = t[i].end;
      if (!t[i].lower || !t[i].shape || t[i].sentence >= ns) return fail_at(4);
      if (t[i].lower_len != (strlen(t[i].lower) > 255 ? 255
                                                       : strlen(t[i].lower)))
        return fail_at(5);
    }
  }
  size_t next = 0;
  for (size_t k = 0; k < ns; k++) {
    if (s[k].first != next || s[k].last <= s[k].first) return fail_at(6);
    if (s[k].start != t[s[k].first].start || s[k].end != t[s[k].last - 1].end)
      return fail_at(7);
    if (!(t[s[k].first].flags & ASSAY_TF_SENT_START)) return fail_at(8);
    next = s[k].last;
  }
  if (next != n) return fail_at(9);
  next = 0;
  for (size_t k = 0; k < np; k++) {
    if (p[k].first != next || p[k].last <= p[k].first) return fail_at(10);
    /* Sentences never cross paragraphs. */
    if (t[p[k].first].sentence == (p[k].first ? t[p[k].first - 1].sentence
                                              : UINT32_MAX))
      return fail_at(11);
    next = p[k].last;
  }
  return next == n;
}

static void test_sony_articles(void) {
  static const char *files[] = {"000_0c653dbc88194f72.txt",
                                "001_d74339bb62a7fb22.txt",
                                "002_361d130a97f37a24.txt",
                                "003_d294ee369837706a.txt",
                                "004_d87709cc2959cab9.txt"};
  for (size_t f = 0; f < 5; f++) {
    char path[512];
    size_t len;
    snprintf(path, sizeof path, "%s/examples/sony/%s", ASSAY_SOURCE_DIR,
             files[f]);
    char *text = read_file(path, &len);
    CHECK(text != NULL);
    if (!text) continue;
    assay_tokens *tk = NULL;
    CHECK_INT(assay_tokenize(NULL, text, len, &tk, NULL), ASSAY_OK);
    CHECK(covers(text, len, tk));
    size_t n, ns, np;
    assay_tokens_get(tk, &n);
    assay_tokens_sentences(tk, &ns);
    assay_tokens_paragraphs(tk, &np);
    printf("%s: %zu tokens, %zu sentences, %zu paragraphs\n", files[f], n, ns,
           np);
    CHECK(n > 300);
    CHECK(ns > 10);
    CHECK_INT(assay_tokens_invalid_count(tk), 0);
    assay_tokens_free(tk);
    free(text);
  }
}

/* Random bytes, and random mixes of tricky fragments: no crash, and the
 * coverage invariant holds.  A fixed seed keeps the test repeatable. */
static void test_random(void) {
  static const char *frags[] = {"U.S.", " ", "\n", "\n\n", "’", "'", "s",
                                "n't", "\xC3", "\xA9", "\xE2\x80\x94", ".",
                                "...", "http://", "@", "a", "B", "1", ",",
                                "-", "/", ":", "\r", "\xEF\xBB\xBF", "“",
                                "www.", "Mr.", "?", "\"", "\xF0\x9F", "&"};
  uint32_t seed = 12345;
  char buf[512];
  for (int round = 0; round < 400; round++) {
    size_t len = 0;
    seed = seed * 1103515245u + 12345u;
    size_t want = (seed >> 16) % 300;
    while (len < want) {
      seed = seed * 1103515245u + 12345u;
      if (round % 2) {
        buf[len++] = (char)(seed >> 16);
      } else {
        const char *f = frags[(seed >> 16) % (sizeof frags / sizeof *frags)];
        size_t fl = strlen(f);
        if (len + fl > sizeof buf) break;
        memcpy(buf + len, f, fl);
        len += fl;
      }
    }
    assay_tokens *tk = NULL;
    CHECK_INT(assay_tokenize(NULL, buf, len, &tk, NULL), ASSAY_OK);
    int ok = covers(buf, len, tk);
    if (!ok) fprintf(stderr, "random round %d fails coverage\n", round);
    CHECK(ok);
    assay_tokens_free(tk);
  }
}

static void test_abbreviations(void) {
  CHECK(tok_is_abbreviation(NULL, "Nov.", 4));
  CHECK(tok_is_abbreviation(NULL, "Mr.", 3));
  CHECK(tok_is_abbreviation(NULL, "Calif.", 6));
  CHECK(!tok_is_abbreviation(NULL, "nov.", 4));
  CHECK(!tok_is_abbreviation(NULL, "Nov", 3));
  CHECK(!tok_is_abbreviation(NULL, "Novem.", 6));
  assay_tokenizer *tz = NULL;
  CHECK_INT(assay_tokenizer_new(&tz, NULL, NULL), ASSAY_OK);
  CHECK(!tok_is_abbreviation(tz, "Abt.", 4));
  CHECK_INT(assay_tokenizer_add_abbreviation(tz, "Abt."), ASSAY_OK);
  CHECK_INT(assay_tokenizer_add_abbreviation(tz, "Abt."), ASSAY_OK);
  CHECK_INT(assay_tokenizer_add_abbreviation(tz, "Abt"), ASSAY_EMISUSE);
  CHECK_INT(assay_tokenizer_add_abbreviation(tz, "a b."), ASSAY_EMISUSE);
  CHECK(tok_is_abbreviation(tz, "Abt.", 4));
  /* Many additions make the set grow. */
  for (int k = 0; k < 200; k++) {
    char w[16];
    snprintf(w, sizeof w, "Zz%d.", k);
    CHECK_INT(assay_tokenizer_add_abbreviation(tz, w), ASSAY_OK);
  }
  CHECK(tok_is_abbreviation(tz, "Zz137.", 6));
  CHECK(!tok_is_abbreviation(tz, "Zz200.", 6));

  const char *text = "We met Abt. five at Zz7. Then we left.";
  assay_tokens *tk = NULL;
  CHECK_INT(assay_tokenize(tz, text, strlen(text), &tk, NULL), ASSAY_OK);
  size_t n;
  const assay_token *t = assay_tokens_get(tk, &n);
  char *got = render(text, t, n);
  CHECK_STR(got, "We met Abt. five at Zz7. || Then we left .");
  free(got);
  assay_tokens_free(tk);
  /* Without tz the same text keeps "Abt" and "." apart. */
  CHECK_INT(assay_tokenize(NULL, text, strlen(text), &tk, NULL), ASSAY_OK);
  t = assay_tokens_get(tk, &n);
  got = render(text, t, n);
  CHECK_STR(got, "We met Abt . five at Zz7 . || Then we left .");
  free(got);
  assay_tokens_free(tk);

  /* YAML files: a map with `abbreviations:`, a bare list, and errors. */
  const char *dir = "/tmp";
  char path[256];
  snprintf(path, sizeof path, "%s/assay_test_abbr_%d.yaml", dir, (int)getpid());
  FILE *f = fopen(path, "w");
  fputs("abbreviations:\n  - Approx.\n  - \"Qq.\"\n", f);
  fclose(f);
  assay_error err;
  CHECK_INT(assay_tokenizer_add_abbreviations(tz, path, &err), ASSAY_OK);
  CHECK(tok_is_abbreviation(tz, "Approx.", 7));
  CHECK(tok_is_abbreviation(tz, "Qq.", 3));
  f = fopen(path, "w");
  fputs("- Ww.\n- Vv.\n", f);
  fclose(f);
  CHECK_INT(assay_tokenizer_add_abbreviations(tz, path, &err), ASSAY_OK);
  CHECK(tok_is_abbreviation(tz, "Vv.", 3));
  f = fopen(path, "w");
  fputs("abbreviations:\n  - Ok.\n  - [nested]\n", f);
  fclose(f);
  CHECK_INT(assay_tokenizer_add_abbreviations(tz, path, &err), ASSAY_ESYNTAX);
  CHECK_INT(err.line, 3);
  CHECK(strstr(err.message, "assay_test_abbr") != NULL);
  f = fopen(path, "w");
  fputs("abbreviations: [Ok., \n", f);
  fclose(f);
  CHECK_INT(assay_tokenizer_add_abbreviations(tz, path, &err), ASSAY_ESYNTAX);
  CHECK(err.line >= 1);
  f = fopen(path, "w");
  fputs("abbreviations: 5\n", f);
  fclose(f);
  CHECK_INT(assay_tokenizer_add_abbreviations(tz, path, &err), ASSAY_ESYNTAX);
  remove(path);
  CHECK_INT(assay_tokenizer_add_abbreviations(tz, path, &err), ASSAY_EIO);
  CHECK_INT(err.status, ASSAY_EIO);
  assay_tokenizer_free(tz);
  assay_tokenizer_free(NULL);
  assay_tokens_free(NULL);
}

static void test_index_at(void) {
  const char *text = "ab  cd e";
  assay_tokens *tk = NULL;
  CHECK_INT(assay_tokenize(NULL, text, strlen(text), &tk, NULL), ASSAY_OK);
  size_t n;
  const assay_token *t = assay_tokens_get(tk, &n);
  CHECK_INT(n, 3);
  static const struct { uint32_t pos; size_t idx; } table[] = {
      {0, 0}, {1, 0}, {2, 1}, {3, 1}, {4, 1}, {5, 1}, {6, 2}, {7, 2}, {8, 3},
      {100, 3}};
  for (size_t k = 0; k < sizeof table / sizeof *table; k++)
    CHECK_INT(tok_index_at(t, n, table[k].pos), table[k].idx);
  CHECK_INT(tok_index_at(t, 0, 0), 0);
  assay_tokens_free(tk);
}

static void test_empty_and_spans(void) {
  assay_tokens *tk = NULL;
  size_t n = 99, ns = 99, np = 99;
  CHECK_INT(assay_tokenize(NULL, "", 0, &tk, NULL), ASSAY_OK);
  assay_tokens_get(tk, &n);
  assay_tokens_sentences(tk, &ns);
  assay_tokens_paragraphs(tk, &np);
  CHECK_INT(n + ns + np, 0);
  assay_tokens_free(tk);
  CHECK_INT(assay_tokenize(NULL, " \n\n \t", 5, &tk, NULL), ASSAY_OK);
  assay_tokens_get(tk, &n);
  CHECK_INT(n, 0);
  assay_tokens_free(tk);

  const char *text = "Title line\n\nFirst one. Second one!\nThird.";
  CHECK_INT(assay_tokenize(NULL, text, strlen(text), &tk, NULL), ASSAY_OK);
  const assay_range *s = assay_tokens_sentences(tk, &ns);
  const assay_range *p = assay_tokens_paragraphs(tk, &np);
  CHECK_INT(ns, 4);
  CHECK_INT(np, 2);
  static const uint32_t sent_spans[4][4] = {
      {0, 10, 0, 2}, {12, 22, 2, 5}, {23, 34, 5, 8}, {35, 41, 8, 10}};
  for (size_t k = 0; k < 4 && k < ns; k++) {
    CHECK_INT(s[k].start, sent_spans[k][0]);
    CHECK_INT(s[k].end, sent_spans[k][1]);
    CHECK_INT(s[k].first, sent_spans[k][2]);
    CHECK_INT(s[k].last, sent_spans[k][3]);
  }
  CHECK_INT(p[1].start, 12);
  CHECK_INT(p[1].end, 41);
  assay_tokens_free(tk);
}

/* An allocator that fails after a budget of calls: every failure is
 * ASSAY_ENOMEM, and nothing leaks (ASan checks). */
typedef struct { int left; } budget;
static void *failing_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  budget *b = ud;
  (void)osize;
  if (nsize == 0) {
    free(ptr);
    return NULL;
  }
  if (b->left-- <= 0) return NULL;
  return realloc(ptr, nsize);
}

static void test_out_of_memory(void) {
  const char *text = "U.S. officials said on Nov. 28 that Sony’s network "
                     "hasn't recovered.\n\nA second paragraph.";
  int ok_seen = 0;
  for (int k = 0; k < 40 && !ok_seen; k++) {
    budget b = {k};
    assay_allocator a = {failing_alloc, &b};
    assay_tokenizer *tz = NULL;
    int rc = assay_tokenizer_new(&tz, &a, NULL);
    if (rc == ASSAY_OK) {
      rc = assay_tokenizer_add_abbreviation(tz, "Xy.");
      assay_tokens *tk = NULL;
      if (rc == ASSAY_OK) rc = assay_tokenize(tz, text, strlen(text), &tk, NULL);
      if (rc == ASSAY_OK) ok_seen = 1;
      assay_tokens_free(tk);
    }
    CHECK(rc == ASSAY_OK || rc == ASSAY_ENOMEM);
    assay_tokenizer_free(tz);
  }
  CHECK(ok_seen);
}

int main(void) {
  run_cases();
  test_sony_articles();
  test_random();
  test_abbreviations();
  test_index_at();
  test_empty_and_spans();
  test_out_of_memory();
  return check_summary();
}
