/*
 * lua_json.c -- JSON and YAML for Lua scripts and the report: decode a JSON
 * or YAML text into Lua data, encode Lua data as JSON with sorted keys (so
 * output is deterministic), load a YAML file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "lua_common.h"
#include "lua_host.h"
#include "yaml_emit.h"

/* assay.json_decode(text) -> value, or nil and the message with its line. */
static int l_json_decode(lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  json_error_t e;
  json_t *j = json_loadb(s, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
  if (!j) {
    lua_pushnil(L);
    lua_pushfstring(L, "line %d, column %d: %s", e.line, e.column, e.text);
    return 2;
  }
  lassay_pushjson(L, j, 0);
  json_decref(j);
  return 1;
}

/* assay.json_encode(value [, {indent = n}]) -> text with sorted keys. */
static int l_json_encode(lua_State *L) {
  char msg[256] = "";
  size_t flags = JSON_SORT_KEYS | JSON_ENCODE_ANY;
  if (lua_istable(L, 2)) {
    lua_getfield(L, 2, "indent");
    int indent = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    if (indent > 0 && indent < 32) flags |= JSON_INDENT(indent);
    else flags |= JSON_COMPACT;
  } else {
    flags |= JSON_COMPACT;
  }
  lua_settop(L, 1);
  json_t *j = lassay_tojson(L, 1, 0, msg, sizeof msg);
  if (!j) return luaL_error(L, "json_encode: %s", msg);
  char *s = json_dumps(j, flags);
  json_decref(j);
  if (!s) return luaL_error(L, "json_encode: out of memory");
  lua_pushstring(L, s);
  free(s);
  return 1;
}

/* assay.yaml_encode(value) -> one YAML document ("---" first); keys in
 * sorted order. */
static int l_yaml_encode(lua_State *L) {
  char msg[256] = "";
  lua_settop(L, 1);
  json_t *j = lassay_tojson(L, 1, 0, msg, sizeof msg);
  if (!j) return luaL_error(L, "yaml_encode: %s", msg);
  /* Sorted keys, as json_encode: rebuild objects in key order. */
  char *text = json_dumps(j, JSON_SORT_KEYS | JSON_ENCODE_ANY);
  json_decref(j);
  json_t *sorted = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
  free(text);
  char *y = sorted ? yml_dump(sorted) : NULL;
  json_decref(sorted);
  if (!y) return luaL_error(L, "yaml_encode: out of memory");
  lua_pushstring(L, y);
  free(y);
  return 1;
}

/* Pushes the YAML text as Lua data or returns nil + message. */
static int push_yaml(lua_State *L, const char *text, size_t len,
                     const char *name) {
  assay_error err;
  memset(&err, 0, sizeof err);
  json_t *j = in_yaml_to_json(text, len, name, &err);
  if (!j) {
    lua_pushnil(L);
    lua_pushfstring(L, "%s:%d:%d: %s", name, err.line, err.column, err.message);
    return 2;
  }
  lassay_pushjson(L, j, 0);
  json_decref(j);
  return 1;
}

/* assay.yaml_decode(text [, name]) -> value, or nil and the message. */
static int l_yaml_decode(lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  return push_yaml(L, s, len, luaL_optstring(L, 2, "yaml"));
}

/* assay.yaml_load(path) -> value; raises an error naming file and line. */
static int l_yaml_load(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  FILE *f = fopen(path, "rb");
  if (!f) return luaL_error(L, "%s: cannot read", path);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  char chunk[8192];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) luaL_addlstring(&b, chunk, n);
  fclose(f);
  luaL_pushresult(&b);
  size_t len;
  const char *s = lua_tolstring(L, -1, &len);
  if (push_yaml(L, s, len, path) == 2) return lua_error(L);
  return 1;
}

void lassay_open_json(lua_State *L) {
  static const luaL_Reg fns[] = {{"json_decode", l_json_decode},
                                 {"json_encode", l_json_encode},
                                 {"yaml_decode", l_yaml_decode},
                                 {"yaml_encode", l_yaml_encode},
                                 {"yaml_load", l_yaml_load},
                                 {NULL, NULL}};
  luaL_setfuncs(L, fns, 0);
}
