/*
 * json_text.h -- JSON text of jansson values for the output paths, the
 * same bytes as jansson's json_dumps at a fraction of its cost.
 */
#ifndef ASSAY_JSON_TEXT_H
#define ASSAY_JSON_TEXT_H

#include <jansson.h>
#include <stddef.h>

#include "strbuf.h"

/* Appends the text json_dumps(v, flags) gives to out.  Returns 0, or -1
 * when jansson would refuse v (a scalar without JSON_ENCODE_ANY) or memory
 * runs out; then out is as it was. */
int json_text_add(strbuf *out, const json_t *v, size_t flags);

/* The JSON text of the string s[0, n) (valid UTF-8, as a jansson string
 * holds) and of an integer, as jansson writes them.  0, or -1 when out of
 * memory (out then holds part of it). */
int json_text_string(strbuf *out, const char *s, size_t n);
int json_text_integer(strbuf *out, long long v);

/* json_dumps(v, flags)'s text, malloc'd (the caller frees it), or NULL. */
char *json_text(const json_t *v, size_t flags);

#endif
