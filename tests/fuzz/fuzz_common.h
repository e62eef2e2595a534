/*
 * fuzz_common.h -- what the libFuzzer targets share: a private scratch folder
 * for the targets that must go through files, and a fixed annotated document.
 */
#ifndef ASSAY_FUZZ_COMMON_H
#define ASSAY_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assay.h"

/* A folder of our own under $TMPDIR, made once per process (the readers
 * take paths, so the input has to become a file).  Removed at exit. */
static char fz_dir[512];

static inline void fz_cleanup(void) {
  char cmd[600];
  if (fz_dir[0] && strncmp(fz_dir, "/tmp/", 5) == 0) {
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fz_dir);
    if (system(cmd) != 0)
      fprintf(stderr, "fuzz: could not remove %s\n", fz_dir);
  }
}

static inline const char *fz_tmpdir(void) {
  if (!fz_dir[0]) {
    snprintf(fz_dir, sizeof fz_dir, "/tmp/assay-fuzz-XXXXXX");
    if (!mkdtemp(fz_dir)) {
      perror("mkdtemp");
      abort(); /* the harness cannot run; not a finding */
    }
    atexit(fz_cleanup);
  }
  return fz_dir;
}

/* Writes data to dir/name; returns the path in a static buffer. */
static inline const char *fz_write(const char *name, const uint8_t *data,
                            size_t size) {
  static char path[700];
  snprintf(path, sizeof path, "%s/%s", fz_tmpdir(), name);
  FILE *fp = fopen(path, "wb");
  if (!fp) {
    perror(path);
    abort();
  }
  if (size && fwrite(data, 1, size, fp) != size) {
    perror(path);
    abort();
  }
  fclose(fp);
  return path;
}

/* A tokenized news sentence with an actor layer (kind attributes), so that
 * @actor references in patterns have something to see. */
static const char fz_text[] =
    "North Korean officials said that the attack on Sony Pictures came from "
    "Pyongyang, according to U.S. officials.\n\n\"We deny it,\" the KCNA "
    "agency said on Nov. 28, 2014. \xC3\x89lys\xC3\xA9" "e sources doubted it.";

static inline assay_doc *fz_doc(void) {
  assay_doc *doc = NULL;
  if (assay_doc_new(&doc, "fixed", fz_text, sizeof fz_text - 1, NULL, NULL) ||
      assay_doc_tokenize(doc, NULL))
    abort();
  static const struct {
    uint32_t start, end;
    const char *kind;
  } acts[] = {{0, 12, "country"}, {0, 22, "anonymous"}, {49, 63, "organisation"},
              {74, 83, "government"}, {98, 112, "anonymous"}};
  for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++) {
    assay_annotation *a;
    if (assay_doc_annotate(doc, "actor", acts[i].start, acts[i].end, "fixed",
                           0, &a) == ASSAY_OK)
      assay_annotation_set_string(a, "kind", acts[i].kind);
  }
  return doc;
}

#endif
