/*
 * test_regex.c -- the PCRE2 matcher: compile errors, groups, flags, UTF-8
 * (valid and not), token snapping, empty matches and the match limits.
 */
#include <stdlib.h>
#include <string.h>

#include "assay.h"
#include "check.h"

#define MAXM 64
typedef struct found {
  int n;
  uint32_t s[MAXM], e[MAXM];
  uint32_t g[MAXM][8]; /* first groups of each match */
  int stop_after;
} found;

static int collect(void *ud, const assay_regex_match *m) {
  found *f = ud;
  if (f->n < MAXM) {
    f->s[f->n] = m->start;
    f->e[f->n] = m->end;
    for (int i = 0; i < 8 && i < 2 * (m->ngroups + 1); i++)
      f->g[f->n][i] = m->groups[i];
  }
  f->n++;
  return f->stop_after && f->n >= f->stop_after ? ASSAY_STOP : ASSAY_OK;
}

/* Runs pattern over text; returns the scan status, matches in *f as
 * "s-e,s-e" in buf. */
static int run(const char *pat, unsigned flags, const char *text, size_t len,
               const assay_token *toks, size_t ntoks, found *f, char *buf,
               assay_error *err) {
  assay_regex *rx = NULL;
  memset(f, 0, sizeof *f);
  buf[0] = '\0';
  int rc = assay_regex_new(&rx, pat, flags, NULL, err);
  if (rc != ASSAY_OK) return rc;
  rc = assay_regex_scan(rx, text, len, toks, ntoks, NULL, collect, f, err);
  for (int i = 0; i < f->n && i < MAXM; i++)
    sprintf(buf + strlen(buf), "%s%u-%u", i ? "," : "", f->s[i], f->e[i]);
  assay_regex_free(rx);
  return rc;
}

typedef struct rcase {
  const char *pat;
  unsigned flags;
  const char *text;
  const char *want; /* "s-e,..." */
} rcase;

static const rcase cases[] = {
    {"Korea", 0, "North Korea and South Korea", "6-11,22-27"},
    {"korea", 0, "North Korea", ""},
    {"korea", ASSAY_RX_CASELESS, "North KOREA", "6-11"},
    /* UCP: \w covers accented letters, offsets are bytes */
    {"\\w+", 0, "Zürich café", "0-7,8-13"},
    {"\\w+", ASSAY_RX_ASCII, "Zürich", "0-1,3-7"},
    {"é", ASSAY_RX_CASELESS, "CAFÉ", "3-5"},
    /* empty matches advance one character, never inside a sequence */
    {"x*", 0, "aé", "0-0,1-1,3-3"},
    {"a*", 0, "baaa", "0-0,1-4,4-4"},
    {"^", 0, "", "0-0"},
    {"\\bsaid\\b", 0, "he said, she said", "3-7,13-17"},
    {"(?<y>\\d{4})-(?<m>\\d\\d)", 0, "on 2014-12-17 and 2015-01-02",
     "3-10,18-25"},
    {"^\\w+", 0, "one\ntwo", "0-3"},
    {"(?m)^\\w+", 0, "one\ntwo", "0-3,4-7"},
};

static void test_table(void) {
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    found f;
    char buf[512];
    assay_error err;
    int rc = run(cases[i].pat, cases[i].flags, cases[i].text,
                 strlen(cases[i].text), NULL, 0, &f, buf, &err);
    CHECK_INT(rc, ASSAY_OK);
    if (strcmp(buf, cases[i].want) != 0)
      fprintf(stderr, "case %zu /%s/ on \"%s\"\n", i, cases[i].pat,
              cases[i].text);
    CHECK_STR(buf, cases[i].want);
  }
}

static void test_compile_error(void) {
  assay_regex *rx = (assay_regex *)1;
  assay_error err;
  int rc = assay_regex_new(&rx, "ab(c", 0, NULL, &err);
  CHECK_INT(rc, ASSAY_ESYNTAX);
  CHECK(rx == NULL);
  CHECK_INT(err.status, ASSAY_ESYNTAX);
  CHECK_INT(err.column, 5); /* offset 4: the end, where ')' is missing */
  CHECK(strstr(err.message, "ab(c") != NULL);
  CHECK(strstr(err.message, "missing closing parenthesis") != NULL);
  rc = assay_regex_new(&rx, "a{2,1}", 0, NULL, &err);
  CHECK_INT(rc, ASSAY_ESYNTAX);
  CHECK_INT(err.column, 6);
  rc = assay_regex_new(&rx, "x[", 0, NULL, NULL); /* err may be NULL */
  CHECK_INT(rc, ASSAY_ESYNTAX);
}

static void test_groups(void) {
  assay_regex *rx = NULL;
  CHECK_INT(assay_regex_new(&rx, "(?<year>\\d{4})(-)?(?<month>\\d\\d)?", 0,
                            NULL, NULL),
            ASSAY_OK);
  CHECK_INT(assay_regex_group_count(rx), 3);
  CHECK_STR(assay_regex_group_name(rx, 1), "year");
  CHECK(assay_regex_group_name(rx, 2) == NULL);
  CHECK_STR(assay_regex_group_name(rx, 3), "month");
  CHECK(assay_regex_group_name(rx, 0) == NULL);
  CHECK(assay_regex_group_name(rx, 4) == NULL);
  found f;
  memset(&f, 0, sizeof f);
  const char *t = "in 2014, 2015-03";
  CHECK_INT(assay_regex_scan(rx, t, strlen(t), NULL, 0, NULL, collect, &f,
                             NULL),
            ASSAY_OK);
  CHECK_INT(f.n, 2);
  /* first match: "2014", group 2 and 3 unset */
  CHECK_INT(f.g[0][2], 3);
  CHECK_INT(f.g[0][3], 7);
  CHECK_INT(f.g[0][4], UINT32_MAX);
  CHECK_INT(f.g[0][6], UINT32_MAX);
  /* second: "2015-03" */
  CHECK_INT(f.s[1], 9);
  CHECK_INT(f.e[1], 16);
  CHECK_INT(f.g[1][6], 14);
  CHECK_INT(f.g[1][7], 16);
  /* the callback stops the scan */
  memset(&f, 0, sizeof f);
  f.stop_after = 1;
  CHECK_INT(assay_regex_scan(rx, t, strlen(t), NULL, 0, NULL, collect, &f,
                             NULL),
            ASSAY_STOP);
  CHECK_INT(f.n, 1);
  assay_regex_free(rx);
  assay_regex_free(NULL);
}

static void test_invalid_utf8(void) {
  /* invalid bytes split the text; matches never include them */
  const char text[] = "ab\xff" "cd\xc3(ef\xed\xa0\x80gh";
  found f;
  char buf[256];
  int rc = run("\\w+", 0, text, sizeof text - 1, NULL, 0, &f, buf, NULL);
  CHECK_INT(rc, ASSAY_OK);
  CHECK_STR(buf, "0-2,3-5,7-9,12-14");
  rc = run(".+", 0, text, sizeof text - 1, NULL, 0, &f, buf, NULL);
  CHECK_STR(buf, "0-2,3-5,6-9,12-14");
  /* ^ only at the true start, $ only at the true end */
  rc = run("^\\w+|\\w+$", 0, text, sizeof text - 1, NULL, 0, &f, buf, NULL);
  CHECK_STR(buf, "0-2,12-14");
}

/* Hand-made tokens: "New York-based firm" as New|York|-|based|firm. */
static void test_tokens(void) {
  const char *t = "New York-based firm";
  assay_token toks[5];
  memset(toks, 0, sizeof toks);
  uint32_t sp[5][2] = {{0, 3}, {4, 8}, {8, 9}, {9, 14}, {15, 19}};
  for (int i = 0; i < 5; i++) {
    toks[i].start = sp[i][0];
    toks[i].end = sp[i][1];
  }
  found f;
  char buf[256];
  CHECK_INT(run("York", ASSAY_RX_TOKENS, t, strlen(t), toks, 5, &f, buf,
                NULL),
            ASSAY_OK);
  CHECK_STR(buf, "4-8");
  /* "ork" is inside a token: dropped */
  run("ork", ASSAY_RX_TOKENS, t, strlen(t), toks, 5, &f, buf, NULL);
  CHECK_STR(buf, "");
  /* "w Y" starts inside "New": dropped; later "firm" still found */
  run("w York|firm", ASSAY_RX_TOKENS, t, strlen(t), toks, 5, &f, buf, NULL);
  CHECK_STR(buf, "15-19");
  /* a dropped match at a start retries one character later */
  run("[a-z]+ed|based", ASSAY_RX_TOKENS, t, strlen(t), toks, 5, &f, buf,
      NULL);
  CHECK_STR(buf, "9-14");
  run("\\w+", ASSAY_RX_TOKENS, t, strlen(t), toks, 5, &f, buf, NULL);
  CHECK_STR(buf, "0-3,4-8,9-14,15-19");
  /* empty matches never fit a token */
  run("x*", ASSAY_RX_TOKENS, t, strlen(t), toks, 5, &f, buf, NULL);
  CHECK_STR(buf, "");
  /* without tokens nothing can fit */
  run("York", ASSAY_RX_TOKENS, t, strlen(t), NULL, 0, &f, buf, NULL);
  CHECK_STR(buf, "");
  run("York", 0, t, strlen(t), NULL, 0, &f, buf, NULL);
  CHECK_STR(buf, "4-8");
}

static void test_limits(void) {
  size_t n = 1 << 20;
  char *t = malloc(n + 2);
  memset(t, 'a', n);
  t[n] = 'b';
  t[n + 1] = '\0';
  assay_regex *rx = NULL;
  CHECK_INT(assay_regex_new(&rx, "(a+)+$", 0, NULL, NULL), ASSAY_OK);
  found f;
  memset(&f, 0, sizeof f);
  assay_error err;
  memset(&err, 0, sizeof err);
  int rc = assay_regex_scan(rx, t, n + 1, NULL, 0, NULL, collect, &f, &err);
  CHECK_INT(rc, ASSAY_ELIMIT);
  CHECK_INT(err.status, ASSAY_ELIMIT);
  CHECK(strstr(err.message, "regex match limit exceeded") != NULL);
  CHECK(strstr(err.message, "(a+)+$") != NULL);
  CHECK_INT(f.n, 0);
  /* a lower limit, set by the caller, is the one named */
  assay_regex_limits lim = {1000, 0, 0};
  rc = assay_regex_scan(rx, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaab", 30, NULL, 0,
                        &lim, collect, &f, &err);
  CHECK_INT(rc, ASSAY_ELIMIT);
  CHECK(strstr(err.message, "regex match limit exceeded: 1000") != NULL);
  assay_regex_free(rx);
  /* deep recursion: a JIT stack overflow or the depth limit, not a crash */
  CHECK_INT(assay_regex_new(&rx, "(?:(a)|b)*+c|(?:a|b)*c", 0, NULL, NULL),
            ASSAY_OK);
  memset(&f, 0, sizeof f);
  rc = assay_regex_scan(rx, t, n, NULL, 0, NULL, collect, &f, &err);
  CHECK(rc == ASSAY_OK || rc == ASSAY_ELIMIT);
  assay_regex_free(rx);
  free(t);
}

int main(void) {
  test_table();
  test_compile_error();
  test_groups();
  test_invalid_utf8();
  test_tokens();
  test_limits();
  return check_summary();
}
