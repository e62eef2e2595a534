/*
 * fuzz_json_text.c -- libFuzzer target for src/json_text.c, differential:
 * the input parsed by jansson (any value, NUL allowed in strings), then
 * written by json_text and by json_dumps with each flag set; the two texts
 * must be the same bytes, or both refused.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_text.h"

static const size_t flag_sets[] = {
    JSON_COMPACT | JSON_ENCODE_ANY, JSON_ENCODE_ANY, JSON_COMPACT, 0,
    JSON_COMPACT | JSON_PRESERVE_ORDER, JSON_SORT_KEYS | JSON_ENCODE_ANY};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  json_error_t jerr;
  json_t *v = json_loadb((const char *)data, size,
                         JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
  if (!v) return 0;
  for (size_t f = 0; f < sizeof flag_sets / sizeof *flag_sets; f++) {
    char *want = json_dumps(v, flag_sets[f]);
    char *got = json_text(v, flag_sets[f]);
    if ((want == NULL) != (got == NULL) || (want && strcmp(want, got)))
      abort(); /* json_text wrote other bytes than jansson */
    free(want);
    free(got);
  }
  json_decref(v);
  return 0;
}
