/*
 * regex.c -- the PCRE2 matcher: compiling (UTF, UCP, JIT) into an immutable
 * assay_regex, and scanning a text for non-overlapping matches under limits.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "assay.h"
#include "once.h"
#include "mem.h"

#define RX_DEFAULT_MATCH_LIMIT 10000000u
#define RX_DEFAULT_DEPTH_LIMIT 100000u
#define RX_DEFAULT_HEAP_LIMIT_KB 65536u
/* The JIT stack made only when the default 32 KiB machine stack is not
 * enough for a match. */
#define RX_JIT_STACK_START (32u * 1024)
#define RX_JIT_STACK_MAX (1024u * 1024)

struct assay_regex {
  assay_allocator alloc;
  pcre2_code *code;
  unsigned flags;
  int jit;            /* has machine code (made at the first match) */
  atomic_int jit_done; /* once.h */
  int ngroups;
  char **names; /* ngroups + 1 slots; NULL when unnamed; [0] unused */
  char *pattern;
};

/* PCRE2 frees without a size but our allocator wants one back, so each
 * block carries its size in a 16-byte header (keeps max alignment). */
#define RX_HDR 16
static void *rx_pcre_malloc(PCRE2_SIZE n, void *ud) {
  size_t *p = mem_alloc((const assay_allocator *)ud, n + RX_HDR);
  if (!p) return NULL;
  *p = n + RX_HDR;
  return (char *)p + RX_HDR;
}

static void rx_pcre_free(void *ptr, void *ud) {
  if (!ptr) return;
  size_t *p = (size_t *)((char *)ptr - RX_HDR);
  mem_free((const assay_allocator *)ud, p, *p);
}

static int rx_fail(assay_error *err, int status, int column,
                   const char *fmt, ...) {
  if (!err) return status;
  memset(err, 0, sizeof *err);
  err->status = status;
  err->column = column;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  return status;
}

/* Copies the group names out of the NAMETABLE (entries: 2-byte group
 * number, then the NUL-terminated name). */
static int rx_read_names(assay_regex *rx) {
  uint32_t count = 0, size = 0;
  PCRE2_SPTR table = NULL;
  pcre2_pattern_info(rx->code, PCRE2_INFO_CAPTURECOUNT, &count);
  rx->ngroups = (int)count;
  rx->names = mem_calloc(&rx->alloc, count + 1, sizeof(char *));
  if (!rx->names) return ASSAY_ENOMEM;
  pcre2_pattern_info(rx->code, PCRE2_INFO_NAMECOUNT, &count);
  pcre2_pattern_info(rx->code, PCRE2_INFO_NAMEENTRYSIZE, &size);
  pcre2_pattern_info(rx->code, PCRE2_INFO_NAMETABLE, &table);
  for (uint32_t i = 0; i < count; i++) {
    PCRE2_SPTR e = table + (size_t)i * size;
    int g = (e[0] << 8) | e[1];
    if (g < 1 || g > rx->ngroups || rx->names[g]) continue; /* (?J) dups */
    rx->names[g] = mem_strdup(&rx->alloc, (const char *)e + 2);
    if (!rx->names[g]) return ASSAY_ENOMEM;
  }
  return ASSAY_OK;
}

int assay_regex_new(assay_regex **out, const char *pattern, unsigned flags,
                    const assay_allocator *alloc, assay_error *err) {
  if (!out || !pattern)
    return rx_fail(err, ASSAY_EMISUSE, 0, "regex: NULL argument");
  *out = NULL;
  assay_allocator a = mem_resolve(alloc);
  assay_regex *rx = mem_calloc(&a, 1, sizeof *rx);
  if (!rx) return rx_fail(err, ASSAY_ENOMEM, 0, "regex: out of memory");
  rx->alloc = a;
  rx->flags = flags;
  rx->pattern = mem_strdup(&a, pattern);
  pcre2_general_context *gc =
      pcre2_general_context_create(rx_pcre_malloc, rx_pcre_free, &rx->alloc);
  pcre2_compile_context *cc = gc ? pcre2_compile_context_create(gc) : NULL;
  if (!rx->pattern || !cc) {
    pcre2_general_context_free(gc);
    assay_regex_free(rx);
    return rx_fail(err, ASSAY_ENOMEM, 0, "regex: out of memory");
  }
  uint32_t opts = PCRE2_UTF;
  if (!(flags & ASSAY_RX_ASCII)) opts |= PCRE2_UCP;
  if (flags & ASSAY_RX_CASELESS) opts |= PCRE2_CASELESS;
  int code = 0;
  PCRE2_SIZE off = 0;
  rx->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts,
                           &code, &off, cc);
  pcre2_compile_context_free(cc);
  pcre2_general_context_free(gc);
  if (!rx->code) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(code, msg, sizeof msg);
    assay_regex_free(rx);
    return rx_fail(err, ASSAY_ESYNTAX, (int)off + 1,
                   "regex /%s/: %s at offset %zu", pattern, (char *)msg,
                   (size_t)off);
  }
  if (rx_read_names(rx) != ASSAY_OK) {
    assay_regex_free(rx);
    return rx_fail(err, ASSAY_ENOMEM, 0, "regex: out of memory");
  }
  *out = rx;
  return ASSAY_OK;
}

void assay_regex_free(assay_regex *rx) {
  if (!rx) return;
  assay_allocator a = rx->alloc;
  if (rx->names) {
    for (int i = 0; i <= rx->ngroups; i++)
      if (rx->names[i]) mem_free(&a, rx->names[i], strlen(rx->names[i]) + 1);
    mem_free(&a, rx->names, (size_t)(rx->ngroups + 1) * sizeof(char *));
  }
  if (rx->pattern) mem_free(&a, rx->pattern, strlen(rx->pattern) + 1);
  pcre2_code_free(rx->code);
  mem_free(&a, rx, sizeof *rx);
}

int assay_regex_group_count(const assay_regex *rx) {
  return rx ? rx->ngroups : 0;
}

const char *assay_regex_group_name(const assay_regex *rx, int i) {
  if (!rx || i < 1 || i > rx->ngroups) return NULL;
  return rx->names[i];
}

/* ------------------------------------------------------------------ */
/* Scanning                                                             */
/* ------------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s[0, n), or 0 when invalid.  As
 * strict as PCRE2's own check (no overlongs, surrogates or > U+10FFFF), so
 * that PCRE2_NO_UTF_CHECK is safe on what it accepts. */
static size_t rx_utf8_len(const unsigned char *s, size_t n) {
  unsigned c = s[0];
  if (c < 0x80) return 1;
  size_t len;
  unsigned lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) len = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else
    return 0;
  if (n < len || s[1] < lo || s[1] > hi) return 0;
  for (size_t i = 2; i < len; i++)
    if (s[i] < 0x80 || s[i] > 0xBF) return 0;
  return len;
}

/* The end of the valid stretch starting at pos. */
static size_t rx_valid_end(const char *text, size_t len, size_t pos) {
  const unsigned char *s = (const unsigned char *)text;
  while (pos < len) {
    if (s[pos] < 0x80) {
      pos++;
      continue;
    }
    size_t k = rx_utf8_len(s + pos, len - pos);
    if (!k) break;
    pos += k;
  }
  return pos;
}

/* The end of the invalid stretch starting at pos. */
static size_t rx_invalid_end(const char *text, size_t len, size_t pos) {
  const unsigned char *s = (const unsigned char *)text;
  while (pos < len && !rx_utf8_len(s + pos, len - pos)) pos++;
  return pos;
}

/* Token boundary tests for ASSAY_RX_TOKENS (tokens sorted, disjoint). */
static int rx_is_token_start(const assay_token *t, size_t n, uint32_t pos) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (t[mid].start < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo < n && t[lo].start == pos;
}

static int rx_is_token_end(const assay_token *t, size_t n, uint32_t pos) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (t[mid].end < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo < n && t[lo].end == pos;
}

/* What one scan call owns: match data, match context, lazy JIT stack. */
typedef struct rx_scan {
  const assay_regex *rx;
  assay_allocator alloc; /* a copy: PCRE2 keeps a pointer to it */
  pcre2_general_context *gc;
  pcre2_match_context *mc;
  pcre2_match_data *md;
  pcre2_jit_stack *js;
  uint32_t *groups;
  const assay_regex_limits *limits;
} rx_scan;

static int rx_scan_open(rx_scan *s, const assay_regex *rx,
                        const assay_regex_limits *lim) {
  memset(s, 0, sizeof *s);
  s->rx = rx;
  s->alloc = rx->alloc;
  s->limits = lim;
  s->gc = pcre2_general_context_create(rx_pcre_malloc, rx_pcre_free,
                                       &s->alloc);
  if (!s->gc) return ASSAY_ENOMEM;
  s->mc = pcre2_match_context_create(s->gc);
  s->md = pcre2_match_data_create_from_pattern(rx->code, s->gc);
  s->groups = mem_alloc(&s->alloc, sizeof(uint32_t) * 2 *
                                       ((size_t)rx->ngroups + 1));
  if (!s->mc || !s->md || !s->groups) return ASSAY_ENOMEM;
  pcre2_set_match_limit(s->mc, lim && lim->match_limit
                                   ? lim->match_limit
                                   : RX_DEFAULT_MATCH_LIMIT);
  pcre2_set_depth_limit(s->mc, lim && lim->depth_limit
                                   ? lim->depth_limit
                                   : RX_DEFAULT_DEPTH_LIMIT);
  pcre2_set_heap_limit(s->mc, lim && lim->heap_limit_kb
                                  ? lim->heap_limit_kb
                                  : RX_DEFAULT_HEAP_LIMIT_KB);
  return ASSAY_OK;
}

static void rx_scan_close(rx_scan *s) {
  if (s->groups)
    mem_free(&s->alloc, s->groups,
             sizeof(uint32_t) * 2 * ((size_t)s->rx->ngroups + 1));
  pcre2_match_data_free(s->md);
  pcre2_match_context_free(s->mc);
  pcre2_jit_stack_free(s->js);
  pcre2_general_context_free(s->gc);
}

static int rx_limit_error(const rx_scan *s, int rc, assay_error *err) {
  const char *what = "regex match failed";
  uint32_t value = 0;
  const assay_regex_limits *l = s->limits;
  switch (rc) {
  case PCRE2_ERROR_MATCHLIMIT:
    what = "regex match limit exceeded";
    value = l && l->match_limit ? l->match_limit : RX_DEFAULT_MATCH_LIMIT;
    break;
  case PCRE2_ERROR_DEPTHLIMIT:
    what = "regex depth limit exceeded";
    value = l && l->depth_limit ? l->depth_limit : RX_DEFAULT_DEPTH_LIMIT;
    break;
  case PCRE2_ERROR_HEAPLIMIT:
    what = "regex heap limit exceeded (KiB)";
    value = l && l->heap_limit_kb ? l->heap_limit_kb
                                  : RX_DEFAULT_HEAP_LIMIT_KB;
    break;
  case PCRE2_ERROR_JIT_STACKLIMIT:
    what = "regex JIT stack limit exceeded (bytes)";
    value = RX_JIT_STACK_MAX;
    break;
  case PCRE2_ERROR_NOMEMORY:
    return rx_fail(err, ASSAY_ENOMEM, 0, "regex /%s/: out of memory",
                   s->rx->pattern);
  default: {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(rc, msg, sizeof msg);
    return rx_fail(err, ASSAY_EERROR, 0, "regex /%s/: %s", s->rx->pattern,
                   (char *)msg);
  }
  }
  return rx_fail(err, ASSAY_ELIMIT, 0, "%s: %u, in /%s/", what, value,
                 s->rx->pattern);
}

/* JIT is an optimisation: without it the interpreter runs the same. */
static void rx_jit(void *arg) {
  assay_regex *rx = arg;
  rx->jit = pcre2_jit_compile(rx->code, PCRE2_JIT_COMPLETE) == 0;
}

/* One pcre2_match over the stretch [base, base + n) of the text, from
 * offset `from` (relative to base).  Retries a JIT stack overflow once with
 * a bigger stack. */
static int rx_match(rx_scan *s, const char *base, size_t n, size_t from,
                    uint32_t opts) {
  opts |= PCRE2_NO_UTF_CHECK;
  assay_regex *rx = (assay_regex *)s->rx; /* shared: only its JIT changes */
  once_run(&rx->jit_done, rx_jit, rx);
  int jit = rx->jit;
  int rc = pcre2_match(s->rx->code, (PCRE2_SPTR)base, n, from, opts, s->md,
                       s->mc);
  if (rc == PCRE2_ERROR_JIT_STACKLIMIT && jit && !s->js) {
    s->js = pcre2_jit_stack_create(RX_JIT_STACK_START, RX_JIT_STACK_MAX,
                                   s->gc);
    if (!s->js) return PCRE2_ERROR_NOMEMORY;
    pcre2_jit_stack_assign(s->mc, NULL, s->js);
    rc = pcre2_match(s->rx->code, (PCRE2_SPTR)base, n, from, opts, s->md,
                     s->mc);
  }
  return rc;
}

typedef struct rx_ctx {
  rx_scan s;
  const char *text;
  size_t len;
  const assay_token *toks;
  size_t ntoks;
  int (*fn)(void *ud, const assay_regex_match *m);
  void *ud;
} rx_ctx;

/* Reports the match in the ovector (offsets relative to base `a`). */
static int rx_report(rx_ctx *c, size_t a, int rc) {
  PCRE2_SIZE *ov = pcre2_get_ovector_pointer(c->s.md);
  int ng = c->s.rx->ngroups;
  for (int i = 0; i <= ng; i++) {
    int set = i < rc && ov[2 * i] != PCRE2_UNSET;
    c->s.groups[2 * i] = set ? (uint32_t)(a + ov[2 * i]) : UINT32_MAX;
    c->s.groups[2 * i + 1] = set ? (uint32_t)(a + ov[2 * i + 1]) : UINT32_MAX;
  }
  assay_regex_match m;
  m.start = c->s.groups[0];
  m.end = c->s.groups[1];
  m.ngroups = ng;
  m.groups = c->s.groups;
  return c->fn(c->ud, &m);
}

/* All matches inside the valid UTF-8 stretch [a, b) of the text.  A
 * stretch that does not begin the text is not at "beginning of line" for
 * ^, one that does not end it not at its end for $. */
static int rx_scan_stretch(rx_ctx *c, size_t a, size_t b, assay_error *err) {
  const char *base = c->text + a;
  size_t n = b - a, pos = 0;
  uint32_t opts = 0;
  if (a > 0) opts |= PCRE2_NOTBOL;
  if (b < c->len) opts |= PCRE2_NOTEOL;
  int snap = (c->s.rx->flags & ASSAY_RX_TOKENS) != 0;
  while (pos <= n) {
    int rc = rx_match(&c->s, base, n, pos, opts);
    if (rc == PCRE2_ERROR_NOMATCH) return ASSAY_OK;
    if (rc < 0) return rx_limit_error(&c->s, rc, err);
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(c->s.md);
    size_t ms = ov[0], me = ov[1] < ov[0] ? ov[0] : ov[1];
    /* An empty match moves on by one whole character. */
    size_t next = me > ms ? me
                          : me + (me < n ? rx_utf8_len((const unsigned char *)
                                                           base + me, n - me)
                                         : 1);
    if (snap && (me == ms ||
                 !rx_is_token_start(c->toks, c->ntoks, (uint32_t)(a + ms)) ||
                 !rx_is_token_end(c->toks, c->ntoks, (uint32_t)(a + me)))) {
      /* Dropped (empty matches never fit tokens): look again one
       * character after its start, where a fitting match may begin. */
      pos = ms + (ms < n ? rx_utf8_len((const unsigned char *)base + ms,
                                       n - ms)
                         : 1);
      continue;
    }
    int r = rx_report(c, a, rc);
    if (r != ASSAY_OK) return r;
    pos = next;
  }
  return ASSAY_OK;
}

int assay_regex_scan(const assay_regex *rx, const char *text, size_t len,
                     const assay_token *toks, size_t ntoks,
                     const assay_regex_limits *limits,
                     int (*fn)(void *ud, const assay_regex_match *m),
                     void *ud, assay_error *err) {
  if (!rx || (!text && len) || !fn)
    return rx_fail(err, ASSAY_EMISUSE, 0, "regex scan: NULL argument");
  if (len >= UINT32_MAX)
    return rx_fail(err, ASSAY_ELIMIT, 0, "regex scan: text over 4 GiB");
  if ((rx->flags & ASSAY_RX_TOKENS) && (!toks || !ntoks))
    return ASSAY_OK; /* no token boundaries: every match is dropped */
  if (!text) text = "";
  rx_ctx c;
  c.text = text;
  c.len = len;
  c.toks = toks;
  c.ntoks = ntoks;
  c.fn = fn;
  c.ud = ud;
  int rc = rx_scan_open(&c.s, rx, limits);
  if (rc != ASSAY_OK) {
    rx_scan_close(&c.s);
    return rx_fail(err, rc, 0, "regex /%s/: out of memory", rx->pattern);
  }
  /* Validate once; invalid bytes split the text into stretches matched on
   * their own, so no match ever contains an invalid sequence. */
  size_t a = 0;
  for (;;) {
    size_t b = rx_valid_end(text, len, a);
    if (b > a || (a == 0 && len == 0)) {
      rc = rx_scan_stretch(&c, a, b, err);
      if (rc != ASSAY_OK) break;
    }
    if (b >= len) break;
    a = rx_invalid_end(text, len, b);
  }
  rx_scan_close(&c.s);
  return rc == ASSAY_STOP ? ASSAY_STOP : rc;
}
