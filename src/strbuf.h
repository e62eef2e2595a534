/*
 * strbuf.h -- a growing, NUL-terminated string (malloc'd; the caller frees
 * `s` with free or assay_free), for building output text.
 */
#ifndef ASSAY_STRBUF_H
#define ASSAY_STRBUF_H

#include <stddef.h>

typedef struct strbuf {
  char *s;
  size_t len, cap;
} strbuf;

/* Appends n bytes; returns 0, or -1 when out of memory (buf unchanged). */
int sb_add(strbuf *b, const char *data, size_t n);
/* Appends a NUL-terminated string. */
int sb_puts(strbuf *b, const char *s);
/* Appends printf-style text. */
int sb_printf(strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
