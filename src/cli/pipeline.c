/*
 * pipeline.c -- worker threads that keep input order: one reader, N
 * workers (each with its own scanner), one writer, over a ring of jobs;
 * a job is written only when every earlier one has been, and the ring's
 * size bounds the documents in flight.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

enum { JOB_EMPTY, JOB_READY, JOB_TAKEN, JOB_DONE };

typedef struct slot {
  cli_job job;
  int state;
} slot;

typedef struct pipeline {
  const cli_pipeline_ops *ops;
  slot *ring;
  size_t cap;
  size_t next_read;  /* seq of the next job read */
  size_t next_take;  /* seq of the next job a worker takes */
  size_t next_write; /* seq of the next job written */
  int eof;
  pthread_mutex_t mu;
  pthread_cond_t changed;
} pipeline;

int cli_cores(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
}

static void *worker_main(void *arg) {
  pipeline *p = arg;
  void *w = p->ops->worker_new(p->ops->ud);
  pthread_mutex_lock(&p->mu);
  for (;;) {
    while (p->next_take == p->next_read && !p->eof)
      pthread_cond_wait(&p->changed, &p->mu);
    if (p->next_take == p->next_read && p->eof) break;
    slot *s = &p->ring[p->next_take % p->cap];
    p->next_take++;
    s->state = JOB_TAKEN;
    pthread_mutex_unlock(&p->mu);
    if (w) {
      p->ops->process(p->ops->ud, w, &s->job);
    } else {
      s->job.failed = 1;
    }
    pthread_mutex_lock(&p->mu);
    s->state = JOB_DONE;
    pthread_cond_broadcast(&p->changed);
  }
  pthread_mutex_unlock(&p->mu);
  if (w) p->ops->worker_free(p->ops->ud, w);
  return NULL;
}

/* Writes every finished job at the head of the ring; called locked. */
static void drain(pipeline *p) {
  while (p->next_write < p->next_read) {
    slot *s = &p->ring[p->next_write % p->cap];
    if (s->state != JOB_DONE) break;
    pthread_mutex_unlock(&p->mu);
    p->ops->write(p->ops->ud, &s->job);
    pthread_mutex_lock(&p->mu);
    memset(s, 0, sizeof *s);
    p->next_write++;
  }
}

/* One thread: read, process, write, one job at a time. */
static int run_inline(const cli_pipeline_ops *ops) {
  void *w = ops->worker_new(ops->ud);
  if (!w) return -1;
  cli_job job;
  for (size_t seq = 0;; seq++) {
    memset(&job, 0, sizeof job);
    job.seq = seq;
    if (!ops->read(ops->ud, &job)) break;
    ops->process(ops->ud, w, &job);
    ops->write(ops->ud, &job);
  }
  ops->worker_free(ops->ud, w);
  return 0;
}

int cli_pipeline_run(const cli_pipeline_ops *ops, int nthreads) {
  if (nthreads <= 1) return run_inline(ops);
  pipeline p;
  memset(&p, 0, sizeof p);
  p.ops = ops;
  p.cap = (size_t)nthreads * 4;
  p.ring = calloc(p.cap, sizeof *p.ring);
  pthread_t *threads = calloc((size_t)nthreads, sizeof *threads);
  if (!p.ring || !threads) {
    free(p.ring);
    free(threads);
    return -1;
  }
  pthread_mutex_init(&p.mu, NULL);
  pthread_cond_init(&p.changed, NULL);
  int started = 0;
  for (int i = 0; i < nthreads; i++)
    if (pthread_create(&threads[i], NULL, worker_main, &p) == 0) started++;
  pthread_mutex_lock(&p.mu);
  while (started > 0) {
    drain(&p);
    if (p.eof) {
      if (p.next_write == p.next_read) break;
      pthread_cond_wait(&p.changed, &p.mu);
      continue;
    }
    if (p.next_read - p.next_write >= p.cap) {
      pthread_cond_wait(&p.changed, &p.mu);
      continue;
    }
    slot *s = &p.ring[p.next_read % p.cap];
    pthread_mutex_unlock(&p.mu);
    memset(&s->job, 0, sizeof s->job);
    s->job.seq = p.next_read;
    int more = ops->read(ops->ud, &s->job);
    pthread_mutex_lock(&p.mu);
    if (more) {
      s->state = JOB_READY;
      p.next_read++;
    } else {
      p.eof = 1;
    }
    pthread_cond_broadcast(&p.changed);
  }
  p.eof = 1;
  pthread_cond_broadcast(&p.changed);
  pthread_mutex_unlock(&p.mu);
  for (int i = 0; i < started; i++) pthread_join(threads[i], NULL);
  pthread_mutex_destroy(&p.mu);
  pthread_cond_destroy(&p.changed);
  free(p.ring);
  free(threads);
  return started == nthreads ? 0 : -1;
}
