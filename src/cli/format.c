/*
 * format.c -- the output formats of records besides JSON Lines: YAML (one
 * document per record, through libyaml's emitter so quoting is right) and
 * TSV (one annotation a row).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "cli.h"

typedef struct sink {
  char *buf;
  size_t len, cap;
} sink;

static int sink_write(void *data, unsigned char *buffer, size_t size) {
  sink *s = data;
  if (s->len + size + 1 > s->cap) {
    size_t ncap = s->cap ? s->cap * 2 : 4096;
    while (ncap < s->len + size + 1) ncap *= 2;
    char *nb = realloc(s->buf, ncap);
    if (!nb) return 0;
    s->buf = nb;
    s->cap = ncap;
  }
  memcpy(s->buf + s->len, buffer, size);
  s->len += size;
  s->buf[s->len] = '\0';
  return 1;
}

static int scalar(yaml_emitter_t *em, const char *s, int plain_ok) {
  yaml_event_t ev;
  yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s),
                               plain_ok, 1,
                               plain_ok ? YAML_ANY_SCALAR_STYLE
                                        : YAML_DOUBLE_QUOTED_SCALAR_STYLE);
  return yaml_emitter_emit(em, &ev);
}

/* Emits a JSON value as YAML; strings that would read as another type
 * ("true", "12", "null") are quoted. */
static int emit_value(yaml_emitter_t *em, json_t *v) {
  yaml_event_t ev;
  char num[64];
  switch (json_typeof(v)) {
  case JSON_OBJECT: {
    yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
    if (!yaml_emitter_emit(em, &ev)) return 0;
    const char *key;
    json_t *val;
    json_object_foreach(v, key, val) {
      if (!scalar(em, key, 1) || !emit_value(em, val)) return 0;
    }
    yaml_mapping_end_event_initialize(&ev);
    return yaml_emitter_emit(em, &ev);
  }
  case JSON_ARRAY: {
    yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
    if (!yaml_emitter_emit(em, &ev)) return 0;
    size_t i;
    json_t *val;
    json_array_foreach(v, i, val) if (!emit_value(em, val)) return 0;
    yaml_sequence_end_event_initialize(&ev);
    return yaml_emitter_emit(em, &ev);
  }
  case JSON_STRING: {
    const char *s = json_string_value(v);
    char *end;
    int looks_typed = !*s || !strcmp(s, "true") || !strcmp(s, "false") ||
                      !strcmp(s, "null") || !strcmp(s, "~") || !strcmp(s, "yes") ||
                      !strcmp(s, "no") || (s[0] >= '0' && s[0] <= '9') ||
                      (strtod(s, &end), *end == '\0');
    return scalar(em, s, !looks_typed);
  }
  case JSON_INTEGER:
    snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
    return scalar(em, num, 1);
  case JSON_REAL:
    snprintf(num, sizeof num, "%.17g", json_real_value(v));
    return scalar(em, num, 1);
  case JSON_TRUE:
    return scalar(em, "true", 1);
  case JSON_FALSE:
    return scalar(em, "false", 1);
  default:
    return scalar(em, "null", 1);
  }
}

char *cli_yaml_document(json_t *v) {
  yaml_emitter_t em;
  yaml_event_t ev;
  sink s = {NULL, 0, 0};
  if (!yaml_emitter_initialize(&em)) return NULL;
  yaml_emitter_set_output(&em, sink_write, &s);
  yaml_emitter_set_unicode(&em, 1);
  yaml_emitter_set_width(&em, 100);
  int ok = 1;
  yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
  ok = ok && yaml_emitter_emit(&em, &ev);
  yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 0);
  ok = ok && yaml_emitter_emit(&em, &ev);
  ok = ok && emit_value(&em, v);
  yaml_document_end_event_initialize(&ev, 1);
  ok = ok && yaml_emitter_emit(&em, &ev);
  yaml_stream_end_event_initialize(&ev);
  ok = ok && yaml_emitter_emit(&em, &ev);
  yaml_emitter_delete(&em);
  if (!ok) {
    free(s.buf);
    return NULL;
  }
  /* The document end marker "..." is noise between records. */
  if (s.len >= 4 && !strcmp(s.buf + s.len - 4, "...\n")) s.buf[s.len -= 4] = '\0';
  return s.buf;
}

const char cli_tsv_header[] =
    "doc\tid\tlayer\tstart\tend\ttext\trule\tattributes";

/* Appends s to *out with tabs, newlines and backslashes escaped. */
static void tsv_field(sink *out, const char *s) {
  for (; s && *s; s++) {
    const char *esc = NULL;
    if (*s == '\t') esc = "\\t";
    else if (*s == '\n') esc = "\\n";
    else if (*s == '\r') esc = "\\r";
    else if (*s == '\\') esc = "\\\\";
    if (esc) sink_write(out, (unsigned char *)esc, 2);
    else sink_write(out, (unsigned char *)s, 1);
  }
}

static void tsv_text(sink *out, const char *s) {
  sink_write(out, (unsigned char *)s, strlen(s));
}

/* key=value pairs of an annotation's attributes; spans by their text. */
static void tsv_attrs(sink *out, json_t *a) {
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
      char *s = json_dumps(val, JSON_ENCODE_ANY);
      tsv_field(out, s);
      free(s);
    }
  }
}

char *cli_tsv_rows(json_t *rec) {
  sink out = {NULL, 0, 0};
  const char *doc = json_string_value(json_object_get(rec, "doc"));
  json_t *err = json_object_get(rec, "error");
  char num[32];
  if (err) {
    tsv_field(&out, doc);
    tsv_text(&out, "\t\terror\t\t\t");
    tsv_field(&out, json_string_value(err));
    tsv_text(&out, "\t\t\n");
    return out.buf;
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
  if (!out.buf) out.buf = calloc(1, 1);
  return out.buf;
}
