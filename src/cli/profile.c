/*
 * profile.c -- `assay extract --profile`: sums the workers' scanner
 * profiles (engine.h) and the time spent writing records, then prints on
 * stderr the compile's time and what the compile cache gave, and where the
 * run's time went, the costliest rules first.
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
  eng_profile_row *rows; /* nrules + 2 (engine.h), then output */
  size_t nrows;
};

uint64_t cli_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

cli_profile *cli_profile_new(const assay_rules *rules) {
  cli_profile *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->rules = rules;
  p->nrows = rules->nrules + 3;
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
  free(p->rows);
  free(p);
}

void cli_profile_add_scanner(cli_profile *p, const assay_scanner *sc) {
  const eng_profile_row *r = p && sc ? eng_profile(sc) : NULL;
  if (!r) return;
  pthread_mutex_lock(&p->lock);
  for (size_t i = 0; i + 1 < p->nrows; i++) {
    p->rows[i].ns += r[i].ns;
    p->rows[i].match_ns += r[i].match_ns;
    p->rows[i].matches += r[i].matches;
  }
  pthread_mutex_unlock(&p->lock);
}

void cli_profile_add_output(cli_profile *p, uint64_t ns) {
  if (!p) return;
  pthread_mutex_lock(&p->lock);
  p->rows[p->nrows - 1].ns += ns;
  pthread_mutex_unlock(&p->lock);
}

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

void cli_profile_print(const cli_profile *p, FILE *f) {
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
  /* "match ms": the part of a rule's time spent finding its matches; the
   * rest is its where and emit functions (Lua) and writing what they
   * give. */
  fprintf(f, "%10s %6s %10s %10s  %-28s %s\n", "ms", "%", "match ms",
          "matches", "rule", "where");
  for (size_t k = 0; k < p->nrows; k++) {
    size_t i = order[k];
    const eng_profile_row *row = &p->rows[i];
    if (!row->ns) continue;
    double pct = total ? 100.0 * (double)row->ns / (double)total : 0;
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
                                              : "(writing records)";
      fprintf(f, "%10.1f %6.2f %10s %10s  %s\n", row->ns / 1e6, pct, "", "",
              what);
    }
  }
  free(order);
}
