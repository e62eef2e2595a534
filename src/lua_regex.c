/*
 * lua_regex.c -- the Lua face of the regex matcher: assay.regex(pattern,
 * flags) and the methods find_all and test of its userdata.
 */
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "lua_common.h"

typedef struct lrx {
  assay_regex *rx;
  unsigned flags;
} lrx;

/* Matches collected in C before any table is made, so that no Lua error
 * can jump out of a running scan.  Lives in a userdata with __gc. */
#define LRX_VEC "assay.regex.vec"
typedef struct lrx_vec {
  uint32_t *v; /* per match: 2 * (ngroups + 1) offsets */
  size_t n, cap;
  int ngroups;
  int stop_first;
} lrx_vec;

static int vec_gc(lua_State *L) {
  lrx_vec *m = luaL_checkudata(L, 1, LRX_VEC);
  free(m->v);
  m->v = NULL;
  return 0;
}

/* [-0, +1] A new empty collector. */
static lrx_vec *vec_push(lua_State *L, int ngroups) {
  lrx_vec *m = lua_newuserdatauv(L, sizeof *m, 0);
  memset(m, 0, sizeof *m);
  m->ngroups = ngroups;
  if (luaL_newmetatable(L, LRX_VEC)) {
    lua_pushcfunction(L, vec_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  return m;
}

static int vec_add(void *ud, const assay_regex_match *mt) {
  lrx_vec *m = ud;
  size_t w = 2 * ((size_t)m->ngroups + 1);
  if (m->n + w > m->cap) {
    size_t cap = m->cap ? m->cap * 2 : 64 * w;
    while (cap < m->n + w) cap *= 2;
    uint32_t *v = realloc(m->v, cap * sizeof *v);
    if (!v) return ASSAY_ENOMEM;
    m->v = v;
    m->cap = cap;
  }
  memcpy(m->v + m->n, mt->groups, w * sizeof *m->v);
  m->n += w;
  return m->stop_first ? ASSAY_STOP : ASSAY_OK;
}

static unsigned lrx_parse_flags(lua_State *L, const char *s) {
  unsigned f = 0;
  for (; *s; s++) {
    switch (*s) {
    case 'i': f |= ASSAY_RX_CASELESS; break;
    case 't': f |= ASSAY_RX_TOKENS; break;
    case 'a': f |= ASSAY_RX_ASCII; break;
    default: luaL_error(L, "regex: unknown flag '%c' (use i, t, a)", *s);
    }
  }
  return f;
}

/* assay.regex(pattern [, flags]) */
static int l_regex(lua_State *L) {
  const char *pat = luaL_checkstring(L, 1);
  unsigned flags = lrx_parse_flags(L, luaL_optstring(L, 2, ""));
  lrx *u = lua_newuserdatauv(L, sizeof *u, 0);
  u->rx = NULL;
  u->flags = flags;
  luaL_setmetatable(L, LASSAY_REGEX);
  assay_error err;
  memset(&err, 0, sizeof err);
  if (assay_regex_new(&u->rx, pat, flags, NULL, &err) != ASSAY_OK)
    return lassay_raise(L, "regex", &err);
  return 1;
}

/* The text and tokens to scan: a document (tokenized when needed), or a
 * string (tokenized only for a token-snapped regex; the token list is left
 * in *own for the caller to free). */
static const char *lrx_subject(lua_State *L, int idx, const lrx *u,
                               size_t *len, const assay_token **toks,
                               size_t *ntoks, assay_tokens **own) {
  *toks = NULL;
  *ntoks = 0;
  *own = NULL;
  if (lua_type(L, idx) == LUA_TSTRING) {
    const char *s = lua_tolstring(L, idx, len);
    if (u->flags & ASSAY_RX_TOKENS) {
      assay_error err;
      if (assay_tokenize(lassay_tokenizer(L), s, *len, own, &err))
        lassay_raise(L, "regex", &err);
      *toks = assay_tokens_get(*own, ntoks);
    }
    return s;
  }
  assay_doc *doc = lassay_checkdoc(L, idx);
  if ((u->flags & ASSAY_RX_TOKENS) && !doc->tokenized &&
      assay_doc_tokenize(doc, lassay_tokenizer(L)) != ASSAY_OK)
    luaL_error(L, "regex: %s", assay_doc_errmsg(doc));
  if (u->flags & ASSAY_RX_TOKENS) *toks = assay_doc_tokens(doc, ntoks);
  return assay_doc_text(doc, len);
}

/* Runs the scan into a collector pushed on the stack. [-0, +1] */
static lrx_vec *lrx_run(lua_State *L, int stop_first, const char **text) {
  lrx *u = luaL_checkudata(L, 1, LASSAY_REGEX);
  if (!u->rx) luaL_error(L, "regex: not compiled");
  size_t len, ntoks;
  const assay_token *toks;
  assay_tokens *own;
  *text = lrx_subject(L, 2, u, &len, &toks, &ntoks, &own);
  lrx_vec *m = vec_push(L, assay_regex_group_count(u->rx));
  m->stop_first = stop_first;
  assay_error err;
  memset(&err, 0, sizeof err);
  int rc = assay_regex_scan(u->rx, *text, len, toks, ntoks, NULL, vec_add, m,
                            &err);
  assay_tokens_free(own);
  if (rc < 0) {
    if (!err.message[0]) err.status = rc;
    lassay_raise(L, "regex", &err);
  }
  return m;
}

/* [-0, +1] {start=, stop=, text=} for a span. */
static void lrx_push_span(lua_State *L, const char *text, uint32_t s,
                          uint32_t e) {
  lua_createtable(L, 0, 3);
  lua_pushinteger(L, s);
  lua_setfield(L, -2, "start");
  lua_pushinteger(L, e);
  lua_setfield(L, -2, "stop");
  lua_pushlstring(L, text + s, e - s);
  lua_setfield(L, -2, "text");
}

/* rx:find_all(doc_or_text) -> { {start, stop, text, groups = {...}}, ...} */
static int l_find_all(lua_State *L) {
  const char *text;
  lrx_vec *m = lrx_run(L, 0, &text);
  const assay_regex *rx = ((lrx *)lua_touserdata(L, 1))->rx;
  size_t w = 2 * ((size_t)m->ngroups + 1);
  lua_createtable(L, (int)(m->n / w), 0);
  for (size_t k = 0, i = 1; k < m->n; k += w, i++) {
    const uint32_t *g = m->v + k;
    lrx_push_span(L, text, g[0], g[1]);
    lua_createtable(L, 0, 0);
    for (int j = 1; j <= m->ngroups; j++) {
      if (g[2 * j] == UINT32_MAX) continue;
      lrx_push_span(L, text, g[2 * j], g[2 * j + 1]);
      const char *name = assay_regex_group_name(rx, j);
      if (name) {
        lua_pushvalue(L, -1);
        lua_setfield(L, -3, name);
      }
      lua_seti(L, -2, j);
    }
    lua_setfield(L, -2, "groups");
    lua_seti(L, -2, (lua_Integer)i);
  }
  return 1;
}

/* rx:test(doc_or_text) -> boolean */
static int l_test(lua_State *L) {
  const char *text;
  lrx_vec *m = lrx_run(L, 1, &text);
  lua_pushboolean(L, m->n > 0);
  return 1;
}

/* rx:groups() -> {name_or_false, ...}: the group names by number. */
static int l_groups(lua_State *L) {
  lrx *u = luaL_checkudata(L, 1, LASSAY_REGEX);
  int n = assay_regex_group_count(u->rx);
  lua_createtable(L, n, 0);
  for (int i = 1; i <= n; i++) {
    const char *name = assay_regex_group_name(u->rx, i);
    if (name) lua_pushstring(L, name);
    else lua_pushboolean(L, 0);
    lua_seti(L, -2, i);
  }
  return 1;
}

static int l_gc(lua_State *L) {
  lrx *u = luaL_checkudata(L, 1, LASSAY_REGEX);
  assay_regex_free(u->rx);
  u->rx = NULL;
  return 0;
}

static int l_tostring(lua_State *L) {
  lrx *u = luaL_checkudata(L, 1, LASSAY_REGEX);
  lua_pushfstring(L, "assay.regex (%d groups)",
                  assay_regex_group_count(u->rx));
  return 1;
}

void lassay_open_regex(lua_State *L) {
  static const luaL_Reg methods[] = {{"find_all", l_find_all},
                                     {"test", l_test},
                                     {"groups", l_groups},
                                     {NULL, NULL}};
  static const luaL_Reg meta[] = {
      {"__gc", l_gc}, {"__tostring", l_tostring}, {NULL, NULL}};
  if (luaL_newmetatable(L, LASSAY_REGEX)) {
    luaL_setfuncs(L, meta, 0);
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
  }
  lua_pop(L, 1);
  lua_pushcfunction(L, l_regex);
  lua_setfield(L, -2, "regex");
}
