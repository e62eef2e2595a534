/*
 * json_text.c -- the JSON text of a jansson value, appended to a strbuf:
 * byte for byte what json_dump_callback writes, for the flags the output
 * paths use (JSON_COMPACT or not, JSON_ENCODE_ANY, JSON_PRESERVE_ORDER;
 * no indent).  Any other flag, and every real number, is left to jansson.
 *
 * Why not json_dump_callback itself: it calls its writer once per
 * fragment (each quote, key, comma) and walks every string a code point at
 * a time, and records are about five times the size of the text they
 * describe; writing them was a tenth of the default pack's time.  The
 * values were checked by jansson when they were made (json_string and
 * json_object_set refuse invalid UTF-8), so a string needs only its
 * escapes here.
 */
#include "json_text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The flags written here; any other goes to jansson. */
#define JT_OWN_FLAGS (JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER)

static int jt_put(const char *data, size_t n, void *ud) {
  return sb_add(ud, data, n);
}

/* Whether byte c is written as it is: not '"', '\\' or a control
 * character below 0x20 (jansson escapes nothing else without
 * JSON_ENSURE_ASCII or JSON_ESCAPE_SLASH). */
static inline int jt_plain(unsigned char c) {
  return c >= 0x20 && c != '"' && c != '\\';
}

/* The escape of byte c (not plain) into esc; its length. */
static size_t jt_escape(unsigned char c, char esc[8]) {
  static const char hex[] = "0123456789ABCDEF";
  esc[0] = '\\';
  switch (c) {
  case '"': esc[1] = '"'; return 2;
  case '\\': esc[1] = '\\'; return 2;
  case '\b': esc[1] = 'b'; return 2;
  case '\f': esc[1] = 'f'; return 2;
  case '\n': esc[1] = 'n'; return 2;
  case '\r': esc[1] = 'r'; return 2;
  case '\t': esc[1] = 't'; return 2;
  default: /* \u00XX, upper-case hex as jansson writes it */
    memcpy(esc + 1, "u00", 3);
    esc[4] = hex[c >> 4];
    esc[5] = hex[c & 15];
    return 6;
  }
}

/* Appends n bytes: the common case, room to spare, without a call. */
static inline int jt_add(strbuf *out, const char *data, size_t n) {
  if (out->len + n >= out->cap) return sb_add(out, data, n);
  memcpy(out->s + out->len, data, n);
  out->len += n;
  out->s[out->len] = '\0';
  return 0;
}

/* Whether the 8 bytes of x are all plain (jt_plain), with the usual
 * "has a byte below" and "has a zero byte" bit tricks: exact as a yes or
 * no for the whole word. */
static inline int jt_word_plain(uint64_t x) {
  const uint64_t ones = 0x0101010101010101u, high = ones << 7;
  uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
  uint64_t bad = ((x - ones * 0x20) & ~x) | ((q - ones) & ~q) |
                 ((b - ones) & ~b);
  return !(bad & high);
}

int json_text_string(strbuf *out, const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  size_t run = 0, i = 0;
  if (jt_add(out, "\"", 1)) return -1;
  while (i < n) {
    uint64_t x;
    if (n - i >= 8 && (memcpy(&x, u + i, 8), jt_word_plain(x))) {
      i += 8;
      continue;
    }
    size_t stop = n - i >= 8 ? i + 8 : n;
    for (; i < stop; i++) {
      if (jt_plain(u[i])) continue;
      char esc[8];
      size_t en = jt_escape(u[i], esc);
      if (jt_add(out, s + run, i - run) || jt_add(out, esc, en)) return -1;
      run = i + 1;
    }
  }
  return jt_add(out, s + run, n - run) || jt_add(out, "\"", 1) ? -1 : 0;
}

int json_text_integer(strbuf *out, long long v) {
  char buf[24], *p = buf + sizeof buf;
  /* unsigned: the most negative value has no positive twin */
  unsigned long long x = v < 0 ? 0ull - (unsigned long long)v
                               : (unsigned long long)v;
  do {
    *--p = (char)('0' + x % 10);
    x /= 10;
  } while (x);
  if (v < 0) *--p = '-';
  return jt_add(out, p, (size_t)(buf + sizeof buf - p));
}

static int jt_value(strbuf *out, const json_t *v, size_t flags) {
  /* ", " and ": " unless compact, as jansson without an indent */
  const char *comma = flags & JSON_COMPACT ? "," : ", ";
  const char *colon = flags & JSON_COMPACT ? ":" : ": ";
  size_t sep = flags & JSON_COMPACT ? 1 : 2;
  switch (json_typeof(v)) {
  case JSON_OBJECT: {
    if (jt_add(out, "{", 1)) return -1;
    json_t *o = (json_t *)v; /* the iterator API takes no const */
    for (void *it = json_object_iter(o); it;) {
      if (json_text_string(out, json_object_iter_key(it),
                    json_object_iter_key_len(it)) ||
          jt_add(out, colon, sep) ||
          jt_value(out, json_object_iter_value(it), flags))
        return -1;
      it = json_object_iter_next(o, it);
      if (it && jt_add(out, comma, sep)) return -1;
    }
    return jt_add(out, "}", 1);
  }
  case JSON_ARRAY: {
    size_t n = json_array_size(v);
    if (jt_add(out, "[", 1)) return -1;
    for (size_t i = 0; i < n; i++)
      if ((i && jt_add(out, comma, sep)) ||
          jt_value(out, json_array_get(v, i), flags))
        return -1;
    return jt_add(out, "]", 1);
  }
  case JSON_STRING:
    return json_text_string(out, json_string_value(v), json_string_length(v));
  case JSON_INTEGER:
    return json_text_integer(out, json_integer_value(v));
  case JSON_TRUE:
    return jt_add(out, "true", 4);
  case JSON_FALSE:
    return jt_add(out, "false", 5);
  case JSON_NULL:
    return jt_add(out, "null", 4);
  default: /* a real: jansson's digits, exactly */
    return json_dump_callback(v, jt_put, out, JSON_ENCODE_ANY) ? -1 : 0;
  }
}

int json_text_add(strbuf *out, const json_t *v, size_t flags) {
  if (!v) return -1;
  if (flags & ~(size_t)JT_OWN_FLAGS)
    return json_dump_callback(v, jt_put, out, flags) ? -1 : 0;
  if (!(flags & JSON_ENCODE_ANY) && !json_is_object(v) && !json_is_array(v))
    return -1; /* as jansson: only a container without JSON_ENCODE_ANY */
  size_t len = out->len;
  if (jt_value(out, v, flags) == 0) return 0;
  if (out->s) out->s[out->len = len] = '\0'; /* nothing half written */
  return -1;
}

char *json_text(const json_t *v, size_t flags) {
  strbuf out = {0};
  if (json_text_add(&out, v, flags) || (!out.s && sb_add(&out, "", 0))) {
    free(out.s);
    return NULL;
  }
  return out.s;
}
