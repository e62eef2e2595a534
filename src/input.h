/*
 * input.h -- reading documents from the command line's inputs: .txt/.md
 * files (YAML front matter), .jsonl files, directories (recursive, sorted by
 * path), stdin ("-"), and manifest.yaml files that give metadata to the
 * files they list.  Lazy: one document at a time, so a corpus larger than
 * memory streams.  One bad input yields one error and the reading goes on.
 */
#ifndef ASSAY_INPUT_H
#define ASSAY_INPUT_H

#include <stddef.h>

#include <jansson.h>

#include "assay.h"

typedef struct in_options {
  const char *encoding;    /* NULL or "utf-8": as is; else iconv from it */
  size_t max_doc_bytes;    /* 0: 32 MiB; larger documents are errors */
  const assay_allocator *alloc;
} in_options;

typedef struct in_reader in_reader;

/* Opens a reader over paths[0, n) ("-" is stdin).  Fails only on memory;
 * missing files are reported by in_next, in their place. */
int in_open(in_reader **out, const char *const *paths, size_t n,
            const in_options *opt);

/* The next document.  Returns:
 *   ASSAY_OK    *doc is a new document the caller owns (free with
 *               assay_doc_free); its warnings (e.g. invalid UTF-8) are on it;
 *   ASSAY_STOP  no more documents;
 *   < 0         this input failed: err->file holds the document id (the
 *               path, or "path:LINE" for a JSON line) and err->message says
 *               what went wrong ("cannot read: Permission denied");
 *               call in_next again to go on with the other inputs. */
int in_next(in_reader *r, assay_doc **doc, assay_error *err);

void in_close(in_reader *r);

/* Loads one file as one document (assay.load): front matter is read for
 * .md/.txt; no manifest. */
int in_load_file(const char *path, const in_options *opt, assay_doc **doc,
                 assay_error *err);

/* YAML -> JSON (jansson): scalars typed as YAML 1.1 core (null, bools,
 * ints, floats; everything else, dates included, is a string).  A syntax
 * error fills err with the line and column (name is the file name). */
json_t *in_yaml_to_json(const char *yaml, size_t len, const char *name,
                        assay_error *err);

#endif
