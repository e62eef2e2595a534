/*
 * rec_arena.c -- where the JSON tree of an output record lives.  Between
 * rec_arena_begin and rec_arena_end, jansson's allocations on the calling
 * thread come from that thread's bump arena: a record's tree (an object,
 * a hash table, keys, numbers and strings per annotation) then costs no
 * malloc per node, and rec_arena_end drops it whole instead of walking it
 * to free every node.  Outside that window, and on other threads,
 * jansson allocates with malloc as usual.  jansson's allocator is one for
 * the whole process, so only a host program installs this (assay extract
 * does); the library never does it on its own.
 */
#include <jansson.h>
#include <stdlib.h>

#include "mem.h"
#include "rec_arena.h"

static _Thread_local arena rec_space;
static _Thread_local int rec_open;

static void *rec_malloc(size_t n) {
  return rec_open ? arena_alloc(&rec_space, n) : malloc(n);
}

int rec_arena_holds(const void *p) {
  return rec_open && arena_owns(&rec_space, p);
}

/* Arena memory is given back only with the whole arena. */
static void rec_free(void *p) {
  if (p && !rec_arena_holds(p)) free(p);
}

void rec_arena_install(void) { json_set_alloc_funcs(rec_malloc, rec_free); }

void rec_arena_begin(void) {
  arena_init(&rec_space, NULL);
  rec_open = 1;
}

void rec_arena_end(void) {
  rec_open = 0;
  arena_release(&rec_space);
}
