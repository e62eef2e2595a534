/*
 * pattern_words.c -- finite regexes as word sets.  A token test's regex
 * anchored at both ends and built only from literals, escaped punctuation,
 * groups, alternation, ASCII classes and bounded repeats matches a finite
 * set of strings: a token is then tested by a hash lookup instead of a
 * PCRE2 call, and a small set gives its atom index keys (pattern.h).
 *
 * The accepted subset, between the leading `^` and the final `$`:
 *   alt   := seq ('|' seq)*            (only inside a group: `^a|b$` is
 *                                        `(^a)|(b$)` to PCRE2)
 *   seq   := piece*
 *   piece := atom ('?' | '{m}' | '{m,n}')?   (one quantifier, no `*`, `+`,
 *                                              lazy or possessive forms)
 *   atom  := a literal byte | '\' ASCII punctuation | '(' ('?:')? alt ')'
 *          | '[' class items ']'       (ASCII characters, escaped
 *                                        punctuation, ranges within 0-9,
 *                                        a-z or A-Z; not negated, nor
 *                                        starting like `[:alpha:]`)
 * Bytes >= 0x80 are literals too (a word of a literal alternation may be
 * UTF-8), but take no quantifier: one would repeat the whole character.
 * Anything else is refused and the regex stays a PCRE2 regex.  The
 * expansion is exact: PCRE2 backtracks through every alternative of an
 * anchored regex, so it accepts exactly these strings as a whole token
 * (its `$` also matches before a final newline, which a token never has).
 */
#include <string.h>

#include "cache.h"
#include "mem.h"
#include "pattern.h"

/* Limits: group nesting, and the work (words made, duplicates included)
 * one expansion may do, so that no regex costs much to try; and a bound of
 * the bytes PCRE2 would compile the regex to (a quarter of the 64 KB it
 * takes), so that no regex PCRE2 finds too large is a word set:
 * `((){99}){99}` is the empty word to us but 10^4 groups to PCRE2. */
#define RW_MAX_DEPTH 16
#define RW_MAX_WORK ((size_t)1 << 18)
#define RW_MAX_SIZE ((size_t)1 << 14)
/* The most words a concatenation or repeat may make.  Word lists are
 * taken up to PAT_WORDS_MAX, but products past this many (`[0-9]{3}`,
 * 1000 words) cost more to expand at every start of the program than
 * testing them with PCRE2 and the regex cache costs in a scan; and a pack
 * names such regexes in many rules (a year, a number). */
#define RW_MAX_PRODUCT 256
/* The longest repeat count tried: a word is at most 255 bytes anyway. */
#define RW_MAX_COUNT 255

/* A set of distinct words, back to back in buf (no separators), with a
 * hash table of word index + 1 (0: empty) for the duplicate check. */
typedef struct rw_word {
  uint32_t off, len;
} rw_word;

typedef struct rw_set {
  char *buf;
  size_t len, cap;
  rw_word *w;
  size_t n, ncap;
  uint32_t *tab;
  size_t tsize; /* a power of two, at least twice n; 0 before the first */
} rw_set;

typedef struct rw_parser {
  const assay_allocator *a;
  const char *s;
  size_t pos, n;
  int depth;
  size_t work;
  int status; /* 0 fine, 1 refused (not in the subset, or too big), -1 OOM */
} rw_parser;

static void rw_free(rw_parser *p, rw_set *s) {
  mem_free(p->a, s->buf, s->cap);
  mem_free(p->a, s->w, s->ncap * sizeof *s->w);
  mem_free(p->a, s->tab, s->tsize * sizeof *s->tab);
  memset(s, 0, sizeof *s);
}

static int rw_fail(rw_parser *p, int status) {
  if (!p->status) p->status = status;
  return -1;
}

static int rw_rehash(rw_parser *p, rw_set *s, size_t size) {
  uint32_t *tab = mem_calloc(p->a, size, sizeof *tab);
  if (!tab) return rw_fail(p, -1);
  for (size_t i = 0; i < s->n; i++) {
    size_t h = pat_word_hash(s->buf + s->w[i].off, s->w[i].len) & (size - 1);
    while (tab[h]) h = (h + 1) & (size - 1);
    tab[h] = (uint32_t)i + 1;
  }
  mem_free(p->a, s->tab, s->tsize * sizeof *s->tab);
  s->tab = tab;
  s->tsize = size;
  return 0;
}

/* Adds the word x[0, nx) y[0, ny) to s unless it is there already. */
static int rw_add(rw_parser *p, rw_set *s, const char *x, size_t nx,
                  const char *y, size_t ny) {
  size_t len = nx + ny;
  if (++p->work > RW_MAX_WORK || len > 255) return rw_fail(p, 1);
  if (s->tsize < 2 * (s->n + 1) && rw_rehash(p, s, s->tsize ? 2 * s->tsize : 16))
    return -1;
  uint32_t h = 2166136261u; /* pat_word_hash over both parts */
  for (size_t i = 0; i < nx; i++) h = (h ^ (unsigned char)x[i]) * 16777619u;
  for (size_t i = 0; i < ny; i++) h = (h ^ (unsigned char)y[i]) * 16777619u;
  size_t slot = h & (s->tsize - 1);
  for (; s->tab[slot]; slot = (slot + 1) & (s->tsize - 1)) {
    const rw_word *o = &s->w[s->tab[slot] - 1];
    if (o->len == len && (!nx || memcmp(s->buf + o->off, x, nx) == 0) &&
        (!ny || memcmp(s->buf + o->off + nx, y, ny) == 0))
      return 0;
  }
  if (s->n >= PAT_WORDS_MAX || s->len + len + s->n + 1 > PAT_WORDS_BYTES)
    return rw_fail(p, 1);
  if (mem_grow(p->a, (void **)&s->buf, &s->cap, s->len + len + 1, 1) ||
      mem_grow(p->a, (void **)&s->w, &s->ncap, s->n + 1, sizeof *s->w))
    return rw_fail(p, -1);
  /* x and y never point into s->buf: the grow cannot move them */
  if (nx) memcpy(s->buf + s->len, x, nx);
  if (ny) memcpy(s->buf + s->len + nx, y, ny);
  s->w[s->n] = (rw_word){(uint32_t)s->len, (uint32_t)len};
  s->len += len;
  s->tab[slot] = (uint32_t)++s->n;
  return 0;
}

/* Adds every word of b to a. */
static int rw_union(rw_parser *p, rw_set *a, const rw_set *b) {
  for (size_t i = 0; i < b->n; i++)
    if (rw_add(p, a, b->buf + b->w[i].off, b->w[i].len, NULL, 0)) return -1;
  return 0;
}

/* *a becomes the set of the words of a followed by those of b.  A product
 * past RW_MAX_PRODUCT (of two sets of several words) is refused before it
 * is made: a regex that big costs no more than one that is not. */
static int rw_concat(rw_parser *p, rw_set *a, const rw_set *b) {
  rw_set r = {0};
  if (a->n > 1 && b->n > 1 && a->n * b->n > RW_MAX_PRODUCT)
    return rw_fail(p, 1); /* one word on either side multiplies nothing */
  size_t want = 16;
  while (want < 2 * a->n * b->n) want *= 2;
  if (rw_rehash(p, &r, want)) return -1;
  for (size_t i = 0; i < a->n; i++)
    for (size_t j = 0; j < b->n; j++)
      if (rw_add(p, &r, a->buf + a->w[i].off, a->w[i].len,
                 b->buf + b->w[j].off, b->w[j].len)) {
        rw_free(p, &r);
        return -1;
      }
  rw_free(p, a);
  *a = r;
  return 0;
}

/* rw_concat for a sequence, taking b (left empty): a sequence starts as
 * the empty word alone, and a group or run then needs no copy. */
static int rw_append(rw_parser *p, rw_set *a, rw_set *b) {
  if (b->n == 1 && b->w[0].len == 0) return 0;
  if (a->n != 1 || a->w[0].len != 0) return rw_concat(p, a, b);
  rw_free(p, a);
  *a = *b;
  memset(b, 0, sizeof *b);
  return 0;
}

/* *s becomes s{lo,hi}: the union of s^k for k from lo to hi. */
static int rw_repeat(rw_parser *p, rw_set *s, int lo, int hi) {
  rw_set r = {0}, pow = {0};
  int rc = rw_add(p, &pow, NULL, 0, NULL, 0); /* s^0: the empty word */
  for (int k = 0; !rc && k <= hi; k++) {
    if (k > 0) rc = rw_concat(p, &pow, s);
    if (!rc && k >= lo) rc = rw_union(p, &r, &pow);
  }
  rw_free(p, &pow);
  rw_free(p, s);
  *s = r;
  return rc;
}

static int rw_peek(const rw_parser *p, size_t at) {
  return at < p->n ? (unsigned char)p->s[at] : -1;
}

/* 1 a digit, 2 a lower case, 3 an upper case ASCII letter, 0 else. */
static int rw_alnum_kind(int c) {
  return c >= '0' && c <= '9' ? 1 : c >= 'a' && c <= 'z' ? 2
       : c >= 'A' && c <= 'Z' ? 3 : 0;
}

/* An escaped printable ASCII character that is not a letter or digit
 * (`\.`, `\/`, `\-`) stands for itself; other escapes (`\d`, `\1`, `\x`)
 * are refused.  Returns the character, or -1. */
static int rw_escaped(const rw_parser *p, size_t at) {
  int c = rw_peek(p, at + 1);
  return c >= 0x20 && c < 0x7f && !rw_alnum_kind(c) ? c : -1;
}

/* The byte a literal at `at` stands for (*len: its source bytes), or -1
 * when there is no plain literal there. */
static int rw_literal(const rw_parser *p, size_t at, size_t *len) {
  int c = rw_peek(p, at);
  *len = 1;
  if (c == '\\') {
    *len = 2;
    return rw_escaped(p, at);
  }
  if (c < 0x20 || strchr("^$.|?*+()[]{}", c)) return -1;
  return c;
}

static int rw_is_quantifier(const rw_parser *p, size_t at) {
  int c = rw_peek(p, at);
  return c == '?' || c == '*' || c == '+' || c == '{';
}

/* A character class: its characters, one word each. */
static int rw_class(rw_parser *p, rw_set *out) {
  p->pos++; /* '[' */
  size_t first = p->pos;
  int c0 = rw_peek(p, first);
  /* negated; or `[]...]`, where ']' is literal */
  if (c0 == '^' || c0 == ']') return rw_fail(p, 1);
  for (;;) {
    int c = rw_peek(p, p->pos);
    if (c == ']') break;
    size_t len = 1;
    if (c == '\\') {
      c = rw_escaped(p, p->pos);
      len = 2;
    } else if (c == '[' || c < 0x20 || c >= 0x7f) {
      c = -1; /* POSIX classes; end of the regex; non-ASCII */
    } else if (c == '-' && p->pos != first && rw_peek(p, p->pos + 1) != ']') {
      c = -1; /* a bare '-' only first or last, where it is itself */
    }
    if (c < 0) return rw_fail(p, 1);
    p->pos += len;
    int hi = c;
    if (rw_peek(p, p->pos) == '-' && rw_peek(p, p->pos + 1) != ']') {
      /* a range: within the digits, the lower or the upper case letters */
      hi = rw_peek(p, p->pos + 1);
      int kind = rw_alnum_kind(c);
      if (!kind || rw_alnum_kind(hi) != kind || hi < c) return rw_fail(p, 1);
      p->pos += 2;
    }
    for (int b = c; b <= hi; b++) {
      char ch = (char)b;
      if (rw_add(p, out, &ch, 1, NULL, 0)) return -1;
    }
  }
  /* `[.a.]`, `[=a=]`, `[:a:]` are POSIX syntax to PCRE2, and an error */
  if ((c0 == '.' || c0 == '=' || c0 == ':') && p->pos - 1 > first &&
      p->s[p->pos - 1] == c0)
    return rw_fail(p, 1);
  p->pos++; /* ']' */
  return 0;
}

/* A number of a `{m,n}` quantifier at p->pos, or -1. */
static int rw_count(rw_parser *p) {
  int v = 0, digits = 0;
  for (int c; (c = rw_peek(p, p->pos)) >= '0' && c <= '9'; p->pos++)
    if (++digits > 3 || (v = v * 10 + (c - '0')) > RW_MAX_COUNT) return -1;
  return digits ? v : -1;
}

static int rw_alt(rw_parser *p, rw_set *out, size_t *size);

/* One atom into out; *multibyte when it is a byte of a UTF-8 character.
 * *size: a bound of its bytes in PCRE2's compiled code (a class is a
 * 32-byte bitmap, a group two brackets). */
static int rw_atom(rw_parser *p, rw_set *out, int *multibyte, size_t *size) {
  int c = rw_peek(p, p->pos);
  size_t len;
  *multibyte = c >= 0x80;
  *size = 40;
  if (c == '[') return rw_class(p, out);
  if (c == '(') {
    if (++p->depth > RW_MAX_DEPTH) return rw_fail(p, 1);
    p->pos++;
    if (rw_peek(p, p->pos) == '?') {
      if (rw_peek(p, p->pos + 1) != ':') return rw_fail(p, 1); /* (?i) ... */
      p->pos += 2;
    }
    if (rw_alt(p, out, size)) return -1;
    if (rw_peek(p, p->pos) != ')') return rw_fail(p, 1);
    p->pos++;
    p->depth--;
    *size += 10;
    return 0;
  }
  *size = 4;
  c = rw_literal(p, p->pos, &len);
  if (c < 0) return rw_fail(p, 1);
  p->pos += len;
  char ch = (char)c;
  return rw_add(p, out, &ch, 1, NULL, 0);
}

/* An atom and its quantifier, if any (*size as for rw_atom: PCRE2 copies
 * the atom once per repeat). */
static int rw_piece(rw_parser *p, rw_set *out, size_t *size) {
  int multibyte;
  if (rw_atom(p, out, &multibyte, size)) return -1;
  int c = rw_peek(p, p->pos), lo = 0, hi = 1;
  if (!rw_is_quantifier(p, p->pos)) return 0;
  if (multibyte || c == '*' || c == '+') return rw_fail(p, 1);
  p->pos++;
  if (c == '{') {
    lo = hi = rw_count(p);
    if (lo >= 0 && rw_peek(p, p->pos) == ',') {
      p->pos++;
      hi = rw_count(p);
    }
    if (lo < 0 || hi < lo || rw_peek(p, p->pos) != '}') return rw_fail(p, 1);
    p->pos++;
  }
  *size = *size * (size_t)(hi > 1 ? hi : 1) + 8;
  if (*size > RW_MAX_SIZE) return rw_fail(p, 1);
  /* a second quantifier (lazy `??`, possessive `?+`, `{2}{3}`) */
  if (rw_is_quantifier(p, p->pos)) return rw_fail(p, 1);
  return rw_repeat(p, out, lo, hi);
}

/* A sequence of pieces; runs of unquantified literals are gathered into
 * one word first, so that `september` is one concatenation, not nine.
 * *size: the sum of the pieces' (rw_piece). */
static int rw_seq(rw_parser *p, rw_set *out, size_t *size) {
  char run[256];
  size_t nrun = 0;
  *size = 0;
  if (rw_add(p, out, NULL, 0, NULL, 0)) return -1;
  for (;;) {
    int c = rw_peek(p, p->pos);
    size_t len;
    int lit = c < 0 || c == '|' || c == ')' ? -1 : rw_literal(p, p->pos, &len);
    if (lit >= 0 && !rw_is_quantifier(p, p->pos + len)) {
      if (nrun == sizeof run) return rw_fail(p, 1);
      run[nrun++] = (char)lit;
      p->pos += len;
      *size += 4;
      continue;
    }
    rw_set piece = {0};
    int rc = 0;
    if (nrun) { /* the run so far, before what follows */
      rc = rw_add(p, &piece, run, nrun, NULL, 0) || rw_append(p, out, &piece);
      rw_free(p, &piece);
      nrun = 0;
    }
    if (rc) return -1;
    if (c < 0 || c == '|' || c == ')') return 0;
    size_t more;
    rc = rw_piece(p, &piece, &more) || rw_append(p, out, &piece);
    rw_free(p, &piece);
    if (rc) return -1;
    if ((*size += more) > RW_MAX_SIZE) return rw_fail(p, 1);
  }
}

/* An alternative that is one plain word (literals up to `|`, `)` or the
 * end, no quantifier), the usual case in word lists, goes into out as it
 * is: building and merging a set for it cost most of a pack's compile
 * time.  Returns 1 when it did (*size: as rw_seq's), 0 when the
 * alternative needs rw_seq (nothing consumed), -1 on failure. */
static int rw_plain_word(rw_parser *p, rw_set *out, size_t *size) {
  char run[256];
  size_t nrun = 0, at = p->pos, len;
  for (;;) {
    int c = rw_peek(p, at);
    if (c < 0 || c == '|' || c == ')') break;
    /* the usual bytes of a word first: no escape, no metacharacter */
    int usual = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                (c >= '0' && c <= '9') || c == '-' || c == ' ' || c >= 0x80;
    if (usual && nrun < sizeof run && !rw_is_quantifier(p, at + 1)) {
      run[nrun++] = (char)c;
      at++;
      continue;
    }
    int lit = rw_literal(p, at, &len);
    if (lit < 0 || rw_is_quantifier(p, at + len) || nrun == sizeof run)
      return 0;
    run[nrun++] = (char)lit;
    at += len;
  }
  if (rw_add(p, out, run, nrun, NULL, 0)) return -1;
  p->pos = at;
  *size = 4 * nrun;
  return 1;
}

/* One alternative added to out (*size as rw_seq's). */
static int rw_alternative(rw_parser *p, rw_set *out, size_t *size) {
  int plain = rw_plain_word(p, out, size);
  if (plain) return plain < 0 ? -1 : 0;
  rw_set more = {0};
  int rc = rw_seq(p, &more, size) || rw_union(p, out, &more);
  rw_free(p, &more);
  return rc ? -1 : 0;
}

/* Alternatives: *size the sum of theirs, and a link each. */
static int rw_alt(rw_parser *p, rw_set *out, size_t *size) {
  if (rw_alternative(p, out, size)) return -1;
  while (rw_peek(p, p->pos) == '|') {
    p->pos++;
    size_t n;
    if (rw_alternative(p, out, &n)) return -1;
    if ((*size += n + 3) > RW_MAX_SIZE) return rw_fail(p, 1);
  }
  return 0;
}

int pat_regex_words(const assay_allocator *a, const char *re, size_t n,
                    pat_words *out) {
  memset(out, 0, sizeof *out);
  if (n < 2 || re[0] != '^' || re[n - 1] != '$') return 0;
  rw_parser p = {.a = a, .s = re, .pos = 1, .n = n - 1};
  rw_set set = {0};
  size_t size;
  /* a top-level '|' stops rw_seq short of the end: refused below */
  if (!rw_seq(&p, &set, &size) && p.pos != p.n) rw_fail(&p, 1);
  if (p.status) {
    rw_free(&p, &set);
    return p.status < 0 ? ASSAY_ENOMEM : 0;
  }
  /* The words NUL-terminated, in the order the regex names them. */
  out->len = set.len + set.n;
  out->buf = mem_alloc(a, out->len);
  if (!out->buf) {
    rw_free(&p, &set);
    return ASSAY_ENOMEM;
  }
  char *d = out->buf;
  for (size_t i = 0; i < set.n; i++) {
    memcpy(d, set.buf + set.w[i].off, set.w[i].len);
    d += set.w[i].len;
    *d++ = '\0';
  }
  out->n = (int)set.n;
  rw_free(&p, &set);
  return 1;
}

/* ---- the memo --------------------------------------------------------- */

typedef struct memo_slot {
  char *re; /* a copy of the regex; NULL: empty slot */
  size_t n;
  uint64_t hash;
  int finite;    /* pat_regex_words' answer: 1 or 0 */
  pat_words w;   /* the words when finite */
} memo_slot;

struct pat_words_memo {
  assay_allocator alloc;
  memo_slot *slot;
  size_t n, cap; /* cap a power of two */
};

pat_words_memo *pat_words_memo_new(const assay_allocator *a) {
  assay_allocator al = mem_resolve(a);
  pat_words_memo *m = mem_calloc(&al, 1, sizeof *m);
  if (m) m->alloc = al;
  return m;
}

void pat_words_memo_free(pat_words_memo *m) {
  if (!m) return;
  for (size_t i = 0; i < m->cap; i++) {
    memo_slot *s = &m->slot[i];
    if (!s->re) continue;
    mem_free(&m->alloc, s->re, s->n + 1);
    mem_free(&m->alloc, s->w.buf, s->w.len);
  }
  mem_free(&m->alloc, m->slot, m->cap * sizeof *m->slot);
  assay_allocator a = m->alloc;
  mem_free(&a, m, sizeof *m);
}

/* The slot of re: its own, or the empty one where it would go. */
static memo_slot *memo_find(pat_words_memo *m, const char *re, size_t n,
                            uint64_t h) {
  size_t i = (size_t)h & (m->cap - 1);
  while (m->slot[i].re &&
         !(m->slot[i].hash == h && m->slot[i].n == n &&
           memcmp(m->slot[i].re, re, n) == 0))
    i = (i + 1) & (m->cap - 1);
  return &m->slot[i];
}

static int memo_grow(pat_words_memo *m) {
  size_t cap = m->cap ? m->cap * 2 : 64;
  memo_slot *old = m->slot, *tab = mem_calloc(&m->alloc, cap, sizeof *tab);
  if (!tab) return -1;
  size_t old_cap = m->cap;
  m->slot = tab;
  m->cap = cap;
  for (size_t i = 0; i < old_cap; i++)
    if (old[i].re) *memo_find(m, old[i].re, old[i].n, old[i].hash) = old[i];
  mem_free(&m->alloc, old, old_cap * sizeof *old);
  return 0;
}

/* A copy of w into out, with allocator a. */
static int words_copy(const assay_allocator *a, const pat_words *w,
                      pat_words *out) {
  *out = *w;
  out->buf = mem_alloc(a, w->len);
  if (!out->buf) return ASSAY_ENOMEM;
  memcpy(out->buf, w->buf, w->len);
  return 1;
}

int pat_regex_words_memo(pat_words_memo *m, const assay_allocator *a,
                         const char *re, size_t n, pat_words *out) {
  if (!m) return pat_regex_words(a, re, n, out);
  memset(out, 0, sizeof *out);
  if ((m->n + 1) * 2 > m->cap && memo_grow(m)) return ASSAY_ENOMEM;
  uint64_t h = cache_checksum(re, n);
  memo_slot *s = memo_find(m, re, n, h);
  if (s->re) return s->finite ? words_copy(a, &s->w, out) : 0;
  int finite = pat_regex_words(a, re, n, out);
  if (finite < 0) return finite;
  memo_slot add = {mem_alloc(&m->alloc, n + 1), n, h, finite, {0}};
  if (!add.re || (finite && words_copy(&m->alloc, out, &add.w) < 0)) {
    /* no room to remember it: the answer stands all the same */
    mem_free(&m->alloc, add.re, n + 1);
    return finite;
  }
  memcpy(add.re, re, n);
  *s = add;
  m->n++;
  return finite;
}
