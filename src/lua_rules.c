/*
 * lua_rules.c -- the Lua face of rule packs: assay.rules(path [, opts])
 * compiles a pack (sandboxed unless opts.unsafe) and gives an object whose
 * :scan(doc) runs it over a document with its own scanner and Lua state.
 */
#include <string.h>

#include "engine.h"
#include "lua_common.h"

typedef struct lrules {
  assay_rules *rules;
  assay_scanner *sc;
} lrules;

static lrules *check_rules(lua_State *L, int idx) {
  lrules *r = luaL_checkudata(L, idx, LASSAY_RULES);
  if (!r->rules) luaL_error(L, "the rule pack is closed");
  return r;
}

typedef struct diag_buf {
  char text[4096];
  size_t len;
} diag_buf;

/* Collects the error diagnostics into one message. */
static void on_diagnostic(void *ud, const assay_diagnostic *d) {
  diag_buf *db = ud;
  if (!d->severity || db->len >= sizeof db->text - 1) return;
  char where[600] = "";
  if (d->file && *d->file && d->line > 0)
    snprintf(where, sizeof where, "%s:%d: ", d->file, d->line);
  else if (d->file && *d->file)
    snprintf(where, sizeof where, "%s: ", d->file);
  int n = snprintf(db->text + db->len, sizeof db->text - db->len,
                   "%s%s%s%s%s\n", where, d->rule ? "rule " : "",
                   d->rule ? d->rule : "", d->rule ? ": " : "", d->message);
  if (n > 0) db->len += (size_t)n;
  if (db->len >= sizeof db->text) db->len = sizeof db->text - 1;
}

/* assay.rules(path [, {unsafe = bool, lexicons = {NAME = FILE},
 *                      limits = {instructions=, memory=, ...}}])
 * -> rules object, or raises an error listing the diagnostics. */
static int l_rules(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  int unsafe = 0;
  if (lua_istable(L, 2)) {
    lua_getfield(L, 2, "unsafe");
    unsafe = lua_toboolean(L, -1);
    lua_pop(L, 1);
  }
  lrules *r = lua_newuserdatauv(L, sizeof *r, 0);
  memset(r, 0, sizeof *r);
  luaL_setmetatable(L, LASSAY_RULES);
  assay_compiler *c = NULL;
  if (assay_compiler_new(&c, unsafe ? ASSAY_UNSAFE : 0, NULL) != ASSAY_OK)
    return luaL_error(L, "out of memory");
  if (lua_istable(L, 2)) {
    lua_getfield(L, 2, "lexicons");
    if (lua_istable(L, -1)) {
      lua_pushnil(L);
      while (lua_next(L, -2)) {
        if (lua_type(L, -2) == LUA_TSTRING && lua_type(L, -1) == LUA_TSTRING)
          assay_compiler_add_lexicon_file(c, lua_tostring(L, -2),
                                          lua_tostring(L, -1));
        lua_pop(L, 1);
      }
    }
    lua_pop(L, 1);
  }
  diag_buf db;
  db.len = 0;
  db.text[0] = '\0';
  assay_compiler_set_callback(c, on_diagnostic, &db);
  int st = assay_compiler_load_file(c, path);
  if (st == ASSAY_OK) st = assay_compiler_get_rules(c, &r->rules);
  if (st != ASSAY_OK) {
    lua_pushfstring(L, "%s: the rule pack did not compile:\n%s", path,
                    db.len ? db.text : assay_compiler_errmsg(c));
    assay_compiler_free(c);
    return lua_error(L);
  }
  assay_compiler_free(c);
  /* opts.limits = {instructions=, memory=, max_doc_bytes=, max_annotations=} */
  assay_limits limits;
  memset(&limits, 0, sizeof limits);
  if (lua_istable(L, 2)) {
    lua_getfield(L, 2, "limits");
    if (lua_istable(L, -1)) {
      lua_getfield(L, -1, "instructions");
      limits.instructions = (uint64_t)lua_tointeger(L, -1);
      lua_getfield(L, -2, "memory");
      limits.memory = (size_t)lua_tointeger(L, -1);
      lua_getfield(L, -3, "max_doc_bytes");
      limits.max_doc_bytes = (size_t)lua_tointeger(L, -1);
      lua_getfield(L, -4, "max_annotations");
      limits.max_annotations = (size_t)lua_tointeger(L, -1);
      lua_pop(L, 4);
    }
    lua_pop(L, 1);
  }
  if (assay_scanner_new(&r->sc, r->rules, &limits) != ASSAY_OK)
    return luaL_error(L, "%s: %s", path, assay_scanner_errmsg(r->sc));
  return 1;
}

/* rules:scan(doc [, {trace = bool}]) -> true, or nil and the message. */
static int l_scan(lua_State *L) {
  lrules *r = check_rules(L, 1);
  assay_doc *doc = lassay_checkdoc(L, 2);
  int trace = 0;
  if (lua_istable(L, 3)) {
    lua_getfield(L, 3, "trace");
    trace = lua_toboolean(L, -1);
    lua_pop(L, 1);
  }
  if (eng_scan(r->sc, doc, trace, -1) != ASSAY_OK) {
    lua_pushnil(L);
    lua_pushstring(L, assay_scanner_errmsg(r->sc));
    return 2;
  }
  lua_pushboolean(L, 1);
  return 1;
}

/* rules:pack() -> "news 0.1" */
static int l_pack(lua_State *L) {
  lua_pushstring(L, assay_rules_pack(check_rules(L, 1)->rules));
  return 1;
}

/* rules:rule_names() -> array of rule names in declaration order */
static int l_rule_names(lua_State *L) {
  lrules *r = check_rules(L, 1);
  lua_createtable(L, (int)r->rules->nrules, 0);
  for (size_t i = 0; i < r->rules->nrules; i++) {
    lua_pushstring(L, r->rules->rules[i].name);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

static int l_gc(lua_State *L) {
  lrules *r = luaL_checkudata(L, 1, LASSAY_RULES);
  assay_scanner_free(r->sc);
  assay_rules_free(r->rules);
  r->sc = NULL;
  r->rules = NULL;
  return 0;
}

static int l_tostring(lua_State *L) {
  lrules *r = luaL_checkudata(L, 1, LASSAY_RULES);
  lua_pushfstring(L, "assay.rules (%s)",
                  r->rules ? assay_rules_pack(r->rules) : "closed");
  return 1;
}

void lassay_open_rules(lua_State *L) {
  static const luaL_Reg methods[] = {{"scan", l_scan},
                                     {"pack", l_pack},
                                     {"rule_names", l_rule_names},
                                     {NULL, NULL}};
  if (luaL_newmetatable(L, LASSAY_RULES)) {
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, l_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, l_gc);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, l_tostring);
    lua_setfield(L, -2, "__tostring");
  }
  lua_pop(L, 1);
  lua_pushcfunction(L, l_rules);
  lua_setfield(L, -2, "rules");
}
