/*
 * lexicon_load.c -- the YAML lexicon loader (docs/lexicons.md): streams
 * libyaml events into assay_lexicon entries, one entry in memory at a time,
 * behind a fast reader for the plain one-line shape of large name lists.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "assay.h"
#include "lexicon.h"
#include "mem.h"

/* Strings of one entry (or of the top level), named by offset; reset per
 * entry so that memory does not grow with the file. */
typedef struct ld_buf {
  char *s;
  size_t len, cap;
} ld_buf;

typedef struct ld_alias {
  size_t text, kind; /* offsets in the entry buffer; kind 0: none */
  yaml_mark_t mark;
} ld_alias;

typedef struct ld_kv {
  size_t key, value;
} ld_kv;

typedef struct ld_entry {
  ld_buf buf;
  size_t name, norm, kind; /* 0: not given (offset 0 is "") */
  int has_name;
  yaml_mark_t mark, name_mark;
  ld_alias *aliases;
  size_t naliases, aliases_cap;
  ld_kv *attrs;
  size_t nattrs, attrs_cap;
} ld_entry;

typedef struct ld {
  assay_lexicon *lx;
  assay_allocator alloc;
  yaml_parser_t *p;
  yaml_event_t ev;
  int have_ev;
  const char *name;
  assay_error *err;
  ld_entry top; /* top-level kind and attrs */
  ld_entry e;
  int entries_seen;
  ld_entry *cur;   /* fast reader: the entry being read, in batch */
  ld_entry *batch; /* fast reader: entries read, not added yet */
  size_t nbatch;
} ld;

static int ld_fail(ld *L, yaml_mark_t m, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static int ld_fail(ld *L, yaml_mark_t m, int status, const char *fmt, ...) {
  char msg[600];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  int line = (int)m.line + 1, col = (int)m.column + 1;
  if (L->err) {
    memset(L->err, 0, sizeof *L->err);
    L->err->status = status;
    L->err->line = line;
    L->err->column = col;
    snprintf(L->err->file, sizeof L->err->file, "%s", L->name);
    snprintf(L->err->message, sizeof L->err->message, "%s", msg);
  }
  return lex_error(L->lx, status, "%s:%d:%d: %s", L->name, line, col, msg);
}

static int ld_nomem(ld *L) {
  return ld_fail(L, L->ev.start_mark, ASSAY_ENOMEM, "out of memory");
}

/* Pulls the next event into L->ev. */
static int ld_next(ld *L) {
  if (L->have_ev) yaml_event_delete(&L->ev);
  L->have_ev = 0;
  if (!yaml_parser_parse(L->p, &L->ev)) {
    const char *ctx = L->p->context ? L->p->context : "";
    return ld_fail(L, L->p->problem_mark, ASSAY_ESYNTAX, "YAML: %s%s%s",
                   L->p->problem ? L->p->problem : "syntax error",
                   *ctx ? " " : "", ctx);
  }
  L->have_ev = 1;
  if (L->ev.type == YAML_ALIAS_EVENT)
    return ld_fail(L, L->ev.start_mark, ASSAY_ESYNTAX,
                   "YAML aliases (*name) are not supported in lexicons");
  return ASSAY_OK;
}

/* Copies the current scalar into b; returns its offset (0 on failure:
 * offset 0 is never used for a real string, the buffer starts with ""). */
static size_t ld_save(ld *L, ld_buf *b) {
  size_t n = L->ev.data.scalar.length;
  if (!b->len) {
    if (mem_grow(&L->alloc, (void **)&b->s, &b->cap, 64, 1)) return 0;
    b->s[0] = '\0';
    b->len = 1;
  }
  if (mem_grow(&L->alloc, (void **)&b->s, &b->cap, b->len + n + 1, 1))
    return 0;
  size_t off = b->len;
  memcpy(b->s + off, L->ev.data.scalar.value, n);
  b->s[off + n] = '\0';
  b->len += n + 1;
  return off;
}

/* Skips the node whose first event is current. */
static int ld_skip(ld *L) {
  int depth = 0;
  for (;;) {
    switch (L->ev.type) {
    case YAML_MAPPING_START_EVENT:
    case YAML_SEQUENCE_START_EVENT: depth++; break;
    case YAML_MAPPING_END_EVENT:
    case YAML_SEQUENCE_END_EVENT: depth--; break;
    default: break;
    }
    if (depth <= 0) return ASSAY_OK;
    int rc = ld_next(L);
    if (rc) return rc;
  }
}

/* Reads the value of `key` as a string into b (*off its offset). */
static int ld_scalar(ld *L, ld_buf *b, const char *key, size_t *off) {
  int rc = ld_next(L);
  if (rc) return rc;
  if (L->ev.type != YAML_SCALAR_EVENT)
    return ld_fail(L, L->ev.start_mark, ASSAY_ESYNTAX,
                   "'%s' is not a string", key);
  if (!(*off = ld_save(L, b))) return ld_nomem(L);
  return ASSAY_OK;
}

/* Reads a map of string attributes into e->attrs. */
static int ld_attrs(ld *L, ld_entry *e) {
  int rc = ld_next(L);
  if (rc) return rc;
  if (L->ev.type != YAML_MAPPING_START_EVENT)
    return ld_fail(L, L->ev.start_mark, ASSAY_ESYNTAX, "'attrs' is not a map");
  for (;;) {
    if ((rc = ld_next(L))) return rc;
    if (L->ev.type == YAML_MAPPING_END_EVENT) return ASSAY_OK;
    if (L->ev.type != YAML_SCALAR_EVENT)
      return ld_fail(L, L->ev.start_mark, ASSAY_ESYNTAX,
                     "an attribute name is not a string");
    ld_kv kv;
    if (!(kv.key = ld_save(L, &e->buf))) return ld_nomem(L);
    if ((rc = ld_next(L))) return rc;
    if (L->ev.type != YAML_SCALAR_EVENT)
      return ld_fail(L, L->ev.start_mark, ASSAY_ESYNTAX,
                     "attribute '%s' is not a string", e->buf.s + kv.key);
    if (!(kv.value = ld_save(L, &e->buf)) ||
        mem_grow(&L->alloc, (void **)&e->attrs, &e->attrs_cap, e->nattrs + 1,
                 sizeof *e->attrs))
      return ld_nomem(L);
    e->attrs[e->nattrs++] = kv;
  }
}

static int ld_push_alias(ld *L, ld_entry *e, size_t text, size_t kind,
                         yaml_mark_t m) {
  if (mem_grow(&L->alloc, (void **)&e->aliases, &e->aliases_cap,
               e->naliases + 1, sizeof *e->aliases))
    return ld_nomem(L);
  ld_alias a = {text, kind, m};
  e->aliases[e->naliases++] = a;
  return ASSAY_OK;
}

/* One alias given as a map: {text: ..., kind: ...}. */
static int ld_alias_map(ld *L, ld_entry *e) {
  yaml_mark_t m = L->ev.start_mark;
  size_t text = 0, kind = 0;
  int has_text = 0, rc;
  for (;;) {
    if ((rc = ld_next(L))) return rc;
    if (L->ev.type == YAML_MAPPING_END_EVENT) break;
    const char *k = (const char *)L->ev.data.scalar.value;
    if (L->ev.type != YAML_SCALAR_EVENT ||
        (strcmp(k, "text") != 0 && strcmp(k, "kind") != 0))
      return ld_fail(L, L->ev.start_mark, ASSAY_ESYNTAX,
                     "unknown key in an alias (expected text, kind)");
    int is_text = k[0] == 't';
    if ((rc = ld_scalar(L, &e->buf, is_text ? "text" : "kind",
                        is_text ? &text : &kind)))
      return rc;
    if (is_text) {
      has_text = 1;
      m = L->ev.start_mark;
    }
  }
  if (!has_text)
    return ld_fail(L, m, ASSAY_ESYNTAX, "alias without 'text'");
  return ld_push_alias(L, e, text, kind, m);
}

/* The aliases: a list of strings and {text, kind} maps, or one string. */
static int ld_aliases(ld *L, ld_entry *e) {
  int rc = ld_next(L);
  if (rc) return rc;
  if (L->ev.type == YAML_SCALAR_EVENT) {
    size_t t = ld_save(L, &e->buf);
    return t ? ld_push_alias(L, e, t, 0, L->ev.start_mark) : ld_nomem(L);
  }
  if (L->ev.type != YAML_SEQUENCE_START_EVENT)
    return ld_fail(L, L->ev.start_mark, ASSAY_ESYNTAX,
                   "'aliases' is not a list");
  for (;;) {
    if ((rc = ld_next(L))) return rc;
    if (L->ev.type == YAML_SEQUENCE_END_EVENT) return ASSAY_OK;
    if (L->ev.type == YAML_SCALAR_EVENT) {
      size_t t = ld_save(L, &e->buf);
      if (!t) return ld_nomem(L);
      rc = ld_push_alias(L, e, t, 0, L->ev.start_mark);
    } else if (L->ev.type == YAML_MAPPING_START_EVENT) {
      rc = ld_alias_map(L, e);
    } else {
      rc = ld_fail(L, L->ev.start_mark, ASSAY_ESYNTAX,
                   "an alias is not a string or a {text, kind} map");
    }
    if (rc) return rc;
  }
}

/* Adds entry e (read into L->e, or a batch of the fast reader) to the
 * lexicon. */
static int ld_commit_entry(ld *L, ld_entry *e) {
  const char *s = e->buf.s;
  if (!e->has_name)
    return ld_fail(L, e->mark, ASSAY_ESYNTAX, "entry without a name");
  if (!s[e->name])
    return ld_fail(L, e->name_mark, ASSAY_ESYNTAX, "empty name");
  const char *kind = e->kind ? s + e->kind
                             : L->top.kind ? L->top.buf.s + L->top.kind
                                           : NULL;
  int idx = assay_lexicon_add_entry(L->lx, s + e->name, kind,
                                    e->norm ? s + e->norm : NULL);
  if (idx < 0)
    return ld_fail(L, e->name_mark, idx, "%s", assay_lexicon_errmsg(L->lx));
  for (int pass = 0; pass < 2; pass++) {
    const ld_entry *from = pass ? e : &L->top;
    for (size_t i = 0; i < from->nattrs; i++) {
      int rc = assay_lexicon_set_attr(L->lx, idx,
                                      from->buf.s + from->attrs[i].key,
                                      from->buf.s + from->attrs[i].value);
      if (rc)
        return ld_fail(L, e->mark, rc, "%s", assay_lexicon_errmsg(L->lx));
    }
  }
  for (size_t i = 0; i < e->naliases; i++) {
    const ld_alias *a = &e->aliases[i];
    if (!s[a->text])
      return ld_fail(L, a->mark, ASSAY_ESYNTAX, "empty alias");
    int rc = assay_lexicon_add_alias(L->lx, idx, s + a->text,
                                     a->kind ? s + a->kind : NULL);
    if (rc)
      return ld_fail(L, a->mark, rc, "%s", assay_lexicon_errmsg(L->lx));
  }
  return ASSAY_OK;
}

static int ld_commit(ld *L) { return ld_commit_entry(L, &L->e); }

/* One item of `entries`, from its first event. */
static int ld_entry_item(ld *L) {
  ld_entry *e = &L->e;
  e->buf.len = 0;
  e->name = e->norm = e->kind = 0;
  e->has_name = 0;
  e->naliases = e->nattrs = 0;
  e->mark = e->name_mark = L->ev.start_mark;
  if (L->ev.type == YAML_SCALAR_EVENT) {
    if (!(e->name = ld_save(L, &e->buf))) return ld_nomem(L);
    e->has_name = 1;
    return ld_commit(L);
  }
  if (L->ev.type != YAML_MAPPING_START_EVENT)
    return ld_fail(L, L->ev.start_mark, ASSAY_ESYNTAX,
                   "an entry is not a string or a map");
  for (;;) {
    int rc = ld_next(L);
    if (rc) return rc;
    if (L->ev.type == YAML_MAPPING_END_EVENT) return ld_commit(L);
    const char *k = (const char *)L->ev.data.scalar.value;
    if (L->ev.type != YAML_SCALAR_EVENT)
      return ld_fail(L, L->ev.start_mark, ASSAY_ESYNTAX,
                     "an entry key is not a string");
    if (strcmp(k, "name") == 0) {
      rc = ld_scalar(L, &e->buf, "name", &e->name);
      e->has_name = 1;
      e->name_mark = L->ev.start_mark;
    } else if (strcmp(k, "norm") == 0) {
      rc = ld_scalar(L, &e->buf, "norm", &e->norm);
    } else if (strcmp(k, "kind") == 0) {
      rc = ld_scalar(L, &e->buf, "kind", &e->kind);
    } else if (strcmp(k, "aliases") == 0) {
      rc = ld_aliases(L, e);
    } else if (strcmp(k, "attrs") == 0) {
      rc = ld_attrs(L, e);
    } else {
      rc = ld_fail(L, L->ev.start_mark, ASSAY_ESYNTAX,
                   "unknown key '%s' in an entry (expected name, norm, "
                   "kind, aliases, attrs)", k);
    }
    if (rc) return rc;
  }
}

static int ld_entries(ld *L) {
  int rc = ld_next(L);
  if (rc) return rc;
  if (L->ev.type != YAML_SEQUENCE_START_EVENT)
    return ld_fail(L, L->ev.start_mark, ASSAY_ESYNTAX,
                   "'entries' is not a list");
  L->entries_seen = 1;
  for (;;) {
    if ((rc = ld_next(L))) return rc;
    if (L->ev.type == YAML_SEQUENCE_END_EVENT) return ASSAY_OK;
    if ((rc = ld_entry_item(L))) return rc;
  }
}

/* The value of `fold:`: 1, 0, or -1 when it is not a YAML boolean. */
static int ld_fold_value(const char *v) {
  static const char *yes[] = {"true", "True", "TRUE", "yes", "Yes", "on"};
  static const char *no[] = {"false", "False", "FALSE", "no", "No", "off"};
  for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
    if (strcmp(v, yes[i]) == 0) return 1;
    if (strcmp(v, no[i]) == 0) return 0;
  }
  return -1;
}

static int ld_fold(ld *L) {
  size_t off;
  int rc = ld_scalar(L, &L->top.buf, "fold", &off);
  if (rc) return rc;
  int fold = ld_fold_value(L->top.buf.s + off);
  if (fold < 0)
    return ld_fail(L, L->ev.start_mark, ASSAY_ESYNTAX,
                   "'fold' is not true or false");
  lex_decide_fold(L->lx, fold);
  return ASSAY_OK;
}

/* The top-level map, from its first key on. */
static int ld_top(ld *L) {
  yaml_mark_t start = L->ev.start_mark;
  int has_entries = 0;
  for (;;) {
    int rc = ld_next(L);
    if (rc) return rc;
    if (L->ev.type == YAML_MAPPING_END_EVENT) break;
    if (L->ev.type != YAML_SCALAR_EVENT)
      return ld_fail(L, L->ev.start_mark, ASSAY_ESYNTAX,
                     "a top-level key is not a string");
    const char *k = (const char *)L->ev.data.scalar.value;
    int setting = !strcmp(k, "kind") || !strcmp(k, "fold") ||
                  !strcmp(k, "attrs");
    if (setting && L->entries_seen)
      return ld_fail(L, L->ev.start_mark, ASSAY_ESYNTAX,
                     "'%s' must come before 'entries'", k);
    if (!strcmp(k, "entries")) {
      has_entries = 1;
      rc = ld_entries(L);
    } else if (!strcmp(k, "kind")) {
      rc = ld_scalar(L, &L->top.buf, "kind", &L->top.kind);
    } else if (!strcmp(k, "fold")) {
      rc = ld_fold(L);
    } else if (!strcmp(k, "attrs")) {
      rc = ld_attrs(L, &L->top);
    } else if (!strcmp(k, "name") || !strcmp(k, "description") ||
               !strcmp(k, "source") || !strcmp(k, "license") ||
               !strcmp(k, "version")) {
      rc = ld_next(L); /* informational */
      if (!rc) rc = ld_skip(L);
    } else {
      rc = ld_fail(L, L->ev.start_mark, ASSAY_ESYNTAX,
                   "unknown key '%s' (expected name, kind, fold, attrs, "
                   "entries)", k);
    }
    if (rc) return rc;
  }
  if (!has_entries)
    return ld_fail(L, start, ASSAY_ESYNTAX, "no 'entries' list");
  return ASSAY_OK;
}

static int ld_document(ld *L) {
  int rc;
  if ((rc = ld_next(L))) return rc; /* stream start */
  if ((rc = ld_next(L))) return rc; /* document start or stream end */
  if (L->ev.type == YAML_DOCUMENT_START_EVENT && (rc = ld_next(L)))
    return rc;
  if (L->ev.type != YAML_MAPPING_START_EVENT)
    return ld_fail(L, L->ev.start_mark, ASSAY_ESYNTAX,
                   "top level is not a map (expected a map with 'entries')");
  return ld_top(L);
}

static void ld_entry_free(ld *L, ld_entry *e) {
  mem_free(&L->alloc, e->buf.s, e->buf.cap);
  mem_free(&L->alloc, e->aliases, e->aliases_cap * sizeof *e->aliases);
  mem_free(&L->alloc, e->attrs, e->attrs_cap * sizeof *e->attrs);
}


/* ------------------------------------------------------------------ */
/* The fast reader                                                      */
/* ------------------------------------------------------------------ */

/* Lexicons are name lists in a few one-line shapes: `- Name` and
 * `- name: X` items with one-line `key: value` lines, or whole items as
 * flow maps `- {name: X, attrs: {...}}`; flow `[...]` aliases whose items
 * may be `{text: T, kind: K}` maps, `{...}` attrs (also at the top level),
 * plain scalars and one-line quoted ones without escapes.  libyaml spends
 * more time on them than the whole rest of the load (docs/lexicons.md,
 * "Performance"), so this reader takes exactly that subset and hands
 * every entry to ld_commit_entry, as the event reader does.  Anything
 * outside the subset, and any error, makes it give up: the caller then
 * runs libyaml over the whole input again, which gives the same lexicon
 * (re-adding an entry, alias or attribute changes nothing) and the error
 * messages with their line and column.  tests/c/test_lexicon.c checks
 * every pack lexicon is read here, into libyaml's lexicon. */

#define LD_FAST_GIVE_UP 1

typedef struct ld_fast {
  const unsigned char *p, *end; /* the rest of the current line */
  const unsigned char *next;    /* the next line */
} ld_fast;

/* Length of the valid UTF-8 sequence at s (lead byte >= 0x80) that libyaml
 * reads as a printable character (no C1 control, NEL, line or paragraph
 * separator, BOM, surrogate, U+FFFE/F), or 0. */
static size_t ld_fast_utf8(const unsigned char *s, const unsigned char *end) {
  size_t n = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
  if (!n || s[0] > 0xF4 || (size_t)(end - s) < n) return 0;
  uint32_t cp = s[0] & (0x7F >> n);
  for (size_t k = 1; k < n; k++) {
    if ((s[k] & 0xC0) != 0x80) return 0;
    cp = cp << 6 | (s[k] & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
    return 0;
  if (cp < 0xA0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0x2028 ||
      cp == 0x2029 || cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF)
    return 0;
  return n;
}

static int ld_fast_alnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9');
}

/* Skips spaces and a comment to the end of the line; 0 when something
 * else is there. */
static int ld_fast_eol(ld_fast *F) {
  while (F->p < F->end && *F->p == ' ') F->p++;
  if (F->p == F->end) return 1;
  if (*F->p != '#' || (F->p[-1] != ' ')) return 0;
  while (F->p < F->end) {
    if (*F->p >= 0x80) {
      size_t n = ld_fast_utf8(F->p, F->end);
      if (!n) return 0;
      F->p += n;
    } else if (*F->p >= 0x20 && *F->p < 0x7F) {
      F->p++;
    } else {
      return 0;
    }
  }
  return 1;
}

/* Copies s[0, n) into b as ld_save does; 0 when out of memory. */
static int ld_fast_save(ld *L, ld_buf *b, const unsigned char *s, size_t n,
                        size_t *off) {
  if (!b->len) {
    if (mem_grow(&L->alloc, (void **)&b->s, &b->cap, 64, 1)) return 0;
    b->s[0] = '\0';
    b->len = 1;
  }
  if (mem_grow(&L->alloc, (void **)&b->s, &b->cap, b->len + n + 1, 1))
    return 0;
  *off = b->len;
  memcpy(b->s + b->len, s, n);
  b->s[b->len + n] = '\0';
  b->len += n + 1;
  return 1;
}

/* A plain scalar at F->p, saved into b (*off its offset).  It starts with
 * a letter, digit or non-ASCII character and holds those, inner spaces and
 * .-'&/()+_!?$%@* (and , ; and a ':' before a non-space outside flow
 * collections); it ends at the end
 * of the line, at " #", or in a flow collection at , ] }.  Trailing spaces
 * are not part of it, as in YAML.  0 when the text is not such a scalar. */
static int ld_fast_plain(ld *L, ld_fast *F, ld_buf *b, int flow,
                         size_t *off) {
  const unsigned char *a = F->p, *last = F->p;
  if (F->p == F->end || !(ld_fast_alnum(*F->p) || *F->p >= 0x80)) return 0;
  while (F->p < F->end) {
    unsigned char c = *F->p;
    if (ld_fast_alnum(c)) { /* the most of it, first */
      last = ++F->p;
      continue;
    }
    if (c >= 0x80) {
      size_t n = ld_fast_utf8(F->p, F->end);
      if (!n) return 0;
      F->p += n;
      last = F->p;
      continue;
    }
    if (c == ' ') {
      F->p++;
      continue;
    }
    if (c == '#') {
      if (F->p[-1] != ' ') return 0;
      break;
    }
    if (flow && (c == ',' || c == ']' || c == '}')) break;
    int colon = c == ':' && F->p + 1 < F->end && F->p[1] != ' ';
    if (!(ld_fast_alnum(c) || (c && strchr(".-'&/()+_!?$%@*", c)) ||
          (!flow && (c == ',' || c == ';' || colon))))
      return 0; /* the rest: libyaml decides */
    F->p++;
    last = F->p;
  }
  F->p = last; /* trailing spaces are skipped by the caller */
  return ld_fast_save(L, b, a, (size_t)(last - a), off);
}

/* A quoted scalar at F->p (its opening quote), closed on the same line,
 * saved into b without its quotes (*off its offset): "..." without a
 * backslash (escapes are left to libyaml), or '...' where '' stands for
 * one quote.  Inside: ASCII from the space to '~' and the UTF-8 that
 * ld_fast_utf8 takes, as libyaml reads them, no tab.  F->p ends after
 * the closing quote.  0 when the text is not such a scalar. */
static int ld_fast_quoted(ld *L, ld_fast *F, ld_buf *b, size_t *off) {
  unsigned char q = *F->p++;
  const unsigned char *a = F->p;
  size_t twice = 0; /* '' pairs */
  for (;;) {
    if (F->p == F->end) return 0; /* a scalar over lines: libyaml folds it */
    unsigned char c = *F->p;
    if (c >= 0x80) {
      size_t n = ld_fast_utf8(F->p, F->end);
      if (!n) return 0;
      F->p += n;
      continue;
    }
    if (c < 0x20 || c == 0x7F || (c == '\\' && q == '"')) return 0;
    if (c == q) {
      if (q == '\'' && F->p + 1 < F->end && F->p[1] == '\'') {
        F->p += 2;
        twice++;
        continue;
      }
      break;
    }
    F->p++;
  }
  size_t n = (size_t)(F->p - a);
  F->p++; /* the closing quote */
  if (!ld_fast_save(L, b, a, n, off)) return 0;
  if (twice) {
    char *s = b->s + *off;
    size_t w = 0;
    for (size_t r = 0; r < n; r++) {
      s[w++] = s[r];
      if (s[r] == '\'') r++; /* the second quote of the pair */
    }
    s[w] = '\0';
    b->len = *off + w + 1;
  }
  return 1;
}

/* A scalar, quoted or plain (flow: inside a flow collection). */
static int ld_fast_scalar(ld *L, ld_fast *F, ld_buf *b, int flow,
                          size_t *off) {
  if (F->p < F->end && (*F->p == '"' || *F->p == '\''))
    return ld_fast_quoted(L, F, b, off);
  return ld_fast_plain(L, F, b, flow, off);
}

/* A key at F->p: a letter, then letters, digits and '_', then ':' and a
 * space or the end of the line.  Returns its length (F->p after the ':'),
 * 0 when not such a key. */
static size_t ld_fast_key(ld_fast *F, const char **key) {
  const unsigned char *a = F->p;
  if (F->p == F->end || !ld_fast_alnum(*F->p) || *F->p <= '9') return 0;
  while (F->p < F->end && (ld_fast_alnum(*F->p) || *F->p == '_')) F->p++;
  size_t n = (size_t)(F->p - a);
  if (F->p == F->end || *F->p != ':') return 0;
  F->p++;
  if (F->p < F->end && *F->p != ' ') return 0;
  *key = (const char *)a;
  return n;
}

static int ld_fast_is(const char *key, size_t n, const char *word) {
  return strlen(word) == n && memcmp(key, word, n) == 0;
}

static void ld_fast_spaces(ld_fast *F) {
  while (F->p < F->end && *F->p == ' ') F->p++;
}

/* After an item of a flow collection and its spaces: 1 at ',' (F->p after
 * it and its spaces), 2 at the closing `close` (F->p after it), 0 at
 * anything else. */
static int ld_fast_next(ld_fast *F, unsigned char close) {
  ld_fast_spaces(F);
  if (F->p == F->end) return 0; /* a collection over lines: libyaml's */
  unsigned char c = *F->p++;
  if (c == close) return 2;
  if (c != ',') return 0;
  ld_fast_spaces(F);
  return 1;
}

/* A flow map of one-line string attributes at F->p ('{'), into e->attrs
 * (an entry's, or the top level's). */
static int ld_fast_attrs(ld *L, ld_fast *F, ld_entry *e) {
  F->p++;
  ld_fast_spaces(F);
  if (F->p < F->end && *F->p == '}') {
    F->p++;
    return 1;
  }
  for (;;) {
    const char *k;
    size_t klen = ld_fast_key(F, &k);
    ld_kv kv;
    if (!klen ||
        !ld_fast_save(L, &e->buf, (const unsigned char *)k, klen, &kv.key))
      return 0;
    ld_fast_spaces(F);
    if (!ld_fast_scalar(L, F, &e->buf, 1, &kv.value) ||
        mem_grow(&L->alloc, (void **)&e->attrs, &e->attrs_cap, e->nattrs + 1,
                 sizeof *e->attrs))
      return 0;
    e->attrs[e->nattrs++] = kv;
    int more = ld_fast_next(F, '}');
    if (more != 1) return more == 2;
  }
}

/* One alias written as a flow map {text: ..., kind: ...} at F->p ('{'):
 * the keys as ld_alias_map takes them (a later one wins), text required. */
static int ld_fast_alias_map(ld *L, ld_fast *F, ld_entry *e) {
  yaml_mark_t none = {0, 0, 0};
  size_t text = 0, kind = 0;
  int has_text = 0;
  F->p++;
  ld_fast_spaces(F);
  for (;;) {
    const char *k;
    size_t kn = ld_fast_key(F, &k);
    int is_text = kn && ld_fast_is(k, kn, "text");
    if (!is_text && !(kn && ld_fast_is(k, kn, "kind"))) return 0;
    ld_fast_spaces(F);
    if (!ld_fast_scalar(L, F, &e->buf, 1, is_text ? &text : &kind)) return 0;
    has_text |= is_text;
    int more = ld_fast_next(F, '}');
    if (!more) return 0;
    if (more == 2) break;
  }
  return has_text && !ld_push_alias(L, e, text, kind, none);
}

/* A flow list of aliases at F->p ('['): scalars and {text, kind} maps. */
static int ld_fast_alias_list(ld *L, ld_fast *F, ld_entry *e) {
  yaml_mark_t none = {0, 0, 0};
  F->p++;
  ld_fast_spaces(F);
  if (F->p < F->end && *F->p == ']') {
    F->p++;
    return 1;
  }
  for (;;) {
    if (F->p < F->end && *F->p == '{') {
      if (!ld_fast_alias_map(L, F, e)) return 0;
    } else {
      size_t t;
      if (!ld_fast_scalar(L, F, &e->buf, 1, &t) ||
          ld_push_alias(L, e, t, 0, none))
        return 0;
    }
    int more = ld_fast_next(F, ']');
    if (more != 1) return more == 2;
  }
}

/* The value of an entry key (F->p after "key:"), up to its end on the
 * line: a scalar, or for aliases a flow list, for attrs a flow map.  flow:
 * the key is inside a flow map entry. */
static int ld_fast_value(ld *L, ld_fast *F, ld_entry *e, const char *key,
                         size_t kn, int flow) {
  yaml_mark_t none = {0, 0, 0};
  ld_fast_spaces(F);
  if (ld_fast_is(key, kn, "aliases") && F->p < F->end && *F->p == '[')
    return ld_fast_alias_list(L, F, e);
  if (ld_fast_is(key, kn, "attrs"))
    return F->p < F->end && *F->p == '{' && ld_fast_attrs(L, F, e);
  size_t off;
  if (!ld_fast_scalar(L, F, &e->buf, flow, &off)) return 0;
  if (ld_fast_is(key, kn, "name")) {
    e->name = off;
    e->has_name = 1;
  } else if (ld_fast_is(key, kn, "norm")) {
    e->norm = off;
  } else if (ld_fast_is(key, kn, "kind")) {
    e->kind = off;
  } else if (ld_fast_is(key, kn, "aliases")) {
    return !ld_push_alias(L, e, off, 0, none);
  } else {
    return 0; /* an unknown key: libyaml's error */
  }
  return 1;
}

/* An entry written as a flow map on one line, at F->p ('{'): the keys of
 * a block entry, to the closing '}' and the end of the line. */
static int ld_fast_entry_map(ld *L, ld_fast *F, ld_entry *e) {
  F->p++;
  ld_fast_spaces(F);
  for (;;) {
    const char *k;
    size_t kn = ld_fast_key(F, &k);
    if (!kn || !ld_fast_value(L, F, e, k, kn, 1)) return 0;
    int more = ld_fast_next(F, '}');
    if (!more) return 0;
    if (more == 2) return ld_fast_eol(F);
  }
}

/* Moves F to the next line; 0 at the end of the input.  *indent: its
 * leading spaces; blank and comment lines are skipped. */
static int ld_fast_line(ld_fast *F, const unsigned char *end, size_t *indent) {
  while (F->next < end) {
    const unsigned char *nl = memchr(F->next, '\n', (size_t)(end - F->next));
    F->p = F->next;
    F->end = nl ? nl : end;
    F->next = nl ? nl + 1 : end;
    const unsigned char *q = F->p;
    while (q < F->end && *q == ' ') q++;
    if (q == F->end) continue; /* blank */
    if (*q == '#') { /* a comment line: its bytes must be readable */
      for (F->p = q + 1; F->p < F->end;) {
        size_t n = *F->p >= 0x80 ? ld_fast_utf8(F->p, F->end)
                                 : (*F->p >= 0x20 && *F->p < 0x7F);
        if (!n) return -1;
        F->p += n;
      }
      continue;
    }
    *indent = (size_t)(q - F->p);
    F->p = q;
    return 1;
  }
  return 0;
}

#define LD_BATCH 64 /* entries read before they are added */

/* Adds the entries of the batch, in order, after a lex_prefetch of their
 * phrases.  Non-zero on an error (the reader then gives up). */
static int ld_fast_flush(ld *L) {
  const char *ph[LD_BATCH * 4];
  size_t n = 0;
  for (size_t i = 0; i < L->nbatch; i++) {
    const ld_entry *e = &L->batch[i];
    if (e->has_name && n < LD_BATCH * 4) ph[n++] = e->buf.s + e->name;
    for (size_t k = 0; k < e->naliases && n < LD_BATCH * 4; k++)
      ph[n++] = e->buf.s + e->aliases[k].text;
  }
  lex_prefetch(L->lx, ph, n);
  for (size_t i = 0; i < L->nbatch; i++)
    if (ld_commit_entry(L, &L->batch[i])) return -1;
  L->nbatch = 0;
  return 0;
}

/* Reads the whole input in the plain shape.  ASSAY_OK, or
 * LD_FAST_GIVE_UP (some entries may have been added). */
static int ld_fast_run(ld *L, const char *text, size_t len) {
  const unsigned char *end = (const unsigned char *)text + len;
  ld_fast F = {NULL, NULL, (const unsigned char *)text};
  ld_entry *e;
  size_t indent, dash = 0;
  int has_entries = 0, in_entries = 0, in_item = 0, bare = 0;
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) return LD_FAST_GIVE_UP;
  if (lex_frozen(L->lx)) return LD_FAST_GIVE_UP;
  for (;;) {
    int more = ld_fast_line(&F, end, &indent);
    if (more < 0) return LD_FAST_GIVE_UP;
    /* an item ends at a line that is not one of its keys */
    int item_key = more && in_item && !bare && indent == dash + 2;
    if (in_item && !item_key) {
      /* Only a next item, a top-level key or the end closes an item: a
       * deeper line may continue a scalar, and the item must not be added
       * before libyaml has seen it whole. */
      if (more && indent != 0 &&
          !(indent == dash && F.end - F.p >= 2 && F.p[0] == '-' &&
            F.p[1] == ' '))
        return LD_FAST_GIVE_UP;
      if (++L->nbatch == LD_BATCH && ld_fast_flush(L)) return LD_FAST_GIVE_UP;
      in_item = 0;
    }
    if (!more) break;
    if (item_key) {
      const char *k;
      size_t kn = ld_fast_key(&F, &k);
      if (!kn || !ld_fast_value(L, &F, L->cur, k, kn, 0) || !ld_fast_eol(&F))
        return LD_FAST_GIVE_UP;
      continue;
    }
    if (in_entries && indent == dash && F.end - F.p >= 2 && F.p[0] == '-' &&
        F.p[1] == ' ') {
      /* an item: "- scalar" or "- key: value" */
      F.p += 2;
      if (F.p < F.end && *F.p == ' ') return LD_FAST_GIVE_UP;
      e = L->cur = &L->batch[L->nbatch];
      e->buf.len = 0;
      e->name = e->norm = e->kind = 0;
      e->has_name = 0;
      e->naliases = e->nattrs = 0;
      in_item = 1;
      if (F.p < F.end && *F.p == '{') {
        /* "- {key: value, ...}": whole on its line, no key lines after */
        bare = 1;
        if (!ld_fast_entry_map(L, &F, e)) return LD_FAST_GIVE_UP;
        continue;
      }
      const unsigned char *save = F.p;
      const char *k;
      size_t kn = ld_fast_key(&F, &k);
      bare = !kn;
      if (kn) {
        if (!ld_fast_value(L, &F, e, k, kn, 0) || !ld_fast_eol(&F))
          return LD_FAST_GIVE_UP;
        continue;
      }
      F.p = save;
      if (!ld_fast_scalar(L, &F, &e->buf, 0, &e->name) || !ld_fast_eol(&F))
        return LD_FAST_GIVE_UP;
      e->has_name = 1; /* added when the next line shows it is whole */
      continue;
    }
    if (indent != 0) return LD_FAST_GIVE_UP;
    in_entries = 0;
    const char *k;
    size_t kn = ld_fast_key(&F, &k);
    if (!kn) return LD_FAST_GIVE_UP;
    if (ld_fast_is(k, kn, "entries")) {
      /* the items follow, each "- " at one indent */
      if (!ld_fast_eol(&F) || has_entries) return LD_FAST_GIVE_UP;
      ld_fast peek = F;
      size_t d;
      if (ld_fast_line(&peek, end, &d) != 1 || peek.end - peek.p < 2 ||
          peek.p[0] != '-' || peek.p[1] != ' ')
        return LD_FAST_GIVE_UP;
      dash = d;
      has_entries = in_entries = 1;
      L->entries_seen = 1;
      continue;
    }
    int setting = ld_fast_is(k, kn, "kind") || ld_fast_is(k, kn, "fold") ||
                  ld_fast_is(k, kn, "attrs");
    int info = ld_fast_is(k, kn, "name") || ld_fast_is(k, kn, "description") ||
               ld_fast_is(k, kn, "source") || ld_fast_is(k, kn, "license") ||
               ld_fast_is(k, kn, "version");
    if ((!setting && !info) || (setting && L->entries_seen))
      return LD_FAST_GIVE_UP;
    size_t off;
    ld_fast_spaces(&F);
    if (ld_fast_is(k, kn, "attrs")) {
      /* attributes of every entry, as a flow map */
      if (F.p == F.end || *F.p != '{' || !ld_fast_attrs(L, &F, &L->top) ||
          !ld_fast_eol(&F))
        return LD_FAST_GIVE_UP;
      continue;
    }
    if (!ld_fast_scalar(L, &F, &L->top.buf, 0, &off) || !ld_fast_eol(&F))
      return LD_FAST_GIVE_UP;
    if (ld_fast_is(k, kn, "kind")) {
      L->top.kind = off;
    } else if (ld_fast_is(k, kn, "fold")) {
      int fold = ld_fold_value(L->top.buf.s + off);
      if (fold < 0) return LD_FAST_GIVE_UP;
      lex_decide_fold(L->lx, fold);
    }
  }
  if (!has_entries || ld_fast_flush(L)) return LD_FAST_GIVE_UP;
  return ASSAY_OK;
}

/* Bytes of YAML an entry, about, in the shape the budget is measured on
 * (docs/lexicons.md, "Performance"): the size of the input then sizes the
 * lexicon's tables once. */
#define LD_BYTES_PER_ENTRY 64

/* Runs the loader over a parser whose input (of about `bytes`) is set. */
static int ld_run(assay_lexicon *lx, yaml_parser_t *p, const char *name,
                  size_t bytes, assay_error *err) {
  ld L;
  memset(&L, 0, sizeof L);
  L.lx = lx;
  L.alloc = lex_allocator(lx);
  L.p = p;
  L.name = name;
  L.err = err;
  if (bytes / LD_BYTES_PER_ENTRY >= 1024 && !lex_frozen(lx))
    (void)lex_reserve(lx, bytes / LD_BYTES_PER_ENTRY); /* only a hint */
  int rc = lex_frozen(lx)
               ? ld_fail(&L, L.ev.start_mark, ASSAY_EMISUSE,
                         "lexicon is frozen")
               : ld_document(&L);
  if (L.have_ev) yaml_event_delete(&L.ev);
  ld_entry_free(&L, &L.e);
  ld_entry_free(&L, &L.top);
  if (rc == ASSAY_OK && err) memset(err, 0, sizeof *err);
  return rc;
}

/* The fast reader over a whole input (lexicon.h). */
int lex_load_fast(assay_lexicon *lx, const char *text, size_t len) {
  if (!text || lex_frozen(lx)) return LD_FAST_GIVE_UP;
  ld L;
  memset(&L, 0, sizeof L);
  L.lx = lx;
  L.alloc = lex_allocator(lx);
  L.name = "<fast>"; /* its errors are never shown: libyaml redoes them */
  L.batch = mem_calloc(&L.alloc, LD_BATCH, sizeof *L.batch);
  if (!L.batch) return LD_FAST_GIVE_UP;
  if (len / LD_BYTES_PER_ENTRY >= 1024)
    (void)lex_reserve(lx, len / LD_BYTES_PER_ENTRY); /* only a hint */
  int rc = ld_fast_run(&L, text, len);
  for (size_t i = 0; i < LD_BATCH; i++) ld_entry_free(&L, &L.batch[i]);
  mem_free(&L.alloc, L.batch, LD_BATCH * sizeof *L.batch);
  ld_entry_free(&L, &L.top);
  return rc;
}

/* Files up to this size are read whole (and go through the fast reader). */
#define LD_WHOLE_MAX (1L << 30)

int assay_lexicon_load_string(assay_lexicon *lx, const char *yaml, size_t len,
                              const char *name, assay_error *err) {
  if (!lx || (!yaml && len)) return ASSAY_EMISUSE;
  if (lex_load_fast(lx, yaml, len) == ASSAY_OK) {
    if (err) memset(err, 0, sizeof *err);
    return ASSAY_OK;
  }
  yaml_parser_t p;
  if (!yaml_parser_initialize(&p))
    return lex_error(lx, ASSAY_ENOMEM, "lexicon: out of memory");
  yaml_parser_set_input_string(&p, (const unsigned char *)(yaml ? yaml : ""),
                               len);
  /* the fast reader has sized the tables already */
  int rc = ld_run(lx, &p, name ? name : "<string>", 0, err);
  yaml_parser_delete(&p);
  return rc;
}

int assay_lexicon_load(assay_lexicon *lx, const char *path,
                       assay_error *err) {
  if (!lx || !path) return ASSAY_EMISUSE;
  FILE *f = fopen(path, "rb");
  if (!f) {
    int e = errno;
    if (err) {
      memset(err, 0, sizeof *err);
      err->status = ASSAY_EIO;
      snprintf(err->file, sizeof err->file, "%s", path);
      snprintf(err->message, sizeof err->message, "cannot open %s: %s",
               path, strerror(e));
    }
    return lex_error(lx, ASSAY_EIO, "cannot open %s: %s", path, strerror(e));
  }
  /* Read whole (up to a size that memory takes easily) for the fast
   * reader, and then the string loader; else streamed through libyaml. */
  long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
  rewind(f);
  if (size >= 0 && size <= LD_WHOLE_MAX) {
    assay_allocator a = lex_allocator(lx);
    char *buf = mem_alloc(&a, (size_t)size + 1);
    if (buf && fread(buf, 1, (size_t)size, f) == (size_t)size &&
        fgetc(f) == EOF && !ferror(f)) {
      fclose(f);
      int rc = assay_lexicon_load_string(lx, buf, (size_t)size, path, err);
      mem_free(&a, buf, (size_t)size + 1);
      return rc;
    }
    mem_free(&a, buf, (size_t)size + 1);
    rewind(f);
  }
  yaml_parser_t p;
  if (!yaml_parser_initialize(&p)) {
    fclose(f);
    return lex_error(lx, ASSAY_ENOMEM, "lexicon: out of memory");
  }
  yaml_parser_set_input_file(&p, f);
  int rc = ld_run(lx, &p, path, size > 0 ? (size_t)size : 0, err);
  yaml_parser_delete(&p);
  fclose(f);
  return rc;
}
