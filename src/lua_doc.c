/*
 * lua_doc.c -- the document userdata `assay.doc` (fields, methods, meta as
 * Lua tables), annotations and values as Lua tables, the per-state
 * tokenizer, and the readers behind assay.document/load/read/inputs.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "doc.h"
#include "input.h"
#include "json_text.h"
#include "lua_common.h"
#include "lua_host.h"
#include "mem.h"

#define LREADER "assay.reader"
#define LTOKBOX "assay.tokenizer_box"
#define REG_TOKENIZER "assay.tokenizer"
#define REG_INPUTS "assay.inputs"
#define REG_FAILURES "assay.failures"
#define REG_DOCNUM "assay.docnum"
#define JSON_MAX_DEPTH 64

/* ------------------------------------------------------------------ */
/* Shared helpers                                                       */
/* ------------------------------------------------------------------ */

assay_allocator lassay_allocator(lua_State *L) {
  assay_allocator a;
  a.fn = lua_getallocf(L, &a.ud);
  return a;
}

int lassay_raise(lua_State *L, const char *what, const assay_error *err) {
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  if (what && *what) {
    luaL_addstring(&b, what);
    luaL_addstring(&b, ": ");
  }
  if (err && err->file[0]) {
    luaL_addstring(&b, err->file);
    if (err->line > 0) {
      lua_pushfstring(L, ":%d", err->line);
      luaL_addvalue(&b);
      if (err->column > 0) {
        lua_pushfstring(L, ":%d", err->column);
        luaL_addvalue(&b);
      }
    }
    luaL_addstring(&b, ": ");
  }
  if (err && err->message[0])
    luaL_addstring(&b, err->message);
  else
    luaL_addstring(&b, assay_status_name(err ? err->status : ASSAY_EERROR));
  luaL_pushresult(&b);
  return lua_error(L);
}

/* The registry box that owns the state's tokenizer; its __gc frees it. */
typedef struct tokbox {
  assay_tokenizer *tz;
} tokbox;

static int tokbox_gc(lua_State *L) {
  tokbox *b = luaL_checkudata(L, 1, LTOKBOX);
  assay_tokenizer_free(b->tz);
  b->tz = NULL;
  return 0;
}

const assay_tokenizer *lassay_tokenizer(lua_State *L) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, REG_TOKENIZER) == LUA_TUSERDATA) {
    tokbox *b = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return b->tz;
  }
  lua_pop(L, 1);
  /* The box exists before the tokenizer, so a later error cannot leak. */
  tokbox *b = lua_newuserdatauv(L, sizeof *b, 0);
  b->tz = NULL;
  if (luaL_newmetatable(L, LTOKBOX)) {
    lua_pushcfunction(L, tokbox_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  lua_setfield(L, LUA_REGISTRYINDEX, REG_TOKENIZER);
  assay_allocator a = lassay_allocator(L);
  assay_error err;
  memset(&err, 0, sizeof err);
  if (assay_tokenizer_new(&b->tz, &a, &err) != ASSAY_OK) {
    lua_pushnil(L);
    lua_setfield(L, LUA_REGISTRYINDEX, REG_TOKENIZER);
    lassay_raise(L, "tokenizer", &err);
  }
  return b->tz;
}

/* ------------------------------------------------------------------ */
/* JSON <-> Lua (metadata)                                              */
/* ------------------------------------------------------------------ */

/* [-0, +1] JSON null becomes nil, so a null-valued key reads as absent. */
void lassay_pushjson(lua_State *L, const json_t *j, int depth) {
  luaL_checkstack(L, 4, "metadata too deep");
  if (depth > JSON_MAX_DEPTH) luaL_error(L, "metadata nested too deep");
  switch (json_typeof(j)) {
  case JSON_OBJECT: {
    const char *k;
    json_t *v;
    lua_createtable(L, 0, (int)json_object_size(j));
    json_object_foreach((json_t *)j, k, v) {
      lassay_pushjson(L, v, depth + 1);
      lua_setfield(L, -2, k);
    }
    break;
  }
  case JSON_ARRAY: {
    size_t i;
    json_t *v;
    lua_createtable(L, (int)json_array_size(j), 0);
    json_array_foreach((json_t *)j, i, v) {
      lassay_pushjson(L, v, depth + 1);
      lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    break;
  }
  case JSON_STRING:
    lua_pushlstring(L, json_string_value(j), json_string_length(j));
    break;
  case JSON_INTEGER: lua_pushinteger(L, (lua_Integer)json_integer_value(j)); break;
  case JSON_REAL: lua_pushnumber(L, json_real_value(j)); break;
  case JSON_TRUE: lua_pushboolean(L, 1); break;
  case JSON_FALSE: lua_pushboolean(L, 0); break;
  default: lua_pushnil(L); break;
  }
}


/* A table is an array when its keys are exactly 1..n with n > 0. */
static int table_is_array(lua_State *L, int idx, size_t *n) {
  size_t len = (size_t)lua_rawlen(L, idx), count = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    count++;
  }
  *n = len;
  return len > 0 && count == len;
}

static json_t *table_to_json(lua_State *L, int idx, int depth, char *msg,
                             size_t size) {
  size_t n;
  if (table_is_array(L, idx, &n)) {
    json_t *arr = json_array();
    for (size_t i = 1; arr && i <= n; i++) {
      lua_rawgeti(L, idx, (lua_Integer)i);
      json_t *v = lassay_tojson(L, lua_gettop(L), depth + 1, msg, size);
      lua_pop(L, 1);
      if (!v || json_array_append_new(arr, v)) {
        json_decref(arr);
        return NULL;
      }
    }
    return arr;
  }
  json_t *obj = json_object();
  lassay_annotation_whole(L, idx);
  lua_pushnil(L);
  while (obj && lua_next(L, idx)) {
    json_t *v = NULL;
    if (lua_type(L, -2) == LUA_TSTRING || lua_type(L, -2) == LUA_TNUMBER) {
      lua_pushvalue(L, -2); /* tostring on a copy keeps lua_next's key */
      const char *k = lua_tostring(L, -1);
      v = lassay_tojson(L, lua_gettop(L) - 1, depth + 1, msg, size);
      if (v && json_object_set_new(obj, k, v)) v = NULL;
      lua_pop(L, 1);
    } else {
      snprintf(msg, size, "metadata keys must be strings, not %s",
               luaL_typename(L, -2));
    }
    lua_pop(L, 1);
    if (!v) {
      lua_pop(L, 1); /* the key: stop iterating */
      json_decref(obj);
      return NULL;
    }
  }
  return obj;
}

/* A new JSON value for the Lua value at idx, or NULL with msg set. */
json_t *lassay_tojson(lua_State *L, int idx, int depth, char *msg,
                      size_t size) {
  if (depth > JSON_MAX_DEPTH || !lua_checkstack(L, 6)) {
    snprintf(msg, size, "metadata nested too deep (a cycle?)");
    return NULL;
  }
  json_t *j = NULL;
  switch (lua_type(L, idx)) {
  case LUA_TNIL: return json_null();
  case LUA_TBOOLEAN: return json_boolean(lua_toboolean(L, idx));
  case LUA_TNUMBER:
    if (lua_isinteger(L, idx)) return json_integer(lua_tointeger(L, idx));
    if (!isfinite(lua_tonumber(L, idx))) {
      snprintf(msg, size, "metadata numbers must be finite");
      return NULL;
    }
    return json_real(lua_tonumber(L, idx));
  case LUA_TSTRING: {
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    j = json_stringn(s, len);
    if (!j) snprintf(msg, size, "metadata strings must be UTF-8");
    return j;
  }
  case LUA_TTABLE:
    return table_to_json(L, idx, depth, msg, size);
  default:
    snprintf(msg, size, "metadata cannot hold a %s", luaL_typename(L, idx));
    return NULL;
  }
}

/* A new JSON object for the table at idx, or a Lua error. */
static json_t *check_meta_table(lua_State *L, int idx) {
  char msg[160] = "out of memory";
  idx = lua_absindex(L, idx);
  luaL_checktype(L, idx, LUA_TTABLE);
  json_t *obj = lassay_tojson(L, idx, 0, msg, sizeof msg);
  if (obj && !json_is_object(obj)) { /* an array: no keys */
    json_decref(obj);
    obj = NULL;
    snprintf(msg, sizeof msg, "metadata must be a table with string keys");
  }
  if (!obj) luaL_error(L, "%s", msg);
  return obj;
}

/* ------------------------------------------------------------------ */
/* Values and annotations                                               */
/* ------------------------------------------------------------------ */

static void push_number(lua_State *L, double d) {
  if (d == floor(d) && fabs(d) < 9007199254740992.0)
    lua_pushinteger(L, (lua_Integer)d);
  else
    lua_pushnumber(L, d);
}

void lassay_pushvalue(lua_State *L, const assay_value *v) {
  if (!v) {
    lua_pushnil(L);
    return;
  }
  switch (v->type) {
  case ASSAY_VALUE_STRING: lua_pushlstring(L, v->str ? v->str : "", v->len); break;
  case ASSAY_VALUE_NUMBER: push_number(L, v->num); break;
  case ASSAY_VALUE_BOOL: lua_pushboolean(L, v->num != 0); break;
  case ASSAY_VALUE_REF: lua_pushinteger(L, v->ref); break;
  case ASSAY_VALUE_SPAN:
    /* start, stop, text, ref and the referenced layer's name (push_attr):
     * room for all, or each one past the first rehashes the table */
    lua_createtable(L, 0, 5);
    if (v->start != UINT32_MAX) {
      lua_pushinteger(L, v->start);
      lua_setfield(L, -2, "start");
      lua_pushinteger(L, v->end);
      lua_setfield(L, -2, "stop");
    }
    if (v->str) {
      lua_pushlstring(L, v->str, v->len);
      lua_setfield(L, -2, "text");
    }
    if (v->ref) {
      lua_pushinteger(L, v->ref);
      lua_setfield(L, -2, "ref");
    }
    break;
  default: lua_pushnil(L); break;
  }
}

/* [-0, +1] A value of an annotation; a SPAN standing for an annotation
 * also gets a key named after that annotation's layer ("actor": 7), as the
 * JSON record has it. */
static void push_attr(lua_State *L, const assay_doc *doc,
                      const assay_value *v) {
  lassay_pushvalue(L, v);
  if (v->type != ASSAY_VALUE_SPAN || !v->ref) return;
  const assay_annotation *r = assay_doc_annotation(doc, v->ref);
  if (!r) return;
  lua_pushinteger(L, v->ref);
  lua_setfield(L, -2, assay_annotation_layer(r));
  if (!v->str && v->start != UINT32_MAX && v->end <= doc->len) {
    lua_pushlstring(L, doc->text + v->start, v->end - v->start);
    lua_setfield(L, -2, "text");
  }
}

/* [-0, +0] Sets `id`, `start` and `stop` of annotation a in the table on
 * the top: the fields every annotation table holds, lazy or not. */
static void set_id_span(lua_State *L, const assay_annotation *a) {
  uint32_t s, e;
  assay_annotation_span(a, &s, &e);
  lua_pushinteger(L, assay_annotation_id(a));
  lua_setfield(L, -2, "id");
  lua_pushinteger(L, s);
  lua_setfield(L, -2, "start");
  lua_pushinteger(L, e);
  lua_setfield(L, -2, "stop");
}

/* [-0, +1] The annotation's table, with room for `extra` keys more (the
 * token numbers): a table that grows past its size is rehashed. */
static void push_annotation(lua_State *L, const assay_annotation *a,
                            int extra) {
  const assay_doc *doc = a->doc;
  size_t n = assay_annotation_attr_count(a);
  uint32_t s, e;
  lua_createtable(L, 0, (int)n + 6 + extra);
  for (size_t i = 0; i < n; i++) {
    const assay_value *v;
    const char *k = assay_annotation_attr(a, i, &v);
    push_attr(L, doc, v);
    lua_setfield(L, -2, k);
  }
  /* Fixed fields last: they win over attributes of the same name. */
  assay_annotation_span(a, &s, &e);
  set_id_span(L, a);
  lua_pushstring(L, assay_annotation_layer(a));
  lua_setfield(L, -2, "layer");
  if (e <= doc->len && s <= e) {
    lua_pushlstring(L, doc->text + s, e - s);
    lua_setfield(L, -2, "text");
  }
  if (assay_annotation_rule(a)) {
    lua_pushstring(L, assay_annotation_rule(a));
    lua_setfield(L, -2, "rule");
  }
}

void lassay_pushannotation(lua_State *L, const assay_annotation *a) {
  push_annotation(L, a, 0);
}

/* [-0, +0] Adds `first`/`last` to the annotation table on the top: the
 * tokens its span overlaps, 1-based inclusive like sentences and matches,
 * so that rules need not look them up by byte offset; absent when it
 * overlaps none (white space).  Only on request (doc:annotations(layer,
 * {tokens = true})): by default an annotation table has the keys of its
 * JSON record, which the HTML report and `assay merge` rely on. */
static void set_token_fields(lua_State *L, const assay_annotation *a) {
  if (a->doc->tokenized && a->tlast > a->tfirst) {
    lua_pushinteger(L, (lua_Integer)a->tfirst + 1);
    lua_setfield(L, -2, "first");
    lua_pushinteger(L, (lua_Integer)a->tlast);
    lua_setfield(L, -2, "last");
  }
}

/* Whether the options table at idx (or none) sets option `name`. */
static int want_option(lua_State *L, int idx, const char *name) {
  if (lua_isnoneornil(L, idx)) return 0;
  luaL_checktype(L, idx, LUA_TTABLE);
  int on = lua_getfield(L, idx, name) != LUA_TNIL && lua_toboolean(L, -1);
  lua_pop(L, 1);
  return on;
}

/* ------------------------------------------------------------------ */
/* The document userdata                                                */
/* ------------------------------------------------------------------ */

static void push_doc_metatable(lua_State *L);

/* User values of a document userdata: its doc:tokens() array and the token
 * array (light userdata) it was made from. */
#define DOC_UV_TOKENS 1
#define DOC_UV_TOKENS_OF 2
/* ... and the metatable of its lazy annotation tables (doc:annotations). */
#define DOC_UV_LAZY 3
#define DOC_NUV 3

void lassay_pushdoc(lua_State *L, assay_doc *doc) {
  lassay_doc *ud = lua_newuserdatauv(L, sizeof *ud, DOC_NUV);
  ud->magic = LASSAY_DOC_MAGIC;
  ud->doc = NULL;
  push_doc_metatable(L);
  lua_setmetatable(L, -2);
  doc_retain(doc);
  ud->doc = doc;
}

/* The rules call a document method per match: luaL_checkudata finds the
 * metatable by name, hashing "assay.doc" each time (~340 instructions,
 * 1% of the news pack); the size and magic of our own userdata say the
 * same at once, and luaL_checkudata still reports what is not a doc. */
assay_doc *lassay_checkdoc(lua_State *L, int idx) {
  lassay_doc *ud = lua_touserdata(L, idx);
  if (!ud || lua_type(L, idx) != LUA_TUSERDATA ||
      lua_rawlen(L, idx) != sizeof *ud || ud->magic != LASSAY_DOC_MAGIC)
    ud = luaL_checkudata(L, idx, LASSAY_DOC);
  if (!ud->doc) luaL_argerror(L, idx, "document already freed");
  return ud->doc;
}

/* [-0, +1] A new document userdata owning doc (no extra reference): the
 * userdata exists before the document is handed to it, so nothing leaks. */
static lassay_doc *new_doc_slot(lua_State *L) {
  lassay_doc *ud = lua_newuserdatauv(L, sizeof *ud, DOC_NUV);
  ud->magic = LASSAY_DOC_MAGIC;
  ud->doc = NULL;
  push_doc_metatable(L);
  lua_setmetatable(L, -2);
  return ud;
}

void lassay_ensure_tokens(lua_State *L, assay_doc *doc) {
  if (doc->tokenized) return;
  if (assay_doc_tokenize(doc, lassay_tokenizer(L)) != ASSAY_OK)
    luaL_error(L, "%s: cannot tokenize: %s", doc->id, assay_doc_errmsg(doc));
}

static int doc_gc(lua_State *L) {
  lassay_doc *ud = luaL_checkudata(L, 1, LASSAY_DOC);
  assay_doc_free(ud->doc);
  ud->doc = NULL;
  return 0;
}

static int doc_tostring(lua_State *L) {
  assay_doc *doc = lassay_checkdoc(L, 1);
  lua_pushfstring(L, "assay.doc(%s, %I bytes)", doc->id,
                  (lua_Integer)doc->len);
  return 1;
}

static int doc_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)lassay_checkdoc(L, 1)->len);
  return 1;
}

static int doc_eq(lua_State *L) {
  lassay_doc *a = luaL_testudata(L, 1, LASSAY_DOC);
  lassay_doc *b = luaL_testudata(L, 2, LASSAY_DOC);
  lua_pushboolean(L, a && b && a->doc == b->doc);
  return 1;
}

static int doc_index(lua_State *L) {
  assay_doc *doc = lassay_checkdoc(L, 1);
  /* Methods first: rules call them far more often than they read fields. */
  lua_pushvalue(L, 2);
  if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) return 1;
  lua_pop(L, 1);
  const char *k = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "";
  if (strcmp(k, "id") == 0) {
    lua_pushstring(L, doc->id);
  } else if (strcmp(k, "text") == 0) {
    lua_pushlstring(L, doc->text, doc->len);
  } else if (strcmp(k, "meta") == 0) {
    if (doc->meta) lassay_pushjson(L, doc->meta, 0);
    else lua_newtable(L);
  } else if (strcmp(k, "date") == 0) {
    const char *d = assay_doc_meta_string(doc, "published");
    if (d) lua_pushstring(L, d);
    else lua_pushnil(L);
  } else {
    lua_pushnil(L);
  }
  return 1;
}

static int doc_newindex(lua_State *L) {
  return luaL_error(L, "document fields are read-only (use doc:set_meta)");
}

/* ------------------------------------------------------------------ */
/* Document methods                                                     */
/* ------------------------------------------------------------------ */

/* A token of doc:tokens() is a small table {index = i} whose other fields
 * come from the document on access: a big document's tokens then cost a
 * few dozen bytes each instead of twenty fields each. */
static int token_proxy_index(lua_State *L) {
  /* The upvalue is the document userdata doc_tokens bound: no type check
   * needed, only whether it was freed. */
  lassay_doc *ud = lua_touserdata(L, lua_upvalueindex(1));
  if (!ud || !ud->doc) return luaL_error(L, "document already freed");
  assay_doc *doc = ud->doc;
  lua_pushliteral(L, "index");
  lua_rawget(L, 1);
  lua_Integer i = lua_tointeger(L, -1);
  const char *key = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : NULL;
  size_t n;
  const assay_token *t = assay_doc_tokens(doc, &n);
  if (!key || i < 1 || (size_t)i > n) {
    lua_pushnil(L);
    return 1;
  }
  lassay_pushtokenfield(L, doc->text, &t[i - 1], (size_t)i - 1, key);
  /* Tokens never change once made: keep the field in the proxy, so the
   * rules' many passes over one token array pay this call once per field
   * and token (nil stays uncached: an unknown key costs no memory). */
  if (!lua_isnil(L, -1)) {
    lua_pushvalue(L, 2);
    lua_pushvalue(L, -2);
    lua_rawset(L, 1);
  }
  return 1;
}

/* pairs(token) lists every field, as for a full token table. */
static int token_proxy_pairs(lua_State *L) {
  assay_doc *doc = lassay_checkdoc(L, lua_upvalueindex(1));
  lua_getfield(L, 1, "index");
  lua_Integer i = lua_tointeger(L, -1);
  size_t n;
  const assay_token *t = assay_doc_tokens(doc, &n);
  lua_getglobal(L, "next");
  if (i >= 1 && (size_t)i <= n)
    lassay_pushtoken(L, doc->text, &t[i - 1], (size_t)i - 1);
  else
    lua_newtable(L);
  lua_pushnil(L);
  return 3;
}

static int token_proxy_newindex(lua_State *L) {
  return luaL_error(L, "tokens are read-only (doc:tokens() is shared by "
                       "every caller for its document)");
}

/* [-0, +1] The proxy of token i (1-based) of the array at idx, made and
 * stored on first use.  Upvalues of the array's metamethods: 1 the
 * proxies' metatable, 2 the number of tokens. */
static void push_token_proxy(lua_State *L, int idx, lua_Integer i,
                             lua_Integer n) {
  idx = lua_absindex(L, idx);
  if (lua_rawgeti(L, idx, i) != LUA_TNIL) return;
  lua_pop(L, 1);
  /* Room for the index and three fields read later (kept in the proxy by
   * token_proxy_index): growing a table one field at a time rehashes it
   * each time.  Past a million tokens, room for the index only, so that a
   * huge document's tokens stay small. */
  lua_createtable(L, 0, n <= 1000000 ? 4 : 1);
  lua_pushinteger(L, i);
  lua_setfield(L, -2, "index");
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_setmetatable(L, -2);
  lua_pushvalue(L, -1);
  lua_rawseti(L, idx, i);
}

/* toks[i] for a token not read before; nil outside 1..#toks. */
static int tokens_array_index(lua_State *L) {
  lua_Integer n = lua_tointeger(L, lua_upvalueindex(2));
  int isnum;
  lua_Integer i = lua_tointegerx(L, 2, &isnum);
  if (!isnum || i < 1 || i > n) return 0;
  push_token_proxy(L, 1, i, n);
  return 1;
}

static int tokens_array_len(lua_State *L) {
  lua_pushvalue(L, lua_upvalueindex(2));
  return 1;
}

static int tokens_array_next(lua_State *L) {
  lua_Integer n = lua_tointeger(L, lua_upvalueindex(2));
  lua_Integer k = lua_isnil(L, 2) ? 0 : luaL_checkinteger(L, 2);
  if (k < 0 || k >= n) return 0;
  lua_Integer i = k + 1;
  lua_pushinteger(L, i);
  push_token_proxy(L, 1, i, n);
  return 2;
}

/* pairs(toks) lists every token, read or not. */
static int tokens_array_pairs(lua_State *L) {
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushvalue(L, lua_upvalueindex(2));
  lua_pushcclosure(L, tokens_array_next, 2);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

/* One array per document: the rule files of a pack and the rules in them
 * share it, so each field of each token is read from the document once.
 * Its proxies are made when first indexed (ipairs, `#` and pairs work as
 * on a full array): the rules read few of a long document's tokens, and
 * making a table for each of them cost more than the reads. */
static int doc_tokens(lua_State *L) {
  assay_doc *doc = lassay_checkdoc(L, 1);
  size_t n;
  lassay_ensure_tokens(L, doc);
  const assay_token *toks = assay_doc_tokens(doc, &n);
  int cached = lua_getiuservalue(L, 1, DOC_UV_TOKENS_OF) == LUA_TLIGHTUSERDATA &&
               lua_touserdata(L, -1) == (void *)toks;
  lua_pop(L, 1);
  if (cached && lua_getiuservalue(L, 1, DOC_UV_TOKENS) == LUA_TTABLE) return 1;
  if (cached) lua_pop(L, 1);
  lua_createtable(L, (int)n, 0);
  lua_createtable(L, 0, 3); /* the proxies' metatable, bound to this doc */
  lua_pushvalue(L, 1);
  lua_pushcclosure(L, token_proxy_index, 1);
  lua_setfield(L, -2, "__index");
  lua_pushvalue(L, 1);
  lua_pushcclosure(L, token_proxy_pairs, 1);
  lua_setfield(L, -2, "__pairs");
  lua_pushcfunction(L, token_proxy_newindex);
  lua_setfield(L, -2, "__newindex");
  int pm = lua_gettop(L);
  lua_createtable(L, 0, 3); /* the array's metatable */
  static const struct {
    const char *name;
    lua_CFunction fn;
  } arr[] = {{"__index", tokens_array_index},
             {"__len", tokens_array_len},
             {"__pairs", tokens_array_pairs}};
  for (size_t k = 0; k < sizeof arr / sizeof *arr; k++) {
    lua_pushvalue(L, pm);
    lua_pushinteger(L, (lua_Integer)n);
    lua_pushcclosure(L, arr[k].fn, 2);
    lua_setfield(L, -2, arr[k].name);
  }
  lua_setmetatable(L, pm - 1);
  lua_pop(L, 1);
  lua_pushvalue(L, -1);
  lua_setiuservalue(L, 1, DOC_UV_TOKENS);
  lua_pushlightuserdata(L, (void *)toks);
  lua_setiuservalue(L, 1, DOC_UV_TOKENS_OF);
  return 1;
}

static int doc_sentences(lua_State *L) {
  assay_doc *doc = lassay_checkdoc(L, 1);
  size_t n;
  lassay_ensure_tokens(L, doc);
  const assay_range *r = assay_doc_sentences(doc, &n);
  lassay_pushranges(L, doc->text, r, n);
  return 1;
}

static int doc_paragraphs(lua_State *L) {
  assay_doc *doc = lassay_checkdoc(L, 1);
  size_t n;
  lassay_ensure_tokens(L, doc);
  const assay_range *r = assay_doc_paragraphs(doc, &n);
  lassay_pushranges(L, doc->text, r, n);
  return 1;
}

/* A byte span from a table {start=, stop=} at idx, or from two integers at
 * idx and idx + 1; checked against the text. */
static void check_span(lua_State *L, assay_doc *doc, int idx, uint32_t *s,
                       uint32_t *e) {
  lua_Integer a, b;
  if (lua_type(L, idx) == LUA_TTABLE) {
    lua_getfield(L, idx, "start");
    lua_getfield(L, idx, "stop");
    if (!lua_isinteger(L, -2) || !lua_isinteger(L, -1))
      luaL_argerror(L, idx, "a span needs integer start and stop");
    a = lua_tointeger(L, -2);
    b = lua_tointeger(L, -1);
    lua_pop(L, 2);
  } else {
    a = luaL_checkinteger(L, idx);
    b = luaL_checkinteger(L, idx + 1);
  }
  if (a < 0 || b < a || (size_t)b > doc->len)
    luaL_error(L, "span [%I, %I) outside the text (0..%I)", a, b,
               (lua_Integer)doc->len);
  *s = (uint32_t)a;
  *e = (uint32_t)b;
}

static int doc_text_of(lua_State *L) {
  assay_doc *doc = lassay_checkdoc(L, 1);
  uint32_t s, e;
  check_span(L, doc, 2, &s, &e);
  lua_pushlstring(L, doc->text + s, e - s);
  return 1;
}

static int doc_char_offset(lua_State *L) {
  assay_doc *doc = lassay_checkdoc(L, 1);
  lua_Integer b = luaL_checkinteger(L, 2);
  luaL_argcheck(L, b >= 0, 2, "negative offset");
  lua_pushinteger(L, (lua_Integer)assay_text_char_offset(doc->text, doc->len,
                                                         (size_t)b));
  return 1;
}

/* An attribute value from the Lua value at idx (a string, number,
 * boolean, span table or annotation table).  Strings point into Lua
 * values on the stack or into the document text. */
static void check_value(lua_State *L, assay_doc *doc, int idx,
                        const char *key, assay_value *v) {
  memset(v, 0, sizeof *v);
  switch (lua_type(L, idx)) {
  case LUA_TSTRING:
    v->type = ASSAY_VALUE_STRING;
    v->str = lua_tolstring(L, idx, &v->len);
    return;
  case LUA_TNUMBER:
    v->type = ASSAY_VALUE_NUMBER;
    v->num = lua_tonumber(L, idx);
    return;
  case LUA_TBOOLEAN:
    v->type = ASSAY_VALUE_BOOL;
    v->num = lua_toboolean(L, idx);
    return;
  case LUA_TTABLE: break;
  default:
    luaL_error(L, "attribute '%s': cannot hold a %s", key,
               luaL_typename(L, idx));
  }
  int top = lua_gettop(L);
  /* An annotation table ({id=, layer=, ...}) stands for that annotation. */
  int is_ann = lua_getfield(L, idx, "id") == LUA_TNUMBER &&
               lua_getfield(L, idx, "layer") == LUA_TSTRING;
  lua_settop(L, top);
  v->type = ASSAY_VALUE_SPAN;
  v->start = v->end = UINT32_MAX;
  lua_getfield(L, idx, is_ann ? "id" : "ref");
  v->ref = (uint32_t)lua_tointeger(L, -1);
  int placed = lua_getfield(L, idx, "start") != LUA_TNIL;
  lua_settop(L, top);
  if (placed) {
    check_span(L, doc, idx, &v->start, &v->end);
    v->str = doc->text + v->start;
    v->len = v->end - v->start;
  } else if (lua_getfield(L, idx, "text") == LUA_TSTRING) {
    v->str = lua_tolstring(L, -1, &v->len); /* the table keeps it alive */
  } else if (v->ref) {
    v->type = ASSAY_VALUE_REF;
  } else {
    luaL_error(L, "attribute '%s': a table needs start/stop, text or id",
               key);
  }
  lua_settop(L, top);
}

/* Keys that are not attributes.  `id`, `text` and the token numbers
 * `first`/`last` belong to the document and are skipped, so an annotation
 * table can be passed back to annotate (a copy of it on another layer). */
static int is_reserved_key(const char *k) {
  static const char *const keys[] = {"layer", "start", "stop", "rule",
                                     "priority", "id", "text", "first",
                                     "last"};
  for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
    if (strcmp(k, keys[i]) == 0) return 1;
  return 0;
}

/* Sets (or, with ann NULL, only checks) the attributes of table 2. */
static int cmp_keys(const void *x, const void *y) {
  return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Sets the attributes of the table at index 2 in sorted key order: Lua's
 * table order changes from run to run, the output must not. */
static void annotate_attrs(lua_State *L, assay_doc *doc,
                           assay_annotation *ann) {
  const char *keys[256];
  size_t nk = 0;
  lassay_annotation_whole(L, 2);
  lua_pushnil(L);
  while (lua_next(L, 2)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING)
      luaL_error(L, "annotate: attribute names must be strings");
    const char *k = lua_tostring(L, -1);
    if (!is_reserved_key(k)) {
      if (nk == sizeof keys / sizeof *keys)
        luaL_error(L, "annotate: more than %d attributes", (int)nk);
      keys[nk++] = k; /* anchored by the table */
    }
  }
  qsort(keys, nk, sizeof *keys, cmp_keys);
  for (size_t i = 0; i < nk; i++) {
    lua_getfield(L, 2, keys[i]);
    assay_value v;
    check_value(L, doc, lua_gettop(L), keys[i], &v);
    if (ann && assay_annotation_set(ann, keys[i], &v) != ASSAY_OK)
      luaL_error(L, "annotate: attribute '%s': %s", keys[i], assay_doc_errmsg(doc));
    lua_pop(L, 1);
  }
}

/* doc:annotate{layer=, start=, stop=, rule=, priority=, ...attributes} */
static int doc_annotate(lua_State *L) {
  assay_doc *doc = lassay_checkdoc(L, 1);
  uint32_t s, e;
  assay_annotation *ann = NULL;
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_getfield(L, 2, "layer");
  lua_getfield(L, 2, "rule");
  lua_getfield(L, 2, "priority");
  if (lua_type(L, -3) != LUA_TSTRING)
    return luaL_error(L, "annotate: 'layer' must be a string");
  if (!lua_isnil(L, -2) && lua_type(L, -2) != LUA_TSTRING)
    return luaL_error(L, "annotate: 'rule' must be a string");
  if (!lua_isnil(L, -1) && !lua_isinteger(L, -1))
    return luaL_error(L, "annotate: 'priority' must be an integer");
  const char *layer = lua_tostring(L, -3), *rule = lua_tostring(L, -2);
  int prio = (int)lua_tointeger(L, -1);
  check_span(L, doc, 2, &s, &e);
  annotate_attrs(L, doc, NULL); /* all checks before the annotation exists */
  if (assay_doc_annotate(doc, layer, s, e, rule, prio, &ann) != ASSAY_OK)
    return luaL_error(L, "annotate: %s", assay_doc_errmsg(doc));
  annotate_attrs(L, doc, ann);
  lua_pushinteger(L, assay_annotation_id(ann));
  return 1;
}

/* ---- lazy annotation tables (doc:annotations(layer, {lazy = true})) ---- */

/* A lazy annotation table holds its `id`, `start` and `stop` (and `first`
 * and `last` when asked for), the fields the rules read most, and reads
 * every other field from the document when first asked (then keeps it, as
 * a plain field): most rules read a few fields of a long layer, and making
 * each table whole cost the news pack 5% of its time.  Upvalues of the
 * metamethods: 1 the document userdata, 2 the string "id". */

/* The annotation of lazy table idx (its id's), or NULL. */
static const assay_annotation *lazy_annotation(lua_State *L, int idx) {
  lassay_doc *ud = lua_touserdata(L, lua_upvalueindex(1));
  if (!ud || !ud->doc) luaL_error(L, "document already freed");
  lua_pushvalue(L, lua_upvalueindex(2)); /* "id", made once */
  lua_rawget(L, idx);
  lua_Integer id = lua_tointeger(L, -1);
  lua_pop(L, 1);
  return id > 0 && id <= UINT32_MAX ? assay_doc_annotation(ud->doc, (uint32_t)id)
                                    : NULL;
}

/* [-0, +1] Field key of annotation a as its whole table has it
 * (push_annotation), or nil: one of the fixed fields a lazy table does not
 * hold from the start, or an attribute. */
static void push_annotation_field(lua_State *L, const assay_annotation *a,
                                  const char *key) {
  const assay_doc *doc = a->doc;
  if (!strcmp(key, "layer")) {
    lua_pushstring(L, assay_annotation_layer(a));
  } else if (!strcmp(key, "text")) {
    if (a->end <= doc->len && a->start <= a->end)
      lua_pushlstring(L, doc->text + a->start, a->end - a->start);
    else
      lua_pushnil(L);
  } else if (!strcmp(key, "rule") && assay_annotation_rule(a)) {
    lua_pushstring(L, assay_annotation_rule(a));
  } else {
    const assay_value *v = assay_annotation_get(a, key);
    if (v) push_attr(L, doc, v);
    else lua_pushnil(L);
  }
}

static int lazy_index(lua_State *L) {
  const assay_annotation *a = lazy_annotation(L, 1);
  if (!a || lua_type(L, 2) != LUA_TSTRING) return 0;
  push_annotation_field(L, a, lua_tostring(L, 2));
  if (!lua_isnil(L, -1)) { /* kept: the next read is a plain one */
    lua_pushvalue(L, 2);
    lua_pushvalue(L, -2);
    lua_rawset(L, 1);
  }
  return 1;
}

/* Makes lazy table idx whole: reads in every field not read yet (nor set
 * by the caller).  Runs with lazy_index's upvalues.  The C functions that
 * walk a table with lua_next (annotate, emit, JSON) have it done through
 * lassay_annotation_whole. */
static void lazy_fill(lua_State *L, int idx) {
  const assay_annotation *a = lazy_annotation(L, idx);
  if (!a) return;
  static const char *const fixed[] = {"layer", "text", "rule"};
  size_t n = assay_annotation_attr_count(a);
  for (size_t i = 0; i < n + sizeof fixed / sizeof *fixed; i++) {
    const char *k = i < n ? assay_annotation_attr(a, i, NULL) : fixed[i - n];
    lua_getfield(L, idx, k); /* through lazy_index, which keeps it */
    lua_pop(L, 1);
  }
}

/* pairs(t): the table is made whole first, then iterated as a plain one. */
static int lazy_pairs(lua_State *L) {
  lazy_fill(L, 1);
  lua_getglobal(L, "next");
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

/* A lazy table is one whose __pairs is lazy_pairs; calling it (it has
 * the document) makes the table whole. */
void lassay_annotation_whole(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  if (!lua_getmetatable(L, idx)) return;
  lua_getfield(L, -1, "__pairs");
  if (lua_tocfunction(L, -1) == lazy_pairs) {
    lua_pushvalue(L, idx);
    lua_call(L, 1, 3); /* next, t, nil: not needed */
    lua_pop(L, 4);
  } else {
    lua_pop(L, 2);
  }
}

/* [-0, +1] The lazy tables' metatable for this call's document (the doc
 * userdata at index 1): made once per document and kept in its user
 * values. */
static void push_lazy_metatable(lua_State *L) {
  if (lua_getiuservalue(L, 1, DOC_UV_LAZY) == LUA_TTABLE) return;
  lua_pop(L, 1);
  lua_createtable(L, 0, 2);
  lua_pushvalue(L, 1);
  lua_pushliteral(L, "id");
  lua_pushcclosure(L, lazy_index, 2);
  lua_setfield(L, -2, "__index");
  lua_pushvalue(L, 1);
  lua_pushliteral(L, "id");
  lua_pushcclosure(L, lazy_pairs, 2);
  lua_setfield(L, -2, "__pairs");
  lua_pushvalue(L, -1);
  lua_setiuservalue(L, 1, DOC_UV_LAZY);
}

/* [-0, +1] Annotation a's lazy table; mt: the index of its metatable. */
static void push_lazy_annotation(lua_State *L, const assay_annotation *a,
                                 int mt, int tokens) {
  /* the fields below, and room for three more read later */
  lua_createtable(L, 0, tokens ? 8 : 6);
  set_id_span(L, a);
  if (tokens) set_token_fields(L, a);
  lua_pushvalue(L, mt);
  lua_setmetatable(L, -2);
}

/* doc:annotations([layer] [, {tokens = true, lazy = true}]) */
static int doc_annotations(lua_State *L) {
  assay_doc *doc = lassay_checkdoc(L, 1);
  const char *layer = luaL_optstring(L, 2, NULL);
  int tokens = want_option(L, 3, "tokens"), lazy = want_option(L, 3, "lazy");
  assay_ann_iter *it = NULL;
  const assay_annotation *a;
  if (tokens) lassay_ensure_tokens(L, doc);
  if (lazy) push_lazy_metatable(L);
  int mt = lua_gettop(L);
  lua_newtable(L);
  if (assay_ann_iter_new(doc, layer, &it) != ASSAY_OK) return 1;
  for (lua_Integer i = 1; (a = assay_ann_iter_next(it)) != NULL; i++) {
    if (lazy) {
      push_lazy_annotation(L, a, mt, tokens);
    } else {
      push_annotation(L, a, tokens ? 2 : 0);
      if (tokens) set_token_fields(L, a);
    }
    lua_rawseti(L, -2, i);
  }
  assay_ann_iter_free(it);
  return 1;
}

/* doc:count([layer]): how many tables doc:annotations(layer) would give,
 * without making them. */
static int doc_count(lua_State *L) {
  assay_doc *doc = lassay_checkdoc(L, 1);
  const char *layer = luaL_optstring(L, 2, NULL);
  assay_ann_iter *it = NULL;
  lua_Integer n = 0;
  if (assay_ann_iter_new(doc, layer, &it) == ASSAY_OK) {
    while (assay_ann_iter_next(it)) n++;
    assay_ann_iter_free(it);
  }
  lua_pushinteger(L, n);
  return 1;
}

/* doc:annotation(id [, {tokens = true}]) */
static int doc_annotation(lua_State *L) {
  assay_doc *doc = lassay_checkdoc(L, 1);
  lua_Integer id = luaL_checkinteger(L, 2);
  const assay_annotation *a =
      id > 0 && id <= UINT32_MAX ? assay_doc_annotation(doc, (uint32_t)id)
                                 : NULL;
  int tokens = want_option(L, 3, "tokens");
  if (a && tokens) lassay_ensure_tokens(L, doc);
  if (a) push_annotation(L, a, tokens ? 2 : 0);
  else lua_pushnil(L);
  if (a && tokens) set_token_fields(L, a);
  return 1;
}

/* The annotation with the id at idx, or a Lua error. */
static assay_annotation *check_annotation(lua_State *L, assay_doc *doc,
                                          int idx, const char *what) {
  lua_Integer id = luaL_checkinteger(L, idx);
  const assay_annotation *a =
      id > 0 && id <= UINT32_MAX ? assay_doc_annotation(doc, (uint32_t)id)
                                 : NULL;
  if (!a) luaL_error(L, "%s: no annotation %d", what, (int)id);
  return (assay_annotation *)a;
}

/* doc:set(id, key, value): sets (or replaces) one attribute. */
static int doc_set(lua_State *L) {
  assay_doc *doc = lassay_checkdoc(L, 1);
  assay_annotation *a = check_annotation(L, doc, 2, "set");
  const char *k = luaL_checkstring(L, 3);
  if (is_reserved_key(k)) return luaL_error(L, "set: '%s' cannot be changed", k);
  luaL_checkany(L, 4);
  assay_value v;
  check_value(L, doc, 4, k, &v);
  if (assay_annotation_set(a, k, &v) != ASSAY_OK)
    return luaL_error(L, "set: %s", assay_doc_errmsg(doc));
  return 0;
}

/* doc:remove(id): the annotation is no longer live (it is not written and
 * no pattern sees it); its id stays valid for references. */
static int doc_remove(lua_State *L) {
  assay_doc *doc = lassay_checkdoc(L, 1);
  assay_annotation *a = check_annotation(L, doc, 2, "remove");
  assay_doc_remove_annotation(doc, assay_annotation_id(a));
  return 0;
}

/* doc:token(i) -> the token table of token i (1-based), or nil. */
static int doc_token(lua_State *L) {
  assay_doc *doc = lassay_checkdoc(L, 1);
  lua_Integer i = luaL_checkinteger(L, 2);
  size_t n;
  if (!doc->tokenized && assay_doc_tokenize(doc, lassay_tokenizer(L)) != ASSAY_OK)
    return luaL_error(L, "token: %s", assay_doc_errmsg(doc));
  const assay_token *t = assay_doc_tokens(doc, &n);
  if (i < 1 || (size_t)i > n) {
    lua_pushnil(L);
    return 1;
  }
  lassay_pushtoken(L, doc->text, &t[i - 1], (size_t)i - 1);
  return 1;
}

/* The document's tokens, tokenizing it on first need. */
static const assay_token *doc_toks(lua_State *L, assay_doc *doc, size_t *n) {
  lassay_ensure_tokens(L, doc);
  return assay_doc_tokens(doc, n);
}

/* A byte offset argument: an integer >= 0 (past the end is allowed). */
static lua_Integer check_byte(lua_State *L, int idx) {
  lua_Integer b = luaL_checkinteger(L, idx);
  luaL_argcheck(L, b >= 0, idx, "negative offset");
  return b;
}

/* 0-based index of the first token starting at or after byte b (n when
 * none does): tokens are in text order and do not overlap. */
static size_t token_lower_bound(const assay_token *t, size_t n, lua_Integer b) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if ((lua_Integer)t[mid].start < b) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* The token number (1-based) of the first token starting at or after the
 * byte argument; with `exact`, only one starting at that very byte. */
static int token_search(lua_State *L, int exact) {
  assay_doc *doc = lassay_checkdoc(L, 1);
  lua_Integer b = check_byte(L, 2);
  size_t n;
  const assay_token *t = doc_toks(L, doc, &n);
  size_t i = token_lower_bound(t, n, b);
  if (i < n && (!exact || (lua_Integer)t[i].start == b))
    lua_pushinteger(L, (lua_Integer)i + 1);
  else
    lua_pushnil(L);
  return 1;
}

/* doc:token_at(byte) -> the number of the token that starts at byte, or
 * nil: rules map annotation and match offsets to tokens with it. */
static int doc_token_at(lua_State *L) { return token_search(L, 1); }

/* doc:token_from(byte) -> the number of the first token starting at or
 * after byte, or nil past the last token's start. */
static int doc_token_from(lua_State *L) { return token_search(L, 0); }

/* doc:token_field(i, key) -> one field of token i as its token table has
 * it, without a table: a rule reading a few fields of a few tokens then
 * need not build doc:tokens().  nil when i is out of range; an unknown key
 * is an error (a misspelt field would otherwise read as nil). */
static int doc_token_field(lua_State *L) {
  assay_doc *doc = lassay_checkdoc(L, 1);
  lua_Integer i = luaL_checkinteger(L, 2);
  const char *key = luaL_checkstring(L, 3);
  size_t n;
  const assay_token *t = doc_toks(L, doc, &n);
  /* Out of range, an empty token stands in: a bad key fails everywhere. */
  static const assay_token none;
  int in_range = i >= 1 && (size_t)i <= n;
  if (!lassay_pushtokenfield(L, doc->text, in_range ? &t[i - 1] : &none,
                             in_range ? (size_t)i - 1 : 0, key))
    return luaL_argerror(L, 3, lua_pushfstring(L, "no token field '%s'", key));
  if (!in_range) lua_pushnil(L);
  return 1;
}

/* doc:find_tokens(text | {text, ...}) -> the numbers of the tokens whose
 * text is text (or one of the texts), in text order. */
static int doc_find_tokens(lua_State *L) {
  assay_doc *doc = lassay_checkdoc(L, 1);
  enum { MAX_WORDS = 256 };
  const char *w[MAX_WORDS];
  size_t wl[MAX_WORDS], nw = 0, n;
  if (lua_type(L, 2) == LUA_TTABLE) {
    size_t k = (size_t)lua_rawlen(L, 2);
    if (k > MAX_WORDS)
      return luaL_argerror(L, 2, "more than 256 texts");
    for (size_t j = 0; j < k; j++) {
      lua_rawgeti(L, 2, (lua_Integer)j + 1); /* the table keeps it alive */
      if (lua_type(L, -1) != LUA_TSTRING)
        return luaL_argerror(L, 2, "texts must be strings");
      w[nw] = lua_tolstring(L, -1, &wl[nw]);
      lua_pop(L, 1);
      nw++;
    }
  } else {
    w[0] = luaL_checklstring(L, 2, &wl[0]);
    nw = 1;
  }
  size_t minl = SIZE_MAX, maxl = 0;
  for (size_t j = 0; j < nw; j++) {
    if (wl[j] < minl) minl = wl[j];
    if (wl[j] > maxl) maxl = wl[j];
  }
  const assay_token *t = doc_toks(L, doc, &n);
  lua_newtable(L);
  lua_Integer k = 0;
  for (size_t i = 0; i < n; i++) {
    size_t len = t[i].end - t[i].start;
    if (len < minl || len > maxl) continue; /* most tokens stop here */
    const char *s = doc->text + t[i].start;
    for (size_t j = 0; j < nw; j++)
      if (wl[j] == len && memcmp(s, w[j], len) == 0) {
        lua_pushinteger(L, (lua_Integer)i + 1);
        lua_rawseti(L, -2, ++k);
        break;
      }
  }
  return 1;
}

static int doc_warnings(lua_State *L) {
  assay_doc *doc = lassay_checkdoc(L, 1);
  size_t n = assay_doc_warning_count(doc);
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_pushstring(L, assay_doc_warning(doc, i));
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

static int doc_add_warning(lua_State *L) {
  assay_doc *doc = lassay_checkdoc(L, 1);
  if (assay_doc_add_warning(doc, luaL_checkstring(L, 2)) != ASSAY_OK)
    return luaL_error(L, "add_warning: %s", assay_doc_errmsg(doc));
  return 0;
}

/* doc:to_json([{chars=, text=, layers={...}}]) -> one JSON Lines record. */
static int doc_to_json(lua_State *L) {
  assay_doc *doc = lassay_checkdoc(L, 1);
  unsigned flags = 0;
  const char **layers = NULL;
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    if (lua_getfield(L, 2, "chars") != LUA_TNIL && lua_toboolean(L, -1))
      flags |= ASSAY_JSON_CHARS;
    if (lua_getfield(L, 2, "text") != LUA_TNIL && lua_toboolean(L, -1))
      flags |= ASSAY_JSON_TEXT;
    if (lua_getfield(L, 2, "layers") == LUA_TTABLE) {
      int t = lua_gettop(L);
      size_t n = (size_t)lua_rawlen(L, t);
      layers = lua_newuserdatauv(L, (n + 1) * sizeof *layers, 0);
      for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, t, (lua_Integer)i + 1); /* the table keeps it alive */
        layers[i] = lua_tostring(L, -1);
        if (!layers[i]) return luaL_error(L, "to_json: layers must be strings");
        lua_pop(L, 1);
      }
      layers[n] = NULL;
    }
  }
  json_t *rec = doc_record(doc, flags, layers, NULL);
  char *s = rec ? json_text(rec, JSON_PRESERVE_ORDER) : NULL; /* as assay_doc_to_json */
  json_decref(rec);
  if (!s) return luaL_error(L, "to_json: out of memory");
  lua_pushstring(L, s);
  free(s);
  return 1;
}

/* doc:set_meta(key, value) or doc:set_meta(table): value nil removes. */
static int doc_set_meta(lua_State *L) {
  assay_doc *doc = lassay_checkdoc(L, 1);
  char msg[160] = "out of memory";
  if (lua_type(L, 2) == LUA_TTABLE) {
    json_t *obj = check_meta_table(L, 2);
    json_decref(doc->meta);
    doc->meta = obj;
    return 0;
  }
  const char *k = luaL_checkstring(L, 2);
  if (!doc->meta && !(doc->meta = json_object()))
    return luaL_error(L, "set_meta: out of memory");
  if (lua_isnoneornil(L, 3)) {
    json_object_del(doc->meta, k);
    return 0;
  }
  json_t *v = lassay_tojson(L, 3, 0, msg, sizeof msg);
  if (!v || json_object_set_new(doc->meta, k, v))
    return luaL_error(L, "set_meta: %s", msg);
  return 0;
}

static const luaL_Reg doc_methods[] = {
    {"tokens", doc_tokens},
    {"sentences", doc_sentences},
    {"paragraphs", doc_paragraphs},
    {"text_of", doc_text_of},
    {"char_offset", doc_char_offset},
    {"annotate", doc_annotate},
    {"annotations", doc_annotations},
    {"count", doc_count},
    {"annotation", doc_annotation},
    {"set", doc_set},
    {"remove", doc_remove},
    {"token", doc_token},
    {"token_at", doc_token_at},
    {"token_from", doc_token_from},
    {"token_field", doc_token_field},
    {"find_tokens", doc_find_tokens},
    {"warnings", doc_warnings},
    {"add_warning", doc_add_warning},
    {"to_json", doc_to_json},
    {"set_meta", doc_set_meta},
    {NULL, NULL}};

/* [-0, +1] The metatable of assay.doc, made on first use. */
static void push_doc_metatable(lua_State *L) {
  if (!luaL_newmetatable(L, LASSAY_DOC)) return;
  static const luaL_Reg meta[] = {{"__gc", doc_gc},
                                  {"__tostring", doc_tostring},
                                  {"__len", doc_len},
                                  {"__eq", doc_eq},
                                  {"__newindex", doc_newindex},
                                  {NULL, NULL}};
  luaL_setfuncs(L, meta, 0);
  luaL_newlib(L, doc_methods);
  lua_pushcclosure(L, doc_index, 1);
  lua_setfield(L, -2, "__index");
  lua_pushliteral(L, LASSAY_DOC);
  lua_setfield(L, -2, "__name");
}

/* ------------------------------------------------------------------ */
/* Readers: assay.read and assay.inputs                                 */
/* ------------------------------------------------------------------ */

/* One reader over inputs; its paths and encoding live in `block`. */
typedef struct lreader {
  in_reader *r;
  in_options opt;
  assay_allocator alloc;
  void *block;
  size_t block_size;
} lreader;

static void reader_close(lreader *rd) {
  in_close(rd->r);
  rd->r = NULL;
  mem_free(&rd->alloc, rd->block, rd->block_size);
  rd->block = NULL;
}

static int reader_gc(lua_State *L) {
  reader_close(luaL_checkudata(L, 1, LREADER));
  return 0;
}

lua_Integer lassay_failures(lua_State *L) {
  lua_getfield(L, LUA_REGISTRYINDEX, REG_FAILURES);
  lua_Integer n = lua_tointeger(L, -1);
  lua_pop(L, 1);
  return n;
}

/* A failed input: to the script's on_error, or to stderr and counted. */
static void report_failure(lua_State *L, int on_error, const assay_error *e,
                           int status) {
  const char *id = e->file[0] ? e->file : "input";
  const char *msg = e->message[0] ? e->message : assay_status_name(status);
  if (!lua_isnil(L, on_error)) {
    lua_pushvalue(L, on_error);
    lua_pushstring(L, id);
    lua_pushstring(L, msg);
    lua_call(L, 2, 0);
    return;
  }
  fprintf(stderr, "assay: %s: %s\n", id, msg);
  lua_pushinteger(L, lassay_failures(L) + 1);
  lua_setfield(L, LUA_REGISTRYINDEX, REG_FAILURES);
}

static int reader_next(lua_State *L) {
  lreader *rd = luaL_checkudata(L, lua_upvalueindex(1), LREADER);
  while (rd->r) {
    assay_error err;
    memset(&err, 0, sizeof err);
    lassay_doc *slot = new_doc_slot(L);
    int st = in_next(rd->r, &slot->doc, &err);
    if (st == ASSAY_OK) {
      /* The collector sees only the small userdata, not the text behind
       * it: tell it about the document, so that a stream of documents the
       * script drops is freed as it goes, not at the end. */
      lua_gc(L, LUA_GCSTEP, (int)(slot->doc->len / 512 + 1));
      return 1;
    }
    slot->doc = NULL; /* nothing was handed over */
    lua_pop(L, 1);
    if (st == ASSAY_STOP) break;
    report_failure(L, lua_upvalueindex(2), &err, st);
  }
  reader_close(rd);
  return 0;
}

void lassay_pushreader(lua_State *L, const char *const *paths, size_t n,
                       const char *encoding, int on_error) {
  on_error = on_error ? lua_absindex(L, on_error) : 0;
  size_t size = (n + 1) * sizeof(char *) + (encoding ? strlen(encoding) + 1 : 0);
  for (size_t i = 0; i < n; i++) size += strlen(paths[i]) + 1;
  lreader *rd = lua_newuserdatauv(L, sizeof *rd, 0);
  memset(rd, 0, sizeof *rd);
  if (luaL_newmetatable(L, LREADER)) {
    lua_pushcfunction(L, reader_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, reader_gc);
    lua_setfield(L, -2, "__close");
  }
  lua_setmetatable(L, -2);
  rd->alloc = lassay_allocator(L);
  rd->block = mem_alloc(&rd->alloc, size);
  if (!rd->block) luaL_error(L, "read: out of memory");
  rd->block_size = size;
  /* Copies: the reader may outlive the strings it was given. */
  char **copy = rd->block, *p = (char *)(copy + n + 1);
  for (size_t i = 0; i < n; i++) {
    copy[i] = p;
    p = stpcpy(p, paths[i]) + 1;
  }
  copy[n] = NULL;
  rd->opt.encoding = encoding ? strcpy(p, encoding) : NULL;
  rd->opt.alloc = &rd->alloc;
  if (in_open(&rd->r, (const char *const *)copy, n, &rd->opt) != ASSAY_OK)
    luaL_error(L, "read: out of memory");
  lua_pushvalue(L, -1);
  if (on_error) lua_pushvalue(L, on_error);
  else lua_pushnil(L);
  lua_pushcclosure(L, reader_next, 2);
  lua_insert(L, -2);    /* iterator, reader */
  lua_pushnil(L);
  lua_insert(L, -2);
  lua_pushnil(L);
  lua_insert(L, -2);    /* iterator, nil, nil, reader (closing value) */
}

/* [-0, +0] Reads the options table at idx: encoding and on_error (left on
 * the stack top, or nil). */
static const char *reader_options(lua_State *L, int idx, int *on_error) {
  const char *enc = NULL;
  if (lua_type(L, idx) == LUA_TTABLE) {
    lua_getfield(L, idx, "encoding");
    enc = lua_tostring(L, -1); /* the options table keeps it alive */
    lua_pop(L, 1);
    lua_getfield(L, idx, "on_error");
    luaL_argcheck(L, lua_isnil(L, -1) || lua_isfunction(L, -1), idx,
                  "on_error must be a function");
  } else {
    luaL_argcheck(L, lua_isnoneornil(L, idx), idx, "options table expected");
    lua_pushnil(L);
  }
  *on_error = lua_gettop(L);
  return enc;
}

/* [-0, +4] Readers over the strings of the array at idx (t[first..]). */
static int read_array(lua_State *L, int idx, lua_Integer first,
                      const char *enc, int on_error) {
  lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
  if (n < first) n = first - 1;
  size_t count = (size_t)(n - first + 1);
  const char **paths = lua_newuserdatauv(L, (count + 1) * sizeof *paths, 0);
  for (lua_Integer i = first; i <= n; i++) {
    lua_rawgeti(L, idx, i); /* the array keeps each string alive */
    paths[i - first] = lua_tostring(L, -1);
    if (!paths[i - first]) return luaL_error(L, "read: paths must be strings");
    lua_pop(L, 1);
  }
  lassay_pushreader(L, paths, count, enc, on_error);
  return 4;
}

/* assay.read(path | {paths...} [, {encoding=, on_error=}]) */
static int l_read(lua_State *L) {
  int on_error;
  const char *enc = reader_options(L, 2, &on_error);
  if (lua_type(L, 1) == LUA_TTABLE) return read_array(L, 1, 1, enc, on_error);
  const char *path = luaL_checkstring(L, 1);
  lassay_pushreader(L, &path, 1, enc, on_error);
  return 4;
}

void lassay_set_inputs(lua_State *L, const char *const *paths, size_t n,
                       const char *encoding) {
  lua_createtable(L, (int)n, 1);
  for (size_t i = 0; i < n; i++) {
    lua_pushstring(L, paths[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  if (encoding) {
    lua_pushstring(L, encoding);
    lua_setfield(L, -2, "encoding");
  }
  lua_setfield(L, LUA_REGISTRYINDEX, REG_INPUTS);
}

/* assay.inputs([{on_error=}]): the command line's inputs under `assay
 * run`, else the script arguments arg[1..] (stock lua5.4). */
static int l_inputs(lua_State *L) {
  int on_error;
  const char *enc = reader_options(L, 1, &on_error);
  if (lua_getfield(L, LUA_REGISTRYINDEX, REG_INPUTS) == LUA_TTABLE) {
    int t = lua_gettop(L);
    lua_getfield(L, t, "encoding");
    if (!enc) enc = lua_tostring(L, -1); /* kept by the registry table */
    lua_pop(L, 1);
    return read_array(L, t, 1, enc, on_error);
  }
  lua_pop(L, 1);
  if (lua_getglobal(L, "arg") != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
  }
  return read_array(L, lua_gettop(L), 1, enc, on_error);
}

static int l_failures(lua_State *L) {
  lua_pushinteger(L, lassay_failures(L));
  return 1;
}

/* ------------------------------------------------------------------ */
/* assay.document and assay.load                                        */
/* ------------------------------------------------------------------ */

/* assay.document(text [, meta [, id]]) or assay.document{text=, meta=, id=} */
static int l_document(lua_State *L) {
  int meta = 0;
  size_t len;
  const char *text, *id;
  if (lua_type(L, 1) == LUA_TTABLE) {
    lua_getfield(L, 1, "text");
    lua_getfield(L, 1, "meta");
    lua_getfield(L, 1, "id");
    if (lua_type(L, -3) != LUA_TSTRING)
      return luaL_error(L, "document: 'text' must be a string");
    text = lua_tolstring(L, -3, &len);
    if (!lua_isnil(L, -2)) meta = lua_gettop(L) - 1;
    id = lua_tostring(L, -1);
  } else {
    text = luaL_checklstring(L, 1, &len);
    if (!lua_isnoneornil(L, 2)) meta = 2;
    id = luaL_optstring(L, 3, NULL);
  }
  if (!id) { /* "doc1", "doc2", ...: numbered per Lua state */
    lua_getfield(L, LUA_REGISTRYINDEX, REG_DOCNUM);
    lua_Integer k = lua_tointeger(L, -1) + 1;
    lua_pop(L, 1);
    lua_pushinteger(L, k);
    lua_setfield(L, LUA_REGISTRYINDEX, REG_DOCNUM);
    id = lua_pushfstring(L, "doc%I", k);
  }
  lassay_doc *slot = new_doc_slot(L);
  json_t *mj = meta ? check_meta_table(L, meta) : NULL;
  assay_allocator a = lassay_allocator(L);
  assay_error err;
  memset(&err, 0, sizeof err);
  if (assay_doc_new(&slot->doc, id, text, len, &a, &err) != ASSAY_OK) {
    json_decref(mj);
    return lassay_raise(L, "document", &err);
  }
  if (mj) {
    json_decref(slot->doc->meta);
    slot->doc->meta = mj;
  }
  return 1;
}

/* assay.load(path [, {encoding=}]): one file, one document. */
static int l_load(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  in_options opt;
  memset(&opt, 0, sizeof opt);
  if (lua_type(L, 2) == LUA_TTABLE) {
    lua_getfield(L, 2, "encoding");
    opt.encoding = lua_tostring(L, -1);
  }
  assay_allocator a = lassay_allocator(L);
  opt.alloc = &a;
  assay_error err;
  memset(&err, 0, sizeof err);
  lassay_doc *slot = new_doc_slot(L);
  if (in_load_file(path, &opt, &slot->doc, &err) != ASSAY_OK) {
    if (!err.file[0]) snprintf(err.file, sizeof err.file, "%s", path);
    return lassay_raise(L, NULL, &err);
  }
  return 1;
}

void lassay_open_doc(lua_State *L) {
  static const luaL_Reg fns[] = {{"document", l_document},
                                 {"load", l_load},
                                 {"read", l_read},
                                 {"inputs", l_inputs},
                                 {"failures", l_failures},
                                 {NULL, NULL}};
  push_doc_metatable(L);
  lua_pop(L, 1);
  luaL_setfuncs(L, fns, 0);
}
