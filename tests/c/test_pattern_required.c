/*
 * test_pattern_required.c -- the required-layer shortcut of token patterns:
 * a pattern that cannot match without an `@layer` atom skips a document
 * where no annotation of that layer passes the atom, and finds exactly
 * the matches of a full scan otherwise; and the hashed word sets of
 * large literal alternations, against PCRE2 on the same alternation.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "pattern.h"

static int count_match(void *ud, const assay_pattern_match *m) {
  (void)m;
  ++*(int *)ud;
  return ASSAY_OK;
}

/* Matches of src over doc (negative: the status); *nlayers receives the
 * number of required layer atoms the compiler found. */
static int count(const char *src, assay_doc *doc, int *nlayers) {
  assay_pattern *pat = NULL;
  assay_error err;
  int rc = assay_pattern_new(&pat, src, NULL, &err);
  if (rc) return rc;
  *nlayers = pat->nrequired_layers;
  int n = 0;
  rc = assay_pattern_scan(pat, doc, count_match, &n, &err);
  assay_pattern_free(pat);
  return rc < 0 ? rc : n;
}

/* Matches of src over doc, and the size of its first test's word set. */
static int count_words(const char *src, assay_doc *doc, int *nwords,
                       int *hashed) {
  assay_pattern *pat = NULL;
  assay_error err;
  int rc = assay_pattern_new(&pat, src, NULL, &err);
  if (rc) return rc;
  *nwords = pat->atoms[0].tests[0].nwords;
  *hashed = pat->atoms[0].tests[0].wtab != NULL;
  int n = 0;
  rc = assay_pattern_scan(pat, doc, count_match, &n, &err);
  assay_pattern_free(pat);
  return rc < 0 ? rc : n;
}

/* A 31-word alternation (with a duplicate, counted once, and an empty
 * word) hashed, and the same one with `[d]+` in a word, which only PCRE2
 * can run. */
static void word_set_cases(void) {
  const char *text = "Sony said it was hacked. The FBI says so, officials "
                     "told reporters. SAID nothing. Says who? Ash is a tree.";
  assay_doc *doc = NULL;
  CHECK_INT(assay_doc_new(&doc, "w", text, strlen(text), NULL, NULL), 0);
  CHECK_INT(assay_doc_tokenize(doc, NULL), 0);
  const char *words = "alpha|beta|gamma|delta|epsilon|zeta|eta|theta|iota|"
                      "kappa|lambda|mu|nu|xi|omicron|pi|rho|sigma|tau|"
                      "upsilon|phi|chi|psi|omega|said|told|who|is|a|said|";
  const char *ops[] = {"lower=", "lower!=", "text=", "text!="};
  for (int o = 0; o < 4; o++) {
    char lit[512], re[512];
    snprintf(lit, sizeof lit, "[%s/^(%s)$/]", ops[o], words);
    snprintf(re, sizeof re, "[%s/^(%s|sai[d]+)$/]", ops[o], words);
    int nw = 0, hashed = 0, nw2 = 0, h2 = 0;
    int a = count_words(lit, doc, &nw, &hashed);
    int b = count_words(re, doc, &nw2, &h2);
    CHECK_INT(nw, 30);
    CHECK(hashed);
    CHECK_INT(nw2, 0); /* PCRE2 */
    CHECK_INT(a, b);
    if (o == 0) CHECK_INT(a, 6); /* said, told, SAID, who, is, a */
  }
  assay_doc_free(doc);
}

int main(void) {
  word_set_cases();
  const char *text = "Acme Corp said on Monday that Acme Corp will grow.";
  assay_doc *doc = NULL;
  CHECK_INT(assay_doc_new(&doc, "t", text, strlen(text), NULL, NULL), 0);
  CHECK_INT(assay_doc_tokenize(doc, NULL), 0);
  int nl = -1;

  /* No annotation of the layer at all: nothing, and the layer counted. */
  CHECK_INT(count("@org 'said'", doc, &nl), 0);
  CHECK_INT(nl, 1);
  /* An optional or alternative layer is not required. */
  CHECK_INT(count("@org? 'said'", doc, &nl), 1);
  CHECK_INT(nl, 0);
  CHECK_INT(count("( @org | 'Corp' ) 'said'", doc, &nl), 1);
  CHECK_INT(nl, 0);

  /* "Acme Corp" (bytes 0-9) as org{type=company}, the second one empty of
   * attributes. */
  assay_annotation *a = NULL, *b = NULL;
  CHECK_INT(assay_doc_annotate(doc, "org", 0, 9, "test", 0, &a), 0);
  CHECK_INT(assay_annotation_set_string(a, "type", "company"), 0);
  CHECK_INT(assay_doc_annotate(doc, "org", 30, 39, "test", 0, &b), 0);
  CHECK_INT(count("@org 'said'", doc, &nl), 1);
  CHECK_INT(nl, 1);
  CHECK_INT(count("@org 'will'", doc, &nl), 1);
  CHECK_INT(count("@org{type=company} 'said'", doc, &nl), 1);
  /* Annotations exist, but none passes the atom's test. */
  CHECK_INT(count("@org{type=bank} .", doc, &nl), 0);
  CHECK_INT(nl, 1);
  CHECK_INT(count("'said' . . . @org{type=company}", doc, &nl), 0);
  CHECK_INT(count("'that' @org", doc, &nl), 1);
  /* Two layers, one missing. */
  CHECK_INT(count("@org . . @day", doc, &nl), 0);
  CHECK_INT(nl, 2);
  /* A regex attribute test keeps the atom out of the shortcut (the scan
   * still decides). */
  CHECK_INT(count("@org{type=/^comp/} 'said'", doc, &nl), 1);
  CHECK_INT(nl, 0);
  /* A word set is not a regex any more (no PCRE2 behind it): the shortcut
   * takes it, and it says what the regex says. */
  CHECK_INT(count("@org{type=/^(company|bank)$/} 'said'", doc, &nl), 1);
  CHECK_INT(nl, 1);
  CHECK_INT(count("@org{type=/^(bank|fund)$/} 'said'", doc, &nl), 0);
  CHECK_INT(count("@org{type!=/^(bank|fund)$/} 'said'", doc, &nl), 1);
  /* A value may end with a newline, before which `$` matches. */
  CHECK_INT(assay_annotation_set_string(b, "type", "bank\n"), 0);
  CHECK_INT(count("@org{type=/^(bank|fund)$/} 'will'", doc, &nl), 1);
  CHECK_INT(count("@org{type=/^(ban[k]|fund)$/} 'will'", doc, &nl), 1);
  CHECK_INT(count("@org{type=/^(bank|fund)$/} 'said'", doc, &nl), 0);

  assay_doc_free(doc);
  return check_summary();
}
