/*
 * lexicon_bench.c -- measures the lexicon budget of issue 3: load seconds,
 * bytes an entry and scan speed of a lexicon of N generated entries (or of
 * a YAML file), over a text file.  See docs/lexicons.md, "Performance".
 *
 *   lexicon_bench [-n N | -f LEX.yaml] [-w OUT.yaml] [-r ROUNDS] [TEXT]
 *
 * -n N generates the YAML of bench/gen_lexicon.lua N (the same bytes) in
 * memory and loads it with assay_lexicon_load_string; -f loads a file; -w
 * writes the generated YAML and stops.  TEXT (articles separated by blank
 * lines) is tokenized article by article; only assay_lexicon_scan is timed
 * for "scan_mb_s", tokenizing + scanning for "tok_scan_mb_s".  Load is the
 * best of ROUNDS (default 1) loads; one JSON object is printed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <yaml.h>

#include "assay.h"

static double lb_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds of the process: on a shared machine the wall clock also
 * counts the time other processes had the core. */
static double lb_cpu(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the generator: bench/gen_lexicon.lua in C ------------------------ */

typedef struct lb_buf {
  char *s;
  size_t len, cap;
} lb_buf;

static void lb_put(lb_buf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 1 << 20;
    while (cap < b->len + n + 1) cap *= 2;
    char *p = realloc(b->s, cap);
    if (!p) {
      fprintf(stderr, "lexicon_bench: out of memory\n");
      exit(1);
    }
    b->s = p;
    b->cap = cap;
  }
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
}

static void lb_puts(lb_buf *b, const char *s) { lb_put(b, s, strlen(s)); }

static uint64_t lb_state;

/* splitmix64 shifted to 63 bits, as the Lua generator (whose >> is a
 * logical shift and whose % must see a non-negative number). */
static uint64_t lb_rnd(void) {
  lb_state += 0x9E3779B97F4A7C15ULL;
  uint64_t z = lb_state;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return (z ^ (z >> 31)) >> 1;
}

static void lb_word(uint64_t k, char *out) {
  static const char *syl[] = {"ka", "ro", "mi", "tsu", "ne", "bal", "dor",
                              "qui", "ven", "lo", "sha", "pe", "an", "gu",
                              "tor", "el", "sin", "ba", "ru", "ix"};
  char *p = out;
  do {
    for (const char *s = syl[k % 20]; *s; s++) *p++ = *s;
    k /= 20;
  } while (k);
  *p = '\0';
  out[0] = (char)(out[0] - 32);
}

static void lb_generate(lb_buf *b, long n) {
  lb_state = 42;
  lb_puts(b, "name: generated\nkind: person\nfold: true\nentries:\n");
  for (long i = 1; i <= n; i++) {
    char ws[3][64], tmp[64], line[256];
    int nw = lb_rnd() % 3 == 0 ? 3 : 2;
    uint64_t a = lb_rnd() % 2000, c = lb_rnd() % 2000;
    lb_word(a < c ? a : c, ws[0]);
    for (int j = 1; j < nw; j++) lb_word(2000 + lb_rnd() % 60000, ws[j]);
    if (lb_rnd() % 20 == 0) {
      lb_word(2000 + lb_rnd() % 60000, tmp);
      strcat(ws[nw - 1], "-");
      strcat(ws[nw - 1], tmp);
    }
    lb_puts(b, "  - name: ");
    for (int j = 0; j < nw; j++) {
      if (j) lb_puts(b, " ");
      lb_puts(b, ws[j]);
    }
    snprintf(line, sizeof line, "\n    norm: Q%ld\n", 1000 + i);
    lb_puts(b, line);
    if (i % 3 == 0) {
      if (lb_rnd() % 2 == 0) {
        snprintf(line, sizeof line, "    aliases: [%c. %s]\n", ws[0][0],
                 ws[nw - 1]);
      } else {
        char ini[4] = {0};
        for (int j = 0; j < nw; j++) ini[j] = ws[j][0];
        snprintf(line, sizeof line, "    aliases: [%s]\n", ini);
      }
      lb_puts(b, line);
    }
  }
}

/* ---- the text ---------------------------------------------------------- */

static int lb_read(const char *path, lb_buf *b) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) lb_put(b, chunk, n);
  fclose(f);
  return 0;
}

static int lb_count(void *ud, const assay_lexicon_match *m) {
  (void)m;
  (*(size_t *)ud)++;
  return ASSAY_OK;
}

/* The next article of text from *pos: up to a blank line. */
static size_t lb_article(const lb_buf *t, size_t *pos) {
  size_t a = *pos;
  const char *e = a < t->len ? strstr(t->s + a, "\n\n") : NULL;
  size_t end = e ? (size_t)(e - t->s) + 2 : t->len;
  *pos = end;
  return end - a;
}

/* libyaml alone: the events of the same input, parsed and dropped.  The
 * floor under any YAML loader.  Returns CPU seconds, or -1. */
static double lb_yaml_only(const lb_buf *gen, const char *file) {
  yaml_parser_t p;
  FILE *f = NULL;
  double t0 = lb_cpu();
  if (!yaml_parser_initialize(&p)) return -1;
  if (file) {
    if (!(f = fopen(file, "rb"))) return -1;
    yaml_parser_set_input_file(&p, f);
  } else {
    yaml_parser_set_input_string(&p, (const unsigned char *)gen->s, gen->len);
  }
  int ok = 1;
  for (;;) {
    yaml_event_t ev;
    if (!yaml_parser_parse(&p, &ev)) {
      ok = 0;
      break;
    }
    int end = ev.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&ev);
    if (end) break;
  }
  yaml_parser_delete(&p);
  if (f) fclose(f);
  return ok ? lb_cpu() - t0 : -1;
}

static double lb_freeze_cpu; /* CPU seconds of the last freeze */

static int lb_load(const lb_buf *gen, const char *file, assay_lexicon **out,
                   double *secs, double *cpu) {
  assay_error err;
  double t0 = lb_now(), c0 = lb_cpu();
  int rc = assay_lexicon_new(out, ASSAY_LEX_FOLD, NULL);
  if (!rc)
    rc = file ? assay_lexicon_load(*out, file, &err)
              : assay_lexicon_load_string(*out, gen->s, gen->len,
                                          "generated", &err);
  double f0 = lb_cpu();
  if (!rc) rc = assay_lexicon_freeze(*out);
  lb_freeze_cpu = lb_cpu() - f0;
  *secs = lb_now() - t0;
  *cpu = lb_cpu() - c0;
  if (rc)
    fprintf(stderr, "lexicon_bench: %s\n", assay_lexicon_errmsg(*out));
  return rc;
}

int main(int argc, char **argv) {
  long n = 100000, rounds = 1;
  const char *file = NULL, *write = NULL, *text = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-n") && i + 1 < argc) n = atol(argv[++i]);
    else if (!strcmp(argv[i], "-f") && i + 1 < argc) file = argv[++i];
    else if (!strcmp(argv[i], "-w") && i + 1 < argc) write = argv[++i];
    else if (!strcmp(argv[i], "-r") && i + 1 < argc) rounds = atol(argv[++i]);
    else if (argv[i][0] != '-' && !text) text = argv[i];
    else {
      fprintf(stderr, "usage: lexicon_bench [-n N | -f LEX.yaml] "
                      "[-w OUT.yaml] [-r ROUNDS] [TEXT]\n");
      return 2;
    }
  }
  lb_buf gen = {0};
  if (!file) lb_generate(&gen, n);
  if (write) {
    FILE *f = fopen(write, "wb");
    if (!f || fwrite(gen.s, 1, gen.len, f) != gen.len || fclose(f)) {
      fprintf(stderr, "lexicon_bench: cannot write %s\n", write);
      return 1;
    }
    free(gen.s);
    return 0;
  }
  assay_lexicon *lx = NULL;
  double best = 1e30, best_cpu = 1e30, yaml = 1e30;
  for (long r = 0; r < (rounds > 0 ? rounds : 1); r++) {
    double secs, cpu, y = lb_yaml_only(&gen, file);
    assay_lexicon_free(lx);
    lx = NULL;
    if (lb_load(&gen, file, &lx, &secs, &cpu)) return 1;
    if (secs < best) best = secs;
    if (cpu < best_cpu) best_cpu = cpu;
    if (y < yaml) yaml = y;
  }
  free(gen.s);
  size_t entries = assay_lexicon_entry_count(lx);
  size_t mem = assay_lexicon_memory(lx);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("{\"entries\": %zu, \"load_s\": %.3f, \"load_cpu_s\": %.3f, "
         "\"freeze_cpu_s\": %.3f, \"yaml_only_cpu_s\": %.3f, "
         "\"bytes\": %zu, \"bytes_per_entry\": %.1f, \"peak_rss_mb\": %.1f",
         entries, best, best_cpu, lb_freeze_cpu, yaml, mem, entries ? (double)mem / (double)entries : 0.0,
         (double)ru.ru_maxrss / 1024.0);
  if (text) {
    lb_buf t = {0};
    if (lb_read(text, &t)) {
      fprintf(stderr, "lexicon_bench: cannot read %s\n", text);
      return 1;
    }
    size_t pos = 0, matches = 0, ntoks = 0;
    double scan = 0, total = 0;
    while (pos < t.len) {
      size_t start = pos, len = lb_article(&t, &pos);
      double t0 = lb_now();
      assay_tokens *tk = NULL;
      if (assay_tokenize(NULL, t.s + start, len, &tk, NULL)) return 1;
      size_t cnt;
      const assay_token *toks = assay_tokens_get(tk, &cnt);
      double t1 = lb_now();
      if (assay_lexicon_scan(lx, toks, cnt, t.s + start, lb_count, &matches))
        return 1;
      double t2 = lb_now();
      assay_tokens_free(tk);
      scan += t2 - t1;
      total += t2 - t0;
      ntoks += cnt;
    }
    double mb = (double)t.len / 1e6;
    printf(", \"text_mb\": %.1f, \"tokens\": %zu, \"matches\": %zu, "
           "\"scan_mb_s\": %.1f, \"tok_scan_mb_s\": %.1f",
           mb, ntoks, matches, mb / scan, mb / total);
    free(t.s);
  }
  printf("}\n");
  assay_lexicon_free(lx);
  return 0;
}
