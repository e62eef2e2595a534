/*
 * once.h -- work done at first use, once, whichever thread gets there
 * first: a compiled rule pack is shared by threads and immutable but for
 * what is cheaper made late, such as a regex's machine code (PCRE2 JIT
 * compilation of every regex of a pack was a fifth of the start-up, and a
 * short run reaches few of them).
 */
#ifndef ASSAY_ONCE_H
#define ASSAY_ONCE_H

#include <stdatomic.h>

/* Runs fn(arg) unless *done says it ran, and sets *done; safe from any
 * number of threads: every caller returns after fn is over, and sees what
 * it wrote.  *done starts at 0.  One lock for all, taken only while some
 * work is not done yet. */
void once_run(atomic_int *done, void (*fn)(void *arg), void *arg);

#endif
