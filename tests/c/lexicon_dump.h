/*
 * lexicon_dump.h -- what a lexicon shows, as text, for the tests that
 * compare two lexicons (test_lexicon.c, test_lexicon_image.c;
 * tests/fuzz/fuzz_lexicon*.c): its entries' attributes and every phrase of
 * a text that it matches, with what the phrase resolves to; and a buffer
 * that lexicon images are written into.  Header-only: each includer is one program.
 */
#ifndef ASSAY_TESTS_LEXICON_DUMP_H
#define ASSAY_TESTS_LEXICON_DUMP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assay.h"
#include "tokenize.h"

/* A growing string; out of memory stops the program (a harness that cannot
 * run, not a finding). */
typedef struct lxd_buf {
  char *s;
  size_t len, cap;
} lxd_buf;

static inline void lxd_put(lxd_buf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    b->cap = (b->len + n + 1) * 2;
    b->s = realloc(b->s, b->cap);
    if (!b->s) abort();
  }
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
}

static inline void lxd_puts(lxd_buf *b, const char *s) { lxd_put(b, s, strlen(s)); }

/* assay_lexicon_write_image's callback: the image into an lxd_buf. */
static inline int lxd_image_put(void *ud, const void *p, size_t n) {
  lxd_put(ud, p, n);
  return ASSAY_OK;
}

/* The first match of a scan. */
typedef struct lxd_first {
  int found;
  assay_lexicon_match m;
} lxd_first;

static inline int lxd_on_first(void *ud, const assay_lexicon_match *m) {
  lxd_first *f = ud;
  if (!f->found) {
    f->found = 1;
    f->m = *m;
  }
  return ASSAY_OK;
}

/* Every phrase of lx that covers tokens of one line of text[0, len): from
 * each token, the longest phrase that starts there, then the longest
 * shorter one, and so on (a scan finds the leftmost longest match), each
 * with its entry, name, kind (the alias kind when the phrase has one) and
 * norm.  A lexicon's YAML holds every name and alias on their lines, so
 * this shows all of them but a phrase that an earlier entry owns. */
static inline void lxd_probe(const assay_lexicon *lx, const char *text, size_t len,
                      lxd_buf *b) {
  char line[1024];
  tok_list tl;
  tok_list_init(&tl, NULL);
  for (size_t at = 0; at < len;) {
    const char *l = text + at;
    const char *nl = memchr(l, '\n', len - at);
    size_t n = nl ? (size_t)(nl - l) : len - at;
    tok_run(NULL, l, n, &tl);
    for (size_t i = 0; i < tl.ntokens; i++) {
      for (size_t end = tl.ntokens; end > i;) {
        lxd_first f = {0};
        assay_lexicon_scan(lx, tl.tokens + i, end - i, l, lxd_on_first, &f);
        if (!f.found || f.m.first != 0) break; /* none starts at i */
        uint32_t from = tl.tokens[i].start;
        uint32_t to = tl.tokens[i + f.m.last - 1].end;
        lxd_put(b, l + from, to - from);
        snprintf(line, sizeof line, " => %d %s/%s/%s\n", f.m.entry, f.m.name,
                 f.m.kind ? f.m.kind : "-", f.m.norm);
        lxd_puts(b, line);
        end = i + f.m.last - 1;
      }
    }
    at += n + 1;
  }
  tok_list_clear(&tl);
}

/* Everything a lexicon shows (malloc'd): its entry count, its entries'
 * attributes in order, and the phrases of text[0, len) (its YAML) that it
 * matches; text again with '' as ' shows the names written in single
 * quotes. */
static inline char *lxd_dump(const assay_lexicon *lx, const char *text, size_t len) {
  lxd_buf b = {0};
  char line[1024];
  snprintf(line, sizeof line, "%zu entries\n", assay_lexicon_entry_count(lx));
  lxd_puts(&b, line);
  for (size_t e = 0; e < assay_lexicon_entry_count(lx); e++) {
    for (size_t i = 0; i < assay_lexicon_entry_attr_count(lx, (int)e); i++) {
      const char *v, *k = assay_lexicon_entry_attr_at(lx, (int)e, i, &v);
      snprintf(line, sizeof line, "%zu ", e);
      lxd_puts(&b, line);
      lxd_puts(&b, k);
      lxd_puts(&b, "=");
      lxd_puts(&b, v);
      lxd_puts(&b, "\n");
    }
  }
  lxd_probe(lx, text, len, &b);
  int quoted = 0;
  for (size_t r = 0; r + 1 < len && !quoted; r++)
    quoted = text[r] == '\'' && text[r + 1] == '\'';
  if (quoted) {
    char *t = malloc(len + 1);
    size_t w = 0;
    if (!t) abort();
    for (size_t r = 0; r < len; r++) {
      t[w++] = text[r];
      if (text[r] == '\'' && r + 1 < len && text[r + 1] == '\'') r++;
    }
    lxd_probe(lx, t, w, &b);
    free(t);
  }
  return b.s;
}

#endif
