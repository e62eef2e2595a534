/*
 * check.h -- the C unit tests' tiny harness: CHECK macros that count
 * failures and print where, and a summary line that ctest reads as the
 * program's verdict (non-zero exit on any failure).
 */
#ifndef ASSAY_CHECK_H
#define ASSAY_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int check_failed, check_passed;

#define CHECK(cond)                                                     \
  do {                                                                  \
    if (cond) {                                                         \
      check_passed++;                                                   \
    } else {                                                            \
      check_failed++;                                                   \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__,  \
              #cond);                                                   \
    }                                                                   \
  } while (0)

#define CHECK_INT(a, b)                                                 \
  do {                                                                  \
    long long check_a_ = (long long)(a), check_b_ = (long long)(b);     \
    if (check_a_ == check_b_) {                                         \
      check_passed++;                                                   \
    } else {                                                            \
      check_failed++;                                                   \
      fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n", __FILE__,   \
              __LINE__, #a, check_a_, check_b_);                        \
    }                                                                   \
  } while (0)

#define CHECK_STR(a, b)                                                 \
  do {                                                                  \
    const char *check_a_ = (a), *check_b_ = (b);                        \
    if (check_a_ && check_b_ && strcmp(check_a_, check_b_) == 0) {      \
      check_passed++;                                                   \
    } else {                                                            \
      check_failed++;                                                   \
      fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n",         \
              __FILE__, __LINE__, #a, check_a_ ? check_a_ : "(null)",   \
              check_b_ ? check_b_ : "(null)");                          \
    }                                                                   \
  } while (0)

/* A deterministic PRNG (xorshift64) for the randomised tests: the same
 * seed, the same cases on every machine.  A number in [0, n). */
static uint64_t check_rng = 0x9E3779B97F4A7C15ull;
static inline unsigned check_rnd(unsigned n) {
  check_rng ^= check_rng << 13;
  check_rng ^= check_rng >> 7;
  check_rng ^= check_rng << 17;
  return (unsigned)(check_rng % n);
}

/* Prints "N passed, N failed" and gives the exit status. */
static inline int check_summary(void) {
  printf("%d passed, %d failed\n", check_passed, check_failed);
  return check_failed ? 1 : 0;
}

#endif
