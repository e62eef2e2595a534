/*
 * profile.c -- `assay extract --profile`: sums the workers' scanner
 * profiles (engine.h) and the time spent reading inputs and writing
 * records, then prints on stderr the compile's time and what the compile
 * cache gave, and where the run's time went: its split between matching,
 * rule functions and the rest, then the costliest rules first; with
 * --profile=lines, also the lines of the rule files where the Lua time
 * was sampled.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "engine.h"

struct cli_profile {
  pthread_mutex_t lock;
  const assay_rules *rules;
  uint64_t compile_ns;
  eng_profile_row *rows; /* nrules + 2 (engine.h), then ROW_OUTPUT and
                            ROW_INPUT */
  size_t nrows;
  /* --profile=lines: every scanner's rows, merged when printed */
  int lines;
  eng_line_row *lrows;
  size_t nlrows;
  uint64_t lua, other; /* samples in rule functions, elsewhere */
};

/* The rows after the engine's (engine.h: the rules, the tokenizer, Lua's
 * collector). */
#define ROW_OUTPUT(p) ((p)->rules->nrules + 2)
#define ROW_INPUT(p) ((p)->rules->nrules + 3)

uint64_t cli_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

cli_profile *cli_profile_new(const assay_rules *rules, int lines) {
  cli_profile *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->rules = rules;
  p->lines = lines;
  p->nrows = rules->nrules + 4;
  p->rows = calloc(p->nrows, sizeof *p->rows);
  if (!p->rows) {
    free(p);
    return NULL;
  }
  pthread_mutex_init(&p->lock, NULL);
  return p;
}

void cli_profile_free(cli_profile *p) {
  if (!p) return;
  pthread_mutex_destroy(&p->lock);
  for (size_t i = 0; i < p->nlrows; i++) {
    free(p->lrows[i].file);
    free(p->lrows[i].name);
  }
  free(p->lrows);
  free(p->rows);
  free(p);
}

int cli_profile_lines(const cli_profile *p) { return p && p->lines; }

/* Copies a scanner's line rows (under the lock); a row that cannot be
 * copied is left out of the table, not the run. */
static void add_lines(cli_profile *p, const assay_scanner *sc) {
  size_t n;
  uint64_t lua, other;
  const eng_line_row *r = eng_profile_lines(sc, &n, &lua, &other);
  if (!r) return;
  p->lua += lua;
  p->other += other;
  eng_line_row *grown = realloc(p->lrows, (p->nlrows + n) * sizeof *grown);
  if (!grown && n) return;
  p->lrows = grown;
  for (size_t i = 0; i < n; i++) {
    eng_line_row c = r[i];
    c.file = strdup(r[i].file);
    c.name = r[i].name ? strdup(r[i].name) : NULL;
    if (!c.file) {
      free(c.name);
      continue;
    }
    p->lrows[p->nlrows++] = c;
  }
}

void cli_profile_add_scanner(cli_profile *p, const assay_scanner *sc) {
  const eng_profile_row *r = p && sc ? eng_profile(sc) : NULL;
  if (!r) return;
  pthread_mutex_lock(&p->lock);
  for (size_t i = 0; i < ROW_OUTPUT(p); i++) {
    p->rows[i].ns += r[i].ns;
    p->rows[i].match_ns += r[i].match_ns;
    p->rows[i].matches += r[i].matches;
  }
  add_lines(p, sc);
  pthread_mutex_unlock(&p->lock);
}

static void add_row(cli_profile *p, size_t row, uint64_t ns) {
  pthread_mutex_lock(&p->lock);
  p->rows[row].ns += ns;
  pthread_mutex_unlock(&p->lock);
}

void cli_profile_add_output(cli_profile *p, uint64_t ns) {
  if (p) add_row(p, ROW_OUTPUT(p), ns);
}

void cli_profile_add_input(cli_profile *p, uint64_t ns) {
  if (p) add_row(p, ROW_INPUT(p), ns);
}

/* Rows printed in each lines' table. */
#define CLI_PROFILE_LINES 25

static const eng_profile_row *sort_rows;

static int by_time(const void *x, const void *y) {
  size_t a = *(const size_t *)x, b = *(const size_t *)y;
  if (sort_rows[a].ns != sort_rows[b].ns)
    return sort_rows[a].ns < sort_rows[b].ns ? 1 : -1;
  return a < b ? -1 : a > b;
}

void cli_profile_set_compile(cli_profile *p, uint64_t ns) {
  if (p) p->compile_ns = ns;
}

static int by_place(const void *x, const void *y) {
  const eng_line_row *a = x, *b = y;
  int c = strcmp(a->file, b->file);
  return c ? c : (a->line > b->line) - (a->line < b->line);
}

static int by_self(const void *x, const void *y) {
  const eng_line_row *a = x, *b = y;
  if (a->self != b->self) return a->self < b->self ? 1 : -1;
  return by_place(a, b);
}

static int by_total(const void *x, const void *y) {
  const eng_line_row *a = x, *b = y;
  if (a->total != b->total) return a->total < b->total ? 1 : -1;
  return by_place(a, b);
}

/* Rows of the same place (from several scanners) become one. */
static size_t merge_lines(eng_line_row *r, size_t n) {
  qsort(r, n, sizeof *r, by_place);
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (k && !by_place(&r[k - 1], &r[i])) {
      r[k - 1].self += r[i].self;
      r[k - 1].total += r[i].total;
      free(r[i].file);
      free(r[i].name);
      continue;
    }
    r[k++] = r[i];
  }
  return k;
}

static void print_line_rows(const eng_line_row *r, size_t n, uint64_t lua,
                            FILE *f) {
  fprintf(f, "%8s %8s  %-24s %s\n", "self %", "total %", "line", "function");
  for (size_t i = 0; i < n; i++) {
    /* the file's name, as the rules' table has it */
    const char *slash = strrchr(r[i].file, '/');
    const char *file = slash ? slash + 1 : r[i].file;
    char place[300], fn[300];
    snprintf(place, sizeof place, "%s:%d", file, r[i].line);
    if (r[i].name) /* as the caller named it; none for a tail call */
      snprintf(fn, sizeof fn, "%s", r[i].name);
    else
      snprintf(fn, sizeof fn, "function <%s:%d>", file, r[i].defined);
    fprintf(f, "%8.1f %8.1f  %-24s %s\n",
            100.0 * (double)r[i].self / (double)lua,
            100.0 * (double)r[i].total / (double)lua, place, fn);
  }
}

/* The lines' tables: the hottest lines, then the lines under which most
 * time was spent (a call's callees included). */
static void print_lines(cli_profile *p, FILE *f) {
  uint64_t all = p->lua + p->other;
  fprintf(f, "\nlines (sampled every few ms of a worker's CPU time: %llu "
          "samples, %llu of them (%.0f%%) in rule functions; %% of those)\n",
          (unsigned long long)all, (unsigned long long)p->lua,
          all ? 100.0 * (double)p->lua / (double)all : 0.0);
  if (!p->lua) {
    fprintf(f, "  no sample fell in a rule function: a longer run gives "
            "some\n");
    return;
  }
  p->nlrows = merge_lines(p->lrows, p->nlrows);
  size_t n = p->nlrows < CLI_PROFILE_LINES ? p->nlrows : CLI_PROFILE_LINES;
  qsort(p->lrows, p->nlrows, sizeof *p->lrows, by_self);
  fprintf(f, "hottest lines:\n");
  print_line_rows(p->lrows, n, p->lua, f);
  qsort(p->lrows, p->nlrows, sizeof *p->lrows, by_total);
  fprintf(f, "lines with their callees:\n");
  print_line_rows(p->lrows, n, p->lua, f);
}

static double share(uint64_t part, uint64_t total) {
  return total ? 100.0 * (double)part / (double)total : 0;
}

/* One line: how the time splits between finding matches (the rules'
 * "match ms"), the rules' Lua with what it adds (the rest of their time,
 * run functions whole) and the parts around the rules.  Matching and the
 * parts around the rules are the floor that faster Lua cannot go below. */
static void print_split(const cli_profile *p, uint64_t total, FILE *f) {
  const assay_rules *r = p->rules;
  uint64_t match = 0, fns = 0;
  for (size_t i = 0; i < r->nrules; i++) {
    const eng_profile_row *row = &p->rows[i];
    uint64_t m = r->rules[i].has_run ? 0 : row->match_ns;
    if (m > row->ns) m = row->ns; /* two clock reads apart */
    match += m;
    fns += row->ns - m;
  }
  fprintf(f, "split: matching %.1f%%, rule functions %.1f%%, reading input "
          "%.1f%%, tokenizer %.1f%%, writing records %.1f%%, Lua collector "
          "%.1f%%\n", share(match, total), share(fns, total),
          share(p->rows[ROW_INPUT(p)].ns, total),
          share(p->rows[r->nrules].ns, total),
          share(p->rows[ROW_OUTPUT(p)].ns, total),
          share(p->rows[r->nrules + 1].ns, total));
}

void cli_profile_print(cli_profile *p, FILE *f) {
  if (!p) return;
  fprintf(f, "compile: %.1f ms (compile cache: %u files read back, %u "
          "written)\n", p->compile_ns / 1e6, p->rules->cache_reused,
          p->rules->cache_made);
  size_t *order = malloc(p->nrows * sizeof *order);
  if (!order) return;
  uint64_t total = 0;
  for (size_t i = 0; i < p->nrows; i++) {
    order[i] = i;
    total += p->rows[i].ns;
  }
  sort_rows = p->rows; /* printed once, after the workers have stopped */
  qsort(order, p->nrows, sizeof *order, by_time);
  const assay_rules *r = p->rules;
  fprintf(f, "profile (worker time, all threads: %.3f s)\n", total / 1e9);
  print_split(p, total, f);
  /* "match ms": the part of a rule's time spent finding its matches; the
   * rest is its where and emit functions (Lua) and writing what they
   * give. */
  fprintf(f, "%10s %6s %10s %10s  %-28s %s\n", "ms", "%", "match ms",
          "matches", "rule", "where");
  for (size_t k = 0; k < p->nrows; k++) {
    size_t i = order[k];
    const eng_profile_row *row = &p->rows[i];
    if (!row->ns) continue;
    double pct = share(row->ns, total);
    if (i < r->nrules) {
      const eng_rule *rule = &r->rules[i];
      const char *file = rule->file ? strrchr(rule->file, '/') : NULL;
      /* a run function finds its own matches: no column to split */
      char match_ms[32] = "";
      if (!rule->has_run)
        snprintf(match_ms, sizeof match_ms, "%.1f", row->match_ns / 1e6);
      fprintf(f, "%10.1f %6.2f %10s %10llu  %-28s %s:%d (%s)\n",
              row->ns / 1e6, pct, match_ms,
              (unsigned long long)row->matches, rule->name,
              file ? file + 1 : rule->file ? rule->file : "?", rule->line,
              r->stages[rule->stage]);
    } else {
      const char *what = i == r->nrules       ? "(tokenizer)"
                         : i == r->nrules + 1 ? "(Lua collector)"
                         : i == ROW_OUTPUT(p) ? "(writing records)"
                                              : "(reading input)";
      fprintf(f, "%10.1f %6.2f %10s %10s  %s\n", row->ns / 1e6, pct, "", "",
              what);
    }
  }
  free(order);
  if (p->lines) print_lines(p, f);
}
