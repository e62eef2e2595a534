/*
 * cli.h -- what the subcommands of the `assay` program share: their entry
 * points, where the shipped rules and Lua modules are, and the exit codes.
 */
#ifndef ASSAY_CLI_H
#define ASSAY_CLI_H

#include <lua.h>
#include <stdio.h>

/* Exit statuses of every subcommand. */
enum { CLI_OK = 0, CLI_SOME_FAILED = 1, CLI_USAGE = 2 };

/* Subcommands: argv[0] is the subcommand's name. */
int cli_run(int argc, char **argv);     /* run.c: assay run SCRIPT [INPUT...] */
int cli_extract(int argc, char **argv); /* extract.c */
int cli_test(int argc, char **argv);    /* ruletest.c: assay test */
int cli_explain(int argc, char **argv); /* explain.c */
int cli_report(int argc, char **argv);  /* report.c: assay report */

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
 * renames it into place when ok, removes it otherwise. */
typedef struct cli_output {
  FILE *f;
  const char *path;
  char tmp[4096];
} cli_output;
int cli_output_open(cli_output *out, const char *path);
int cli_output_close(cli_output *out, int ok);
#endif
