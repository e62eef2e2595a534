/*
 * test_lexicon.c -- the phrase dictionary: exact and folded matching,
 * leftmost-longest, aliases and kinds, attributes, the YAML loader and its
 * errors, a generated lexicon of 10^5 entries, and the load fast paths
 * (phrase splitter against tok_run, fast YAML reader against libyaml, on
 * hand-written cases, mutations and every lexicon of rules/lexicons/).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assay.h"
#include "check.h"
#include "lexicon.h"
#include "lexicon_repr.h"
#include "tokenize.h"
#include "lexicon_dump.h"

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
  /* The engine's way: the tokens hashed once for all lexicons. */
  uint32_t lower[64], texth[64];
  char again[1024];
  sink s2 = {text, tl.tokens, again, sizeof again, 0};
  again[0] = '\0';
  if (tl.ntokens <= 64) {
    lex_hash_tokens(tl.tokens, tl.ntokens, text, lower, texth);
    /* each array alone is the same as both at once */
    uint32_t only[64];
    lex_hash_tokens(tl.tokens, tl.ntokens, text, only, NULL);
    CHECK(memcmp(only, lower, tl.ntokens * sizeof *only) == 0);
    lex_hash_tokens(tl.tokens, tl.ntokens, text, NULL, only);
    CHECK(memcmp(only, texth, tl.ntokens * sizeof *only) == 0);
    CHECK_INT(lex_scan_hashed(lx, tl.tokens, tl.ntokens, text, lower, texth,
                              on_match, &s2),
              ASSAY_OK);
    CHECK_STR(again, out);
  }
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

/* A frozen lexicon skips the lookup of a token whose bit is clear in its
 * vocabulary filter: every word of its entries must still be found, with
 * the engine's token hashes and without, and no word outside them. */
static void test_vocab_filter(void) {
  enum { N = 5000, OTHERS = 20000 };
  assay_lexicon *lx = NULL;
  CHECK_INT(assay_lexicon_new(&lx, ASSAY_LEX_FOLD, NULL), ASSAY_OK);
  char w[32];
  for (unsigned i = 0; i < N; i++) {
    gen_word(i, w);
    assay_lexicon_add_entry(lx, w, "w", NULL);
  }
  CHECK_INT(assay_lexicon_freeze(lx), ASSAY_OK);
  size_t cap = (size_t)(N + OTHERS) * 32, len = 0;
  char *text = malloc(cap);
  CHECK(text != NULL);
  if (!text) return;
  for (unsigned i = 0; i < N + OTHERS; i++) { /* entries among the others */
    gen_word(i % 5 == 0 && i / 5 < N ? i / 5 : N + i, w);
    len += (size_t)snprintf(text + len, cap - len, "%s ", w);
  }
  tok_list tl;
  tok_list_init(&tl, NULL);
  CHECK_INT(tok_run(NULL, text, len, &tl), ASSAY_OK);
  int n = 0;
  CHECK_INT(assay_lexicon_scan(lx, tl.tokens, tl.ntokens, text, count_match,
                               &n),
            ASSAY_OK);
  CHECK_INT(n, N);
  uint32_t *lower = malloc(tl.ntokens * sizeof *lower);
  uint32_t *texth = malloc(tl.ntokens * sizeof *texth);
  CHECK(lower && texth);
  if (lower && texth) {
    lex_hash_tokens(tl.tokens, tl.ntokens, text, lower, texth);
    n = 0;
    CHECK_INT(lex_scan_hashed(lx, tl.tokens, tl.ntokens, text, lower, texth,
                              count_match, &n),
              ASSAY_OK);
    CHECK_INT(n, N);
  }
  free(lower);
  free(texth);
  tok_list_clear(&tl);
  free(text);
  assay_lexicon_free(lx);
}

/* ------------------------------------------------------------------ */
/* The phrase fast path gives exactly tok_run's tokens                  */
/* ------------------------------------------------------------------ */

/* 1 when lex_plain_split agrees with tok_run on phrase (or declines). */
static int split_agrees(const char *phrase, tok_list *tl, int *took) {
  uint32_t st[40], en[40];
  size_t len = strlen(phrase);
  int n = lex_plain_split(phrase, len, st, en, 40);
  *took = n >= 0;
  if (n < 0) return 1;
  if (tok_run(NULL, phrase, len, tl) != ASSAY_OK) return 0;
  if ((size_t)n != tl->ntokens) return 0;
  for (int k = 0; k < n; k++) {
    const assay_token *t = &tl->tokens[k];
    if (t->start != st[k] || t->end != en[k]) return 0;
    for (uint32_t j = st[k]; j < en[k]; j++) {
      unsigned char c = (unsigned char)phrase[j];
      char lc = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
      if (t->lower[j - st[k]] != lc) return 0;
    }
    if (t->lower[en[k] - st[k]]) return 0;
  }
  return 1;
}

static void test_plain_split(void) {
  tok_list tl;
  tok_list_init(&tl, NULL);
  static const char *fast[] = {
      "North Korea", "Sony Pictures Entertainment", "DPRK", "G7", "4bn",
      "2014", "1st Battalion", "www", "http", "ftp 3", "Mr", "Nov 28",
      "US", "e g", "A", "a", "x 1 y 2", "  leading", "trailing  ",
      "two  spaces", "MiXeD CaSe 42abc", "nt", "n t", "Amazon com"};
  static const char *slow[] = {
      "Kim Jong-un", "U.S.", "AT&T", "Democratic People's Republic",
      "Sony's", "Re/code", "Nov.", "Mr. Smith", "Gonçalves", "São Paulo",
      "9/11", "1,000", "4.5bn", "www.example.com", "http://x.org",
      "a@b.com", "can't", "tab\there", "line\nbreak", "$5", "20%", "",
      "x_y", "O'Brien", "e.g.", "Z\xC3\xBCrich"};
  int bad = 0, took;
  for (size_t i = 0; i < sizeof fast / sizeof *fast; i++) {
    if (!split_agrees(fast[i], &tl, &took) || !took) {
      bad++;
      fprintf(stderr, "fast path: %s\n", fast[i]);
    }
  }
  uint32_t st[8], en[8];
  for (size_t i = 0; i < sizeof slow / sizeof *slow; i++) {
    if (slow[i][0] &&
        lex_plain_split(slow[i], strlen(slow[i]), st, en, 8) != -1) {
      bad++;
      fprintf(stderr, "should take tok_run: %s\n", slow[i]);
    }
  }
  CHECK_INT(bad, 0);
  /* more tokens than room: tok_run's business */
  CHECK_INT(lex_plain_split("a b c d e f g h i", 17, st, en, 8), -1);
  CHECK_INT(lex_plain_split("   ", 3, st, en, 8), 0);
  /* random phrases over letters, digits, spaces and the characters that
   * make tokens join or split */
  static const char *alpha[] = {"a", "Z", "q", "7", "0", " ", " ", "-",
                                ".", "'", "&", "/", ",", "\xC3\xA9", "n't",
                                "www.", "U.S.", "Mr.", "@", "_", "http://"};
  unsigned x = 12345;
  int disagree = 0, fast_taken = 0, slow_taken = 0;
  for (int r = 0; r < 20000; r++) {
    char phrase[128] = "";
    int len = 1 + (int)(x % 12);
    for (int k = 0; k < len; k++) {
      x = x * 1103515245u + 12345u;
      /* mostly the fast alphabet, so that both paths get many cases */
      unsigned pick = (x >> 16) % 64;
      const char *piece = pick < 56 ? alpha[pick % 6] : alpha[pick % 21];
      strcat(phrase, piece);
    }
    if (!split_agrees(phrase, &tl, &took)) {
      if (disagree++ < 5) fprintf(stderr, "disagree: \"%s\"\n", phrase);
    }
    fast_taken += took;
    slow_taken += !took;
  }
  CHECK_INT(disagree, 0);
  CHECK(fast_taken > 3000);
  CHECK(slow_taken > 3000);
  tok_list_clear(&tl);
}

/* ------------------------------------------------------------------ */
/* The fast YAML reader gives exactly the libyaml loader's lexicon      */
/* ------------------------------------------------------------------ */

/* Loads yaml with assay_lexicon_load_string (the fast reader, and libyaml
 * after it when it gives up, on the same lexicon) and with libyaml alone (a
 * leading "---", the document start that changes nothing in YAML, makes
 * the fast reader give up at once: checked); compares the two lexicons.
 * want_fast 1: the fast reader must take the whole input; 0: either, and
 * the input is valid; -1: either, and both loads must agree on the status;
 * 2: the fast reader must give up, both loads agree on the status.
 * Returns 1 when all holds. */
static int fast_agrees(const char *yaml, int want_fast, const char *what) {
  assay_lexicon *a = NULL, *b = NULL, *t = NULL;
  assay_lexicon_new(&a, LEX_FOLD_AUTO, NULL);
  assay_lexicon_new(&b, LEX_FOLD_AUTO, NULL);
  assay_lexicon_new(&t, LEX_FOLD_AUTO, NULL);
  size_t len = strlen(yaml);
  int took = lex_load_fast(t, yaml, len) == ASSAY_OK;
  assay_lexicon_free(t);
  int rc_a = assay_lexicon_load_string(a, yaml, len, "x", NULL);
  char *doc = malloc(len + 5);
  memcpy(doc, "---\n", 4);
  memcpy(doc + 4, yaml, len + 1);
  int rc = assay_lexicon_load_string(b, doc, len + 4, "x", NULL);
  t = NULL;
  assay_lexicon_new(&t, LEX_FOLD_AUTO, NULL);
  int slow_only = lex_load_fast(t, doc, len + 4) != ASSAY_OK;
  assay_lexicon_free(t);
  assay_lexicon_freeze(a);
  assay_lexicon_freeze(b);
  char *da = lxd_dump(a, yaml, len), *db = lxd_dump(b, yaml, len);
  int ok = slow_only && (want_fast != 1 || took) && (want_fast != 2 || !took) &&
           (want_fast < 0 || want_fast == 2
                ? rc == rc_a
                : rc == ASSAY_OK && rc_a == ASSAY_OK) &&
           assay_lexicon_entry_count(a) == assay_lexicon_entry_count(b) &&
           strcmp(da, db) == 0;
  if (!ok)
    fprintf(stderr, "%s: fast %d (want %d), rc %d / libyaml %d, %zu vs %zu "
            "entries%s\n", what, took, want_fast, rc_a, rc,
            assay_lexicon_entry_count(a), assay_lexicon_entry_count(b),
            strcmp(da, db) ? ", different lexicons" : "");
  free(da);
  free(db);
  free(doc);
  assay_lexicon_free(a);
  assay_lexicon_free(b);
  return ok;
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  lxd_buf b = {0};
  char chunk[4096];
  size_t n;
  lxd_put(&b, "", 0);
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) lxd_put(&b, chunk, n);
  fclose(f);
  return b.s;
}

static void test_fast_yaml(void) {
  static const struct {
    int fast;
    const char *yaml;
  } cases[] = {
      {1, "entries:\n  - Cuba\n  - North Korea\n"},
      {1, "entries:\n- Cuba\n- name: Chile\n  norm: CL\n"},
      {1, "# a comment\nname: c\nkind: country\nfold: true\n\nentries:\n"
          "  # inside\n  - name: North Korea   # trailing\n    norm: KP\n"
          "    aliases: [North Korean, DPRK,Pyongyang]\n"
          "    attrs: {iso3: PRK, un_member: 1991}\n"
          "  - name: Korea, South\n    aliases: S. Korea\n    kind: place\n"
          "  - Kim Jong-un\n  - name: North Korea\n    aliases: []\n"
          "    attrs: {}\nversion: 2\n"},
      {1, "fold: no\nentries:\n  - name: São Paulo\n    aliases: [SP, "
          "Sampa]\n  - Zürich\n  - O'Brien & Sons\n"},
      {1, "source: https://example.org/x\nentries:\n  - a:b\n"},
      /* quoted scalars on one line, without escapes */
      {1, "entries:\n  - name: \"Quoted\"\n"},
      {1, "kind: \"country\"\nentries:\n  - name: \"People’s Democratic "
          "Republic of Algeria\"  # c\n    norm: 'DZ'\n"
          "    aliases: [\"New Year’s Day\", 'it''s', X, \"#GOP\", "
          "\"a, b: [c] {d}\"]\n  - \"20th Century Fox\"\n"
          "  - 'O''Brien'\n  - name: 'Rock ''n'' Roll'\n"
          "  - name: \"quote's 'single'\"\n"
          "  - 'back\\\\slash \"x\"'\n  - name: \" Spaced \"\n"},
      {1, "entries:\n  - name: A\n    aliases: \"a: b\"\n"
          "    attrs: {form: \"3sg\", lemma: 'call for', x: y}\n"},
      /* aliases written as {text, kind} maps */
      {1, "entries:\n  - name: Afghanistan\n    aliases: [Afghan, {text: "
          "Kabul, kind: government}, {kind: k, text: \"T 2\"}, "
          "{text: A, text: B}, {text: Only}]\n"},
      /* entries written as flow maps */
      {1, "entries:\n  - {name: Cardinal, aliases: [Rev., Rev], attrs: "
          "{type: honorific}}\n  - {name: \"1860 Munich\", norm: M, kind: "
          "club}   # c\n  - {norm: n, name: Late, aliases: One}\n"
          "  - {name: X, aliases: [{text: Y, kind: z}], name: X2}\n"
          "  - {name: called for, norm: call for, attrs: {stance: asserted, "
          "type: verb, lemma: call for, form: past}}\n  - Plain\n"
          "  - name: Block\n    norm: b\n  - {name: Last, aliases: []}\n"},
      /* top-level attributes, for every entry */
      {1, "name: s\nkind: org\nfold: false\nattrs: {sector: sport, a: 'b'}\n"
          "entries:\n  - {name: Arsenal, attrs: {sport: football}}\n"
          "  - {name: Sector, attrs: {sector: own}}\n  - Bare\n"},
      {1, "attrs: {src: x}\nattrs: {}\nentries:\n  - A\n"},
      /* outside the subset: libyaml reads them, or fails the same way */
      {2, "entries:\n  - name: Block\n    aliases:\n      - B1\n"
          "      - {text: B2, kind: k}\n"},
      {2, "entries:\n  - name: Multi\n      line\n"},
      {2, "entries:\n  - Multi\n    line\n"},
      {2, "entries:\n  - A\n  - Multi\n   line\n"},
      {2, "entries:\n  - C#\n"},
      {2, "entries:\n  - &a Anchor\n"},
      {2, "entries:\n  - name: A\n  - B\r\n"},
      {2, "entries:\n  - name: \"esc\\\"aped\"\n"},
      {2, "entries:\n  - name: \"tab\\tescape\"\n"},
      {2, "entries:\n  - name: \"back\\\\slash\"\n"},
      {2, "entries:\n  - name: \"a\tb\"\n"},
      {2, "entries:\n  - name: \"del\x7f\"\n"},
      {2, "entries:\n  - name: \"over\n      lines\"\n"},
      {2, "entries:\n  - name: 'over\n      lines'\n"},
      {2, "entries:\n  - 'unclosed''\n"},
      {2, "entries:\n  - \"a\" b\n"},
      {2, "entries:\n  - \"key\": v\n"},
      {2, "entries:\n  - name: \"\"\n"},
      {2, "entries:\n  - name: A\n    aliases: [B, '']\n"},
      {2, "entries:\n  - {name: A,\n     norm: B}\n"},
      {2, "entries:\n  - {name: A}\n    norm: b\n"},
      {2, "entries:\n  - {name: A}x\n"},
      {2, "entries:\n  - {name: A}#c\n"},
      {2, "entries:\n  - {}\n"},
      {2, "entries:\n  - {norm: n}\n"},
      {2, "entries:\n  - {\"name\": A}\n"},
      {2, "entries:\n  - {name: A, }\n"},
      {2, "entries:\n  - {name: A, lang: en}\n"},
      {2, "entries:\n  - {name: A, attrs: x}\n"},
      {2, "entries:\n  - {name: A, attrs: {b: {c: d}}}\n"},
      {2, "entries:\n  - {name: A, aliases: [B, [C]]}\n"},
      {2, "entries:\n  - {name: A, aliases: {text: B}}\n"},
      {2, "entries:\n  - name: A\n    aliases: [{text: B, lang: en}]\n"},
      {2, "entries:\n  - name: A\n    aliases: [{kind: k}]\n"},
      {2, "entries:\n  - name: A\n    aliases: [{}]\n"},
      {2, "entries:\n  - name: A\n    aliases: [{text:B}]\n"},
      {2, "entries:\n  - name: A\n    aliases: [{text: B, kind: [k]}]\n"},
      {2, "entries:\n  - A\nattrs: {late: 1}\n"},
      {2, "attrs: x\nentries:\n  - A\n"},
      {2, "attrs: {a: b}, x\nentries:\n  - A\n"},
  };
  int bad = 0;
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char what[32];
    snprintf(what, sizeof what, "case %zu", i);
    bad += !fast_agrees(cases[i].yaml, cases[i].fast, what);
  }
  /* a NUL is no YAML character (libyaml rejects it), in no position */
  static const char *nuls[] = {"entries:\n  - A", "entries:\n  - name: A",
                               "entries:\n  - {name: A, aliases: [B",
                               "entries:\n  - \"A", "entries:\n  - 'A",
                               "entries:\n  - A # c"};
  for (size_t i = 0; i < sizeof nuls / sizeof *nuls; i++) {
    char doc[64];
    size_t n = strlen(nuls[i]);
    memcpy(doc, nuls[i], n);
    memcpy(doc + n, "\0x\n", 3);
    assay_lexicon *z = NULL;
    assay_lexicon_new(&z, LEX_FOLD_AUTO, NULL);
    CHECK(lex_load_fast(z, doc, n + 3) != ASSAY_OK);
    assay_lexicon_free(z);
  }
  /* a generated list in the shape the budget is measured on */
  lxd_buf g = {0};
  lxd_puts(&g, "kind: person\nfold: true\nentries:\n");
  for (unsigned e = 0; e < 3000; e++) {
    char name[256], line[600];
    gen_phrase(e, name);
    snprintf(line, sizeof line, "  - name: %s\n    norm: Q%u\n%s%s%s", name,
             e, e % 3 ? "" : "    aliases: [", e % 3 ? "" : name,
             e % 3 ? "" : " X]\n");
    lxd_puts(&g, line);
  }
  bad += !fast_agrees(g.s, 1, "generated");
  free(g.s);
  /* mutated plain files: whatever the fast reader makes of them, or gives
   * up on, the lexicon is libyaml's */
  static const char base[] =
      "kind: person\nfold: true\nattrs: {src: 'x y'}\nentries:\n"
      "  - name: Ana Maria Lopez\n    norm: Q1\n"
      "    aliases: [A. Lopez, AML, {text: \"Ana L\", kind: k}]\n"
      "  - Bob Stone\n  - name: Chen Wei-Ling  # c\n"
      "    attrs: {id: E3, x: \"y\"}\n  - name: Dora\n    kind: org\n"
      "    aliases: Dora Inc\n"
      "  - {name: Eve, aliases: [E], attrs: {a: 'O''Neil'}}\n"
      "  - 'Fay ''F'' Ray'\n  - \"Gil’s\"\n";
  static const char bytes[] = " \n:-#[],{}\"'a\t.~&*!|>?%@`0\\";
  unsigned x = 777;
  int mutated_bad = 0, fast_ok = 0, yaml_err = 0;
  for (int r = 0; r < 3000; r++) {
    char doc[sizeof base];
    memcpy(doc, base, sizeof base);
    for (int k = 0; k < 1 + r % 3; k++) {
      x = x * 1103515245u + 12345u;
      size_t at = (x >> 8) % (sizeof base - 1);
      x = x * 1103515245u + 12345u;
      doc[at] = bytes[(x >> 8) % (sizeof bytes - 1)];
    }
    char what[32];
    snprintf(what, sizeof what, "mutation %d", r);
    assay_lexicon *t = NULL;
    assay_lexicon_new(&t, LEX_FOLD_AUTO, NULL);
    fast_ok += lex_load_fast(t, doc, strlen(doc)) == ASSAY_OK;
    assay_lexicon_free(t);
    assay_lexicon_new(&t, LEX_FOLD_AUTO, NULL);
    yaml_err += assay_lexicon_load_string(t, doc, strlen(doc), "m", NULL) != 0;
    assay_lexicon_free(t);
    if (!fast_agrees(doc, -1, what) && mutated_bad++ < 3)
      fprintf(stderr, "%s\n", doc);
  }
  bad += mutated_bad;
  CHECK(fast_ok > 150); /* both readers and errors are exercised */
  CHECK(yaml_err > 300);
  CHECK(3000 - fast_ok - yaml_err > 150);
  fprintf(stderr, "mutations: %d read fast, %d errors, of 3000\n", fast_ok,
          yaml_err);
  CHECK_INT(bad, 0);
}

/* Every lexicon of the pack (rules/lexicons/, the tests run from the
 * project root): the fast reader takes it whole, and the lexicon is the one
 * libyaml alone makes. */
static void test_fast_pack(void) {
  DIR *d = opendir("rules/lexicons");
  CHECK(d != NULL);
  if (!d) return;
  int bad = 0, files = 0, fast_files = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    size_t n = strlen(de->d_name);
    if (n < 6 || strcmp(de->d_name + n - 5, ".yaml") != 0) continue;
    char path[1200];
    snprintf(path, sizeof path, "rules/lexicons/%s", de->d_name);
    char *y = slurp(path);
    CHECK(y != NULL);
    if (!y) continue;
    files++;
    assay_lexicon *t = NULL;
    assay_lexicon_new(&t, LEX_FOLD_AUTO, NULL);
    fast_files += lex_load_fast(t, y, strlen(y)) == ASSAY_OK;
    assay_lexicon_free(t);
    bad += !fast_agrees(y, 1, de->d_name);
    free(y);
  }
  closedir(d);
  CHECK_INT(bad, 0);
  CHECK(files >= 20);
  CHECK_INT(fast_files, files);
  fprintf(stderr, "fast reader took %d of %d pack lexicons\n", fast_files,
          files);
}

/* A fast-reader file with an error late in it: the message still names
 * the line and column (libyaml reads it again). */
static void test_fast_errors(void) {
  static const struct {
    const char *yaml, *msg;
    int line, col;
  } cases[] = {
      {"entries:\n  - name: A\n    norm: a\n  - name: B\n    nmae: b\n",
       "unknown key 'nmae'", 5, 5},
      {"entries:\n  - name: A\n  - norm: b\n", "entry without a name", 3, 5},
      {"entries:\n  - name: A\n    aliases: [B, \"\"]\n", "empty alias", 3,
       18},
      {"entries:\n  - A\nkind: late\n", "must come before", 3, 1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    assay_lexicon *lx = NULL;
    assay_error err;
    assay_lexicon_new(&lx, ASSAY_LEX_FOLD, NULL);
    CHECK(assay_lexicon_load_string(lx, cases[i].yaml, strlen(cases[i].yaml),
                                    "late.yaml", &err) != ASSAY_OK);
    CHECK(strstr(err.message, cases[i].msg) != NULL);
    CHECK_INT(err.line, cases[i].line);
    CHECK_INT(err.column, cases[i].col);
    CHECK_STR(err.file, "late.yaml");
    CHECK(assay_lexicon_entry_count(lx) >= 1); /* read before the error */
    assay_lexicon_free(lx);
  }
}

/* Scanning before freeze (the build table) and after (the compact table)
 * gives the same matches. */
static void test_scan_unfrozen(void) {
  assay_lexicon *lx = make_basic(ASSAY_LEX_FOLD);
  const char *text = "Sony Pictures Entertainment and north korean officials "
                     "in Pyongyang; DPRK.";
  char before[1024], after[1024];
  scan(lx, text, before, sizeof before);
  CHECK_INT(assay_lexicon_freeze(lx), ASSAY_OK);
  scan(lx, text, after, sizeof after);
  CHECK_STR(before, after);
  CHECK(strstr(after, "Pyongyang=North Korea/government/KP") != NULL);
  assay_lexicon_free(lx);
}

/* The same name twice is one entry, also when its phrase belongs to
 * another entry (found through the name table, not the trie). */
static void test_same_name(void) {
  assay_lexicon *lx = NULL;
  CHECK_INT(assay_lexicon_new(&lx, ASSAY_LEX_FOLD, NULL), ASSAY_OK);
  int t = assay_lexicon_add_entry(lx, "Tbilisi", "city", NULL);
  CHECK_INT(assay_lexicon_add_alias(lx, t, "the Capital", NULL), ASSAY_OK);
  int c = assay_lexicon_add_entry(lx, "the Capital", "magazine", NULL);
  CHECK(c != t && c >= 0);
  CHECK_INT(assay_lexicon_add_entry(lx, "the Capital", "x", NULL), c);
  int d = assay_lexicon_add_entry(lx, "THE CAPITAL", NULL, NULL);
  CHECK(d != c && d != t && d >= 0); /* another name, the same phrase */
  CHECK_INT(assay_lexicon_add_entry(lx, "THE CAPITAL", NULL, NULL), d);
  CHECK_INT(assay_lexicon_add_entry(lx, "Tbilisi", NULL, NULL), t);
  CHECK_INT(assay_lexicon_add_entry(lx, "tbilisi", NULL, NULL), 3);
  size_t before = assay_lexicon_entry_count(lx);
  CHECK_INT(assay_lexicon_add_entry(lx, "  ", NULL, NULL), ASSAY_ESYNTAX);
  CHECK_INT(assay_lexicon_entry_count(lx), before + 1);
  CHECK_INT(assay_lexicon_add_entry(lx, "  ", NULL, NULL), (int)before);
  CHECK_INT(assay_lexicon_freeze(lx), ASSAY_OK);
  char out[256];
  scan(lx, "In the capital, Tbilisi.", out, sizeof out);
  CHECK_STR(out, "the capital=Tbilisi/city/Tbilisi;Tbilisi=Tbilisi/city/Tbilisi");
  assay_lexicon_free(lx);
}

/* A lexicon larger than the caches (its word slots over 512 KB: the scan
 * asks for them ahead of its place) and a text of more than LEX_CACHE (64)
 * tokens, so that the hashes assay_lexicon_scan makes ahead go round their
 * ring many times: every phrase of the text is a match, the same as with
 * the engine's token hashes made beforehand. */
static void test_long_scan(void) {
  enum { N = 100000 };
  assay_lexicon *lx = NULL;
  CHECK_INT(assay_lexicon_new(&lx, ASSAY_LEX_FOLD, NULL), ASSAY_OK);
  char buf[256];
  for (unsigned e = 0; e < N; e++) {
    gen_phrase(e, buf);
    CHECK_INT(assay_lexicon_add_entry(lx, buf, "gen", NULL), (int)e);
  }
  CHECK_INT(assay_lexicon_freeze(lx), ASSAY_OK);
  /* large enough for the prefetching path (lexicon.c, LEX_FAR_BYTES) */
  CHECK(lx->toks.cap * sizeof *lx->toks.slot > ((size_t)512 << 10));
  size_t cap = 1 << 16, len = 0;
  char *text = malloc(cap);
  int phrases = 0;
  for (unsigned e = 0; e < N; e += 487, phrases++) {
    gen_phrase(e, buf);
    len += (size_t)snprintf(text + len, cap - len, "Then %s said. ", buf);
  }
  tok_list tl;
  tok_list_init(&tl, NULL);
  CHECK_INT(tok_run(NULL, text, len, &tl), ASSAY_OK);
  CHECK(tl.ntokens > 512);
  char *out = malloc(cap * 2), *again = malloc(cap * 2);
  uint32_t *lower = malloc(tl.ntokens * sizeof *lower);
  sink s = {text, tl.tokens, out, cap * 2, 0};
  sink s2 = {text, tl.tokens, again, cap * 2, 0};
  out[0] = again[0] = '\0';
  CHECK_INT(assay_lexicon_scan(lx, tl.tokens, tl.ntokens, text, on_match, &s),
            ASSAY_OK);
  CHECK_INT(s.n, phrases);
  lex_hash_tokens(tl.tokens, tl.ntokens, text, lower, NULL);
  CHECK_INT(lex_scan_hashed(lx, tl.tokens, tl.ntokens, text, lower, NULL,
                            on_match, &s2),
            ASSAY_OK);
  CHECK_INT(s2.n, phrases);
  CHECK_STR(again, out);
  free(lower);
  free(out);
  free(again);
  free(text);
  tok_list_clear(&tl);
  assay_lexicon_free(lx);
}

int main(void) {
  test_vocab_filter();
  test_long_scan();
  test_match();
  test_entries();
  test_yaml();
  test_yaml_errors();
  test_yaml_file();
  test_generated();
  test_plain_split();
  test_fast_yaml();
  test_fast_pack();
  test_fast_errors();
  test_scan_unfrozen();
  test_same_name();
  return check_summary();
}
