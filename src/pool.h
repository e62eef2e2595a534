/*
 * pool.h -- a small-object allocator for one thread's Lua state.
 * Owns: blocks of up to POOL_MAX bytes in size classes of 16, carved from
 * 64 KB chunks and kept on a free list per class once freed.  A rule pack
 * makes and drops a few hundred thousand small tables and strings per
 * megabyte of text; a free-list pop costs a fraction of malloc.  Not
 * thread-safe: one pool per scanner.  Memory goes back to the allocator
 * only at pool_release.
 */
#ifndef ASSAY_POOL_H
#define ASSAY_POOL_H

#include <stddef.h>

#include "assay.h"

#define POOL_MAX 256

typedef struct pool_chunk pool_chunk;

typedef struct pool {
  assay_allocator alloc;
  void *free[POOL_MAX / 16]; /* per class: a list through the blocks */
  pool_chunk *chunks;        /* every chunk, newest first */
  char *bump;                /* the newest chunk's untouched rest */
  size_t left;
} pool;

void pool_init(pool *p, const assay_allocator *a);
/* A block of n bytes (1 <= n <= POOL_MAX), 16-aligned, or NULL when out
 * of memory. */
void *pool_alloc(pool *p, size_t n);
/* Gives back a block of pool_alloc(p, n) with the same n. */
void pool_free(pool *p, void *block, size_t n);
/* Do blocks of n and m bytes come from the same class (a resize in
 * place)? */
static inline int pool_same_class(size_t n, size_t m) {
  return (n + 15) / 16 == (m + 15) / 16;
}
/* Frees every chunk; the pool is empty and can be used again. */
void pool_release(pool *p);

#endif
