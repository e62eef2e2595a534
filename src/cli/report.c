/*
 * report.c -- `assay report` and `assay merge`: the cross-document report
 * from documents or from extract records.  The grouping is written in Lua
 * (lua/assay/report.lua); these run it as host scripts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Runs lua/assay/NAME as a host script with argv[1..]; with_rules adds the
 * default pack when --rules is not given. */
static int run_lua_command(const char *name, int argc, char **argv,
                           int with_rules) {
  char script[4096];
  snprintf(script, sizeof script, "%s/assay/%s", cli_lua_dir(), name);
  int has_rules = !with_rules;
  for (int i = 1; i < argc; i++)
    if (!strcmp(argv[i], "--rules")) has_rules = 1;
  /* run SCRIPT [--rules DEFAULT] ARGS... */
  char **args = calloc((size_t)argc + 5, sizeof *args);
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
  for (int i = 1; i < argc; i++) args[n++] = argv[i];
  args[n] = NULL;
  int st = cli_run(n, args);
  free(args);
  return st;
}

int cli_report(int argc, char **argv) {
  return run_lua_command("report_cmd.lua", argc, argv, 1);
}

int cli_merge(int argc, char **argv) {
  return run_lua_command("merge_cmd.lua", argc, argv, 0);
}
