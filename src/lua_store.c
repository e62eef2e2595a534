/*
 * lua_store.c -- the store userdata `assay.store`: a corpus of documents
 * shared (reference counted) with the Lua document userdata.  In memory
 * for now; assay.store("file.db") is where the SQLite store will plug in.
 */
#include <string.h>

#include "doc.h"
#include "lua_common.h"
#include "lua_host.h"

typedef struct lstore {
  assay_store *st;
} lstore;

static assay_store *check_store(lua_State *L, int idx) {
  lstore *s = luaL_checkudata(L, idx, LASSAY_STORE);
  if (!s->st) luaL_argerror(L, idx, "store already closed");
  return s->st;
}

static int store_gc(lua_State *L) {
  lstore *s = luaL_checkudata(L, 1, LASSAY_STORE);
  assay_store_free(s->st);
  s->st = NULL;
  return 0;
}

/* store:add(doc) -> doc.  The store takes its own reference, so the same
 * document is seen (annotations included) from Lua and from the store. */
static int store_add(lua_State *L) {
  assay_store *st = check_store(L, 1);
  assay_doc *doc = lassay_checkdoc(L, 2);
  /* Tokenized with this state's tokenizer, as doc:tokens() would be, so
   * the store's index and the Lua tokens agree. */
  if (!doc->tokenized && assay_doc_tokenize(doc, lassay_tokenizer(L)) != ASSAY_OK)
    return luaL_error(L, "add: %s: %s", doc->id, assay_doc_errmsg(doc));
  doc_retain(doc);
  if (assay_store_add(st, doc) != ASSAY_OK) /* drops our reference */
    return luaL_error(L, "add: %s", assay_store_errmsg(st));
  lua_settop(L, 2);
  return 1;
}

static int store_get(lua_State *L) {
  assay_store *st = check_store(L, 1);
  assay_doc *doc = assay_store_get(st, luaL_checkstring(L, 2));
  if (doc) lassay_pushdoc(L, doc);
  else lua_pushnil(L);
  return 1;
}

static int store_remove(lua_State *L) {
  assay_store *st = check_store(L, 1);
  int rc = assay_store_remove(st, luaL_checkstring(L, 2));
  if (rc != ASSAY_OK && rc != ASSAY_ENOTFOUND)
    return luaL_error(L, "remove: %s", assay_store_errmsg(st));
  lua_pushboolean(L, rc == ASSAY_OK);
  return 1;
}

static int store_count(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)assay_store_count(check_store(L, 1)));
  return 1;
}

static int store_docs_next(lua_State *L) {
  lua_Integer i = lua_tointeger(L, lua_upvalueindex(2)) + 1;
  if (lua_rawgeti(L, lua_upvalueindex(1), i) == LUA_TNIL) return 1;
  lua_pushinteger(L, i);
  lua_replace(L, lua_upvalueindex(2));
  return 1;
}

/* store:docs() -> iterator over the documents in input order.  It walks a
 * snapshot taken now, so a script may add or remove documents while it
 * iterates without skipping any. */
static int store_docs(lua_State *L) {
  assay_store *st = check_store(L, 1);
  size_t n = assay_store_count(st);
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lassay_pushdoc(L, assay_store_at(st, i));
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_pushinteger(L, 0);
  lua_pushcclosure(L, store_docs_next, 2);
  return 1;
}

typedef struct find_ctx {
  lua_State *L;
  lua_Integer n;
} find_ctx;

static int find_one(void *ud, assay_doc *doc) {
  find_ctx *c = ud;
  /* Both pushes can raise only on memory exhaustion, and then the
   * document is still the store's: nothing is lost. */
  lassay_pushdoc(c->L, doc);
  lua_rawseti(c->L, -2, ++c->n);
  return ASSAY_OK;
}

/* store:find(phrase) -> array of the documents holding it, input order. */
static int store_find(lua_State *L) {
  assay_store *st = check_store(L, 1);
  const char *phrase = luaL_checkstring(L, 2);
  find_ctx c = {L, 0};
  lua_newtable(L);
  int rc = assay_store_find(st, phrase, find_one, &c);
  if (rc < 0) return luaL_error(L, "find: %s", assay_store_errmsg(st));
  return 1;
}

static int store_tostring(lua_State *L) {
  assay_store *st = check_store(L, 1);
  lua_pushfstring(L, "assay.store(%I documents)",
                  (lua_Integer)assay_store_count(st));
  return 1;
}

/* assay.store([path]): an in-memory store; a path is refused until the
 * persistent store exists, so scripts written for it fail clearly. */
static int l_store(lua_State *L) {
  if (!lua_isnoneornil(L, 1))
    return luaL_error(L, "store: persistent stores (%s) are not available "
                         "yet; use assay.store()", luaL_checkstring(L, 1));
  lstore *s = lua_newuserdatauv(L, sizeof *s, 0);
  s->st = NULL;
  luaL_setmetatable(L, LASSAY_STORE);
  assay_allocator a = lassay_allocator(L);
  if (assay_store_new(&s->st, &a) != ASSAY_OK)
    return luaL_error(L, "store: out of memory");
  return 1;
}

void lassay_open_store(lua_State *L) {
  static const luaL_Reg methods[] = {
      {"add", store_add},       {"get", store_get},     {"remove", store_remove},
      {"count", store_count},   {"docs", store_docs},   {"find", store_find},
      {NULL, NULL}};
  static const luaL_Reg meta[] = {{"__gc", store_gc},
                                  {"__len", store_count},
                                  {"__tostring", store_tostring},
                                  {NULL, NULL}};
  if (luaL_newmetatable(L, LASSAY_STORE)) {
    luaL_setfuncs(L, meta, 0);
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
  }
  lua_pop(L, 1);
  lua_pushcfunction(L, l_store);
  lua_setfield(L, -2, "store");
}
