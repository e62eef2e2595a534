/*
 * strbuf.c -- the growing string of strbuf.h.
 */
#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int sb_reserve(strbuf *b, size_t extra) {
  if (b->len + extra + 1 <= b->cap) return 0;
  size_t ncap = b->cap ? b->cap * 2 : 1024;
  while (ncap < b->len + extra + 1) ncap *= 2;
  char *ns = realloc(b->s, ncap);
  if (!ns) return -1;
  b->s = ns;
  b->cap = ncap;
  return 0;
}

int sb_add(strbuf *b, const char *data, size_t n) {
  if (sb_reserve(b, n)) return -1;
  if (n) memcpy(b->s + b->len, data, n);
  b->len += n;
  b->s[b->len] = '\0';
  return 0;
}

int sb_puts(strbuf *b, const char *s) { return sb_add(b, s, strlen(s)); }

int sb_printf(strbuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0 || sb_reserve(b, (size_t)n)) return -1;
  va_start(ap, fmt);
  vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  return 0;
}
