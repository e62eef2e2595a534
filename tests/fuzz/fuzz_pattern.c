/*
 * fuzz_pattern.c -- libFuzzer target for the token pattern compiler and VM:
 * any source compiles or fails with a column; a compiled pattern scans a
 * fixed annotated document with matches inside its tokens.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

static assay_doc *fixed;

static int on_match(void *ud, const assay_pattern_match *m) {
  size_t n;
  assay_doc_tokens(fixed, &n);
  if (m->first > m->last || m->last > n)
    abort();
  for (int i = 0; i < m->ncaptures; i++) {
    int32_t a = m->captures[2 * i], b = m->captures[2 * i + 1];
    if (a != -1 && (a > b || b > (int32_t)n))
      abort();
  }
  return ASSAY_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!fixed)
    fixed = fz_doc();
  if (size > 4096)
    return 0; /* longer sources only repeat what short ones reach */
  char *src = malloc(size + 1);
  if (!src)
    return 0;
  memcpy(src, data, size);
  src[size] = '\0';
  assay_pattern *pat = NULL;
  assay_error err;
  int rc = assay_pattern_new(&pat, src, NULL, &err);
  if (rc == ASSAY_OK) {
    int nc = assay_pattern_capture_count(pat);
    for (int i = 0; i < nc; i++)
      assay_pattern_capture_name(pat, i);
    assay_pattern_scan(pat, fixed, on_match, NULL, &err);
  } else if (err.column < 0) {
    abort();
  }
  assay_pattern_free(pat);
  free(src);
  return 0;
}
