/*
 * test_json_text.c -- src/json_text.c against jansson itself: for every
 * value and flag set here, json_text must give json_dumps's bytes exactly
 * (escapes of each control byte at each place in a string, long strings
 * through the eight-byte path, keys, nesting, integers at their limits,
 * reals, the flags it hands to jansson) and refuse what jansson refuses.
 */
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "json_text.h"

static const size_t flag_sets[] = {
    JSON_COMPACT,
    0,
    JSON_PRESERVE_ORDER,
    JSON_COMPACT | JSON_PRESERVE_ORDER,
    JSON_COMPACT | JSON_ENCODE_ANY,
    JSON_ENCODE_ANY,
    /* handed to jansson */
    JSON_INDENT(2),
    JSON_SORT_KEYS | JSON_COMPACT,
    JSON_ENSURE_ASCII | JSON_ENCODE_ANY,
    JSON_ESCAPE_SLASH | JSON_COMPACT,
    JSON_REAL_PRECISION(5) | JSON_ENCODE_ANY,
};
#define NFLAGS (sizeof flag_sets / sizeof *flag_sets)

static int mismatches;

/* json_text(v, flags) == json_dumps(v, flags) for every flag set, both
 * NULL when jansson refuses.  Takes v. */
static void same(json_t *v, const char *what) {
  for (size_t f = 0; f < NFLAGS; f++) {
    char *want = json_dumps(v, flag_sets[f]);
    char *got = json_text(v, flag_sets[f]);
    int ok = (!want && !got) || (want && got && !strcmp(want, got));
    if (!ok && mismatches++ < 10)
      fprintf(stderr, "  %s, flags 0x%zx: jansson <%s>, json_text <%s>\n",
              what, flag_sets[f], want ? want : "(refused)",
              got ? got : "(refused)");
    CHECK(ok);
    free(want);
    free(got);
  }
  json_decref(v);
}

/* Every byte below 0x80 (and NUL, through json_stringn) at every place
 * of strings of 0 to 40 bytes, as values and as keys: the byte loop, the
 * eight-byte words and the tail after the last whole word. */
static void string_cases(void) {
  char buf[64];
  for (int c = 0; c < 0x80; c++) {
    for (size_t n = 1; n <= 40; n++) {
      for (size_t at = 0; at < n; at += (n > 12 ? 5 : 1)) {
        memset(buf, 'a', n);
        buf[at] = (char)c;
        json_t *arr = json_array();
        json_array_append_new(arr, json_stringn(buf, n));
        char what[64];
        snprintf(what, sizeof what, "byte 0x%02x at %zu of %zu", c, at, n);
        same(arr, what);
      }
    }
    if (c == 0) continue; /* a key is NUL-terminated here */
    buf[0] = 'k';
    buf[1] = (char)c;
    buf[2] = '\0';
    json_t *obj = json_object();
    json_object_set_new(obj, buf, json_string("v"));
    same(obj, "a key with an escape");
  }
  /* UTF-8 is written as it is, whatever its length and place */
  const char *utf8[] = {"caf\xC3\xA9", "\xE2\x80\x9C" "quoted\xE2\x80\x9D",
                        "\xF0\x9F\x98\x80 emoji", "\xE2\x80\xA8 line separator",
                        "12345678\xC3\xA9\"\\\n\t\x7F", ""};
  for (size_t i = 0; i < sizeof utf8 / sizeof *utf8; i++) {
    json_t *arr = json_pack("[s]", utf8[i]);
    same(arr, utf8[i]);
  }
  /* a long string with escapes scattered through it */
  char big[5000];
  for (size_t i = 0; i < sizeof big - 1; i++)
    big[i] = (char)(i % 97 == 0 ? '"' : i % 89 == 0 ? '\n' : 'a' + i % 26);
  big[sizeof big - 1] = '\0';
  same(json_pack("{s:s}", "text", big), "a long string");
}

static void scalar_cases(void) {
  const json_int_t ints[] = {0, 1, -1, 9, 10, -10, 123456789, LLONG_MAX,
                             LLONG_MIN, LLONG_MIN + 1};
  for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
    same(json_integer(ints[i]), "an integer alone");
    same(json_pack("[I]", ints[i]), "an integer");
  }
  const double reals[] = {0.0, -0.0, 1.5, 0.1, 1e300, -2.5e-7, 3.0};
  for (size_t i = 0; i < sizeof reals / sizeof *reals; i++)
    same(json_pack("{s:f}", "x", reals[i]), "a real");
  same(json_true(), "true alone");
  same(json_string("alone"), "a string alone");
  same(json_null(), "null alone");
  same(json_pack("[bbn]", 1, 0), "true, false, null");
}

static void container_cases(void) {
  same(json_object(), "an empty object");
  same(json_array(), "an empty array");
  same(json_pack("{s:{},s:[],s:[{}]}", "a", "b", "c"), "empty inside");
  /* insertion order, not key order; a key replaced keeps its place */
  json_t *o = json_object();
  json_object_set_new(o, "zeta", json_integer(1));
  json_object_set_new(o, "alpha", json_integer(2));
  json_object_set_new(o, "mid", json_pack("[s,i,{s:b}]", "x", 3, "deep", 1));
  json_object_set_new(o, "zeta", json_string("again"));
  json_object_del(o, "alpha");
  json_object_set_new(o, "alpha", json_null());
  same(o, "an object in insertion order");
  /* a record shaped like assay's output, deeply nested */
  json_t *rec = json_pack(
      "{s:s,s:i,s:{s:s},s:[{s:i,s:s,s:i,s:i,s:s,s:{s:i,s:i,s:s}}]}", "doc",
      "d1", "schema", 1, "meta", "published", "2014-12-17", "annotations",
      "id", 3, "layer", "claim", "start", 0, "end", 12, "text",
      "\xE2\x80\x9CNo,\xE2\x80\x9D he said", "cue", "start", 5, "end", 9,
      "text", "said");
  same(rec, "a record");
  json_t *deep = json_array();
  for (int i = 0; i < 200; i++) deep = json_pack("[o]", deep);
  same(deep, "200 arrays deep");
}

/* json_text_add appends, and leaves the buffer as it was on refusal. */
static void add_cases(void) {
  strbuf out = {0};
  json_t *v = json_pack("{s:i}", "a", 1);
  CHECK_INT(json_text_add(&out, v, JSON_COMPACT), 0);
  CHECK_INT(json_text_add(&out, v, 0), 0);
  CHECK_STR(out.s, "{\"a\":1}{\"a\": 1}");
  json_t *s = json_string("scalar");
  CHECK_INT(json_text_add(&out, s, JSON_COMPACT), -1); /* no ENCODE_ANY */
  CHECK_STR(out.s, "{\"a\":1}{\"a\": 1}");
  CHECK_INT(json_text_add(&out, NULL, JSON_COMPACT), -1);
  CHECK_INT((int)out.len, 15);
  CHECK(json_text(s, 0) == NULL);
  free(out.s);
  json_decref(v);
  json_decref(s);
}

int main(void) {
  string_cases();
  scalar_cases();
  container_cases();
  add_cases();
  return check_summary();
}
