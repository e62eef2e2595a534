/*
 * fuzz_yaml.c -- libFuzzer target for the YAML readers: in_yaml_to_json,
 * front matter (a .md file read by in_load_file) and manifest.yaml files.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_common.h"
#include "input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  assay_error err;
  json_t *j = in_yaml_to_json((const char *)data, size, "fuzz.yaml", &err);
  json_decref(j);

  /* Front matter: the input between "---" lines, then a body. */
  size_t n = size + 32;
  char *md = malloc(n);
  if (!md)
    return 0;
  memcpy(md, "---\n", 4);
  memcpy(md + 4, data, size);
  memcpy(md + 4 + size, "\n---\nBody text.\n", 16);
  const char *path = fz_write("doc.md", (const uint8_t *)md, size + 20);
  free(md);
  assay_doc *doc = NULL;
  if (in_load_file(path, NULL, &doc, &err) == ASSAY_OK) {
    char *json = assay_doc_to_json(doc, 0);
    assay_free(json);
  }
  assay_doc_free(doc);

  /* A manifest beside a text file, read through a folder. */
  char dir[600];
  snprintf(dir, sizeof dir, "%s/m", fz_tmpdir());
  static int made;
  if (!made) {
    char sub[700];
    snprintf(sub, sizeof sub, "%s/m", fz_tmpdir());
    if (mkdir(sub, 0700) != 0)
      abort();
    fz_write("m/one.txt", (const uint8_t *)"One.\n", 5);
    made = 1;
  }
  fz_write("m/manifest.yaml", data, size);
  const char *paths[] = {dir};
  in_reader *r = NULL;
  if (in_open(&r, paths, 1, NULL) != ASSAY_OK)
    return 0;
  for (int i = 0; i < 16; i++) {
    int rc = in_next(r, &doc, &err);
    if (rc == ASSAY_STOP)
      break;
    assay_doc_free(doc);
  }
  in_close(r);
  return 0;
}
