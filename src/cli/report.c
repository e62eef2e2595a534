/*
 * report.c -- `assay report`: the cross-document report.  The grouping is
 * written in Lua (lua/assay/report.lua, shared with `assay merge`); this
 * runs it as a host script, giving it the default pack when none is named.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_report(int argc, char **argv) {
  char script[4096];
  snprintf(script, sizeof script, "%s/assay/report_cmd.lua", cli_lua_dir());
  int has_rules = 0;
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
