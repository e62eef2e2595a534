/*
 * explain.c -- `assay explain`: shows why a rule did or did not match a
 * text: the rules before it run first, then each match of the rule with its
 * steps and captures, what `where` said, and what was emitted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "engine.h"

static const char usage_text[] =
    "usage: assay explain [--rules PACK.lua] --rule NAME [--date ISO] TEXT|-\n"
    "\n"
    "Shows why the rule NAME did or did not match TEXT (- reads stdin).\n"
    "\n"
    "options:\n"
    "  --rule NAME             the rule to explain\n"
    "  --date ISO              the document date (meta.published)\n"
    "%s";

static char *read_stdin(size_t *len) {
  size_t cap = 65536, n = 0, r;
  char *buf = malloc(cap + 1);
  while (buf && (r = fread(buf + n, 1, cap - n, stdin)) > 0) {
    n += r;
    if (n == cap) {
      char *nb = realloc(buf, (cap *= 2) + 1);
      if (!nb) free(buf);
      buf = nb;
    }
  }
  if (buf) buf[n] = '\0';
  *len = n;
  return buf;
}

int cli_explain(int argc, char **argv) {
  cli_pack_opts po;
  memset(&po, 0, sizeof po);
  const char *rule = NULL, *text = NULL, *date = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (cli_is_help(a)) {
      printf(usage_text, cli_pack_help);
      return CLI_OK;
    }
    int r = a[0] == '-' && a[1] ? cli_pack_option(&po, argc, argv, &i) : 0;
    if (r < 0) return CLI_USAGE;
    if (r > 0) continue;
    if ((!strcmp(a, "--rule") || !strcmp(a, "--date")) && i + 1 < argc) {
      if (!strcmp(a, "--rule")) rule = argv[++i];
      else date = argv[++i];
    } else if (a[0] == '-' && a[1]) {
      cli_errorf("explain: unknown option %s (see assay explain --help)", a);
      return CLI_USAGE;
    } else {
      text = a;
    }
  }
  if (!rule || !text) {
    fprintf(stderr, usage_text, cli_pack_help);
    return CLI_USAGE;
  }
  char *owned = NULL;
  size_t len = strlen(text);
  if (!strcmp(text, "-")) text = owned = read_stdin(&len);
  assay_rules *rules = cli_compile(&po);
  if (!rules) {
    free(owned);
    return CLI_USAGE;
  }
  int status = CLI_USAGE;
  assay_scanner *sc = NULL;
  assay_doc *doc = NULL;
  int idx = eng_rule_index(rules, rule);
  if (idx < 0) {
    cli_errorf("explain: the pack %s has no rule named %s",
               assay_rules_pack(rules), rule);
  } else if (assay_scanner_new(&sc, rules, &po.limits) != ASSAY_OK) {
    cli_errorf("%s", assay_scanner_errmsg(sc));
  } else if (assay_doc_new(&doc, "text", text, len, NULL, NULL) == ASSAY_OK) {
    if (date) {
      char meta[256];
      snprintf(meta, sizeof meta, "{\"published\": \"%.200s\"}", date);
      assay_doc_set_meta_json(doc, meta);
    }
    char *out = eng_explain(sc, doc, idx);
    if (out) {
      fputs(out, stdout);
      free(out);
      status = CLI_OK;
    } else {
      cli_errorf("explain: %s", assay_scanner_errmsg(sc));
    }
  }
  assay_doc_free(doc);
  assay_scanner_free(sc);
  assay_rules_free(rules);
  free(owned);
  return status;
}
