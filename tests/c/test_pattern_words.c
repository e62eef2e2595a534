/*
 * test_pattern_words.c -- the word-set fast path of token pattern regexes:
 * finite regexes (/^(a|b|c)$/, /^(1[5-9]|20)[0-9]0s?$/) test words instead
 * of calling PCRE2, and must match exactly what the regex would (case,
 * negation, the fallbacks; PCRE2 on probe strings near each set);
 * and the document index (pattern_index.c): scans that start from it find
 * exactly the matches of a plain scan, rejected matches included.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mem.h"
#include "pattern.h"

static int count_match(void *ud, const assay_pattern_match *m) {
  (void)m;
  ++*(int *)ud;
  return ASSAY_OK;
}

/* Number of matches of src over doc, or the negative status. */
static int count(const char *src, assay_doc *doc, int *nwords) {
  assay_pattern *pat = NULL;
  assay_error err;
  int rc = assay_pattern_new(&pat, src, NULL, &err);
  if (rc) return rc;
  *nwords = 0; /* of the first atom's regex test (flag tests go first) */
  for (int i = 0; pat->natoms > 0 && i < pat->atoms[0].ntests; i++)
    if (pat->atoms[0].tests[i].op == PAT_OP_RE ||
        pat->atoms[0].tests[i].op == PAT_OP_NRE) {
      *nwords = pat->atoms[0].tests[i].nwords;
      break;
    }
  int n = 0;
  rc = assay_pattern_scan(pat, doc, count_match, &n, &err);
  assay_pattern_free(pat);
  return rc < 0 ? rc : n;
}

/* Formats matches "first-last" and rejects every third one when asked
 * (PAT_REJECT: the scan goes on from the token after its start). */
typedef struct trail {
  char s[4096];
  size_t n;
  int seen, reject;
} trail;

static int record(void *ud, const assay_pattern_match *m) {
  trail *t = ud;
  if (t->n < sizeof t->s)
    t->n += (size_t)snprintf(t->s + t->n, sizeof t->s - t->n, " %u-%u",
                             (unsigned)m->first, (unsigned)m->last);
  return t->reject && ++t->seen % 3 == 0 ? PAT_REJECT : ASSAY_OK;
}

/* src compiled (a CHECK that it compiles); NULL when it does not. */
static assay_pattern *compiled(const char *src) {
  assay_pattern *pat = NULL;
  assay_error err;
  CHECK_INT(assay_pattern_new(&pat, src, NULL, &err), 0);
  return pat;
}

/* An index of doc, built. */
static pat_index *built_index(assay_doc *doc) {
  pat_index *ix = pat_index_new(NULL);
  CHECK(ix != NULL);
  if (ix) CHECK_INT(pat_index_build(ix, doc), 0);
  return ix;
}

/* A tokenized document of text (freed by the caller). */
static assay_doc *tokenized(const char *text) {
  assay_doc *doc = NULL;
  CHECK_INT(assay_doc_new(&doc, "t", text, strlen(text), NULL, NULL), 0);
  if (doc) CHECK_INT(assay_doc_tokenize(doc, NULL), 0);
  return doc;
}

/* The labels of atoms[0, n) of pat, space-separated, each followed by its
 * window " lo..hi" when lo is given, into out. */
static void atom_labels(const assay_pattern *pat, const int *atoms,
                        const int *lo, const int *hi, int n, char *out,
                        size_t size) {
  size_t len = 0;
  out[0] = '\0';
  for (int k = 0; k < n && len < size; k++) {
    len += (size_t)snprintf(out + len, size - len, "%s%s", k ? " " : "",
                            pat->atoms[atoms[k]].label);
    if (lo && len < size)
      len += (size_t)snprintf(out + len, size - len, " %d..%d", lo[k], hi[k]);
  }
}

/* pat's matches on doc, plainly and from the index ix: the same.  Returns
 * the length of the plain scan's trail (0: no match). */
static size_t scans_agree(assay_pattern *pat, assay_doc *doc, pat_index *ix,
                          const char *src, int reject) {
  assay_error err;
  trail plain = {.reject = reject}, fast = {.reject = reject};
  CHECK_INT(pat_scan(pat, doc, 0, record, &plain, &err), 0);
  CHECK_INT(pat_scan_indexed(pat, doc, ix, 0, record, &fast, &err), 0);
  if (strcmp(plain.s, fast.s))
    fprintf(stderr, "%s: plain [%s] indexed [%s]\n", src, plain.s, fast.s);
  CHECK_STR(fast.s, plain.s);
  return plain.n;
}

/* scans_agree with and without rejections, and some matches. */
static void check_scans(assay_pattern *pat, assay_doc *doc, pat_index *ix,
                        const char *src) {
  for (int reject = 0; reject < 2; reject++) {
    size_t n = scans_agree(pat, doc, ix, src, reject);
    if (!n) fprintf(stderr, "%s: no match\n", src);
    CHECK(n > 0);
  }
}

/* The matches of src with and without the index must be the same. */
static void same_with_index(const char *src, assay_doc *doc,
                            pat_index *ix, int reject) {
  assay_pattern *pat = NULL;
  assay_error err;
  CHECK_INT(assay_pattern_new(&pat, src, NULL, &err), 0);
  if (!pat) return;
  scans_agree(pat, doc, ix, src, reject);
  assay_pattern_free(pat);
}

/* The start memo: patterns whose first atoms have no lower form to look
 * up start where the memo's bits say, computed once per document and atom
 * and shared; the matches must be those of a plain scan. */
static void memo_cases(assay_doc *doc) {
  const char *srcs[] = {
      "[kind=number]",
      "[kind=number] 'and'",            /* shares the memo of [kind=number] */
      "[lower=/^(la|ne)s+t$/] 'year'",  /* lower only: once per form */
      "[lower=/^(la|ne)s+t$/]",
      "[shape=Xxxx] [lower=/^y/]",
      "[text=/^[A-Z]/] | 'unit' [kind=number]", /* memo bits and a key */
      "@nolayer | [kind=number]",       /* a layer the document lacks */
      "[lower!=/^the$/, kind=word] 'year'",
  };
  enum { N = sizeof srcs / sizeof srcs[0] };
  assay_pattern *pats[N] = {0};
  assay_error err;
  for (size_t i = 0; i < N; i++)
    CHECK_INT(assay_pattern_new(&pats[i], srcs[i], NULL, &err), 0);
  int nmemo = pat_assign_memo_ids(pats, N);
  /* first atoms: number, la|ne, shape, text, 'unit', the/word; anchors:
   * 'and', 'year' (twice), /^y/ */
  CHECK_INT(nmemo, 9);
  CHECK_INT(pats[1]->first_memo[0], pats[0]->first_memo[0]);
  CHECK_INT(pats[7]->anchor_memo, pats[2]->anchor_memo); /* 'year' */
  pat_index *ix = pat_index_new(NULL);
  CHECK(ix != NULL);
  CHECK_INT(pat_index_memo_init(ix, nmemo), 0);
  CHECK_INT(pat_index_build(ix, doc), 0);
  for (int round = 0; round < 2; round++) /* round 1: the memo is made */
    for (size_t i = 0; i < N; i++) {
      if (!pats[i]) continue;
      trail plain = {.reject = round}, fast = {.reject = round};
      CHECK_INT(pat_scan(pats[i], doc, 0, record, &plain, &err), 0);
      CHECK_INT(pat_scan_indexed(pats[i], doc, ix, 0, record, &fast, &err), 0);
      if (strcmp(plain.s, fast.s))
        fprintf(stderr, "memo %s: plain [%s] memo [%s]\n", srcs[i], plain.s,
                fast.s);
      CHECK_STR(fast.s, plain.s);
    }
  /* The regex cache kept what [lower=/^(la|ne)s+t$/] said of "last". */
  int said = -1;
  const pat_test *lanest = &pats[2]->atoms[0].tests[0];
  uint32_t last = pat_word_hash("last", 4), lost = pat_word_hash("lost", 4);
  CHECK_INT(pat_index_re_cached(ix, lanest->re_key, "last", 4, last, &said), 1);
  CHECK_INT(said, 1);
  CHECK_INT(pat_index_re_cached(ix, lanest->re_key, "lost", 4, lost, &said), 0);
  pat_index_re_store(ix, lanest->re_key, "lost", 4, lost, 0);
  CHECK_INT(pat_index_re_cached(ix, lanest->re_key, "lost", 4, lost, &said), 1);
  CHECK_INT(said, 0);
  /* The cache knows a regex by its text and options, not by the test's
   * address (a freed pattern's may be another's): the same regex in
   * another pattern shares its results, another regex or flag does not. */
  const char *kin[] = {"'x' [lower=/^(la|ne)s+t$/]", "[lower=/^(la|ne)s+t$/i]",
                       "[lower=/^(la|ne)s+t?$/]"};
  for (size_t k = 0; k < 3; k++) {
    assay_pattern *other = NULL;
    CHECK_INT(assay_pattern_new(&other, kin[k], NULL, &err), ASSAY_OK);
    const pat_atom *at = &other->atoms[other->natoms - 1];
    CHECK_INT(pat_index_re_cached(ix, at->tests[0].re_key, "last", 4, last,
                                  &said),
              k == 0);
    assay_pattern_free(other);
  }
  int fresh = 0;
  CHECK(pat_index_memo(ix, 0, &fresh) != NULL);
  CHECK_INT(fresh, 0); /* made by the first scan that needed it */
  CHECK(pat_index_memo(ix, nmemo, &fresh) == NULL); /* no such id */
  CHECK_INT(pat_index_build(ix, doc), 0);
  CHECK(pat_index_memo(ix, 0, &fresh) != NULL);
  CHECK_INT(fresh, 1); /* a new build forgets the bits */
  pat_index_free(ix);
  /* An empty document: no tokens, no memo, no match (and no memset on a
   * NULL table: UBSan watches). */
  assay_doc *empty = NULL;
  CHECK_INT(assay_doc_new(&empty, "e", "", 0, NULL, NULL), 0);
  CHECK_INT(assay_doc_tokenize(empty, NULL), 0);
  ix = pat_index_new(NULL);
  CHECK(ix != NULL);
  CHECK_INT(pat_index_memo_init(ix, nmemo), 0);
  CHECK_INT(pat_index_build(ix, empty), 0);
  CHECK(pat_index_memo(ix, 0, &fresh) == NULL);
  for (size_t i = 0; i < N; i++) {
    trail none = {.reject = 0};
    if (pats[i])
      CHECK_INT(pat_scan_indexed(pats[i], empty, ix, 0, record, &none, &err), 0);
    CHECK_INT((int)none.n, 0);
  }
  pat_index_free(ix);
  assay_doc_free(empty);
  for (size_t i = 0; i < N; i++) assay_pattern_free(pats[i]);
}

/* The pack's key ids: one per lower form whatever pattern or test holds
 * it (a text test's key is its lower form), and the first token of each
 * looked up once per document: the answers must follow the document the
 * index was last built for, and scans from them find a plain scan's. */
static void key_id_cases(void) {
  const char *srcs[] = {
      "'said' 'it'",
      "[lower=/^(said|says|told)$/] 'so'",
      "[text=Says] 'who'",
      "'the' 'year' | 'said'",
  };
  enum { N = sizeof srcs / sizeof srcs[0] };
  assay_pattern *pats[N] = {0};
  for (size_t i = 0; i < N; i++) pats[i] = compiled(srcs[i]);
  for (size_t i = 0; i < N; i++)
    if (!pats[i]) return;
  /* said, it, says, told, so, who, the, year */
  CHECK_INT((int)pat_assign_key_ids(pats, N), 8);
  const pat_key *said = &pats[0]->atoms[0].keys[0];
  const pat_key *set = pats[1]->atoms[0].keys; /* said, says, told */
  const pat_key *says = &pats[2]->atoms[0].keys[0];
  CHECK_INT(pats[1]->atoms[0].nkeys, 3);
  CHECK_INT((int)set[0].id, (int)said->id);
  CHECK_INT((int)says->id, (int)set[1].id);
  CHECK(said->id != says->id && set[2].id != said->id && set[2].id != says->id);
  CHECK_INT((int)pats[3]->atoms[pats[3]->natoms - 1].keys[0].id, (int)said->id);
  for (size_t i = 0; i < N; i++)
    for (int k = 0; k < pats[i]->natoms; k++)
      for (int j = 0; j < pats[i]->atoms[k].nkeys; j++)
        CHECK(pats[i]->atoms[k].keys[j].id >= 1 &&
              pats[i]->atoms[k].keys[j].id <= 8);
  /* Two documents of the same length, with the words in other places. */
  assay_doc *a = tokenized("He said it. Says who? The year told so.");
  assay_doc *b = tokenized("Says who? The year. He told so, said it.");
  pat_index *ix = pat_index_new(NULL);
  CHECK(ix != NULL && a && b);
  if (!ix || !a || !b) return;
  CHECK_INT(pat_index_keys_init(ix, 8), 0);
  CHECK(pat_index_first(ix, said) == UINT32_MAX); /* nothing built */
  assay_doc *order[] = {a, b, a};
  uint32_t said_at[] = {1, 10, 1}, says_at[] = {4, 0, 4};
  for (size_t d = 0; d < 3; d++) {
    CHECK_INT(pat_index_build(ix, order[d]), 0);
    for (int twice = 0; twice < 2; twice++) { /* looked up, then kept */
      CHECK_INT((int)pat_index_first(ix, said), (int)said_at[d]);
      CHECK_INT((int)pat_index_first(ix, says), (int)says_at[d]);
      CHECK_INT((int)pat_index_first(ix, &set[0]), (int)said_at[d]);
    }
    for (size_t i = 0; i < N; i++) {
      assay_error err;
      trail plain = {.reject = 0}, fast = {.reject = 0};
      CHECK_INT(pat_scan(pats[i], order[d], 0, record, &plain, &err), 0);
      CHECK_INT(pat_scan_indexed(pats[i], order[d], ix, 0, record, &fast, &err),
                0);
      CHECK(plain.n > 0);
      CHECK_STR(fast.s, plain.s);
    }
  }
  pat_index_free(ix);
  assay_doc_free(a);
  assay_doc_free(b);
  for (size_t i = 0; i < N; i++) assay_pattern_free(pats[i]);
}

/* A pattern that passes <s> before any token starts only at sentence
 * starts; one with a path around <s> starts anywhere. */
static void bos_cases(assay_doc *doc) {
  struct {
    const char *src;
    int bos_only, matches;
  } cases[] = {
      {"<s> . 'year'", 1, 2}, /* "The year", "Last year" */
      /* ... and "Élysée said the year", "The the the year" */
      {"<s> ( . [kind=word]*? ):x 'year'", 1, 4},
      {"( <s> 'the' | <s> 'last' ) 'year'", 1, 2},
      {"<s>? 'the' 'year'", 0, 5},
      {"'the' 'year' | <s> 'last'", 0, 6},
      {"<s> 'the'", 1, 2},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    assay_pattern *pat = compiled(cases[i].src);
    if (!pat) continue;
    int n = 0;
    assay_error err;
    CHECK_INT(pat->bos_only, cases[i].bos_only);
    CHECK_INT(assay_pattern_scan(pat, doc, count_match, &n, &err), 0);
    if (n != cases[i].matches)
      fprintf(stderr, "%s: %d matches\n", cases[i].src, n);
    CHECK_INT(n, cases[i].matches);
    assay_pattern_free(pat);
  }
}

/* The anchor: an atom every match passes at a bounded distance from its
 * start; with an index, matches start only in the windows before it. */
static void anchor_cases(assay_doc *doc) {
  struct {
    const char *src;
    const char *anchor; /* its label, NULL: none */
    int lo, hi;
    int back; /* found by a backward run (vm_back_windows) */
  } cases[] = {
      {"'the'? [lower=/^(la|ne)s+t$/] 'year'", "'year'", 1, 2, 0},
      /* a finite regex is a word set: as telling as a literal, nearer */
      {"'the'? [lower=/^(la|ne)st$/] 'year'", "[lower=/^(la|ne)st$/]", 0, 1,
       0},
      {"[kind=word]{0,3} 'year'", "'year'", 0, 3, 0},
      {"[kind=word]* 'year'", "'year'", 0, 0, 1}, /* unbounded before it */
      {"[kind=word]+ 'year'", "'year'", 0, 0, 1},
      {"'the' | 'year'", NULL, 0, 0, 0},          /* on no path of both */
      {"'year'", NULL, 0, 0, 0},                  /* the start itself */
      {"[!sent_start] [!sent_start] 'year'", "'year'", 2, 2, 0},
      {"[kind=word] [kind=number]", "[kind=number]", 1, 1, 0},
      {"[kind=word] [!sent_start]", NULL, 0, 0, 0}, /* negations only */
      {"[kind=word] @actor 'year'", "@actor", 1, 1, 0}, /* after a layer */
      {"( 'the' | 'a' ) [kind=word]? ( 'year' | 'unit' 'year' )", "'year'", 1,
       3, 0},
      {"[kind=word]+ [kind=number]", NULL, 0, 0, 0}, /* no literal to run from */
      /* what most tokens pass makes no anchor: the word kind, case */
      {"[kind=number] [kind=word, lower_case]", NULL, 0, 0, 0},
      {"[kind=number] [title, !headline]", NULL, 0, 0, 0},
      {"[kind=word] [digit]", "[digit]", 1, 1, 0},
      {"<s> [kind=word]* 'year'", NULL, 0, 0, 0},    /* sentence starts only */
      {"'year' [kind=word]* 'year'", NULL, 0, 0, 0}, /* 'year' starts it too */
  };
  pat_index *ix = built_index(doc);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    assay_pattern *pat = compiled(cases[i].src);
    if (!pat) continue;
    const char *got = pat->anchor >= 0 ? pat->atoms[pat->anchor].label : NULL;
    if (!cases[i].anchor != !got || (got && strcmp(got, cases[i].anchor)))
      fprintf(stderr, "%s: anchor %s\n", cases[i].src, got ? got : "none");
    CHECK(!cases[i].anchor == !got);
    if (got && cases[i].anchor) {
      CHECK_STR(got, cases[i].anchor);
      CHECK_INT(pat->anchor_lo, cases[i].lo);
      CHECK_INT(pat->anchor_hi, cases[i].hi);
      CHECK_INT(pat->anchor_back, cases[i].back);
    }
    scans_agree(pat, doc, ix, cases[i].src, 0);
    assay_pattern_free(pat);
  }
  pat_index_free(ix);
}

/* A cut (pattern.h): when no single atom anchors a pattern, literals and
 * word sets of no stop word one of which every match passes anchor it
 * together, the fewest words kept.  The labels taken, their window, and
 * matches the same as a plain scan's. */
static void cut_cases(void) {
  const char *text =
      "Three weeks ago the firm said, a year earlier, that two days later "
      "it would act; years from now it will. Two days. The weeks ago, "
      "three weeks later and two years from now. The first quarter and "
      "second half.";
  struct {
    const char *src;
    const char *cut; /* its labels, space-separated; NULL: none */
    int lo, hi;
  } cases[] = {
      /* the words after the numbers and units, fewer than those */
      {"( [lower=/^(two|three)$/] [lower=/^(weeks|days)$/] | "
       "[lower=/^(years|weeks)$/] ) ( 'ago' | 'earlier' | 'from' 'now' )",
       "'ago' 'earlier' 'now'", 1, 3},
      /* a match may end before its optional last part */
      {"( 'two' | 'three' ) ( 'days' | 'weeks' ) 'ago'?", "'days' 'weeks'", 1,
       1},
      /* 'a' is a stop word */
      {"( 'a' | 'two' ) ( 'year' | 'days' ) ( 'earlier' | 'later' )",
       "'earlier' 'later'", 2, 2},
      {"( 'two' | 'three' ) ( 'days' | 'weeks' ) ( 'ago' | [kind=punct] )",
       "'days' 'weeks'", 1, 1},
      {"'the'? ( 'first' | 'second' ) ( 'quarter' | 'half' )",
       "'quarter' 'half'", 1, 2},
      /* one atom every match passes anchors alone */
      {"( 'two' | 'three' ) 'days' ( 'ago' | 'later' )", NULL, 0, 0},
      /* stop words only, unbounded before them, or the start itself */
      {"( 'the' | 'a' ) [kind=word]", NULL, 0, 0},
      {"[kind=word]+ ( 'ago' | 'later' )", NULL, 0, 0},
      {"'ago' | 'later'", NULL, 0, 0},
  };
  assay_doc *doc = tokenized(text);
  pat_index *ix = built_index(doc);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    assay_pattern *pat = compiled(cases[i].src);
    if (!pat) continue;
    char got[256];
    atom_labels(pat, pat->cut, NULL, NULL, pat->ncut, got, sizeof got);
    if (!cases[i].cut != !pat->ncut ||
        (cases[i].cut && strcmp(got, cases[i].cut)))
      fprintf(stderr, "%s: cut [%s]\n", cases[i].src, got);
    CHECK_STR(got, cases[i].cut ? cases[i].cut : "");
    if (cases[i].cut) {
      CHECK_INT(pat->anchor, -1);
      CHECK_INT(pat->anchor_lo, cases[i].lo);
      CHECK_INT(pat->anchor_hi, cases[i].hi);
    }
    check_scans(pat, doc, ix, cases[i].src);
    assay_pattern_free(pat);
  }
  pat_index_free(ix);
  assay_doc_free(doc);
}

/* Filters: beside the anchor (or cut), the next atoms every match passes
 * a bounded distance after its start narrow the starts tried.  Checks
 * the filters chosen and their windows, and that scans find what plain
 * ones do, without and with the start memo (which a pack's patterns
 * share). */
static void filter_cases(void) {
  const char *text =
      "Leeds 2 Chelsea 1 and Kent 83 and 174 , Essex 296 . Mr Smith met "
      "Jones 3 times in May 2014 . The first quarter of 2015 , the second "
      "half of 2016 and 12 May 2014 . 4 Kent Leeds 5 Essex .";
  struct {
    const char *src;
    const char *filters; /* label lo..hi, space-separated; "": none */
  } cases[] = {
      /* the numbers narrow the capitalised words' windows */
      {"( [kind=word, text=/^[A-Z][a-z]+$/]{1,3} ):a [kind=number] "
       "( 'and' [kind=number] )? ','? ( [kind=word, text=/^[A-Z][a-z]+$/]{1,3} ):b "
       "[kind=number]",
       "[kind=number] 1..10"},
      /* the word set anchors; 'of' and the number after it filter */
      {"'the' ( 'first' | 'second' ) [lower=/^(quarter|half)$/] 'of' "
       "[kind=number]",
       "'of' 3..3 [kind=number] 4..4"},
      /* a cut anchors; the atom it beat filters (both of its places) */
      {"[kind=number] ( 'may' | 'june' ) [kind=number]",
       "[kind=number] 0..2"},
      /* nothing beside the anchor is bounded: no filter */
      {"'met' [kind=word]+ [kind=number]", ""},
  };
  assay_doc *doc = tokenized(text);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    assay_pattern *pat = compiled(cases[i].src);
    if (!pat) continue;
    char got[256];
    atom_labels(pat, pat->filt, pat->filt_lo, pat->filt_hi, pat->nfilt, got,
                sizeof got);
    if (strcmp(got, cases[i].filters))
      fprintf(stderr, "%s: filters [%s]\n", cases[i].src, got);
    CHECK_STR(got, cases[i].filters);
    if (*cases[i].filters) CHECK(pat->anchor >= 0 || pat->ncut > 0);
    for (int memo = 0; memo < 2; memo++) {
      if (memo) CHECK(pat_assign_memo_ids(&pat, 1) > 0);
      pat_index *ix = built_index(doc); /* a new index: memos not made yet */
      check_scans(pat, doc, ix, cases[i].src);
      pat_index_free(ix);
    }
    assay_pattern_free(pat);
  }
  assay_doc_free(doc);
}

/* Text literals that are not ASCII are looked up in the index by the
 * lower form the tokenizer makes ("’S" -> "’s", "ÉLAN" -> "élan"): each
 * gets keys, and scans find what plain ones do. */
static void non_ascii_key_cases(void) {
  const char *text = "Sony’s film — “The Interview” — and ÉLAN’S ad. "
                     "Élan said so – twice; SONY’S rivals didn’t.";
  const char *srcs[] = {
      "\"’s\"", "\"’S\"", "'—' [kind=word]", "\"Élan\"", "\"ÉLAN\"",
      "[text=/^(“|”)$/]", "( '—' | '–' ) [kind=word]", "[kind=word] \"’s\" [kind=word]",
  };
  assay_doc *doc = tokenized(text);
  pat_index *ix = built_index(doc);
  for (size_t i = 0; i < sizeof srcs / sizeof *srcs; i++) {
    assay_pattern *pat = compiled(srcs[i]);
    if (!pat) continue;
    int keyed = 0;
    for (int k = 0; k < pat->natoms; k++) keyed += pat->atoms[k].nkeys > 0;
    if (!keyed) fprintf(stderr, "%s: no keys\n", srcs[i]);
    CHECK(keyed > 0);
    check_scans(pat, doc, ix, srcs[i]);
    assay_pattern_free(pat);
  }
  pat_index_free(ix);
  assay_doc_free(doc);
}

/* Adds an annotation over the first occurrence of `what` in the text,
 * with attribute key=value when key is set. */
static void annotate(assay_doc *doc, const char *text, const char *layer,
                     const char *what, const char *key, const char *value) {
  const char *at = strstr(text, what);
  CHECK(at != NULL);
  if (!at) return;
  assay_annotation *ann = NULL;
  uint32_t start = (uint32_t)(at - text);
  CHECK_INT(assay_doc_annotate(doc, layer, start,
                               start + (uint32_t)strlen(what), "t", 0, &ann),
            0);
  if (ann && key) CHECK_INT(assay_annotation_set_string(ann, key, value), 0);
}

/* Backward anchors (an anchor an unbounded distance after the start):
 * matches start only where a backward run from the anchor reaches the
 * program's start; through loops, optional parts, @layer steps over
 * several tokens, `<s>` and `</s>`, and @layer anchors whose instructions
 * test different attributes.  Every pattern must find exactly the matches
 * of a plain scan, and find some. */
static void back_cases(void) {
  const char *text =
      "Officials at the agency, speaking privately on Monday, said the plan "
      "failed. The minister, however, told reporters the vote was over. "
      "Smith and Jones said nothing on Friday; Brown said so. Said the man: "
      "no. The plan said little.";
  assay_doc *doc = tokenized(text);
  annotate(doc, text, "date", "on Monday", NULL, NULL);
  annotate(doc, text, "date", "Friday", NULL, NULL);
  annotate(doc, text, "actor", "the agency", "kind", "org");
  annotate(doc, text, "actor", "Smith", "kind", "person");
  annotate(doc, text, "actor", "Brown", "kind", "person");
  annotate(doc, text, "cue", "said the", "lemma", "say");
  annotate(doc, text, "cue", "told reporters", "lemma", "tell");
  annotate(doc, text, "cue", "said nothing", "lemma", "say");
  annotate(doc, text, "cue", "said so", "lemma", "say");
  annotate(doc, text, "cue", "said little", "lemma", "say");
  pat_index *ix = built_index(doc);
  const char *srcs[] = {
      "[kind=word]* 'said'",
      "[kind=word]+ ','? [kind=word]* 'said'",
      "( [kind=word] | ',' )+ @date? ','? @cue{lemma=say}",
      "[kind=word]{1,3} ( ',' [kind=word]+ ',' )? ( @date | 'on' )* "
      "( @cue{lemma=say} | @cue{lemma=tell} )",
      "<s>? [kind=word]+ ( ',' [kind=word] ',' )? @cue",
      "[kind=word]+ @cue [kind=word]* [kind=punct]? </s>",
      "@actor [kind=word]* @cue{lemma=say}",
      "( @actor | [kind=word] )+ ( </s> | ',' )? @cue",
      "( [kind=word] </s>? )+ 'said'",
      "'the' [kind=word]* 'plan'",
      "( [kind=word] | @date )* 'said' [kind=word]",
  };
  for (size_t i = 0; i < sizeof srcs / sizeof srcs[0]; i++) {
    assay_pattern *pat = compiled(srcs[i]);
    if (!pat) continue;
    if (!pat->anchor_back) fprintf(stderr, "%s: no backward anchor\n", srcs[i]);
    CHECK_INT(pat->anchor_back, 1);
    check_scans(pat, doc, ix, srcs[i]);
    assay_pattern_free(pat);
  }
  pat_index_free(ix);
  assay_doc_free(doc);
}

static void index_cases(void) {
  const char *text =
      "The year ended. Last year the Year of the Rat began; this year, "
      "next year and the year after. \xC3\x89lys\xC3\xA9" "e said the year "
      "was over. YEAR. Unit 7 and unit 9 and Unit 8. The the the year.";
  assay_doc *doc = tokenized(text);
  pat_index *ix = built_index(doc);
  CHECK(pat_index_covers(ix, doc));
  const char *pats[] = {
      "'year'",
      "'the' 'year'",
      "'the'? 'year'",
      "'the'+ 'year'",
      "[lower=/^(last|next|this)$/] 'year'",
      "( 'last' | 'next' ) 'year' | 'the' 'year'",
      "\"Unit\" [kind=number]",
      "[text=Unit] [kind=number]",
      "\"YEAR\"",
      "'\xC3\xA9lys\xC3\xA9" "e' 'said'",
      "\"\xC3\x89lys\xC3\xA9" "e\"",
      "[lower=the, !sent_start] [kind=word]",
      "<s> 'the' .",
      "'nowhere' 'year'",
      ". 'year'",
      "[kind=number]",
      "/^()$/",             /* text keys with an empty word (fuzz_pattern) */
      "[text=/^(|YEAR)$/]",
  };
  for (size_t i = 0; i < sizeof pats / sizeof pats[0]; i++) {
    same_with_index(pats[i], doc, ix, 0);
    same_with_index(pats[i], doc, ix, 1);
  }
  memo_cases(doc);
  bos_cases(doc);
  anchor_cases(doc);
  /* An index of another document is not used. */
  assay_doc *other = NULL;
  CHECK_INT(assay_doc_new(&other, "o", "year", 4, NULL, NULL), 0);
  CHECK_INT(assay_doc_tokenize(other, NULL), 0);
  CHECK(!pat_index_covers(ix, other));
  same_with_index("'year'", other, ix, 0);
  assay_doc_free(other);
  pat_index_free(ix);
  assay_doc_free(doc);
}

/* An anchored regex (first-byte prefilter) and the same regex anchored
 * with a lookbehind PCRE2 does not see as an anchor must agree. */
static void first_byte_cases(void) {
  const char *text = "On 12/31/86 and 1/2/1987 the mid-year report, Mid-March "
                     "talks and 3rd-quarter results: \xC3\xA9t\xC3\xA9 "
                     "ended; tomorrow, then -5 and 1990s data.";
  assay_doc *doc = tokenized(text);
  const char *bodies[] = {
      "(0?[1-9]|1[0-2])\\/(0?[1-9]|[12][0-9]|3[01])\\/([0-9]{2}|[0-9]{4})$",
      "mid-[a-z0-9.]+$", "t.*$", "\\d+s$", "[^a-z]", "-?\\d", "\\p{Ll}+$",
      "(?i)MID", "\\xE9t", "(|x)", "",
  };
  const char *shapes[] = {"[text=/%s%s/]", "[lower=/%s%s/]",
                          "[lower!=/%s%s/, kind=word]", "[text=/%s%s/i]"};
  for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++)
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
      char a[256], b[256];
      int nw = 0;
      snprintf(a, sizeof a, shapes[k], "^", bodies[i]);
      snprintf(b, sizeof b, shapes[k], "(?<![\\s\\S])", bodies[i]);
      int na = count(a, doc, &nw), nb = count(b, doc, &nw);
      if (na != nb) fprintf(stderr, "%s: %d, %s: %d\n", a, na, b, nb);
      CHECK(na >= 0);
      CHECK_INT(na, nb);
    }
  assay_pattern *pat = NULL;
  assay_error err;
  CHECK_INT(assay_pattern_new(&pat, "[lower=/^mid-[a-z0-9.]+$/]", NULL, &err),
            0);
  if (pat) {
    const pat_test *t = &pat->atoms[0].tests[0];
    CHECK_INT(t->has_first, 0); /* made at the first use */
    pat_test_ready(t);
    CHECK_INT(t->has_first, 1);
    CHECK(t->first['m' >> 3] & (1u << ('m' & 7)));
    CHECK(!(t->first['x' >> 3] & (1u << ('x' & 7))));
    CHECK(!(t->first['M' >> 3] & (1u << ('M' & 7))));
    assay_pattern_free(pat);
  }
  CHECK_INT(assay_pattern_new(&pat, "[lower=/mid/]", NULL, &err), 0);
  if (pat) {
    pat_test_ready(&pat->atoms[0].tests[0]);
    CHECK_INT(pat->atoms[0].tests[0].has_first, 0); /* not anchored */
    assay_pattern_free(pat);
  }
  assay_doc_free(doc);
}

/* The required byte: a regex test skips strings without the byte every
 * match holds.  Which regexes get one, and scans that agree with PCRE2
 * run on every token (lower form or text) as the oracle. */
static void required_byte_cases(void) {
  struct {
    const char *re;
    int has_req;
    char req;
  } known[] = {
      {"/^([0-9]+|two)-(day|week)$/", 1, '-'},
      {"/^\\d+:\\d\\d$/", 1, ':'},
      {"/mid-/", 1, '-'},
      {"/^(a|b)z$/", 0, 0},   /* a letter: another case could stand for it */
      {"/^x:y$/i", 0, 0},     /* the last literal is a letter */
      {"/^\\d{1,2}$/", 0, 0}, /* no literal at all */
  };
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
    char src[128];
    snprintf(src, sizeof src, "[lower=%s]", known[i].re);
    assay_pattern *pat = compiled(src);
    if (!pat) continue;
    const pat_test *t = &pat->atoms[0].tests[0];
    pat_test_ready(t);
    if (t->has_req != known[i].has_req)
      fprintf(stderr, "%s: has_req %d\n", src, t->has_req);
    CHECK_INT(t->has_req, known[i].has_req);
    if (known[i].has_req) CHECK_INT(t->req, known[i].req);
    assay_pattern_free(pat);
  }
  const char *text = "A two-day trip, a 10-week wait, two day-long talks, "
                     "TWO-WEEK deals and TWO-DAY ones at 8:45 or 12:30, "
                     "x-day and -day; mid-year, \xC3\xA9t\xC3\xA9-day.";
  assay_doc *doc = tokenized(text);
  const char *bodies[] = {"^([0-9]+|two)-(day|week)$", "^\\d+:\\d\\d$",
                          "-day", "^\\p{L}+-(day|year)$"};
  const char *shapes[] = {"[lower=/%s/]", "[text=/%s/]", "[text=/%s/i]",
                          "[lower!=/%s/, kind=word]"};
  size_t ntok = 0;
  const assay_token *toks = doc ? assay_doc_tokens(doc, &ntok) : NULL;
  for (size_t i = 0; doc && i < sizeof bodies / sizeof bodies[0]; i++)
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
      char src[160];
      snprintf(src, sizeof src, shapes[k], bodies[i]);
      int code;
      PCRE2_SIZE off;
      pcre2_code *re = pcre2_compile(
          (PCRE2_SPTR)bodies[i], PCRE2_ZERO_TERMINATED,
          PCRE2_UTF | PCRE2_UCP | (k == 2 ? PCRE2_CASELESS : 0), &code, &off,
          NULL);
      pcre2_match_data *md =
          re ? pcre2_match_data_create_from_pattern(re, NULL) : NULL;
      CHECK(re && md);
      int want = 0;
      for (size_t j = 0; re && md && j < ntok; j++) {
        const char *s = k == 0 || k == 3 ? toks[j].lower
                                         : assay_doc_text(doc, NULL) + toks[j].start;
        size_t n = k == 0 || k == 3 ? strlen(toks[j].lower)
                                    : toks[j].end - toks[j].start;
        int hit = pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, md, NULL) >= 0;
        want += k == 3 ? !hit && toks[j].kind == ASSAY_TOKEN_WORD : hit;
      }
      int nw = 0, got = count(src, doc, &nw);
      if (got != want) fprintf(stderr, "%s: %d, PCRE2: %d\n", src, got, want);
      CHECK(want > 0);
      CHECK_INT(got, want);
      pcre2_match_data_free(md);
      pcre2_code_free(re);
    }
  assay_doc_free(doc);
}

/* ---- finite regexes (pattern_words.c) against PCRE2 ---------------- */

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

typedef struct probe_ctx {
  pcre2_code *re;
  pcre2_match_data *md;
  const char **sorted; /* the set's words, sorted */
  int n;
  const char *src;
  int bad;
} probe_ctx;

/* The set and PCRE2 must say the same of s (PCRE2_UTF: only valid UTF-8
 * subjects; probes are ASCII but for the words themselves). */
static void probe(probe_ctx *c, const char *s, size_t len) {
  char buf[300];
  if (len >= sizeof buf) return;
  memcpy(buf, s, len);
  buf[len] = '\0';
  const char *key = buf;
  int in = bsearch(&key, c->sorted, (size_t)c->n, sizeof *c->sorted,
                   cmp_str) != NULL;
  int rc = pcre2_match(c->re, (PCRE2_SPTR)buf, len, 0, 0, c->md, NULL);
  if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) return; /* not valid UTF-8 */
  if (in != (rc >= 0) && c->bad++ < 5)
    fprintf(stderr, "%s on \"%s\": set %d, pcre2 %d\n", c->src, buf, in,
            rc >= 0);
  CHECK_INT(in, rc >= 0);
}

/* Every word, every string of up to 3 characters of the regex's own
 * alphabet (and 'x'), and each of the first words with one character
 * changed, dropped or added. */
static void finite_agrees(const char *src) {
  pat_words w;
  CHECK_INT(pat_regex_words(NULL, src, strlen(src), &w), 1);
  if (!w.buf) {
    fprintf(stderr, "%s: not a word set\n", src);
    return;
  }
  int code;
  PCRE2_SIZE off;
  probe_ctx c = {.src = src};
  c.re = pcre2_compile((PCRE2_SPTR)src, strlen(src), PCRE2_UTF | PCRE2_UCP,
                       &code, &off, NULL);
  CHECK(c.re != NULL);
  c.md = c.re ? pcre2_match_data_create_from_pattern(c.re, NULL) : NULL;
  c.sorted = malloc((size_t)w.n * sizeof *c.sorted);
  if (!c.re || !c.md || !c.sorted) goto done;
  const char *p = w.buf;
  for (int i = 0; i < w.n; i++, p += strlen(p) + 1) c.sorted[i] = p;
  c.n = w.n;
  qsort(c.sorted, (size_t)c.n, sizeof *c.sorted, cmp_str);
  for (int i = 1; i < c.n; i++) CHECK(strcmp(c.sorted[i - 1], c.sorted[i]));
  char abc[128];
  size_t na = 0;
  abc[na++] = 'x';
  for (const char *q = src; *q; q++)
    if (*q > 0x20 && *q < 0x7f && !memchr(abc, *q, na)) abc[na++] = *q;
  char s[300];
  probe(&c, "", 0);
  for (size_t a = 0; a < na; a++) {
    s[0] = abc[a];
    probe(&c, s, 1);
    for (size_t b = 0; b < na; b++) {
      s[1] = abc[b];
      probe(&c, s, 2);
      for (size_t d = 0; d < na; d++) {
        s[2] = abc[d];
        probe(&c, s, 3);
      }
    }
  }
  for (int i = 0; i < c.n; i++) {
    size_t len = strlen(c.sorted[i]);
    probe(&c, c.sorted[i], len);
    if (i >= 300) continue;
    for (size_t k = 0; k <= len; k++)
      for (size_t a = 0; a < na; a++) {
        memcpy(s, c.sorted[i], len);
        if (k < len) { /* changed, dropped */
          s[k] = abc[a];
          probe(&c, s, len);
          memmove(s + k, s + k + 1, len - k - 1);
          probe(&c, s, len - 1);
        }
        memcpy(s, c.sorted[i], k); /* added */
        s[k] = abc[a];
        memcpy(s + k + 1, c.sorted[i] + k, len - k);
        probe(&c, s, len + 1);
      }
  }
done:
  free(c.sorted);
  pcre2_match_data_free(c.md);
  pcre2_code_free(c.re);
  mem_free(NULL, w.buf, w.len);
}

static void finite_cases(void) {
  const char *finite[] = {
      "^(1[5-9]|20)[0-9]0s?$",
      "^([01]?[0-9]|2[0-3]):[0-5]0$",
      "^(1[5-9][0-9]|20[0-9])$",
      "^(first|second|third|fourth)-quarter$",
      "^(a\\.m\\.?|p\\.m\\.?|am|pm)$",
      "^[aApP]\\.?[mM]\\.?$",
      "^(sa(id)?|so)?$",
      "^((a|b){2}|c){1,2}$",
      "^[-a-c]{0,2}x?$", "^[.,;]$", "^[.]$", "^[:a]{2}$",
      "^[a-c-]$",
      "^(\\(|\\)|\\[|\\]|\\{|\\}|\\||\\^|\\$|\\*|\\+|\\?|\\\\)[.,;]$",
      "^()$", "^$", "^(|x)$", "^(?:)?$",
      "^x{0}y{2,3}$",
      "^(?:ab|a)(?:bc|c)$",
      "^[ #]x&$",
      "^(\xC3\xA9|e)(s|\xC3\xA9)?$",
      "^((((((((((((((((a))))))))))))))))$", /* 16 deep */
      "^(ten|twenty)(-(one|two))?$",
      "^[0-9](:[0-5]0)?$",
      "^[a-p]{2}$", /* a product of 256: at the cap */
  };
  for (size_t i = 0; i < sizeof finite / sizeof finite[0]; i++)
    finite_agrees(finite[i]);
  const char *refused[] = {
      "^a+$", "^a*$", "^[^a]$", "^a|b$", "^a??$", "^a?+$", "^a{1,2}{3}$",
      "^a{1}?$", "^(a)\\1$", "^\\d$", "^\\w$", "^.$", "^a{2,}$", "^a{,2}$",
      "^a{3,2}$", "^a{x}$", "^[z-a]$", "^[a-Z]$", "^[0-z]$", "^[]a]$",
      "^[a-c-e]$", "^[[:digit:]]$", "^[.a.]$", "^[=a=]$", "^[:a:]$", "^[a\\d]$", "^[a", "^(a$", "^a)$",
      "^(?i)a$", "^(?=a)a$", "^(*UTF)a$", "^\xC3\xA9?$", "^[\xC3\xA9]$",
      "^a$b$", "a$", "^a", "^a\\$", "^\\", "^", "",
      "^[0-9]{4}[0-9]$",                  /* 100000 words */
      "^[0-9]{1,2}([:.][0-5][0-9])?$",    /* 13310 words */
      "^a{256}$", "^(aaaa){64}$",         /* a word over 255 bytes */
      "^((){99}){99}$",                   /* too large for PCRE2 */
      "^(((((((((((((((((a)))))))))))))))))$", /* 17 deep */
      "^(a|b|c|d){1,255}$",               /* too many words on the way */
      "^([01]?[0-9]|2[0-3]):[0-5][0-9]$", /* products past 256 words */
      "^(1[5-9][0-9][0-9]|20[0-9][0-9])$", "^[0-9](:[0-5][0-9])?$",
      "^[a-p]{2}x?$", "^[a-q][a-p]$",
      "^\t$",
  };
  for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
    pat_words w;
    int rc = pat_regex_words(NULL, refused[i], strlen(refused[i]), &w);
    if (rc) fprintf(stderr, "%s: %d words\n", refused[i], w.n);
    CHECK_INT(rc, 0);
    CHECK(w.buf == NULL);
  }
  /* A word list is no product: 1000 three-digit words are a set, past
   * RW_MAX_PRODUCT; the same list with 12-byte words passes the bound of
   * PCRE2's compiled size (pattern_words.c) and is refused. */
  static char big[1000 * 13 + 8];
  for (int wide = 0; wide <= 1; wide++) {
    size_t o = 0;
    big[o++] = '^';
    big[o++] = '(';
    for (int i = 0; i < 1000; i++)
      o += (size_t)snprintf(big + o, sizeof big - o, "%s%03d%s", i ? "|" : "",
                            i, wide ? "abcdefghi" : "");
    big[o++] = ')';
    big[o++] = '$';
    pat_words w;
    int rc = pat_regex_words(NULL, big, o, &w);
    CHECK_INT(rc, !wide);
    CHECK_INT(w.n, wide ? 0 : 1000);
    if (rc == 1) mem_free(NULL, w.buf, w.len);
  }
}

static int scan_count(const assay_pattern *pat, assay_doc *doc) {
  int n = 0;
  assay_error err;
  int rc = assay_pattern_scan(pat, doc, count_match, &n, &err);
  return rc < 0 ? rc : n;
}

/* The compiler's memo answers as pat_regex_words does, each time with a
 * copy of its own, for finite regexes, PCRE2 ones and the empty one; and
 * patterns made through it match as those made without. */
static void words_memo_cases(assay_doc *doc) {
  const char *res[] = {"^(said|says|told)$", "^(s.id|says)$", "^(a|as)$",
                       "", "^(said|says|told)$", "^(s.id|says)$", "^$"};
  pat_words_memo *m = pat_words_memo_new(NULL);
  CHECK(m != NULL);
  for (int round = 0; round < 2; round++)
    for (size_t i = 0; i < sizeof res / sizeof *res; i++) {
      pat_words plain, memo;
      int want = pat_regex_words(NULL, res[i], strlen(res[i]), &plain);
      CHECK_INT(pat_regex_words_memo(m, NULL, res[i], strlen(res[i]), &memo),
                want);
      CHECK_INT(memo.n, plain.n);
      CHECK_INT(memo.len, plain.len);
      CHECK(plain.len == memo.len &&
            (!plain.len || memcmp(plain.buf, memo.buf, plain.len) == 0));
      CHECK(!memo.buf || memo.buf != plain.buf);
      if (memo.buf) memo.buf[0] = 'X'; /* the caller's own: the memo keeps its */
      free(plain.buf);
      free(memo.buf);
    }
  const char *srcs[] = {"[lower=/^(said|says|told)$/]",
                        "'officials' [lower=/^(said|says|told)$/]",
                        "[lower=/^(s.id|says)$/]"};
  for (size_t i = 0; i < sizeof srcs / sizeof *srcs; i++) {
    assay_pattern *a = NULL, *b = NULL;
    assay_error err;
    CHECK_INT(assay_pattern_new(&a, srcs[i], NULL, &err), ASSAY_OK);
    CHECK_INT(pat_new(&b, srcs[i], NULL, &err, m), ASSAY_OK);
    int want = scan_count(a, doc);
    CHECK(want > 0);
    CHECK_INT(scan_count(b, doc), want);
    assay_pattern_free(a);
    assay_pattern_free(b);
  }
  pat_words_memo_free(m);
}

/* An allocator that keeps books: bytes and blocks handed out and not
 * given back. */
typedef struct books {
  long long live, blocks;
} books;

static void *booked(void *ud, void *ptr, size_t osize, size_t nsize) {
  books *b = ud;
  if (nsize == 0) {
    if (ptr) b->live -= (long long)osize, b->blocks--;
    free(ptr);
    return NULL;
  }
  void *p = realloc(ptr, nsize);
  if (!p) return NULL;
  if (!ptr) b->blocks++;
  b->live += (long long)nsize - (long long)(ptr ? osize : 0);
  return p;
}

/* The scratch memory an index lends its scans (pat_index_take): scans
 * that borrow find what the plain scan finds, the index keeps one buffer
 * a slot (the larger when two come back), lends only to its allocator's
 * patterns, and nothing is left when both are freed. */
static void scratch_cases(assay_doc *doc) {
  books bk = {0, 0}, other_bk = {0, 0};
  assay_allocator a = {booked, &bk}, other = {booked, &other_bk};
  pat_index *ix = pat_index_new(&a);
  CHECK(ix != NULL);
  CHECK_INT(pat_index_build(ix, doc), 0);
  CHECK(pat_index_lends(ix, &a));
  CHECK(!pat_index_lends(ix, &other));
  CHECK(!pat_index_lends(NULL, &a));
  long long built = bk.live;
  /* an anchored pattern (windows), captures (thread lists), a regex */
  const char *srcs[] = {"'officials' [lower=/^(said|says|told)$/]",
                        "( [title] ):who [lower=/^s.id$/]",
                        "[!sent_start]{1,3} 'told'", "[lower=/^s/]"};
  for (int round = 0; round < 3; round++)
    for (size_t i = 0; i < sizeof srcs / sizeof *srcs; i++) {
      assay_pattern *pat = NULL;
      assay_error err;
      CHECK_INT(assay_pattern_new(&pat, srcs[i], round == 2 ? &other : &a,
                                  &err),
                ASSAY_OK);
      trail plain = {.reject = 0}, lent = {.reject = 0};
      CHECK_INT(pat_scan(pat, doc, 0, record, &plain, &err), 0);
      CHECK_INT(pat_scan_indexed(pat, doc, ix, 0, record, &lent, &err), 0);
      if (strcmp(lent.s, plain.s))
        fprintf(stderr, "%s (round %d)\n", srcs[i], round);
      CHECK_STR(lent.s, plain.s);
      CHECK(plain.s[0] != '\0');
      assay_pattern_free(pat);
    }
  CHECK_INT(other_bk.live, 0); /* the other allocator's scans lent nothing */
  CHECK(bk.live > built);     /* the index holds what its scans gave back */
  /* a slot keeps the larger of two buffers given back */
  size_t size = 1;
  void *held = pat_index_take(ix, PAT_SCRATCH_STACK, &size);
  if (held) booked(&bk, held, size, 0);
  CHECK(pat_index_take(ix, PAT_SCRATCH_STACK, &size) == NULL);
  CHECK_INT((int)size, 0);
  long long before = bk.live;
  void *small = booked(&bk, NULL, 0, 64), *big = booked(&bk, NULL, 0, 256);
  pat_index_give(ix, PAT_SCRATCH_STACK, small, 64);
  pat_index_give(ix, PAT_SCRATCH_STACK, big, 256);
  CHECK(bk.live == before + 256);
  CHECK(pat_index_take(ix, PAT_SCRATCH_STACK, &size) == big);
  CHECK_INT((int)size, 256);
  pat_index_give(ix, PAT_SCRATCH_STACK, big, 256);
  small = booked(&bk, NULL, 0, 64);
  pat_index_give(ix, PAT_SCRATCH_STACK, small, 64); /* freed: 256 is kept */
  CHECK(bk.live == before + 256);
  pat_index_free(ix);
  CHECK(bk.live == 0 && bk.blocks == 0);
}

int main(void) {
  finite_cases();
  index_cases();
  back_cases();
  cut_cases();
  filter_cases();
  non_ascii_key_cases();
  first_byte_cases();
  required_byte_cases();
  const char *text = "Sony said it was hacked. The FBI says so, officials "
                     "told reporters. SAID nothing. Says who? Ash is a tree.";
  assay_doc *doc = tokenized(text);
  words_memo_cases(doc);
  key_id_cases();
  scratch_cases(doc);
  struct {
    const char *src;
    int matches, words; /* words: size of the set, 0 when PCRE2 runs */
  } cases[] = {
      {"[lower=/^(said|says|told)$/]", 5, 3},
      {"[lower=/^(?:said|says|told)$/]", 5, 3},
      {"[lower=/^said$/]", 2, 1},
      {"[text=/^(said|Says)$/]", 2, 2},          /* exact case on text */
      {"[text=/^(said|Says)$/i]", 4, 0},         /* caseless: PCRE2 */
      {"[lower=/^(s.id|says)$/]", 4, 0},         /* a metacharacter */
      {"[lower=/^(said|says)/]", 4, 0},          /* not anchored at the end */
      {"[lower=/(said|says)$/]", 4, 0},          /* nor at the start */
      {"[lower=/^(sa|id)$/]", 0, 2},             /* whole words only */
      {"[lower=/^(a|as)$/]", 1, 2},              /* "a", not "ash" */
      {"[lower=/^(is|)$/]", 1, 2},               /* an empty word */
      {"[lower!=/^(said|says|told)$/, kind=word]", 15, 3},
      {"'officials' [lower=/^(said|says|told)$/] 'reporters'", 1, 0},
      {"[lower=/^(so|who)$/] [kind=punct]", 2, 2},
      {"[lower=/^(so\\.|who|reporters\\.)$/]", 1, 3}, /* escaped '.' */
      {"[lower=/^(so\\,|who)$/]", 1, 2},
      {"[lower=/^(s\\w|who)$/]", 2, 0},                /* \\w: a class */
      /* finite regexes (pattern_words.c): groups, classes, `?`, `{m,n}` */
      {"[lower=/^sa(id|ys)$/]", 4, 2},
      {"[lower=/^sa(?:id|ys)$/]", 4, 2},
      {"[lower=/^sa[iy][ds]$/]", 4, 4},
      {"[lower=/^says?$/]", 2, 2},
      {"[lower=/^a{1,2}$/]", 1, 2},
      {"[lower=/^[a-p]{2}$/]", 0, 256},            /* a product at the cap */
      {"[lower=/^[a-z]{2}$/]", 3, 0},              /* 676: past it, PCRE2 */
      {"[lower=/^t(ol){1}d$/]", 1, 1},
      {"[lower=/^(s(a(i|y))?[ds])$/]", 4, 6},      /* nested groups */
      {"[lower=/^(sa(id)?|so)?$/]", 3, 4},         /* the empty word too */
      {"[lower=/^(said|said|s[a]id)$/]", 2, 1},    /* duplicates once */
      {"[text=/^[A-Z][A-Z]I$/]", 1, 0},            /* FBI; 676 words */
      {"[text=/^[A-H][A-H]I$/]", 1, 64},           /* FBI */
      {"[lower=/^(so|who)[?.,-]?$/]", 2, 10},
      {"[lower=/^[0-9a-z]$/]", 1, 36},             /* a */
      {"[lower=/^\\.{0}said$/]", 2, 1},
      {"[lower=/^(\xC3\xA9|said)$/]", 2, 2},        /* UTF-8 literals */
      {"[lower=/^(\xC3\xA9)?said$/]", 2, 2},        /* a group: all of it */
      {"[lower=/^sa[a-z-]d$/]", 2, 27},            /* `-` last is itself */
      /* refused: PCRE2 runs */
      {"[lower=/^sa[^x]d$/]", 2, 0},               /* a negated class */
      {"[lower=/^sa[a-z]+$/]", 4, 0},              /* unbounded */
      {"[lower=/^sa[a-z]*$/]", 4, 0},
      {"[lower=/^sa[a-z]{2,}$/]", 4, 0},
      {"[lower=/^sa(id|ys)$/i]", 4, 0},            /* caseless */
      {"[lower=/^[a-z]{4}$/]", 7, 0},              /* too many words */
      {"[lower=/^said|says$/]", 4, 0},             /* `(^said)|(says$)` */
      {"[lower=/^says??$/]", 2, 0},                /* lazy */
      {"[lower=/^says?+$/]", 2, 0},                /* possessive */
      {"[lower=/^(sa){1}?id$/]", 2, 0},            /* lazy too */
      {"[lower=/^\xC3\xA9?said$/]", 2, 0},           /* UTF-8 quantified */
      {"[lower=/^[\xC3\xA9s]aid$/]", 2, 0},          /* non-ASCII in a class */
      {"[lower=/^[[:alpha:]]{2}$/]", 3, 0},        /* POSIX class */
      {"[lower=/^sa[a-c-e]d$/]", 0, 0},            /* a `-` after a range */
      {"[lower=/^(?i)said$/]", 2, 0},
      {"[lower=/^\\d?said$/]", 2, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int words = -1;
    int n = count(cases[i].src, doc, &words);
    if (n != cases[i].matches || words != cases[i].words)
      fprintf(stderr, "case %s: %d matches, %d words\n", cases[i].src, n,
              words);
    CHECK_INT(n, cases[i].matches);
    CHECK_INT(words, cases[i].words);
  }
  assay_doc_free(doc);
  return check_summary();
}
