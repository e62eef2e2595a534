/*
 * pattern_compile.c -- the token pattern language's parser and compiler:
 * source text -> syntax tree -> Pike VM program (pattern.h), with errors
 * that name the column; also the pattern's public accessors and free.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "cache.h"
#include "mem.h"
#include "once.h"
#include "pattern.h"
#include "text.h"

/* Syntax tree nodes live in one growing array; children are linked by
 * index (`kid` first child, `next` sibling). */
enum { N_ATOM, N_BOS, N_EOS, N_SEQ, N_ALT, N_REPEAT, N_CAPTURE };

typedef struct pnode {
  int type;
  int kid, next;
  int min, max, lazy; /* N_REPEAT; max -1: unbounded */
  int atom;           /* N_ATOM */
  int cap;            /* N_CAPTURE */
} pnode;

typedef struct parser {
  assay_pattern *pat;
  const char *src;
  size_t pos, len;
  pnode *nodes;
  size_t nnodes, nodes_cap;
  int depth;
  assay_error *err;
  int status;
  char msg[256];
  size_t err_pos;
  pat_words_memo *memo; /* may be NULL */
} parser;

/* ---- errors ------------------------------------------------------ */

static int p_fail(parser *p, size_t at, int status, const char *fmt, ...) {
  va_list ap;
  if (p->status) return p->status; /* keep the first error */
  va_start(ap, fmt);
  vsnprintf(p->msg, sizeof p->msg, fmt, ap);
  va_end(ap);
  p->status = status;
  p->err_pos = at;
  return status;
}

/* Fills err with the message and the 1-based line and column of err_pos. */
static void p_report(parser *p) {
  int line = 1, col = 1;
  if (!p->err) return;
  for (size_t i = 0; i < p->err_pos && i < p->len; i++) {
    if (p->src[i] == '\n') {
      line++;
      col = 1;
    } else if (((unsigned char)p->src[i] & 0xC0) != 0x80) {
      col++;
    }
  }
  memset(p->err, 0, sizeof *p->err);
  p->err->status = p->status;
  p->err->line = line;
  p->err->column = col;
  snprintf(p->err->message, sizeof p->err->message,
           "%s at column %d", p->msg, col);
}

/* ---- growing arrays ---------------------------------------------- */

static int p_node(parser *p, int type) {
  if (mem_grow(&p->pat->alloc, (void **)&p->nodes, &p->nodes_cap,
               p->nnodes + 1, sizeof(pnode)))
    return p_fail(p, p->pos, ASSAY_ENOMEM, "out of memory"), -1;
  pnode *n = &p->nodes[p->nnodes];
  memset(n, 0, sizeof *n);
  n->type = type;
  n->kid = n->next = n->atom = n->cap = -1;
  return (int)p->nnodes++;
}

static pat_atom *p_atom(parser *p, int type, size_t at, int *index) {
  assay_pattern *pat = p->pat;
  size_t cap = (size_t)pat->atoms_cap;
  if (mem_grow(&pat->alloc, (void **)&pat->atoms, &cap,
               (size_t)pat->natoms + 1, sizeof(pat_atom))) {
    p_fail(p, at, ASSAY_ENOMEM, "out of memory");
    return NULL;
  }
  pat->atoms_cap = (int)cap;
  pat_atom *a = &pat->atoms[pat->natoms];
  memset(a, 0, sizeof *a);
  a->type = type;
  a->layer = -1;
  a->column = (int)at + 1;
  *index = pat->natoms++;
  return a;
}

static pat_test *p_test(parser *p, pat_atom *a) {
  size_t cap = (size_t)a->ntests;
  pat_test *t = mem_realloc(&p->pat->alloc, a->tests,
                            cap * sizeof(pat_test),
                            (cap + 1) * sizeof(pat_test));
  if (!t) {
    p_fail(p, p->pos, ASSAY_ENOMEM, "out of memory");
    return NULL;
  }
  a->tests = t;
  memset(&t[a->ntests], 0, sizeof(pat_test));
  return &t[a->ntests++];
}

static char *p_strndup(parser *p, const char *s, size_t n) {
  char *d = mem_alloc(&p->pat->alloc, n + 1);
  if (!d) {
    p_fail(p, p->pos, ASSAY_ENOMEM, "out of memory");
    return NULL;
  }
  memcpy(d, s, n);
  d[n] = 0;
  return d;
}

/* Index of name in a string list, adding it when absent. */
static int p_intern(parser *p, char ***list, int *n, int *cap,
                    const char *s, size_t len) {
  for (int i = 0; i < *n; i++)
    if (strlen((*list)[i]) == len && memcmp((*list)[i], s, len) == 0)
      return i;
  size_t c = (size_t)*cap;
  if (mem_grow(&p->pat->alloc, (void **)list, &c, (size_t)*n + 1,
               sizeof(char *)))
    return p_fail(p, p->pos, ASSAY_ENOMEM, "out of memory"), -1;
  *cap = (int)c;
  char *d = p_strndup(p, s, len);
  if (!d) return -1;
  (*list)[*n] = d;
  return (*n)++;
}

/* ---- lexical helpers --------------------------------------------- */

static void p_skip(parser *p) {
  while (p->pos < p->len) {
    char c = p->src[p->pos];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      p->pos++;
    } else if (c == '-' && p->pos + 1 < p->len && p->src[p->pos + 1] == '-') {
      while (p->pos < p->len && p->src[p->pos] != '\n') p->pos++;
    } else {
      break;
    }
  }
}

static int p_peek(parser *p) {
  p_skip(p);
  return p->pos < p->len ? (unsigned char)p->src[p->pos] : -1;
}

static int is_name_char(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '.';
}

/* Reads a name at pos (no skipping); returns its length (0: none). */
static size_t p_name(parser *p, int dots) {
  size_t s = p->pos;
  while (p->pos < p->len && is_name_char((unsigned char)p->src[p->pos]) &&
         (dots || p->src[p->pos] != '.'))
    p->pos++;
  return p->pos - s;
}

/* Lower-cases UTF-8 s[0, n) code point by code point (utf8proc). */
static char *p_lower(parser *p, const char *s, size_t n, size_t *out_len) {
  char *d = mem_alloc(&p->pat->alloc, n * 4 + 1);
  size_t o = 0, i = 0;
  if (!d) {
    p_fail(p, p->pos, ASSAY_ENOMEM, "out of memory");
    return NULL;
  }
  while (i < n) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                          (utf8proc_ssize_t)(n - i), &cp);
    if (k <= 0) { /* invalid byte: keep it */
      d[o++] = s[i++];
      continue;
    }
    o += (size_t)utf8proc_encode_char(utf8proc_tolower(cp),
                                      (utf8proc_uint8_t *)d + o);
    i += (size_t)k;
  }
  d[o] = 0;
  *out_len = o;
  /* shrink so that the size freed later is strlen + 1 */
  char *r = mem_realloc(&p->pat->alloc, d, n * 4 + 1, o + 1);
  if (!r) {
    mem_free(&p->pat->alloc, d, n * 4 + 1);
    p_fail(p, p->pos, ASSAY_ENOMEM, "out of memory");
  }
  return r;
}

/* ---- regexes ----------------------------------------------------- */

/* PCRE2's allocator hooks: the block size is kept in a 16-byte header
 * because mem_free wants it back. */
static void *pcre_malloc(PCRE2_SIZE n, void *ud) {
  size_t *b = mem_alloc(ud, n + 16);
  if (!b) return NULL;
  b[0] = n;
  return (char *)b + 16;
}

static void pcre_free(void *ptr, void *ud) {
  if (!ptr) return;
  char *b = (char *)ptr - 16;
  mem_free(ud, b, *(size_t *)(void *)b + 16);
}

_Static_assert(PAT_WORDS_MAX < 0x8000, "pat_test.wtab holds uint16_t");

/* Makes t's word set of the words w (pat_regex_words; t takes w.buf):
 * testing a token is then a few comparisons or a hash lookup, not a PCRE2
 * call (the per-token regexes of the news pack were 12% of its time). */
static int p_word_set(parser *p, pat_test *t, pat_words w) {
  const assay_allocator *a = &p->pat->alloc;
  int nwords = w.n;
  t->wbuf = w.buf;
  t->wbuf_len = w.len;
  t->words = mem_calloc(a, (size_t)nwords, sizeof *t->words);
  t->wlen = mem_calloc(a, (size_t)nwords, 1);
  if (!t->words || !t->wlen) return -1;
  char *s = t->wbuf;
  for (int i = 0; i < nwords; i++) {
    size_t len = strlen(s);
    t->words[i] = s;
    t->wlen[i] = (uint8_t)len; /* at most 255 (pat_words) */
    s += len + 1;
  }
  t->nwords = nwords;
  if (nwords >= 8) { /* few words: comparing is as fast */
    uint32_t size = 16;
    while (size < 2 * (uint32_t)nwords) size *= 2;
    t->wtab = mem_calloc(a, size, sizeof *t->wtab);
    if (!t->wtab) return -1;
    t->wmask = size - 1;
    for (int i = 0; i < nwords; i++) {
      uint32_t h = pat_word_hash(t->words[i], t->wlen[i]) & t->wmask;
      while (t->wtab[h]) h = (h + 1) & t->wmask;
      t->wtab[h] = (uint16_t)(i + 1);
    }
  }
  return 0;
}

static void p_free_word_set(const assay_allocator *a, pat_test *t,
                            int nwords) {
  if (t->wbuf) mem_free(a, t->wbuf, t->wbuf_len);
  if (t->words) mem_free(a, (void *)t->words, (size_t)nwords * sizeof *t->words);
  if (t->wlen) mem_free(a, t->wlen, (size_t)nwords);
  if (t->wtab) mem_free(a, t->wtab, ((size_t)t->wmask + 1) * sizeof *t->wtab);
  t->wtab = NULL;
  t->wmask = 0;
  t->wbuf = NULL;
  t->words = NULL;
  t->wlen = NULL;
  t->nwords = 0;
}

/* The first bytes of the strings an anchored regex can match: a byte b is
 * possible when the one-byte subject "b" matches or matches partially
 * (PCRE2_PARTIAL_HARD: the match could go on past the end).  Bytes of
 * multi-byte UTF-8 characters are all kept, since alone they are not
 * valid UTF-8. */
static void p_first_bytes(pat_test *t, pcre2_general_context *g) {
  uint32_t all = 0;
  if (pcre2_pattern_info(t->re, PCRE2_INFO_ALLOPTIONS, &all) ||
      !(all & PCRE2_ANCHORED))
    return;
  pcre2_match_data *md = pcre2_match_data_create(1, g);
  if (!md) return;
  memset(t->first, 0, sizeof t->first);
  for (int b = 0; b < 256; b++) {
    unsigned char c = (unsigned char)b;
    int rc = b >= 0x80 ? 1
                       : pcre2_match(t->re, &c, 1, 0, PCRE2_PARTIAL_HARD |
                                                          PCRE2_NO_JIT,
                                     md, NULL);
    if (rc >= 0 || rc == PCRE2_ERROR_PARTIAL)
      t->first[b >> 3] |= (uint8_t)(1u << (b & 7));
    else if (rc != PCRE2_ERROR_NOMATCH) { /* unsure: no prefilter */
      pcre2_match_data_free(md);
      return;
    }
  }
  pcre2_match_data_free(md);
  t->has_first = 1;
}

/* The byte every match of the regex holds, when PCRE2 knows one that no
 * case-insensitive match could spell otherwise: ASCII, not a letter (under
 * (?i) in UTF mode, "k" also matches the Kelvin sign). */
static void p_required_byte(pat_test *t) {
  uint32_t type = 0, unit = 0;
  if (pcre2_pattern_info(t->re, PCRE2_INFO_LASTCODETYPE, &type) || type != 1 ||
      pcre2_pattern_info(t->re, PCRE2_INFO_LASTCODEUNIT, &unit) ||
      unit >= 0x80 || ((unit | 0x20) >= 'a' && (unit | 0x20) <= 'z'))
    return;
  t->req = (uint8_t)unit;
  t->has_req = 1;
}

static void p_test_prepare(void *arg) {
  pat_test *t = arg;
  p_first_bytes(t, t->gctx);
  p_required_byte(t);
  (void)pcre2_jit_compile(t->re, PCRE2_JIT_COMPLETE);
}

void pat_test_prepare(const pat_test *t) {
  /* Patterns are shared by threads and immutable but for this. */
  if (t->re) once_run((atomic_int *)&t->ready, p_test_prepare, (void *)t);
}

/* Reads /.../flags at pos (pos on the opening slash) into t. */
static int p_regex(parser *p, pat_test *t, int negate) {
  size_t open = p->pos++, s = p->pos;
  while (p->pos < p->len && p->src[p->pos] != '/') {
    if (p->src[p->pos] == '\\' && p->pos + 1 < p->len) p->pos++;
    p->pos++;
  }
  if (p->pos >= p->len)
    return p_fail(p, open, ASSAY_ESYNTAX, "unterminated regex");
  size_t e = p->pos++;
  uint32_t opts = PCRE2_UTF | PCRE2_UCP;
  while (p->pos < p->len && p->src[p->pos] == 'i') {
    opts |= PCRE2_CASELESS;
    p->pos++;
  }
  t->op = negate ? PAT_OP_NRE : PAT_OP_RE;
  t->gctx = p->pat->gctx;
  /* A finite regex is a word set and needs no PCRE2 at all; caseless
   * regexes keep PCRE2: Unicode case folding is its job. */
  pat_words w = {0};
  int finite = (opts & PCRE2_CASELESS)
                   ? 0
                   : pat_regex_words_memo(p->memo, &p->pat->alloc,
                                          p->src + s, e - s, &w);
  if (finite == 1 && p_word_set(p, t, w)) {
    p_free_word_set(&p->pat->alloc, t, w.n);
    finite = ASSAY_ENOMEM;
  }
  if (finite < 0) return p_fail(p, open, ASSAY_ENOMEM, "out of memory");
  if (finite) return 0;
  int code;
  PCRE2_SIZE off;
  if (!p->pat->cctx) {
    p->pat->gctx = pcre2_general_context_create(pcre_malloc, pcre_free,
                                                &p->pat->alloc);
    p->pat->cctx = p->pat->gctx ? pcre2_compile_context_create(p->pat->gctx)
                                : NULL;
    if (!p->pat->cctx) return p_fail(p, open, ASSAY_ENOMEM, "out of memory");
  }
  t->re = pcre2_compile((PCRE2_SPTR)p->src + s, e - s, opts, &code, &off,
                        p->pat->cctx);
  if (!t->re && code == PCRE2_ERROR_HEAP_FAILED)
    return p_fail(p, open, ASSAY_ENOMEM, "out of memory");
  if (!t->re) {
    char buf[160];
    pcre2_get_error_message(code, (PCRE2_UCHAR *)buf, sizeof buf);
    return p_fail(p, s + off, ASSAY_ESYNTAX, "bad regex: %s", buf);
  }
  /* A regex runs once per token: JIT pays off, made with the first bytes
   * at the test's first use (pat_test_ready). */
  t->gctx = p->pat->gctx;
  cache_key k;
  cache_key_init(&k, "regex");
  cache_key_add(&k, p->src + s, e - s);
  cache_key_add(&k, &opts, sizeof opts);
  t->re_key[0] = k.a;
  t->re_key[1] = k.b;
  return 0;
}

/* Reads a test value at pos: a quoted string, a /regex/, or a bare word
 * ending at ',', `close` or whitespace. */
static int p_value(parser *p, pat_test *t, int negate, char close) {
  int c = p_peek(p);
  if (c == '/') return p_regex(p, t, negate);
  t->op = negate ? PAT_OP_NE : PAT_OP_EQ;
  size_t s = p->pos, n;
  if (c == '\'' || c == '"') {
    s = ++p->pos;
    while (p->pos < p->len && p->src[p->pos] != c) p->pos++;
    if (p->pos >= p->len)
      return p_fail(p, s - 1, ASSAY_ESYNTAX, "unterminated string");
    n = p->pos++ - s;
  } else {
    while (p->pos < p->len && p->src[p->pos] != ',' &&
           p->src[p->pos] != close && p->src[p->pos] != ' ' &&
           p->src[p->pos] != '\t' && p->src[p->pos] != '\n')
      p->pos++;
    n = p->pos - s;
    if (n == 0) return p_fail(p, s, ASSAY_ESYNTAX, "missing value");
  }
  t->str = p_strndup(p, p->src + s, n);
  t->len = n;
  return t->str ? 0 : p->status;
}

/* ---- atoms ------------------------------------------------------- */

static const struct {
  const char *name;
  uint16_t flag;
} pat_flags[] = {
    {"title", ASSAY_TF_TITLE},           {"upper", ASSAY_TF_UPPER},
    {"lower_case", ASSAY_TF_LOWER},      {"digit", ASSAY_TF_DIGIT},
    {"space_before", ASSAY_TF_SPACE_BEFORE},
    {"line_start", ASSAY_TF_LINE_START}, {"sent_start", ASSAY_TF_SENT_START},
    {"para_start", ASSAY_TF_PARA_START}, {"abbrev", ASSAY_TF_ABBREV},
    {"quote", ASSAY_TF_QUOTE},           {"headline", ASSAY_TF_HEADLINE}};

static const char *const pat_kinds[] = {"word", "number", "punct", "symbol",
                                        "url",  "email",  "invalid"};

static int name_is(const char *s, size_t n, const char *name) {
  return strlen(name) == n && memcmp(s, name, n) == 0;
}

/* One test inside [...]: flag, !flag, or attr(=|!=)value. */
static int p_token_test(parser *p, pat_atom *a) {
  int negate = 0;
  if (p_peek(p) == '!') {
    negate = 1;
    p->pos++;
    p_skip(p);
  }
  size_t at = p->pos, n = p_name(p, 0);
  const char *name = p->src + at;
  if (n == 0) return p_fail(p, at, ASSAY_ESYNTAX, "expected a test");
  pat_test *t = p_test(p, a);
  if (!t) return p->status;
  int c = p_peek(p);
  if (!negate && c == '!' && p->pos + 1 < p->len &&
      p->src[p->pos + 1] == '=') {
    negate = 1;
    p->pos++;
    c = '=';
  }
  if (c != '=') { /* a flag */
    for (size_t i = 0; i < sizeof pat_flags / sizeof *pat_flags; i++)
      if (name_is(name, n, pat_flags[i].name)) {
        t->field = PAT_F_FLAG;
        t->flag = pat_flags[i].flag;
        t->op = negate ? PAT_OP_NE : PAT_OP_EQ;
        return 0;
      }
    return p_fail(p, at, ASSAY_ESYNTAX, "unknown flag '%.*s'", (int)n, name);
  }
  p->pos++; /* '=' */
  if (name_is(name, n, "text")) t->field = PAT_F_TEXT;
  else if (name_is(name, n, "lower")) t->field = PAT_F_LOWER;
  else if (name_is(name, n, "shape")) t->field = PAT_F_SHAPE;
  else if (name_is(name, n, "kind")) t->field = PAT_F_KIND;
  else
    return p_fail(p, at, ASSAY_ESYNTAX, "unknown attribute '%.*s'", (int)n,
                  name);
  size_t vat = (p_skip(p), p->pos);
  if (p_value(p, t, negate, ']')) return p->status;
  if (t->field == PAT_F_KIND) {
    if (t->op == PAT_OP_RE || t->op == PAT_OP_NRE)
      return p_fail(p, vat, ASSAY_ESYNTAX, "kind takes a name");
    for (int k = 0; k < 7; k++)
      if (strcmp(t->str, pat_kinds[k]) == 0) t->kind = k + 1;
    if (!t->kind)
      return p_fail(p, vat, ASSAY_ESYNTAX, "unknown kind '%s'", t->str);
    t->kind--;
  }
  return 0;
}

/* Comma-separated tests up to `close`; pos after the opening bracket. */
static int p_test_list(parser *p, pat_atom *a, char close, int layer) {
  if (p_peek(p) == close)
    return p_fail(p, p->pos, ASSAY_ESYNTAX, "empty test list");
  for (;;) {
    if (layer) {
      int negate = p_peek(p) == '!';
      if (negate) p->pos++, p_skip(p);
      size_t at = p->pos, n = p_name(p, 1);
      if (n == 0) return p_fail(p, at, ASSAY_ESYNTAX, "expected an attribute");
      pat_test *t = p_test(p, a);
      if (!t || !(t->key = p_strndup(p, p->src + at, n))) return p->status;
      t->field = PAT_F_ATTR;
      int c = p_peek(p);
      if (!negate && c == '!' && p->pos + 1 < p->len &&
          p->src[p->pos + 1] == '=')
        negate = 1, p->pos++, c = '=';
      if (c == '=') {
        p->pos++;
        if (p_value(p, t, negate, close)) return p->status;
      } else { /* presence test: op on a NULL str */
        t->op = negate ? PAT_OP_NE : PAT_OP_EQ;
      }
    } else if (p_token_test(p, a)) {
      return p->status;
    }
    int c = p_peek(p);
    if (c == ',') {
      p->pos++;
      continue;
    }
    if (c == close) {
      p->pos++;
      return 0;
    }
    if (c < 0)
      return p_fail(p, p->pos, ASSAY_ESYNTAX, "missing '%c'", close);
    return p_fail(p, p->pos, ASSAY_ESYNTAX, "expected ',' or '%c'", close);
  }
}

static int p_set_label(parser *p, pat_atom *a, size_t s, size_t e) {
  a->label = p_strndup(p, p->src + s, e - s);
  return a->label ? 0 : p->status;
}

/* A quoted literal: one atom per space-separated word, in a sequence. */
static int p_literal(parser *p) {
  char q = p->src[p->pos];
  size_t open = p->pos++, s = p->pos;
  while (p->pos < p->len && p->src[p->pos] != q) p->pos++;
  if (p->pos >= p->len)
    return p_fail(p, open, ASSAY_ESYNTAX, "unterminated string"), -1;
  size_t e = p->pos++;
  int seq = p_node(p, N_SEQ), last = -1;
  if (seq < 0) return -1;
  for (size_t i = s; i < e;) {
    while (i < e && (p->src[i] == ' ' || p->src[i] == '\t')) i++;
    size_t w = i;
    while (i < e && p->src[i] != ' ' && p->src[i] != '\t') i++;
    if (i == w) break;
    int ai, n = p_node(p, N_ATOM);
    pat_atom *a = n < 0 ? NULL : p_atom(p, PAT_A_TOKEN, w, &ai);
    pat_test *t = a ? p_test(p, a) : NULL;
    if (!t) return -1;
    p->nodes[n].atom = ai;
    if (q == '"') {
      t->field = PAT_F_TEXT;
      t->str = p_strndup(p, p->src + w, i - w);
      t->len = i - w;
    } else {
      t->field = PAT_F_LOWER;
      t->str = p_lower(p, p->src + w, i - w, &t->len);
    }
    if (!t->str) return -1;
    a->label = mem_alloc(&p->pat->alloc, i - w + 3);
    if (!a->label) return p_fail(p, w, ASSAY_ENOMEM, "out of memory"), -1;
    sprintf(a->label, "%c%.*s%c", q, (int)(i - w), p->src + w, q);
    if (last < 0) p->nodes[seq].kid = n;
    else p->nodes[last].next = n;
    last = n;
  }
  if (last < 0) return p_fail(p, open, ASSAY_ESYNTAX, "empty string"), -1;
  return seq;
}

/* @layer or @layer{attr=value, ...}. */
static int p_layer(parser *p) {
  size_t at = p->pos++;
  size_t s = p->pos, n = p_name(p, 1);
  if (n == 0) return p_fail(p, at, ASSAY_ESYNTAX, "expected a layer name"), -1;
  int ai, node = p_node(p, N_ATOM);
  pat_atom *a = node < 0 ? NULL : p_atom(p, PAT_A_LAYER, at, &ai);
  if (!a) return -1;
  a->layer = p_intern(p, &p->pat->layers, &p->pat->nlayers,
                      &p->pat->layers_cap, p->src + s, n);
  if (a->layer < 0) return -1;
  p->nodes[node].atom = ai;
  /* '{' right after the name opens attribute tests unless it is {m,n}. */
  if (p->pos < p->len && p->src[p->pos] == '{' && p->pos + 1 < p->len &&
      !(p->src[p->pos + 1] >= '0' && p->src[p->pos + 1] <= '9')) {
    p->pos++;
    if (p_test_list(p, a, '}', 1)) return -1;
  }
  return p_set_label(p, a, at, p->pos) ? -1 : node;
}

static int p_alt(parser *p);

/* One primary: an atom, an anchor, or a group. */
static int p_primary(parser *p) {
  int c = p_peek(p), ai, n;
  size_t at = p->pos;
  pat_atom *a;
  switch (c) {
  case '\'':
  case '"':
    return p_literal(p);
  case '@':
    return p_layer(p);
  case '.':
  case '[':
  case '/':
    n = p_node(p, N_ATOM);
    a = n < 0 ? NULL : p_atom(p, c == '.' ? PAT_A_ANY : PAT_A_TOKEN, at, &ai);
    if (!a) return -1;
    p->nodes[n].atom = ai;
    if (c == '.') {
      p->pos++;
    } else if (c == '[') {
      p->pos++;
      if (p_test_list(p, a, ']', 0)) return -1;
    } else {
      pat_test *t = p_test(p, a);
      if (!t) return -1;
      t->field = PAT_F_TEXT;
      if (p_regex(p, t, 0)) return -1;
    }
    return p_set_label(p, a, at, p->pos) ? -1 : n;
  case '<':
    if (p->len - p->pos >= 3 && memcmp(p->src + p->pos, "<s>", 3) == 0) {
      p->pos += 3;
      return p_node(p, N_BOS);
    }
    if (p->len - p->pos >= 4 && memcmp(p->src + p->pos, "</s>", 4) == 0) {
      p->pos += 4;
      return p_node(p, N_EOS);
    }
    return p_fail(p, at, ASSAY_ESYNTAX, "expected <s> or </s>"), -1;
  case '(':
    if (++p->depth > 200)
      return p_fail(p, at, ASSAY_ELIMIT, "groups nested too deeply"), -1;
    p->pos++;
    n = p_alt(p);
    if (n < 0) return -1;
    if (p_peek(p) != ')')
      return p_fail(p, at, ASSAY_ESYNTAX, "unbalanced parenthesis"), -1;
    p->pos++;
    p->depth--;
    return n;
  default:
    break;
  }
  if (c == '?' || c == '*' || c == '+' || c == '{')
    return p_fail(p, at, ASSAY_ESYNTAX, "quantifier without atom"), -1;
  if (c == ':')
    return p_fail(p, at, ASSAY_ESYNTAX, "capture without atom"), -1;
  if (c == ')')
    return p_fail(p, at, ASSAY_ESYNTAX, "unbalanced parenthesis"), -1;
  return p_fail(p, at, ASSAY_ESYNTAX, "unexpected character '%c'", c), -1;
}

/* Reads a decimal number at pos; -1 when none. */
static long p_number(parser *p) {
  long v = 0;
  size_t s = p->pos;
  while (p->pos < p->len && p->src[p->pos] >= '0' && p->src[p->pos] <= '9') {
    if (v < 1000000) v = v * 10 + (p->src[p->pos] - '0');
    p->pos++;
  }
  return p->pos == s ? -1 : v;
}

/* {m}, {m,}, {m,n}: pos on '{'. */
static int p_braces(parser *p, int *min, int *max) {
  size_t at = p->pos++;
  p_skip(p);
  long m = p_number(p), n;
  if (m < 0) return p_fail(p, p->pos, ASSAY_ESYNTAX, "expected a number");
  n = m;
  if (p_peek(p) == ',') {
    p->pos++;
    p_skip(p);
    n = p_number(p); /* -1: unbounded */
  }
  if (p_peek(p) != '}')
    return p_fail(p, p->pos, ASSAY_ESYNTAX, "expected '}'");
  p->pos++;
  if ((n >= 0 && n < m))
    return p_fail(p, at, ASSAY_ESYNTAX, "bad repeat {%ld,%ld}", m, n);
  if (m > PAT_MAX_REPEAT || n > PAT_MAX_REPEAT)
    return p_fail(p, at, ASSAY_ESYNTAX, "repeat count above %d",
                  PAT_MAX_REPEAT);
  *min = (int)m;
  *max = (int)n;
  return 0;
}

/* Does the subtree at n hold a capture numbered cap?  Nesting one name
 * inside itself is refused: which start would win is a trap. */
static int p_has_capture(parser *p, int n, int cap) {
  for (; n >= 0; n = p->nodes[n].next) {
    if (p->nodes[n].type == N_CAPTURE && p->nodes[n].cap == cap) return 1;
    if (p->nodes[n].kid >= 0 && p_has_capture(p, p->nodes[n].kid, cap))
      return 1;
  }
  return 0;
}

/* A primary followed by quantifiers and captures. */
static int p_item(parser *p) {
  int n = p_primary(p), quantified = 0, ops = 0;
  if (n < 0) return -1;
  for (;;) {
    int c = p_peek(p), min = 0, max = 0;
    size_t at = p->pos;
    if ((c == '?' || c == '*' || c == '+' || c == '{' || c == ':') &&
        ++ops > 64) /* the compiler recurses once per operator */
      return p_fail(p, at, ASSAY_ELIMIT, "too many operators on one atom"),
             -1;
    if (c == '?' || c == '*' || c == '+' || c == '{') {
      if (quantified)
        return p_fail(p, at, ASSAY_ESYNTAX, "quantifier follows quantifier"),
               -1;
      if (c == '{') {
        if (p_braces(p, &min, &max)) return -1;
      } else {
        p->pos++;
        min = c == '+';
        max = c == '?' ? 1 : -1;
      }
      int r = p_node(p, N_REPEAT);
      if (r < 0) return -1;
      p->nodes[r].kid = n;
      p->nodes[r].min = min;
      p->nodes[r].max = max;
      if (p->pos < p->len && p->src[p->pos] == '?') {
        p->nodes[r].lazy = 1;
        p->pos++;
      }
      n = r;
      quantified = 1;
    } else if (c == ':') {
      p->pos++;
      size_t s = p->pos, len = p_name(p, 0);
      if (len == 0 || (p->src[s] >= '0' && p->src[s] <= '9'))
        return p_fail(p, at, ASSAY_ESYNTAX, "expected a capture name"), -1;
      int cn = p_node(p, N_CAPTURE);
      if (cn < 0) return -1;
      int ci = p_intern(p, &p->pat->caps, &p->pat->ncaps, &p->pat->caps_cap,
                        p->src + s, len);
      if (ci < 0) return -1;
      if (p_has_capture(p, n, ci))
        return p_fail(p, at, ASSAY_ESYNTAX,
                      "capture '%s' inside a capture of the same name",
                      p->pat->caps[ci]), -1;
      p->nodes[cn].kid = n;
      p->nodes[cn].cap = ci;
      n = cn;
      quantified = 0;
    } else {
      return n;
    }
  }
}

static int p_seq(parser *p) {
  int seq = p_node(p, N_SEQ), last = -1;
  if (seq < 0) return -1;
  for (;;) {
    int c = p_peek(p);
    if (c < 0 || c == '|' || c == ')') return seq;
    int n = p_item(p);
    if (n < 0) return -1;
    if (last < 0) p->nodes[seq].kid = n;
    else p->nodes[last].next = n;
    last = n;
  }
}

static int p_alt(parser *p) {
  int first = p_seq(p);
  if (first < 0 || p_peek(p) != '|') return first;
  int alt = p_node(p, N_ALT), last = first;
  if (alt < 0) return -1;
  p->nodes[alt].kid = first;
  while (p_peek(p) == '|') {
    p->pos++;
    int n = p_seq(p);
    if (n < 0) return -1;
    p->nodes[last].next = n;
    last = n;
  }
  return alt;
}

/* ---- code generation --------------------------------------------- */

static int c_emit(parser *p, int op, int x, int y) {
  assay_pattern *pat = p->pat;
  if (pat->nprog >= PAT_MAX_PROG)
    return p_fail(p, 0, ASSAY_ELIMIT, "pattern too large (over %d steps)",
                  PAT_MAX_PROG), -1;
  size_t cap = pat->prog_cap;
  if (mem_grow(&pat->alloc, (void **)&pat->prog, &cap, (size_t)pat->nprog + 1,
               sizeof(pat_inst)))
    return p_fail(p, 0, ASSAY_ENOMEM, "out of memory"), -1;
  pat->prog_cap = cap;
  pat->prog[pat->nprog] = (pat_inst){op, x, y};
  return pat->nprog++;
}

static int c_node(parser *p, int n);

/* Emits a split with priority to the fall-through (greedy) or to the
 * target (lazy); the target is patched later. */
static int c_split(parser *p, int lazy) {
  return c_emit(p, PAT_I_SPLIT, lazy ? -1 : 0, lazy ? 0 : -1);
}

/* Points the open (-1) side of split s at target; the other side at s+1. */
static void c_patch(parser *p, int s, int target) {
  pat_inst *in = &p->pat->prog[s];
  if (in->x == -1) in->x = target, in->y = s + 1;
  else in->y = target, in->x = s + 1;
}

static int c_repeat(parser *p, pnode *n) {
  int kid = n->kid, min = n->min, max = n->max, lazy = n->lazy;
  for (int i = 0; i < min - (max < 0 && min > 0); i++)
    if (c_node(p, kid)) return -1;
  if (max < 0 && min > 0) { /* the last mandatory copy loops: x+ */
    int top = p->pat->nprog;
    if (c_node(p, kid)) return -1;
    int s = c_split(p, !lazy);
    if (s < 0) return -1;
    c_patch(p, s, top); /* greedy: loop first */
    return 0;
  }
  if (max < 0) { /* x*: L: split body, out; body; jmp L */
    int s = c_split(p, lazy);
    if (s < 0 || c_node(p, kid) || c_emit(p, PAT_I_JMP, s, 0) < 0) return -1;
    c_patch(p, s, p->pat->nprog);
    return 0;
  }
  int opt = max - min, splits[PAT_MAX_REPEAT];
  for (int i = 0; i < opt; i++) {
    if ((splits[i] = c_split(p, lazy)) < 0 || c_node(p, kid)) return -1;
  }
  for (int i = 0; i < opt; i++) c_patch(p, splits[i], p->pat->nprog);
  return 0;
}

static int c_alt(parser *p, int kid) {
  int jumps[256], nj = 0, *jp = jumps, status = 0;
  int count = 0;
  for (int k = kid; k >= 0; k = p->nodes[k].next) count++;
  if (count > 256) {
    jp = mem_alloc(&p->pat->alloc, sizeof(int) * (size_t)count);
    if (!jp) return p_fail(p, 0, ASSAY_ENOMEM, "out of memory");
  }
  for (int k = kid; k >= 0 && !status; k = p->nodes[k].next) {
    int s = -1;
    if (p->nodes[k].next >= 0 && (s = c_split(p, 0)) < 0) break;
    if (c_node(p, k) || (p->nodes[k].next >= 0 &&
                         (jp[nj++] = c_emit(p, PAT_I_JMP, -1, 0)) < 0))
      break;
    if (s >= 0) c_patch(p, s, p->pat->nprog);
  }
  status = p->status;
  for (int i = 0; i < nj && !status; i++) p->pat->prog[jp[i]].x = p->pat->nprog;
  if (jp != jumps) mem_free(&p->pat->alloc, jp, sizeof(int) * (size_t)count);
  return status;
}

static int c_node(parser *p, int idx) {
  pnode *n = &p->nodes[idx];
  switch (n->type) {
  case N_ATOM:
    if (p->pat->atoms[n->atom].type == PAT_A_LAYER)
      return c_emit(p, PAT_I_LAYER, n->atom, -1) < 0 ? -1 : 0;
    return c_emit(p, PAT_I_TOKEN, n->atom, -1) < 0 ? -1 : 0;
  case N_BOS:
    return c_emit(p, PAT_I_BOS, 0, 0) < 0 ? -1 : 0;
  case N_EOS:
    return c_emit(p, PAT_I_EOS, 0, 0) < 0 ? -1 : 0;
  case N_SEQ:
    for (int k = n->kid; k >= 0; k = p->nodes[k].next)
      if (c_node(p, k)) return -1;
    return 0;
  case N_ALT:
    return c_alt(p, n->kid) ? -1 : 0;
  case N_REPEAT:
    return c_repeat(p, n) ? -1 : 0;
  case N_CAPTURE: {
    int cap = n->cap;
    if (c_emit(p, PAT_I_SAVE, 2 * cap, 0) < 0) return -1;
    int before = p->pat->nprog;
    if (c_node(p, n->kid)) return -1;
    /* @layer:name records the annotation of the capture. */
    if (p->pat->nprog == before + 1 &&
        (p->pat->prog[before].op == PAT_I_LAYER ||
         p->pat->prog[before].op == PAT_I_TOKEN))
      p->pat->prog[before].y = cap;
    return c_emit(p, PAT_I_SAVE, 2 * cap + 1, 0) < 0 ? -1 : 0;
  }
  }
  return -1;
}

/* ---- prefilter --------------------------------------------------- */

/* Do two atoms test the same thing?  (Each literal is its own atom, and
 * the prefilter should count `'a'` once.) */
/* The same word set (or none on either side), word for word. */
static int c_same_words(const pat_test *s, const pat_test *t) {
  if (s->nwords != t->nwords) return 0;
  for (int i = 0; i < s->nwords; i++)
    if (s->wlen[i] != t->wlen[i] ||
        memcmp(s->words[i], t->words[i], s->wlen[i]) != 0)
      return 0;
  return 1;
}

static int c_same_atom(const pat_atom *a, const pat_atom *b) {
  if (a->type != b->type || a->layer != b->layer || a->ntests != b->ntests)
    return 0;
  for (int i = 0; i < a->ntests; i++) {
    const pat_test *s = &a->tests[i], *t = &b->tests[i];
    if (s->field != t->field || s->op != t->op || s->flag != t->flag ||
        s->kind != t->kind || s->re || t->re || !c_same_words(s, t) ||
        !s->str != !t->str ||
        !s->key != !t->key || (s->str && strcmp(s->str, t->str)) ||
        (s->key && strcmp(s->key, t->key)))
      return 0;
  }
  return 1;
}

/* Collects the consuming steps reachable from the start without
 * consuming; sets nfirst to -1 when one of them is `.` or there are too
 * many.  An explicit stack: chains of lazy `??` would nest deeply. */
static int c_first(assay_pattern *pat, const assay_allocator *a) {
  unsigned char *seen = mem_calloc(a, (size_t)pat->nprog, 1);
  int *stack = mem_alloc(a, sizeof(int) * (2 * (size_t)pat->nprog + 1));
  int n = 0;
  if (!seen || !stack) {
    mem_free(a, seen, (size_t)pat->nprog);
    mem_free(a, stack, sizeof(int) * (2 * (size_t)pat->nprog + 1));
    return ASSAY_ENOMEM;
  }
  stack[n++] = 0;
  while (n > 0 && pat->nfirst >= 0) {
    int pc = stack[--n];
    if (seen[pc]) continue;
    seen[pc] = 1;
    const pat_inst *in = &pat->prog[pc];
    switch (in->op) {
    case PAT_I_SPLIT: /* a pc runs once and pushes at most 2 */
      if (!seen[in->y]) stack[n++] = in->y;
      if (!seen[in->x]) stack[n++] = in->x;
      break;
    case PAT_I_JMP:
      stack[n++] = in->x;
      break;
    case PAT_I_SAVE:
    case PAT_I_BOS:
    case PAT_I_EOS:
      stack[n++] = pc + 1;
      break;
    case PAT_I_MATCH: /* an empty match never counts */
      break;
    default: {
      int dup = 0;
      if (pat->atoms[in->x].type == PAT_A_ANY ||
          pat->nfirst >= PAT_MAX_PREFILTER) {
        pat->nfirst = -1;
        break;
      }
      for (int i = 0; i < pat->nfirst; i++)
        dup |= c_same_atom(&pat->atoms[pat->first[i]], &pat->atoms[in->x]);
      if (!dup) pat->first[pat->nfirst++] = in->x;
    }
    }
  }
  mem_free(a, seen, (size_t)pat->nprog);
  mem_free(a, stack, sizeof(int) * (2 * (size_t)pat->nprog + 1));
  return ASSAY_OK;
}

/* The keys of token atom a (pattern.h): the words of its first test on
 * the lower form or the text that has a fixed set of them; a text test
 * with a non-ASCII word gives none (its lower form is not plain ASCII
 * lower case), and the next test is tried. */
/* The lower form the tokenizer gives a token whose text is s[0, n)
 * (tokenize.c: ASCII letters folded, other code points through
 * text_lower_utf8) into out, which has room for 4 n bytes; its length, or
 * -1 when s is not UTF-8 or holds a NUL (the tokenizer's U+FFFD). */
static long c_lower_form(const char *s, size_t n, char *out) {
  const unsigned char *u = (const unsigned char *)s;
  size_t o = 0;
  for (size_t i = 0; i < n;) {
    if (u[i] && u[i] < 0x80) {
      out[o++] = (char)(u[i] >= 'A' && u[i] <= 'Z' ? u[i] + 32 : u[i]);
      i++;
      continue;
    }
    int32_t cp;
    size_t len = text_decode(u, n, i, &cp);
    if (cp <= 0) return -1;
    o += text_lower_utf8(cp, (unsigned char *)out + o);
    i += len;
  }
  return (long)o;
}

static int c_atom_keys(assay_pattern *pat, pat_atom *a) {
  a->nkeys = -1;
  if (a->type != PAT_A_TOKEN) return ASSAY_OK;
  for (int i = 0; i < a->ntests; i++) {
    const pat_test *t = &a->tests[i];
    int lower = t->field == PAT_F_LOWER;
    if (!lower && t->field != PAT_F_TEXT) continue;
    int nw = t->op == PAT_OP_EQ ? 1 : t->op == PAT_OP_RE ? t->nwords : 0;
    if (!nw) continue;
    if (nw > PAT_MAX_KEYS) return ASSAY_OK;
    size_t bytes = 0;
    for (int w = 0; w < nw; w++)
      bytes += t->op == PAT_OP_EQ ? t->len : t->wlen[w];
    /* A text test looks a token up by its lower form: that of its words,
     * made as the tokenizer makes it ("’S" -> "’s"). */
    char *buf = lower || !bytes ? NULL : mem_alloc(&pat->alloc, 4 * bytes);
    if (!lower && bytes && !buf) return ASSAY_ENOMEM;
    pat_key *keys = mem_alloc(&pat->alloc, (size_t)nw * sizeof(pat_key));
    if (!keys) {
      mem_free(&pat->alloc, buf, buf ? 4 * bytes : 0);
      return ASSAY_ENOMEM;
    }
    size_t used = 0;
    int ok = 1;
    for (int w = 0; w < nw && ok; w++) {
      const char *ws = t->op == PAT_OP_EQ ? t->str : t->words[w];
      size_t n = t->op == PAT_OP_EQ ? t->len : t->wlen[w];
      if (!lower && n) {
        long ln = c_lower_form(ws, n, buf + used);
        ok = ln >= 0;
        ws = buf + used;
        n = ok ? (size_t)ln : 0;
        used += n;
      }
      keys[w] = (pat_key){ws, (uint32_t)n, pat_word_hash(ws, n), 0};
    }
    if (!ok) { /* not UTF-8: the test is made by reading tokens */
      mem_free(&pat->alloc, buf, buf ? 4 * bytes : 0);
      mem_free(&pat->alloc, keys, (size_t)nw * sizeof(pat_key));
      continue;
    }
    a->keybuf = buf;
    a->keybuf_len = buf ? 4 * bytes : 0;
    a->keys = keys;
    a->nkeys = nw; /* with keys set: what assay_pattern_free frees */
    return ASSAY_OK;
  }
  return ASSAY_OK;
}

/* Puts an atom's flag and kind tests before its string tests: all must
 * hold, and a bit test that fails spares a word lookup or a regex. */
static void c_order_tests(assay_pattern *pat) {
  for (int i = 0; i < pat->natoms; i++) {
    pat_atom *a = &pat->atoms[i];
    for (int k = 1; k < a->ntests; k++) {
      int cheap = a->tests[k].field == PAT_F_FLAG ||
                  a->tests[k].field == PAT_F_KIND;
      for (int j = k; cheap && j > 0 && a->tests[j - 1].field != PAT_F_FLAG &&
                      a->tests[j - 1].field != PAT_F_KIND;
           j--) {
        pat_test t = a->tests[j];
        a->tests[j] = a->tests[j - 1];
        a->tests[j - 1] = t;
      }
    }
  }
}

/* Does every path from the start pass `<s>` before its first consuming
 * step?  Then a match can only start at a sentence's first token. */
static int c_bos_only(const assay_pattern *pat, const assay_allocator *a) {
  unsigned char *seen = mem_calloc(a, (size_t)pat->nprog, 1);
  int *stack = mem_alloc(a, sizeof(int) * (2 * (size_t)pat->nprog + 1));
  int n = 0, only = 1;
  if (!seen || !stack) only = 0; /* no shortcut: still correct */
  else stack[n++] = 0;
  while (n > 0 && only) {
    int pc = stack[--n];
    if (seen[pc]) continue;
    seen[pc] = 1;
    const pat_inst *in = &pat->prog[pc];
    switch (in->op) {
    case PAT_I_SPLIT:
      stack[n++] = in->y;
      stack[n++] = in->x;
      break;
    case PAT_I_JMP: stack[n++] = in->x; break;
    case PAT_I_SAVE:
    case PAT_I_EOS: stack[n++] = pc + 1; break;
    case PAT_I_BOS:
    case PAT_I_MATCH: break; /* this path is fine */
    default: only = 0;       /* a token consumed before any <s> */
    }
  }
  mem_free(a, seen, (size_t)pat->nprog);
  mem_free(a, stack, sizeof(int) * (2 * (size_t)pat->nprog + 1));
  return only;
}

/* Atoms with the same source text test the same: a label is the atom's
 * whole source ("[lower=/^x$/]", "'the'", "@actor{kind=org}"). */
static int c_same_label(const pat_atom *a, const pat_atom *b) {
  return a->type == b->type && a->label && b->label &&
         strcmp(a->label, b->label) == 0;
}

/* Can the program reach MATCH without passing an atom `same` as one of
 * set[0, n) (atom ids)?  Consuming steps are followed too: this is about
 * every path. */
static int c_avoids(const assay_pattern *pat, const int *set, int n,
                    int (*same)(const pat_atom *, const pat_atom *),
                    unsigned char *seen, int *stack) {
  int top = 0;
  memset(seen, 0, (size_t)pat->nprog);
  stack[top++] = 0;
  while (top > 0) {
    int pc = stack[--top];
    if (seen[pc]) continue;
    seen[pc] = 1;
    const pat_inst *in = &pat->prog[pc];
    int passes = 0;
    switch (in->op) {
    case PAT_I_MATCH: return 1;
    case PAT_I_SPLIT:
      stack[top++] = in->y;
      stack[top++] = in->x;
      break;
    case PAT_I_JMP: stack[top++] = in->x; break;
    case PAT_I_TOKEN:
    case PAT_I_LAYER:
      for (int k = 0; k < n && !passes; k++)
        passes = same(&pat->atoms[in->x], &pat->atoms[set[k]]);
      if (passes) break;
      /* fall through */
    default: stack[top++] = pc + 1;
    }
  }
  return 0;
}

/* Can the program reach MATCH without passing an atom `same` as `atom`? */
static int c_avoidable_by(const assay_pattern *pat, int atom,
                          int (*same)(const pat_atom *, const pat_atom *),
                          unsigned char *seen, int *stack) {
  return c_avoids(pat, &atom, 1, same, seen, stack);
}

static int c_avoidable(const assay_pattern *pat, int atom, unsigned char *seen,
                       int *stack) {
  return c_avoidable_by(pat, atom, c_same_atom, seen, stack);
}

/* The tokens consumed from the start before each pc, as an interval
 * [lo, hi] (hi PAT_ANCHOR_SPAN + 1: unbounded, after a loop or an @layer,
 * which may span many tokens).  A worklist to a fixpoint: loops only
 * raise hi, up to the cap. */
static void c_distances(const assay_pattern *pat, int *lo, int *hi,
                        int *work, unsigned char *queued) {
  const int cap = PAT_ANCHOR_SPAN + 1;
  int n = 0;
  for (int pc = 0; pc < pat->nprog; pc++) lo[pc] = cap, hi[pc] = -1;
  lo[0] = hi[0] = 0;
  work[n++] = 0;
  queued[0] = 1;
  while (n > 0) {
    int pc = work[--n];
    queued[pc] = 0;
    const pat_inst *in = &pat->prog[pc];
    int next[2], nn = 0, l = lo[pc], h = hi[pc];
    switch (in->op) {
    case PAT_I_MATCH: break;
    case PAT_I_SPLIT: next[nn++] = in->x, next[nn++] = in->y; break;
    case PAT_I_JMP: next[nn++] = in->x; break;
    case PAT_I_TOKEN: next[nn++] = pc + 1, l++, h++; break;
    case PAT_I_LAYER: next[nn++] = pc + 1, l++, h = cap; break;
    default: next[nn++] = pc + 1;
    }
    if (h > cap) h = cap;
    if (l > cap) l = cap;
    for (int k = 0; k < nn; k++) {
      int s = next[k];
      if (l >= lo[s] && h <= hi[s]) continue;
      if (l < lo[s]) lo[s] = l;
      if (h > hi[s]) hi[s] = h;
      if (!queued[s]) queued[s] = 1, work[n++] = s;
    }
  }
}

/* Does a test pass on most tokens of a text, telling an anchor nothing?
 * Negations ([!sent_start], lower!=...) and the common kind and case
 * (kind=word, lower_case, title). */
static int c_test_common(const pat_test *t) {
  if (t->op == PAT_OP_NE || t->op == PAT_OP_NRE) return 1;
  if (t->field == PAT_F_KIND) return t->kind == ASSAY_TOKEN_WORD;
  if (t->field == PAT_F_FLAG)
    return (t->flag & (ASSAY_TF_LOWER | ASSAY_TF_TITLE |
                       ASSAY_TF_SPACE_BEFORE)) != 0;
  return 0;
}

/* How telling an anchor atom is: 0 a literal or word set, 1 an @layer,
 * 2 another token test; -1 not worth it (`.`, or only tests that most
 * tokens pass: its windows would cover the text, and finding where it
 * passes costs a test of every token). */
static int c_anchor_rank(const pat_atom *a) {
  if (a->type == PAT_A_LAYER) return 1;
  if (a->type != PAT_A_TOKEN) return -1;
  int rank = -1;
  for (int i = 0; i < a->ntests; i++) {
    const pat_test *t = &a->tests[i];
    int lowerish = t->field == PAT_F_LOWER || t->field == PAT_F_TEXT;
    if (lowerish && (t->op == PAT_OP_EQ || (t->op == PAT_OP_RE && t->nwords)))
      return 0;
    if (!c_test_common(t)) rank = 2;
  }
  return rank;
}

/* For a backward anchor: an @layer stands for every @layer of its layer
 * (a match passes one of them), a token atom for the atoms of its label. */
static int c_same_class(const pat_atom *a, const pat_atom *b) {
  if (a->type == PAT_A_LAYER) return b->type == PAT_A_LAYER && a->layer == b->layer;
  return c_same_label(a, b);
}

/* The program's non-consuming edges, reversed (pattern.h, epred). */
static int c_epred(assay_pattern *pat, const assay_allocator *a) {
  int n = pat->nprog, ne = 0;
  int *off = mem_calloc(a, (size_t)n + 2, sizeof(int));
  if (!off) return ASSAY_ENOMEM;
  for (int pass = 0; pass < 2; pass++) {
    for (int pc = 0; pc < n; pc++) {
      const pat_inst *in = &pat->prog[pc];
      int to[2], nt = 0;
      switch (in->op) {
      case PAT_I_SPLIT: to[nt++] = in->x, to[nt++] = in->y; break;
      case PAT_I_JMP: to[nt++] = in->x; break;
      case PAT_I_SAVE:
      case PAT_I_BOS:
      case PAT_I_EOS: to[nt++] = pc + 1; break;
      default: break;
      }
      for (int k = 0; k < nt; k++) {
        if (!pass) off[to[k] + 2]++; /* counted one slot ahead */
        else pat->epred[off[to[k] + 1]++] = pc;
      }
    }
    if (pass) break;
    for (int pc = 0; pc < n; pc++) off[pc + 2] += off[pc + 1];
    ne = off[n + 1];
    pat->epred = mem_alloc(a, (size_t)(ne ? ne : 1) * sizeof(int));
    if (!pat->epred) {
      mem_free(a, off, ((size_t)n + 2) * sizeof(int));
      return ASSAY_ENOMEM;
    }
  }
  /* the fill moved off[pc + 1] to where pc's edges end: off[pc] starts */
  pat->epred_off = off;
  pat->nepred = ne;
  return ASSAY_OK;
}

/* When no anchor is a bounded distance from the start: a literal, word
 * set or @layer class that every match passes, with the program's
 * reverse edges for the backward run.  Only where the first atoms say
 * less than the anchor (one of them is not of its class), and not for a
 * pattern that starts at sentence starts: it has few starts to save, and
 * the run back from its anchor would cross whole sentences. */
static int c_anchor_back(assay_pattern *pat, const assay_allocator *a,
                         unsigned char *seen, int *work) {
  int best = -1, best_rank = 2, examined = 0, tried = 0;
  if (pat->bos_only) return ASSAY_OK;
  /* Bounded like c_anchor: each try walks the program, and a long one
   * (repeats unrolled) would otherwise cost its length squared. */
  for (int pc = 0; pc < pat->nprog && examined < 256 && tried < 64; pc++) {
    const pat_inst *in = &pat->prog[pc];
    if (in->op != PAT_I_TOKEN && in->op != PAT_I_LAYER) continue;
    const pat_atom *at = &pat->atoms[in->x];
    int rank = c_anchor_rank(at);
    if (rank < 0 || rank >= best_rank) continue;
    examined++;
    int first = 1; /* the first of its class: the others say the same */
    for (int q = 0; q < pc && first; q++)
      first = !((pat->prog[q].op == PAT_I_TOKEN ||
                 pat->prog[q].op == PAT_I_LAYER) &&
                c_same_class(&pat->atoms[pat->prog[q].x], at));
    int wider = pat->nfirst < 0;
    for (int k = 0; k < pat->nfirst && !wider; k++)
      wider = !c_same_class(at, &pat->atoms[pat->first[k]]);
    if (!first || !wider) continue;
    tried++;
    memset(work, 0, sizeof(int) * (2 * (size_t)pat->nprog + 1));
    if (c_avoidable_by(pat, in->x, c_same_class, seen, work)) continue;
    int count = 0;
    for (int q = 0; q < pat->nprog; q++)
      count += (pat->prog[q].op == PAT_I_TOKEN ||
                pat->prog[q].op == PAT_I_LAYER) &&
               c_same_class(at, &pat->atoms[pat->prog[q].x]);
    if (count > 64) continue;
    best = pc, best_rank = rank;
    if (rank == 0) break;
  }
  if (best < 0) return ASSAY_OK;
  const pat_atom *at = &pat->atoms[pat->prog[best].x];
  int n = 0;
  pat->anchor_pcs = mem_alloc(a, 64 * sizeof(int));
  if (!pat->anchor_pcs) return ASSAY_ENOMEM;
  for (int q = 0; q < pat->nprog; q++)
    if ((pat->prog[q].op == PAT_I_TOKEN || pat->prog[q].op == PAT_I_LAYER) &&
        c_same_class(at, &pat->atoms[pat->prog[q].x]))
      pat->anchor_pcs[n++] = q;
  pat->nanchor_pcs = n;
  if (c_epred(pat, a) != ASSAY_OK) return ASSAY_ENOMEM;
  pat->anchor = pat->prog[best].x;
  pat->anchor_back = 1;
  pat->anchor_lo = pat->anchor_hi = 0;
  return ASSAY_OK;
}

/* Words so frequent in news that an atom testing for one says little
 * about where a match is: a cut (c_cut) leaves them out. */
static const char *const c_stop_words[] = {
    "'s", ",", "-", ".", "a", "an", "and", "are", "as", "at", "be", "but",
    "by", "for", "from", "had", "has", "have", "he", "in", "is", "it",
    "its", "not", "of", "on", "or", "said", "that", "the", "this", "to",
    "was", "were", "which", "will", "with", "would"};

static int c_stop_atom(const pat_atom *a) {
  for (int k = 0; k < a->nkeys; k++)
    for (size_t w = 0; w < sizeof c_stop_words / sizeof *c_stop_words; w++)
      if (strlen(c_stop_words[w]) == a->keys[k].len &&
          memcmp(c_stop_words[w], a->keys[k].s, a->keys[k].len) == 0)
        return 1;
  return 0;
}

/* A cut (pattern.h): the atoms that are literals or word sets of no stop
 * word, a bounded distance after the start, if every match passes one of
 * them; then, greedily, without each atom of the most words first while
 * the rest still cut (the fewer words, the fewer places to look).  Kept
 * when one of its atoms is past the first token (else the start filter
 * says as much).  seen, stack: scratch, as for c_avoidable_by. */
static void c_cut(assay_pattern *pat, const int *lo, const int *hi,
                  unsigned char *seen, int *stack) {
  int set[PAT_MAX_CUT], n = 0;
  for (int pc = 0; pc < pat->nprog; pc++) {
    const pat_inst *in = &pat->prog[pc];
    if (in->op != PAT_I_TOKEN) continue;
    const pat_atom *at = &pat->atoms[in->x];
    int known = 0;
    for (int k = 0; k < n && !known; k++)
      known = c_same_label(&pat->atoms[set[k]], at);
    if (known || c_anchor_rank(at) != 0 || at->nkeys <= 0 || c_stop_atom(at))
      continue;
    /* every instruction of the label bounded: the window covers them */
    int bounded = 1;
    for (int q = 0; q < pat->nprog && bounded; q++)
      if (pat->prog[q].op == PAT_I_TOKEN &&
          c_same_label(&pat->atoms[pat->prog[q].x], at))
        bounded = hi[q] >= 0 && hi[q] <= PAT_ANCHOR_SPAN;
    if (!bounded) continue;
    if (n == PAT_MAX_CUT) return;
    set[n++] = in->x;
  }
  if (!n || c_avoids(pat, set, n, c_same_label, seen, stack)) return;
  for (;;) { /* drop the atom of the most words that the cut can spare */
    int drop = -1;
    for (int k = 0; k < n; k++) {
      if (drop >= 0 && pat->atoms[set[k]].nkeys <= pat->atoms[set[drop]].nkeys)
        continue;
      int tmp = set[k];
      set[k] = set[n - 1];
      int spare = !c_avoids(pat, set, n - 1, c_same_label, seen, stack);
      set[k] = tmp;
      if (spare) drop = k;
    }
    if (drop < 0) break;
    memmove(&set[drop], &set[drop + 1], (size_t)(n - drop - 1) * sizeof *set);
    n--;
  }
  int wlo = PAT_ANCHOR_SPAN + 1, whi = -1;
  for (int q = 0; q < pat->nprog; q++) {
    if (pat->prog[q].op != PAT_I_TOKEN) continue;
    for (int k = 0; k < n; k++)
      if (c_same_label(&pat->atoms[pat->prog[q].x], &pat->atoms[set[k]])) {
        if (lo[q] < wlo) wlo = lo[q];
        if (hi[q] > whi) whi = hi[q];
      }
  }
  if (whi <= 0) return;
  memcpy(pat->cut, set, (size_t)n * sizeof *set);
  pat->ncut = n;
  pat->anchor_lo = wlo;
  pat->anchor_hi = whi;
}

/* A candidate anchor: atom x, first met at pc, its rank
 * (c_anchor_rank) and window. */
typedef struct c_cand {
  int x, pc, rank, lo, hi;
} c_cand;

/* Better anchors first: lower rank, then narrower window, then the first
 * in the program. */
static int c_cand_cmp(const void *pa, const void *pb) {
  const c_cand *a = pa, *b = pb;
  if (a->rank != b->rank) return a->rank - b->rank;
  if (a->hi - a->lo != b->hi - b->lo) return (a->hi - a->lo) - (b->hi - b->lo);
  return a->pc - b->pc;
}

/* Adds candidate c as a filter (pattern.h) when it may say something: a
 * window no wider than PAT_FILTER_SPAN.  (A stop word may filter: its
 * places are many, but each costs a few bits, and a narrow window
 * before each still rules out most of the text.)  first: before the
 * others (the last drops out when they are full), else after them. */
static void c_add_filter(assay_pattern *pat, const c_cand *c, int first) {
  if ((!first && pat->nfilt == PAT_MAX_FILTERS) ||
      c->hi - c->lo > PAT_FILTER_SPAN)
    return;
  int at = first ? 0 : pat->nfilt;
  if (pat->nfilt < PAT_MAX_FILTERS) pat->nfilt++;
  for (int k = pat->nfilt - 1; k > at; k--) {
    pat->filt[k] = pat->filt[k - 1];
    pat->filt_lo[k] = pat->filt_lo[k - 1];
    pat->filt_hi[k] = pat->filt_hi[k - 1];
  }
  pat->filt[at] = c->x;
  pat->filt_lo[at] = c->lo;
  pat->filt_hi[at] = c->hi;
}

/* Chooses the anchor: an atom every match passes, a bounded number of
 * tokens [anchor_lo, anchor_hi] after its start, so that a match can only
 * start in the windows before the places the anchor passes.  Prefers
 * literals, then layers, then other tests, then narrow windows; none when
 * the best would be a first atom at distance 0 (the start filter already
 * looks there).  The next best such atoms become filters. */
static int c_anchor(assay_pattern *pat, const assay_allocator *a) {
  size_t n = (size_t)pat->nprog;
  int *lo = mem_alloc(a, n * sizeof(int)), *hi = mem_alloc(a, n * sizeof(int));
  int *work = mem_alloc(a, sizeof(int) * (2 * n + 1));
  unsigned char *seen = mem_calloc(a, n, 1);
  int status = lo && hi && work && seen ? ASSAY_OK : ASSAY_ENOMEM;
  pat->anchor = -1;
  pat->nfilt = 0;
  if (!status) c_distances(pat, lo, hi, work, seen);
  c_cand cand[64];
  int ncand = 0;
  for (int pc = 0; pc < pat->nprog && !status && ncand < 64; pc++) {
    const pat_inst *in = &pat->prog[pc];
    if (in->op != PAT_I_TOKEN && in->op != PAT_I_LAYER) continue;
    const pat_atom *at = &pat->atoms[in->x];
    int first = 1; /* the first instruction with this label */
    for (int q = 0; q < pc && first; q++)
      first = !((pat->prog[q].op == PAT_I_TOKEN ||
                 pat->prog[q].op == PAT_I_LAYER) &&
                c_same_label(&pat->atoms[pat->prog[q].x], at));
    int rank = c_anchor_rank(at);
    if (!first || rank < 0) continue;
    int wlo = PAT_ANCHOR_SPAN + 1, whi = -1;
    for (int q = pc; q < pat->nprog; q++)
      if ((pat->prog[q].op == PAT_I_TOKEN || pat->prog[q].op == PAT_I_LAYER) &&
          c_same_label(&pat->atoms[pat->prog[q].x], at) && hi[q] >= 0) {
        if (lo[q] < wlo) wlo = lo[q];
        if (hi[q] > whi) whi = hi[q];
      }
    if (whi < 0 || whi > PAT_ANCHOR_SPAN || whi == 0) continue;
    cand[ncand++] = (c_cand){in->x, pc, rank, wlo, whi};
  }
  qsort(cand, (size_t)ncand, sizeof *cand, c_cand_cmp);
  /* The first candidate that every match passes anchors, the next ones
   * filter; each try walks the program (c_avoidable_by), hence the cap. */
  int best_rank = 3, anchor_at = -1;
  for (int k = 0, tried = 0; k < ncand && !status && tried < 16 &&
                             pat->nfilt < PAT_MAX_FILTERS; k++) {
    if (pat->anchor >= 0 && cand[k].hi - cand[k].lo > PAT_FILTER_SPAN)
      continue; /* no filter: cheaper not to try it */
    tried++;
    memset(work, 0, sizeof(int) * (2 * n + 1));
    if (c_avoidable_by(pat, cand[k].x, c_same_label, seen, work)) continue;
    if (pat->anchor < 0) {
      pat->anchor = cand[k].x;
      pat->anchor_lo = cand[k].lo;
      pat->anchor_hi = cand[k].hi;
      best_rank = cand[k].rank;
      anchor_at = k;
    } else {
      c_add_filter(pat, &cand[k], 0);
    }
  }
  /* A cut of literals beats an anchor that is not one; that anchor
   * filters then. */
  if (!status && best_rank > 0) {
    c_cut(pat, lo, hi, seen, work);
    if (pat->ncut) {
      pat->anchor = -1;
      if (anchor_at >= 0) c_add_filter(pat, &cand[anchor_at], 1);
    }
  }
  if (!status && pat->anchor < 0 && !pat->ncut) {
    pat->nfilt = 0;
    status = c_anchor_back(pat, a, seen, work);
  }
  mem_free(a, lo, n * sizeof(int));
  mem_free(a, hi, n * sizeof(int));
  mem_free(a, work, sizeof(int) * (2 * n + 1));
  mem_free(a, seen, n);
  return status;
}

/* Finds up to 4 required atoms among the plain token tests and the
 * `@layer` references (without regex tests): a document where no token,
 * or no annotation of the layer, passes one of them is skipped at once. */
static int c_required(assay_pattern *pat, const assay_allocator *a) {
  unsigned char *seen = mem_alloc(a, (size_t)pat->nprog);
  int *stack = mem_alloc(a, sizeof(int) * (2 * (size_t)pat->nprog + 1));
  int status = seen && stack ? ASSAY_OK : ASSAY_ENOMEM;
  for (int i = 0; i < pat->natoms && i < 64 && !status;
       i++) { /* the first 64 atoms: each check walks the program */
    const pat_atom *at = &pat->atoms[i];
    int layer = at->type == PAT_A_LAYER;
    int plain = at->type == PAT_A_TOKEN || layer, dup = 0;
    for (int k = 0; k < at->ntests; k++) plain &= at->tests[k].re == NULL;
    int *req = layer ? pat->required_layers : pat->required;
    int *nreq = layer ? &pat->nrequired_layers : &pat->nrequired;
    if (*nreq >= 4) continue;
    for (int k = 0; k < *nreq; k++)
      dup |= c_same_atom(&pat->atoms[req[k]], at);
    if (plain && !dup && !c_avoidable(pat, i, seen, stack)) req[(*nreq)++] = i;
  }
  mem_free(a, seen, (size_t)pat->nprog);
  mem_free(a, stack, sizeof(int) * (2 * (size_t)pat->nprog + 1));
  return status;
}

/* ---- public ------------------------------------------------------ */

static void pat_free_test(assay_pattern *pat, pat_test *t) {
  if (t->key) mem_free(&pat->alloc, t->key, strlen(t->key) + 1);
  if (t->str) mem_free(&pat->alloc, t->str, strlen(t->str) + 1);
  if (t->re) pcre2_code_free(t->re);
  p_free_word_set(&pat->alloc, t, t->nwords);
}

void assay_pattern_free(assay_pattern *pat) {
  if (!pat) return;
  for (int i = 0; i < pat->natoms; i++) {
    pat_atom *a = &pat->atoms[i];
    for (int k = 0; k < a->ntests; k++) pat_free_test(pat, &a->tests[k]);
    mem_free(&pat->alloc, a->tests, (size_t)a->ntests * sizeof(pat_test));
    if (a->label) mem_free(&pat->alloc, a->label, strlen(a->label) + 1);
    if (a->keys)
      mem_free(&pat->alloc, a->keys, (size_t)a->nkeys * sizeof(pat_key));
    if (a->keybuf) mem_free(&pat->alloc, a->keybuf, a->keybuf_len);
  }
  mem_free(&pat->alloc, pat->atoms, (size_t)pat->atoms_cap * sizeof(pat_atom));
  for (int i = 0; i < pat->ncaps; i++)
    mem_free(&pat->alloc, pat->caps[i], strlen(pat->caps[i]) + 1);
  mem_free(&pat->alloc, pat->caps, (size_t)pat->caps_cap * sizeof(char *));
  for (int i = 0; i < pat->nlayers; i++)
    mem_free(&pat->alloc, pat->layers[i], strlen(pat->layers[i]) + 1);
  mem_free(&pat->alloc, pat->layers,
           (size_t)pat->layers_cap * sizeof(char *));
  mem_free(&pat->alloc, pat->prog, pat->prog_cap * sizeof(pat_inst));
  if (pat->anchor_pcs) mem_free(&pat->alloc, pat->anchor_pcs, 64 * sizeof(int));
  if (pat->epred_off)
    mem_free(&pat->alloc, pat->epred_off, ((size_t)pat->nprog + 2) * sizeof(int));
  if (pat->epred)
    mem_free(&pat->alloc, pat->epred,
             (size_t)(pat->nepred ? pat->nepred : 1) * sizeof(int));
  if (pat->source) mem_free(&pat->alloc, pat->source, strlen(pat->source) + 1);
  pcre2_compile_context_free(pat->cctx);
  pcre2_general_context_free(pat->gctx);
  assay_allocator a = pat->alloc;
  mem_free(&a, pat, sizeof *pat);
}

int assay_pattern_new(assay_pattern **out, const char *source,
                      const assay_allocator *alloc, assay_error *err) {
  return pat_new(out, source, alloc, err, NULL);
}

int pat_new(assay_pattern **out, const char *source,
            const assay_allocator *alloc, assay_error *err,
            pat_words_memo *memo) {
  assay_allocator a = mem_resolve(alloc);
  if (err) memset(err, 0, sizeof *err);
  if (!out || !source) return ASSAY_EMISUSE;
  *out = NULL;
  assay_pattern *pat = mem_calloc(&a, 1, sizeof *pat);
  if (!pat) return ASSAY_ENOMEM;
  pat->alloc = a;
  parser p = {.pat = pat, .src = source, .len = strlen(source), .err = err,
              .memo = memo};
  pat->source = mem_strdup(&a, source);
  if (!pat->source) p_fail(&p, 0, ASSAY_ENOMEM, "out of memory");
  int root = p.status ? -1 : p_alt(&p);
  if (root >= 0 && p_peek(&p) >= 0) /* only ')' can stop the top level */
    p_fail(&p, p.pos, ASSAY_ESYNTAX, "unbalanced parenthesis");
  if (!p.status && c_node(&p, root) == 0)
    c_emit(&p, PAT_I_MATCH, 0, 0);
  if (!p.status) c_order_tests(pat);
  for (int i = 0; i < pat->natoms && !p.status; i++)
    if (c_atom_keys(pat, &pat->atoms[i]) != ASSAY_OK)
      p_fail(&p, 0, ASSAY_ENOMEM, "out of memory");
  if (!p.status && (c_first(pat, &a) != ASSAY_OK ||
                    c_required(pat, &a) != ASSAY_OK))
    p_fail(&p, 0, ASSAY_ENOMEM, "out of memory");
  if (!p.status) pat->bos_only = (uint8_t)c_bos_only(pat, &a);
  if (!p.status && c_anchor(pat, &a) != ASSAY_OK)
    p_fail(&p, 0, ASSAY_ENOMEM, "out of memory");
  mem_free(&a, p.nodes, p.nodes_cap * sizeof(pnode));
  if (p.status) {
    p_report(&p);
    assay_pattern_free(pat);
    return p.status;
  }
  *out = pat;
  return ASSAY_OK;
}

int assay_pattern_capture_count(const assay_pattern *pat) {
  return pat ? pat->ncaps : 0;
}

const char *assay_pattern_capture_name(const assay_pattern *pat, int i) {
  return pat && i >= 0 && i < pat->ncaps ? pat->caps[i] : NULL;
}

int pat_layer_count(const assay_pattern *pat) {
  return pat ? pat->nlayers : 0;
}

const char *pat_layers(const assay_pattern *pat, int i) {
  return pat && i >= 0 && i < pat->nlayers ? pat->layers[i] : NULL;
}

/* Two atoms (first atoms, anchors) share a memo id when they are the same
 * token atom; an atom's label is its source text, which says all it
 * tests.  Labels are compared by hash first: a pack has hundreds.
 * memo_id: the id + 1 of token atom a, a new one when its label is new
 * (label/hash: the labels seen, *next of them; cap at most). */
static int memo_id(const pat_atom *a, const char **label, uint32_t *hash,
                   int *next, int cap) {
  if (a->type != PAT_A_TOKEN || !a->label || !label || !hash) return 0;
  uint32_t h = pat_word_hash(a->label, strlen(a->label));
  for (int j = 0; j < *next; j++)
    if (hash[j] == h && strcmp(label[j], a->label) == 0) return j + 1;
  if (*next >= cap) return 0;
  label[*next] = a->label;
  hash[*next] = h;
  return ++*next;
}

int pat_assign_memo_ids(assay_pattern *const *pats, size_t n) {
  const int cap = 4096; /* more atoms than that go without */
  const char **label = malloc((size_t)cap * sizeof *label);
  uint32_t *hash = malloc((size_t)cap * sizeof *hash);
  int next = 0;
  for (size_t i = 0; i < n; i++) {
    assay_pattern *p = pats[i];
    for (int k = 0; k < p->nfirst; k++)
      p->first_memo[k] =
          memo_id(&p->atoms[p->first[k]], label, hash, &next, cap);
    p->anchor_memo =
        p->anchor >= 0 && !p->anchor_back ? memo_id(&p->atoms[p->anchor], label, hash, &next, cap)
                       : 0;
    for (int k = 0; k < p->nfilt; k++)
      p->filt_memo[k] = memo_id(&p->atoms[p->filt[k]], label, hash, &next, cap);
    for (int k = 0; k < p->nrequired; k++)
      p->required_memo[k] =
          p->atoms[p->required[k]].nkeys > 0
              ? 0
              : memo_id(&p->atoms[p->required[k]], label, hash, &next, cap);
  }
  free(label);
  free(hash);
  return next;
}

uint32_t pat_assign_key_ids(assay_pattern *const *pats, size_t n) {
  size_t total = 0;
  for (size_t i = 0; i < n; i++)
    for (int k = 0; k < pats[i]->natoms; k++)
      if (pats[i]->atoms[k].nkeys > 0) total += (size_t)pats[i]->atoms[k].nkeys;
  size_t cap = 16;
  while (cap < 2 * total) cap *= 2;
  /* the first key of each form: its id is that key's.  Without memory,
   * no ids: an index made for 0 of them looks every key up. */
  pat_key **seen = calloc(cap, sizeof *seen);
  if (!seen) return 0;
  uint32_t next = 0;
  for (size_t i = 0; i < n; i++)
    for (int k = 0; k < pats[i]->natoms; k++) {
      pat_atom *a = &pats[i]->atoms[k];
      for (int j = 0; j < a->nkeys; j++) {
        pat_key *key = &a->keys[j];
        size_t s = key->hash & (cap - 1);
        while (seen[s] && !(seen[s]->len == key->len &&
                            memcmp(seen[s]->s, key->s, key->len) == 0))
          s = (s + 1) & (cap - 1);
        if (!seen[s]) {
          seen[s] = key;
          key->id = ++next;
        } else {
          key->id = seen[s]->id;
        }
      }
    }
  free(seen);
  return next;
}
