/*
 * test_pattern.c -- unit tests of the token pattern language: syntax
 * errors and their columns, the semantics of every construct on real
 * tokens (spans and captures), traces, explanations and limits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "check.h"
#include "doc.h"
#include "lua_common.h"
#include "pattern.h"

/* ---- helpers ----------------------------------------------------- */

static assay_doc *mkdoc(const char *text) {
  assay_doc *doc = NULL;
  if (assay_doc_new(&doc, "t", text, strlen(text), NULL, NULL) != ASSAY_OK)
    return NULL;
  assay_doc_tokenize(doc, NULL);
  return doc;
}

typedef struct outbuf {
  char s[2048];
  size_t n;
  const assay_pattern *pat;
  char trace[1024];
} outbuf;

/* Formats a match as "F-L" then "(name=f-l)" per set capture, with "#id"
 * for an annotation capture. */
static int collect(void *ud, const assay_pattern_match *m) {
  outbuf *o = ud;
  o->n += (size_t)snprintf(o->s + o->n, sizeof o->s - o->n, "%s%u-%u",
                           o->n ? " " : "", (unsigned)m->first,
                           (unsigned)m->last);
  for (int i = 0; i < m->ncaptures; i++) {
    if (m->captures[2 * i] < 0) continue;
    o->n += (size_t)snprintf(o->s + o->n, sizeof o->s - o->n, "(%s=%d-%d",
                             assay_pattern_capture_name(o->pat, i),
                             (int)m->captures[2 * i],
                             (int)m->captures[2 * i + 1]);
    if (m->capture_ann[i])
      o->n += (size_t)snprintf(o->s + o->n, sizeof o->s - o->n, "#%u",
                               (unsigned)m->capture_ann[i]);
    o->n += (size_t)snprintf(o->s + o->n, sizeof o->s - o->n, ")");
  }
  if (m->trace)
    snprintf(o->trace, sizeof o->trace, "%s", m->trace);
  return ASSAY_OK;
}

/* Runs pattern src over doc; returns the formatted matches or an error
 * string "ERR <status> col <column>". */
static const char *run(const char *src, assay_doc *doc, unsigned flags,
                       outbuf *o) {
  assay_pattern *pat = NULL;
  assay_error err;
  memset(o, 0, sizeof *o);
  int rc = assay_pattern_new(&pat, src, NULL, &err);
  if (rc != ASSAY_OK) {
    snprintf(o->s, sizeof o->s, "ERR %s col %d", assay_status_name(rc),
             err.column);
    return o->s;
  }
  o->pat = pat;
  rc = pat_scan(pat, doc, flags, collect, o, &err);
  if (rc != ASSAY_OK) snprintf(o->s, sizeof o->s, "SCANERR %d", rc);
  assay_pattern_free(pat);
  return o->s;
}

/* ---- syntax errors ----------------------------------------------- */

static void test_syntax_errors(void) {
  static const struct {
    const char *src;
    int status, column;
    const char *msg;
  } cases[] = {
      {"'a' (", ASSAY_ESYNTAX, 5, "unbalanced parenthesis"},
      {"'a' )", ASSAY_ESYNTAX, 5, "unbalanced parenthesis"},
      {"('a' 'b'", ASSAY_ESYNTAX, 1, "unbalanced parenthesis"},
      {"'abc", ASSAY_ESYNTAX, 1, "unterminated string"},
      {"  \"abc", ASSAY_ESYNTAX, 3, "unterminated string"},
      {"* 'a'", ASSAY_ESYNTAX, 1, "quantifier without atom"},
      {"'a' | + 'b'", ASSAY_ESYNTAX, 7, "quantifier without atom"},
      {"[foo=bar]", ASSAY_ESYNTAX, 2, "unknown attribute 'foo'"},
      {"[shape=Xx, bogus]", ASSAY_ESYNTAX, 12, "unknown flag 'bogus'"},
      {"[kind=verb]", ASSAY_ESYNTAX, 7, "unknown kind 'verb'"},
      {"[]", ASSAY_ESYNTAX, 2, "empty test list"},
      {"[title", ASSAY_ESYNTAX, 7, "missing ']'"},
      {"/(abc/", ASSAY_ESYNTAX, 6, "bad regex"},
      {"/abc", ASSAY_ESYNTAX, 1, "unterminated regex"},
      {"'a'{1001}", ASSAY_ESYNTAX, 4, "repeat count above 1000"},
      {"'a'{3,2}", ASSAY_ESYNTAX, 4, "bad repeat"},
      {"'a'{x}", ASSAY_ESYNTAX, 5, "expected a number"},
      {"'a'**", ASSAY_ESYNTAX, 5, "quantifier follows quantifier"},
      {"'a' :", ASSAY_ESYNTAX, 5, "expected a capture name"},
      {":x", ASSAY_ESYNTAX, 1, "capture without atom"},
      {"''", ASSAY_ESYNTAX, 1, "empty string"},
      {"@", ASSAY_ESYNTAX, 1, "expected a layer name"},
      {"@actor{kind=}", ASSAY_ESYNTAX, 13, "missing value"},
      {"<x>", ASSAY_ESYNTAX, 1, "expected <s> or </s>"},
      {"'a' # 'b'", ASSAY_ESYNTAX, 5, "unexpected character '#'"},
      {"'a'\n  )", ASSAY_ESYNTAX, 3, "unbalanced parenthesis"},
      {"('a':x 'b'):x", ASSAY_ESYNTAX, 12, "inside a capture of the same"},
      {"(('a'):x+ 'b'):x", ASSAY_ESYNTAX, 15, "inside a capture of the same"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    assay_pattern *pat = NULL;
    assay_error err;
    int rc = assay_pattern_new(&pat, cases[i].src, NULL, &err);
    CHECK_INT(rc, cases[i].status);
    CHECK(pat == NULL);
    CHECK_INT(err.column, cases[i].column);
    if (!strstr(err.message, cases[i].msg))
      fprintf(stderr, "case %zu: message '%s' lacks '%s'\n", i, err.message,
              cases[i].msg);
    CHECK(strstr(err.message, cases[i].msg) != NULL);
  }
  /* The line of an error in a multi-line pattern. */
  assay_pattern *pat = NULL;
  assay_error err;
  CHECK_INT(assay_pattern_new(&pat, "'a' -- a comment\n  'b' )", NULL, &err),
            ASSAY_ESYNTAX);
  CHECK_INT(err.line, 2);
  CHECK_INT(err.column, 7);
}

static void test_compile_ok(void) {
  static const char *const ok[] = {
      "'according' 'to' @actor:source",
      "[shape=Xxxx]+ [lower=officials]",
      "/^(said|says|told|reported)$/:cue",
      "@actor{kind=country} [lower=officials]",
      "<s> . </s>",
      "(.+):content ','? 'according to' @actor:source -- comment",
      "[shape=Xxxxx, !sent_start]",
      "[lower=/^(said|says)$/, kind=word, title]",
      "[text!=\"a, b\"]",
      "'a'{2} 'b'{1,} 'c'{0,3}? 'd'*? 'e'+? 'f'??",
      "@date{2}",
      "@actor{kind!=country, !norm, rule=/^actor\\./}",
      "/sony/i",
      "'a':x 'b':x",
  };
  for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
    assay_pattern *pat = NULL;
    assay_error err;
    int rc = assay_pattern_new(&pat, ok[i], NULL, &err);
    if (rc) fprintf(stderr, "'%s': %s\n", ok[i], err.message);
    CHECK_INT(rc, ASSAY_OK);
    assay_pattern_free(pat);
  }
  assay_pattern *pat = NULL;
  CHECK_INT(assay_pattern_new(&pat, "(.+):content 'x' @actor:source @date:d"
                                    " @actor 'y':content",
                              NULL, NULL),
            ASSAY_OK);
  CHECK_INT(assay_pattern_capture_count(pat), 3);
  CHECK_STR(assay_pattern_capture_name(pat, 0), "content");
  CHECK_STR(assay_pattern_capture_name(pat, 1), "source");
  CHECK_STR(assay_pattern_capture_name(pat, 2), "d");
  CHECK(assay_pattern_capture_name(pat, 3) == NULL);
  CHECK_INT(pat_layer_count(pat), 2);
  CHECK_INT(pat->nrequired, 2); /* 'x' and 'y' */
  CHECK_STR(pat_layers(pat, 0), "actor");
  CHECK_STR(pat_layers(pat, 1), "date");
  CHECK(pat_layers(pat, 2) == NULL);
  assay_pattern_free(pat);
  CHECK_INT(assay_pattern_new(&pat, NULL, NULL, NULL), ASSAY_EMISUSE);
  /* Deep nesting and long chains end with an error, not a crash. */
  char deep[2000];
  memset(deep, '(', 300);
  strcpy(deep + 300, "'a'");
  CHECK_INT(assay_pattern_new(&pat, deep, NULL, NULL), ASSAY_ELIMIT);
  strcpy(deep, "'a'");
  for (int i = 0; i < 100; i++)
    snprintf(deep + strlen(deep), 16, ":c%d?", i);
  CHECK_INT(assay_pattern_new(&pat, deep, NULL, NULL), ASSAY_ELIMIT);
  /* A long chain of lazy optionals compiles (the prefilter walks it
   * without recursion). */
  char *lazy = malloc(80000);
  for (int i = 0; i < 10000; i++) memcpy(lazy + 6 * i, "'a'?? ", 6);
  strcpy(lazy + 60000, "'b'");
  CHECK_INT(assay_pattern_new(&pat, lazy, NULL, NULL), ASSAY_OK);
  CHECK_INT(pat->nfirst, 2); /* equal atoms count once: 'a' and 'b' */
  CHECK_INT(pat->nrequired, 0); /* 'b' is past the 64 atoms checked */
  assay_pattern_free(pat);
  free(lazy);
  /* An untokenized document is a misuse. */
  assay_doc *raw = NULL;
  assay_doc_new(&raw, "r", "a b", 3, NULL, NULL);
  CHECK_INT(assay_pattern_new(&pat, "'a'", NULL, NULL), ASSAY_OK);
  CHECK_INT(assay_pattern_scan(pat, raw, NULL, NULL, NULL), ASSAY_EMISUSE);
  assay_pattern_free(pat);
  assay_doc_free(raw);
  assay_pattern_free(NULL);
}

/* ---- semantics on real tokens ------------------------------------ */

static void test_semantics(void) {
  /* Tokens of the stub/tokenizer: words and punctuation each one token. */
  static const struct {
    const char *pat, *text, *want;
  } cases[] = {
      /* literals: exact and case-insensitive */
      {"'sony'", "Sony and sony and SONY", "0-1 2-3 4-5"},
      {"\"Sony\"", "Sony and sony and SONY", "0-1"},
      {"'according to'", "he said, according to them", "3-5"},
      {"'ÉLYSÉE'", "the Élysée and élysée", "1-2 3-4"},
      {"\"Élysée\"", "the Élysée and élysée", "1-2"},
      {"\"New York\"", "in New York and new york", "1-3"},
      /* attribute tests */
      {"[shape=Xxxx]", "The Sony deal", "1-2"},
      {"[lower=/^(said|says)$/]", "he said she says", "1-2 3-4"},
      {"[title, !sent_start]", "The Sony deal with Apple", "1-2 4-5"},
      {"[upper]", "the FBI said", "1-2"},
      {"[kind=number]", "in 2014 the", "1-2"},
      {"[kind!=word]", "a , b 3", "1-2 3-4"},
      {"[text!=a]", "a b a", "1-2"},
      {"[lower_case, space_before]", "Big cats run", "1-2 2-3"},
      /* regex atoms */
      {"/^[A-Z]/", "a Bb c Dd", "1-2 3-4"},
      {"/^sony$/i", "SONY x", "0-1"},
      /* any, quantifiers, longest match */
      {". .", "a b c d e", "0-2 2-4"},
      {"'a' 'b'*", "a b b c a", "0-3 4-5"},
      {"'a' 'b'+", "a b b c a", "0-3"},
      {"'a' 'b'?", "a b b a", "0-2 3-4"},
      {"'a'{2}", "a a a a a", "0-2 2-4"},
      {"'a'{2,}", "a a a b a a", "0-3 4-6"},
      {"'a'{1,2}", "a a a", "0-2 2-3"},
      {"'a'{0,2} 'b'", "a a a b", "1-4"},
      {"'a'*", "b b", ""},                  /* empty matches never count */
      {"'b'* 'a'", "b b a", "0-3"},
      /* longest wins over alternation order */
      {"'a' | 'a' 'b'", "a b", "0-2"},
      {"('a' | 'a' 'b') 'c'?", "a b c", "0-3"},
      /* leftmost wins over longer later */
      {"'b' 'c' | 'a' 'b' 'c' 'd'", "x b c d", "1-3"},
      /* non-overlap */
      {"'a' 'a'", "a a a", "0-2"},
      /* anchors */
      {"<s> .", "Ab cd. Ef gh.", "0-1 3-4"},
      {". </s>", "Ab cd. Ef gh", "2-3 4-5"},
      {"<s> . . </s>", "Ab cd. Ef gh", "3-5"},
      {"<s> .+ </s>", "Ab cd. Ef gh.", "0-6"}, /* longest: across sentences */
      {"<s> . [!sent_start]* </s>", "Ab cd. Ef gh.", "0-3 3-6"},
      /* captures: greedy and lazy */
      {"(.+):x (.+):y", "a b c", "0-3(x=0-2)(y=2-3)"},
      {"(.+?):x (.+):y", "a b c", "0-3(x=0-1)(y=1-3)"},
      {"('a':p | 'a' 'b':q) 'c'", "a b c", "0-3(q=1-2)"},
      {"(. :x)+", "a b c", "0-3(x=2-3)"},
      {"'a' ('b':x)? 'c'", "a c", "0-2"},
      /* greedy content takes the optional comma; lazy leaves it */
      {"(.+):content ','? 'according' 'to'", "prices rose , according to",
       "0-5(content=0-3)"},
      {"(.+?):content ','? 'according' 'to'", "prices rose , according to",
       "0-5(content=0-2)"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    assay_doc *doc = mkdoc(cases[i].text);
    outbuf o;
    const char *got = run(cases[i].pat, doc, 0, &o);
    if (strcmp(got, cases[i].want) != 0)
      fprintf(stderr, "case %zu: %s on '%s'\n", i, cases[i].pat,
              cases[i].text);
    CHECK_STR(got, cases[i].want);
    assay_doc_free(doc);
  }
}

/* ---- annotations ------------------------------------------------- */

static void test_layers(void) {
  const char *text = "US officials said North Korea did it , according to "
                     "the FBI .";
  /* tokens: US0 officials1 said2 North3 Korea4 did5 it6 ,7 according8 to9
   * the10 FBI11 .12 */
  assay_doc *doc = mkdoc(text);
  assay_annotation *a1, *a2, *a3, *a4;
  CHECK_INT(assay_doc_annotate(doc, "actor", 0, 2, "r", 0, &a1), ASSAY_OK);
  assay_annotation_set_string(a1, "kind", "country");
  const char *nk = strstr(text, "North Korea");
  CHECK_INT(assay_doc_annotate(doc, "actor", (uint32_t)(nk - text),
                               (uint32_t)(nk - text + 11), "r", 0, &a2),
            ASSAY_OK);
  assay_annotation_set_string(a2, "kind", "country");
  const char *fbi = strstr(text, "the FBI");
  CHECK_INT(assay_doc_annotate(doc, "actor", (uint32_t)(fbi - text),
                               (uint32_t)(fbi - text + 7), "r", 0, &a3),
            ASSAY_OK);
  assay_annotation_set_string(a3, "kind", "agency");
  /* A shorter annotation at the same start: another branch. */
  CHECK_INT(assay_doc_annotate(doc, "actor", (uint32_t)(fbi - text),
                               (uint32_t)(fbi - text + 3), "r", 0, &a4),
            ASSAY_OK);
  static const struct {
    const char *pat, *want;
  } cases[] = {
      {"@actor", "0-1 3-5 10-12"},
      {"'according' 'to' @actor:source", "8-12(source=10-12#3)"},
      {"@actor{kind=country} [lower=officials]", "0-2"},
      {"@actor{kind!=country}", "10-12"},
      {"@actor{kind=/^c/}", "0-1 3-5"},
      {"@actor{!kind}", "10-11"},
      {"@actor:a 'FBI'", "10-12(a=10-11#4)"},
      {"@nolayer", ""},
      {"@actor{2}", ""},
      {"(.+?):content ','? 'according' 'to' @actor:source",
       "0-12(content=0-7)(source=10-12#3)"},
      {"@actor:x .", "0-2(x=0-1#1) 3-6(x=3-5#2) 10-13(x=10-12#3)"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    outbuf o;
    const char *got = run(cases[i].pat, doc, 0, &o);
    if (strcmp(got, cases[i].want) != 0)
      fprintf(stderr, "layer case %zu: %s\n", i, cases[i].pat);
    CHECK_STR(got, cases[i].want);
  }
  /* Traces name each step and its tokens. */
  outbuf o;
  run("'according' 'to' @actor:source", doc, PAT_TRACE, &o);
  CHECK_STR(o.trace, "'according'@8 'to'@9 @actor:source@10-11");
  run("[upper]+ . ('said' | 'did')", doc, PAT_TRACE, &o);
  CHECK_STR(o.s, "0-3");
  CHECK_STR(o.trace, "[upper]@0 .@1 'said'@2");
  run("(.+?):content ','", doc, PAT_TRACE, &o);
  CHECK_STR(o.trace, ".@0-6 ','@7"); /* a repeated step is one range */
  /* Explanations: a match, and the best attempt of a failure. */
  assay_pattern *pat = NULL;
  char buf[512];
  CHECK_INT(assay_pattern_new(&pat, "'according' 'to' @actor{kind=country}",
                              NULL, NULL),
            ASSAY_OK);
  CHECK_INT(pat_explain(pat, doc, buf, sizeof buf), 0);
  CHECK_STR(buf, "no match; best attempt: matched 'according'@8 'to'@9; at "
                 "token 10 'the' expected @actor{kind=country}");
  assay_pattern_free(pat);
  CHECK_INT(assay_pattern_new(&pat, "'said' .", NULL, NULL), ASSAY_OK);
  CHECK_INT(pat_explain(pat, doc, buf, sizeof buf), 1);
  CHECK_STR(buf, "matched tokens 2-3: 'said'@2 .@3");
  assay_pattern_free(pat);
  CHECK_INT(assay_pattern_new(&pat, "'nothing'", NULL, NULL), ASSAY_OK);
  CHECK_INT(pat_explain(pat, doc, buf, sizeof buf), 0);
  CHECK_STR(buf, "no match: no token can start a match");
  assay_pattern_free(pat);
  /* Annotations removed by overlap resolution are not seen: "the" loses
   * to "the FBI", which starts at the same token. */
  CHECK_INT(assay_doc_set_layer_policy(doc, "actor", ASSAY_POLICY_LONGEST),
            ASSAY_OK);
  CHECK_INT(assay_doc_resolve_overlaps(doc), ASSAY_OK);
  CHECK_STR(run("@actor:a 'FBI'", doc, 0, &o), "");
  CHECK_STR(run("@actor:a", doc, 0, &o),
            "0-1(a=0-1#1) 3-5(a=3-5#2) 10-12(a=10-12#3)");
  assay_doc_free(doc);
}

/* ---- limits and big inputs ------------------------------------- */

static int count_matches(void *ud, const assay_pattern_match *m) {
  (void)m;
  (*(int *)ud)++;
  return ASSAY_OK;
}

static int stop_first(void *ud, const assay_pattern_match *m) {
  (void)m;
  (*(int *)ud)++;
  return ASSAY_STOP;
}

static void test_limits(void) {
  assay_pattern *pat = NULL;
  assay_error err;
  /* Nested repeats multiply: 1000 * 1000 steps is too large. */
  CHECK_INT(assay_pattern_new(&pat, "('a'{1000}){1000}", NULL, &err),
            ASSAY_ELIMIT);
  CHECK(strstr(err.message, "too large") != NULL);
  /* A pathological pattern on a long text runs in linear time. */
  size_t n = 20000;
  char *text = malloc(2 * n + 2);
  for (size_t i = 0; i < n; i++) text[2 * i] = 'a', text[2 * i + 1] = ' ';
  text[2 * n] = 'b';
  text[2 * n + 1] = 0;
  assay_doc *doc = mkdoc(text);
  CHECK_INT(assay_pattern_new(&pat, "(.* .*)* 'c'", NULL, &err), ASSAY_OK);
  int count = 0;
  CHECK_INT(assay_pattern_scan(pat, doc, count_matches, &count, NULL),
            ASSAY_OK);
  CHECK_INT(count, 0);
  assay_pattern_free(pat);
  CHECK_INT(assay_pattern_new(&pat, "'a'", NULL, &err), ASSAY_OK);
  count = 0;
  CHECK_INT(assay_pattern_scan(pat, doc, count_matches, &count, NULL),
            ASSAY_OK);
  CHECK_INT(count, (int)n);
  count = 0;
  CHECK_INT(assay_pattern_scan(pat, doc, stop_first, &count, NULL), ASSAY_OK);
  CHECK_INT(count, 1);
  assay_pattern_free(pat);
  CHECK_INT(assay_pattern_new(&pat, "'a'+ 'b'", NULL, &err), ASSAY_OK);
  count = 0;
  CHECK_INT(assay_pattern_scan(pat, doc, count_matches, &count, NULL),
            ASSAY_OK);
  CHECK_INT(count, 1);
  assay_pattern_free(pat);
  assay_doc_free(doc);
  free(text);
}

/* ---- allocation failures ------------------------------------------ */

/* An allocator that fails the n-th allocation (and counts them). */
typedef struct failing {
  long calls, fail_at;
} failing;

static void *failing_fn(void *ud, void *ptr, size_t osize, size_t nsize) {
  failing *f = ud;
  (void)osize;
  if (nsize == 0) {
    free(ptr);
    return NULL;
  }
  if (++f->calls == f->fail_at) return NULL;
  return realloc(ptr, nsize);
}

static void test_alloc_failures(void) {
  const char *src = "(.+?):content ','? 'according to' /^th/i "
                    "@actor{kind=agency}:source [title, shape=Xxx]{1,3}";
  assay_doc *doc = mkdoc("Prices rose, according to the FBI Abc Def.");
  assay_doc_annotate(doc, "actor", 26, 33, NULL, 0, NULL);
  int compiled = 0, scanned = 0;
  for (long k = 1; k < 400; k++) {
    failing f = {0, k};
    assay_allocator a = {failing_fn, &f};
    assay_pattern *pat = NULL;
    assay_error err;
    int rc = assay_pattern_new(&pat, src, &a, &err);
    if (rc != ASSAY_OK && rc != ASSAY_ENOMEM)
      fprintf(stderr, "fail at %ld: %d %s\n", k, rc, err.message);
    CHECK(rc == ASSAY_OK || rc == ASSAY_ENOMEM);
    if (rc == ASSAY_OK) {
      compiled++;
      int count = 0;
      rc = pat_scan(pat, doc, PAT_TRACE, count_matches, &count, &err);
      CHECK(rc == ASSAY_OK || rc == ASSAY_ENOMEM);
      if (rc == ASSAY_OK) scanned++;
      assay_pattern_free(pat);
    }
  }
  CHECK(compiled > 0);
  CHECK(scanned > 0);
  assay_doc_free(doc);
}

/* ---- the Lua face ------------------------------------------------ */

static const char lua_script[] =
    "local assay = ...\n"
    "local text = 'Prices rose, according to the FBI.'\n"
    "local doc = assay.document(text)\n"
    "local s = text:find('the FBI', 1, true) - 1\n"
    "local id = doc:annotate{layer = 'actor', start = s, stop = s + 7,\n"
    "                        kind = 'agency'}\n"
    "local p = assay.pattern([[ (.+?):content ','? 'according' 'to'\n"
    "                           @actor{kind=agency}:source -- who ]])\n"
    "local caps = p:captures()\n"
    "assert(#caps == 2 and caps[1] == 'content' and caps[2] == 'source')\n"
    "assert(p:layers()[1] == 'actor')\n"
    "local ms = p:match(doc, true)\n"
    "assert(#ms == 1, 'one match')\n"
    "local m = ms[1]\n"
    "assert(m.start == 0 and m.stop == s + 7, 'span')\n"
    "assert(m.first == 1 and m.last == 7, 'tokens')\n"
    "assert(m.text == 'Prices rose, according to the FBI')\n"
    "assert(m.captures.content.text == 'Prices rose')\n"
    "assert(m.captures.content.first == 1 and m.captures.content.last == 2)\n"
    "assert(m.captures.source.text == 'the FBI')\n"
    "assert(m.captures.source.ann == id)\n"
    "assert(m.captures.content.ann == nil)\n"
    "assert(m.trace:find(\"'according'@3\", 1, true), m.trace)\n"
    "assert(text:sub(m.start + 1, m.stop) == m.text)\n"
    "assert(#assay.pattern(\"'nothing'\"):match(doc) == 0)\n"
    "local why, n = assay.pattern(\"'according' 'to' 'him'\"):explain(doc)\n"
    "assert(n == 0 and why:find(\"expected 'him'\", 1, true), why)\n"
    "local ok, err = pcall(assay.pattern, \"'a' (\")\n"
    "assert(not ok and err:find('unbalanced parenthesis at column 5'), err)\n"
    "assert(tostring(p):find('assay.pattern'))\n"
    "return 'ok'\n";

static void test_lua(void) {
  lua_State *L = luaL_newstate();
  luaL_openlibs(L);
  int rc = luaL_loadstring(L, lua_script);
  CHECK_INT(rc, LUA_OK);
  luaopen_assay(L);
  rc = lua_pcall(L, 1, 1, 0);
  if (rc != LUA_OK) fprintf(stderr, "lua: %s\n", lua_tostring(L, -1));
  CHECK_INT(rc, LUA_OK);
  CHECK_STR(lua_tostring(L, -1), "ok");
  lua_close(L);
}

int main(void) {
  test_syntax_errors();
  test_compile_ok();
  test_semantics();
  test_layers();
  test_limits();
  test_alloc_failures();
  test_lua();
  return check_summary();
}
