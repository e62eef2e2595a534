/*
 * lua_store.c -- the store userdata `assay.store`: a corpus of documents
 * shared (reference counted) with the Lua document userdata, in memory
 * (assay.store()) or persistent in SQLite (assay.store("file.db")).
 */
#include <jansson.h>
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

/* ---- the persistent store: assay.store("file.db") ------------------ */

#define LASSAY_DBSTORE "assay.dbstore"

typedef struct ldbstore {
  assay_db *db;
} ldbstore;

static assay_db *check_db(lua_State *L, int idx) {
  ldbstore *s = luaL_checkudata(L, idx, LASSAY_DBSTORE);
  if (!s->db) luaL_argerror(L, idx, "store already closed");
  return s->db;
}

static int db_close(lua_State *L) {
  ldbstore *s = luaL_checkudata(L, 1, LASSAY_DBSTORE);
  assay_db_close(s->db);
  s->db = NULL;
  return 0;
}

/* store:add(doc) -> doc: saves the document with its annotations (no pack
 * recorded: `assay extract --store` will analyse it again). */
static int db_add(lua_State *L) {
  assay_db *db = check_db(L, 1);
  assay_doc *doc = lassay_checkdoc(L, 2);
  if (assay_db_put(db, doc, NULL, NULL, NULL) != ASSAY_OK)
    return luaL_error(L, "add: %s", assay_db_errmsg(db));
  lua_settop(L, 2);
  return 1;
}

/* [-0, +1] Pushes the stored document of that id, or nil. */
static int db_push_doc(lua_State *L, assay_db *db, const char *id) {
  assay_doc *doc = NULL;
  int rc = assay_db_get(db, id, &doc);
  if (rc == ASSAY_ENOTFOUND) {
    lua_pushnil(L);
    return 0;
  }
  if (rc != ASSAY_OK) return luaL_error(L, "%s", assay_db_errmsg(db));
  /* Tokenized with this state's tokenizer, so doc:tokens() and patterns
   * over its annotations agree with a document read and scanned here. */
  assay_doc_tokenize(doc, lassay_tokenizer(L));
  lassay_pushdoc(L, doc); /* takes its own reference */
  assay_doc_free(doc);
  return 0;
}

static int db_get(lua_State *L) {
  assay_db *db = check_db(L, 1);
  db_push_doc(L, db, luaL_checkstring(L, 2));
  return 1;
}

static int db_remove(lua_State *L) {
  assay_db *db = check_db(L, 1);
  int rc = assay_db_remove(db, luaL_checkstring(L, 2));
  if (rc != ASSAY_OK && rc != ASSAY_ENOTFOUND)
    return luaL_error(L, "remove: %s", assay_db_errmsg(db));
  lua_pushboolean(L, rc == ASSAY_OK);
  return 1;
}

static int db_count(lua_State *L) {
  assay_db *db = check_db(L, 1);
  long long n = assay_db_count(db);
  if (n < 0) return luaL_error(L, "count: %s", assay_db_errmsg(db));
  lua_pushinteger(L, (lua_Integer)n);
  return 1;
}

static int push_id(void *ud, const char *id) {
  find_ctx *c = ud;
  lua_pushstring(c->L, id);
  lua_rawseti(c->L, -2, ++c->n);
  return ASSAY_OK;
}

/* Upvalues: the store, the array of ids, the position. */
static int db_docs_next(lua_State *L) {
  assay_db *db = check_db(L, lua_upvalueindex(1));
  for (;;) {
    lua_Integer i = lua_tointeger(L, lua_upvalueindex(3)) + 1;
    if (lua_rawgeti(L, lua_upvalueindex(2), i) == LUA_TNIL) return 1;
    lua_pushinteger(L, i);
    lua_replace(L, lua_upvalueindex(3));
    const char *id = lua_tostring(L, -1);
    db_push_doc(L, db, id);
    if (!lua_isnil(L, -1)) return 1; /* else removed meanwhile: skip */
    lua_pop(L, 2);
  }
}

/* store:docs() -> iterator over the stored documents, in the order they
 * were first stored, loaded one at a time (a snapshot of the ids). */
static int db_docs(lua_State *L) {
  assay_db *db = check_db(L, 1);
  find_ctx c = {L, 0};
  lua_settop(L, 1);
  lua_newtable(L);
  if (assay_db_each_id(db, push_id, &c) != ASSAY_OK)
    return luaL_error(L, "docs: %s", assay_db_errmsg(db));
  lua_pushinteger(L, 0);
  lua_pushcclosure(L, db_docs_next, 3);
  return 1;
}

/* [-0, +1] The documents of an FTS5 query, best first, as an array. */
static int db_search_docs(lua_State *L, assay_db *db, const char *query,
                          const char *what) {
  find_ctx c = {L, 0};
  lua_newtable(L); /* ids */
  if (assay_db_search(db, query, push_id, &c) != ASSAY_OK)
    return luaL_error(L, "%s: %s", what, assay_db_errmsg(db));
  lua_newtable(L);
  lua_Integer n = 0;
  for (lua_Integer i = 1; i <= c.n; i++) {
    lua_rawgeti(L, -2, i);
    db_push_doc(L, db, lua_tostring(L, -1));
    if (!lua_isnil(L, -1)) lua_rawseti(L, -3, ++n);
    else lua_pop(L, 1);
    lua_pop(L, 1);
  }
  lua_remove(L, -2);
  return 1;
}

/* store:search(query) -> array of documents, best first (FTS5 syntax). */
static int db_search(lua_State *L) {
  assay_db *db = check_db(L, 1);
  return db_search_docs(L, db, luaL_checkstring(L, 2), "search");
}

/* store:find(phrase) -> array of the documents holding the phrase: an
 * FTS5 phrase query (case-insensitive words in sequence). */
static int db_find(lua_State *L) {
  assay_db *db = check_db(L, 1);
  size_t len;
  const char *phrase = luaL_checklstring(L, 2, &len);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  luaL_addchar(&b, '"');
  for (size_t i = 0; i < len; i++) {
    if (phrase[i] == '"') luaL_addchar(&b, '"');
    luaL_addchar(&b, phrase[i]);
  }
  luaL_addchar(&b, '"');
  luaL_pushresult(&b);
  return db_search_docs(L, db, lua_tostring(L, -1), "find");
}

typedef struct ann_ctx {
  lua_State *L;
  lua_Integer n;
} ann_ctx;

/* Spans in Lua are start/stop: rename "end" in a span attribute table. */
static void span_to_lua(lua_State *L) {
  if (lua_getfield(L, -1, "end") == LUA_TNUMBER) {
    lua_setfield(L, -2, "stop");
    lua_pushnil(L);
    lua_setfield(L, -2, "end");
  } else {
    lua_pop(L, 1);
  }
}

static int push_ann(void *ud, const assay_db_annotation *a) {
  ann_ctx *c = ud;
  lua_State *L = c->L;
  json_t *attrs = json_loads(a->attrs ? a->attrs : "{}", 0, NULL);
  if (json_is_object(attrs)) {
    lassay_pushjson(L, attrs, 0);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      if (lua_istable(L, -1)) span_to_lua(L);
      lua_pop(L, 1);
    }
  } else {
    lua_newtable(L);
  }
  json_decref(attrs);
  lua_pushstring(L, a->doc);
  lua_setfield(L, -2, "doc");
  lua_pushinteger(L, a->id);
  lua_setfield(L, -2, "id");
  lua_pushstring(L, a->layer);
  lua_setfield(L, -2, "layer");
  lua_pushinteger(L, a->start);
  lua_setfield(L, -2, "start");
  lua_pushinteger(L, a->end);
  lua_setfield(L, -2, "stop");
  lua_pushstring(L, a->text);
  lua_setfield(L, -2, "text");
  if (a->rule) {
    lua_pushstring(L, a->rule);
    lua_setfield(L, -2, "rule");
  }
  lua_rawseti(L, -2, ++c->n);
  return ASSAY_OK;
}

/* store:annotations{layer=, norm=} -> array of annotation tables (doc, id,
 * layer, start, stop, text, rule and the attributes), by document. */
static int db_annotations(lua_State *L) {
  assay_db *db = check_db(L, 1);
  const char *layer = NULL, *norm = NULL;
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_getfield(L, 2, "layer");
    lua_getfield(L, 2, "norm");
    layer = luaL_optstring(L, -2, NULL);
    norm = luaL_optstring(L, -1, NULL);
  }
  ann_ctx c = {L, 0};
  lua_newtable(L);
  if (assay_db_annotations(db, layer, norm, push_ann, &c) != ASSAY_OK)
    return luaL_error(L, "annotations: %s", assay_db_errmsg(db));
  return 1;
}

static int db_tostring(lua_State *L) {
  ldbstore *s = luaL_checkudata(L, 1, LASSAY_DBSTORE);
  long long n = s->db ? assay_db_count(s->db) : -1;
  if (n < 0) lua_pushstring(L, "assay.store(closed)");
  else lua_pushfstring(L, "assay.store(%I stored documents)", (lua_Integer)n);
  return 1;
}

static int l_dbstore(lua_State *L, const char *path) {
  ldbstore *s = lua_newuserdatauv(L, sizeof *s, 0);
  s->db = NULL;
  luaL_setmetatable(L, LASSAY_DBSTORE);
  assay_allocator a = lassay_allocator(L);
  assay_error err;
  if (assay_db_open(&s->db, path, 0, &a, &err) != ASSAY_OK)
    return luaL_error(L, "store: %s", err.message);
  return 1;
}

/* assay.store([path]): an in-memory store, or the persistent store in the
 * SQLite database at path (created when missing). */
static int l_store(lua_State *L) {
  if (!lua_isnoneornil(L, 1)) return l_dbstore(L, luaL_checkstring(L, 1));
  lstore *s = lua_newuserdatauv(L, sizeof *s, 0);
  s->st = NULL;
  luaL_setmetatable(L, LASSAY_STORE);
  assay_allocator a = lassay_allocator(L);
  if (assay_store_new(&s->st, &a) != ASSAY_OK)
    return luaL_error(L, "store: out of memory");
  return 1;
}

static void open_dbstore(lua_State *L) {
  static const luaL_Reg methods[] = {
      {"add", db_add},       {"get", db_get},
      {"remove", db_remove}, {"count", db_count},
      {"docs", db_docs},     {"find", db_find},
      {"search", db_search}, {"annotations", db_annotations},
      {"close", db_close},   {NULL, NULL}};
  static const luaL_Reg meta[] = {{"__gc", db_close},
                                  {"__close", db_close},
                                  {"__len", db_count},
                                  {"__tostring", db_tostring},
                                  {NULL, NULL}};
  if (luaL_newmetatable(L, LASSAY_DBSTORE)) {
    luaL_setfuncs(L, meta, 0);
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
  }
  lua_pop(L, 1);
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
  open_dbstore(L);
  lua_pushcfunction(L, l_store);
  lua_setfield(L, -2, "store");
}
