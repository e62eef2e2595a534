/*
 * assay_bench.c -- the C driver of bench/run: streams a corpus of articles
 * (blocks separated by a blank line) through one matcher or the limit loop.
 *
 *   assay_bench limit     CORPUS             the minimal byte-class loop
 *   assay_bench tokenize  CORPUS             tokens + sentences
 *   assay_bench lexicon   CORPUS LEX.yaml    load, then scan every article
 *   assay_bench regex     CORPUS FILE        one regex a line, all of them
 *   assay_bench pattern   CORPUS FILE        one token pattern a line
 *   assay_bench jsonl     CORPUS REFDATES    JSON Lines for `assay extract`
 *   assay_bench json      FILE.jsonl         jansson's parse alone, each line
 *                                            as `assay extract` parses it
 *   assay_bench exec      CMD ARGS...        runs CMD, stdout to /dev/null
 *
 * Each mode prints one JSON object: bytes, seconds (whole run, reading
 * included, as the limit's), tokens, matches, peak_rss_mb.  Articles are
 * streamed one at a time so that peak RSS is the tool's, not the corpus's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "assay.h"

static double bench_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Peak RSS of this process image: VmHWM, not getrusage's ru_maxrss, which
 * keeps the RSS of the parent that forked us (a Python bench/run). */
static double bench_rss_mb(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  double kb = 0;
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, "VmHWM:", 6)) kb = atof(line + 6);
  if (f) fclose(f);
  return kb / 1024.0;
}

/* ---- streaming articles ------------------------------------------------ */

typedef struct bench_reader {
  FILE *f;
  char *line;
  size_t line_cap;
  char *art;
  size_t len, cap;
  size_t bytes; /* every byte read, separators included */
} bench_reader;

static int bench_append(bench_reader *r, const char *s, size_t n) {
  if (r->len + n + 1 > r->cap) {
    size_t cap = r->cap ? r->cap * 2 : 65536;
    while (cap < r->len + n + 1) cap *= 2;
    char *p = realloc(r->art, cap);
    if (!p) return -1;
    r->art = p;
    r->cap = cap;
  }
  memcpy(r->art + r->len, s, n);
  r->len += n;
  r->art[r->len] = '\0';
  return 0;
}

/* Reads the next article (its lines, newlines kept, without the blank
 * separator line).  Returns 1, 0 at the end, -1 on error. */
static int bench_next(bench_reader *r) {
  r->len = 0;
  ssize_t n;
  while ((n = getline(&r->line, &r->line_cap, r->f)) > 0) {
    r->bytes += (size_t)n;
    if (n == 1 && r->line[0] == '\n') {
      if (r->len) return 1;
      continue;
    }
    if (bench_append(r, r->line, (size_t)n)) return -1;
  }
  return r->len ? 1 : 0;
}

static int bench_open(bench_reader *r, const char *path) {
  memset(r, 0, sizeof *r);
  r->f = fopen(path, "rb");
  if (!r->f) {
    fprintf(stderr, "assay_bench: %s: %s\n", path, strerror(errno));
    return -1;
  }
  return 0;
}

static void bench_close(bench_reader *r) {
  if (r->f) fclose(r->f);
  free(r->line);
  free(r->art);
}

static void bench_report(const char *mode, size_t bytes, double secs,
                         size_t tokens, size_t matches, const char *extra) {
  printf("{\"mode\": \"%s\", \"bytes\": %zu, \"seconds\": %.4f, "
         "\"tokens\": %zu, \"matches\": %zu, \"peak_rss_mb\": %.1f%s%s}\n",
         mode, bytes, secs, tokens, matches, bench_rss_mb(),
         extra ? ", " : "", extra ? extra : "");
}

/* ---- the limit: a naive byte-class word counter ----------------------- */

/* The least any tokenizer must do: look at every byte once and find where
 * words start.  What the others are measured against. */
static size_t bench_limit_words(const unsigned char *s, size_t n) {
  static const unsigned char word[256] = {
      ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
      ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
#define L(c) [c] = 1, [c - 32] = 1
      L('a'), L('b'), L('c'), L('d'), L('e'), L('f'), L('g'), L('h'), L('i'),
      L('j'), L('k'), L('l'), L('m'), L('n'), L('o'), L('p'), L('q'), L('r'),
      L('s'), L('t'), L('u'), L('v'), L('w'), L('x'), L('y'), L('z')
#undef L
  };
  size_t words = 0;
  int in = 0;
  for (size_t i = 0; i < n; i++) {
    int w = word[s[i]] | (s[i] >= 0x80);
    words += (size_t)(w & !in);
    in = w;
  }
  return words;
}

static int mode_limit(const char *corpus) {
  bench_reader r;
  if (bench_open(&r, corpus)) return 1;
  double t0 = bench_now();
  size_t words = 0;
  while (bench_next(&r) > 0)
    words += bench_limit_words((const unsigned char *)r.art, r.len);
  double t = bench_now() - t0;
  bench_report("limit", r.bytes, t, words, 0, NULL);
  bench_close(&r);
  return 0;
}

/* ---- tokenize ---------------------------------------------------------- */

static int mode_tokenize(const char *corpus) {
  bench_reader r;
  assay_error err;
  assay_tokenizer *tz = NULL;
  if (bench_open(&r, corpus)) return 1;
  double t0 = bench_now();
  if (assay_tokenizer_new(&tz, NULL, &err)) {
    fprintf(stderr, "assay_bench: %s\n", err.message);
    return 1;
  }
  size_t ntok = 0, nsent = 0;
  while (bench_next(&r) > 0) {
    assay_tokens *toks = NULL;
    if (assay_tokenize(tz, r.art, r.len, &toks, &err)) {
      fprintf(stderr, "assay_bench: %s\n", err.message);
      return 1;
    }
    size_t n = 0, ns = 0;
    assay_tokens_get(toks, &n);
    assay_tokens_sentences(toks, &ns);
    ntok += n;
    nsent += ns;
    assay_tokens_free(toks);
  }
  double t = bench_now() - t0;
  char extra[64];
  snprintf(extra, sizeof extra, "\"sentences\": %zu", nsent);
  bench_report("tokenize", r.bytes, t, ntok, nsent, extra);
  assay_tokenizer_free(tz);
  bench_close(&r);
  return 0;
}

/* ---- lexicon ----------------------------------------------------------- */

static int count_lex(void *ud, const assay_lexicon_match *m) {
  (void)m;
  ++*(size_t *)ud;
  return ASSAY_OK;
}

/* Writes a lexicon image to a stream. */
static int image_put(void *ud, const void *p, size_t n) {
  return fwrite(p, 1, n, ud) == n ? ASSAY_OK : ASSAY_EIO;
}

static int mode_lexicon(const char *corpus, const char *lexfile) {
  bench_reader r;
  assay_error err;
  assay_tokenizer *tz = NULL;
  assay_lexicon *lx = NULL;
  if (bench_open(&r, corpus)) return 1;
  double t0 = bench_now();
  if (assay_tokenizer_new(&tz, NULL, &err) ||
      assay_lexicon_new(&lx, ASSAY_LEX_FOLD, NULL) ||
      assay_lexicon_load(lx, lexfile, &err) || assay_lexicon_freeze(lx)) {
    fprintf(stderr, "assay_bench: %s: %s\n", lexfile,
            lx ? assay_lexicon_errmsg(lx) : err.message);
    return 1;
  }
  double load = bench_now() - t0;
  double load_rss = bench_rss_mb();
  size_t ntok = 0, nmatch = 0;
  double scan = 0;
  while (bench_next(&r) > 0) {
    assay_tokens *toks = NULL;
    if (assay_tokenize(tz, r.art, r.len, &toks, &err)) return 1;
    size_t n = 0;
    const assay_token *tk = assay_tokens_get(toks, &n);
    double s0 = bench_now();
    assay_lexicon_scan(lx, tk, n, r.art, count_lex, &nmatch);
    scan += bench_now() - s0;
    ntok += n;
    assay_tokens_free(toks);
  }
  double t = bench_now() - t0;
  size_t entries = assay_lexicon_entry_count(lx);
  double bytes_per_entry =
      entries ? (double)assay_lexicon_memory(lx) / (double)entries : 0.0;
  /* The same lexicon read back from its image (what the compile cache
   * does instead of loading the YAML), after the scan. */
  /* Through a temporary file, so that the lexicon is freed before the
   * image is read back and the peak RSS stays the load's. */
  FILE *tmp = tmpfile();
  assay_lexicon *copy = NULL;
  if (!tmp || assay_lexicon_write_image(lx, image_put, tmp) || fflush(tmp)) {
    fprintf(stderr, "assay_bench: cannot write the image of %s\n", lexfile);
    return 1;
  }
  assay_lexicon_free(lx);
  long img_len = ftell(tmp);
  char *img = img_len > 0 ? malloc((size_t)img_len) : NULL;
  rewind(tmp);
  if (!img || fread(img, 1, (size_t)img_len, tmp) != (size_t)img_len) {
    fprintf(stderr, "assay_bench: cannot read the image of %s back\n", lexfile);
    return 1;
  }
  fclose(tmp);
  double i0 = bench_now();
  if (assay_lexicon_read_image(&copy, img, (size_t)img_len, NULL, &err)) {
    fprintf(stderr, "assay_bench: %s\n", err.message);
    return 1;
  }
  double image_load = bench_now() - i0;
  assay_lexicon_free(copy);
  free(img);
  char extra[256];
  snprintf(extra, sizeof extra,
           "\"entries\": %zu, \"load_seconds\": %.3f, \"load_rss_mb\": %.1f, "
           "\"bytes_per_entry\": %.1f, \"scan_seconds\": %.4f, "
           "\"image_load_seconds\": %.4f, \"image_mb\": %.1f",
           entries, load, load_rss, bytes_per_entry, scan, image_load,
           (double)img_len / 1e6);
  bench_report("lexicon", r.bytes, t, ntok, nmatch, extra);
  assay_tokenizer_free(tz);
  bench_close(&r);
  return 0;
}

/* ---- regexes and token patterns ---------------------------------------- */

/* Reads the non-empty, non-comment ('#') lines of a file. */
static char **read_lines(const char *path, size_t *n) {
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "assay_bench: %s: %s\n", path, strerror(errno));
    return NULL;
  }
  char **v = NULL, *line = NULL;
  size_t cap = 0, count = 0;
  ssize_t len;
  while ((len = getline(&line, &cap, f)) > 0) {
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
      line[--len] = '\0';
    if (!len || line[0] == '#') continue;
    char **p = realloc(v, (count + 1) * sizeof *v);
    if (!p) break;
    v = p;
    v[count++] = strdup(line);
  }
  free(line);
  fclose(f);
  *n = count;
  return v;
}

static void free_lines(char **v, size_t n) {
  for (size_t i = 0; i < n; i++) free(v[i]);
  free(v);
}

static int count_rx(void *ud, const assay_regex_match *m) {
  (void)m;
  ++*(size_t *)ud;
  return ASSAY_OK;
}

static int mode_regex(const char *corpus, const char *file) {
  bench_reader r;
  assay_error err;
  size_t nrx = 0;
  char **src = read_lines(file, &nrx);
  if (!src || bench_open(&r, corpus)) return 1;
  double t0 = bench_now();
  assay_regex **rx = calloc(nrx, sizeof *rx);
  for (size_t i = 0; i < nrx; i++)
    if (assay_regex_new(&rx[i], src[i], 0, NULL, &err)) {
      fprintf(stderr, "assay_bench: %s: %s\n", src[i], err.message);
      return 1;
    }
  size_t nmatch = 0;
  while (bench_next(&r) > 0)
    for (size_t i = 0; i < nrx; i++)
      if (assay_regex_scan(rx[i], r.art, r.len, NULL, 0, NULL, count_rx,
                           &nmatch, &err) < 0) {
        fprintf(stderr, "assay_bench: %s: %s\n", src[i], err.message);
        return 1;
      }
  double t = bench_now() - t0;
  char extra[64];
  snprintf(extra, sizeof extra, "\"regexes\": %zu", nrx);
  bench_report("regex", r.bytes, t, 0, nmatch, extra);
  for (size_t i = 0; i < nrx; i++) assay_regex_free(rx[i]);
  free(rx);
  free_lines(src, nrx);
  bench_close(&r);
  return 0;
}

static int count_pat(void *ud, const assay_pattern_match *m) {
  (void)m;
  ++*(size_t *)ud;
  return ASSAY_OK;
}

static int mode_pattern(const char *corpus, const char *file) {
  bench_reader r;
  assay_error err;
  assay_tokenizer *tz = NULL;
  size_t npat = 0;
  char **src = read_lines(file, &npat);
  if (!src || bench_open(&r, corpus)) return 1;
  double t0 = bench_now();
  if (assay_tokenizer_new(&tz, NULL, &err)) return 1;
  assay_pattern **pat = calloc(npat, sizeof *pat);
  for (size_t i = 0; i < npat; i++)
    if (assay_pattern_new(&pat[i], src[i], NULL, &err)) {
      fprintf(stderr, "assay_bench: %s: %s\n", src[i], err.message);
      return 1;
    }
  size_t ntok = 0, nmatch = 0;
  while (bench_next(&r) > 0) {
    assay_doc *doc = NULL;
    if (assay_doc_new(&doc, "a", r.art, r.len, NULL, &err) ||
        assay_doc_tokenize(doc, tz)) {
      fprintf(stderr, "assay_bench: cannot tokenize an article\n");
      return 1;
    }
    size_t n = 0;
    assay_doc_tokens(doc, &n);
    ntok += n;
    for (size_t i = 0; i < npat; i++)
      if (assay_pattern_scan(pat[i], doc, count_pat, &nmatch, &err) < 0) {
        fprintf(stderr, "assay_bench: %s: %s\n", src[i], err.message);
        return 1;
      }
    assay_doc_free(doc);
  }
  double t = bench_now() - t0;
  char extra[64];
  snprintf(extra, sizeof extra, "\"patterns\": %zu", npat);
  bench_report("pattern", r.bytes, t, ntok, nmatch, extra);
  for (size_t i = 0; i < npat; i++) assay_pattern_free(pat[i]);
  free(pat);
  assay_tokenizer_free(tz);
  free_lines(src, npat);
  bench_close(&r);
  return 0;
}

/* ---- JSON Lines for assay extract -------------------------------------- */

/* One record an article: {"id", "text", "meta": {"published"}}, the date
 * of the article at the same position in the refdates file (which is
 * cycled when the corpus repeats). */
static int mode_jsonl(const char *corpus, const char *refdates) {
  bench_reader r;
  size_t ndates = 0;
  char **dates = read_lines(refdates, &ndates);
  if (!dates || !ndates || bench_open(&r, corpus)) return 1;
  size_t i = 0;
  while (bench_next(&r) > 0) {
    char id[32];
    snprintf(id, sizeof id, "n%07zu", i);
    json_t *o = json_pack("{s:s, s:s#, s:{s:s}}", "id", id, "text", r.art,
                          (int)r.len, "meta", "published", dates[i % ndates]);
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    if (!s) return 1;
    fputs(s, stdout);
    fputc('\n', stdout);
    free(s);
    json_decref(o);
    i++;
  }
  free_lines(dates, ndates);
  bench_close(&r);
  return 0;
}

/* ---- the JSON ceiling ---------------------------------------------------- */

/* What every `assay extract` task over JSON Lines pays before any rule:
 * jansson's parse of each line, with the flags src/input.c gives it, and
 * the text taken out.  Reports the bytes of the texts, so that its MB/s is
 * in the unit of the extract tasks' (the corpus's bytes). */
static int mode_json(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "assay_bench: %s: %s\n", path, strerror(errno));
    return 1;
  }
  char *line = NULL;
  size_t cap = 0, text_bytes = 0, docs = 0, lineno = 0;
  ssize_t n;
  double t0 = bench_now();
  while ((n = getline(&line, &cap, f)) > 0) {
    lineno++;
    json_error_t je;
    json_t *o = json_loadb(line, (size_t)n,
                           JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    json_t *text = o ? json_object_get(o, "text") : NULL;
    if (!json_is_string(text)) {
      fprintf(stderr, "assay_bench: %s:%zu: %s\n", path, lineno,
              o ? "no \"text\" string" : je.text);
      json_decref(o);
      free(line);
      fclose(f);
      return 1;
    }
    text_bytes += json_string_length(text);
    docs++;
    json_decref(o);
  }
  double t = bench_now() - t0;
  free(line);
  fclose(f);
  char extra[64];
  snprintf(extra, sizeof extra, "\"documents\": %zu", docs);
  bench_report("json", text_bytes, t, 0, docs, extra);
  return 0;
}

/* ---- a whole program --------------------------------------------------- */

/* Runs argv with stdout to /dev/null; the time and peak RSS are the
 * child's, whole process (start-up included).  The child's ru_maxrss
 * starts from our own RSS at fork time, which is small. */
static int mode_exec(char **argv) {
  double t0 = bench_now();
  pid_t pid = fork();
  if (pid < 0) return 1;
  if (pid == 0) {
    if (!freopen("/dev/null", "w", stdout)) _exit(127);
    execvp(argv[0], argv);
    fprintf(stderr, "assay_bench: %s: %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  int status = 0;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) < 0) return 1;
  double t = bench_now() - t0;
  int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  printf("{\"mode\": \"exec\", \"seconds\": %.4f, \"peak_rss_mb\": %.1f, "
         "\"user_seconds\": %.3f, \"status\": %d}\n",
         t, (double)ru.ru_maxrss / 1024.0,
         (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6, rc);
  return rc;
}

int main(int argc, char **argv) {
  if (argc >= 3 && !strcmp(argv[1], "exec")) return mode_exec(argv + 2);
  if (argc == 3 && !strcmp(argv[1], "limit")) return mode_limit(argv[2]);
  if (argc == 3 && !strcmp(argv[1], "tokenize")) return mode_tokenize(argv[2]);
  if (argc == 4 && !strcmp(argv[1], "lexicon"))
    return mode_lexicon(argv[2], argv[3]);
  if (argc == 4 && !strcmp(argv[1], "regex")) return mode_regex(argv[2], argv[3]);
  if (argc == 4 && !strcmp(argv[1], "pattern"))
    return mode_pattern(argv[2], argv[3]);
  if (argc == 4 && !strcmp(argv[1], "jsonl")) return mode_jsonl(argv[2], argv[3]);
  if (argc == 3 && !strcmp(argv[1], "json")) return mode_json(argv[2]);
  fprintf(stderr, "usage: assay_bench limit|tokenize CORPUS\n"
                  "       assay_bench lexicon|regex|pattern CORPUS FILE\n"
                  "       assay_bench jsonl CORPUS REFDATES\n"
                  "       assay_bench json FILE.jsonl\n"
                  "       assay_bench exec CMD ARGS...\n");
  return 2;
}
