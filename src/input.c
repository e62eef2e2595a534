/*
 * input.c -- documents from the command line's inputs: text files with YAML
 * front matter, JSON Lines, directories (sorted, recursive, loop-safe),
 * stdin, manifest.yaml metadata; and the YAML -> JSON converter they share.
 */
#include "input.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "doc.h"
#include "mem.h"

#define IN_DEFAULT_MAX ((size_t)32 << 20)
#define IN_YAML_MAX_NODES 1000000 /* after alias expansion */
#define IN_YAML_MAX_DEPTH 512

static int in_fail(assay_error *err, int status, const char *file, int line,
                   int column, const char *fmt, ...) {
  if (!err)
    return status;
  memset(err, 0, sizeof *err);
  err->status = status;
  err->line = line;
  err->column = column;
  snprintf(err->file, sizeof err->file, "%s", file ? file : "");
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  return status;
}

static size_t in_max(const in_options *opt) {
  return opt && opt->max_doc_bytes ? opt->max_doc_bytes : IN_DEFAULT_MAX;
}

/* ------------------------------------------------------------------ */
/* YAML -> JSON                                                         */
/* ------------------------------------------------------------------ */

typedef struct yb_frame {
  json_t *node; /* array or object being filled */
  char *key;    /* object: the key waiting for its value (malloc) */
  char *anchor; /* malloc, or NULL */
  size_t count; /* nodes in this subtree, aliases expanded */
} yb_frame;

typedef struct yb {
  yb_frame st[IN_YAML_MAX_DEPTH];
  int depth;
  json_t *root;
  json_t *anchors; /* name -> [value, count] */
  size_t total;
  const char *errmsg;
} yb;

static int yb_is(const char *s, const char *const *words) {
  for (; *words; words++)
    if (strcmp(s, *words) == 0)
      return 1;
  return 0;
}

/* YAML 1.1 core typing of a plain scalar; dates stay strings. */
static json_t *yb_plain(const char *s, size_t len) {
  static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
  static const char *const yes[] = {"true", "True", "TRUE", "yes",
                                    "Yes",  "YES",  NULL};
  static const char *const no[] = {"false", "False", "FALSE", "no",
                                   "No",    "NO",    NULL};
  if (strlen(s) != len)
    return json_stringn(s, len);
  if (yb_is(s, nulls))
    return json_null();
  if (yb_is(s, yes))
    return json_true();
  if (yb_is(s, no))
    return json_false();
  const char *p = s + (*s == '-' || *s == '+');
  size_t digits = strspn(p, "0123456789");
  if (digits && p[digits] == '\0' && (digits == 1 || *p != '0')) {
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    if (errno == 0)
      return json_integer(v);
  }
  /* A float: digits with a dot and/or exponent, nothing else. */
  size_t i = 0, nd = 0;
  while (isdigit((unsigned char)p[i]))
    i++, nd++;
  int dot = p[i] == '.';
  if (dot)
    for (i++; isdigit((unsigned char)p[i]); i++)
      nd++;
  int ex = nd && (p[i] == 'e' || p[i] == 'E');
  if (ex) {
    i++;
    if (p[i] == '-' || p[i] == '+')
      i++;
    size_t ed = strspn(p + i, "0123456789");
    if (!ed)
      nd = 0;
    i += ed;
  }
  if (nd && (dot || ex) && p[i] == '\0')
    return json_real(strtod(s, NULL));
  return json_stringn(s, len);
}

/* Adds a finished node (a new reference) to its parent. */
static int yb_add(yb *b, json_t *v, const char *anchor, size_t count) {
  if (!v)
    return (b->errmsg = "out of memory"), -1;
  b->total += count;
  if (b->total > IN_YAML_MAX_NODES) {
    json_decref(v);
    return (b->errmsg = "more than 1,000,000 nodes after alias expansion"), -1;
  }
  if (anchor) {
    json_t *pair = json_pack("[Oi]", v, (json_int_t)count);
    if (!pair || json_object_set_new(b->anchors, anchor, pair)) {
      json_decref(v);
      return (b->errmsg = "out of memory"), -1;
    }
  }
  if (b->depth == 0) {
    if (!b->root)
      b->root = v;
    else
      json_decref(v);
    return 0;
  }
  yb_frame *f = &b->st[b->depth - 1];
  f->count += count;
  if (json_is_array(f->node))
    return json_array_append_new(f->node, v);
  if (!f->key) {
    /* A mapping key: scalars only; their text is the key. */
    char num[64];
    const char *k = json_string_value(v);
    if (json_is_integer(v))
      snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else if (json_is_real(v))
      snprintf(num, sizeof num, "%.17g", json_real_value(v));
    else if (json_is_boolean(v) || json_is_null(v))
      snprintf(num, sizeof num, "%s",
               json_is_null(v)   ? "null"
               : json_is_true(v) ? "true"
                                 : "false");
    else if (!k) {
      json_decref(v);
      return (b->errmsg = "a mapping key must be a scalar"), -1;
    }
    f->key = strdup(k ? k : num);
    json_decref(v);
    return f->key ? 0 : ((b->errmsg = "out of memory"), -1);
  }
  int rc = json_object_set_new(f->node, f->key, v);
  free(f->key);
  f->key = NULL;
  return rc;
}

static int yb_event(yb *b, yaml_event_t *ev) {
  const char *anchor = NULL;
  switch (ev->type) {
  case YAML_SCALAR_EVENT: {
    const char *s = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    const char *tag = (const char *)ev->data.scalar.tag;
    int str = !ev->data.scalar.plain_implicit ||
              (tag && strcmp(tag, YAML_STR_TAG) == 0);
    json_t *v = str ? json_stringn(s, len) : yb_plain(s, len);
    return yb_add(b, v, (const char *)ev->data.scalar.anchor, 1);
  }
  case YAML_SEQUENCE_START_EVENT:
  case YAML_MAPPING_START_EVENT: {
    if (b->depth == IN_YAML_MAX_DEPTH)
      return (b->errmsg = "nesting too deep"), -1;
    int seq = ev->type == YAML_SEQUENCE_START_EVENT;
    anchor = (const char *)(seq ? ev->data.sequence_start.anchor
                                : ev->data.mapping_start.anchor);
    yb_frame *f = &b->st[b->depth];
    memset(f, 0, sizeof *f);
    f->node = seq ? json_array() : json_object();
    f->anchor = anchor ? strdup(anchor) : NULL;
    f->count = 1;
    if (!f->node || (anchor && !f->anchor)) {
      json_decref(f->node);
      free(f->anchor);
      return (b->errmsg = "out of memory"), -1;
    }
    b->depth++;
    return 0;
  }
  case YAML_SEQUENCE_END_EVENT:
  case YAML_MAPPING_END_EVENT: {
    yb_frame f = b->st[--b->depth];
    free(f.key);
    int rc = yb_add(b, f.node, f.anchor, f.count);
    free(f.anchor);
    return rc;
  }
  case YAML_ALIAS_EVENT: {
    json_t *pair =
        json_object_get(b->anchors, (const char *)ev->data.alias.anchor);
    if (!pair)
      return (b->errmsg = "unknown alias"), -1;
    return yb_add(b, json_incref(json_array_get(pair, 0)), NULL,
                  (size_t)json_integer_value(json_array_get(pair, 1)));
  }
  default:
    return 0;
  }
}

static void yb_clear(yb *b) {
  while (b->depth > 0) {
    yb_frame *f = &b->st[--b->depth];
    json_decref(f->node);
    free(f->key);
    free(f->anchor);
  }
  json_decref(b->anchors);
}

json_t *in_yaml_to_json(const char *yaml, size_t len, const char *name,
                        assay_error *err) {
  yaml_parser_t p;
  yb *b = calloc(1, sizeof *b);
  if (!b || !yaml_parser_initialize(&p)) {
    free(b);
    in_fail(err, ASSAY_ENOMEM, name, 0, 0, "out of memory");
    return NULL;
  }
  b->anchors = json_object();
  yaml_parser_set_input_string(&p, (const unsigned char *)yaml, len);
  int done = 0, failed = 0;
  while (!done && !failed) {
    yaml_event_t ev;
    if (!yaml_parser_parse(&p, &ev)) {
      in_fail(err, ASSAY_ESYNTAX, name, (int)p.problem_mark.line + 1,
              (int)p.problem_mark.column + 1, "%s%s%s",
              p.context ? p.context : "", p.context ? ": " : "",
              p.problem ? p.problem : "malformed YAML");
      failed = 1;
      break;
    }
    /* The first document only: front matter and manifests have one. */
    done =
        ev.type == YAML_STREAM_END_EVENT || ev.type == YAML_DOCUMENT_END_EVENT;
    if (yb_event(b, &ev)) {
      in_fail(err,
              b->errmsg && strcmp(b->errmsg, "out of memory") == 0
                  ? ASSAY_ENOMEM
                  : ASSAY_ESYNTAX,
              name, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1,
              "%s", b->errmsg ? b->errmsg : "out of memory");
      failed = 1;
    }
    yaml_event_delete(&ev);
  }
  yaml_parser_delete(&p);
  json_t *root = b->root;
  yb_clear(b);
  free(b);
  if (failed) {
    json_decref(root);
    return NULL;
  }
  return root ? root : json_null();
}

/* ------------------------------------------------------------------ */
/* Bytes of one file                                                    */
/* ------------------------------------------------------------------ */

typedef struct in_buf {
  assay_allocator alloc;
  char *p;
  size_t len, cap;
} in_buf;

static void in_buf_free(in_buf *b) {
  mem_free(&b->alloc, b->p, b->cap);
  b->p = NULL;
  b->len = b->cap = 0;
}

static int in_buf_put(in_buf *b, const char *s, size_t n) {
  if (mem_grow(&b->alloc, (void **)&b->p, &b->cap, b->len + n + 1, 1))
    return -1;
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
  return 0;
}

/* Reads the rest of fp into b; more than max bytes is ASSAY_ELIMIT. */
static int in_read_stream(FILE *fp, in_buf *b, size_t max, const char *id,
                          assay_error *err) {
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
    if (b->len + n > max)
      return in_fail(err, ASSAY_ELIMIT, id, 0, 0,
                     "document larger than the limit max_doc_bytes "
                     "(%zu bytes)",
                     max);
    if (in_buf_put(b, chunk, n))
      return in_fail(err, ASSAY_ENOMEM, id, 0, 0, "out of memory");
  }
  if (ferror(fp))
    return in_fail(err, ASSAY_EIO, id, 0, 0, "cannot read: %s",
                   strerror(errno));
  if (in_buf_put(b, "", 0))
    return in_fail(err, ASSAY_ENOMEM, id, 0, 0, "out of memory");
  return ASSAY_OK;
}

/* fopen(path, "rb") that never blocks on opening: a FIFO that has no
 * writer would block fopen forever.  Once open, reads block again, and a
 * FIFO without a writer reads as end of file. */
static FILE *in_fopen(const char *path) {
  int fd = open(path, O_RDONLY | O_NONBLOCK);
  if (fd < 0)
    return NULL;
  int fl = fcntl(fd, F_GETFL);
  if (fl != -1)
    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  FILE *fp = fdopen(fd, "rb");
  if (!fp)
    close(fd);
  return fp;
}

static int in_read_file(const char *path, size_t max, in_buf *b,
                        assay_error *err) {
  FILE *fp = in_fopen(path);
  if (!fp)
    return in_fail(err, ASSAY_EIO, path, 0, 0, "cannot read: %s",
                   strerror(errno));
  struct stat st;
  int rc = ASSAY_OK;
  int fifo = fstat(fileno(fp), &st) == 0 && S_ISFIFO(st.st_mode);
  if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode))
    rc = in_fail(err, ASSAY_EIO, path, 0, 0, "cannot read: Is a directory");
  else if (fstat(fileno(fp), &st) == 0 && (size_t)st.st_size > max)
    rc = in_fail(err, ASSAY_ELIMIT, path, 0, 0,
                 "document larger than the limit max_doc_bytes (%zu bytes)",
                 max);
  else
    rc = in_read_stream(fp, b, max, path, err);
  if (rc == ASSAY_OK && fifo && b->len == 0)
    rc = in_fail(err, ASSAY_EIO, path, 0, 0,
                 "cannot read: a FIFO with no writer (or no data)");
  fclose(fp);
  return rc;
}

static int in_is_utf8_name(const char *enc) {
  return !enc || !*enc || strcasecmp(enc, "utf-8") == 0 ||
         strcasecmp(enc, "utf8") == 0;
}

/* Converts b to UTF-8 from opt->encoding with iconv; bytes that are not
 * in that encoding become U+FFFD and are counted in *replaced. */
static int in_convert(const in_options *opt, in_buf *b, const char *id,
                      size_t *replaced, assay_error *err) {
  *replaced = 0;
  if (!opt || in_is_utf8_name(opt->encoding))
    return ASSAY_OK;
  iconv_t cd = iconv_open("UTF-8", opt->encoding);
  if (cd == (iconv_t)-1)
    return in_fail(err, ASSAY_EMISUSE, id, 0, 0, "unknown encoding \"%s\"",
                   opt->encoding);
  in_buf out = {b->alloc, NULL, 0, 0};
  int rc = ASSAY_OK;
  char *in = b->p;
  size_t left = b->len;
  while (rc == ASSAY_OK) {
    if (mem_grow(&out.alloc, (void **)&out.p, &out.cap, out.len + left * 4 + 16,
                 1)) {
      rc = in_fail(err, ASSAY_ENOMEM, id, 0, 0, "out of memory");
      break;
    }
    char *o = out.p + out.len;
    size_t room = out.cap - out.len - 1;
    size_t r = iconv(cd, left ? &in : NULL, &left, &o, &room);
    out.len = (size_t)(o - out.p);
    if (r != (size_t)-1 && left == 0)
      break;
    if (r == (size_t)-1 && errno == E2BIG)
      continue;
    if (r == (size_t)-1 && (errno == EILSEQ || errno == EINVAL)) {
      /* Keep going past a byte the encoding does not have. */
      if (in_buf_put(&out, "\xEF\xBF\xBD", 3)) {
        rc = in_fail(err, ASSAY_ENOMEM, id, 0, 0, "out of memory");
        break;
      }
      in++;
      left--;
      (*replaced)++;
    }
  }
  iconv_close(cd);
  if (rc == ASSAY_OK && in_buf_put(&out, "", 0))
    rc = in_fail(err, ASSAY_ENOMEM, id, 0, 0, "out of memory");
  if (rc != ASSAY_OK) {
    in_buf_free(&out);
    return rc;
  }
  in_buf_free(b);
  *b = out;
  return ASSAY_OK;
}

/* ------------------------------------------------------------------ */
/* Text documents: front matter, warnings                               */
/* ------------------------------------------------------------------ */

/* The length of the line at s[0, n) without its end; *next the start of
 * the next line. */
static size_t in_line_len(const char *s, size_t n, size_t *next) {
  const char *nl = memchr(s, '\n', n);
  size_t l = nl ? (size_t)(nl - s) : n;
  *next = nl ? l + 1 : n;
  if (l && s[l - 1] == '\r')
    l--;
  return l;
}

/* Finds front matter: a first line "---", YAML, a line "---" or "...".
 * Returns 1 with the YAML [*ys, *ye) and the text start *ts, 0 without,
 * -1 when the closing line is missing. */
static int in_front_matter(const char *s, size_t n, size_t *ys, size_t *ye,
                           size_t *ts) {
  size_t off = n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
  size_t next, l = in_line_len(s + off, n - off, &next);
  if (l != 3 || memcmp(s + off, "---", 3) != 0 || next == n - off)
    return 0;
  *ys = off + next;
  for (size_t pos = *ys; pos < n;) {
    l = in_line_len(s + pos, n - pos, &next);
    if (l == 3 &&
        (memcmp(s + pos, "---", 3) == 0 || memcmp(s + pos, "...", 3) == 0)) {
      *ye = pos;
      *ts = pos + next;
      return 1;
    }
    pos += next;
  }
  return -1;
}

static void in_warn_bytes(assay_doc *doc, size_t replaced) {
  char msg[128];
  if (memchr(doc->text, '\0', doc->len))
    assay_doc_add_warning(doc, "contains NUL bytes");
  size_t bad;
  if (!assay_text_valid_utf8(doc->text, doc->len, &bad)) {
    snprintf(msg, sizeof msg,
             "invalid UTF-8 at byte %zu (kept; read as invalid tokens)", bad);
    assay_doc_add_warning(doc, msg);
  }
  if (replaced) {
    snprintf(msg, sizeof msg,
             "encoding: %zu byte(s) not in the encoding, replaced by U+FFFD",
             replaced);
    assay_doc_add_warning(doc, msg);
  }
}

/* Makes the document of a text file's bytes: base (may be NULL) is the
 * manifest's metadata, under the front matter's. */
static int in_text_doc(const in_options *opt, const char *id, in_buf *b,
                       json_t *base, assay_doc **out, assay_error *err) {
  size_t replaced, ys = 0, ye = 0, ts = 0;
  int rc = in_convert(opt, b, id, &replaced, err);
  if (rc)
    return rc;
  int fm = in_front_matter(b->p, b->len, &ys, &ye, &ts);
  json_t *meta = base ? json_deep_copy(base) : json_object();
  if (!meta)
    return in_fail(err, ASSAY_ENOMEM, id, 0, 0, "out of memory");
  if (fm == 1) {
    json_t *fmv = in_yaml_to_json(b->p + ys, ye - ys, id, err);
    if (!fmv) {
      json_decref(meta);
      if (!err)
        return ASSAY_ESYNTAX;
      /* YAML lines count from the line after the first "---". */
      assay_error y = *err;
      return in_fail(err, y.status, id, y.line + 1, y.column,
                     "front matter: line %d, column %d: %.600s", y.line + 1,
                     y.column, y.message);
    }
    if (!json_is_object(fmv) && !json_is_null(fmv)) {
      json_decref(fmv);
      json_decref(meta);
      return in_fail(err, ASSAY_ESYNTAX, id, 2, 1,
                     "front matter: line 2: expected a mapping of keys "
                     "to values");
    }
    if (json_is_object(fmv))
      json_object_update(meta, fmv);
    json_decref(fmv);
  }
  rc = assay_doc_new(out, id, b->p + ts, b->len - ts, opt ? opt->alloc : NULL,
                     err);
  if (rc) {
    json_decref(meta);
    if (err)
      snprintf(err->file, sizeof err->file, "%s", id);
    return rc;
  }
  json_decref((*out)->meta);
  (*out)->meta = meta;
  in_warn_bytes(*out, replaced);
  if (fm == -1)
    assay_doc_add_warning(*out, "front matter: no closing '---' line; "
                                "read as text");
  return ASSAY_OK;
}

int in_load_file(const char *path, const in_options *opt, assay_doc **doc,
                 assay_error *err) {
  in_buf b = {mem_resolve(opt ? opt->alloc : NULL), NULL, 0, 0};
  *doc = NULL;
  int rc = in_read_file(path, in_max(opt), &b, err);
  if (rc == ASSAY_OK)
    rc = in_text_doc(opt, path, &b, NULL, doc, err);
  in_buf_free(&b);
  return rc;
}

/* ------------------------------------------------------------------ */
/* Manifests                                                            */
/* ------------------------------------------------------------------ */

/* Reads dir/manifest.yaml into an object file name -> metadata.  Returns
 * ASSAY_OK with *out NULL when there is no manifest. */
static int in_manifest(const in_options *opt, const char *dir, json_t **out,
                       assay_error *err) {
  char path[4096];
  *out = NULL;
  snprintf(path, sizeof path, "%s%smanifest.yaml", dir,
           *dir && dir[strlen(dir) - 1] != '/' ? "/" : "");
  struct stat st;
  if (stat(path, &st) != 0)
    return ASSAY_OK;
  in_buf b = {mem_resolve(opt ? opt->alloc : NULL), NULL, 0, 0};
  int rc = in_read_file(path, in_max(opt), &b, err);
  json_t *y = rc ? NULL : in_yaml_to_json(b.p, b.len, path, err);
  in_buf_free(&b);
  if (!y && !rc && err && err->line) {
    /* The message says where, as front matter errors do. */
    char what[sizeof err->message];
    snprintf(what, sizeof what, "%s", err->message);
    snprintf(err->message, sizeof err->message,
             "manifest: line %d, column %d: %.700s", err->line, err->column,
             what);
  }
  if (!y)
    return rc ? rc : (err ? err->status : ASSAY_ESYNTAX);
  json_t *docs = json_object_get(y, "documents");
  json_t *map = json_object();
  size_t i;
  json_t *e;
  rc = map ? ASSAY_OK : ASSAY_ENOMEM;
  if (!json_is_array(docs))
    rc = in_fail(err, ASSAY_ESYNTAX, path, 0, 0,
                 "manifest: `documents:` must be a list");
  json_array_foreach(docs, i, e) {
    if (rc)
      break;
    const char *file = json_string_value(json_object_get(e, "file"));
    json_t *meta = file ? json_deep_copy(e) : NULL;
    if (!file) {
      rc = in_fail(err, ASSAY_ESYNTAX, path, 0, 0,
                   "manifest: documents[%zu] is not a map with a `file:`",
                   i + 1);
      break;
    }
    json_object_del(meta, "file");
    json_object_set_new(map, file, meta);
  }
  json_decref(y);
  if (rc) {
    json_decref(map);
    return rc;
  }
  *out = map;
  return ASSAY_OK;
}

/* ------------------------------------------------------------------ */
/* The reader: a stack of open directories and JSON Lines files         */
/* ------------------------------------------------------------------ */

enum { ENT_TEXT, ENT_JSONL, ENT_DIR };
enum { FR_DIR, FR_JSONL };

typedef struct in_entry {
  char *path;     /* mem_strdup */
  size_t name_at; /* the entry's name is path + name_at */
  int kind;
} in_entry;

typedef struct in_frame {
  int type;
  char *path; /* mem_strdup: the folder, or the .jsonl id prefix */
  in_entry *ents;
  size_t n, i, cap;
  json_t *manifest; /* file name -> metadata, or NULL */
  dev_t dev;
  ino_t ino;
  FILE *fp;
  size_t line;
  /* JSON Lines: bytes read from fp ahead of the line, [rpos, rlen) of
   * rbuf (IN_RBUF bytes, made on first use). */
  char *rbuf;
  size_t rpos, rlen;
} in_frame;

#define IN_RBUF 65536

struct in_reader {
  assay_allocator alloc;
  in_options opt;
  char **paths;
  size_t npaths, next;
  in_frame *stack;
  size_t depth, cap;
  in_buf line;
  char *mf_dir; /* sibling manifest cache for files named directly */
  json_t *mf;
  char mf_warning[1100];
  in_line **lines; /* during in_next_line: where a JSON line goes */
};

int in_open(in_reader **out, const char *const *paths, size_t n,
            const in_options *opt) {
  assay_allocator a = mem_resolve(opt ? opt->alloc : NULL);
  in_reader *r = mem_calloc(&a, 1, sizeof *r);
  *out = NULL;
  if (!r)
    return ASSAY_ENOMEM;
  r->alloc = a;
  if (opt)
    r->opt = *opt;
  r->opt.alloc = NULL; /* r->alloc is the resolved copy */
  r->line.alloc = a;
  r->paths = mem_calloc(&a, n + 1, sizeof(char *));
  r->npaths = n;
  int bad = !r->paths;
  for (size_t i = 0; !bad && i < n; i++)
    bad = !(r->paths[i] = mem_strdup(&a, paths[i]));
  if (bad) {
    in_close(r);
    return ASSAY_ENOMEM;
  }
  *out = r;
  return ASSAY_OK;
}

static void in_pop(in_reader *r) {
  in_frame *f = &r->stack[--r->depth];
  for (size_t i = 0; i < f->n; i++)
    mem_free(&r->alloc, f->ents[i].path, strlen(f->ents[i].path) + 1);
  mem_free(&r->alloc, f->ents, f->cap * sizeof *f->ents);
  mem_free(&r->alloc, f->path, strlen(f->path) + 1);
  json_decref(f->manifest);
  if (f->rbuf)
    mem_free(&r->alloc, f->rbuf, IN_RBUF);
  if (f->fp && f->fp != stdin)
    fclose(f->fp);
}

void in_close(in_reader *r) {
  if (!r)
    return;
  while (r->depth)
    in_pop(r);
  mem_free(&r->alloc, r->stack, r->cap * sizeof *r->stack);
  for (size_t i = 0; r->paths && i < r->npaths; i++)
    if (r->paths[i])
      mem_free(&r->alloc, r->paths[i], strlen(r->paths[i]) + 1);
  mem_free(&r->alloc, r->paths, (r->npaths + 1) * sizeof(char *));
  in_buf_free(&r->line);
  if (r->mf_dir)
    mem_free(&r->alloc, r->mf_dir, strlen(r->mf_dir) + 1);
  json_decref(r->mf);
  assay_allocator a = r->alloc;
  mem_free(&a, r, sizeof *r);
}

static in_frame *in_push(in_reader *r, int type, const char *path) {
  if (mem_grow(&r->alloc, (void **)&r->stack, &r->cap, r->depth + 1,
               sizeof *r->stack))
    return NULL;
  in_frame *f = &r->stack[r->depth];
  memset(f, 0, sizeof *f);
  f->type = type;
  if (!(f->path = mem_strdup(&r->alloc, path)))
    return NULL;
  r->depth++;
  return f;
}

static int in_has_ext(const char *name, const char *ext) {
  size_t n = strlen(name), e = strlen(ext);
  return n > e && strcasecmp(name + n - e, ext) == 0;
}

/* Bytewise path order: a folder sorts as its name followed by '/', so
 * "a/b.txt" < "a/b/x.txt" as whole paths compare. */
static int in_key_at(const in_entry *e, size_t i, size_t len) {
  if (i < len)
    return (unsigned char)e->path[e->name_at + i];
  return i == len && e->kind == ENT_DIR ? '/' : -1;
}

static int in_cmp_entry(const void *pa, const void *pb) {
  const in_entry *a = pa, *b = pb;
  size_t la = strlen(a->path + a->name_at), lb = strlen(b->path + b->name_at);
  for (size_t i = 0;; i++) {
    int x = in_key_at(a, i, la), y = in_key_at(b, i, lb);
    if (x != y)
      return x < y ? -1 : 1;
    if (x < 0)
      return 0;
  }
}

/* The kind of a directory entry, or -1 to skip it.  A name that cannot be
 * stat'ed (a dangling link) is still listed by its extension, so that
 * reading it reports the error in its place. */
static int in_entry_kind(const char *path, const struct dirent *de) {
  struct stat st;
  int dir = de->d_type == DT_DIR;
  if (de->d_type == DT_LNK || de->d_type == DT_UNKNOWN) {
    if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
      return -1; /* a link to a FIFO or a device: skipped like the FIFO */
    dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
  }
  if (dir)
    return ENT_DIR;
  if (de->d_type == DT_REG || de->d_type == DT_LNK ||
      de->d_type == DT_UNKNOWN) {
    if (in_has_ext(de->d_name, ".txt") || in_has_ext(de->d_name, ".md"))
      return ENT_TEXT;
    if (in_has_ext(de->d_name, ".jsonl"))
      return ENT_JSONL;
  }
  return -1;
}

static int in_list(in_reader *r, in_frame *f, DIR *d) {
  struct dirent *de;
  size_t plen = strlen(f->path);
  int slash = plen && f->path[plen - 1] == '/';
  while ((de = readdir(d))) {
    if (de->d_name[0] == '.')
      continue; /* ., .., hidden files */
    size_t n = plen + !slash + strlen(de->d_name) + 1;
    char *p = mem_alloc(&r->alloc, n);
    if (!p)
      return -1;
    snprintf(p, n, "%s%s%s", f->path, slash ? "" : "/", de->d_name);
    int kind = in_entry_kind(p, de);
    if (kind < 0 || mem_grow(&r->alloc, (void **)&f->ents, &f->cap, f->n + 1,
                             sizeof *f->ents)) {
      mem_free(&r->alloc, p, n);
      if (kind < 0)
        continue;
      return -1;
    }
    f->ents[f->n].path = p;
    f->ents[f->n].name_at = plen + !slash;
    f->ents[f->n++].kind = kind;
  }
  qsort(f->ents, f->n, sizeof *f->ents, in_cmp_entry);
  return 0;
}

/* Opens a folder.  A loop (a folder that is its own ancestor through a
 * link) or an unreadable folder is an error in its place; a malformed
 * manifest is an error too, after which the folder is read without it. */
static int in_push_dir(in_reader *r, const char *path, assay_error *err) {
  struct stat st;
  if (stat(path, &st) != 0)
    return in_fail(err, ASSAY_EIO, path, 0, 0, "cannot read: %s",
                   strerror(errno));
  for (size_t i = 0; i < r->depth; i++)
    if (r->stack[i].type == FR_DIR && r->stack[i].dev == st.st_dev &&
        r->stack[i].ino == st.st_ino)
      return in_fail(err, ASSAY_EIO, path, 0, 0,
                     "directory loop: the same folder as %s; not followed",
                     r->stack[i].path);
  DIR *d = opendir(path);
  if (!d)
    return in_fail(err, ASSAY_EIO, path, 0, 0, "cannot read: %s",
                   strerror(errno));
  in_frame *f = in_push(r, FR_DIR, path);
  int bad = !f || in_list(r, f, d);
  closedir(d);
  if (bad)
    return in_fail(err, ASSAY_ENOMEM, path, 0, 0, "out of memory");
  f->dev = st.st_dev;
  f->ino = st.st_ino;
  return in_manifest(&r->opt, path, &f->manifest, err);
}

static int in_push_jsonl(in_reader *r, const char *path, FILE *fp, size_t line,
                         assay_error *err) {
  if (!fp && !(fp = in_fopen(path)))
    return in_fail(err, ASSAY_EIO, path, 0, 0, "cannot read: %s",
                   strerror(errno));
  in_frame *f = in_push(r, FR_JSONL, path);
  if (!f) {
    if (fp != stdin)
      fclose(fp);
    return in_fail(err, ASSAY_ENOMEM, path, 0, 0, "out of memory");
  }
  f->fp = fp;
  f->line = line;
  return ASSAY_OK;
}

/* Reads one line of frame f's file into r->line, without its end.
 * Returns 1, 0 at the end of the file, -1 when out of memory; *toolong is
 * set when the line passed max bytes (the rest of it is skipped).  Reads
 * a block at a time and finds line ends with memchr: a byte at a time,
 * JSON Lines input cost 25 instructions a byte here. */
static int in_getline(in_reader *r, in_frame *f, size_t max, int *toolong) {
  in_buf *b = &r->line;
  b->len = 0;
  *toolong = 0;
  int any = 0;
  if (in_buf_put(b, "", 0))
    return -1;
  if (!f->rbuf && !(f->rbuf = mem_alloc(&r->alloc, IN_RBUF)))
    return -1;
  for (;;) {
    if (f->rpos == f->rlen) {
      f->rpos = 0;
      f->rlen = fread(f->rbuf, 1, IN_RBUF, f->fp);
      if (!f->rlen)
        break; /* the end, or an error the caller reads from fp */
    }
    any = 1;
    const char *at = f->rbuf + f->rpos;
    size_t avail = f->rlen - f->rpos;
    const char *nl = memchr(at, '\n', avail);
    size_t take = nl ? (size_t)(nl - at) : avail;
    size_t put = b->len < max ? max - b->len : 0;
    if (put > take)
      put = take;
    if (put < take)
      *toolong = 1;
    if (put) {
      if (b->len + put + 1 > b->cap &&
          mem_grow(&b->alloc, (void **)&b->p, &b->cap, b->len + put + 1, 1))
        return -1;
      memcpy(b->p + b->len, at, put);
      b->len += put;
    }
    f->rpos += take + (nl != NULL);
    if (nl)
      break;
  }
  b->p[b->len] = '\0';
  if (b->len && b->p[b->len - 1] == '\r')
    b->p[--b->len] = '\0';
  return any;
}

static int in_blank(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isspace((unsigned char)s[i]))
      return 0;
  return 1;
}

/* One JSON line to a document; errors carry the id "path:LINE", or the
 * line's own id once it is known. */
static int in_json_parse(const in_options *opt, const assay_allocator *alloc,
                         in_buf *line, const char *path, size_t lineno,
                         assay_doc **out, assay_error *err) {
  char where[300], id[1024];
  snprintf(where, sizeof where, "%s:%zu", path, lineno);
  size_t replaced;
  int rc = in_convert(opt, line, where, &replaced, err);
  if (rc)
    return rc;
  json_error_t je;
  json_t *o = json_loadb(line->p, line->len,
                         JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
  if (!o)
    return in_fail(err, ASSAY_ESYNTAX, where, (int)lineno, je.column,
                   "invalid JSON at column %d: %s", je.column, je.text);
  json_t *jid = json_object_get(o, "id"), *text = json_object_get(o, "text");
  json_t *meta = json_object_get(o, "meta");
  /* An empty id (or one that starts with a NUL) names nothing: the line's
   * place stands for it. */
  if (json_is_string(jid) && json_string_value(jid)[0])
    snprintf(id, sizeof id, "%s", json_string_value(jid));
  else if (json_is_integer(jid))
    snprintf(id, sizeof id, "%" JSON_INTEGER_FORMAT, json_integer_value(jid));
  else
    snprintf(id, sizeof id, "%s", where);
  if (!json_is_object(o))
    rc = in_fail(err, ASSAY_ESYNTAX, where, (int)lineno, 1,
                 "a JSON line must be an object {\"id\", \"text\", \"meta\"}");
  else if (!json_is_string(text))
    rc = in_fail(err, ASSAY_ESYNTAX, id, (int)lineno, 1,
                 "line %zu: missing \"text\" (a string)", lineno);
  else if (meta && !json_is_object(meta) && !json_is_null(meta))
    rc = in_fail(err, ASSAY_ESYNTAX, id, (int)lineno, 1,
                 "line %zu: \"meta\" must be an object", lineno);
  else if (json_string_length(text) > in_max(opt))
    rc = in_fail(err, ASSAY_ELIMIT, id, (int)lineno, 1,
                 "document larger than the limit max_doc_bytes (%zu bytes)",
                 in_max(opt));
  else
    rc = assay_doc_new(out, id, json_string_value(text),
                       json_string_length(text), alloc, err);
  if (rc == ASSAY_OK && json_is_object(meta)) {
    json_decref((*out)->meta);
    (*out)->meta = json_incref(meta);
  }
  if (rc == ASSAY_OK)
    in_warn_bytes(*out, replaced);
  json_decref(o);
  return rc;
}

/* ---- JSON lines parsed elsewhere (in_next_line) ---------------------- */

struct in_line {
  assay_allocator alloc;
  in_options opt;
  in_buf text; /* the line */
  char *path;
  size_t lineno;
  char where[300];
};

/* Hands the reader's current line over, unparsed. */
static int in_line_take(in_reader *r, in_frame *f, in_line **out,
                        assay_error *err) {
  in_line *l = mem_calloc(&r->alloc, 1, sizeof *l);
  size_t plen = strlen(f->path);
  char *path = l ? mem_alloc(&r->alloc, plen + 1) : NULL;
  if (!path) {
    mem_free(&r->alloc, l, l ? sizeof *l : 0);
    return in_fail(err, ASSAY_ENOMEM, f->path, 0, 0, "out of memory");
  }
  memcpy(path, f->path, plen + 1);
  l->alloc = r->alloc;
  l->opt = r->opt;
  l->text = r->line; /* the buffer moves to the line: no copy */
  r->line = (in_buf){r->alloc, NULL, 0, 0};
  l->path = path;
  l->lineno = f->line;
  snprintf(l->where, sizeof l->where, "%s:%zu", f->path, f->line);
  *out = l;
  return ASSAY_OK;
}

int in_line_doc(in_line *l, assay_doc **doc, assay_error *err) {
  *doc = NULL;
  return in_json_parse(&l->opt, &l->alloc, &l->text, l->path, l->lineno, doc,
                       err);
}

const char *in_line_where(const in_line *l) { return l->where; }

size_t in_line_bytes(const in_line *l) { return l->text.len; }

void in_line_free(in_line *l) {
  if (!l) return;
  in_buf_free(&l->text);
  mem_free(&l->alloc, l->path, strlen(l->path) + 1);
  assay_allocator a = l->alloc;
  mem_free(&a, l, sizeof *l);
}

static int in_json_doc(in_reader *r, in_frame *f, assay_doc **out,
                       assay_error *err) {
  if (r->lines) { /* in_next_line: parsed by the caller, elsewhere */
    *out = NULL;
    return in_line_take(r, f, r->lines, err);
  }
  return in_json_parse(&r->opt, &r->alloc, &r->line, f->path, f->line, out,
                       err);
}

static int in_jsonl_next(in_reader *r, in_frame *f, assay_doc **out,
                         assay_error *err) {
  /* The text and the JSON around it: a line may be a little longer. */
  size_t max = in_max(&r->opt) + in_max(&r->opt) / 2 + 4096;
  for (;;) {
    int toolong, got = in_getline(r, f, max, &toolong);
    if (got < 0)
      return in_fail(err, ASSAY_ENOMEM, f->path, 0, 0, "out of memory");
    if (got == 0) {
      if (ferror(f->fp))
        return in_fail(err, ASSAY_EIO, f->path, 0, 0, "cannot read: %s",
                       strerror(errno));
      return ASSAY_STOP;
    }
    f->line++;
    if (toolong) {
      char where[300];
      snprintf(where, sizeof where, "%s:%zu", f->path, f->line);
      return in_fail(err, ASSAY_ELIMIT, where, (int)f->line, 0,
                     "line longer than the limit max_doc_bytes (%zu bytes)",
                     in_max(&r->opt));
    }
    if (!in_blank(r->line.p, r->line.len))
      return in_json_doc(r, f, out, err);
  }
}

/* stdin: JSON Lines when its first non-blank byte is '{', else one text
 * document "-". */
static int in_stdin(in_reader *r, assay_doc **out, assay_error *err) {
  in_buf b = {r->alloc, NULL, 0, 0};
  size_t lines = 0;
  int c;
  while ((c = getc(stdin)) != EOF && isspace(c)) {
    char ch = (char)c;
    if (c == '\n')
      lines++;
    if (in_buf_put(&b, &ch, 1)) {
      in_buf_free(&b);
      return in_fail(err, ASSAY_ENOMEM, "-", 0, 0, "out of memory");
    }
  }
  if (c == '{') {
    in_buf_free(&b);
    ungetc(c, stdin);
    return in_push_jsonl(r, "-", stdin, lines, err);
  }
  char ch = (char)c;
  int rc = c != EOF && in_buf_put(&b, &ch, 1)
               ? in_fail(err, ASSAY_ENOMEM, "-", 0, 0, "out of memory")
               : in_read_stream(stdin, &b, in_max(&r->opt), "-", err);
  if (rc == ASSAY_OK)
    rc = in_text_doc(&r->opt, "-", &b, NULL, out, err);
  in_buf_free(&b);
  return rc;
}

/* The manifest metadata for a file named directly on the command line,
 * from a manifest.yaml beside it (read once per folder). */
static json_t *in_sibling_meta(in_reader *r, const char *path) {
  const char *slash = strrchr(path, '/');
  const char *name = slash ? slash + 1 : path;
  char dir[4096];
  snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + 1 : 0, path);
  if (!r->mf_dir || strcmp(r->mf_dir, dir) != 0) {
    if (r->mf_dir)
      mem_free(&r->alloc, r->mf_dir, strlen(r->mf_dir) + 1);
    json_decref(r->mf);
    r->mf = NULL;
    r->mf_warning[0] = '\0';
    r->mf_dir = mem_strdup(&r->alloc, dir);
    assay_error e;
    if (in_manifest(&r->opt, dir, &r->mf, &e))
      snprintf(r->mf_warning, sizeof r->mf_warning,
               "%s: %s (its metadata is not used)", e.file, e.message);
  }
  return json_object_get(r->mf, name);
}

static int in_text_file(in_reader *r, const char *path, json_t *meta,
                        assay_doc **out, assay_error *err) {
  in_buf b = {r->alloc, NULL, 0, 0};
  int rc = in_read_file(path, in_max(&r->opt), &b, err);
  if (rc == ASSAY_OK)
    rc = in_text_doc(&r->opt, path, &b, meta, out, err);
  in_buf_free(&b);
  return rc;
}

/* The next input named on the command line. */
static int in_next_path(in_reader *r, assay_doc **out, assay_error *err) {
  const char *p = r->paths[r->next++];
  struct stat st;
  if (strcmp(p, "-") == 0)
    return in_stdin(r, out, err);
  if (stat(p, &st) != 0)
    return in_fail(err, ASSAY_EIO, p, 0, 0, "cannot read: %s", strerror(errno));
  if (S_ISDIR(st.st_mode))
    return in_push_dir(r, p, err);
  if (in_has_ext(p, ".jsonl"))
    return in_push_jsonl(r, p, NULL, 0, err);
  json_t *meta = in_sibling_meta(r, p);
  int rc = in_text_file(r, p, meta, out, err);
  if (rc == ASSAY_OK && r->mf_warning[0])
    assay_doc_add_warning(*out, r->mf_warning);
  return rc;
}

int in_next_line(in_reader *r, assay_doc **doc, in_line **line,
                 assay_error *err) {
  *line = NULL;
  r->lines = line;
  int rc = in_next(r, doc, err);
  r->lines = NULL;
  return rc;
}

int in_next(in_reader *r, assay_doc **doc, assay_error *err) {
  *doc = NULL;
  for (;;) {
    int rc;
    if (r->depth == 0) {
      if (r->next == r->npaths)
        return ASSAY_STOP;
      rc = in_next_path(r, doc, err);
      if (rc != ASSAY_OK || *doc)
        return rc;
      continue;
    }
    in_frame *f = &r->stack[r->depth - 1];
    if (f->type == FR_JSONL) {
      rc = in_jsonl_next(r, f, doc, err);
      if (rc == ASSAY_STOP) {
        in_pop(r);
        continue;
      }
      return rc;
    }
    if (f->i == f->n) {
      in_pop(r);
      continue;
    }
    in_entry *e = &f->ents[f->i++];
    if (e->kind == ENT_DIR)
      rc = in_push_dir(r, e->path, err);
    else if (e->kind == ENT_JSONL)
      rc = in_push_jsonl(r, e->path, NULL, 0, err);
    else
      return in_text_file(r, e->path,
                          json_object_get(f->manifest, e->path + e->name_at),
                          doc, err);
    if (rc != ASSAY_OK)
      return rc;
  }
}
