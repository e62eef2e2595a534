/*
 * store_cli.c -- `assay extract --store FILE.db`: skips documents the store
 * holds with the same content and pack (their stored record is written
 * instead), and saves the others with their annotations, in transactions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_cli.h"

/* Documents per transaction: big enough that commits cost little, small
 * enough that a killed run loses little work. */
enum { STORE_BATCH = 64, STORE_RING = 4096 };

/* What the reader learnt about a job, by seq % STORE_RING.  The pipeline
 * has at most 4 jobs per thread (at most 1024) in flight, so an entry is
 * not reused before its job is written, and the pipeline's mutex orders
 * the reader's write before the worker's and the writer's reads. */
typedef struct store_slot {
  size_t seq;
  int cached;
  char hash[65];
} store_slot;

struct cli_store {
  assay_db *db;
  const assay_rules *rules;
  char pack_hash[65];
  const char *path;
  size_t in_batch, analysed, unchanged;
  store_slot ring[STORE_RING];
};

cli_store *cli_store_open(const char *path, const assay_rules *rules) {
  cli_store *s = calloc(1, sizeof *s);
  if (!s) {
    cli_errorf("out of memory");
    return NULL;
  }
  assay_error err;
  if (assay_db_open(&s->db, path, 0, NULL, &err) != ASSAY_OK) {
    cli_errorf("%s", err.message);
    free(s);
    return NULL;
  }
  s->rules = rules;
  s->path = path;
  assay_rules_pack_hash(rules, s->pack_hash);
  return s;
}

void cli_store_read(cli_store *s, cli_job *job) {
  store_slot *sl = &s->ring[job->seq % STORE_RING];
  memset(sl, 0, sizeof *sl);
  sl->seq = job->seq;
  if (!job->doc || assay_db_doc_hash(job->doc, sl->hash) != ASSAY_OK) return;
  int cur = assay_db_is_current(s->db, job->id, sl->hash, s->pack_hash);
  if (cur == 1 && assay_db_load_annotations(s->db, job->doc) == ASSAY_OK) {
    sl->cached = 1;
    return;
  }
  if (cur != 0) { /* the store could not be read: say so in the record */
    job->error = strdup(assay_db_errmsg(s->db));
    assay_doc_free(job->doc);
    job->doc = NULL;
  }
}

int cli_store_cached(const cli_store *s, const cli_job *job) {
  const store_slot *sl = &s->ring[job->seq % STORE_RING];
  return sl->seq == job->seq && sl->cached;
}

int cli_store_write(cli_store *s, cli_job *job) {
  store_slot *sl = &s->ring[job->seq % STORE_RING];
  if (sl->seq != job->seq || !job->doc || job->failed) return 0;
  if (sl->cached) {
    s->unchanged++;
    return 0;
  }
  int rc = s->in_batch ? ASSAY_OK : assay_db_begin(s->db);
  if (rc == ASSAY_OK)
    rc = assay_db_put(s->db, job->doc, sl->hash[0] ? sl->hash : NULL,
                      assay_rules_pack(s->rules), s->pack_hash);
  if (rc == ASSAY_OK && ++s->in_batch >= STORE_BATCH) {
    s->in_batch = 0;
    rc = assay_db_commit(s->db);
  }
  if (rc != ASSAY_OK) {
    cli_errorf("%s: not stored: %s", job->id, assay_db_errmsg(s->db));
    return -1;
  }
  s->analysed++;
  return 0;
}

int cli_store_close(cli_store *s, int quiet) {
  if (!s) return 0;
  int rc = assay_db_commit(s->db);
  if (rc != ASSAY_OK) cli_errorf("%s", assay_db_errmsg(s->db));
  else if (!quiet)
    fprintf(stderr, "assay: %s: %zu analysed and stored, %zu unchanged\n",
            s->path, s->analysed, s->unchanged);
  assay_db_close(s->db);
  free(s);
  return rc == ASSAY_OK ? 0 : -1;
}
