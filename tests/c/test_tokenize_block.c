/*
 * test_tokenize_block.c -- the tokenizer's bulk machinery: words read
 * sixteen bytes at a time (so a token must not depend on where a text's
 * bytes fall against those windows or the text's end), the one block that
 * holds tokens, sentences, paragraphs and strings (and the arrays that
 * outgrow it), and the line and sentence-candidate lists that the sentence
 * pass reads.  Counts were taken from the tokenizer before these existed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assay.h"
#include "check.h"

/* Words on both sides of the 16-byte window, mixed case, digits, joiners
 * and a text end right after a word. */
static const char *const texts[] = {
    "A380 iPhone McDonald's SAID said. Mr. J. Smith met 4bn. x123 ABCdef Q3,",
    "abcdefghijklmno abcdefghijklmnop abcdefghijklmnopq ABCDEFGHIJKLMNOP "
    "Abcdefghijklmnop abcdefghijklmnoP 4Q Q4 q4 4q 1234567890123456 "
    "12345678901234567890, 3,000 9.5 U.S. Jong-un AT&T e@x.org",
    "See http://x.com or ftp:a, HTTPS: and www.x.org; 1,000 8:45 10, 7: "
    "I'm Sony's can't \"Yes,\" she said. (a) ... -- Boston, Mass. Wed. night",
    "Caf\xc3\xa9 na\xc3\xafve \xc3\x89tienne STRA\xc3\x9f" "E "
    "x\xcc\x81y End\xe2\x80\x99s 5\xe2\x80\x94 \xff\xfe bad",
    "Headline Of The Day\nThe first line of the story, which is long enough "
    "to be prose and not a headline at all, ends here. It goes on.\n\nNew "
    "paragraph. Dr. Who met U.S. officials. \"Quote.\" (Aside.) End!",
};

/* Tokenizes a text, checks the invariants every token list keeps, and
 * returns it. */
static assay_tokens *tokenize(assay_tokenizer *tz, const char *s, size_t n) {
  assay_tokens *tk = NULL;
  assay_error err;
  CHECK_INT(assay_tokenize(tz, s, n, &tk, &err), ASSAY_OK);
  if (!tk) return NULL;
  size_t nt = 0, ns = 0, np = 0;
  const assay_token *t = assay_tokens_get(tk, &nt);
  const assay_range *se = assay_tokens_sentences(tk, &ns);
  const assay_range *pa = assay_tokens_paragraphs(tk, &np);
  size_t next = 0, bad = 0;
  for (size_t k = 0; k < ns; k++) { /* sentences tile the tokens */
    bad += se[k].first != next || se[k].last <= se[k].first;
    for (size_t i = se[k].first; i < se[k].last && i < nt; i++)
      bad += t[i].sentence != k ||
             ((t[i].flags & ASSAY_TF_SENT_START) != 0) != (i == se[k].first);
    next = se[k].last;
  }
  CHECK_INT(next, nt);
  next = 0;
  for (size_t k = 0; k < np; k++) { /* and so do paragraphs */
    bad += pa[k].first != next || pa[k].last <= pa[k].first;
    bad += !(t[pa[k].first].flags & ASSAY_TF_PARA_START);
    next = pa[k].last;
  }
  CHECK_INT(next, nt);
  for (size_t i = 0; i < nt; i++)
    bad += strlen(t[i].lower) != t[i].lower_len || (t[i].flags & 0xF800);
  CHECK_INT(bad, 0);
  return tk;
}

/* The same text after `pad` spaces, and cut right after its last byte:
 * every token the same, shifted by pad (the first one gains
 * ASSAY_TF_SPACE_BEFORE). */
static void check_alignment(assay_tokenizer *tz, const char *text) {
  size_t n = strlen(text);
  char *buf = malloc(n + 32);
  if (!buf) return;
  assay_tokens *ref = tokenize(tz, text, n);
  size_t nref = 0;
  const assay_token *r = assay_tokens_get(ref, &nref);
  for (size_t pad = 1; pad <= 17; pad++) {
    memset(buf, ' ', pad);
    memcpy(buf + pad, text, n);
    assay_tokens *tk = tokenize(tz, buf, pad + n);
    size_t nt = 0, bad = 0;
    const assay_token *t = assay_tokens_get(tk, &nt);
    CHECK_INT(nt, nref);
    for (size_t i = 0; i < nt && i < nref; i++) {
      unsigned want = r[i].flags | (i == 0 ? ASSAY_TF_SPACE_BEFORE : 0);
      bad += t[i].start != r[i].start + pad || t[i].end != r[i].end + pad ||
             t[i].kind != r[i].kind || t[i].flags != want ||
             t[i].sentence != r[i].sentence ||
             strcmp(t[i].lower, r[i].lower) != 0 ||
             strcmp(t[i].shape, r[i].shape) != 0;
    }
    CHECK_INT(bad, 0);
    assay_tokens_free(tk);
  }
  assay_tokens_free(ref);
  free(buf);
}

/* A text of `times` copies of unit: its token, sentence and paragraph
 * counts. */
static void check_counts(assay_tokenizer *tz, const char *unit, size_t times,
                         size_t ntok, size_t nsent, size_t npara) {
  size_t u = strlen(unit);
  char *buf = malloc(u * times + 1);
  if (!buf) return;
  for (size_t k = 0; k < times; k++) memcpy(buf + k * u, unit, u);
  assay_tokens *tk = tokenize(tz, buf, u * times);
  size_t nt = 0, ns = 0, np = 0;
  assay_tokens_get(tk, &nt);
  assay_tokens_sentences(tk, &ns);
  assay_tokens_paragraphs(tk, &np);
  CHECK_INT(nt, ntok);
  CHECK_INT(ns, nsent);
  CHECK_INT(np, npara);
  assay_tokens_free(tk);
  free(buf);
}

/* The tokens of one text (a headline line), pinned: the 16-byte border
 * words. */
static void check_pinned(assay_tokenizer *tz) {
  static const struct {
    unsigned start, end, kind, flags;
    const char *lower, *shape;
  } want[] = {
      {0, 15, 0, 0x4e4, "abcdefghijklmno", "xxxx"},
      {16, 32, 0, 0x414, "abcdefghijklmnop", "xxxx"},
      {33, 50, 0, 0x414, "abcdefghijklmnopq", "xxxx"},
      {51, 67, 0, 0x412, "abcdefghijklmnop", "XXXX"},
      {68, 84, 0, 0x411, "abcdefghijklmnop", "Xxxxx"},
      {85, 101, 0, 0x410, "abcdefghijklmnop", "xxxxX"},
      {102, 104, 1, 0x41b, "4q", "dX"},
      {105, 107, 0, 0x41b, "q4", "Xd"},
      {108, 110, 0, 0x41c, "q4", "xd"},
      {111, 113, 1, 0x41c, "4q", "dx"},
      {114, 130, 1, 0x418, "1234567890123456", "dddd"},
  };
  const char *text = texts[1];
  assay_tokens *tk = tokenize(tz, text, strlen(text));
  size_t nt = 0;
  const assay_token *t = assay_tokens_get(tk, &nt);
  CHECK_INT(nt >= sizeof want / sizeof *want, 1);
  for (size_t i = 0; i < nt && i < sizeof want / sizeof *want; i++) {
    CHECK_INT(t[i].start, want[i].start);
    CHECK_INT(t[i].end, want[i].end);
    CHECK_INT(t[i].kind, want[i].kind);
    CHECK_INT(t[i].flags, want[i].flags);
    CHECK_STR(t[i].lower, want[i].lower);
    CHECK_STR(t[i].shape, want[i].shape);
  }
  assay_tokens_free(tk);
}

int main(void) {
  assay_tokenizer *tz = NULL;
  assay_error err;
  CHECK_INT(assay_tokenizer_new(&tz, NULL, &err), ASSAY_OK);
  /* An added abbreviation goes through the tokenizer's own set. */
  CHECK_INT(assay_tokenizer_add_abbreviation(tz, "Xyz."), ASSAY_OK);
  for (size_t k = 0; k < sizeof texts / sizeof *texts; k++)
    check_alignment(tz, texts[k]);
  check_alignment(NULL, texts[2]); /* the built-in list without a set */
  check_pinned(tz);
  /* Many tokens a byte: the token array outgrows the block. */
  check_counts(tz, ",", 5000, 5000, 1, 1);
  /* Many lines, sentences and paragraphs: their lists and arrays grow. */
  check_counts(tz, "Word\n", 3000, 3000, 2, 2);
  check_counts(tz, "It ended. ", 2000, 6000, 2000, 1);
  check_counts(tz, "Xyz. Next one.\n\n", 700, 2800, 1400, 700);
  check_counts(tz, "Xyz. next one.\n\n", 700, 2800, 700, 700);
  check_counts(tz, "(\"A.\") ", 1500, 7500, 1, 1);
  check_counts(tz, "He said \"Yes.\" Then ", 1500, 10500, 1501, 1);
  assay_tokenizer_free(tz);
  return check_summary();
}
