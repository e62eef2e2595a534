/*
 * pack.c -- what the commands that run a rule pack share: the pack options
 * (--rules, --lexicon, --unsafe, limits), compiling with diagnostics on
 * stderr, and atomic output files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

const char cli_pack_help[] =
    "  --rules PACK.lua        the rule pack (default: the news pack)\n"
    "  --lexicon NAME=FILE     add the entries of FILE.yaml to lexicon NAME\n"
    "  --unsafe                run the pack without the sandbox\n"
    "  --no-cache              compile without the compile cache\n"
    "                          ($ASSAY_CACHE_DIR, default ~/.cache/assay)\n"
    "  --max-doc-bytes N       largest document (default 32M)\n"
    "  --max-annotations N     annotations per document (default 1000000)\n"
    "  --max-instructions N    Lua instructions per document (default 1e8)\n"
    "  --max-memory N          Lua memory per document (default 256M)\n";

long long cli_parse_size(const char *s) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (end == s || errno || v < 0) return -1;
  switch (*end) {
  case 'k': case 'K': v *= 1024; end++; break;
  case 'm': case 'M': v *= 1024 * 1024; end++; break;
  case 'g': case 'G': v *= 1024.0 * 1024 * 1024; end++; break;
  default: break;
  }
  if (*end) return -1;
  return (long long)v;
}

static int size_option(const char *name, const char *val, long long *out) {
  long long v = val ? cli_parse_size(val) : -1;
  if (v <= 0) {
    cli_errorf("%s needs a positive number (e.g. 32M), got '%s'", name,
               val ? val : "");
    return -1;
  }
  *out = v;
  return 1;
}

int cli_pack_option(cli_pack_opts *o, int argc, char **argv, int *i) {
  const char *a = argv[*i];
  const char *val = *i + 1 < argc ? argv[*i + 1] : NULL;
  long long v;
  int r;
  if (!strcmp(a, "--unsafe")) {
    o->unsafe = 1;
    return 1;
  }
  if (!strcmp(a, "--no-cache")) {
    o->no_cache = 1;
    return 1;
  }
  if (!strcmp(a, "--rules") || !strcmp(a, "--lexicon") ||
      !strncmp(a, "--max-", 6)) {
    if (!val) {
      cli_errorf("%s needs a value", a);
      return -1;
    }
    (*i)++;
  } else {
    return 0;
  }
  if (!strcmp(a, "--rules")) {
    o->rules = val;
    return 1;
  }
  if (!strcmp(a, "--lexicon")) {
    if (!strchr(val, '=') || o->nlexicons >= 32) {
      cli_errorf("--lexicon takes NAME=FILE.yaml, got '%s'", val);
      return -1;
    }
    o->lexicons[o->nlexicons++] = val;
    return 1;
  }
  if ((r = size_option(a, val, &v)) < 0) return r;
  if (!strcmp(a, "--max-doc-bytes")) o->limits.max_doc_bytes = (size_t)v;
  else if (!strcmp(a, "--max-annotations")) o->limits.max_annotations = (size_t)v;
  else if (!strcmp(a, "--max-instructions")) o->limits.instructions = (uint64_t)v;
  else if (!strcmp(a, "--max-memory")) o->limits.memory = (size_t)v;
  else {
    cli_errorf("unknown option %s", a);
    return -1;
  }
  return 1;
}

static void print_diagnostic(void *ud, const assay_diagnostic *d) {
  (void)ud;
  fprintf(stderr, "%s", d->file && *d->file ? d->file : "");
  if (d->line > 0) fprintf(stderr, ":%d", d->line);
  if (d->file && *d->file) fprintf(stderr, ": ");
  fprintf(stderr, "%s%s%s%s%s\n", d->severity ? "error: " : "warning: ",
          d->rule ? "rule " : "", d->rule ? d->rule : "", d->rule ? ": " : "",
          d->message);
}

/* The compile cache's folder into buf: $ASSAY_CACHE_DIR (empty or "off":
 * none), else $XDG_CACHE_HOME/assay, else $HOME/.cache/assay.  1 when
 * there is one. */
static int cache_dir(char *buf, size_t size) {
  const char *env = getenv("ASSAY_CACHE_DIR");
  const char *xdg = getenv("XDG_CACHE_HOME");
  const char *home = getenv("HOME");
  int n;
  if (env)
    n = *env && strcmp(env, "off") ? snprintf(buf, size, "%s", env) : 0;
  else if (xdg && *xdg == '/')
    n = snprintf(buf, size, "%s/assay", xdg);
  else if (home && *home)
    n = snprintf(buf, size, "%s/.cache/assay", home);
  else
    n = 0;
  return n > 0 && (size_t)n < size;
}

assay_rules *cli_compile(const cli_pack_opts *o) {
  assay_compiler *c = NULL;
  assay_rules *rules = NULL;
  if (assay_compiler_new(&c, o->unsafe ? ASSAY_UNSAFE : 0, NULL) != ASSAY_OK) {
    cli_errorf("out of memory");
    return NULL;
  }
  assay_compiler_set_callback(c, print_diagnostic, NULL);
  for (int i = 0; i < o->nlexicons; i++) {
    char name[256];
    const char *eq = strchr(o->lexicons[i], '=');
    size_t n = (size_t)(eq - o->lexicons[i]);
    if (n >= sizeof name) n = sizeof name - 1;
    memcpy(name, o->lexicons[i], n);
    name[n] = '\0';
    assay_compiler_add_lexicon_file(c, name, eq + 1);
  }
  const char *env = getenv("ASSAY_CACHE_DIR");
  char dir[4096];
  if (!o->no_cache && cache_dir(dir, sizeof dir) &&
      assay_compiler_set_cache_dir(c, dir) != ASSAY_OK && env && *env)
    /* The default folder failing is no news; the one named is. */
    cli_errorf("warning: %s", assay_compiler_errmsg(c));
  const char *path = o->rules ? o->rules : cli_default_rules();
  if (assay_compiler_load_file(c, path) == ASSAY_OK)
    assay_compiler_get_rules(c, &rules);
  if (!rules) cli_errorf("%s: the rule pack did not compile", path);
  assay_compiler_free(c);
  return rules;
}

int cli_output_open(cli_output *out, const char *path) {
  memset(out, 0, sizeof *out);
  if (!path || !strcmp(path, "-")) {
    out->f = stdout;
    return 0;
  }
  /* Only a regular file is replaced by a finished temporary one.  A
   * device or a pipe (-o /dev/null, a FIFO) is written as it is: renaming
   * over it would put a file in its place.  A symbolic link is followed,
   * so that the file it names is replaced and the link stays. */
  struct stat st;
  if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
    out->f = fopen(path, "wb");
    if (!out->f) {
      cli_errorf("%s: cannot write: %s", path, strerror(errno));
      return -1;
    }
    out->direct = 1;
    out->path = path;
    return 0;
  }
  out->path = path;
  if (realpath(path, out->real)) out->path = out->real;
  snprintf(out->tmp, sizeof out->tmp, "%s.tmp.%ld", out->path, (long)getpid());
  out->f = fopen(out->tmp, "wb");
  if (!out->f) {
    cli_errorf("%s: cannot write: %s", out->tmp, strerror(errno));
    return -1;
  }
  return 0;
}

int cli_output_close(cli_output *out, int ok) {
  if (!out->path) {
    if (fflush(stdout) != 0) return -1;
    return 0;
  }
  int failed = ferror(out->f) != 0;
  if (fclose(out->f) != 0) failed = 1;
  if (out->direct) {
    if (failed) cli_errorf("%s: cannot write: %s", out->path, strerror(errno));
    return failed ? -1 : 0;
  }
  if (ok && !failed && rename(out->tmp, out->path) == 0) return 0;
  if (ok) cli_errorf("%s: cannot write: %s", out->path, strerror(errno));
  remove(out->tmp);
  return -1;
}
