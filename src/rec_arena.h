/*
 * rec_arena.h -- a per-thread arena for the JSON trees of output records
 * (see rec_arena.c).
 */
#ifndef ASSAY_REC_ARENA_H
#define ASSAY_REC_ARENA_H

/* Routes jansson's allocations through this module.  Call it once, at
 * any time: values made before it were made with malloc, and this
 * module's free gives them back to malloc. */
void rec_arena_install(void);

/* From here on, until rec_arena_end, the calling thread's new JSON values
 * live in its arena.  Every value made in between must be dropped, not
 * decref'd past rec_arena_end: it does not outlive the arena.  Nor does
 * json_dumps' text made in between: what must outlive it (a rendered
 * record) is written to malloc'd memory with json_dump_callback. */
void rec_arena_begin(void);
/* Frees everything made since rec_arena_begin on this thread. */
void rec_arena_end(void);

/* Whether p lies in the calling thread's open arena. */
int rec_arena_holds(const void *p);

#endif
