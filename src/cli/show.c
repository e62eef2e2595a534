/*
 * show.c -- `assay show`: the documents' texts with their annotations
 * coloured inline on a terminal (lua/assay/show_cmd.lua does the work).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* What --color=auto (the default) means: colour only on a terminal,
 * without NO_COLOR (no-color.org) and with a TERM that is not "dumb".  Lua
 * cannot ask whether stdout is a terminal, so this is decided here and
 * handed to the script; an explicit --color=always|never wins. */
static const char *auto_color(void) {
  const char *no = getenv("NO_COLOR");
  const char *term = getenv("TERM");
  if (no && *no) return "--color-auto=never";
  if (term && !strcmp(term, "dumb")) return "--color-auto=never";
  return isatty(STDOUT_FILENO) ? "--color-auto=always" : "--color-auto=never";
}

/* Runs lua/assay/show_cmd.lua as a host script: run SCRIPT [--rules
 * DEFAULT] --color-auto=WHEN ARGS... (the same shape as report.c). */
int cli_show(int argc, char **argv) {
  char script[4096];
  snprintf(script, sizeof script, "%s/assay/show_cmd.lua", cli_lua_dir());
  int has_rules = 0;
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
  args[n++] = (char *)auto_color();
  for (int i = 1; i < argc; i++) args[n++] = argv[i];
  args[n] = NULL;
  int st = cli_run(n, args);
  free(args);
  return st;
}
