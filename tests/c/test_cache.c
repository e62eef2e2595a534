/*
 * test_cache.c -- the compile cache's files (src/cache.c): keys that tell
 * their inputs apart, whole files back or none (missing, cut short,
 * damaged, foreign), the folder's making and refusal, and the bound on its
 * size.  What the compiler keeps there is tests/e2e/test_cache.sh's.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "cache.h"
#include "check.h"

static char root[] = "/tmp/assay_test_cache_XXXXXX";

static cache_key key_of(const char *sort, const char *a, const char *b) {
  cache_key k;
  cache_key_init(&k, sort);
  cache_key_add(&k, a, strlen(a));
  if (b) cache_key_add(&k, b, strlen(b));
  return k;
}

static int same_key(cache_key x, cache_key y) {
  return x.a == y.a && x.b == y.b;
}

static void key_cases(void) {
  CHECK(same_key(key_of("lua", "ab", "c"), key_of("lua", "ab", "c")));
  /* pieces do not run together, sorts and contents are told apart */
  CHECK(!same_key(key_of("lua", "ab", "c"), key_of("lua", "a", "bc")));
  CHECK(!same_key(key_of("lua", "ab", NULL), key_of("lexicon", "ab", NULL)));
  CHECK(!same_key(key_of("lua", "ab", NULL), key_of("lua", "ac", NULL)));
  cache_key empty, nul;
  cache_key_init(&empty, "lua");
  cache_key_add(&empty, "", 0);
  cache_key_init(&nul, "lua");
  cache_key_add(&nul, "\0", 1);
  CHECK(!same_key(empty, nul));
  /* a long input: a change in its last byte changes the key */
  char big[1000];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  cache_key k1 = key_of("lua", big, NULL);
  big[sizeof big - 2] = 'y';
  CHECK(!same_key(k1, key_of("lua", big, NULL)));
  CHECK(cache_checksum("abc", 3) != cache_checksum("abd", 3));
  CHECK(cache_checksum("abc", 3) == cache_checksum("abc", 3));
}

/* The one file of dir whose name starts with prefix, into path. */
static int only_file(const char *dir, const char *prefix, char *path,
                     size_t size) {
  DIR *d = opendir(dir);
  int found = 0;
  for (struct dirent *e; d && (e = readdir(d));)
    if (!strncmp(e->d_name, prefix, strlen(prefix))) {
      snprintf(path, size, "%s/%s", dir, e->d_name);
      found++;
    }
  if (d) closedir(d);
  return found == 1 ? 0 : -1;
}

static int count_files(const char *dir) {
  DIR *d = opendir(dir);
  int n = 0;
  for (struct dirent *e; d && (e = readdir(d));) n += e->d_name[0] != '.';
  if (d) closedir(d);
  return n;
}

static int get(const char *dir, cache_key k, char **data, size_t *len) {
  assay_allocator a = {NULL, NULL};
  return cache_get(dir, "lua", &k, &a, data, len);
}

static void file_cases(void) {
  char dir[128];
  snprintf(dir, sizeof dir, "%s/a/b/cache", root);
  CHECK_INT(cache_dir_ready(dir), 1); /* made, parents too */
  struct stat st;
  CHECK(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700);

  cache_key k = key_of("lua", "file.lua", "return 1");
  char *data;
  size_t len;
  CHECK_INT(get(dir, k, &data, &len), ASSAY_ENOTFOUND);
  CHECK(data == NULL);
  const char payload[] = "some bytecode\0with a NUL";
  CHECK_INT(cache_put(dir, "lua", &k, payload, sizeof payload), ASSAY_OK);
  CHECK_INT(get(dir, k, &data, &len), ASSAY_OK);
  CHECK_INT(len, sizeof payload);
  CHECK(data && memcmp(data, payload, sizeof payload) == 0);
  free(data);
  /* another key does not find it */
  CHECK_INT(get(dir, key_of("lua", "file.lua", "return 2"), &data, &len),
            ASSAY_ENOTFOUND);

  char path[4400];
  CHECK_INT(only_file(dir, "lua-", path, sizeof path), 0);
  /* a byte of the payload changed: the checksum refuses it */
  FILE *f = fopen(path, "r+b");
  CHECK(f != NULL);
  if (f) {
    fseek(f, -3, SEEK_END);
    fputc('#', f);
    fclose(f);
  }
  CHECK_INT(get(dir, k, &data, &len), ASSAY_ENOTFOUND);
  /* written again, then cut short */
  CHECK_INT(cache_put(dir, "lua", &k, payload, sizeof payload), ASSAY_OK);
  CHECK_INT(get(dir, k, &data, &len), ASSAY_OK);
  free(data);
  CHECK_INT(truncate(path, 30), 0);
  CHECK_INT(get(dir, k, &data, &len), ASSAY_ENOTFOUND);
  /* not a cache file at all */
  f = fopen(path, "wb");
  if (f) fputs("#!/bin/sh\necho not ours\n", f), fclose(f);
  CHECK_INT(get(dir, k, &data, &len), ASSAY_ENOTFOUND);
  CHECK_INT(count_files(dir), 1); /* no temporary file left behind */

  /* a folder others may write into is refused, and so is a file */
  char open_dir[128];
  snprintf(open_dir, sizeof open_dir, "%s/open", root);
  CHECK_INT(cache_dir_ready(open_dir), 1);
  CHECK_INT(chmod(open_dir, 0777), 0);
  CHECK_INT(cache_dir_ready(open_dir), 0);
  CHECK_INT(cache_dir_ready(path), 0);
  CHECK_INT(cache_dir_ready(""), 0);
}

/* Sets the modification time of dir/name to `when` seconds ago. */
static void age(const char *dir, const char *name, int when) {
  char path[4400];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  struct timeval tv[2];
  gettimeofday(&tv[0], NULL);
  tv[0].tv_sec -= when;
  tv[1] = tv[0];
  CHECK_INT(utimes(path, tv), 0);
}

static int exists(const char *dir, const char *name) {
  char path[4400];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return access(path, F_OK) == 0;
}

static void prune_cases(void) {
  char dir[128];
  snprintf(dir, sizeof dir, "%s/prune", root);
  CHECK_INT(cache_dir_ready(dir), 1);
  char payload[1000];
  memset(payload, 'p', sizeof payload);
  char names[10][256];
  for (int i = 0; i < 10; i++) {
    char src[16];
    snprintf(src, sizeof src, "%d", i);
    cache_key k = key_of("lexicon", src, NULL);
    CHECK_INT(cache_put(dir, "lexicon", &k, payload, sizeof payload),
              ASSAY_OK);
    /* the newest file is the one not yet named */
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));) {
      int seen = e->d_name[0] == '.';
      for (int j = 0; j < i && !seen; j++) seen = !strcmp(names[j], e->d_name);
      if (!seen) snprintf(names[i], sizeof names[i], "%s", e->d_name);
    }
    if (d) closedir(d);
    age(dir, names[i], 1000 - 10 * i); /* file 0 the oldest */
  }
  /* a foreign file, a dead writer's temporary file, a live writer's */
  char dead[300], live[300];
  snprintf(dead, sizeof dead, "%s.1.1.tmp", names[0]);
  snprintf(live, sizeof live, "%s.2.1.tmp", names[1]);
  const char *extra[] = {"notes.txt", dead, live};
  for (int i = 0; i < 3; i++) {
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, extra[i]);
    FILE *f = fopen(path, "wb");
    if (f) fwrite(payload, 1, sizeof payload, f), fclose(f);
  }
  age(dir, "notes.txt", 100000);
  age(dir, dead, 7200);
  CHECK_INT(count_files(dir), 13);

  /* under the bound: nothing goes but the dead writer's file */
  cache_prune(dir, 1 << 20);
  CHECK_INT(count_files(dir), 12);
  CHECK(!exists(dir, dead));
  CHECK(exists(dir, live));
  /* ten files of about 1 KB over a 5 KB bound: the oldest go until 3/4 of
   * it (3.75 KB) is left, the three newest */
  cache_prune(dir, 5000);
  for (int i = 0; i < 10; i++) CHECK_INT(exists(dir, names[i]), i >= 7);
  CHECK(exists(dir, "notes.txt"));
  CHECK(exists(dir, live));
}

int main(void) {
  if (!mkdtemp(root)) {
    perror("mkdtemp");
    return 1;
  }
  key_cases();
  file_cases();
  prune_cases();
  char cmd[160];
  snprintf(cmd, sizeof cmd, "chmod -R u+rwx '%s' && rm -rf '%s'", root, root);
  CHECK_INT(system(cmd), 0);
  return check_summary();
}
