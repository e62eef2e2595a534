/*
 * tokenize.c -- the tokenizer: tokens (span, kind, shape, lower form,
 * flags), sentences and paragraphs of a UTF-8 text, and the abbreviation set.
 *
 * One pass cuts the text into tokens (fast paths for plain ASCII words,
 * classified sixteen bytes at a time where SSE2 is there, and one-byte
 * punctuation; utf8proc for the rest).  It also lists where lines start
 * and which tokens may end a sentence, so that the second pass, which
 * finds paragraphs, headline lines and sentences, reads those lists
 * rather than every token again.  Tokens, sentences, paragraphs and the
 * lower-case strings of a text share one allocation sized from its length
 * (tok_list in tokenize.h).  Conventions, decided once so lexicons and
 * patterns agree:
 *  - hyphen-, slash-, and digit-joined runs are one token: Jong-un, Re/code,
 *    and/or, 9/11, 8:45PM, 1,000.50, 12/17/2014, 4.5bn, AT&T, Amazon.com;
 *  - "$4.5bn" is "$" + "4.5bn" and "20%" is "20" + "%" (as spaCy);
 *  - clitics split as spaCy: has|n't, ca|n't, I|'m, Sony|'s, Sony|’s;
 *  - letter-dot runs (U.S., e.g., a.m.), initials (J.) and listed
 *    abbreviations (Nov.) keep their periods and get ASSAY_TF_ABBREV;
 *  - "..." and "--" are one token each; quotes and dashes stand alone;
 *  - URLs (scheme:// or www., or a dotted word ending in a common TLD) and
 *    e-mail addresses are one token, without trailing sentence punctuation;
 *  - a run of invalid UTF-8 bytes is one ASSAY_TOKEN_INVALID token (counted
 *    once in tl->invalid), lower and shape "\uFFFD";
 *  - a BOM at offset 0 is skipped; CR, LF and CRLF end lines.
 * Paragraphs are separated by blank lines (or U+2029).  A single newline is
 * whitespace, except after a headline line (see tok_headline_line).
 */
#include "tokenize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "text.h"

extern const char *const tok_builtin_abbrevs[];
extern const size_t tok_builtin_abbrevs_count;

/* A slot of the built-in abbreviations' hash set. */
typedef struct tok_abbr_slot {
  const char *s; /* a string of tok_builtin_abbrevs, or NULL */
  size_t len;
} tok_abbr_slot;

struct assay_tokenizer {
  assay_allocator alloc;
  char **abbr; /* open-addressing set of mem_strdup'd strings */
  size_t abbr_cap, abbr_n;
  /* The built-in list again, hashed: a word before a period is looked up
   * for most periods of a text, and one hash probe costs a fraction of the
   * binary search that a NULL tokenizer falls back to. */
  tok_abbr_slot *builtin;
  size_t builtin_cap;
  size_t max_len; /* the longest abbreviation, built-in or added */
  /* One bit per first byte and length (mod 8) of an abbreviation, built-in
   * or added: most words before a period ("said.") are out after one
   * look, without hashing. */
  uint64_t first_len[32];
};

#define TOK_FL_BIT(c, n) (((unsigned)(unsigned char)(c) << 3) | ((n) & 7))

struct assay_tokens {
  assay_allocator alloc;
  tok_list tl;
  char *text;
  size_t len;
};

/* In tok_scan.lines (token index << 1): a blank line precedes the line's
 * first token. */
#define TOK_PARA_BREAK 1u
#define TOK_LINES_LOCAL 256
#define TOK_CANDS_LOCAL 512
#define TOK_MAX_HEADLINE 24 /* tokens in a headline line, at most */

/* text_class of the ASCII bytes; '_' is handled by the word scanner. */
static const unsigned char tok_ascii[128] = {
    7, 7, 7, 7, 7, 7, 7, 7, 7, 0, 0, 0, 0, 0, 7, 7, 7, 7, 7, 7, 7, 7,
    7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 0, 6, 6, 6, 7, 6, 6, 6, 6, 6, 6, 7,
    6, 6, 6, 6, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 6, 6, 7, 7, 7, 6, 6, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 6, 6, 6, 7, 6, 7, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 6, 7, 6, 7, 7,
};

/* Interned shapes: most tokens share a few hundred shapes.  The table
 * starts small (a short article needs a few dozen) and doubles up to
 * TOK_SHAPES slots. */
#define TOK_SHAPES 1024
#define TOK_SHAPES_FIRST 64
#define TOK_SHAPE_MAX 32
typedef struct tok_shape_slot {
  const char *s;
  uint32_t hash;
  uint32_t len;
} tok_shape_slot;

typedef struct tok_scan {
  const assay_tokenizer *tz;
  const unsigned char *s;
  size_t len;
  tok_list *tl;
  char *buf; /* bump space for lower/shape strings, carved from tl->strings */
  size_t left;
  size_t no_email_until; /* no e-mail address starts before this offset */
  int general_only;      /* TOK_PATHS_GENERAL: no fast path */
  tok_shape_slot *shapes;
  size_t nshapes, shapes_cap;
  /* The fast paths' caches: a word shape packed into 8 bytes -> its
   * interned string (direct-mapped), and one-byte tokens' strings. */
  uint64_t shape_key[64];
  const char *shape_val[64];
  const char *chars[128];
  /* The first token of every line, in order, shifted left by one, with
   * TOK_PARA_BREAK after a blank line: the sentence pass reads lines and
   * paragraphs from here instead of walking the tokens for them.  Starts
   * in a buffer on tok_run's stack. */
  uint64_t *lines, *lines_local;
  size_t nlines, lines_cap;
  /* The tokens after which a sentence may end (tok_may_end), in order:
   * the sentence pass looks at these only.  Also starts on the stack. */
  uint32_t *cands, *cands_local;
  size_t ncands, cands_cap, cand_at; /* cand_at: the sentence pass's */
} tok_scan;

/* Doubles a full array of tl (bit: its TOK_IN_BLOCK_* bit).  One still
 * in tl->block is copied out, as the block cannot be reallocated. */
static int tok_grow(tok_list *tl, void **arr, size_t *cap, size_t elem,
                    unsigned bit) {
  if (!(tl->in_block & bit))
    return mem_grow(&tl->alloc, arr, cap, *cap + 1, elem);
  size_t ncap = *cap * 2 + 8;
  if (ncap > SIZE_MAX / elem) return ASSAY_ENOMEM;
  void *p = mem_alloc(&tl->alloc, ncap * elem);
  if (!p) return ASSAY_ENOMEM;
  memcpy(p, *arr, *cap * elem);
  *arr = p;
  *cap = ncap;
  tl->in_block &= ~bit;
  return ASSAY_OK;
}

/* ------------------------------------------------------------------ */
/* Characters                                                           */
/* ------------------------------------------------------------------ */

static int tok_strcmp(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sixteen bytes at a time (SSE2, in every x86-64): the masks of ASCII
 * upper-case letters, lower-case letters and digits, one bit a byte.  A
 * signed compare after a shift by lo + 128 is an unsigned range test;
 * bytes >= 0x80 fall outside every range. */
#if defined(__SSE2__)
#include <emmintrin.h>
#define TOK_SIMD 16

typedef struct tok_simd {
  unsigned up, lo, dg;
  __m128i lower; /* the bytes, upper-case letters folded */
} tok_simd;

static inline __m128i tok_simd_in(__m128i x, char lo, int count) {
  __m128i t = _mm_sub_epi8(x, _mm_set1_epi8((char)(lo + 128)));
  return _mm_cmplt_epi8(t, _mm_set1_epi8((char)(-128 + count)));
}

static inline tok_simd tok_simd_class(const unsigned char *p) {
  __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
  __m128i up = tok_simd_in(x, 'A', 26);
  tok_simd r;
  r.up = (unsigned)_mm_movemask_epi8(up);
  r.lo = (unsigned)_mm_movemask_epi8(tok_simd_in(x, 'a', 26));
  r.dg = (unsigned)_mm_movemask_epi8(tok_simd_in(x, '0', 10));
  r.lower = _mm_or_si128(x, _mm_and_si128(up, _mm_set1_epi8(0x20)));
  return r;
}
#endif

/* Class of the code point at i; its length in *n and value in *cp. */
static inline int tok_cls(const tok_scan *st, size_t i, int32_t *cp,
                          size_t *n) {
  unsigned char c = st->s[i];
  if (c < 0x80) {
    *cp = c;
    *n = 1;
    return tok_ascii[c];
  }
  *n = text_decode(st->s, st->len, i, cp);
  return text_class(*cp);
}

static inline int tok_is_alnum_cls(int cls) {
  return cls == TEXT_UPPER || cls == TEXT_LOWER || cls == TEXT_LETTER ||
         cls == TEXT_DIGIT;
}

static inline int tok_is_letter_cls(int cls) {
  return cls == TEXT_UPPER || cls == TEXT_LOWER || cls == TEXT_LETTER;
}

/* Class at i, or TEXT_SPACE past the end (the end behaves as a break). */
static int tok_cls_at(const tok_scan *st, size_t i) {
  int32_t cp;
  size_t n;
  return i < st->len ? tok_cls(st, i, &cp, &n) : TEXT_SPACE;
}

/* Length of an apostrophe (' or U+2019) at i, or 0. */
static size_t tok_apos_len(const tok_scan *st, size_t i) {
  if (i < st->len && st->s[i] == '\'') return 1;
  if (i + 2 < st->len && st->s[i] == 0xE2 && st->s[i + 1] == 0x80 &&
      st->s[i + 2] == 0x99)
    return 3;
  return 0;
}

static int tok_is_quote_cp(int32_t cp) {
  switch (cp) {
  case '"': case '\'': case '`': case 0x2018: case 0x2019: case 0x201A:
  case 0x201B: case 0x201C: case 0x201D: case 0x201E: case 0x201F:
  case 0x00AB: case 0x00BB: case 0x2039: case 0x203A:
    return 1;
  default:
    return 0;
  }
}

/* ------------------------------------------------------------------ */
/* Word-like tokens                                                     */
/* ------------------------------------------------------------------ */

/* After an apostrophe at j: the clitic's letters ('s 'm 'd 're 've 'll, or
 * 't for n't), case-insensitive, ended by a non-alphanumeric.  Returns 1
 * for s/m/d/re/ve/ll, 2 for t, 0 otherwise; *end gets the clitic's end. */
static int tok_clitic(const tok_scan *st, size_t j, size_t alen,
                      size_t *end) {
  size_t k = j + alen;
  char w[3];
  size_t n = 0;
  while (k < st->len && n < 3 && ((st->s[k] | 0x20) >= 'a') &&
         ((st->s[k] | 0x20) <= 'z')) {
    w[n++] = (char)(st->s[k] | 0x20);
    k++;
  }
  if (n == 0 || n == 3 || tok_is_alnum_cls(tok_cls_at(st, k))) return 0;
  *end = k;
  if (n == 1) return w[0] == 't' ? 2 : (w[0] == 's' || w[0] == 'm' ||
                                        w[0] == 'd');
  return (w[0] == 'r' && w[1] == 'e') || (w[0] == 'v' && w[1] == 'e') ||
         (w[0] == 'l' && w[1] == 'l');
}

/* Length of the joiner at j that continues a word whose last class is
 * prev, or 0 when the word ends there. */
static size_t tok_joiner(const tok_scan *st, size_t i, size_t j, int prev,
                         int32_t prev_cp) {
  unsigned char c = st->s[j];
  size_t jl = 1;
  if (c == 0xE2 && j + 2 < st->len && st->s[j + 1] == 0x80 &&
      (st->s[j + 2] == 0x90 || st->s[j + 2] == 0x91))
    jl = 3, c = '-'; /* U+2010 HYPHEN, U+2011 NON-BREAKING HYPHEN */
  int next = tok_cls_at(st, j + jl);
  switch (c) {
  case '-':
  case '/':
    return tok_is_alnum_cls(next) ? jl : 0;
  case '.':
    if (prev == TEXT_DIGIT && next == TEXT_DIGIT) return 1;
    /* amazon.com, but not "Pictures.The" (a missing space). */
    return tok_is_letter_cls(prev) && next == TEXT_LOWER ? 1 : 0;
  case ':':
    return prev == TEXT_DIGIT && next == TEXT_DIGIT ? 1 : 0;
  case ',':
    /* Thousands: exactly three digits follow. */
    if (prev != TEXT_DIGIT || j + 3 >= st->len || next != TEXT_DIGIT)
      return 0;
    if (tok_cls_at(st, j + 2) != TEXT_DIGIT ||
        tok_cls_at(st, j + 3) != TEXT_DIGIT ||
        tok_cls_at(st, j + 4) == TEXT_DIGIT)
      return 0;
    return 1;
  case '&':
    return prev == TEXT_UPPER && next == TEXT_UPPER ? 1 : 0;
  default:
    break;
  }
  size_t alen = tok_apos_len(st, j);
  if (!alen) return 0;
  size_t end;
  int cl = tok_clitic(st, j, alen, &end);
  if (cl == 1) return 0; /* Sony|'s */
  if (cl == 2 && (prev_cp == 'n' || prev_cp == 'N') && j - 1 > i)
    return 0;            /* has|n't: the word is cut before the n */
  return tok_is_letter_cls(tok_cls_at(st, j + alen)) ? alen : 0;
}

/* End of the word run starting at i: letters, digits, marks and '_',
 * joined by tok_joiner. */
static size_t tok_word_end(const tok_scan *st, size_t i) {
  size_t j = i;
  int prev = TEXT_SPACE;
  int32_t prev_cp = 0, cp;
  size_t n;
  while (j < st->len) {
    /* The hot path: a run of ASCII letters and digits, sixteen bytes at a
     * time where it can, then byte by byte. */
    size_t run = j;
#ifdef TOK_SIMD
    while (st->len - j >= TOK_SIMD) {
      tok_simd c = tok_simd_class(st->s + j);
      unsigned stop = ~(c.up | c.lo | c.dg) & 0xFFFFu;
      if (stop) {
        j += (size_t)__builtin_ctz(stop);
        break;
      }
      j += TOK_SIMD;
    }
#endif
    while (j < st->len && st->s[j] < 0x80 &&
           (tok_ascii[st->s[j]] == TEXT_LOWER ||
            tok_ascii[st->s[j]] == TEXT_UPPER ||
            tok_ascii[st->s[j]] == TEXT_DIGIT))
      j++;
    if (j > run) {
      prev = tok_ascii[st->s[j - 1]];
      prev_cp = st->s[j - 1];
    }
    if (j >= st->len) break;
    int cls = tok_cls(st, j, &cp, &n);
    if (tok_is_alnum_cls(cls) || cls == TEXT_MARK || cp == '_') {
      if (cls != TEXT_MARK) prev = cls, prev_cp = cp;
      j += n;
      continue;
    }
    if (cls == TEXT_SPACE || cls == TEXT_INVALID || j == i) break;
    size_t jl = tok_joiner(st, i, j, prev, prev_cp);
    if (!jl) break;
    j += jl;
  }
  /* has|n't: a word cut before "n't" ends before the n. */
  size_t alen = tok_apos_len(st, j), end;
  if (alen && j > i + 1 && (st->s[j - 1] | 0x20) == 'n' &&
      tok_clitic(st, j, alen, &end) == 2)
    j--;
  return j;
}

/* A letter-dot run at i ("U.S.", "e.g.", "a.m.", an initial "J."): its end,
 * or 0.  A lower-case single letter with a period is no initial. */
static size_t tok_letter_dots(const tok_scan *st, size_t i) {
  size_t k = i, count = 0, n;
  int32_t cp;
  int first = TEXT_SPACE;
  while (k < st->len) {
    int cls = tok_cls(st, k, &cp, &n);
    if (!tok_is_letter_cls(cls)) break;
    if (k + n < st->len && st->s[k + n] == '.') {
      if (!count) first = cls;
      count++;
      k += n + 1;
      continue;
    }
    /* "U.S" without the final period: take the last letter too. */
    if (count && !tok_is_alnum_cls(tok_cls_at(st, k + n)) &&
        tok_cls_at(st, k + n) != TEXT_MARK)
      return k + n;
    break;
  }
  /* "J.Crew" stops after the initial: J. + Crew. */
  return count >= 2 || (count == 1 && first == TEXT_UPPER) ? k : 0;
}

/* A URL at i (http://, https://, ftp://, www.): its end or 0. */
static size_t tok_url(const tok_scan *st, size_t i) {
  static const char *const prefixes[] = {"http://", "https://", "ftp://",
                                         "www."};
  const unsigned char *s = st->s;
  size_t k = 0;
  for (size_t p = 0; p < 4 && !k; p++) {
    size_t pl = strlen(prefixes[p]);
    if (i + pl < st->len && strncasecmp((const char *)s + i, prefixes[p],
                                        pl) == 0 &&
        tok_is_alnum_cls(tok_cls_at(st, i + pl)))
      k = i + pl;
  }
  if (!k) return 0;
  int parens = 0;
  while (k < st->len) {
    int32_t cp;
    size_t n;
    int cls = tok_cls(st, k, &cp, &n);
    if (cls == TEXT_SPACE || cls == TEXT_INVALID || cp == '"' || cp == '<' ||
        cp == '>' || (cp > 0x7F && tok_is_quote_cp(cp)))
      break;
    parens += cp == '(' ? 1 : cp == ')' ? -1 : 0;
    k += n;
  }
  /* Trailing sentence punctuation is not part of the URL. */
  while (k > i) {
    unsigned char c = s[k - 1];
    if (c == ')' && parens < 0) {
      parens++;
      k--;
    } else if (strchr(".,;:!?'", c) && c) {
      k--;
    } else {
      break;
    }
  }
  return k;
}

static int tok_email_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '%' ||
         c == '+' || c == '-';
}

static int tok_domain_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-';
}

/* An e-mail address at i: its end or 0.  Remembers where the local part
 * stopped so that scanning stays linear. */
static size_t tok_email(tok_scan *st, size_t i) {
  if (i < st->no_email_until) return 0;
  size_t k = i;
  while (k < st->len && tok_email_char(st->s[k])) k++;
  if (k >= st->len || st->s[k] != '@' || st->s[k - 1] == '.') {
    st->no_email_until = k;
    return 0;
  }
  size_t d = k + 1, end = 0;
  int labels = 0;
  while (d < st->len && tok_domain_char(st->s[d])) {
    while (d < st->len && tok_domain_char(st->s[d])) d++;
    labels++;
    end = d;
    if (d + 1 < st->len && st->s[d] == '.' && tok_domain_char(st->s[d + 1]))
      d++;
    else
      break;
  }
  if (labels < 2) {
    st->no_email_until = k;
    return 0;
  }
  return end;
}

/* 1 when a word token (with a letter.letter join) ends in a common TLD,
 * optionally followed by a path: "Amazon.com", "example.org/x". */
static int tok_dotted_url(const unsigned char *s, size_t a, size_t b) {
  static const char *const tlds[] = {"com", "org", "net", "gov", "edu",
                                     "io",  "co",  "uk",  "info", "biz",
                                     "tv",  "ly",  "me"};
  size_t dot = 0, stop = b;
  for (size_t k = a; k < b; k++) {
    if (s[k] == '/') {
      stop = k;
      break;
    }
    if (s[k] == '.') dot = k;
  }
  if (!dot) return 0;
  for (size_t t = 0; t < sizeof tlds / sizeof *tlds; t++) {
    size_t tl = strlen(tlds[t]);
    if (stop - dot - 1 == tl && strncasecmp((const char *)s + dot + 1,
                                            tlds[t], tl) == 0)
      return 1;
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* Emitting tokens: lower form, shape, case flags                       */
/* ------------------------------------------------------------------ */

/* n bytes of string space (not aligned): lower and shape strings are
 * carved from 8 KiB arena blocks, so a token costs no allocation. */
static char *tok_reserve(tok_scan *st, size_t n) {
  if (st->left < n) {
    size_t size = n > 8192 ? n : 8192;
    char *p = arena_alloc(&st->tl->strings, size);
    if (!p) return NULL;
    st->buf = p;
    st->left = size;
  }
  return st->buf;
}

static void tok_commit(tok_scan *st, size_t n) {
  st->buf += n;
  st->left -= n;
}

/* Makes room in the shape table: allocates it or doubles it while it is
 * three quarters full and below TOK_SHAPES.  Without memory the table
 * stays as it is (shapes are then simply not shared). */
static void tok_shapes_grow(tok_scan *st) {
  size_t cap = st->shapes_cap;
  if (cap && (st->nshapes * 4 < cap * 3 || cap >= TOK_SHAPES)) return;
  size_t ncap = cap ? cap * 2 : TOK_SHAPES_FIRST;
  tok_shape_slot *nt = mem_calloc(&st->tl->alloc, ncap, sizeof *nt);
  if (!nt) return;
  for (size_t k = 0; k < cap; k++) {
    if (!st->shapes[k].s) continue;
    size_t slot = st->shapes[k].hash & (ncap - 1);
    while (nt[slot].s) slot = (slot + 1) & (ncap - 1);
    nt[slot] = st->shapes[k];
  }
  mem_free(&st->tl->alloc, st->shapes, cap * sizeof *st->shapes);
  st->shapes = nt;
  st->shapes_cap = ncap;
}

/* The shape string for shape[0, n): an interned copy when short. */
static const char *tok_intern_shape(tok_scan *st, const char *shape,
                                    size_t n) {
  uint32_t h = 2166136261u;
  for (size_t k = 0; k < n; k++) h = (h ^ (unsigned char)shape[k]) * 16777619u;
  if (n <= TOK_SHAPE_MAX) tok_shapes_grow(st);
  size_t mask = st->shapes_cap - 1, slot = h & mask;
  if (n <= TOK_SHAPE_MAX && st->shapes) {
    for (;;) {
      tok_shape_slot *e = &st->shapes[slot];
      if (!e->s) break;
      if (e->hash == h && e->len == n && memcmp(e->s, shape, n) == 0)
        return e->s;
      slot = (slot + 1) & mask;
    }
  }
  char *p = tok_reserve(st, n + 1);
  if (!p) return NULL;
  memcpy(p, shape, n);
  p[n] = '\0';
  tok_commit(st, n + 1);
  /* A full-sized table three quarters full stops taking new shapes. */
  if (n <= TOK_SHAPE_MAX && st->shapes &&
      st->nshapes * 4 < st->shapes_cap * 3) {
    st->shapes[slot] = (tok_shape_slot){p, h, (uint32_t)n};
    st->nshapes++;
  }
  return p;
}

/* Case bookkeeping while a token's letters go by. */
typedef struct tok_case {
  int upper, lower, later_upper, first; /* first: class of first cased */
} tok_case;

static void tok_case_add(tok_case *c, int cls) {
  if (cls == TEXT_UPPER) {
    if (c->first) c->later_upper = 1;
    else c->first = TEXT_UPPER;
    c->upper = 1;
  } else if (cls == TEXT_LOWER) {
    if (!c->first) c->first = TEXT_LOWER;
    c->lower = 1;
  }
}

/* One shape unit: a class letter or the code point itself, cut after four
 * of a kind (spaCy's rule). */
static void tok_shape_add(char *shape, size_t *sn, int32_t unit,
                          const unsigned char *bytes, size_t n,
                          int32_t *last, int *seq) {
  if (unit == *last) {
    (*seq)++;
  } else {
    *seq = 0;
    *last = unit;
  }
  if (*seq >= 4) return;
  memcpy(shape + *sn, bytes, n);
  *sn += n;
}

/* Writes lower form and shape of text[a, b) and sets case flags. */
static int tok_forms(tok_scan *st, assay_token *t, size_t a, size_t b) {
  size_t n = b - a;
  char local[4 * TOK_SHAPE_MAX + 8]; /* short tokens' shapes */
  /* Lower-casing at most doubles a code point's bytes; NUL becomes the
   * 3-byte U+FFFD so that lower and shape stay C strings. */
  char *lower = tok_reserve(st, 3 * n + 1);
  if (!lower) return ASSAY_ENOMEM;
  char *shape = 3 * n < sizeof local ? local : NULL;
  size_t ln = 0, sn = 0;
  tok_case c = {0, 0, 0, 0};
  int32_t last = -2;
  int seq = 0, digit = 0;
  if (!shape) { /* a long token: shape behind the lower form */
    shape = tok_reserve(st, 6 * n + 2);
    if (!shape) return ASSAY_ENOMEM;
    lower = shape + 3 * n + 1;
  }
  for (size_t i = a; i < b;) {
    /* The hot path: ASCII letters and digits. */
    unsigned char ch = st->s[i];
    if (ch < 0x80 && tok_ascii[ch] != TEXT_PUNCT &&
        tok_ascii[ch] != TEXT_SYMBOL) {
      int cls = tok_ascii[ch];
      unsigned char u = 'd';
      if (cls == TEXT_UPPER) {
        u = 'X';
        ch += 32;
        c.later_upper |= c.first != 0;
        if (!c.first) c.first = TEXT_UPPER;
        c.upper = 1;
      } else if (cls == TEXT_LOWER) {
        u = 'x';
        if (!c.first) c.first = TEXT_LOWER;
        c.lower = 1;
      } else {
        digit = 1;
      }
      lower[ln++] = (char)ch;
      if (u == last) {
        if (++seq < 4) shape[sn++] = (char)u;
      } else {
        seq = 0;
        last = u;
        shape[sn++] = (char)u;
      }
      i++;
      continue;
    }
    int32_t cp;
    size_t len;
    int cls = tok_cls(st, i, &cp, &len);
    const unsigned char *src = st->s + i;
    if (cp == 0) {
      memcpy(lower + ln, "\xEF\xBF\xBD", 3);
      ln += 3;
      tok_shape_add(shape, &sn, 0xFFFD, (const unsigned char *)"\xEF\xBF\xBD",
                    3, &last, &seq);
    } else if (cp < 0x80) {
      /* ASCII punctuation and symbols are their own shape. */
      unsigned char u = (unsigned char)cp;
      lower[ln++] = (char)u;
      tok_shape_add(shape, &sn, u, &u, 1, &last, &seq);
    } else {
      ln += text_lower_utf8(cp, (unsigned char *)lower + ln);
      unsigned char u = tok_is_letter_cls(cls) ? (cls == TEXT_UPPER ? 'X' : 'x')
                        : cls == TEXT_DIGIT ? 'd' : 0;
      if (u) tok_shape_add(shape, &sn, u, &u, 1, &last, &seq);
      else tok_shape_add(shape, &sn, cp, src, len, &last, &seq);
    }
    digit |= cls == TEXT_DIGIT;
    tok_case_add(&c, cls);
    i += len;
  }
  lower[ln] = '\0';
  t->lower = lower;
  t->lower_len = (uint8_t)(ln > 255 ? 255 : ln);
  if (shape == local) {
    tok_commit(st, ln + 1);
    t->shape = tok_intern_shape(st, shape, sn);
    if (!t->shape) return ASSAY_ENOMEM;
  } else {
    shape[sn] = '\0';
    t->shape = shape;
    tok_commit(st, 6 * n + 2);
  }
  if (c.upper && !c.lower) t->flags |= ASSAY_TF_UPPER;
  if (c.lower && !c.upper) t->flags |= ASSAY_TF_LOWER;
  if (c.first == TEXT_UPPER && !c.later_upper) t->flags |= ASSAY_TF_TITLE;
  if (digit) t->flags |= ASSAY_TF_DIGIT;
  return ASSAY_OK;
}

/* First bytes of the punctuation that may end a sentence: terminals
 * (. ! ? U+2026) and closers (')' ']'; quotes have ASSAY_TF_QUOTE). */
static const unsigned char tok_ends[256] = {
    ['.'] = 1, ['!'] = 1, ['?'] = 1, [')'] = 1, [']'] = 1, [0xE2] = 1};

/* Whether tok_ends_after can be true after token t: most tokens, plain
 * words and commas, end nothing and need no look.  Only an abbreviation,
 * a terminal or a closer can. */
static inline unsigned tok_may_end(const unsigned char *s,
                                   const assay_token *t) {
  return (t->flags & (ASSAY_TF_ABBREV | ASSAY_TF_QUOTE)) != 0 ||
         (t->kind == ASSAY_TOKEN_PUNCT && tok_ends[s[t->start]]);
}

/* Makes room for one more candidate (see tok_scan.cands). */
static int tok_cands_grow(tok_scan *st) {
  size_t ncap = st->cands_cap * 2;
  uint32_t *nc = mem_alloc(&st->tl->alloc, ncap * sizeof *nc);
  if (!nc) return ASSAY_ENOMEM;
  memcpy(nc, st->cands, st->ncands * sizeof *nc);
  if (st->cands != st->cands_local)
    mem_free(&st->tl->alloc, st->cands, st->cands_cap * sizeof *nc);
  st->cands = nc;
  st->cands_cap = ncap;
  return ASSAY_OK;
}

/* Room for the token about to be pushed in the token and candidate
 * arrays; nonzero without memory. */
static inline int tok_room(tok_scan *st) {
  tok_list *tl = st->tl;
  if (tl->ntokens == tl->tokens_cap &&
      tok_grow(tl, (void **)&tl->tokens, &tl->tokens_cap, sizeof *tl->tokens,
               TOK_IN_BLOCK_TOKENS))
    return ASSAY_ENOMEM;
  return st->ncands == st->cands_cap ? tok_cands_grow(st) : ASSAY_OK;
}

/* Notes the token just pushed as a candidate when may is 1, without a
 * branch (the room was made by tok_room). */
static inline void tok_note(tok_scan *st, unsigned may) {
  st->cands[st->ncands] = (uint32_t)(st->tl->ntokens - 1);
  st->ncands += may;
}

static int tok_emit(tok_scan *st, size_t a, size_t b, int kind,
                    unsigned flags) {
  tok_list *tl = st->tl;
  if (tok_room(st)) return ASSAY_ENOMEM;
  assay_token *t = &tl->tokens[tl->ntokens];
  memset(t, 0, sizeof *t);
  t->start = (uint32_t)a;
  t->end = (uint32_t)b;
  t->kind = (uint8_t)kind;
  t->flags = (uint16_t)flags;
  if (kind == ASSAY_TOKEN_INVALID) {
    t->lower = t->shape = "\xEF\xBF\xBD"; /* U+FFFD, a static string */
    t->lower_len = 3;
  } else {
    int rc = tok_forms(st, t, a, b);
    if (rc) return rc;
  }
  tl->ntokens++;
  tok_note(st, tok_may_end(st->s, t));
  return ASSAY_OK;
}

/* ------------------------------------------------------------------ */
/* Fast paths: plain ASCII words and one-byte punctuation               */
/* ------------------------------------------------------------------ */

/* Most news tokens are ASCII letters or digits ended by a space or a
 * comma, or a lone comma or period.  For those the general path's checks
 * (URL, letter dots, joiners, clitics, e-mail, abbreviations, marks) all
 * come out "no"; these paths recognise them in one pass, write the same
 * forms and flags, and hand everything else (return 0) to the general
 * path, which then decides as before. */

#define TOK_FAST_MAX 48 /* longer words take the general path */

/* Whether byte c (after an ASCII alphanumeric run) surely ends the word
 * for tok_word_end and calls for no e-mail, abbreviation or clitic look.
 * ',' and ':' join digits (1,000 and 8:45) but not letters. */
static int tok_plain_stop(unsigned char c, int after_digit) {
  if (c >= 0x80) return 0; /* a mark, U+2019, U+2010... */
  switch (c) {
  case '-': case '/': case '.': case '&': case '\'': case '_': case '@':
  case '%': case '+':
    return 0;
  case ',': case ':':
    return !after_digit;
  default:
    return 1; /* spaces, controls, other punctuation and symbols */
  }
}

/* Bytes after an ASCII word that may continue it or call for a closer
 * look (tok_plain_stop, clitics, URLs): joiners, and every byte >= 0x80. */
static const unsigned char tok_may_join[256] = {
    ['-'] = 1, ['/'] = 1, ['.'] = 1, ['&'] = 1, ['\''] = 1, ['_'] = 1,
    ['@'] = 1, ['%'] = 1, ['+'] = 1, [','] = 1, [':'] = 1,
#define TOK_R4(c) [c] = 1, [c + 1] = 1, [c + 2] = 1, [c + 3] = 1
#define TOK_R16(c) TOK_R4(c), TOK_R4(c + 4), TOK_R4(c + 8), TOK_R4(c + 12)
    TOK_R16(0x80), TOK_R16(0x90), TOK_R16(0xA0), TOK_R16(0xB0),
    TOK_R16(0xC0), TOK_R16(0xD0), TOK_R16(0xE0), TOK_R16(0xF0)
#undef TOK_R16
#undef TOK_R4
};

/* Case flags of an ASCII word by its classes (TOK_B_* >> 8): upper-case
 * letters only, lower-case only, a digit. */
static const uint16_t tok_case_flags[8] = {
    0,
    ASSAY_TF_UPPER,
    ASSAY_TF_LOWER,
    0,
    ASSAY_TF_DIGIT,
    ASSAY_TF_UPPER | ASSAY_TF_DIGIT,
    ASSAY_TF_LOWER | ASSAY_TF_DIGIT,
    ASSAY_TF_DIGIT};

/* The interned shape of a fast word: shapes of 8 bytes or less go through
 * a direct-mapped cache keyed by their packed bytes. */
static const char *tok_fast_shape(tok_scan *st, const char *shape,
                                  size_t n) {
  if (n > 8) return tok_intern_shape(st, shape, n);
  uint64_t key = 0;
  memcpy(&key, shape, n);
  size_t slot = (size_t)((key * 0x9E3779B97F4A7C15u) >> 58);
  if (st->shape_key[slot] == key) return st->shape_val[slot];
  const char *p = tok_intern_shape(st, shape, n);
  if (p) {
    st->shape_key[slot] = key;
    st->shape_val[slot] = p;
  }
  return p;
}

/* For ASCII letters and digits: the lower-case byte, and above it the
 * class bit (TOK_B_*); 0 for any other byte (the fast word loop stops). */
enum { TOK_B_UPPER = 0x100, TOK_B_LOWER = 0x200, TOK_B_DIGIT = 0x400 };
static const uint16_t tok_fold[256] = {
#define TOK_D(c) [c] = TOK_B_DIGIT | c
    TOK_D('0'), TOK_D('1'), TOK_D('2'), TOK_D('3'), TOK_D('4'),
    TOK_D('5'), TOK_D('6'), TOK_D('7'), TOK_D('8'), TOK_D('9'),
#undef TOK_D
#define TOK_L(c) [c] = TOK_B_LOWER | c, [c - 32] = TOK_B_UPPER | c
    TOK_L('a'), TOK_L('b'), TOK_L('c'), TOK_L('d'), TOK_L('e'), TOK_L('f'),
    TOK_L('g'), TOK_L('h'), TOK_L('i'), TOK_L('j'), TOK_L('k'), TOK_L('l'),
    TOK_L('m'), TOK_L('n'), TOK_L('o'), TOK_L('p'), TOK_L('q'), TOK_L('r'),
    TOK_L('s'), TOK_L('t'), TOK_L('u'), TOK_L('v'), TOK_L('w'), TOK_L('x'),
    TOK_L('y'), TOK_L('z')
#undef TOK_L
};

/* The shapes of one-class words by length (four of a kind at most), and
 * of title-case words: static strings, as valid as any document's.
 * Indexed by the word's classes (TOK_B_* >> 8), 8 more when it is title
 * case, and its length up to 5; NULL: a mixed shape ("4Q", "iPhone"),
 * built by tok_fast_mixed_shape. */
#define TOK_SH_X {"", "X", "XX", "XXX", "XXXX", "XXXX"}
static const char *const tok_shape_tab[16][6] = {
    [1] = TOK_SH_X,
    [2] = {"", "x", "xx", "xxx", "xxxx", "xxxx"},
    [4] = {"", "d", "dd", "ddd", "dddd", "dddd"},
    [9] = TOK_SH_X, /* "A": one upper-case letter */
    [11] = {"", "X", "Xx", "Xxx", "Xxxx", "Xxxxx"},
};
#undef TOK_SH_X

/* The shape of a mixed ASCII word s[0, n) (letters and digits): units X x
 * d, four of a kind at most; interned. */
static const char *tok_fast_mixed_shape(tok_scan *st, const unsigned char *s,
                                        size_t n) {
  char shape[TOK_FAST_MAX];
  size_t sn = 0;
  int seq = 0;
  char last = 0;
  for (size_t k = 0; k < n; k++) {
    char u = s[k] <= '9' ? 'd' : s[k] <= 'Z' ? 'X' : 'x';
    if (u == last) {
      if (++seq >= 4) continue;
    } else {
      seq = 0;
      last = u;
    }
    shape[sn++] = u;
  }
  return tok_fast_shape(st, shape, sn);
}

/* A plain ASCII word or number at i (an ASCII letter or digit): emits it
 * with flags and returns its end, or 0 for the general path. */
static size_t tok_fast_word(tok_scan *st, size_t i, unsigned flags) {
  const unsigned char *s = st->s;
  size_t len = st->len;
  /* Slack for the vector compare, which stores sixteen bytes. */
  char *lower = tok_reserve(st, TOK_FAST_MAX + 17);
  if (!lower) return 0;
  size_t n;
  unsigned ci, title; /* classes (TOK_B_* >> 8); title case */
#ifdef TOK_SIMD
  /* Nearly every word ends within sixteen bytes: one pass of compares,
   * one store and a few bit operations, without a branch per byte or per
   * class (capitalised and plain words alternate unpredictably). */
  if (len - i >= TOK_SIMD) {
    tok_simd c = tok_simd_class(s + i);
    _mm_storeu_si128((__m128i *)(void *)lower, c.lower);
    unsigned stop = ~(c.up | c.lo | c.dg) & 0xFFFFu;
    if (stop) {
      unsigned valid = (stop - 1) & ~stop; /* the bytes before the stop */
      unsigned up = c.up & valid, letters = (c.up | c.lo) & valid;
      n = (size_t)__builtin_ctz(stop);
      ci = (up != 0) | ((c.lo & valid) != 0) << 1 | ((c.dg & valid) != 0) << 2;
      /* Title case: one upper-case letter, the first letter. */
      title = (up != 0) & ((up & (up - 1)) == 0) &
              ((letters & (0u - letters)) == up);
      goto scanned;
    }
  }
#endif
  /* Longer words and the last bytes of the text, a byte at a time. */
  unsigned bits = 0, nup = 0;
  for (n = 0; n < TOK_FAST_MAX && i + n < len; n++) {
    unsigned e = tok_fold[s[i + n]];
    if (!e) break;
    lower[n] = (char)e;
    bits |= e;
    nup += (e & TOK_B_UPPER) != 0;
  }
  if (n >= TOK_FAST_MAX && i + n < len) return 0; /* too long for the buffer */
  ci = (bits >> 8) & 7;
  title = 0;
  if (nup == 1) { /* the first cased letter, after any digits */
    size_t f = i;
    while (s[f] <= '9') f++;
    title = s[f] <= 'Z';
  }
#ifdef TOK_SIMD
scanned:;
#endif
  size_t j = i + n;
  /* One table look sends the usual ends (a space, most punctuation)
   * straight on. */
  if (j < len && tok_may_join[s[j]]) {
    unsigned char stop = s[j], after = j + 1 < len ? s[j + 1] : ' ';
    size_t cend;
    /* http://, https://, ftp://: the URL scanner's business ("www." is
     * followed by a letter, so it never gets here). */
    if (stop == ':' && n <= 5) return 0;
    if (tok_plain_stop(stop, s[j - 1] <= '9')) {
      /* ends the word */
    } else if (stop == '\'') {
      /* Sony|'s: the clitic is a token of its own. */
      if (tok_clitic(st, j, 1, &cend) != 1) return 0;
    } else if (stop == ',' || stop == ':') {
      /* 1,000 and 8:45 join digits only when a digit follows. */
      if ((unsigned)(after - '0') < 10 || after >= 0x80) return 0;
    } else {
      /* "said. ": a period before a space ends the word unless the word
       * is an initial or an abbreviation (letter dots, joiners and
       * e-mail addresses need more than a period and a space). */
      if (stop != '.' || after >= 0x80 || tok_ascii[after] != TEXT_SPACE)
        return 0;
      if (s[i] > '9' &&
          (n == 1 || tok_is_abbreviation(st->tz, (const char *)s + i, n + 1)))
        return 0;
    }
  }
  lower[n] = '\0';
  tok_commit(st, n + 1); /* before a shape takes bump space */
  flags |= tok_case_flags[ci] | (title ? ASSAY_TF_TITLE : 0);
  const char *sh = tok_shape_tab[ci | title << 3][n < 5 ? n : 5];
  if (!sh) sh = tok_fast_mixed_shape(st, s + i, n);
  if (!sh || tok_room(st)) return 0;
  /* Never a candidate: a plain word has no ASSAY_TF_ABBREV here. */
  assay_token *t = &st->tl->tokens[st->tl->ntokens++];
  *t = (assay_token){(uint32_t)i, (uint32_t)j, 0, (uint16_t)flags,
                     s[i] <= '9' ? ASSAY_TOKEN_NUMBER : ASSAY_TOKEN_WORD,
                     (uint8_t)n, lower, sh};
  return j;
}

/* A one-byte ASCII punctuation or symbol token at i: emits it and returns
 * i + 1, or 0 for the general path (apostrophes, "..." and "--", NUL, a
 * possible mark after it). */
static size_t tok_fast_punct(tok_scan *st, size_t i, unsigned flags) {
  const unsigned char *s = st->s;
  unsigned char c = s[i];
  size_t end = i + 1;
  int nextc = end < st->len ? s[end] : -1;
  if (c == '\'' || c == 0) return 0;
  if (c == '"' || c == '`') {
    flags |= ASSAY_TF_QUOTE;
  } else if (c == '.' || c == '-') {
    if (nextc == c) return 0;
  } else if (nextc >= 0x80) {
    return 0;
  }
  if (!st->chars[c]) {
    char *p = tok_reserve(st, 2);
    if (!p) return 0;
    p[0] = (char)c;
    p[1] = '\0';
    tok_commit(st, 2);
    st->chars[c] = p;
  }
  if (tok_room(st)) return 0;
  assay_token *t = &st->tl->tokens[st->tl->ntokens++];
  *t = (assay_token){(uint32_t)i, (uint32_t)end, 0, (uint16_t)flags,
                     tok_ascii[c] == TEXT_PUNCT ? ASSAY_TOKEN_PUNCT
                                                : ASSAY_TOKEN_SYMBOL,
                     1, st->chars[c], st->chars[c]};
  tok_note(st, tok_may_end(s, t));
  return end;
}

/* ------------------------------------------------------------------ */
/* Cutting the text                                                     */
/* ------------------------------------------------------------------ */

/* Abbreviations that are also words ("Ark.", "Mass.", "Wed."): they keep
 * their period only after a comma ("Boston, Mass.") or before a digit or
 * a lower-case word ("Wed. night", "Mar. 5"); elsewhere the period more
 * likely ends a sentence ("the Lost Ark."). */
static const char *const tok_ambiguous[] = {
    "Ark.", "Col.", "Del.", "Fig.", "Ga.",   "Ill.",  "Ind.",  "La.",
    "Mar.", "Mass.", "Me.", "Miss.", "Mo.",  "Mont.", "Ore.",  "Pa.",
    "Sat.", "Sun.", "Va.", "Wash.", "Wed."};

static int tok_abbrev_in_context(const tok_scan *st, size_t a, size_t b) {
  char w[8];
  if (b - a >= sizeof w) return 1;
  memcpy(w, st->s + a, b - a);
  w[b - a] = '\0';
  const char *key = w;
  if (!bsearch(&key, tok_ambiguous, sizeof tok_ambiguous / sizeof *tok_ambiguous,
               sizeof *tok_ambiguous, tok_strcmp))
    return 1;
  const tok_list *tl = st->tl;
  if (tl->ntokens && st->s[tl->tokens[tl->ntokens - 1].start] == ',' &&
      tl->tokens[tl->ntokens - 1].end == tl->tokens[tl->ntokens - 1].start + 1)
    return 1;
  size_t k = b;
  while (k < st->len && (st->s[k] == ' ' || st->s[k] == '\t')) k++;
  int cls = tok_cls_at(st, k);
  return k > b && (cls == TEXT_DIGIT || cls == TEXT_LOWER);
}

/* The token that starts at i with a letter or digit: its end, kind and
 * extra flags. */
static size_t tok_wordlike(tok_scan *st, size_t i, int cls, int *kind,
                           unsigned *flags) {
  const unsigned char *s = st->s;
  const tok_list *tl = st->tl;
  const assay_token *prev = tl->ntokens ? &tl->tokens[tl->ntokens - 1] : NULL;
  size_t end;
  *kind = ASSAY_TOKEN_WORD;
  /* The "n't" of has|n't, right after its word. */
  if (prev && prev->end == i && prev->kind <= ASSAY_TOKEN_NUMBER &&
      (s[i] | 0x20) == 'n' && tok_apos_len(st, i + 1) &&
      tok_clitic(st, i + 1, tok_apos_len(st, i + 1), &end) == 2)
    return end;
  unsigned char c = s[i] | 0x20, c1 = i + 1 < st->len ? s[i + 1] | 0x20 : 0;
  if (((c == 'h' && c1 == 't') || (c == 'f' && c1 == 't') ||
       (c == 'w' && c1 == 'w')) &&
      (end = tok_url(st, i))) {
    *kind = ASSAY_TOKEN_URL;
    return end;
  }
  if (tok_is_letter_cls(cls) && (s[i] >= 0x80 || c1 == '.') &&
      (end = tok_letter_dots(st, i))) {
    if (s[end - 1] == '.') *flags |= ASSAY_TF_ABBREV;
    return end;
  }
  end = tok_word_end(st, i);
  /* An e-mail address only where the word stops at a character that an
   * address may hold. */
  unsigned char e = end < st->len ? s[end] : 0;
  if (s[i] < 0x80 && (e == '@' || e == '.' || e == '_' || e == '%' ||
                      e == '+' || e == '-')) {
    size_t mail = tok_email(st, i);
    if (mail) {
      *kind = ASSAY_TOKEN_EMAIL;
      return mail;
    }
  }
  if (cls == TEXT_DIGIT) {
    *kind = ASSAY_TOKEN_NUMBER;
  } else if (end < st->len && s[end] == '.' &&
             tok_is_abbreviation(st->tz, (const char *)s + i, end - i + 1) &&
             tok_abbrev_in_context(st, i, end + 1)) {
    *flags |= ASSAY_TF_ABBREV;
    end++;
  } else if (end - i > 3 && memchr(s + i, '.', end - i) &&
             tok_dotted_url(s, i, end)) {
    *kind = ASSAY_TOKEN_URL;
  }
  return end;
}

/* A punctuation or symbol token at i. */
static size_t tok_punct(tok_scan *st, size_t i, int32_t cp, size_t n,
                        int cls, int *kind, unsigned *flags) {
  const unsigned char *s = st->s;
  const tok_list *tl = st->tl;
  const assay_token *prev = tl->ntokens ? &tl->tokens[tl->ntokens - 1] : NULL;
  size_t end = i + n;
  *kind = cls == TEXT_PUNCT ? ASSAY_TOKEN_PUNCT : ASSAY_TOKEN_SYMBOL;
  /* The clitic of Sony|'s, I|'m, we|'ve, right after its word. */
  size_t alen = tok_apos_len(st, i), cend;
  if (alen && prev && prev->end == i && prev->kind <= ASSAY_TOKEN_NUMBER &&
      tok_clitic(st, i, alen, &cend) == 1) {
    *kind = ASSAY_TOKEN_WORD;
    return cend;
  }
  if (tok_is_quote_cp(cp)) {
    *flags |= ASSAY_TF_QUOTE;
    return end;
  }
  if (cp == '.' || cp == '-') { /* "..." and "--" */
    while (end < st->len && s[end] == (unsigned char)cp) end++;
    return end;
  }
  /* Marks and format characters (ZWJ, variation selectors) stay with the
   * symbol they modify. */
  while (end < st->len) {
    int32_t c2;
    size_t n2;
    int c2cls = tok_cls(st, end, &c2, &n2);
    /* Emoji skin-tone modifiers are symbols (Sk) that modify too. */
    if (c2cls != TEXT_MARK && !(c2 >= 0x1F3FB && c2 <= 0x1F3FF)) break;
    end += n2;
    if (c2 == 0x200D && end < st->len &&
        tok_cls(st, end, &c2, &n2) == TEXT_SYMBOL)
      end += n2;
  }
  return end;
}

/* Records that the last token starts a line (after that many newlines). */
static int tok_line(tok_scan *st, int newlines) {
  if (st->nlines == st->lines_cap) {
    size_t ncap = st->lines_cap * 2;
    uint64_t *nl = mem_alloc(&st->tl->alloc, ncap * sizeof *nl);
    if (!nl) return ASSAY_ENOMEM;
    memcpy(nl, st->lines, st->nlines * sizeof *nl);
    if (st->lines != st->lines_local)
      mem_free(&st->tl->alloc, st->lines, st->lines_cap * sizeof *nl);
    st->lines = nl;
    st->lines_cap = ncap;
  }
  st->lines[st->nlines++] = (uint64_t)(st->tl->ntokens - 1) << 1 |
                            (newlines >= 2 ? TOK_PARA_BREAK : 0);
  return ASSAY_OK;
}

/* Cuts text into tokens; line starts go into the flags and st->lines. */
static int tok_cut(tok_scan *st) {
  const unsigned char *s = st->s;
  size_t i = 0, len = st->len;
  unsigned pending = ASSAY_TF_LINE_START;
  int newlines = 0;
  if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) i = 3;
  while (i < len) {
    unsigned char c = s[i];
    if (c < 0x80 && !st->general_only) { /* the fast paths */
      int a = tok_ascii[c];
      size_t end = 0;
      if (a == TEXT_SPACE) {
        pending |= ASSAY_TF_SPACE_BEFORE;
        if (c == '\n' || c == '\r') {
          if (c == '\r' && i + 1 < len && s[i + 1] == '\n') i++;
          newlines++;
          pending |= ASSAY_TF_LINE_START;
        }
        i++;
        continue;
      }
      if (a == TEXT_LOWER || a == TEXT_UPPER || a == TEXT_DIGIT)
        end = tok_fast_word(st, i, pending);
      else
        end = tok_fast_punct(st, i, pending);
      if (end) {
        i = end;
        if ((pending & ASSAY_TF_LINE_START) && tok_line(st, newlines))
          return ASSAY_ENOMEM;
        pending = 0;
        newlines = 0;
        /* Most tokens are followed by one plain space: skip it here, not
         * in another turn of the loop.  (A branch-free form measured
         * slower: the next load would wait for the compare.) */
        if (i < len && s[i] == ' ') {
          pending = ASSAY_TF_SPACE_BEFORE;
          i++;
        }
        continue;
      }
    }
    int32_t cp;
    size_t n;
    int cls = tok_cls(st, i, &cp, &n);
    if (cls == TEXT_SPACE) {
      pending |= ASSAY_TF_SPACE_BEFORE;
      if (text_is_newline(cp)) {
        if (cp == '\r' && i + 1 < len && s[i + 1] == '\n') n = 2;
        newlines += cp == 0x2029 ? 2 : 1;
        pending |= ASSAY_TF_LINE_START;
      }
      i += n;
      continue;
    }
    int kind;
    unsigned flags = pending;
    size_t end;
    if (cls == TEXT_INVALID) {
      end = i + 1;
      while (end < len && s[end] >= 0x80 &&
             text_decode(s, len, end, &cp) == 1 && cp < 0)
        end++;
      kind = ASSAY_TOKEN_INVALID;
      st->tl->invalid++;
    } else if (tok_is_alnum_cls(cls) || cls == TEXT_MARK) {
      end = tok_wordlike(st, i, cls, &kind, &flags);
    } else {
      end = tok_punct(st, i, cp, n, cls, &kind, &flags);
    }
    if (tok_emit(st, i, end, kind, flags)) return ASSAY_ENOMEM;
    if ((pending & ASSAY_TF_LINE_START) && tok_line(st, newlines))
      return ASSAY_ENOMEM;
    i = end;
    pending = 0;
    newlines = 0;
  }
  return ASSAY_OK;
}

/* ------------------------------------------------------------------ */
/* Sentences and paragraphs                                             */
/* ------------------------------------------------------------------ */

/* Titles and references that never end a sentence ("Dr. Smith"). */
static const char *const tok_no_break[] = {
    "Adm.",  "Amb.",  "Atty.", "Capt.", "Cmdr.",  "Col.",  "Cpl.", "Det.",
    "Dr.",   "Drs.",  "Fig.",  "Fr.",   "Ft.",    "Gen.",  "Gov.", "Hon.",
    "Insp.", "Lt.",   "Maj.",  "Messrs.", "Mmes.", "Mr.",  "Mrs.", "Ms.",
    "Msgr.", "Mt.",   "No.",   "Nos.",  "Pres.",  "Prof.", "Pvt.", "Rep.",
    "Reps.", "Rev.",  "Sen.",  "Sens.", "Sgt.",   "St.",   "Ste.", "Supt.",
    "Vol.",  "cf.",   "e.g.",  "i.e.",  "p.",     "pp.",   "v.",   "vs."};

/* Capitalised words that start sentences: after "U.S." or an initial only
 * these end one ("in the U.S. The" but "the U.S. Justice Department"). */
static const char *const tok_starters[] = {
    "a", "according", "after", "all", "also", "an", "and",
    "as", "at", "because", "before", "both", "but", "by",
    "during", "earlier", "for", "he", "her", "his", "however",
    "i", "if", "in", "it", "its", "last", "later",
    "many", "meanwhile", "most", "no", "not", "now", "on",
    "one", "our", "she", "since", "so", "some",
    "still", "that", "the", "their", "there", "these", "they",
    "this", "those", "to", "we", "what", "when", "while",
    "who", "why", "with", "yet", "you"};

static int tok_in(const char *const *list, size_t n, const char *w) {
  return bsearch(&w, list, n, sizeof *list, tok_strcmp) != NULL;
}

/* The first byte of token t's text. */
static unsigned char tok_c0(const tok_scan *st, const assay_token *t) {
  return st->s[t->start];
}

static int tok_is_terminal(const tok_scan *st, const assay_token *t) {
  if (t->kind != ASSAY_TOKEN_PUNCT) return 0;
  unsigned char c = tok_c0(st, t);
  return c == '.' || c == '!' || c == '?' ||
         (t->end - t->start == 3 && memcmp(st->s + t->start, "\xE2\x80\xA6",
                                           3) == 0);
}

/* A closing quote or bracket glued to what precedes it. */
static int tok_is_closer(const tok_scan *st, const assay_token *t) {
  if (t->flags & ASSAY_TF_SPACE_BEFORE) return 0;
  unsigned char c = tok_c0(st, t);
  return (t->flags & ASSAY_TF_QUOTE) || c == ')' || c == ']';
}

/* Whether token t may open a sentence: an upper-case letter, a digit, or
 * an opening quote or bracket. */
static int tok_opens(const tok_scan *st, const assay_token *t) {
  int32_t cp;
  size_t n;
  int cls = tok_cls(st, t->start, &cp, &n);
  return cls == TEXT_UPPER || cls == TEXT_DIGIT ||
         (t->flags & ASSAY_TF_QUOTE) || cp == '(' || cp == '[';
}

/* An abbreviation (with its period) followed by next: does it end the
 * sentence? */
static int tok_abbrev_ends(const tok_scan *st, const assay_token *t,
                           const assay_token *next) {
  char w[16];
  size_t n = t->end - t->start;
  int32_t cp;
  size_t cl;
  int cls = tok_cls(st, next->start, &cp, &cl);
  if (!(next->flags & ASSAY_TF_SPACE_BEFORE)) return 0;
  if (cls != TEXT_UPPER && !(next->flags & ASSAY_TF_QUOTE)) return 0;
  if (n < sizeof w) {
    memcpy(w, st->s + t->start, n);
    w[n] = '\0';
    if (tok_in(tok_no_break, sizeof tok_no_break / sizeof *tok_no_break, w))
      return 0;
  }
  /* U.S., U.N., J.: capitalised names follow them mid-sentence. */
  if ((t->flags & ASSAY_TF_UPPER) && !(next->flags & ASSAY_TF_QUOTE))
    return tok_in(tok_starters, sizeof tok_starters / sizeof *tok_starters,
                  next->lower);
  return 1;
}

/* Whether a sentence ends after token t (t + 1 < q, in one paragraph that
 * starts at p). */
static int tok_ends_after(const tok_scan *st, size_t p, size_t t) {
  const assay_token *tk = st->tl->tokens;
  const assay_token *next = &tk[t + 1];
  if (tk[t].kind != ASSAY_TOKEN_PUNCT && !(tk[t].flags & ASSAY_TF_ABBREV))
    return 0; /* most tokens: a plain word ends nothing */
  if (tok_is_closer(st, next)) return 0; /* the closer ends it */
  size_t k = t;
  while (k > p && tok_is_closer(st, &tk[k])) k--;
  if (tok_is_terminal(st, &tk[k])) {
    if (next->flags & ASSAY_TF_SPACE_BEFORE) return tok_opens(st, next);
    /* "Sony Pictures.The concern": a period glued to a capitalised word. */
    return k == t && tok_c0(st, &tk[k]) == '.' && k > p &&
           tk[k - 1].kind == ASSAY_TOKEN_WORD &&
           (next->flags & ASSAY_TF_TITLE) && next->kind == ASSAY_TOKEN_WORD;
  }
  if (k == t && (tk[t].flags & ASSAY_TF_ABBREV))
    return tok_abbrev_ends(st, &tk[t], next);
  return 0;
}

static int tok_add_range(tok_list *tl, assay_range **arr, size_t *n,
                         size_t *cap, unsigned bit, size_t first,
                         size_t last) {
  if (*n == *cap && tok_grow(tl, (void **)arr, cap, sizeof **arr, bit))
    return ASSAY_ENOMEM;
  (*arr)[(*n)++] = (assay_range){tl->tokens[first].start,
                                 tl->tokens[last - 1].end, (uint32_t)first,
                                 (uint32_t)last};
  return ASSAY_OK;
}

static int tok_add_sentence(tok_list *tl, size_t first, size_t last) {
  uint32_t idx = (uint32_t)tl->nsents;
  assay_token *t = tl->tokens;
  size_t k = first;
  /* Four at a time: a sentence has some thirty tokens. */
  for (; k + 4 <= last; k += 4)
    t[k].sentence = t[k + 1].sentence = t[k + 2].sentence =
        t[k + 3].sentence = idx;
  for (; k < last; k++) t[k].sentence = idx;
  tl->tokens[first].flags |= ASSAY_TF_SENT_START;
  return tok_add_range(tl, &tl->sents, &tl->nsents, &tl->sents_cap,
                       TOK_IN_BLOCK_SENTS, first, last);
}

static int tok_add_para(tok_list *tl, size_t first, size_t last) {
  tl->tokens[first].flags |= ASSAY_TF_PARA_START;
  return tok_add_range(tl, &tl->paras, &tl->nparas, &tl->paras_cap,
                       TOK_IN_BLOCK_PARAS, first, last);
}

/* Whether the line of tokens [a, b) has final punctuation. */
static int tok_line_final(const tok_scan *st, size_t a, size_t b) {
  const assay_token *tk = st->tl->tokens;
  size_t k = b - 1;
  while (k > a && tok_is_closer(st, &tk[k])) k--;
  unsigned char c = tok_c0(st, &tk[k]);
  return tok_is_terminal(st, &tk[k]) ||
         (tk[k].kind == ASSAY_TOKEN_PUNCT && (c == ':' || c == ';' || c == ','));
}

/* Whether the line [a, b), first of a paragraph whose next line starts at
 * b, is a headline: no final punctuation, at most TOK_MAX_HEADLINE tokens,
 * the next line opens like a sentence, and either most words of the line
 * are capitalised or the next line is long (a paragraph per line, not
 * prose wrapped at a fixed width). */
static int tok_headline_line(const tok_scan *st, size_t a, size_t b,
                             size_t q) {
  const assay_token *tk = st->tl->tokens;
  if (b - a > TOK_MAX_HEADLINE || tok_line_final(st, a, b) ||
      !tok_opens(st, &tk[b]))
    return 0;
  size_t words = 0, caps = 0, e = b + 1;
  for (size_t k = a; k < b; k++) {
    if (tk[k].kind != ASSAY_TOKEN_WORD || tk[k].end - tk[k].start < 4) continue;
    words++;
    caps += (tk[k].flags & (ASSAY_TF_TITLE | ASSAY_TF_UPPER)) != 0;
  }
  if (words && caps * 3 >= words * 2) return 1;
  while (e < q && !(tk[e].flags & ASSAY_TF_LINE_START)) e++;
  return tk[e - 1].end - tk[b].start > 100;
}

/* Whether a sentence ends inside tokens [p, e). */
static int tok_has_break(const tok_scan *st, size_t p, size_t e) {
  for (size_t t = p; t + 1 < e; t++)
    if (tok_ends_after(st, p, t)) return 1;
  return 0;
}

static void tok_mark_headline(tok_list *tl, size_t a, size_t b) {
  for (size_t k = a; k < b; k++) tl->tokens[k].flags |= ASSAY_TF_HEADLINE;
}

/* Paragraph [p, q), whose second line starts at e (q: none): a headline
 * line splits off; the rest is cut into sentences. */
static int tok_paragraph(tok_scan *st, size_t p, size_t e, size_t q) {
  tok_list *tl = st->tl;
  if (((e == q && q - p <= TOK_MAX_HEADLINE && !tok_line_final(st, p, q)) ||
       (e < q && tok_headline_line(st, p, e, q))) &&
      !tok_has_break(st, p, e)) {
    tok_mark_headline(tl, p, e);
    if (tok_add_para(tl, p, e) || tok_add_sentence(tl, p, e))
      return ASSAY_ENOMEM;
    if (e == q) return ASSAY_OK;
    p = e;
  }
  if (tok_add_para(tl, p, q)) return ASSAY_ENOMEM;
  size_t s = p, c = st->cand_at;
  const uint32_t *cands = st->cands;
  while (c < st->ncands && cands[c] < p) c++;
  for (; c < st->ncands && cands[c] + 1 < q; c++) {
    size_t t = cands[c];
    if (!tok_ends_after(st, p, t)) continue;
    if (tok_add_sentence(tl, s, t + 1)) return ASSAY_ENOMEM;
    s = t + 1;
  }
  st->cand_at = c;
  return tok_add_sentence(tl, s, q);
}

static int tok_structure(tok_scan *st) {
  const uint64_t *lines = st->lines;
  size_t n = st->tl->ntokens, nl = st->nlines, k = 0;
  /* lines[0] is token 0: the first token starts a line, and a blank line
   * before it makes no paragraph break. */
  while (k < nl) {
    size_t p = (size_t)(lines[k] >> 1), k2 = k + 1;
    while (k2 < nl && !(lines[k2] & TOK_PARA_BREAK)) k2++;
    size_t q = k2 < nl ? (size_t)(lines[k2] >> 1) : n;
    size_t e = k + 1 < nl ? (size_t)(lines[k + 1] >> 1) : n;
    if (tok_paragraph(st, p, e, q)) return ASSAY_ENOMEM;
    k = k2;
  }
  return ASSAY_OK;
}

/* ------------------------------------------------------------------ */
/* Token lists                                                          */
/* ------------------------------------------------------------------ */

void tok_list_init(tok_list *tl, const assay_allocator *a) {
  memset(tl, 0, sizeof *tl);
  tl->alloc = mem_resolve(a);
  arena_init(&tl->strings, &tl->alloc);
}

void tok_list_clear(tok_list *tl) {
  if (!(tl->in_block & TOK_IN_BLOCK_TOKENS))
    mem_free(&tl->alloc, tl->tokens, tl->tokens_cap * sizeof *tl->tokens);
  if (!(tl->in_block & TOK_IN_BLOCK_SENTS))
    mem_free(&tl->alloc, tl->sents, tl->sents_cap * sizeof *tl->sents);
  if (!(tl->in_block & TOK_IN_BLOCK_PARAS))
    mem_free(&tl->alloc, tl->paras, tl->paras_cap * sizeof *tl->paras);
  mem_free(&tl->alloc, tl->block, tl->block_size);
  arena_release(&tl->strings);
  assay_allocator a = tl->alloc;
  tok_list_init(tl, &a);
}

int tok_run(const assay_tokenizer *tz, const char *text, size_t len,
            tok_list *tl) {
  return tok_run_paths(tz, text, len, tl, TOK_PATHS_ALL);
}

int tok_run_paths(const assay_tokenizer *tz, const char *text, size_t len,
                  tok_list *tl, unsigned paths) {
  tok_list_clear(tl);
  if (len >= UINT32_MAX) return ASSAY_ELIMIT; /* offsets are 32-bit */
  tok_scan st;
  memset(&st, 0, sizeof st);
  st.tz = tz;
  st.s = (const unsigned char *)text;
  st.len = len;
  st.tl = tl;
  st.general_only = (paths & TOK_PATHS_GENERAL) != 0;
  /* News text has about one token per 5.4 bytes, a sentence per 125, a
   * paragraph per 200, and lower-case forms about as long as the text:
   * reserved at once, in one block, with room to spare (an array that
   * outgrows the block is copied out). */
  if (len > SIZE_MAX / 16) return ASSAY_ENOMEM; /* a 32-bit size_t */
  size_t ntok = len / 5 + 16, nsent = len / 64 + 4, npara = len / 128 + 4,
         nstr = len + len / 4 + 128;
  size_t bytes = ntok * sizeof *tl->tokens + (nsent + npara) *
                 sizeof *tl->sents + nstr;
  char *block = mem_alloc(&tl->alloc, bytes);
  if (!block) return ASSAY_ENOMEM;
  tl->block = block;
  tl->block_size = bytes;
  tl->in_block = TOK_IN_BLOCK_TOKENS | TOK_IN_BLOCK_SENTS | TOK_IN_BLOCK_PARAS;
  tl->tokens = (assay_token *)(void *)block;
  tl->tokens_cap = ntok;
  tl->sents = (assay_range *)(void *)(block + ntok * sizeof *tl->tokens);
  tl->sents_cap = nsent;
  tl->paras = tl->sents + nsent;
  tl->paras_cap = npara;
  st.buf = (char *)(tl->paras + npara); /* the string space */
  st.left = nstr;
  uint64_t lines[TOK_LINES_LOCAL];
  uint32_t cands[TOK_CANDS_LOCAL];
  st.lines = st.lines_local = lines;
  st.lines_cap = TOK_LINES_LOCAL;
  st.cands = st.cands_local = cands;
  st.cands_cap = TOK_CANDS_LOCAL;
  int rc = tok_cut(&st);
  if (rc == ASSAY_OK) rc = tok_structure(&st);
  mem_free(&tl->alloc, st.shapes, st.shapes_cap * sizeof *st.shapes);
  if (st.lines != st.lines_local)
    mem_free(&tl->alloc, st.lines, st.lines_cap * sizeof *st.lines);
  if (st.cands != st.cands_local)
    mem_free(&tl->alloc, st.cands, st.cands_cap * sizeof *st.cands);
  if (rc) tok_list_clear(tl);
  return rc;
}

size_t tok_index_at(const assay_token *toks, size_t ntokens, uint32_t pos) {
  size_t lo = 0, hi = ntokens;
  while (lo < hi) { /* first token whose end is past pos */
    size_t mid = lo + (hi - lo) / 2;
    if (toks[mid].end <= pos)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* ------------------------------------------------------------------ */
/* Abbreviations and the tokenizer                                      */
/* ------------------------------------------------------------------ */

static uint32_t tok_hash(const char *s, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t k = 0; k < n; k++) h = (h ^ (unsigned char)s[k]) * 16777619u;
  return h;
}

/* strcmp of word[0, len) (not NUL-terminated) against s. */
static int tok_cmp_n(const char *word, size_t len, const char *s) {
  int c = strncmp(word, s, len);
  if (c) return c;
  return s[len] ? -1 : 0;
}

int tok_is_abbreviation(const assay_tokenizer *tz, const char *word,
                        size_t len) {
  if (!len) return 0;
  if (tz && tz->builtin) {
    unsigned fl = TOK_FL_BIT(word[0], len);
    if (len > tz->max_len || !(tz->first_len[fl >> 6] >> (fl & 63) & 1))
      return 0;
    uint32_t h = tok_hash(word, len);
    size_t mask = tz->builtin_cap - 1;
    /* Built-in strings hold no NUL, so a word with one never matches. */
    for (size_t slot = h & mask; tz->builtin[slot].s; slot = (slot + 1) & mask)
      if (tz->builtin[slot].len == len &&
          memcmp(tz->builtin[slot].s, word, len) == 0)
        return 1;
    if (!tz->abbr_n || memchr(word, '\0', len)) return 0;
    mask = tz->abbr_cap - 1;
    for (size_t slot = h & mask; tz->abbr[slot]; slot = (slot + 1) & mask)
      if (tok_cmp_n(word, len, tz->abbr[slot]) == 0) return 1;
    return 0;
  }
  size_t lo = 0, hi = tok_builtin_abbrevs_count;
  if (memchr(word, '\0', len)) return 0;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    /* The first bytes decide most steps without a call. */
    int c = (unsigned char)word[0] - (unsigned char)tok_builtin_abbrevs[mid][0];
    if (!c) c = tok_cmp_n(word, len, tok_builtin_abbrevs[mid]);
    if (c == 0) return 1;
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  if (!tz || !tz->abbr_n) return 0;
  size_t mask = tz->abbr_cap - 1;
  for (size_t slot = tok_hash(word, len) & mask; tz->abbr[slot];
       slot = (slot + 1) & mask)
    if (tok_cmp_n(word, len, tz->abbr[slot]) == 0) return 1;
  return 0;
}

/* Hashes the built-in list into tz (a quarter full at most). */
static int tok_builtin_set(assay_tokenizer *tz) {
  size_t cap = 16;
  while (cap < tok_builtin_abbrevs_count * 4) cap *= 2;
  tz->builtin = mem_calloc(&tz->alloc, cap, sizeof *tz->builtin);
  if (!tz->builtin) return ASSAY_ENOMEM;
  tz->builtin_cap = cap;
  for (size_t k = 0; k < tok_builtin_abbrevs_count; k++) {
    const char *a = tok_builtin_abbrevs[k];
    size_t n = strlen(a), slot = tok_hash(a, n) & (cap - 1);
    while (tz->builtin[slot].s) slot = (slot + 1) & (cap - 1);
    tz->builtin[slot] = (tok_abbr_slot){a, n};
    if (n > tz->max_len) tz->max_len = n;
    unsigned fl = TOK_FL_BIT(a[0], n);
    tz->first_len[fl >> 6] |= (uint64_t)1 << (fl & 63);
  }
  return ASSAY_OK;
}

int assay_tokenizer_new(assay_tokenizer **out, const assay_allocator *alloc,
                        assay_error *err) {
  assay_allocator a = mem_resolve(alloc);
  assay_tokenizer *tz = mem_calloc(&a, 1, sizeof *tz);
  if (tz) {
    tz->alloc = a;
    if (tok_builtin_set(tz)) {
      mem_free(&a, tz, sizeof *tz);
      tz = NULL;
    }
  }
  *out = tz;
  if (!tz) {
    if (err) {
      memset(err, 0, sizeof *err);
      err->status = ASSAY_ENOMEM;
      snprintf(err->message, sizeof err->message, "out of memory");
    }
    return ASSAY_ENOMEM;
  }
  return ASSAY_OK;
}

void assay_tokenizer_free(assay_tokenizer *tz) {
  if (!tz) return;
  for (size_t k = 0; k < tz->abbr_cap; k++)
    if (tz->abbr[k]) mem_free(&tz->alloc, tz->abbr[k], strlen(tz->abbr[k]) + 1);
  mem_free(&tz->alloc, tz->abbr, tz->abbr_cap * sizeof *tz->abbr);
  mem_free(&tz->alloc, tz->builtin, tz->builtin_cap * sizeof *tz->builtin);
  assay_allocator a = tz->alloc;
  mem_free(&a, tz, sizeof *tz);
}

/* Puts s (owned) into the set of cap slots. */
static void tok_set_put(char **set, size_t cap, char *s) {
  size_t slot = tok_hash(s, strlen(s)) & (cap - 1);
  while (set[slot]) slot = (slot + 1) & (cap - 1);
  set[slot] = s;
}

int assay_tokenizer_add_abbreviation(assay_tokenizer *tz, const char *abbrev) {
  if (!tz || !abbrev) return ASSAY_EMISUSE;
  size_t n = strlen(abbrev);
  /* A word with its final period, without spaces. */
  if (n < 2 || n > 64 || abbrev[n - 1] != '.' || strpbrk(abbrev, " \t\r\n"))
    return ASSAY_EMISUSE;
  if (tok_is_abbreviation(tz, abbrev, n)) return ASSAY_OK;
  if ((tz->abbr_n + 1) * 2 > tz->abbr_cap) { /* rehash at half full */
    size_t ncap = tz->abbr_cap ? tz->abbr_cap * 2 : 64;
    char **nset = mem_calloc(&tz->alloc, ncap, sizeof *nset);
    if (!nset) return ASSAY_ENOMEM;
    for (size_t k = 0; k < tz->abbr_cap; k++)
      if (tz->abbr[k]) tok_set_put(nset, ncap, tz->abbr[k]);
    mem_free(&tz->alloc, tz->abbr, tz->abbr_cap * sizeof *tz->abbr);
    tz->abbr = nset;
    tz->abbr_cap = ncap;
  }
  char *copy = mem_strdup(&tz->alloc, abbrev);
  if (!copy) return ASSAY_ENOMEM;
  tok_set_put(tz->abbr, tz->abbr_cap, copy);
  tz->abbr_n++;
  if (n > tz->max_len) tz->max_len = n;
  unsigned fl = TOK_FL_BIT(abbrev[0], n);
  tz->first_len[fl >> 6] |= (uint64_t)1 << (fl & 63);
  return ASSAY_OK;
}

static int tok_fail(assay_error *err, int status, const char *path, int line,
                    int col, const char *msg) {
  if (err) {
    memset(err, 0, sizeof *err);
    err->status = status;
    err->line = line;
    err->column = col;
    snprintf(err->file, sizeof err->file, "%s", path ? path : "");
    if (line)
      snprintf(err->message, sizeof err->message, "%s:%d:%d: %s", err->file,
               line, col, msg);
    else
      snprintf(err->message, sizeof err->message, "%s: %s", err->file, msg);
  }
  return status;
}

/* The sequence node of the document: the root itself, or the value of a
 * root mapping's key `abbreviations`. */
static yaml_node_t *tok_yaml_list(yaml_document_t *doc) {
  yaml_node_t *root = yaml_document_get_root_node(doc);
  if (!root || root->type == YAML_SEQUENCE_NODE) return root;
  if (root->type != YAML_MAPPING_NODE) return NULL;
  for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
       p < root->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yaml_document_get_node(doc, p->key);
    if (k && k->type == YAML_SCALAR_NODE &&
        strcmp((const char *)k->data.scalar.value, "abbreviations") == 0)
      return yaml_document_get_node(doc, p->value);
  }
  return NULL;
}

/* Adds every string of the list node; the first bad one fails. */
static int tok_yaml_add(assay_tokenizer *tz, yaml_document_t *doc,
                        yaml_node_t *list, const char *path,
                        assay_error *err) {
  if (!list || list->type != YAML_SEQUENCE_NODE) {
    int line = list ? (int)list->start_mark.line + 1 : 1;
    int col = list ? (int)list->start_mark.column + 1 : 1;
    return tok_fail(err, ASSAY_ESYNTAX, path, line, col,
                    "expected a list of abbreviations (or a map with key "
                    "`abbreviations:` holding one)");
  }
  for (yaml_node_item_t *it = list->data.sequence.items.start;
       it < list->data.sequence.items.top; it++) {
    yaml_node_t *n = yaml_document_get_node(doc, *it);
    int line = n ? (int)n->start_mark.line + 1 : 0;
    int col = n ? (int)n->start_mark.column + 1 : 0;
    if (!n || n->type != YAML_SCALAR_NODE)
      return tok_fail(err, ASSAY_ESYNTAX, path, line, col,
                      "an abbreviation must be a string");
    int rc = assay_tokenizer_add_abbreviation(
        tz, (const char *)n->data.scalar.value);
    if (rc == ASSAY_EMISUSE)
      return tok_fail(err, ASSAY_ESYNTAX, path, line, col,
                      "an abbreviation is one word ending in a period");
    if (rc) return tok_fail(err, rc, path, 0, 0, "out of memory");
  }
  return ASSAY_OK;
}

int assay_tokenizer_add_abbreviations(assay_tokenizer *tz, const char *path,
                                      assay_error *err) {
  if (!tz || !path)
    return tok_fail(err, ASSAY_EMISUSE, path, 0, 0, "no tokenizer or path");
  FILE *f = fopen(path, "rb");
  if (!f) return tok_fail(err, ASSAY_EIO, path, 0, 0, "cannot open file");
  yaml_parser_t parser;
  yaml_document_t doc;
  int rc;
  if (!yaml_parser_initialize(&parser)) {
    fclose(f);
    return tok_fail(err, ASSAY_ENOMEM, path, 0, 0, "out of memory");
  }
  yaml_parser_set_input_file(&parser, f);
  if (!yaml_parser_load(&parser, &doc)) {
    rc = tok_fail(err, ASSAY_ESYNTAX, path, (int)parser.problem_mark.line + 1,
                  (int)parser.problem_mark.column + 1,
                  parser.problem ? parser.problem : "malformed YAML");
  } else {
    rc = tok_yaml_add(tz, &doc, tok_yaml_list(&doc), path, err);
    yaml_document_delete(&doc);
  }
  yaml_parser_delete(&parser);
  fclose(f);
  return rc;
}

/* ------------------------------------------------------------------ */
/* assay_tokens: a token list with its own copy of the text             */
/* ------------------------------------------------------------------ */

int assay_tokenize(const assay_tokenizer *tz, const char *text, size_t len,
                   assay_tokens **out, assay_error *err) {
  assay_allocator a = tz ? tz->alloc : mem_resolve(NULL);
  *out = NULL;
  if (!text && len)
    return tok_fail(err, ASSAY_EMISUSE, NULL, 0, 0, "NULL text");
  /* The copy of the text follows the object, in one allocation. */
  assay_tokens *tk = len <= SIZE_MAX - sizeof *tk - 1
                         ? mem_alloc(&a, sizeof *tk + len + 1)
                         : NULL;
  if (!tk) return tok_fail(err, ASSAY_ENOMEM, NULL, 0, 0, "out of memory");
  memset(tk, 0, sizeof *tk);
  tk->alloc = a;
  tok_list_init(&tk->tl, &a);
  tk->text = (char *)(tk + 1);
  if (len) memcpy(tk->text, text, len);
  tk->text[len] = '\0';
  tk->len = len;
  int rc = tok_run(tz, tk->text, len, &tk->tl);
  if (rc) {
    assay_tokens_free(tk);
    return tok_fail(err, rc, NULL, 0, 0,
                    rc == ASSAY_ELIMIT ? "text too long (4 GiB at most)"
                                       : "out of memory");
  }
  *out = tk;
  return ASSAY_OK;
}

void assay_tokens_free(assay_tokens *tk) {
  if (!tk) return;
  assay_allocator a = tk->alloc;
  tok_list_clear(&tk->tl);
  mem_free(&a, tk, sizeof *tk + tk->len + 1);
}

const assay_token *assay_tokens_get(const assay_tokens *tk, size_t *count) {
  if (count) *count = tk ? tk->tl.ntokens : 0;
  return tk ? tk->tl.tokens : NULL;
}

const assay_range *assay_tokens_sentences(const assay_tokens *tk,
                                          size_t *count) {
  if (count) *count = tk ? tk->tl.nsents : 0;
  return tk ? tk->tl.sents : NULL;
}

const assay_range *assay_tokens_paragraphs(const assay_tokens *tk,
                                           size_t *count) {
  if (count) *count = tk ? tk->tl.nparas : 0;
  return tk ? tk->tl.paras : NULL;
}

size_t assay_tokens_invalid_count(const assay_tokens *tk) {
  return tk ? tk->tl.invalid : 0;
}
