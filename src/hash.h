/*
 * hash.h -- the 64-bit finalizer (MurmurHash3's fmix64) that the lexicon's
 * tables and the compile cache's keys share: it spreads every input bit
 * over the whole word, so that the low and the high bits both make good
 * slot numbers.
 */
#ifndef ASSAY_HASH_H
#define ASSAY_HASH_H

#include <stdint.h>

static inline uint64_t hash_mix64(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

#endif
