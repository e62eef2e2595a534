/*
 * lexicon_load.c -- the YAML lexicon loader (docs/lexicons.md): streams
 * libyaml events into assay_lexicon entries, one entry in memory at a time.
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

/* Adds the entry read into L->e to the lexicon. */
static int ld_commit(ld *L) {
  ld_entry *e = &L->e;
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

static int ld_fold(ld *L) {
  size_t off;
  int rc = ld_scalar(L, &L->top.buf, "fold", &off);
  if (rc) return rc;
  const char *v = L->top.buf.s + off;
  static const char *yes[] = {"true", "True", "TRUE", "yes", "Yes", "on"};
  static const char *no[] = {"false", "False", "FALSE", "no", "No", "off"};
  for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
    if (strcmp(v, yes[i]) == 0) {
      lex_decide_fold(L->lx, 1);
      return ASSAY_OK;
    }
    if (strcmp(v, no[i]) == 0) {
      lex_decide_fold(L->lx, 0);
      return ASSAY_OK;
    }
  }
  return ld_fail(L, L->ev.start_mark, ASSAY_ESYNTAX,
                 "'fold' is not true or false");
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

/* Runs the loader over a parser whose input is set. */
static int ld_run(assay_lexicon *lx, yaml_parser_t *p, const char *name,
                  assay_error *err) {
  ld L;
  memset(&L, 0, sizeof L);
  L.lx = lx;
  L.alloc = lex_allocator(lx);
  L.p = p;
  L.name = name;
  L.err = err;
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

int assay_lexicon_load_string(assay_lexicon *lx, const char *yaml, size_t len,
                              const char *name, assay_error *err) {
  if (!lx || (!yaml && len)) return ASSAY_EMISUSE;
  yaml_parser_t p;
  if (!yaml_parser_initialize(&p))
    return lex_error(lx, ASSAY_ENOMEM, "lexicon: out of memory");
  yaml_parser_set_input_string(&p, (const unsigned char *)(yaml ? yaml : ""),
                               len);
  int rc = ld_run(lx, &p, name ? name : "<string>", err);
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
  yaml_parser_t p;
  if (!yaml_parser_initialize(&p)) {
    fclose(f);
    return lex_error(lx, ASSAY_ENOMEM, "lexicon: out of memory");
  }
  yaml_parser_set_input_file(&p, f);
  int rc = ld_run(lx, &p, path, err);
  yaml_parser_delete(&p);
  fclose(f);
  return rc;
}
