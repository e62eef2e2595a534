/*
 * cache.h -- the compile cache (cache.c): files that keep what compiling a
 * rule pack makes slowly and the next compile can reuse (a pack file's Lua
 * bytecode, a frozen lexicon's image), each named by a hash of everything
 * it was made from.  A file is found or it is not: a missing, foreign or
 * damaged file reads as missing, and the caller makes the thing again.
 */
#ifndef ASSAY_CACHE_H
#define ASSAY_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "assay.h"

/* The hash of the build's sources (build_stamp.c, made by CMake). */
extern const char eng_build_stamp[];

/* A 128-bit key, absorbed piece by piece.  Not cryptographic: it tells
 * contents apart, it does not resist an adversary (who could write the
 * cache folder could write the rule pack, too). */
typedef struct cache_key {
  uint64_t a, b;
} cache_key;

/* Starts a key for things of one sort (e.g. "lexicon"), seeded with the
 * build stamp, so that another build never reads this build's files. */
void cache_key_init(cache_key *k, const char *sort);
/* Absorbs n bytes, and n itself, so that pieces cannot run together. */
void cache_key_add(cache_key *k, const void *p, size_t n);

/* 64 bits of hash of data[0, n): the checksum of a cached file. */
uint64_t cache_checksum(const void *data, size_t n);

/* Makes dir (and its parents) when missing, mode 0700.  1 when dir is a
 * folder of this user that nobody else may write into (the cache holds
 * bytecode that is run), else 0: the cache is not used. */
int cache_dir_ready(const char *dir);

/* Reads the file of key k and sort `sort` from dir into *data (allocated
 * with a; *len bytes, freed with mem_free(a, *data, *len + 1)).  ASSAY_OK,
 * or ASSAY_ENOTFOUND when it is missing or not whole (wrong length or
 * checksum), ASSAY_ENOMEM. */
int cache_get(const char *dir, const char *sort, const cache_key *k,
              const assay_allocator *a, char **data, size_t *len);

/* Writes data[0, n) as the file of key k: to a temporary name, then renamed,
 * so that readers in other processes see the whole file or none.  ASSAY_OK
 * or ASSAY_EIO (the cache is a help, callers go on without it). */
int cache_put(const char *dir, const char *sort, const cache_key *k,
              const void *data, size_t n);

/* Bounds the folder: when its cache files (and leftover temporary files
 * of writers that died, after an hour) hold more than max bytes, removes
 * the least recently written until they hold at most 3/4 of max.  Other
 * files are never touched.  The first cache_put of a process calls it
 * with CACHE_MAX_BYTES. */
#define CACHE_MAX_BYTES ((uint64_t)256 << 20)
void cache_prune(const char *dir, uint64_t max);

#endif
