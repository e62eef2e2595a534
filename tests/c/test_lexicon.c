/*
 * test_lexicon.c -- the phrase dictionary: exact and folded matching,
 * leftmost-longest, aliases and kinds, attributes, the YAML loader and its
 * errors, and a generated lexicon of 10^5 entries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assay.h"
#include "check.h"
#include "lexicon.h"
#include "tokenize.h"

/* Scans text with lx; writes "text=name/kind/norm;..." into out. */
typedef struct sink {
  const char *text;
  const assay_token *toks;
  char *out;
  size_t cap;
  int n;
} sink;

static int on_match(void *ud, const assay_lexicon_match *m) {
  sink *s = ud;
  uint32_t b = s->toks[m->first].start, e = s->toks[m->last - 1].end;
  size_t used = strlen(s->out);
  snprintf(s->out + used, s->cap - used, "%s%.*s=%s/%s/%s", s->n ? ";" : "",
           (int)(e - b), s->text + b, m->name, m->kind ? m->kind : "-",
           m->norm);
  s->n++;
  return ASSAY_OK;
}

static void scan(const assay_lexicon *lx, const char *text, char *out,
                 size_t cap) {
  tok_list tl;
  tok_list_init(&tl, NULL);
  CHECK_INT(tok_run(NULL, text, strlen(text), &tl), ASSAY_OK);
  sink s = {text, tl.tokens, out, cap, 0};
  out[0] = '\0';
  CHECK_INT(assay_lexicon_scan(lx, tl.tokens, tl.ntokens, text, on_match, &s),
            ASSAY_OK);
  tok_list_clear(&tl);
}

static assay_lexicon *make_basic(unsigned flags) {
  assay_lexicon *lx = NULL;
  CHECK_INT(assay_lexicon_new(&lx, flags, NULL), ASSAY_OK);
  int nk = assay_lexicon_add_entry(lx, "North Korea", "country", "KP");
  CHECK_INT(nk, 0);
  CHECK_INT(assay_lexicon_add_alias(lx, nk, "DPRK", NULL), ASSAY_OK);
  CHECK_INT(assay_lexicon_add_alias(lx, nk, "North Korean", NULL), ASSAY_OK);
  CHECK_INT(assay_lexicon_add_alias(lx, nk, "Pyongyang", "government"),
            ASSAY_OK);
  CHECK_INT(assay_lexicon_set_attr(lx, nk, "iso3", "PRK"), ASSAY_OK);
  int sony = assay_lexicon_add_entry(lx, "Sony", "org", NULL);
  int sp = assay_lexicon_add_entry(lx, "Sony Pictures", "org", NULL);
  int spe =
      assay_lexicon_add_entry(lx, "Sony Pictures Entertainment", "org", "SPE");
  CHECK_INT(sony, 1);
  CHECK_INT(sp, 2);
  CHECK_INT(spe, 3);
  CHECK_INT(assay_lexicon_add_entry(lx, "Kim Jong-un", "person", NULL), 4);
  CHECK_INT(assay_lexicon_add_entry(lx, "U.S.", "country", "US"), 5);
  /* the same name again is the same entry */
  CHECK_INT(assay_lexicon_add_entry(lx, "North Korea", "org", NULL), nk);
  CHECK_INT(assay_lexicon_entry_count(lx), 6);
  return lx;
}

typedef struct lcase {
  const char *text;
  const char *want;
} lcase;

static const lcase exact_cases[] = {
    {"North Korea denied it.", "North Korea=North Korea/country/KP"},
    {"north korea denied it.", ""},
    {"A DPRK spokesman", "DPRK=North Korea/country/KP"},
    {"North Korean hackers", "North Korean=North Korea/country/KP"},
    {"Pyongyang said", "Pyongyang=North Korea/government/KP"},
    /* longest first, then on after it */
    {"Sony Pictures Entertainment and Sony Pictures and Sony.",
     "Sony Pictures Entertainment=Sony Pictures Entertainment/org/SPE;"
     "Sony Pictures=Sony Pictures/org/Sony Pictures;Sony=Sony/org/Sony"},
    /* a partial longer phrase falls back to the longest that ended */
    {"Sony Pictures Studios", "Sony Pictures=Sony Pictures/org/Sony Pictures"},
    {"Sony's hack", "Sony=Sony/org/Sony"},
    {"Kim Jong-un's regime", "Kim Jong-un=Kim Jong-un/person/Kim Jong-un"},
    {"Kim Jong said", ""},
    {"the U.S. and North Korea",
     "U.S.=U.S./country/US;North Korea=North Korea/country/KP"},
    {"", ""},
};

static const lcase fold_cases[] = {
    {"NORTH KOREA denied it.", "NORTH KOREA=North Korea/country/KP"},
    {"sony pictures entertainment",
     "sony pictures entertainment=Sony Pictures Entertainment/org/SPE"},
    {"pyongyang", "pyongyang=North Korea/government/KP"},
};

static void test_match(void) {
  char out[1024];
  assay_lexicon *lx = make_basic(0);
  CHECK_INT(assay_lexicon_freeze(lx), ASSAY_OK);
  for (size_t i = 0; i < sizeof exact_cases / sizeof *exact_cases; i++) {
    scan(lx, exact_cases[i].text, out, sizeof out);
    CHECK_STR(out, exact_cases[i].want);
  }
  CHECK_STR(assay_lexicon_entry_attr(lx, 0, "iso3"), "PRK");
  CHECK(assay_lexicon_entry_attr(lx, 0, "iso2") == NULL);
  CHECK(assay_lexicon_memory(lx) > 0);
  /* frozen: no more changes */
  CHECK_INT(assay_lexicon_add_entry(lx, "Cuba", NULL, NULL), ASSAY_EMISUSE);
  assay_lexicon_free(lx);

  lx = make_basic(ASSAY_LEX_FOLD);
  CHECK_INT(assay_lexicon_freeze(lx), ASSAY_OK);
  for (size_t i = 0; i < sizeof exact_cases / sizeof *exact_cases; i++) {
    if (i == 1) continue; /* folding finds "north korea" */
    scan(lx, exact_cases[i].text, out, sizeof out);
    CHECK_STR(out, exact_cases[i].want);
  }
  for (size_t i = 0; i < sizeof fold_cases / sizeof *fold_cases; i++) {
    scan(lx, fold_cases[i].text, out, sizeof out);
    CHECK_STR(out, fold_cases[i].want);
  }
  assay_lexicon_free(lx);
}

static void test_entries(void) {
  assay_lexicon *lx = NULL;
  char out[512];
  CHECK_INT(assay_lexicon_new(&lx, 0, NULL), ASSAY_OK);
  CHECK_INT(assay_lexicon_add_entry(lx, "", NULL, NULL), ASSAY_ESYNTAX);
  int a = assay_lexicon_add_entry(lx, "Georgia", "country", NULL);
  int b = assay_lexicon_add_entry(lx, "Atlanta", "city", NULL);
  CHECK_INT(assay_lexicon_add_alias(lx, a, "  ", NULL), ASSAY_ESYNTAX);
  CHECK(strstr(assay_lexicon_errmsg(lx), "empty phrase") != NULL);
  /* a phrase on two entries: the first added wins */
  CHECK_INT(assay_lexicon_add_alias(lx, b, "Georgia", "state"), ASSAY_OK);
  CHECK_INT(assay_lexicon_add_alias(lx, a, "Sakartvelo", NULL), ASSAY_OK);
  CHECK_INT(assay_lexicon_add_alias(lx, a, "Sakartvelo", NULL), ASSAY_OK);
  /* attributes: the last value set for a key wins */
  CHECK_INT(assay_lexicon_set_attr(lx, a, "iso2", "GX"), ASSAY_OK);
  CHECK_INT(assay_lexicon_set_attr(lx, b, "state", "GA"), ASSAY_OK);
  CHECK_INT(assay_lexicon_set_attr(lx, a, "iso3", "GEO"), ASSAY_OK);
  CHECK_INT(assay_lexicon_set_attr(lx, a, "iso2", "GE"), ASSAY_OK);
  CHECK_INT(assay_lexicon_entry_attr_count(lx, a), 2);
  CHECK_STR(assay_lexicon_entry_attr(lx, a, "iso2"), "GE");
  CHECK_INT(assay_lexicon_freeze(lx), ASSAY_OK);
  CHECK_INT(assay_lexicon_freeze(lx), ASSAY_OK);
  CHECK_INT(assay_lexicon_entry_attr_count(lx, a), 2);
  CHECK_INT(assay_lexicon_entry_attr_count(lx, b), 1);
  const char *v = NULL;
  CHECK_STR(assay_lexicon_entry_attr_at(lx, a, 0, &v), "iso2");
  CHECK_STR(v, "GE");
  CHECK_STR(assay_lexicon_entry_attr_at(lx, a, 1, &v), "iso3");
  CHECK_STR(v, "GEO");
  CHECK(assay_lexicon_entry_attr_at(lx, a, 2, &v) == NULL);
  CHECK_STR(assay_lexicon_entry_attr(lx, b, "state"), "GA");
  scan(lx, "Georgia and Sakartvelo", out, sizeof out);
  CHECK_STR(out, "Georgia=Georgia/country/Georgia;"
                 "Sakartvelo=Georgia/country/Georgia");
  assay_lexicon_free(lx);
  assay_lexicon_free(NULL);
}

/* ------------------------------------------------------------------ */
/* YAML                                                                 */
/* ------------------------------------------------------------------ */

static const char *countries_yaml =
    "# countries\n"
    "name: countries\n"
    "kind: country\n"
    "fold: true\n"
    "attrs: {source: test}\n"
    "entries:\n"
    "  - Cuba\n"
    "  - name: North Korea\n"
    "    norm: KP\n"
    "    aliases: [North Korean, DPRK, \"Democratic People's Republic of "
    "Korea\"]\n"
    "    attrs: {iso3: PRK, un: 1991, member: true}\n"
    "  - name: North Korea\n"
    "    aliases:\n"
    "      - {text: Pyongyang, kind: government}\n"
    "      - DPRK\n"
    "  - name: Sony Pictures\n"
    "    kind: org\n";

static void test_yaml(void) {
  assay_lexicon *lx = NULL;
  assay_error err;
  char out[1024];
  CHECK_INT(assay_lexicon_new(&lx, LEX_FOLD_AUTO, NULL), ASSAY_OK);
  int rc = assay_lexicon_load_string(lx, countries_yaml,
                                     strlen(countries_yaml), "c.yaml", &err);
  CHECK_INT(rc, ASSAY_OK);
  if (rc) fprintf(stderr, "%s\n", err.message);
  CHECK_INT(assay_lexicon_entry_count(lx), 3);
  CHECK_INT(assay_lexicon_freeze(lx), ASSAY_OK);
  scan(lx, "cuba, the dprk (Pyongyang) and Sony Pictures", out, sizeof out);
  CHECK_STR(out, "cuba=Cuba/country/Cuba;dprk=North Korea/country/KP;"
                 "Pyongyang=North Korea/government/KP;"
                 "Sony Pictures=Sony Pictures/org/Sony Pictures");
  scan(lx, "the Democratic People's Republic of Korea", out, sizeof out);
  CHECK_STR(out, "Democratic People's Republic of Korea=North "
                 "Korea/country/KP");
  CHECK_STR(assay_lexicon_entry_attr(lx, 1, "iso3"), "PRK");
  CHECK_STR(assay_lexicon_entry_attr(lx, 1, "un"), "1991");
  CHECK_STR(assay_lexicon_entry_attr(lx, 1, "member"), "true");
  CHECK_STR(assay_lexicon_entry_attr(lx, 1, "source"), "test");
  CHECK_STR(assay_lexicon_entry_attr(lx, 0, "source"), "test");
  assay_lexicon_free(lx);

  /* an explicit choice beats the file's fold: true */
  CHECK_INT(assay_lexicon_new(&lx, 0, NULL), ASSAY_OK);
  CHECK_INT(assay_lexicon_load_string(lx, countries_yaml,
                                      strlen(countries_yaml), "c.yaml", &err),
            ASSAY_OK);
  scan(lx, "cuba and Cuba", out, sizeof out);
  CHECK_STR(out, "Cuba=Cuba/country/Cuba");
  assay_lexicon_free(lx);
}

typedef struct ycase {
  const char *yaml;
  int status, line;
  const char *msg;
} ycase;

static const ycase yaml_errors[] = {
    {"- a\n- b\n", ASSAY_ESYNTAX, 1, "top level is not a map"},
    {"name: x\n", ASSAY_ESYNTAX, 1, "no 'entries'"},
    {"entries: Cuba\n", ASSAY_ESYNTAX, 1, "'entries' is not a list"},
    {"entries:\n  - Cuba\n  - aliases: [x]\n", ASSAY_ESYNTAX, 3,
     "entry without a name"},
    {"entries:\n  - Cuba\n  - \"\"\n", ASSAY_ESYNTAX, 3, "empty name"},
    {"entries:\n  - name: Cuba\n    aliases: [Havana, '']\n", ASSAY_ESYNTAX, 3,
     "empty alias"},
    {"entries:\n  - name: Cuba\n    nmae: x\n", ASSAY_ESYNTAX, 3,
     "unknown key 'nmae'"},
    {"entries:\n  - name: Cuba\n    attrs: {a: [1]}\n", ASSAY_ESYNTAX, 3,
     "attribute 'a' is not a string"},
    {"entries:\n  - name: Cuba\n  - name: [x]\n", ASSAY_ESYNTAX, 3,
     "'name' is not a string"},
    {"entries:\n  - name: Cuba\n    aliases: [{kind: x}]\n", ASSAY_ESYNTAX, 3,
     "alias without 'text'"},
    {"entries:\n  - name: Cuba\n kind: x\n", ASSAY_ESYNTAX, 3, ""},
    {"entries: [Cuba]\nkind: country\n", ASSAY_ESYNTAX, 2,
     "'kind' must come before 'entries'"},
    {"attrs: {a: &a 1}\nentries: [*a]\n", ASSAY_ESYNTAX, 2, "alias"},
    {"", ASSAY_ESYNTAX, 1, "top level is not a map"},
};

static void test_yaml_errors(void) {
  for (size_t i = 0; i < sizeof yaml_errors / sizeof *yaml_errors; i++) {
    const ycase *c = &yaml_errors[i];
    assay_lexicon *lx = NULL;
    assay_error err;
    memset(&err, 0, sizeof err);
    CHECK_INT(assay_lexicon_new(&lx, 0, NULL), ASSAY_OK);
    int rc = assay_lexicon_load_string(lx, c->yaml, strlen(c->yaml),
                                       "bad.yaml", &err);
    CHECK_INT(rc, c->status);
    CHECK_INT(err.line, c->line);
    CHECK_STR(err.file, "bad.yaml");
    if (!strstr(err.message, c->msg))
      fprintf(stderr, "case %zu: message \"%s\", want \"%s\"\n", i,
              err.message, c->msg);
    CHECK(strstr(err.message, c->msg) != NULL);
    /* the handle's message names the place */
    CHECK(strncmp(assay_lexicon_errmsg(lx), "bad.yaml:", 9) == 0);
    assay_lexicon_free(lx);
  }
  /* a missing file */
  assay_lexicon *lx = NULL;
  assay_error err;
  CHECK_INT(assay_lexicon_new(&lx, 0, NULL), ASSAY_OK);
  CHECK_INT(assay_lexicon_load(lx, "tests/data/lexicon/nope.yaml", &err),
            ASSAY_EIO);
  CHECK(strstr(err.message, "nope.yaml") != NULL);
  assay_lexicon_free(lx);
}

static void test_yaml_file(void) {
  assay_lexicon *lx = NULL;
  assay_error err;
  char out[512];
  CHECK_INT(assay_lexicon_new(&lx, LEX_FOLD_AUTO, NULL), ASSAY_OK);
  int rc = assay_lexicon_load(lx, "tests/data/lexicon/countries.yaml", &err);
  CHECK_INT(rc, ASSAY_OK);
  if (rc) fprintf(stderr, "%s\n", err.message);
  CHECK_INT(assay_lexicon_freeze(lx), ASSAY_OK);
  scan(lx, "PYONGYANG and the united states", out, sizeof out);
  CHECK_STR(out, "PYONGYANG=North Korea/government/KP;"
                 "united states=United States/country/US");
  assay_lexicon_free(lx);
  CHECK_INT(assay_lexicon_new(&lx, 0, NULL), ASSAY_OK);
  rc = assay_lexicon_load(lx, "tests/data/lexicon/bad_alias.yaml", &err);
  CHECK_INT(rc, ASSAY_ESYNTAX);
  CHECK_INT(err.line, 6);
  CHECK_INT(err.column, 21);
  CHECK(strstr(err.file, "bad_alias.yaml") != NULL);
  assay_lexicon_free(lx);
}

/* ------------------------------------------------------------------ */
/* A generated lexicon                                                  */
/* ------------------------------------------------------------------ */

/* Word i of a synthetic vocabulary: letters from the digits of i. */
static void gen_word(unsigned i, char *buf) {
  static const char *syl[] = {"ka", "ro", "mi", "tsu", "ne", "bal", "dor",
                              "qui", "ven", "lo", "sha", "pe"};
  char *p = buf;
  *p++ = 'A' + (char)(i % 26);
  i /= 26;
  do {
    const char *s = syl[i % 12];
    while (*s) *p++ = *s++;
    i /= 12;
  } while (i);
  *p = '\0';
}

static void gen_phrase(unsigned e, char *buf) {
  /* 1 to 3 words from a vocabulary of 20000 */
  unsigned n = 1 + e % 3, x = e * 2654435761u;
  buf[0] = '\0';
  for (unsigned k = 0; k < n; k++) {
    char w[32];
    gen_word((x >> (k * 5)) % 20000 + k * 7 + e % 11, w);
    if (k) strcat(buf, " ");
    strcat(buf, w);
  }
  char num[16];
  snprintf(num, sizeof num, " %u", e); /* unique per entry */
  strcat(buf, num);
}

static int count_match(void *ud, const assay_lexicon_match *m) {
  int *n = ud;
  (void)m;
  (*n)++;
  return ASSAY_OK;
}

static void test_generated(void) {
  enum { N = 100000 };
  assay_lexicon *lx = NULL;
  CHECK_INT(assay_lexicon_new(&lx, ASSAY_LEX_FOLD, NULL), ASSAY_OK);
  char buf[256];
  int bad = 0;
  for (unsigned e = 0; e < N; e++) {
    gen_phrase(e, buf);
    if (assay_lexicon_add_entry(lx, buf, "gen", NULL) != (int)e) bad++;
  }
  CHECK_INT(bad, 0);
  CHECK_INT(assay_lexicon_freeze(lx), ASSAY_OK);
  CHECK_INT(assay_lexicon_entry_count(lx), N);
  /* every 997th phrase in a sentence is found as itself */
  tok_list tl;
  tok_list_init(&tl, NULL);
  int wrong = 0;
  for (unsigned e = 0; e < N; e += 997) {
    char text[300];
    gen_phrase(e, buf);
    snprintf(text, sizeof text, "Yesterday %s said", buf);
    tok_run(NULL, text, strlen(text), &tl);
    char out[512];
    sink s = {text, tl.tokens, out, sizeof out, 0};
    out[0] = '\0';
    assay_lexicon_scan(lx, tl.tokens, tl.ntokens, text, on_match, &s);
    char want[800];
    snprintf(want, sizeof want, "%s=%s/gen/%s", buf, buf, buf);
    if (strcmp(out, want) != 0) {
      if (wrong++ < 3) fprintf(stderr, "got %s\nwant %s\n", out, want);
    }
  }
  CHECK_INT(wrong, 0);
  /* a phrase missing its final number is not found */
  gen_phrase(12345, buf);
  *strrchr(buf, ' ') = '\0';
  tok_run(NULL, buf, strlen(buf), &tl);
  int n = 0;
  assay_lexicon_scan(lx, tl.tokens, tl.ntokens, buf, count_match, &n);
  CHECK_INT(n, 0);
  tok_list_clear(&tl);
  assay_lexicon_free(lx);
}

int main(void) {
  test_match();
  test_entries();
  test_yaml();
  test_yaml_errors();
  test_yaml_file();
  test_generated();
  return check_summary();
}
