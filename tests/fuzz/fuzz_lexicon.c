/*
 * fuzz_lexicon.c -- libFuzzer target for the lexicon YAML loader
 * (assay_lexicon_load_string), then freezing and a scan of a fixed text;
 * and a differential check of its fast reader: whenever lex_load_fast
 * takes an input whole, libyaml alone must load it too, into the same
 * lexicon.
 */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_common.h"
#include "lexicon.h"
#include "tokenize.h"

static assay_doc *fixed;

static int on_match(void *ud, const assay_lexicon_match *m) {
  size_t *count = ud;
  size_t n;
  assay_doc_tokens(fixed, &n);
  if (m->first >= m->last || m->last > n || !m->name)
    abort(); /* a match outside the tokens is a finding */
  (*count)++;
  return ASSAY_OK;
}

/* A growing string for the lexicon dumps. */
typedef struct fz_buf {
  char *s;
  size_t len, cap;
} fz_buf;

static void fz_put(fz_buf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    b->cap = (b->len + n + 1) * 2;
    b->s = realloc(b->s, b->cap);
    if (!b->s) abort(); /* the harness cannot run; not a finding */
  }
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
}

static void fz_puts(fz_buf *b, const char *s) { fz_put(b, s, strlen(s)); }

typedef struct first_match {
  int found;
  assay_lexicon_match m;
} first_match;

static int on_first(void *ud, const assay_lexicon_match *m) {
  first_match *f = ud;
  if (!f->found) {
    f->found = 1;
    f->m = *m;
  }
  return ASSAY_OK;
}

/* What a frozen lexicon shows: its entries' attributes, and every phrase
 * of it that covers tokens of a line of text (its YAML: it holds the
 * names and aliases), longest first from each token, with what the phrase
 * resolves to.  text[0, len) has no NUL (the fast reader took it). */
static void dump(const assay_lexicon *lx, const char *text, size_t len,
                 fz_buf *b) {
  char line[64];
  size_t entries = assay_lexicon_entry_count(lx);
  snprintf(line, sizeof line, "%zu entries\n", entries);
  fz_puts(b, line);
  for (size_t e = 0; e < entries; e++) {
    for (size_t i = 0; i < assay_lexicon_entry_attr_count(lx, (int)e); i++) {
      const char *v, *k = assay_lexicon_entry_attr_at(lx, (int)e, i, &v);
      snprintf(line, sizeof line, "%zu ", e);
      fz_puts(b, line);
      fz_puts(b, k);
      fz_puts(b, "=");
      fz_puts(b, v);
      fz_puts(b, "\n");
    }
  }
  tok_list tl;
  tok_list_init(&tl, NULL);
  for (size_t at = 0; at < len;) {
    const char *l = text + at;
    const char *nl = memchr(l, '\n', len - at);
    size_t n = nl ? (size_t)(nl - l) : len - at;
    tok_run(NULL, l, n, &tl);
    for (size_t i = 0; i < tl.ntokens; i++) {
      for (size_t end = tl.ntokens; end > i;) {
        first_match f = {0};
        assay_lexicon_scan(lx, tl.tokens + i, end - i, l, on_first, &f);
        if (!f.found || f.m.first != 0) break;
        uint32_t from = tl.tokens[i].start;
        uint32_t to = tl.tokens[i + f.m.last - 1].end;
        fz_put(b, l + from, to - from);
        snprintf(line, sizeof line, " => %d ", f.m.entry);
        fz_puts(b, line);
        fz_puts(b, f.m.name);
        fz_puts(b, "/");
        fz_puts(b, f.m.kind ? f.m.kind : "-");
        fz_puts(b, "/");
        fz_puts(b, f.m.norm);
        fz_puts(b, "\n");
        end = i + f.m.last - 1;
      }
    }
    at += n + 1;
  }
  tok_list_clear(&tl);
}

/* When the fast reader takes data whole, loads it with libyaml alone (a
 * leading "---", which changes nothing in YAML, makes the fast reader give
 * up at once) and compares the lexicons. */
static void differential(const uint8_t *data, size_t size, unsigned flags) {
  assay_lexicon *t = NULL;
  if (assay_lexicon_new(&t, flags, NULL) != ASSAY_OK) return;
  int took = lex_load_fast(t, (const char *)data, size) == ASSAY_OK;
  if (!took) {
    assay_lexicon_free(t);
    return;
  }
  char *doc = malloc(size + 5);
  if (!doc) abort();
  memcpy(doc, "---\n", 4);
  memcpy(doc + 4, data, size);
  doc[size + 4] = '\0';
  assay_lexicon *s = NULL, *probe = NULL;
  if (assay_lexicon_new(&s, flags, NULL) != ASSAY_OK ||
      assay_lexicon_new(&probe, flags, NULL) != ASSAY_OK)
    abort();
  if (lex_load_fast(probe, doc, size + 4) == ASSAY_OK)
    abort(); /* "---" must keep the fast reader out */
  assay_lexicon_free(probe);
  if (assay_lexicon_load_string(s, doc, size + 4, "slow.yaml", NULL) !=
      ASSAY_OK)
    abort(); /* the fast reader took what libyaml rejects */
  int fa = assay_lexicon_freeze(t), fb = assay_lexicon_freeze(s);
  if (fa != fb) abort();
  if (fa == ASSAY_OK) {
    fz_buf a = {0}, b = {0};
    dump(t, doc + 4, size, &a);
    dump(s, doc + 4, size, &b);
    if (a.len != b.len || memcmp(a.s, b.s, a.len) != 0) {
      fprintf(stderr, "fast:\n%s\nlibyaml:\n%s\n", a.s, b.s);
      abort(); /* not the same lexicon */
    }
    free(a.s);
    free(b.s);
  }
  free(doc);
  assay_lexicon_free(t);
  assay_lexicon_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!fixed)
    fixed = fz_doc();
  /* The first byte picks folding, so both tries are exercised. */
  unsigned flags = size && (data[0] & 1) ? ASSAY_LEX_FOLD : 0;
  assay_lexicon *lx = NULL;
  if (assay_lexicon_new(&lx, flags, NULL) != ASSAY_OK)
    return 0;
  assay_error err;
  if (assay_lexicon_load_string(lx, (const char *)data, size, "fuzz.yaml",
                                &err) == ASSAY_OK &&
      assay_lexicon_freeze(lx) == ASSAY_OK) {
    size_t n, count = 0;
    const char *text = assay_doc_text(fixed, NULL);
    const assay_token *t = assay_doc_tokens(fixed, &n);
    assay_lexicon_scan(lx, t, n, text, on_match, &count);
    size_t entries = assay_lexicon_entry_count(lx);
    for (size_t i = 0; i < entries && i < 8; i++) {
      size_t na = assay_lexicon_entry_attr_count(lx, (int)i);
      for (size_t k = 0; k < na; k++) {
        const char *v;
        assay_lexicon_entry_attr_at(lx, (int)i, k, &v);
      }
    }
  }
  assay_lexicon_free(lx);
  /* The second byte's bit picks the lexicon's own `fold:` instead. */
  differential(data, size,
               size > 1 && (data[1] & 1) ? LEX_FOLD_AUTO : flags);
  return 0;
}
