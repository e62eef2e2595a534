/*
 * format.c -- the output formats of records besides JSON Lines: YAML (one
 * document per record, src/yaml_emit.c) and TSV (one annotation a row).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json_text.h"
#include "strbuf.h"
#include "yaml_emit.h"

char *cli_yaml_document(json_t *v) { return yml_dump(v); }

char *cli_json_text(const json_t *v, size_t flags, const char *end) {
  strbuf out = {0};
  if (json_text_add(&out, v, flags) || sb_puts(&out, end)) {
    free(out.s);
    return NULL;
  }
  return out.s;
}

const char cli_tsv_header[] =
    "doc\tid\tlayer\tstart\tend\ttext\trule\tattributes";

/* Appends s to *out with tabs, newlines and backslashes escaped. */
static void tsv_field(strbuf *out, const char *s) {
  for (; s && *s; s++) {
    const char *esc = NULL;
    if (*s == '\t') esc = "\\t";
    else if (*s == '\n') esc = "\\n";
    else if (*s == '\r') esc = "\\r";
    else if (*s == '\\') esc = "\\\\";
    if (esc) sb_add(out, esc, 2);
    else sb_add(out, s, 1);
  }
}

static void tsv_text(strbuf *out, const char *s) { sb_puts(out, s); }

/* key=value pairs of an annotation's attributes; spans by their text. */
static void tsv_attrs(strbuf *out, json_t *a) {
  static const char *const fixed[] = {"id", "layer", "start", "end", "text", "rule", NULL};
  const char *key;
  json_t *val;
  int first = 1;
  json_object_foreach(a, key, val) {
    int skip = 0;
    for (int i = 0; fixed[i]; i++) skip |= !strcmp(key, fixed[i]);
    if (skip) continue;
    if (!first) tsv_text(out, "; ");
    first = 0;
    tsv_field(out, key);
    tsv_text(out, "=");
    if (json_is_object(val)) {
      tsv_field(out, json_string_value(json_object_get(val, "text")));
    } else if (json_is_string(val)) {
      tsv_field(out, json_string_value(val));
    } else {
      char *s = cli_json_text(val, JSON_ENCODE_ANY, "");
      tsv_field(out, s);
      free(s);
    }
  }
}

char *cli_tsv_rows(json_t *rec) {
  strbuf out = {NULL, 0, 0};
  const char *doc = json_string_value(json_object_get(rec, "doc"));
  json_t *err = json_object_get(rec, "error");
  char num[32];
  if (err) {
    tsv_field(&out, doc);
    tsv_text(&out, "\t\terror\t\t\t");
    tsv_field(&out, json_string_value(err));
    tsv_text(&out, "\t\t\n");
    return out.s;
  }
  size_t i;
  json_t *a;
  json_array_foreach(json_object_get(rec, "annotations"), i, a) {
    tsv_field(&out, doc);
    snprintf(num, sizeof num, "\t%lld\t", (long long)json_integer_value(json_object_get(a, "id")));
    tsv_text(&out, num);
    tsv_field(&out, json_string_value(json_object_get(a, "layer")));
    snprintf(num, sizeof num, "\t%lld\t%lld\t",
             (long long)json_integer_value(json_object_get(a, "start")),
             (long long)json_integer_value(json_object_get(a, "end")));
    tsv_text(&out, num);
    tsv_field(&out, json_string_value(json_object_get(a, "text")));
    tsv_text(&out, "\t");
    tsv_field(&out, json_string_value(json_object_get(a, "rule")));
    tsv_text(&out, "\t");
    tsv_attrs(&out, a);
    tsv_text(&out, "\n");
  }
  if (!out.s) out.s = calloc(1, 1);
  return out.s;
}
