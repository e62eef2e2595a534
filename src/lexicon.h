/*
 * lexicon.h -- the lexicon's internal face: what the YAML loader
 * (lexicon_load.c) and the Lua binding need from lexicon.c beyond assay.h.
 */
#ifndef ASSAY_LEXICON_H
#define ASSAY_LEXICON_H

#include "assay.h"

/* A flag for assay_lexicon_new beside ASSAY_LEX_FOLD: fold or not as the
 * first YAML file loaded says (its top-level `fold:`), exact when it says
 * nothing.  Used when the caller did not choose. */
#define LEX_FOLD_AUTO (1u << 8)

/* Sets the message of the lexicon's last error; returns status. */
int lex_error(assay_lexicon *lx, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Decides case folding once, before any phrase is added: a no-op unless
 * the lexicon was made with LEX_FOLD_AUTO and holds no phrase yet. */
void lex_decide_fold(assay_lexicon *lx, int fold);

/* 1 when the lexicon was made with LEX_FOLD_AUTO and is still undecided. */
int lex_fold_undecided(const assay_lexicon *lx);

/* The lexicon's allocator, for scratch memory of the loader. */
assay_allocator lex_allocator(const assay_lexicon *lx);

/* 1 once assay_lexicon_freeze has run. */
int lex_frozen(const assay_lexicon *lx);

#endif
