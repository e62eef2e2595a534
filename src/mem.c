/*
 * mem.c -- the allocator every library allocation goes through, and the
 * per-document bump arena (see mem.h).
 */
#include "mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *mem_default_fn(void *ud, void *ptr, size_t osize, size_t nsize) {
  (void)ud;
  (void)osize;
  if (nsize == 0) {
    free(ptr);
    return NULL;
  }
  return realloc(ptr, nsize);
}

assay_allocator mem_resolve(const assay_allocator *a) {
  assay_allocator r = {mem_default_fn, NULL};
  if (a && a->fn) r = *a;
  return r;
}

void *mem_alloc(const assay_allocator *a, size_t n) {
  if (a && a->fn) return a->fn(a->ud, NULL, 0, n ? n : 1);
  return malloc(n ? n : 1);
}

void *mem_calloc(const assay_allocator *a, size_t n, size_t size) {
  if (size && n > SIZE_MAX / size) return NULL;
  size_t bytes = n * size;
  void *p = mem_alloc(a, bytes);
  if (p) memset(p, 0, bytes > 0 ? bytes : 1);
  return p;
}

void *mem_realloc(const assay_allocator *a, void *p, size_t old, size_t n) {
  if (a && a->fn) return a->fn(a->ud, p, old, n ? n : 1);
  return realloc(p, n ? n : 1);
}

void mem_free(const assay_allocator *a, void *p, size_t n) {
  if (!p) return;
  if (a && a->fn)
    a->fn(a->ud, p, n, 0);
  else
    free(p);
}

char *mem_strdup(const assay_allocator *a, const char *s) {
  size_t n = strlen(s) + 1;
  char *p = mem_alloc(a, n);
  if (p) memcpy(p, s, n);
  return p;
}

int mem_grow_slow(const assay_allocator *a, void **items, size_t *cap,
                  size_t need, size_t elem) {
  if (need <= *cap) return 0;
  size_t ncap = *cap ? *cap : 8;
  while (ncap < need) {
    if (ncap > SIZE_MAX / 2 / elem) return -1;
    ncap *= 2;
  }
  void *p = mem_realloc(a, *items, *cap * elem, ncap * elem);
  if (!p) return -1;
  *items = p;
  *cap = ncap;
  return 0;
}

struct arena_chunk {
  arena_chunk *next;
  size_t size; /* usable bytes after the header */
  size_t used;
  /* data follows, 16-aligned */
};

#define ARENA_HEADER ((sizeof(arena_chunk) + 15) & ~(size_t)15)
#define ARENA_MIN_CHUNK ((size_t)16 * 1024)

void arena_init(arena *ar, const assay_allocator *a) {
  ar->alloc = mem_resolve(a);
  ar->head = NULL;
  ar->used = 0;
  ar->total = 0;
}

void *arena_alloc(arena *ar, size_t n) {
  n = (n + 7) & ~(size_t)7;
  if (n == 0) n = 8;
  arena_chunk *c = ar->head;
  if (!c || c->size - c->used < n) {
    /* Chunks double with the arena so a big document needs few of them. */
    size_t size = ARENA_MIN_CHUNK;
    if (ar->total / 2 > size) size = ar->total / 2;
    if (size > (size_t)4 << 20) size = (size_t)4 << 20;
    if (n > size) size = n;
    c = mem_alloc(&ar->alloc, ARENA_HEADER + size);
    if (!c) return NULL;
    c->size = size;
    c->used = 0;
    /* A big one-off block goes behind the current chunk so that chunk's
     * free space stays usable. */
    if (ar->head && n == size) {
      c->next = ar->head->next;
      ar->head->next = c;
    } else {
      c->next = ar->head;
      ar->head = c;
    }
    ar->total += size;
  }
  void *p = (char *)c + ARENA_HEADER + c->used;
  c->used += n;
  ar->used += n;
  return p;
}

char *arena_strndup(arena *ar, const char *s, size_t n) {
  char *p = arena_alloc(ar, n + 1);
  if (!p) return NULL;
  if (n) memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *arena_strdup(arena *ar, const char *s) {
  return arena_strndup(ar, s, strlen(s));
}

int arena_owns(const arena *ar, const void *p) {
  uintptr_t x = (uintptr_t)p;
  for (const arena_chunk *c = ar->head; c; c = c->next) {
    uintptr_t data = (uintptr_t)c + ARENA_HEADER;
    if (x >= data && x < data + c->size) return 1;
  }
  return 0;
}

void arena_release(arena *ar) {
  arena_chunk *c = ar->head;
  while (c) {
    arena_chunk *next = c->next;
    mem_free(&ar->alloc, c, ARENA_HEADER + c->size);
    c = next;
  }
  ar->head = NULL;
  ar->used = 0;
  ar->total = 0;
}
