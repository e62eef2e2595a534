/*
 * jit_once.h -- PCRE2 JIT compilation on first use: a compiled rule pack
 * holds hundreds of regexes, most of which a short run never reaches, and
 * compiling them all to machine code was a fifth of the start-up.
 */
#ifndef ASSAY_JIT_ONCE_H
#define ASSAY_JIT_ONCE_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdatomic.h>

/* The state of one regex: JIT_NOT_YET until jit_once ran, then JIT_READY
 * (machine code) or JIT_NONE (the interpreter runs it). */
enum { JIT_NOT_YET = 0, JIT_READY = 1, JIT_NONE = 2 };

/* Compiles code to machine code unless done already; safe from any number
 * of threads: every caller returns after the compilation is over, so a
 * match that follows never races with it.  Returns 1 when code has machine
 * code. */
int jit_once(pcre2_code *code, atomic_int *state);

#endif
