/*
 * test_rec_arena.c -- JSON trees in a per-thread arena (rec_arena.c):
 * values made inside the window come from the arena and render the same
 * JSON as malloc'd ones; values made before it stay valid, can be freed
 * inside it and after it; each thread has its own window; arena_owns
 * tells arena memory from heap memory.  Run under ASan in CI, where a
 * heap free of arena memory or a use after rec_arena_end would fail.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mem.h"
#include "rec_arena.h"

/* A record-like tree: n annotations with numbers, strings and a span. */
static json_t *make_tree(int n) {
  json_t *rec = json_object(), *anns = json_array();
  json_object_set_new(rec, "doc", json_string("d1"));
  for (int i = 0; i < n; i++) {
    json_t *a = json_object(), *span = json_object();
    json_object_set_new(a, "id", json_integer(i + 1));
    json_object_set_new(a, "text", json_stringn("Pyongyang\xE2\x80\x99s", 12));
    json_object_set_new(span, "start", json_integer(2 * i));
    json_object_set_new(span, "end", json_integer(2 * i + 1));
    json_object_set_new(a, "source", span);
    json_object_set_new(a, "score", json_real(0.5));
    json_array_append_new(anns, a);
  }
  json_object_set_new(rec, "annotations", anns);
  return rec;
}

/* The text of make_tree(n), made with malloc (outside any window). */
static char *heap_text(int n) {
  json_t *t = make_tree(n);
  char *s = json_dumps(t, JSON_COMPACT | JSON_PRESERVE_ORDER);
  json_decref(t);
  return s;
}

static void same_json(void) {
  char *want = heap_text(300);
  CHECK(want != NULL);
  CHECK(strstr(want, "\"id\":300") != NULL);
  json_t *before = json_string("made before the window");
  rec_arena_begin();
  json_t *t = make_tree(300);
  char *got = json_dumps(t, JSON_COMPACT | JSON_PRESERVE_ORDER);
  CHECK_STR(got, want);
  CHECK(rec_arena_holds(t) && rec_arena_holds(got));
  CHECK(rec_arena_holds(json_object_get(t, "annotations")));
  CHECK(!rec_arena_holds(before));
  /* a heap value freed inside the window goes back to the heap */
  json_t *gone = json_string("freed inside");
  json_decref(gone);
  rec_arena_end(); /* t and got are gone with the arena, not freed */
  CHECK_STR(json_string_value(before), "made before the window");
  json_decref(before);
  /* the window opens again, and outside it values are malloc'd again */
  rec_arena_begin();
  json_t *again = make_tree(3);
  CHECK_INT(json_array_size(json_object_get(again, "annotations")), 3);
  CHECK(rec_arena_holds(again));
  rec_arena_end();
  CHECK(!rec_arena_holds(again)); /* closed: nothing is the arena's */
  char *after = heap_text(300);
  CHECK_STR(after, want);
  free(after);
  free(want);
}

static void *thread_main(void *arg) {
  int n = *(int *)arg;
  char *want = heap_text(n);
  int ok = 1;
  for (int round = 0; round < 20; round++) {
    rec_arena_begin();
    json_t *t = make_tree(n);
    char *got = json_dumps(t, JSON_COMPACT | JSON_PRESERVE_ORDER);
    ok &= got && want && strcmp(got, want) == 0 && rec_arena_holds(t);
    rec_arena_end();
  }
  free(want);
  *(int *)arg = ok;
  return NULL;
}

static void threads(void) {
  pthread_t th[3];
  int arg[3] = {50, 400, 7};
  for (int i = 0; i < 3; i++)
    CHECK_INT(pthread_create(&th[i], NULL, thread_main, &arg[i]), 0);
  for (int i = 0; i < 3; i++) {
    pthread_join(th[i], NULL);
    CHECK_INT(arg[i], 1);
  }
}

static void owns(void) {
  arena ar;
  arena_init(&ar, NULL);
  char *small = arena_alloc(&ar, 24);
  char *big = arena_alloc(&ar, (size_t)1 << 20); /* a chunk of its own */
  char *heap = malloc(24);
  CHECK(arena_owns(&ar, small));
  CHECK(arena_owns(&ar, small + 23));
  CHECK(arena_owns(&ar, big + ((size_t)1 << 20) - 1));
  CHECK(!arena_owns(&ar, heap));
  arena_release(&ar);
  CHECK(!arena_owns(&ar, small));
  free(heap);
}

int main(void) {
  rec_arena_install();
  owns();
  same_json();
  threads();
  return check_summary();
}
