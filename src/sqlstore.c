/*
 * sqlstore.c -- the persistent store: documents and their annotations in
 * SQLite (schema in docs/store.md), content and rule-pack hashes
 * (SHA-256) for incremental runs, FTS5 search, schema version checks.
 */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "doc.h"
#include "engine.h"
#include "mem.h"
#include "sqlstore.h"

/* ------------------------------------------------------------------ */
/* SHA-256                                                              */
/* ------------------------------------------------------------------ */

static const uint32_t sha_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha_block(sqls_sha256 *s, const unsigned char *p) {
  uint32_t w[64];
  for (int i = 0; i < 16; i++)
    w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
           (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
  for (int i = 16; i < 64; i++) {
    uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4],
           f = s->h[5], g = s->h[6], h = s->h[7];
  for (int i = 0; i < 64; i++) {
    uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) +
                  ((e & f) ^ (~e & g)) + sha_k[i] + w[i];
    uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
                  ((a & b) ^ (a & c) ^ (b & c));
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  s->h[0] += a;
  s->h[1] += b;
  s->h[2] += c;
  s->h[3] += d;
  s->h[4] += e;
  s->h[5] += f;
  s->h[6] += g;
  s->h[7] += h;
}

void sqls_sha256_init(sqls_sha256 *s) {
  static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372,
                                 0xa54ff53a, 0x510e527f, 0x9b05688c,
                                 0x1f83d9ab, 0x5be0cd19};
  memcpy(s->h, iv, sizeof iv);
  s->len = 0;
  s->nbuf = 0;
}

void sqls_sha256_update(sqls_sha256 *s, const void *data, size_t n) {
  const unsigned char *p = data;
  s->len += n;
  if (s->nbuf) {
    size_t take = 64 - s->nbuf < n ? 64 - s->nbuf : n;
    memcpy(s->buf + s->nbuf, p, take);
    s->nbuf += take;
    p += take;
    n -= take;
    if (s->nbuf < 64)
      return;
    sha_block(s, s->buf);
    s->nbuf = 0;
  }
  for (; n >= 64; p += 64, n -= 64)
    sha_block(s, p);
  memcpy(s->buf, p, n);
  s->nbuf = n;
}

void sqls_sha256_hex(sqls_sha256 *s, char hex[65]) {
  uint64_t bits = s->len * 8;
  unsigned char pad[72] = {0x80};
  size_t padn = (s->nbuf < 56 ? 56 : 120) - s->nbuf;
  for (int i = 0; i < 8; i++)
    pad[padn + (size_t)i] = (unsigned char)(bits >> (56 - 8 * i));
  sqls_sha256_update(s, pad, padn + 8);
  for (int i = 0; i < 8; i++)
    snprintf(hex + 8 * i, 9, "%08x", s->h[i]);
}

/* ------------------------------------------------------------------ */
/* The handle and the schema                                            */
/* ------------------------------------------------------------------ */

enum {
  Q_FIND,      /* num, hash, pack_hash by id */
  Q_INSERT,    /* a new document */
  Q_UPDATE,    /* a stored document, keeping its number (its order) */
  Q_DEL_ANNS,  /* the annotations of a document */
  Q_INS_ANN,   /* one annotation */
  Q_GET,       /* the row of a document by id */
  Q_ANNS,      /* the annotations of a document by number */
  Q_COUNT
};

static const char *const db_sql[Q_COUNT] = {
    "SELECT num, hash, pack_hash FROM docs WHERE id = ?1",
    "INSERT INTO docs(id, text, meta, hash, pack, pack_hash, warnings) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    "UPDATE docs SET text = ?2, meta = ?3, hash = ?4, pack = ?5, "
    "pack_hash = ?6, warnings = ?7, "
    "stored_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE num = ?1",
    "DELETE FROM annotations WHERE doc = ?1",
    "INSERT INTO annotations(doc, id, layer, start, end, text, rule, "
    "priority, norm, attrs, refs) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    "SELECT num, id, text, meta, warnings FROM docs WHERE id = ?1",
    "SELECT id, layer, start, end, rule, priority, attrs, refs "
    "FROM annotations WHERE doc = ?1 ORDER BY id",
};

struct assay_db {
  assay_allocator alloc;
  sqlite3 *db;
  sqlite3_stmt *q[Q_COUNT];
  int in_batch; /* inside assay_db_begin .. _commit */
  char last_pack_hash[72]; /* recorded in meta by this handle */
  char path[1024];
  char errmsg[1024];
};

/* The schema of version 1: docs/store.md explains each column. */
static const char db_schema[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
    "CREATE TABLE docs(\n"
    "  num INTEGER PRIMARY KEY,\n"
    "  id TEXT NOT NULL UNIQUE,\n"
    "  text TEXT NOT NULL,\n"
    "  meta TEXT NOT NULL DEFAULT '{}',\n"
    "  hash TEXT NOT NULL,\n"
    "  pack TEXT,\n"
    "  pack_hash TEXT,\n"
    "  warnings TEXT NOT NULL DEFAULT '[]',\n"
    "  stored_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', "
    "'now')));\n"
    "CREATE TABLE annotations(\n"
    "  doc INTEGER NOT NULL REFERENCES docs(num) ON DELETE CASCADE,\n"
    "  id INTEGER NOT NULL,\n"
    "  layer TEXT NOT NULL,\n"
    "  start INTEGER NOT NULL,\n"
    "  end INTEGER NOT NULL,\n"
    "  text TEXT NOT NULL,\n"
    "  rule TEXT,\n"
    "  priority INTEGER NOT NULL DEFAULT 0,\n"
    "  norm TEXT,\n"
    "  attrs TEXT NOT NULL DEFAULT '{}',\n"
    "  refs TEXT,\n"
    "  PRIMARY KEY (doc, id)) WITHOUT ROWID;\n"
    "CREATE INDEX annotations_layer ON annotations(layer, norm);\n"
    "CREATE VIEW ann AS SELECT d.id AS doc_id, a.* FROM annotations a\n"
    "  JOIN docs d ON d.num = a.doc;\n"
    "CREATE VIRTUAL TABLE docs_fts USING fts5(text, content='docs', "
    "content_rowid='num');\n"
    "CREATE TRIGGER docs_ai AFTER INSERT ON docs BEGIN\n"
    "  INSERT INTO docs_fts(rowid, text) VALUES (new.num, new.text); END;\n"
    "CREATE TRIGGER docs_ad AFTER DELETE ON docs BEGIN\n"
    "  INSERT INTO docs_fts(docs_fts, rowid, text)\n"
    "    VALUES ('delete', old.num, old.text); END;\n"
    "CREATE TRIGGER docs_au AFTER UPDATE OF text ON docs BEGIN\n"
    "  INSERT INTO docs_fts(docs_fts, rowid, text)\n"
    "    VALUES ('delete', old.num, old.text);\n"
    "  INSERT INTO docs_fts(rowid, text) VALUES (new.num, new.text); END;\n";

static int db_err(assay_db *db, int status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(db->errmsg, sizeof db->errmsg, fmt, ap);
  va_end(ap);
  return status;
}

/* An SQLite failure as a status, with SQLite's message. */
static int db_sqlerr(assay_db *db, const char *what) {
  int code = sqlite3_errcode(db->db);
  int st = code == SQLITE_NOMEM ? ASSAY_ENOMEM : ASSAY_EIO;
  return db_err(db, st, "%s: %s: %s", db->path, what, sqlite3_errmsg(db->db));
}

static int db_exec(assay_db *db, const char *sql) {
  char *msg = NULL;
  if (sqlite3_exec(db->db, sql, NULL, NULL, &msg) == SQLITE_OK)
    return ASSAY_OK;
  int st = db_err(db, ASSAY_EIO, "%s: %s", db->path, msg ? msg : "error");
  sqlite3_free(msg);
  return st;
}

/* Reads meta.schema_version: the version, DB_EMPTY when the database has
 * no tables, DB_FOREIGN when it has tables but is not an assay store. */
enum { DB_EMPTY = -2, DB_FOREIGN = -1 };
static int db_schema_version(assay_db *db, long *version) {
  sqlite3_stmt *st = NULL;
  *version = DB_EMPTY;
  int rc = sqlite3_prepare_v2(
      db->db, "SELECT count(*), sum(name = 'meta') FROM sqlite_master", -1,
      &st, NULL);
  if (rc != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_finalize(st);
    return db_sqlerr(db, "not an SQLite database");
  }
  int ntables = sqlite3_column_int(st, 0), has_meta = sqlite3_column_int(st, 1);
  sqlite3_finalize(st);
  if (ntables == 0)
    return ASSAY_OK;
  if (!has_meta) {
    *version = DB_FOREIGN;
    return ASSAY_OK;
  }
  rc = sqlite3_prepare_v2(
      db->db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st,
      NULL);
  if (rc != SQLITE_OK)
    return db_sqlerr(db, "reading the schema version");
  *version = DB_FOREIGN;
  if (sqlite3_step(st) == SQLITE_ROW)
    *version = strtol((const char *)sqlite3_column_text(st, 0), NULL, 10);
  sqlite3_finalize(st);
  return ASSAY_OK;
}

static int db_check_schema(assay_db *db, int readonly) {
  long v;
  int rc = db_schema_version(db, &v);
  if (rc != ASSAY_OK)
    return rc;
  if (v == ASSAY_DB_SCHEMA)
    return ASSAY_OK;
  if (v == DB_FOREIGN)
    return db_err(db, ASSAY_ESCHEMA,
                  "%s: not an assay store (no schema version in its meta "
                  "table)", db->path);
  if (v > ASSAY_DB_SCHEMA)
    return db_err(db, ASSAY_ESCHEMA,
                  "%s: schema version %ld is newer than this assay reads "
                  "(%d); use a newer assay", db->path, v, ASSAY_DB_SCHEMA);
  if (v != DB_EMPTY)
    return db_err(db, ASSAY_ESCHEMA,
                  "%s: schema version %ld is older than this assay reads "
                  "(%d); store the corpus again into a new database",
                  db->path, v, ASSAY_DB_SCHEMA);
  if (readonly)
    return db_err(db, ASSAY_ENOTFOUND, "%s: an empty database, no store",
                  db->path);
  /* An empty database: create the schema.  BEGIN IMMEDIATE so two writers
   * starting at once do not both create it. */
  if ((rc = db_exec(db, "BEGIN IMMEDIATE")) != ASSAY_OK)
    return rc;
  if ((rc = db_schema_version(db, &v)) == ASSAY_OK && v == DB_EMPTY) {
    char ins[256];
    snprintf(ins, sizeof ins,
             "INSERT INTO meta VALUES ('schema_version', '%d'), "
             "('created_by', 'assay %s');",
             ASSAY_DB_SCHEMA, assay_version());
    if ((rc = db_exec(db, db_schema)) == ASSAY_OK)
      rc = db_exec(db, ins);
  }
  if (rc != ASSAY_OK) {
    sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
  }
  return db_exec(db, "COMMIT");
}

int assay_db_open(assay_db **out, const char *path, unsigned flags,
                  const assay_allocator *alloc, assay_error *err) {
  if (out)
    *out = NULL;
  if (err)
    memset(err, 0, sizeof *err);
  if (!out || !path) {
    if (err) {
      err->status = ASSAY_EMISUSE;
      snprintf(err->message, sizeof err->message, "db open: NULL argument");
    }
    return ASSAY_EMISUSE;
  }
  assay_allocator a = mem_resolve(alloc);
  assay_db *db = mem_calloc(&a, 1, sizeof *db);
  if (!db) {
    if (err) {
      err->status = ASSAY_ENOMEM;
      snprintf(err->message, sizeof err->message, "out of memory");
    }
    return ASSAY_ENOMEM;
  }
  db->alloc = a;
  snprintf(db->path, sizeof db->path, "%s", path);
  int readonly = (flags & ASSAY_DB_READONLY) != 0;
  int oflags = readonly ? SQLITE_OPEN_READONLY
                        : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  int rc = ASSAY_OK;
  struct stat sb;
  if (readonly && stat(path, &sb) != 0) {
    rc = db_err(db, ASSAY_ENOTFOUND, "%s: %s", path, strerror(errno));
    goto fail;
  }
  if (sqlite3_open_v2(path, &db->db, oflags | SQLITE_OPEN_NOMUTEX, NULL) !=
      SQLITE_OK) {
    rc = db_sqlerr(db, "cannot open");
    goto fail;
  }
  sqlite3_busy_timeout(db->db, 30000);
  sqlite3_extended_result_codes(db->db, 0);
  /* WAL: readers see the last commit while a writer writes; NORMAL sync
   * keeps the database consistent after a crash (a power cut may lose the
   * last transactions, never corrupt). */
  if (!readonly && (rc = db_exec(db, "PRAGMA journal_mode = WAL;"
                                     "PRAGMA synchronous = NORMAL;")) !=
                       ASSAY_OK)
    goto fail;
  if ((rc = db_exec(db, "PRAGMA foreign_keys = ON;")) != ASSAY_OK)
    goto fail;
  if ((rc = db_check_schema(db, readonly)) != ASSAY_OK)
    goto fail;
  for (int i = 0; i < Q_COUNT; i++)
    if (sqlite3_prepare_v3(db->db, db_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                           &db->q[i], NULL) != SQLITE_OK) {
      rc = db_sqlerr(db, "preparing a statement");
      goto fail;
    }
  *out = db;
  return ASSAY_OK;
fail:
  if (err) {
    err->status = rc;
    snprintf(err->file, sizeof err->file, "%s", path);
    snprintf(err->message, sizeof err->message, "%.700s", db->errmsg);
  }
  assay_db_close(db);
  return rc;
}

void assay_db_close(assay_db *db) {
  if (!db)
    return;
  if (db->in_batch)
    sqlite3_exec(db->db, "COMMIT", NULL, NULL, NULL);
  for (int i = 0; i < Q_COUNT; i++)
    sqlite3_finalize(db->q[i]);
  sqlite3_close(db->db);
  assay_allocator a = db->alloc;
  mem_free(&a, db, sizeof *db);
}

const char *assay_db_errmsg(const assay_db *db) {
  return db ? db->errmsg : "no database";
}

int assay_db_begin(assay_db *db) {
  if (db->in_batch)
    return ASSAY_OK;
  /* IMMEDIATE: take the write lock now, so a busy database waits here
   * (busy timeout) instead of failing in the middle of the batch. */
  int rc = db_exec(db, "BEGIN IMMEDIATE");
  if (rc == ASSAY_OK)
    db->in_batch = 1;
  return rc;
}

int assay_db_commit(assay_db *db) {
  if (!db->in_batch)
    return ASSAY_OK;
  db->in_batch = 0;
  return db_exec(db, "COMMIT");
}

int assay_db_rollback(assay_db *db) {
  if (!db->in_batch)
    return ASSAY_OK;
  db->in_batch = 0;
  return db_exec(db, "ROLLBACK");
}

/* ------------------------------------------------------------------ */
/* Hashes                                                               */
/* ------------------------------------------------------------------ */

int assay_db_doc_hash(const assay_doc *doc, char hex[65]) {
  sqls_sha256 s;
  sqls_sha256_init(&s);
  sqls_sha256_update(&s, doc->text, doc->len);
  sqls_sha256_update(&s, "", 1);
  char *meta = doc->meta ? json_dumps(doc->meta, JSON_COMPACT | JSON_SORT_KEYS)
                         : NULL;
  if (doc->meta && !meta)
    return ASSAY_ENOMEM;
  if (meta)
    sqls_sha256_update(&s, meta, strlen(meta));
  free(meta);
  sqls_sha256_hex(&s, hex);
  return ASSAY_OK;
}

static int pack_file_wanted(const char *name) {
  const char *dot = strrchr(name, '.');
  return dot && (!strcmp(dot, ".lua") || !strcmp(dot, ".yaml") ||
                 !strcmp(dot, ".yml") || !strcmp(dot, ".json"));
}

/* Hashes the name and content of every pack file under dir, in name
 * order, down to a few levels (a pack folder, its lexicons, their parts). */
static void pack_hash_dir(sqls_sha256 *s, const char *dir, const char *rel,
                          int depth) {
  struct dirent **names = NULL;
  int n = scandir(dir, &names, NULL, alphasort);
  for (int i = 0; i < n; i++) {
    const char *nm = names[i]->d_name;
    char path[4096], sub[1024];
    struct stat sb;
    snprintf(path, sizeof path, "%s/%s", dir, nm);
    snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", nm);
    if (nm[0] != '.' && stat(path, &sb) == 0) {
      if (S_ISDIR(sb.st_mode) && depth > 0) {
        pack_hash_dir(s, path, sub, depth - 1);
      } else if (S_ISREG(sb.st_mode) && pack_file_wanted(nm)) {
        FILE *f = fopen(path, "rb");
        if (f) {
          char buf[65536];
          size_t got;
          sqls_sha256_update(s, sub, strlen(sub) + 1);
          while ((got = fread(buf, 1, sizeof buf, f)) > 0)
            sqls_sha256_update(s, buf, got);
          fclose(f);
        }
      }
    }
    free(names[i]);
  }
  free(names);
}

int assay_rules_pack_hash(const assay_rules *rules, char hex[65]) {
  if (!rules || !hex)
    return ASSAY_EMISUSE;
  sqls_sha256 s;
  sqls_sha256_init(&s);
  const char *label = assay_rules_pack(rules);
  sqls_sha256_update(&s, label ? label : "", label ? strlen(label) + 1 : 1);
  if (rules->source)
    sqls_sha256_update(&s, rules->source, strlen(rules->source) + 1);
  if (rules->path) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", rules->path);
    char *slash = strrchr(dir, '/');
    if (slash)
      *slash = '\0';
    else
      snprintf(dir, sizeof dir, ".");
    pack_hash_dir(&s, dir, "", 3);
  }
  sqls_sha256_hex(&s, hex);
  return ASSAY_OK;
}

/* ------------------------------------------------------------------ */
/* Writing                                                              */
/* ------------------------------------------------------------------ */

static int bind_text(sqlite3_stmt *st, int i, const char *s, size_t n) {
  return s ? sqlite3_bind_text(st, i, s, (int)n, SQLITE_TRANSIENT)
           : sqlite3_bind_null(st, i);
}

static int bind_json(sqlite3_stmt *st, int i, json_t *j) {
  char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
  if (!s)
    return SQLITE_NOMEM;
  int rc = sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
  free(s);
  return rc;
}

/* Runs a write statement to its end and resets it. */
static int step_done(sqlite3_stmt *st) {
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int put_annotation(assay_db *db, sqlite3_int64 num,
                          const assay_doc *doc, const assay_annotation *a) {
  sqlite3_stmt *st = db->q[Q_INS_ANN];
  json_t *attrs = json_object();
  char refs[512] = "";
  size_t nrefs = 0;
  const char *norm = NULL;
  size_t norm_len = 0;
  int bad = !attrs;
  for (uint32_t i = 0; i < a->nattrs && !bad; i++) {
    const doc_attr *at = &a->attrs[i];
    bad = json_object_set_new(attrs, at->key, doc_value_json(doc, &at->v));
    if (at->v.type == ASSAY_VALUE_REF) {
      int w = snprintf(refs + nrefs, sizeof refs - nrefs, "%s%s",
                       nrefs ? "," : "", at->key);
      if (w > 0 && (size_t)w < sizeof refs - nrefs)
        nrefs += (size_t)w;
    }
    if (!strcmp(at->key, "norm") && at->v.type == ASSAY_VALUE_STRING) {
      norm = at->v.str;
      norm_len = at->v.len;
    }
  }
  int rc = bad ? SQLITE_NOMEM : SQLITE_OK;
  if (rc == SQLITE_OK) {
    sqlite3_bind_int64(st, 1, num);
    sqlite3_bind_int64(st, 2, a->id);
    sqlite3_bind_text(st, 3, doc->layers[a->layer].name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, a->start);
    sqlite3_bind_int64(st, 5, a->end);
    bind_text(st, 6, doc->text + a->start, a->end - a->start);
    bind_text(st, 7, a->rule, a->rule ? strlen(a->rule) : 0);
    sqlite3_bind_int(st, 8, a->priority);
    bind_text(st, 9, norm, norm_len);
    rc = bind_json(st, 10, attrs);
    bind_text(st, 11, nrefs ? refs : NULL, nrefs);
  }
  json_decref(attrs);
  if (rc == SQLITE_OK)
    rc = step_done(st);
  else {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
  }
  return rc;
}

/* The document's row number, or 0 when it is not stored (-1 on error). */
static sqlite3_int64 find_doc(assay_db *db, const char *id, char *hash,
                              char *pack_hash) {
  sqlite3_stmt *st = db->q[Q_FIND];
  sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  sqlite3_int64 num = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0)
                                       : rc == SQLITE_DONE ? 0 : -1;
  if (rc == SQLITE_ROW) {
    const char *h = (const char *)sqlite3_column_text(st, 1);
    const char *p = (const char *)sqlite3_column_text(st, 2);
    if (hash)
      snprintf(hash, 65, "%s", h ? h : "");
    if (pack_hash)
      snprintf(pack_hash, 65, "%s", p ? p : "");
  }
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return num;
}

static int put_doc(assay_db *db, const assay_doc *doc, const char *hash,
                   const char *pack, const char *pack_hash) {
  char hbuf[65];
  if (!hash) {
    if (assay_db_doc_hash(doc, hbuf) != ASSAY_OK)
      return db_err(db, ASSAY_ENOMEM, "out of memory");
    hash = hbuf;
  }
  sqlite3_int64 num = find_doc(db, doc->id, NULL, NULL);
  if (num < 0)
    return db_sqlerr(db, "finding a document");
  sqlite3_stmt *st = db->q[num ? Q_UPDATE : Q_INSERT];
  json_t *warn = json_array();
  for (size_t i = 0; warn && i < doc->nwarnings; i++)
    if (json_array_append_new(warn, doc_json_string(doc->warnings[i],
                                               strlen(doc->warnings[i])))) {
      json_decref(warn);
      warn = NULL;
    }
  if (num)
    sqlite3_bind_int64(st, 1, num);
  else
    sqlite3_bind_text(st, 1, doc->id, -1, SQLITE_STATIC);
  /* The text as stored bytes: SQLite keeps what it is given, valid UTF-8
   * or not, so offsets stay right. */
  sqlite3_bind_text(st, 2, doc->text, (int)doc->len, SQLITE_STATIC);
  int rc = doc->meta ? bind_json(st, 3, doc->meta)
                     : sqlite3_bind_text(st, 3, "{}", -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, hash, -1, SQLITE_TRANSIENT);
  bind_text(st, 5, pack, pack ? strlen(pack) : 0);
  bind_text(st, 6, pack_hash, pack_hash ? strlen(pack_hash) : 0);
  if (rc == SQLITE_OK)
    rc = warn ? bind_json(st, 7, warn) : SQLITE_NOMEM;
  json_decref(warn);
  if (rc == SQLITE_OK)
    rc = step_done(st);
  else {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
  }
  if (rc != SQLITE_OK)
    return db_sqlerr(db, "storing a document");
  if (!num)
    num = sqlite3_last_insert_rowid(db->db);
  sqlite3_bind_int64(db->q[Q_DEL_ANNS], 1, num);
  if (step_done(db->q[Q_DEL_ANNS]) != SQLITE_OK)
    return db_sqlerr(db, "replacing annotations");
  for (size_t i = 0; i < doc->nanns; i++) {
    const assay_annotation *a = doc->anns[i];
    if (a->dead)
      continue;
    if (put_annotation(db, num, doc, a) != SQLITE_OK)
      return db_sqlerr(db, "storing an annotation");
  }
  return ASSAY_OK;
}

int assay_db_put(assay_db *db, const assay_doc *doc, const char *hash,
                 const char *pack, const char *pack_hash) {
  if (!db || !doc)
    return ASSAY_EMISUSE;
  int own = !db->in_batch;
  int rc = own ? assay_db_begin(db) : ASSAY_OK;
  if (rc != ASSAY_OK)
    return rc;
  if (!db->in_batch) /* a batch that ended with an error */
    return db_err(db, ASSAY_EMISUSE, "no transaction");
  /* The meta table says which pack wrote last; once per pack and handle. */
  if (pack && pack_hash && strcmp(db->last_pack_hash, pack_hash)) {
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db->db,
                           "INSERT OR REPLACE INTO meta VALUES ('pack', ?1),"
                           " ('pack_hash', ?2)",
                           -1, &st, NULL) != SQLITE_OK)
      rc = db_sqlerr(db, "recording the pack");
    else {
      sqlite3_bind_text(st, 1, pack, -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 2, pack_hash, -1, SQLITE_STATIC);
      if (sqlite3_step(st) != SQLITE_DONE)
        rc = db_sqlerr(db, "recording the pack");
      else
        snprintf(db->last_pack_hash, sizeof db->last_pack_hash, "%s",
                 pack_hash);
    }
    sqlite3_finalize(st);
  }
  /* A savepoint per document: inside a caller's batch, a document that
   * fails half way leaves nothing of itself behind. */
  if (rc == ASSAY_OK && (rc = db_exec(db, "SAVEPOINT assay_put")) == ASSAY_OK) {
    rc = put_doc(db, doc, hash, pack, pack_hash);
    if (rc != ASSAY_OK)
      sqlite3_exec(db->db, "ROLLBACK TO assay_put", NULL, NULL, NULL);
    sqlite3_exec(db->db, "RELEASE assay_put", NULL, NULL, NULL);
  }
  if (own)
    return rc == ASSAY_OK ? assay_db_commit(db) : (assay_db_rollback(db), rc);
  return rc;
}

int assay_db_is_current(assay_db *db, const char *id, const char *hash,
                        const char *pack_hash) {
  if (!db || !id || !hash || !pack_hash)
    return ASSAY_EMISUSE;
  char h[65] = "", p[65] = "";
  sqlite3_int64 num = find_doc(db, id, h, p);
  if (num < 0)
    return db_sqlerr(db, "finding a document");
  return num > 0 && !strcmp(h, hash) && !strcmp(p, pack_hash);
}

int assay_db_remove(assay_db *db, const char *id) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db->db, "DELETE FROM docs WHERE id = ?1", -1, &st,
                         NULL) != SQLITE_OK)
    return db_sqlerr(db, "removing a document");
  sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE)
    return db_sqlerr(db, "removing a document");
  return sqlite3_changes(db->db) ? ASSAY_OK
                                 : db_err(db, ASSAY_ENOTFOUND,
                                          "%s: no document '%s'", db->path, id);
}

long long assay_db_count(assay_db *db) {
  sqlite3_stmt *st = NULL;
  long long n = -1;
  if (sqlite3_prepare_v2(db->db, "SELECT count(*) FROM docs", -1, &st,
                         NULL) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n < 0 ? db_sqlerr(db, "counting documents") : n;
}

/* ------------------------------------------------------------------ */
/* Reading                                                              */
/* ------------------------------------------------------------------ */

static int key_in_list(const char *list, const char *key) {
  size_t n = strlen(key);
  for (const char *p = list; p && *p;) {
    const char *c = strchr(p, ',');
    size_t len = c ? (size_t)(c - p) : strlen(p);
    if (len == n && !strncmp(p, key, n))
      return 1;
    p = c ? c + 1 : NULL;
  }
  return 0;
}

/* Sets the attributes stored as JSON on a: the reverse of db_value. */
static int load_attrs(assay_annotation *a, const char *json,
                      const char *refs) {
  json_error_t je;
  json_t *o = json_loads(json, 0, &je);
  if (!json_is_object(o)) {
    json_decref(o);
    return ASSAY_ESYNTAX;
  }
  const char *key;
  json_t *val;
  int rc = ASSAY_OK;
  json_object_foreach(o, key, val) {
    assay_value v;
    memset(&v, 0, sizeof v);
    if (json_is_string(val)) {
      v.type = ASSAY_VALUE_STRING;
      v.str = json_string_value(val);
      v.len = json_string_length(val);
    } else if (json_is_integer(val) && key_in_list(refs, key)) {
      v.type = ASSAY_VALUE_REF;
      v.ref = (uint32_t)json_integer_value(val);
    } else if (json_is_number(val)) {
      v.type = ASSAY_VALUE_NUMBER;
      v.num = json_number_value(val);
    } else if (json_is_boolean(val)) {
      v.type = ASSAY_VALUE_BOOL;
      v.num = json_is_true(val);
    } else if (json_is_object(val)) {
      json_t *s = json_object_get(val, "start"), *e = json_object_get(val, "end");
      json_t *t = json_object_get(val, "text");
      v.type = ASSAY_VALUE_SPAN;
      v.start = json_is_integer(s) ? (uint32_t)json_integer_value(s) : UINT32_MAX;
      v.end = json_is_integer(e) ? (uint32_t)json_integer_value(e) : UINT32_MAX;
      if (json_is_string(t)) {
        v.str = json_string_value(t);
        v.len = json_string_length(t);
      }
      const char *k2;
      json_t *v2;
      json_object_foreach(val, k2, v2) {
        if (strcmp(k2, "start") && strcmp(k2, "end") && strcmp(k2, "text") &&
            json_is_integer(v2))
          v.ref = (uint32_t)json_integer_value(v2);
      }
    } else {
      v.type = ASSAY_VALUE_NULL;
    }
    if ((rc = assay_annotation_set(a, key, &v)) != ASSAY_OK)
      break;
  }
  json_decref(o);
  return rc;
}

/* Adds the stored annotations of document number num to doc, under their
 * stored ids: the ids of annotations that were dropped (dead) before
 * storing are filled with dead placeholders, so references between
 * annotations and the ids in the records stay the same. */
static int load_anns(assay_db *db, sqlite3_int64 num, assay_doc *doc) {
  sqlite3_stmt *st = db->q[Q_ANNS];
  sqlite3_bind_int64(st, 1, num);
  int rc = ASSAY_OK, step;
  uint32_t base = (uint32_t)doc->nanns;
  while (rc == ASSAY_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
    uint32_t id = (uint32_t)sqlite3_column_int64(st, 0) + base;
    const char *layer = (const char *)sqlite3_column_text(st, 1);
    uint32_t start = (uint32_t)sqlite3_column_int64(st, 2);
    uint32_t end = (uint32_t)sqlite3_column_int64(st, 3);
    const char *rule = (const char *)sqlite3_column_text(st, 4);
    int prio = sqlite3_column_int(st, 5);
    const char *attrs = (const char *)sqlite3_column_text(st, 6);
    const char *refs = (const char *)sqlite3_column_text(st, 7);
    assay_annotation *a = NULL;
    while (rc == ASSAY_OK && doc->nanns + 1 < id) {
      rc = assay_doc_annotate(doc, layer ? layer : "?", start, end, NULL, 0,
                              &a);
      if (a)
        a->dead = 1;
    }
    if (rc == ASSAY_OK)
      rc = assay_doc_annotate(doc, layer ? layer : "?", start, end, rule, prio,
                              &a);
    if (rc == ASSAY_OK && attrs)
      rc = load_attrs(a, attrs, refs);
    if (rc != ASSAY_OK)
      db_err(db, rc, "%s: document '%s', annotation %u: %s", db->path,
             doc->id, id - base,
             rc == ASSAY_ESYNTAX ? "bad attributes" : assay_doc_errmsg(doc));
  }
  if (rc == ASSAY_OK && step != SQLITE_DONE)
    rc = db_sqlerr(db, "reading annotations");
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return rc;
}

static int load_warnings(assay_doc *doc, const char *json) {
  json_t *w = json ? json_loads(json, 0, NULL) : NULL;
  doc->nwarnings = 0; /* the strings stay in the arena, freed with it */
  size_t i;
  json_t *s;
  int rc = ASSAY_OK;
  json_array_foreach(w, i, s) {
    if (json_is_string(s) && rc == ASSAY_OK)
      rc = assay_doc_add_warning(doc, json_string_value(s));
  }
  json_decref(w);
  return rc;
}

/* Loads the row of Q_GET (stepped to a row) into a new document. */
static int row_to_doc(assay_db *db, sqlite3_stmt *st, assay_doc **out) {
  const char *id = (const char *)sqlite3_column_text(st, 1);
  const char *text = (const char *)sqlite3_column_blob(st, 2);
  size_t len = (size_t)sqlite3_column_bytes(st, 2);
  assay_error err;
  int rc = assay_doc_new(out, id ? id : "", text ? text : "", len, &db->alloc,
                         &err);
  if (rc != ASSAY_OK)
    return db_err(db, rc, "%s: %s", db->path, err.message);
  const char *meta = (const char *)sqlite3_column_text(st, 3);
  if (meta && assay_doc_set_meta_json(*out, meta) != ASSAY_OK)
    rc = db_err(db, ASSAY_ESYNTAX, "%s: document '%s': bad meta JSON",
                db->path, id);
  if (rc == ASSAY_OK)
    rc = load_warnings(*out, (const char *)sqlite3_column_text(st, 4));
  return rc;
}

int assay_db_get(assay_db *db, const char *id, assay_doc **out) {
  *out = NULL;
  sqlite3_stmt *st = db->q[Q_GET];
  sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
  int step = sqlite3_step(st), rc;
  if (step == SQLITE_ROW) {
    sqlite3_int64 num = sqlite3_column_int64(st, 0);
    rc = row_to_doc(db, st, out);
    sqlite3_reset(st);
    if (rc == ASSAY_OK)
      rc = load_anns(db, num, *out);
  } else {
    rc = step == SQLITE_DONE
             ? db_err(db, ASSAY_ENOTFOUND, "%s: no document '%s'", db->path, id)
             : db_sqlerr(db, "reading a document");
    sqlite3_reset(st);
  }
  sqlite3_clear_bindings(st);
  if (rc != ASSAY_OK) {
    assay_doc_free(*out);
    *out = NULL;
  }
  return rc;
}

int assay_db_load_annotations(assay_db *db, assay_doc *doc) {
  sqlite3_stmt *st = db->q[Q_GET];
  sqlite3_bind_text(st, 1, doc->id, -1, SQLITE_STATIC);
  int step = sqlite3_step(st), rc = ASSAY_OK;
  sqlite3_int64 num = 0;
  if (step == SQLITE_ROW) {
    num = sqlite3_column_int64(st, 0);
    /* The stored metadata is the one after the scan, which rules may set. */
    const char *meta = (const char *)sqlite3_column_text(st, 3);
    if (meta && assay_doc_set_meta_json(doc, meta) != ASSAY_OK)
      rc = db_err(db, ASSAY_ESYNTAX, "%s: document '%s': bad meta JSON",
                  db->path, doc->id);
    if (rc == ASSAY_OK)
      rc = load_warnings(doc, (const char *)sqlite3_column_text(st, 4));
  } else if (step == SQLITE_DONE) {
    rc = db_err(db, ASSAY_ENOTFOUND, "%s: no document '%s'", db->path, doc->id);
  } else {
    rc = db_sqlerr(db, "reading a document");
  }
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return rc == ASSAY_OK ? load_anns(db, num, doc) : rc;
}

int assay_db_each_id(assay_db *db, int (*fn)(void *ud, const char *id),
                     void *ud) {
  /* Ids first, then the calls: fn may use the handle, even write. */
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db->db, "SELECT id FROM docs ORDER BY num", -1, &st,
                         NULL) != SQLITE_OK)
    return db_sqlerr(db, "listing documents");
  json_t *ids = json_array();
  int step = SQLITE_DONE, bad = !ids;
  while (!bad && (step = sqlite3_step(st)) == SQLITE_ROW)
    bad = json_array_append_new(
        ids, json_string((const char *)sqlite3_column_text(st, 0)));
  sqlite3_finalize(st);
  if (bad) {
    json_decref(ids);
    return db_err(db, ASSAY_ENOMEM, "out of memory");
  }
  if (step != SQLITE_DONE) {
    json_decref(ids);
    return db_sqlerr(db, "listing documents");
  }
  int rc = ASSAY_OK;
  for (size_t i = 0; rc == ASSAY_OK && i < json_array_size(ids); i++)
    rc = fn(ud, json_string_value(json_array_get(ids, i)));
  json_decref(ids);
  return rc == ASSAY_STOP ? ASSAY_OK : rc;
}

typedef struct each_ctx {
  assay_db *db;
  int (*fn)(void *ud, assay_doc *doc);
  void *ud;
} each_ctx;

static int each_one(void *ud, const char *id) {
  each_ctx *c = ud;
  assay_doc *doc;
  int rc = assay_db_get(c->db, id, &doc);
  if (rc == ASSAY_ENOTFOUND) /* removed meanwhile */
    return ASSAY_OK;
  if (rc != ASSAY_OK)
    return rc;
  rc = c->fn(c->ud, doc);
  assay_doc_free(doc);
  return rc;
}

int assay_db_each(assay_db *db, int (*fn)(void *ud, assay_doc *doc),
                  void *ud) {
  each_ctx c = {db, fn, ud};
  return assay_db_each_id(db, each_one, &c);
}

int assay_db_search(assay_db *db, const char *query,
                    int (*fn)(void *ud, const char *id), void *ud) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db->db,
                         "SELECT d.id FROM docs_fts f JOIN docs d ON d.num = "
                         "f.rowid WHERE docs_fts MATCH ?1 ORDER BY f.rank, "
                         "d.num",
                         -1, &st, NULL) != SQLITE_OK)
    return db_sqlerr(db, "search");
  sqlite3_bind_text(st, 1, query, -1, SQLITE_STATIC);
  int step, rc = ASSAY_OK;
  while (rc == ASSAY_OK && (step = sqlite3_step(st)) == SQLITE_ROW)
    rc = fn(ud, (const char *)sqlite3_column_text(st, 0));
  if (rc == ASSAY_OK && step != SQLITE_DONE)
    rc = db_err(db, ASSAY_ESYNTAX, "%s: search '%s': %s", db->path, query,
                sqlite3_errmsg(db->db));
  sqlite3_finalize(st);
  return rc == ASSAY_STOP ? ASSAY_OK : rc;
}

int assay_db_annotations(assay_db *db, const char *layer, const char *norm,
                         int (*fn)(void *ud, const assay_db_annotation *a),
                         void *ud) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(
          db->db,
          "SELECT d.id, a.id, a.layer, a.start, a.end, a.text, a.rule, "
          "a.attrs FROM annotations a JOIN docs d ON d.num = a.doc "
          "WHERE (?1 IS NULL OR a.layer = ?1) AND (?2 IS NULL OR a.norm = ?2) "
          "ORDER BY a.doc, a.start, a.end DESC, a.id",
          -1, &st, NULL) != SQLITE_OK)
    return db_sqlerr(db, "annotations");
  if (layer)
    sqlite3_bind_text(st, 1, layer, -1, SQLITE_STATIC);
  if (norm)
    sqlite3_bind_text(st, 2, norm, -1, SQLITE_STATIC);
  int step, rc = ASSAY_OK;
  while (rc == ASSAY_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
    assay_db_annotation a = {
        (const char *)sqlite3_column_text(st, 0),
        (uint32_t)sqlite3_column_int64(st, 1),
        (const char *)sqlite3_column_text(st, 2),
        (uint32_t)sqlite3_column_int64(st, 3),
        (uint32_t)sqlite3_column_int64(st, 4),
        (const char *)sqlite3_column_text(st, 5),
        (const char *)sqlite3_column_text(st, 6),
        (const char *)sqlite3_column_text(st, 7)};
    rc = fn(ud, &a);
  }
  if (rc == ASSAY_OK && step != SQLITE_DONE)
    rc = db_sqlerr(db, "annotations");
  sqlite3_finalize(st);
  return rc == ASSAY_STOP ? ASSAY_OK : rc;
}
