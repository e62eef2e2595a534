/*
 * yaml_emit.h -- writing JSON values as YAML documents (yaml_emit.c).
 */
#ifndef ASSAY_YAML_EMIT_H
#define ASSAY_YAML_EMIT_H

#include <jansson.h>

/* A JSON value as one YAML document ("---" first), block style; strings
 * that would read as another type ("true", "12", "2014-12-17") are
 * quoted.  Returns a malloc'd string, NULL on failure. */
char *yml_dump(json_t *v);

#endif
