/*
 * cache.c -- the compile cache's files: keys, checksums, and reading and
 * writing whole files safely beside other processes (cache.h).  What goes
 * into the files is the callers' business (engine_cache.c).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "hash.h"
#include "mem.h"

/* A cached file: this header, then the payload. */
#define CACHE_MAGIC "ASSAYCF1"
typedef struct cache_header {
  char magic[8];
  uint64_t len;      /* payload bytes */
  uint64_t checksum; /* cache_checksum of the payload */
} cache_header;

/* ---- hashing ------------------------------------------------------------ */

/* Two lanes with different multipliers and mixing, for 128 bits. */
static void ck_word(cache_key *k, uint64_t w) {
  k->a = (k->a ^ w) * 0x9FB21C651E98DF25ULL;
  k->a ^= k->a >> 29;
  k->b += w * 0xC2B2AE3D27D4EB4FULL;
  k->b = ((k->b << 27) | (k->b >> 37)) * 0x87C37B91114253D5ULL;
}

static void ck_bytes(cache_key *k, const unsigned char *p, size_t n) {
  ck_word(k, (uint64_t)n);
  while (n >= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    ck_word(k, w);
    p += 8;
    n -= 8;
  }
  uint64_t w = 0;
  if (n) memcpy(&w, p, n); /* p may be NULL when there is nothing */
  ck_word(k, w ^ ((uint64_t)n << 56));
}

static void ck_seed(cache_key *k) {
  k->a = 0x243F6A8885A308D3ULL;
  k->b = 0x13198A2E03707344ULL;
}

void cache_key_init(cache_key *k, const char *sort) {
  ck_seed(k);
  ck_bytes(k, (const unsigned char *)eng_build_stamp, strlen(eng_build_stamp));
  ck_bytes(k, (const unsigned char *)sort, strlen(sort));
}

void cache_key_add(cache_key *k, const void *p, size_t n) {
  ck_bytes(k, p, n);
}

uint64_t cache_checksum(const void *data, size_t n) {
  cache_key k;
  ck_seed(&k);
  ck_bytes(&k, data, n);
  return hash_mix64(k.a ^ hash_mix64(k.b));
}

/* ---- files ---------------------------------------------------------------- */

/* dir/sort-<32 hex digits>; 0, or -1 when it does not fit. */
static int cache_path(char *buf, size_t size, const char *dir,
                      const char *sort, const cache_key *k) {
  uint64_t a = hash_mix64(k->a), b = hash_mix64(k->b ^ a);
  int n = snprintf(buf, size, "%s/%s-%016llx%016llx", dir, sort,
                   (unsigned long long)a, (unsigned long long)b);
  return n > 0 && (size_t)n < size ? 0 : -1;
}

int cache_dir_ready(const char *dir) {
  char p[4096];
  size_t n = strlen(dir);
  if (!n || n >= sizeof p) return 0;
  memcpy(p, dir, n + 1);
  for (size_t i = 1; i <= n; i++) {
    if (p[i] != '/' && p[i] != '\0') continue;
    char c = p[i];
    p[i] = '\0';
    if (mkdir(p, 0700) != 0 && errno != EEXIST) return 0;
    p[i] = c;
  }
  struct stat st;
  return stat(dir, &st) == 0 && S_ISDIR(st.st_mode) &&
         st.st_uid == geteuid() && !(st.st_mode & (S_IWGRP | S_IWOTH));
}

/* Reads (out 0) or writes (out 1) exactly n bytes of buf, again after an
 * interrupted call; 0, or -1 on an error or a short file. */
static int io_all(int fd, void *buf, size_t n, int out) {
  char *p = buf;
  while (n) {
    ssize_t r = out ? write(fd, p, n) : read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -1;
    p += r;
    n -= (size_t)r;
  }
  return 0;
}

static int read_all(int fd, void *buf, size_t n) { return io_all(fd, buf, n, 0); }

static int write_all(int fd, const void *buf, size_t n) {
  return io_all(fd, (void *)(uintptr_t)buf, n, 1); /* not written to */
}

int cache_get(const char *dir, const char *sort, const cache_key *k,
              const assay_allocator *a, char **data, size_t *len) {
  *data = NULL;
  *len = 0;
  char path[4200];
  if (cache_path(path, sizeof path, dir, sort, k)) return ASSAY_ENOTFOUND;
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return ASSAY_ENOTFOUND;
  struct stat st;
  cache_header h;
  int rc = ASSAY_ENOTFOUND;
  char *buf = NULL;
  if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
      (uint64_t)st.st_size < sizeof h || read_all(fd, &h, sizeof h) ||
      memcmp(h.magic, CACHE_MAGIC, 8) ||
      h.len != (uint64_t)st.st_size - sizeof h || h.len >= SIZE_MAX)
    goto done;
  if (!(buf = mem_alloc(a, (size_t)h.len + 1))) {
    rc = ASSAY_ENOMEM;
    goto done;
  }
  if (read_all(fd, buf, (size_t)h.len) ||
      cache_checksum(buf, (size_t)h.len) != h.checksum) {
    mem_free(a, buf, (size_t)h.len + 1);
    goto done;
  }
  buf[h.len] = '\0';
  *data = buf;
  *len = (size_t)h.len;
  rc = ASSAY_OK;
done:
  close(fd);
  return rc;
}

int cache_put(const char *dir, const char *sort, const cache_key *k,
              const void *data, size_t n) {
  static atomic_uint serial;
  char path[4200], tmp[4300];
  if (cache_path(path, sizeof path, dir, sort, k)) return ASSAY_EIO;
  snprintf(tmp, sizeof tmp, "%s.%ld.%u.tmp", path, (long)getpid(),
           atomic_fetch_add(&serial, 1));
  int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return ASSAY_EIO;
  cache_header h;
  memcpy(h.magic, CACHE_MAGIC, 8);
  h.len = n;
  h.checksum = cache_checksum(data, n);
  int bad = write_all(fd, &h, sizeof h) || write_all(fd, data, n);
  bad |= close(fd) != 0;
  if (bad || rename(tmp, path) != 0) {
    unlink(tmp);
    return ASSAY_EIO;
  }
  /* Once a process: a compile writes a few dozen files, and each scan
   * of the folder stats all of them. */
  static atomic_flag pruned = ATOMIC_FLAG_INIT;
  if (!atomic_flag_test_and_set(&pruned)) cache_prune(dir, CACHE_MAX_BYTES);
  return ASSAY_OK;
}

/* ---- bounding the folder ------------------------------------------------ */

typedef struct cache_file {
  char name[256];
  uint64_t size;
  time_t mtime;
} cache_file;

/* A name cache_path or cache_put makes: "sort-" and 32 hex digits, maybe
 * followed by ".PID.N.tmp" (*tmp set then). */
static int cache_name(const char *name, int *tmp) {
  const char *dash = strchr(name, '-');
  if (!dash || dash == name) return 0;
  for (const char *p = name; p < dash; p++)
    if (*p < 'a' || *p > 'z') return 0;
  for (int i = 1; i <= 32; i++)
    if (!dash[i] || !strchr("0123456789abcdef", dash[i])) return 0;
  const char *rest = dash + 33;
  size_t n = strlen(rest);
  *tmp = n > 4 && !strcmp(rest + n - 4, ".tmp");
  return !*rest || *tmp;
}

static int by_age(const void *a, const void *b) {
  const cache_file *x = a, *y = b;
  if (x->mtime != y->mtime) return x->mtime < y->mtime ? -1 : 1;
  return strcmp(x->name, y->name);
}

void cache_prune(const char *dir, uint64_t max) {
  DIR *d = opendir(dir);
  if (!d) return;
  cache_file *files = NULL;
  size_t n = 0, cap = 0;
  uint64_t total = 0;
  time_t now = time(NULL);
  char path[4400];
  struct dirent *e;
  while ((e = readdir(d))) {
    int tmp;
    struct stat st;
    if (!cache_name(e->d_name, &tmp) || strlen(e->d_name) >= 256) continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (lstat(path, &st) || !S_ISREG(st.st_mode)) continue;
    if (tmp) {
      /* A writer renames within seconds: an hour-old one died. */
      if (now - st.st_mtime > 3600) unlink(path);
      continue;
    }
    if (n == cap) {
      size_t ncap = cap ? 2 * cap : 64;
      cache_file *f = realloc(files, ncap * sizeof *f);
      if (!f) break;
      files = f;
      cap = ncap;
    }
    snprintf(files[n].name, sizeof files[n].name, "%s", e->d_name);
    files[n].size = (uint64_t)st.st_size;
    files[n].mtime = st.st_mtime;
    total += files[n++].size;
  }
  closedir(d);
  if (total > max) {
    qsort(files, n, sizeof *files, by_age);
    for (size_t i = 0; i < n && total > max / 4 * 3; i++) {
      snprintf(path, sizeof path, "%s/%s", dir, files[i].name);
      if (unlink(path) == 0) total -= files[i].size;
    }
  }
  free(files);
}
