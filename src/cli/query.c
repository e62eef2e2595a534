/*
 * query.c -- `assay query FILE.db "SQL"`: runs SQL on a persistent store
 * (docs/store.md), read-only, and prints the rows as TSV or JSON Lines.
 */
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
    "usage: assay query [--json] FILE.db \"SQL\"\n"
    "\n"
    "Runs SQL statements on a store written by `assay extract --store`\n"
    "(schema and examples: docs/store.md), read-only, and prints the rows:\n"
    "tab-separated with a header line, or one JSON object per row.\n"
    "\n"
    "options:\n"
    "  --json    one JSON object per row (JSON Lines)\n"
    "\n"
    "exit status: 0 fine, 2 usage error, a bad database or bad SQL.\n";

/* A TSV field: tabs, newlines and backslashes escaped, so a row stays one
 * line. */
static void put_field(FILE *f, const char *s) {
  for (; s && *s; s++) {
    if (*s == '\t') fputs("\\t", f);
    else if (*s == '\n') fputs("\\n", f);
    else if (*s == '\r') fputs("\\r", f);
    else if (*s == '\\') fputs("\\\\", f);
    else fputc(*s, f);
  }
}

static json_t *column_json(sqlite3_stmt *st, int i) {
  switch (sqlite3_column_type(st, i)) {
  case SQLITE_INTEGER: return json_integer(sqlite3_column_int64(st, i));
  case SQLITE_FLOAT: return json_real(sqlite3_column_double(st, i));
  case SQLITE_NULL: return json_null();
  default: {
    const char *t = (const char *)sqlite3_column_text(st, i);
    json_t *j = json_stringn(t ? t : "", (size_t)sqlite3_column_bytes(st, i));
    return j ? j : json_string("(not UTF-8)");
  }
  }
}

/* Runs one prepared statement, printing its rows. */
static int run_stmt(sqlite3 *db, sqlite3_stmt *st, int as_json) {
  int ncol = sqlite3_column_count(st), rc;
  if (!as_json && ncol > 0) {
    for (int i = 0; i < ncol; i++) {
      if (i) fputc('\t', stdout);
      put_field(stdout, sqlite3_column_name(st, i));
    }
    fputc('\n', stdout);
  }
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (as_json) {
      json_t *row = json_object();
      for (int i = 0; i < ncol; i++)
        json_object_set_new(row, sqlite3_column_name(st, i), column_json(st, i));
      char *s = json_dumps(row, JSON_COMPACT | JSON_PRESERVE_ORDER);
      if (s) puts(s);
      free(s);
      json_decref(row);
      continue;
    }
    for (int i = 0; i < ncol; i++) {
      if (i) fputc('\t', stdout);
      put_field(stdout, (const char *)sqlite3_column_text(st, i));
    }
    fputc('\n', stdout);
  }
  if (rc != SQLITE_DONE) {
    cli_errorf("query: %s", sqlite3_errmsg(db));
    return -1;
  }
  return 0;
}

int cli_query(int argc, char **argv) {
  int as_json = 0;
  const char *path = NULL, *sql = NULL;
  for (int i = 1; i < argc; i++) {
    if (cli_is_help(argv[i])) {
      fputs(usage_text, stdout);
      return CLI_OK;
    }
    if (!strcmp(argv[i], "--json")) as_json = 1;
    else if (!path) path = argv[i];
    else if (!sql) sql = argv[i];
    else {
      cli_errorf("query: too many arguments (see assay query --help)");
      return CLI_USAGE;
    }
  }
  if (!path || !sql) {
    fputs(usage_text, stderr);
    return CLI_USAGE;
  }
  /* The library checks that this is a store of our schema version. */
  assay_db *check = NULL;
  assay_error err;
  if (assay_db_open(&check, path, ASSAY_DB_READONLY, NULL, &err) != ASSAY_OK) {
    cli_errorf("%s", err.message);
    return CLI_USAGE;
  }
  assay_db_close(check);
  sqlite3 *db = NULL;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    cli_errorf("%s: %s", path, sqlite3_errmsg(db));
    sqlite3_close(db);
    return CLI_USAGE;
  }
  sqlite3_busy_timeout(db, 30000);
  int status = CLI_OK;
  const char *tail = sql;
  while (status == CLI_OK && tail && *tail) {
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, tail, -1, &st, &tail) != SQLITE_OK) {
      cli_errorf("query: %s", sqlite3_errmsg(db));
      status = CLI_USAGE;
    } else if (st && run_stmt(db, st, as_json)) {
      status = CLI_USAGE;
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return status;
}
