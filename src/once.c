/*
 * once.c -- work done at first use, once (once.h).
 */
#include <pthread.h>

#include "once.h"

static pthread_mutex_t once_lock = PTHREAD_MUTEX_INITIALIZER;

void once_run(atomic_int *done, void (*fn)(void *arg), void *arg) {
  if (atomic_load_explicit(done, memory_order_acquire)) return;
  pthread_mutex_lock(&once_lock);
  if (!atomic_load_explicit(done, memory_order_relaxed)) {
    fn(arg);
    atomic_store_explicit(done, 1, memory_order_release);
  }
  pthread_mutex_unlock(&once_lock);
}
