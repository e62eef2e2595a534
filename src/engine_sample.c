/*
 * engine_sample.c -- the line sampler of `--profile=lines`
 * (engine_sample.h).
 *
 * A POSIX timer on the scanning thread's CPU clock sends that thread
 * SIGPROF every few milliseconds of its CPU time (the kernel's tick rounds
 * the period up).  While a rule function runs, the handler asks the Lua
 * state for its hook at the next instruction, as lua.c stops a script on
 * ^C; the hook then records the line of every Lua frame on the stack:
 * "self" for the innermost, "total" for each.  The time of a C function
 * that Lua called (doc:annotations, a match table) goes to the line that
 * called it.  A signal outside rule functions counts the engine's own
 * time (matching, tokenizing, writing annotations).
 */
#include "engine_sample.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "mem.h"

#define SAMPLE_PERIOD_NS 1000000L /* asked for; the tick decides */
#define SAMPLE_DEPTH 64           /* frames read per sample */

struct eng_sampler {
  assay_allocator alloc;
  timer_t timer;
  int has_timer;
  long tid; /* the thread whose CPU clock the timer reads */
  volatile sig_atomic_t due;
  uint64_t lua, other;
  eng_line_row *rows;
  size_t nrows, rows_cap;
  uint32_t *slots; /* open addressing on (source, line): row + 1 */
  size_t nslots;
  const char **keys; /* per row: the chunk's source string, its key */
  size_t keys_cap;
};

/* The handler's view of its thread: the sampler of the scan running on
 * it, and the Lua state while a rule function runs.  Both are set before
 * the timer can fire on the thread (the first write makes the thread's
 * copy, which a handler must not be the one to do). */
static _Thread_local eng_sampler *volatile tls_sampler;
static _Thread_local lua_State *volatile tls_L;

static void sample_signal(int sig) {
  (void)sig;
  int saved = errno;
  eng_sampler *s = tls_sampler;
  if (s) {
    lua_State *L = tls_L;
    if (L) {
      s->due = 1;
      lua_sethook(L, lua_gethook(L), LUA_MASKCOUNT, 1);
    } else {
      s->other++;
    }
  }
  errno = saved;
}

eng_sampler *sample_new(const assay_allocator *alloc) {
  eng_sampler *s = mem_calloc(alloc, 1, sizeof *s);
  if (s) s->alloc = mem_resolve(alloc);
  return s;
}

void sample_free(eng_sampler *s) {
  if (!s) return;
  if (s->has_timer) timer_delete(s->timer);
  if (tls_sampler == s) tls_sampler = NULL;
  for (size_t i = 0; i < s->nrows; i++) {
    eng_line_row *r = &s->rows[i];
    mem_free(&s->alloc, r->file, strlen(r->file) + 1);
    if (r->name) mem_free(&s->alloc, r->name, strlen(r->name) + 1);
  }
  mem_free(&s->alloc, s->rows, s->rows_cap * sizeof *s->rows);
  mem_free(&s->alloc, s->keys, s->keys_cap * sizeof *s->keys);
  mem_free(&s->alloc, s->slots, s->nslots * sizeof *s->slots);
  assay_allocator a = s->alloc;
  mem_free(&a, s, sizeof *s);
}

/* The handler, for the whole process: installed (again, the same) with
 * each timer; without a sampler on the thread it does nothing. */
static int sample_install(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = sample_signal;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  return sigaction(SIGPROF, &sa, NULL);
}

int sample_arm(eng_sampler *s, char *msg, size_t size) {
  long tid = (long)syscall(SYS_gettid);
  if (s->has_timer && s->tid == tid) return ASSAY_OK;
  if (s->has_timer) { /* the scanner moved to another thread */
    timer_delete(s->timer);
    s->has_timer = 0;
  }
  /* this thread's copies of the handler's variables, made here and not in
   * the handler */
  tls_L = NULL;
  tls_sampler = NULL;
  struct sigevent ev;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_THREAD_ID;
  ev.sigev_signo = SIGPROF;
  ev._sigev_un._tid = (pid_t)tid;
  if (sample_install() != 0 ||
      timer_create(CLOCK_THREAD_CPUTIME_ID, &ev, &s->timer) != 0) {
    snprintf(msg, size, "--profile=lines: no timer on the thread's CPU "
             "clock: %s", strerror(errno));
    return ASSAY_EIO;
  }
  s->has_timer = 1;
  s->tid = tid;
  struct itimerspec every = {{0, SAMPLE_PERIOD_NS}, {0, SAMPLE_PERIOD_NS}};
  if (timer_settime(s->timer, 0, &every, NULL) != 0) {
    snprintf(msg, size, "--profile=lines: cannot start the timer: %s",
             strerror(errno));
    return ASSAY_EIO;
  }
  return ASSAY_OK;
}

int sample_begin(eng_sampler *s, char *msg, size_t size) {
  int st = sample_arm(s, msg, size);
  if (st == ASSAY_OK) tls_sampler = s;
  return st;
}

void sample_end(eng_sampler *s) {
  (void)s;
  tls_L = NULL;
  tls_sampler = NULL;
}

void sample_enter(eng_sampler *s, lua_State *L) {
  s->due = 0; /* a request that came after the last function returned */
  tls_L = L;
}

void sample_leave(eng_sampler *s) {
  (void)s;
  tls_L = NULL;
}

int sample_due(const eng_sampler *s) { return s->due; }

static uint32_t sample_hash(const char *source, int line) {
  uint64_t h = (uint64_t)(uintptr_t)source * 0x9E3779B97F4A7C15ull;
  h ^= (uint64_t)(uint32_t)line * 0xC2B2AE3D27D4EB4Full;
  return (uint32_t)(h >> 32);
}

/* Doubles the slots and places every row again. */
static int sample_grow(eng_sampler *s) {
  size_t n = s->nslots ? s->nslots * 2 : 256;
  uint32_t *slots = mem_calloc(&s->alloc, n, sizeof *slots);
  if (!slots) return -1;
  for (size_t i = 0; i < s->nrows; i++) {
    size_t h = sample_hash(s->keys[i], s->rows[i].line) & (n - 1);
    while (slots[h]) h = (h + 1) & (n - 1);
    slots[h] = (uint32_t)i + 1;
  }
  mem_free(&s->alloc, s->slots, s->nslots * sizeof *s->slots);
  s->slots = slots;
  s->nslots = n;
  return 0;
}

/* The row of (ar's chunk, line), made at its first sample; NULL when out
 * of memory (the sample is dropped). */
static eng_line_row *sample_row(eng_sampler *s, const lua_Debug *ar) {
  if ((s->nrows + 1) * 2 > s->nslots && sample_grow(s)) return NULL;
  size_t h = sample_hash(ar->source, ar->currentline) & (s->nslots - 1);
  for (; s->slots[h]; h = (h + 1) & (s->nslots - 1)) {
    eng_line_row *r = &s->rows[s->slots[h] - 1];
    if (s->keys[s->slots[h] - 1] == ar->source && r->line == ar->currentline)
      return r;
  }
  if (mem_grow(&s->alloc, (void **)&s->rows, &s->rows_cap, s->nrows + 1,
               sizeof *s->rows) ||
      mem_grow(&s->alloc, (void **)&s->keys, &s->keys_cap, s->nrows + 1,
               sizeof *s->keys))
    return NULL;
  eng_line_row *r = &s->rows[s->nrows];
  memset(r, 0, sizeof *r);
  r->file = mem_strdup(&s->alloc, ar->short_src);
  if (!r->file) return NULL;
  if (ar->name) r->name = mem_strdup(&s->alloc, ar->name);
  r->line = ar->currentline;
  r->defined = ar->linedefined;
  s->keys[s->nrows] = ar->source;
  s->slots[h] = (uint32_t)++s->nrows;
  return r;
}

void sample_take(eng_sampler *s, lua_State *L) {
  s->due = 0;
  lua_Debug ar;
  size_t seen[SAMPLE_DEPTH]; /* rows counted in this sample */
  int nseen = 0;
  for (int level = 0; level < SAMPLE_DEPTH && lua_getstack(L, level, &ar);
       level++) {
    if (!lua_getinfo(L, "Sln", &ar) || ar.currentline < 0) continue; /* C */
    eng_line_row *r = sample_row(s, &ar);
    if (!r) break;
    size_t i = (size_t)(r - s->rows);
    if (!nseen) r->self++;
    int again = 0; /* recursion: a line counts once a sample */
    for (int k = 0; k < nseen && !again; k++) again = seen[k] == i;
    if (!again) {
      r->total++;
      seen[nseen++] = i;
    }
  }
  s->lua++;
}

const eng_line_row *sample_rows(const eng_sampler *s, size_t *n,
                                uint64_t *lua, uint64_t *other) {
  *n = s->nrows;
  *lua = s->lua;
  *other = s->other;
  return s->rows;
}
