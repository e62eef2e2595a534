/*
 * main.c -- the `assay` program: global options and the subcommand
 * dispatcher.  Each subcommand lives in its own file (cli.h).
 */
#include <stdio.h>
#include <string.h>

#include "assay.h"
#include "cli.h"

typedef struct command {
  const char *name;
  int (*fn)(int argc, char **argv);
  const char *summary;
} command;

static const command commands[] = {
    {"run", cli_run, "run a Lua script over documents"},
    {"extract", cli_extract, "run a rule pack, write one record per document"},
    {"test", cli_test, "run rule tests (YAML) against a rule pack"},
    {"explain", cli_explain, "show why a rule did or did not match a text"},
    {"report", cli_report, "group the claims of all documents by proposition"},
    {"query", cli_query, "run SQL on a store made by extract --store"},
    {"merge", cli_merge, "the report from extract records (the reduce step)"},
    {"show", cli_show, "print texts with their annotations coloured inline"},
};

static void usage(FILE *out) {
  fprintf(out,
          "usage: assay COMMAND [OPTIONS] [INPUT...]\n"
          "\n"
          "assay extracts actors, dates and claims from news text with rule\n"
          "packs written in Lua.\n"
          "\n"
          "commands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
  fprintf(out,
          "\n"
          "options:\n"
          "  -h, --help     this help; `assay COMMAND --help` for a command\n"
          "  --version      the version\n"
          "\n"
          "exit status: 0 all fine, 1 some documents failed, 2 usage or\n"
          "script error.\n");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return CLI_USAGE;
  }
  const char *cmd = argv[1];
  if (cli_is_help(cmd)) {
    usage(stdout);
    return CLI_OK;
  }
  if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
    printf("assay %s\n", assay_version());
    return CLI_OK;
  }
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    if (!strcmp(cmd, commands[i].name))
      return commands[i].fn(argc - 1, argv + 1);
  cli_errorf("unknown command '%s' (see assay --help)", cmd);
  return CLI_USAGE;
}
