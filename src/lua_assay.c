/*
 * lua_assay.c -- the `assay` Lua module: the table that `require "assay"`
 * returns, filled by each binding file's lassay_open_* function.
 */
#include "lua_common.h"
#include "lua_host.h"

int luaopen_assay(lua_State *L) {
  lua_newtable(L);
  lassay_open_text(L);
  lassay_open_doc(L);
  lassay_open_store(L);
  lassay_open_regex(L);
  lassay_open_lexicon(L);
  lassay_open_pattern(L);
  lassay_open_date(L);
  lassay_open_rules(L);
  lassay_open_json(L);
  lua_pushliteral(L, ASSAY_VERSION);
  lua_setfield(L, -2, "version");
  return 1;
}
