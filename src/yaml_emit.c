/*
 * yaml_emit.c -- JSON values written as YAML documents through libyaml's
 * emitter, so quoting is right: the YAML output of `assay extract` and
 * the report, and assay.yaml_encode in Lua.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "strbuf.h"
#include "yaml_emit.h"

/* libyaml's output handler: appends to a strbuf. */
static int sink_write(void *data, unsigned char *buffer, size_t size) {
  return sb_add(data, (const char *)buffer, size) == 0;
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

char *yml_dump(json_t *v) {
  yaml_emitter_t em;
  yaml_event_t ev;
  strbuf s = {NULL, 0, 0};
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
    free(s.s);
    return NULL;
  }
  /* The document end marker "..." is noise between records. */
  if (s.len >= 4 && !strcmp(s.s + s.len - 4, "...\n")) s.s[s.len -= 4] = '\0';
  return s.s;
}

