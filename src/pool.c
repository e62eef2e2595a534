/*
 * pool.c -- a small-object allocator for one thread's Lua state (pool.h).
 */
#include <string.h>

#include "mem.h"
#include "pool.h"

#define POOL_CHUNK ((size_t)64 * 1024)

struct pool_chunk {
  pool_chunk *next;
  /* the blocks follow, 16-aligned: the header is padded to 16 bytes */
  char pad[16 - sizeof(pool_chunk *)];
};

void pool_init(pool *p, const assay_allocator *a) {
  memset(p, 0, sizeof *p);
  p->alloc = mem_resolve(a);
}

static size_t pool_class(size_t n) { return (n + 15) / 16 - 1; }

void *pool_alloc(pool *p, size_t n) {
  size_t c = pool_class(n), size = (c + 1) * 16;
  void *b = p->free[c];
  if (b) {
    memcpy(&p->free[c], b, sizeof(void *)); /* pop */
    return b;
  }
  if (p->left < size) {
    /* the old chunk's rest is lost to the pool: under POOL_MAX bytes */
    pool_chunk *ch = mem_alloc(&p->alloc, POOL_CHUNK);
    if (!ch) return NULL;
    ch->next = p->chunks;
    p->chunks = ch;
    p->bump = (char *)(ch + 1);
    p->left = POOL_CHUNK - sizeof *ch;
  }
  b = p->bump;
  p->bump += size;
  p->left -= size;
  return b;
}

void pool_free(pool *p, void *block, size_t n) {
  size_t c = pool_class(n);
  memcpy(block, &p->free[c], sizeof(void *)); /* push */
  p->free[c] = block;
}

void pool_release(pool *p) {
  while (p->chunks) {
    pool_chunk *next = p->chunks->next;
    mem_free(&p->alloc, p->chunks, POOL_CHUNK);
    p->chunks = next;
  }
  memset(p->free, 0, sizeof p->free);
  p->bump = NULL;
  p->left = 0;
}
