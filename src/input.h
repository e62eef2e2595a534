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

/* A JSON line read but not parsed (in_next_line), so that a pipeline
 * parses its inputs in its workers, not in its one reading thread. */
typedef struct in_line in_line;

/* As in_next, but a JSON line comes back unparsed: ASSAY_OK with *line set
 * and *doc NULL; other inputs give documents (*line NULL). */
int in_next_line(in_reader *r, assay_doc **doc, in_line **line,
                 assay_error *err);
/* The document of the line, or the error in_next would have given; any
 * thread (the line owns all it needs). */
int in_line_doc(in_line *line, assay_doc **doc, assay_error *err);
/* "path:LINE", and the line's length in bytes. */
const char *in_line_where(const in_line *line);
size_t in_line_bytes(const in_line *line);
void in_line_free(in_line *line);

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
