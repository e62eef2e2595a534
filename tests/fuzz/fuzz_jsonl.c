/*
 * fuzz_jsonl.c -- libFuzzer target for the JSON Lines reader: the input as
 * a .jsonl file read by in_open/in_next, and each line by
 * assay_doc_from_json.  Every line yields a document or an error.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path = fz_write("in.jsonl", data, size);
  in_reader *r = NULL;
  in_options opt = {NULL, 1 << 16, NULL}; /* a small limit: reach it too */
  const char *paths[] = {path};
  if (in_open(&r, paths, 1, &opt) != ASSAY_OK)
    return 0;
  size_t lines = 1;
  for (size_t i = 0; i < size; i++)
    lines += data[i] == '\n';
  size_t records = 0;
  for (;;) {
    assay_doc *doc = NULL;
    assay_error err;
    int rc = in_next(r, &doc, &err);
    if (rc == ASSAY_STOP)
      break;
    if (++records > lines + 1)
      abort(); /* more records than lines: the reader is not advancing */
    if (rc == ASSAY_OK) {
      char *json = assay_doc_to_json(doc, ASSAY_JSON_TEXT);
      assay_free(json);
      assay_doc_free(doc);
    } else if (!err.file[0]) {
      abort(); /* an error must name its input */
    }
  }
  in_close(r);

  /* Line by line through the public parser. */
  const char *p = (const char *)data, *end = p + size;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
    assay_doc *doc = NULL;
    assay_error err;
    if (assay_doc_from_json(&doc, p, len, NULL, &err) == ASSAY_OK)
      assay_doc_free(doc);
    p += len + 1;
  }
  return 0;
}
