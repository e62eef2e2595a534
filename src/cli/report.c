/*
 * report.c -- the commands written in Lua: `assay report` and `assay
 * merge` (lua/assay/report.lua: the cross-document report from documents
 * or from extract records) and `assay show` (lua/assay/show_cmd.lua).
 * Each runs its script as a host script, as `assay run` would.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* Runs lua/assay/NAME as a host script with argv[1..]: run SCRIPT
 * [--rules DEFAULT] [EXTRA] ARGS...; with_rules adds the default pack when
 * --rules is not given; extra (may be NULL) goes before the arguments. */
static int run_lua_command(const char *name, int argc, char **argv,
                           int with_rules, const char *extra) {
  char script[4096];
  snprintf(script, sizeof script, "%s/assay/%s", cli_lua_dir(), name);
  int has_rules = !with_rules;
  for (int i = 1; i < argc; i++)
    if (!strcmp(argv[i], "--rules")) has_rules = 1;
  char **args = calloc((size_t)argc + 6, sizeof *args);
  if (!args) {
    cli_errorf("out of memory");
    return CLI_USAGE;
  }
  int n = 0;
  args[n++] = "run";
  args[n++] = script;
  if (!has_rules) {
    args[n++] = "--rules";
    args[n++] = (char *)cli_default_rules();
  }
  if (extra) args[n++] = (char *)extra;
  for (int i = 1; i < argc; i++) args[n++] = argv[i];
  args[n] = NULL;
  int st = cli_run(n, args);
  free(args);
  return st;
}

int cli_report(int argc, char **argv) {
  /* Lua cannot ask whether stderr is a terminal: the progress line's
   * "auto" is decided here. */
  return run_lua_command("report_cmd.lua", argc, argv, 1,
                         isatty(STDERR_FILENO) ? "--progress-auto=always"
                                               : "--progress-auto=never");
}

int cli_merge(int argc, char **argv) {
  return run_lua_command("merge_cmd.lua", argc, argv, 0, NULL);
}

/* What --color=auto (the default) means for `assay show`: colour only on
 * a terminal, without NO_COLOR (no-color.org) and with a TERM that is not
 * "dumb".  Lua cannot ask whether stdout is a terminal, so this is decided
 * here and handed to the script; an explicit --color=always|never wins. */
static const char *auto_color(void) {
  const char *no = getenv("NO_COLOR");
  const char *term = getenv("TERM");
  if (no && *no) return "--color-auto=never";
  if (term && !strcmp(term, "dumb")) return "--color-auto=never";
  return isatty(STDOUT_FILENO) ? "--color-auto=always" : "--color-auto=never";
}

int cli_show(int argc, char **argv) {
  return run_lua_command("show_cmd.lua", argc, argv, 1, auto_color());
}
