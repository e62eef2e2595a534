/*
 * cli.h -- what the subcommands of the `assay` program share: their entry
 * points, where the shipped rules and Lua modules are, and the exit codes.
 */
#ifndef ASSAY_CLI_H
#define ASSAY_CLI_H

#include <jansson.h>
#include <lua.h>
#include <stdint.h>
#include <stdio.h>

/* Exit statuses of every subcommand. */
enum { CLI_OK = 0, CLI_SOME_FAILED = 1, CLI_USAGE = 2 };

/* Subcommands: argv[0] is the subcommand's name. */
int cli_run(int argc, char **argv);     /* run.c: assay run SCRIPT [INPUT...] */
int cli_extract(int argc, char **argv); /* extract.c */
int cli_test(int argc, char **argv);    /* ruletest.c: assay test */
int cli_explain(int argc, char **argv); /* explain.c */
int cli_report(int argc, char **argv);  /* report.c: assay report */
int cli_query(int argc, char **argv);   /* query.c: assay query DB SQL */
int cli_merge(int argc, char **argv);   /* report.c: assay merge */
int cli_show(int argc, char **argv);    /* report.c: assay show */

/* The folder holding the shipped data: "<prefix>/share/assay" next to the
 * installed program, or the source tree when run from a build tree.  Never
 * NULL; owned by the program. */
const char *cli_data_dir(void);
/* The default rule pack: <data>/rules/news.lua (source tree: rules/). */
const char *cli_default_rules(void);
/* The folder of shipped Lua modules (lua/). */
const char *cli_lua_dir(void);

/* Sets package.path of L so `require` finds the shipped Lua modules
 * (cli_lua_dir()/?.lua and ?/init.lua) before the default path. */
void cli_set_lua_path(lua_State *L);

/* Prints "assay: " and the message to stderr (printf-style). */
void cli_errorf(const char *fmt, ...);

/* 1 when `arg` is -h or --help. */
int cli_is_help(const char *arg);


/* ---- rule packs on the command line (pack.c) ------------------------- */

#include "assay.h"

/* Options that every command running a rule pack takes. */
typedef struct cli_pack_opts {
  const char *rules;        /* --rules PACK.lua (NULL: the default pack) */
  const char *lexicons[32]; /* --lexicon NAME=FILE.yaml */
  int nlexicons;
  int unsafe;               /* --unsafe */
  int no_cache;             /* --no-cache */
  assay_limits limits;      /* --max-doc-bytes, --max-annotations, ... */
} cli_pack_opts;

/* If argv[*i] is a pack option, consumes it (and its value) and returns 1;
 * returns -1 (message printed) when its value is missing or bad; 0 when it
 * is not a pack option. */
int cli_pack_option(cli_pack_opts *o, int argc, char **argv, int *i);

/* The help text of the pack options. */
extern const char cli_pack_help[];

/* Compiles the pack, printing each diagnostic as "FILE:LINE: rule R: msg"
 * on stderr.  Returns NULL on failure. */
assay_rules *cli_compile(const cli_pack_opts *o);

/* Reads a size such as "32M", "1G", "500k" or "1000"; -1 when malformed. */
long long cli_parse_size(const char *s);

/* Writes to `path` atomically: cli_output_open gives a stream on a
 * temporary file beside it (or stdout for NULL / "-"); cli_output_close
 * renames it into place when ok, removes it otherwise.  A path that is
 * not a regular file (a device, a FIFO) is written directly; a symbolic
 * link's target is the file replaced. */
typedef struct cli_output {
  FILE *f;
  const char *path;
  int direct; /* path written as it is, no temporary file */
  char tmp[4096];
  char real[4096]; /* path with its links resolved, when it exists */
} cli_output;
int cli_output_open(cli_output *out, const char *path);
int cli_output_close(cli_output *out, int ok);

/* ---- worker threads in input order (pipeline.c) ---------------------- */

/* One document's passage through the pipeline. */
typedef struct cli_job {
  size_t seq;         /* input order */
  assay_doc *doc;     /* NULL when reading failed */
  char id[512];       /* the document id (for errors) */
  char *error;        /* reading failed: why (malloc'd) */
  char *out;          /* what to write, malloc'd (NULL: nothing) */
  size_t bytes;       /* the document's size, for progress */
  int failed;         /* 1 when the document failed */
  void *line;         /* a JSON line the worker parses (input.h in_line) */
} cli_job;

typedef struct cli_pipeline_ops {
  /* Reads the next job (fills doc or id + error); returns 1 for a job, 0
   * at the end.  Called from one thread. */
  int (*read)(void *ud, cli_job *job);
  /* Makes a worker's state (its own scanner); NULL on failure. */
  void *(*worker_new)(void *ud);
  void (*worker_free)(void *ud, void *worker);
  /* Processes a job in a worker: fills job->out and job->failed. */
  void (*process)(void *ud, void *worker, cli_job *job);
  /* Writes a processed job; called in input order from one thread. */
  void (*write)(void *ud, cli_job *job);
  void *ud;
} cli_pipeline_ops;

/* Runs read -> process (on nthreads workers) -> write, writing in input
 * order whatever the thread count, with at most a few jobs per worker in
 * flight (memory bounded by the documents in flight).  Returns 0, or -1
 * when a worker could not be made. */
int cli_pipeline_run(const cli_pipeline_ops *ops, int nthreads);

/* The number of online cores (at least 1). */
int cli_cores(void);

/* ---- progress on a terminal (progress.c) ----------------------------- */

typedef struct cli_progress cli_progress;
/* A progress line on stderr when it is a terminal and quiet is 0; NULL
 * otherwise (every call accepts NULL).  total_bytes may be 0 (unknown). */
cli_progress *cli_progress_new(int quiet, unsigned long long total_bytes);
void cli_progress_add(cli_progress *p, size_t bytes);
void cli_progress_done(cli_progress *p);
/* The bytes of the regular files under the inputs (for the time left). */
unsigned long long cli_input_bytes(const char *const *paths, int n);

/* ---- --profile (profile.c) -------------------------------------------- */

typedef struct cli_profile cli_profile;
/* Totals for the rules of a pack, and with lines set (--profile=lines)
 * the sampled lines of its rule files; NULL when out of memory.  Every
 * call accepts NULL. */
cli_profile *cli_profile_new(const assay_rules *rules, int lines);
void cli_profile_free(cli_profile *p);
/* Whether the workers' scanners should sample lines. */
int cli_profile_lines(const cli_profile *p);
/* Adds a worker's scanner's counts (thread-safe; once per scanner). */
void cli_profile_add_scanner(cli_profile *p, const assay_scanner *sc);
/* Adds time spent turning documents into records (thread-safe). */
void cli_profile_add_output(cli_profile *p, uint64_t ns);
/* Adds time spent reading inputs and parsing their JSON lines, by the
 * reading thread or a worker (thread-safe). */
void cli_profile_add_input(cli_profile *p, uint64_t ns);
/* Records how long compiling the pack took. */
void cli_profile_set_compile(cli_profile *p, uint64_t ns);
/* The compile's line, then the table, costliest first; then the lines'
 * tables (which merges their rows: once, at the end). */
void cli_profile_print(cli_profile *p, FILE *f);
/* A monotonic clock in nanoseconds. */
uint64_t cli_now_ns(void);

/* ---- output formats (format.c) ---------------------------------------- */

/* The JSON text of v (json_dumps flags) followed by `end`; malloc'd, NULL
 * on failure.  Unlike json_dumps' text, it is the caller's to free()
 * whatever jansson allocates with (see rec_arena.h). */
char *cli_json_text(const json_t *v, size_t flags, const char *end);
/* A JSON value as one YAML document ("---" first); malloc'd, NULL on
 * failure. */
char *cli_yaml_document(json_t *v);
/* The TSV rows of a record, one annotation a row (an error record is one
 * row with layer "error"); malloc'd, each row ends with a newline. */
char *cli_tsv_rows(json_t *rec);
/* The TSV header row (no newline). */
extern const char cli_tsv_header[];
#endif
