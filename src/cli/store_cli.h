/*
 * store_cli.h -- `assay extract --store FILE.db` (store_cli.c): the
 * persistent store's part in the extract pipeline, and `assay query`.
 */
#ifndef ASSAY_STORE_CLI_H
#define ASSAY_STORE_CLI_H

#include "cli.h"

typedef struct cli_store cli_store;

/* Opens (creating) the store for a run of `rules`; prints the error and
 * returns NULL on failure. */
cli_store *cli_store_open(const char *path, const assay_rules *rules);
/* Reader side (one thread, before the job is processed): hashes the
 * document and, when the store holds it with the same content and pack,
 * loads its stored annotations and warnings into job->doc and marks the
 * job as stored.  A store that cannot be read turns the job into an error
 * (job->doc freed, job->error set). */
void cli_store_read(cli_store *s, cli_job *job);
/* Worker side: 1 when the job's document came from the store (no scan). */
int cli_store_cached(const cli_store *s, const cli_job *job);
/* Writer side (input order): saves an analysed document with its
 * annotations, in batches of transactions.  Returns 0, or -1 after
 * printing why it failed. */
int cli_store_write(cli_store *s, cli_job *job);
/* Commits and closes; prints "N analysed, M unchanged" unless quiet.
 * Returns 0, or -1 when the last commit failed.  NULL is a no-op. */
int cli_store_close(cli_store *s, int quiet);
#endif
