/*
 * lua_lexicon.c -- the Lua face of the lexicon: assay.lexicon{file=,
 * entries=, fold=} and the methods match, size and memory of its userdata.
 */
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "lexicon.h"
#include "lua_common.h"

typedef struct llx {
  assay_lexicon *lx;
} llx;

static llx *llx_check(lua_State *L, int idx) {
  llx *u = luaL_checkudata(L, idx, LASSAY_LEXICON);
  if (!u->lx) luaL_error(L, "lexicon: already freed");
  return u;
}

/* Raises the lexicon's last error. */
static int llx_fail(lua_State *L, const llx *u) {
  return luaL_error(L, "lexicon: %s", assay_lexicon_errmsg(u->lx));
}

/* [-0, +0] Adds the entries of the list at idx (name, kind, norm, aliases,
 * attrs), as the YAML format has them. */
static void llx_add_entries(lua_State *L, llx *u, int idx) {
  lua_Integer n = luaL_len(L, idx);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_geti(L, idx, i);
    int e = lua_gettop(L);
    if (lua_type(L, e) == LUA_TSTRING) {
      if (assay_lexicon_add_entry(u->lx, lua_tostring(L, e), NULL, NULL) < 0)
        llx_fail(L, u);
      lua_pop(L, 1);
      continue;
    }
    luaL_argexpected(L, lua_istable(L, e), 1, "entries of strings or tables");
    lua_getfield(L, e, "name");
    lua_getfield(L, e, "kind");
    lua_getfield(L, e, "norm");
    const char *name = lua_tostring(L, -3);
    if (!name) luaL_error(L, "lexicon: entry %d has no name", (int)i);
    int ent = assay_lexicon_add_entry(u->lx, name, lua_tostring(L, -2),
                                      lua_tostring(L, -1));
    if (ent < 0) llx_fail(L, u);
    lua_pop(L, 3);
    if (lua_getfield(L, e, "aliases") == LUA_TTABLE) {
      lua_Integer na = luaL_len(L, -1);
      for (lua_Integer j = 1; j <= na; j++) {
        const char *text, *kind = NULL;
        if (lua_geti(L, -1, j) == LUA_TTABLE) {
          lua_getfield(L, -1, "text");
          lua_getfield(L, -2, "kind");
          text = lua_tostring(L, -2);
          kind = lua_tostring(L, -1);
          lua_pop(L, 2);
        } else {
          text = lua_tostring(L, -1);
        }
        if (!text) luaL_error(L, "lexicon: an alias of %s has no text", name);
        if (assay_lexicon_add_alias(u->lx, ent, text, kind) != ASSAY_OK)
          llx_fail(L, u);
        lua_pop(L, 1);
      }
    }
    lua_pop(L, 1);
    if (lua_getfield(L, e, "attrs") == LUA_TTABLE) {
      lua_pushnil(L);
      while (lua_next(L, -2)) {
        lua_pushvalue(L, -2); /* tostring on a copy keeps next() sane */
        const char *k = lua_tostring(L, -1);
        const char *v = luaL_tolstring(L, -2, NULL);
        if (k && assay_lexicon_set_attr(u->lx, ent, k, v) != ASSAY_OK)
          llx_fail(L, u);
        lua_pop(L, 3);
      }
    }
    lua_pop(L, 2);
  }
}

/* [-0, +0] Loads the YAML file(s) of opts.file / opts.files. */
static void llx_load_files(lua_State *L, llx *u) {
  assay_error err;
  int t = lua_getfield(L, 1, "file");
  if (t == LUA_TSTRING) {
    memset(&err, 0, sizeof err);
    if (assay_lexicon_load(u->lx, lua_tostring(L, -1), &err) != ASSAY_OK)
      lassay_raise(L, "lexicon", &err);
  }
  lua_pop(L, 1);
  if (lua_getfield(L, 1, "files") == LUA_TTABLE) {
    lua_Integer n = luaL_len(L, -1);
    for (lua_Integer i = 1; i <= n; i++) {
      lua_geti(L, -1, i);
      memset(&err, 0, sizeof err);
      const char *path = lua_tostring(L, -1);
      if (path && assay_lexicon_load(u->lx, path, &err) != ASSAY_OK)
        lassay_raise(L, "lexicon", &err);
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
}

/* assay.lexicon{file = "x.yaml", files = {...}, entries = {...}, fold = b} */
static int l_lexicon(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  unsigned flags = LEX_FOLD_AUTO;
  if (lua_getfield(L, 1, "fold") != LUA_TNIL)
    flags = lua_toboolean(L, -1) ? ASSAY_LEX_FOLD : 0;
  lua_pop(L, 1);
  llx *u = lua_newuserdatauv(L, sizeof *u, 0);
  u->lx = NULL;
  luaL_setmetatable(L, LASSAY_LEXICON);
  if (assay_lexicon_new(&u->lx, flags, NULL) != ASSAY_OK)
    return luaL_error(L, "lexicon: out of memory");
  llx_load_files(L, u);
  if (lua_getfield(L, 1, "entries") == LUA_TTABLE)
    llx_add_entries(L, u, lua_gettop(L));
  lua_pop(L, 1);
  if (assay_lexicon_freeze(u->lx) != ASSAY_OK) llx_fail(L, u);
  return 1;
}

/* Matches gathered in C before tables are made (a Lua error must not jump
 * out of a scan).  A userdata, so an error frees it through __gc. */
#define LLX_VEC "assay.lexicon.vec"
typedef struct llx_vec {
  assay_lexicon_match *v;
  size_t n, cap;
} llx_vec;

static int vec_gc(lua_State *L) {
  llx_vec *m = luaL_checkudata(L, 1, LLX_VEC);
  free(m->v);
  m->v = NULL;
  return 0;
}

static int vec_add(void *ud, const assay_lexicon_match *mt) {
  llx_vec *m = ud;
  if (m->n == m->cap) {
    size_t cap = m->cap ? m->cap * 2 : 64;
    assay_lexicon_match *v = realloc(m->v, cap * sizeof *v);
    if (!v) return ASSAY_ENOMEM;
    m->v = v;
    m->cap = cap;
  }
  m->v[m->n++] = *mt;
  return ASSAY_OK;
}

/* [-0, +1] The match as a table. */
static void llx_push_match(lua_State *L, const assay_lexicon *lx,
                           const assay_lexicon_match *m,
                           const assay_token *toks, const char *text) {
  uint32_t s = toks[m->first].start, e = toks[m->last - 1].end;
  lua_createtable(L, 0, 9);
  lua_pushinteger(L, s);
  lua_setfield(L, -2, "start");
  lua_pushinteger(L, e);
  lua_setfield(L, -2, "stop");
  lua_pushlstring(L, text + s, e - s);
  lua_setfield(L, -2, "text");
  lua_pushstring(L, m->name);
  lua_setfield(L, -2, "name");
  lua_pushstring(L, m->kind); /* nil when the entry has no kind */
  lua_setfield(L, -2, "kind");
  lua_pushstring(L, m->norm);
  lua_setfield(L, -2, "norm");
  /* Token numbers in Lua are 1-based and inclusive (docs/lua-api.md). */
  lua_pushinteger(L, (lua_Integer)m->first + 1);
  lua_setfield(L, -2, "first");
  lua_pushinteger(L, m->last);
  lua_setfield(L, -2, "last");
  lua_pushinteger(L, m->entry);
  lua_setfield(L, -2, "entry");
  size_t na = assay_lexicon_entry_attr_count(lx, m->entry);
  lua_createtable(L, 0, (int)na);
  for (size_t i = 0; i < na; i++) {
    const char *v, *k = assay_lexicon_entry_attr_at(lx, m->entry, i, &v);
    lua_pushstring(L, v);
    lua_setfield(L, -2, k);
  }
  lua_setfield(L, -2, "attrs");
}

/* lx:match(doc_or_text) -> { {start, stop, text, name, kind, norm, attrs,
 * first, last, entry}, ... }; first/last: 1-based inclusive token numbers */
static int l_match(lua_State *L) {
  llx *u = llx_check(L, 1);
  const assay_token *toks;
  size_t ntoks, len;
  const char *text;
  assay_tokens *own = NULL;
  if (lua_type(L, 2) == LUA_TSTRING) {
    text = lua_tolstring(L, 2, &len);
    assay_error err;
    if (assay_tokenize(lassay_tokenizer(L), text, len, &own, &err))
      return lassay_raise(L, "lexicon", &err);
    toks = assay_tokens_get(own, &ntoks);
  } else {
    assay_doc *doc = lassay_checkdoc(L, 2);
    if (!doc->tokenized &&
        assay_doc_tokenize(doc, lassay_tokenizer(L)) != ASSAY_OK)
      return luaL_error(L, "lexicon: %s", assay_doc_errmsg(doc));
    toks = assay_doc_tokens(doc, &ntoks);
    text = assay_doc_text(doc, &len);
  }
  llx_vec *m = lua_newuserdatauv(L, sizeof *m, 0);
  memset(m, 0, sizeof *m);
  if (luaL_newmetatable(L, LLX_VEC)) {
    lua_pushcfunction(L, vec_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  int rc = assay_lexicon_scan(u->lx, toks, ntoks, text, vec_add, m);
  if (rc < 0) {
    assay_tokens_free(own);
    return luaL_error(L, "lexicon: %s", assay_status_name(rc));
  }
  lua_createtable(L, (int)m->n, 0);
  for (size_t i = 0; i < m->n; i++) {
    llx_push_match(L, u->lx, &m->v[i], toks, text);
    lua_seti(L, -2, (lua_Integer)i + 1);
  }
  assay_tokens_free(own); /* a leak only if a table could not be made */
  return 1;
}

static int l_size(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)assay_lexicon_entry_count(llx_check(L, 1)->lx));
  return 1;
}

static int l_memory(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)assay_lexicon_memory(llx_check(L, 1)->lx));
  return 1;
}

static int l_gc(lua_State *L) {
  llx *u = luaL_checkudata(L, 1, LASSAY_LEXICON);
  assay_lexicon_free(u->lx);
  u->lx = NULL;
  return 0;
}

static int l_tostring(lua_State *L) {
  llx *u = luaL_checkudata(L, 1, LASSAY_LEXICON);
  lua_pushfstring(L, "assay.lexicon (%d entries)",
                  (int)assay_lexicon_entry_count(u->lx));
  return 1;
}

void lassay_open_lexicon(lua_State *L) {
  static const luaL_Reg methods[] = {{"match", l_match},
                                     {"size", l_size},
                                     {"memory", l_memory},
                                     {NULL, NULL}};
  static const luaL_Reg meta[] = {
      {"__gc", l_gc}, {"__tostring", l_tostring}, {NULL, NULL}};
  if (luaL_newmetatable(L, LASSAY_LEXICON)) {
    luaL_setfuncs(L, meta, 0);
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
  }
  lua_pop(L, 1);
  lua_pushcfunction(L, l_lexicon);
  lua_setfield(L, -2, "lexicon");
}
