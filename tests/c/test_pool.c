/*
 * test_pool.c -- the Lua state's small-object pool (pool.c): blocks are
 * 16-aligned and as large as asked, a freed block comes back for its own
 * size class and no other, chunks run out and are replaced, an allocator
 * that fails is reported as NULL, and pool_release gives every byte back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pool.h"

/* An allocator that counts live bytes and can be told to fail. */
typedef struct counting {
  long long live;
  int fail;
} counting;

static void *count_fn(void *ud, void *ptr, size_t osize, size_t nsize) {
  counting *c = ud;
  if (nsize == 0) {
    if (ptr) c->live -= (long long)osize;
    free(ptr);
    return NULL;
  }
  if (c->fail) return NULL;
  void *p = realloc(ptr, nsize);
  if (p) c->live += (long long)nsize - (long long)(ptr ? osize : 0);
  return p;
}

static void classes(void) {
  counting c = {0, 0};
  assay_allocator a = {count_fn, &c};
  pool p;
  pool_init(&p, &a);
  /* every size gets an aligned block it can fill without touching others */
  char *blocks[POOL_MAX + 1];
  for (size_t n = 1; n <= POOL_MAX; n++) {
    blocks[n] = pool_alloc(&p, n);
    CHECK(blocks[n] != NULL);
    CHECK_INT((uintptr_t)blocks[n] % 16, 0);
    memset(blocks[n], (int)(n & 0xff), n);
  }
  for (size_t n = 1; n <= POOL_MAX; n++)
    CHECK_INT((unsigned char)blocks[n][n - 1], n & 0xff);
  /* a freed block serves its class (17..32 here), last freed first */
  pool_free(&p, blocks[20], 20);
  pool_free(&p, blocks[30], 30);
  CHECK(pool_alloc(&p, 16) != blocks[30]); /* another class */
  CHECK(pool_alloc(&p, 32) == blocks[30]);
  CHECK(pool_alloc(&p, 17) == blocks[20]);
  CHECK(pool_same_class(17, 32));
  CHECK(!pool_same_class(16, 17));
  CHECK(pool_same_class(1, 16));
  pool_release(&p);
  CHECK_INT(c.live, 0);
}

static void chunks(void) {
  counting c = {0, 0};
  assay_allocator a = {count_fn, &c};
  pool p;
  pool_init(&p, &a);
  /* 1 MB of 256-byte blocks: many chunks, all distinct blocks */
  enum { N = 4096 };
  char **b = malloc(N * sizeof *b);
  CHECK(b != NULL);
  if (!b) return;
  for (int i = 0; i < N; i++) {
    b[i] = pool_alloc(&p, POOL_MAX);
    CHECK(b[i] != NULL);
    if (b[i]) memset(b[i], i & 0xff, POOL_MAX);
  }
  int intact = 1;
  for (int i = 0; i < N; i++)
    intact &= b[i] && (unsigned char)b[i][0] == (i & 0xff) &&
              (unsigned char)b[i][POOL_MAX - 1] == (i & 0xff);
  CHECK(intact);
  CHECK(c.live >= (long long)N * POOL_MAX);
  /* out of memory: NULL once the free list and the chunk are used up */
  c.fail = 1;
  int got_null = 0;
  for (int i = 0; i < 1024 && !got_null; i++)
    got_null = pool_alloc(&p, POOL_MAX) == NULL;
  CHECK(got_null);
  pool_free(&p, b[7], POOL_MAX);
  CHECK(pool_alloc(&p, POOL_MAX) == b[7]); /* the free list needs no chunk */
  c.fail = 0;
  pool_release(&p);
  CHECK_INT(c.live, 0);
  /* usable again after a release */
  char *x = pool_alloc(&p, 40);
  CHECK(x != NULL);
  pool_release(&p);
  CHECK_INT(c.live, 0);
  free(b);
}

int main(void) {
  classes();
  chunks();
  return check_summary();
}
