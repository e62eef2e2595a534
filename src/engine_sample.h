/*
 * engine_sample.h -- `--profile=lines`: which lines of the rule files the
 * Lua time goes to, by sampling a scanning thread's CPU clock.  One
 * sampler per scanner; engine_scan.c calls it around each document and
 * each rule function, and from its instruction hook.
 */
#ifndef ASSAY_ENGINE_SAMPLE_H
#define ASSAY_ENGINE_SAMPLE_H

#include <lua.h>
#include <stddef.h>
#include <stdint.h>

#include "assay.h"
#include "engine.h"

typedef struct eng_sampler eng_sampler;

/* A new sampler, stopped; NULL when out of memory. */
eng_sampler *sample_new(const assay_allocator *alloc);
/* Stops its timer and frees it and its rows. */
void sample_free(eng_sampler *s);

/* Makes the timer on the calling thread's CPU clock, unless it is there
 * already.  ASSAY_EIO (with a message in msg) when the system has none. */
int sample_arm(eng_sampler *s, char *msg, size_t size);
/* A document's scan starts on the calling thread (arming the timer there
 * if the scanner moved): its signals sample it from now on. */
int sample_begin(eng_sampler *s, char *msg, size_t size);
/* The scan is over: signals until the next one count nowhere. */
void sample_end(eng_sampler *s);

/* A rule function starts (L runs it) or ends: signals in between ask L
 * for a sample at its next instruction, the others count as the engine's
 * own time.  lua_sethook is the one Lua call safe in a signal handler. */
void sample_enter(eng_sampler *s, lua_State *L);
void sample_leave(eng_sampler *s);

/* In the instruction hook: whether a sample was asked for, and taking it
 * (the lines of L's stack).  Both clear the request. */
int sample_due(const eng_sampler *s);
void sample_take(eng_sampler *s, lua_State *L);

/* The rows (by first sample), their count, and the samples taken in rule
 * functions (lua) and elsewhere in scans (other). */
const eng_line_row *sample_rows(const eng_sampler *s, size_t *n,
                                uint64_t *lua, uint64_t *other);

#endif
