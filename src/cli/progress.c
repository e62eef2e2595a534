/*
 * progress.c -- the progress line of long runs: documents, MB, MB/s and
 * the time left, on stderr when it is a terminal; silent otherwise.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

struct cli_progress {
  unsigned long long total, bytes;
  size_t docs;
  double start, last;
};

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

cli_progress *cli_progress_new(int quiet, unsigned long long total_bytes) {
  if (quiet || !isatty(STDERR_FILENO)) return NULL;
  cli_progress *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->total = total_bytes;
  p->start = p->last = now();
  return p;
}

static void show(cli_progress *p, double t) {
  double secs = t - p->start;
  double mb = (double)p->bytes / 1e6;
  double rate = secs > 0 ? mb / secs : 0;
  fprintf(stderr, "\r%zu documents, %.1f MB, %.1f MB/s", p->docs, mb, rate);
  if (p->total && rate > 0 && p->bytes <= p->total) {
    double left = ((double)(p->total - p->bytes) / 1e6) / rate;
    fprintf(stderr, ", %.0f s left   ", left);
  } else {
    fprintf(stderr, "   ");
  }
}

void cli_progress_add(cli_progress *p, size_t bytes) {
  if (!p) return;
  p->docs++;
  p->bytes += bytes;
  double t = now();
  /* Redraw a few times a second, not per document. */
  if (t - p->last >= 0.25) {
    p->last = t;
    show(p, t);
  }
}

void cli_progress_done(cli_progress *p) {
  if (!p) return;
  show(p, now());
  fputc('\n', stderr);
  free(p);
}

static unsigned long long walked;

static int add_file(const char *path, const struct stat *st, int flag,
                    struct FTW *ftw) {
  (void)path;
  (void)ftw;
  if (flag == FTW_F && S_ISREG(st->st_mode)) walked += (unsigned long long)st->st_size;
  return 0;
}

unsigned long long cli_input_bytes(const char *const *paths, int n) {
  /* nftw has no user pointer; the sum lives in a file-static variable that
   * only this function, on the program's main thread, touches. */
  walked = 0;
  for (int i = 0; i < n; i++) {
    struct stat st;
    if (stat(paths[i], &st) != 0) continue;
    if (S_ISREG(st.st_mode)) walked += (unsigned long long)st.st_size;
    else if (S_ISDIR(st.st_mode)) nftw(paths[i], add_file, 16, FTW_PHYS);
  }
  return walked;
}
