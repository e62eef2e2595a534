/*
 * jit_once.c -- PCRE2 JIT compilation on first use (jit_once.h): one lock
 * for all regexes, taken only by the first match of each.
 */
#include <pthread.h>

#include "jit_once.h"

static pthread_mutex_t jit_lock = PTHREAD_MUTEX_INITIALIZER;

int jit_once(pcre2_code *code, atomic_int *state) {
  int s = atomic_load_explicit(state, memory_order_acquire);
  if (s != JIT_NOT_YET) return s == JIT_READY;
  pthread_mutex_lock(&jit_lock);
  s = atomic_load_explicit(state, memory_order_relaxed);
  if (s == JIT_NOT_YET) {
    /* JIT is an optimisation: without it the interpreter runs the same. */
    s = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0 ? JIT_READY
                                                         : JIT_NONE;
    atomic_store_explicit(state, s, memory_order_release);
  }
  pthread_mutex_unlock(&jit_lock);
  return s == JIT_READY;
}
