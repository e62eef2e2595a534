/*
 * mem.h -- the library's one allocator and the per-document arena.
 * Owns: routing every allocation through an assay_allocator, and the bump
 * arena in which a document keeps its strings, tokens and annotations.
 */
#ifndef ASSAY_MEM_H
#define ASSAY_MEM_H

#include <stddef.h>

#include "assay.h"

/* The allocator to use for `a`: a copy of *a, or the malloc-based default
 * when a is NULL or a->fn is NULL. */
assay_allocator mem_resolve(const assay_allocator *a);

/* malloc/realloc/free through an allocator; sizes must be given back to
 * mem_free exactly as allocated (the lua_Alloc contract). */
void *mem_alloc(const assay_allocator *a, size_t n);
void *mem_calloc(const assay_allocator *a, size_t n, size_t size);
void *mem_realloc(const assay_allocator *a, void *p, size_t old, size_t n);
void mem_free(const assay_allocator *a, void *p, size_t n);
/* A copy of s (strlen(s) + 1 bytes, freed with mem_free(a, p, len + 1)). */
char *mem_strdup(const assay_allocator *a, const char *s);

/* Grows *items (of *cap elements of size elem) to hold at least need
 * elements, doubling.  Returns 0, or -1 when out of memory (unchanged).
 * Inline when there is room: the pattern VM grows its lists per step. */
int mem_grow_slow(const assay_allocator *a, void **items, size_t *cap,
                  size_t need, size_t elem);
static inline int mem_grow(const assay_allocator *a, void **items,
                           size_t *cap, size_t need, size_t elem) {
  return need <= *cap ? 0 : mem_grow_slow(a, items, cap, need, elem);
}

/* A bump arena: many small allocations, freed together. */
typedef struct arena_chunk arena_chunk;
typedef struct arena {
  assay_allocator alloc;
  arena_chunk *head;
  size_t used;  /* bytes handed out */
  size_t total; /* bytes held in chunks */
} arena;

void arena_init(arena *ar, const assay_allocator *a);
/* n bytes aligned to 8, or NULL when out of memory. */
void *arena_alloc(arena *ar, size_t n);
/* A NUL-terminated copy of s[0, n). */
char *arena_strndup(arena *ar, const char *s, size_t n);
char *arena_strdup(arena *ar, const char *s);
/* Whether p points into one of the arena's chunks. */
int arena_owns(const arena *ar, const void *p);
/* Frees every chunk; the arena can be used again afterwards. */
void arena_release(arena *ar);

#endif
