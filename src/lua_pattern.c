/*
 * lua_pattern.c -- the Lua face of token patterns: assay.pattern(source)
 * and the methods match, captures, layers and explain of its userdata.
 */
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "lua_common.h"
#include "pattern.h"

typedef struct lpat {
  assay_pattern *pat;
} lpat;

/* Matches are collected in C before any table is made, so that no Lua
 * error can jump out of a running scan.  Lives in a userdata with __gc. */
#define LPAT_VEC "assay.pattern.vec"
typedef struct lpat_vec {
  int32_t *v; /* per match: first, last, then per capture first, last, ann */
  size_t n, cap;
  int ncaps;
  char *traces; /* NUL-separated traces, one per match, when asked */
  size_t tlen, tcap;
  int oom;
} lpat_vec;

static int vec_gc(lua_State *L) {
  lpat_vec *m = luaL_checkudata(L, 1, LPAT_VEC);
  free(m->v);
  free(m->traces);
  m->v = NULL;
  m->traces = NULL;
  return 0;
}

/* [-0, +1] A new empty collector. */
static lpat_vec *vec_push(lua_State *L, int ncaps) {
  lpat_vec *m = lua_newuserdatauv(L, sizeof *m, 0);
  memset(m, 0, sizeof *m);
  m->ncaps = ncaps;
  if (luaL_newmetatable(L, LPAT_VEC)) {
    lua_pushcfunction(L, vec_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  return m;
}

static int vec_reserve(void **p, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return 0;
  size_t c = *cap ? *cap * 2 : 256;
  while (c < need) c *= 2;
  void *np = realloc(*p, c * elem);
  if (!np) return -1;
  *p = np;
  *cap = c;
  return 0;
}

static int vec_add(void *ud, const assay_pattern_match *mt) {
  lpat_vec *m = ud;
  size_t w = 2 + 3 * (size_t)m->ncaps;
  if (vec_reserve((void **)&m->v, &m->cap, m->n + w, sizeof *m->v))
    return m->oom = 1, ASSAY_ENOMEM;
  int32_t *o = m->v + m->n;
  o[0] = (int32_t)mt->first;
  o[1] = (int32_t)mt->last;
  for (int i = 0; i < m->ncaps; i++) {
    o[2 + 3 * i] = mt->captures[2 * i];
    o[3 + 3 * i] = mt->captures[2 * i + 1];
    o[4 + 3 * i] = (int32_t)mt->capture_ann[i];
  }
  m->n += w;
  if (mt->trace) {
    size_t l = strlen(mt->trace) + 1;
    if (vec_reserve((void **)&m->traces, &m->tcap, m->tlen + l, 1))
      return m->oom = 1, ASSAY_ENOMEM;
    memcpy(m->traces + m->tlen, mt->trace, l);
    m->tlen += l;
  }
  return ASSAY_OK;
}

/* assay.pattern(source) */
static int l_pattern(lua_State *L) {
  const char *src = luaL_checkstring(L, 1);
  lpat *u = lua_newuserdatauv(L, sizeof *u, 0);
  u->pat = NULL;
  luaL_setmetatable(L, LASSAY_PATTERN);
  assay_error err;
  memset(&err, 0, sizeof err);
  if (assay_pattern_new(&u->pat, src, NULL, &err) != ASSAY_OK)
    return lassay_raise(L, "pattern", &err);
  return 1;
}

static lpat *check_pat(lua_State *L) {
  lpat *u = luaL_checkudata(L, 1, LASSAY_PATTERN);
  if (!u->pat) luaL_error(L, "pattern: not compiled");
  return u;
}

/* The document at idx, tokenized when it was not. */
static assay_doc *check_tokenized(lua_State *L, int idx) {
  assay_doc *doc = lassay_checkdoc(L, idx);
  if (!doc->tokenized &&
      assay_doc_tokenize(doc, lassay_tokenizer(L)) != ASSAY_OK)
    luaL_error(L, "pattern: %s", assay_doc_errmsg(doc));
  return doc;
}

/* [-0, +1] {start=, stop=, text=, first=, last=} for tokens [f, l). */
static void push_span(lua_State *L, const assay_doc *doc, int32_t f,
                      int32_t l) {
  const assay_token *t = doc->toks.tokens;
  uint32_t s = l > f ? t[f].start : (f < (int32_t)doc->toks.ntokens
                                         ? t[f].start
                                         : (uint32_t)doc->len);
  uint32_t e = l > f ? t[l - 1].end : s;
  lua_createtable(L, 0, 6);
  lua_pushinteger(L, s);
  lua_setfield(L, -2, "start");
  lua_pushinteger(L, e);
  lua_setfield(L, -2, "stop");
  lua_pushlstring(L, doc->text + s, e - s);
  lua_setfield(L, -2, "text");
  /* Token numbers in Lua are 1-based and inclusive (docs/lua-api.md). */
  lua_pushinteger(L, (lua_Integer)f + 1);
  lua_setfield(L, -2, "first");
  lua_pushinteger(L, l);
  lua_setfield(L, -2, "last");
}

/* pat:match(doc [, trace]) -> { {start, stop, text, first, last,
 * captures = {name = {start, stop, text, first, last, ann}}, trace}, ...} */
static int l_match(lua_State *L) {
  lpat *u = check_pat(L);
  assay_doc *doc = check_tokenized(L, 2);
  int trace = lua_toboolean(L, 3);
  int ncaps = assay_pattern_capture_count(u->pat);
  lpat_vec *m = vec_push(L, ncaps);
  assay_error err;
  int rc = pat_scan(u->pat, doc, trace ? PAT_TRACE : 0, vec_add, m, &err);
  if (rc < 0) {
    if (m->oom) return luaL_error(L, "pattern: out of memory");
    return lassay_raise(L, "pattern", &err);
  }
  size_t w = 2 + 3 * (size_t)ncaps, tr = 0;
  lua_createtable(L, (int)(m->n / w), 0);
  for (size_t k = 0, i = 1; k < m->n; k += w, i++) {
    const int32_t *g = m->v + k;
    push_span(L, doc, g[0], g[1]);
    lua_createtable(L, 0, ncaps);
    for (int c = 0; c < ncaps; c++) {
      if (g[2 + 3 * c] < 0) continue;
      push_span(L, doc, g[2 + 3 * c], g[3 + 3 * c]);
      if (g[4 + 3 * c]) {
        lua_pushinteger(L, (uint32_t)g[4 + 3 * c]);
        lua_setfield(L, -2, "ann");
      }
      lua_setfield(L, -2, assay_pattern_capture_name(u->pat, c));
    }
    lua_setfield(L, -2, "captures");
    if (trace && tr < m->tlen) {
      lua_pushstring(L, m->traces + tr);
      lua_setfield(L, -2, "trace");
      tr += strlen(m->traces + tr) + 1;
    }
    lua_seti(L, -2, (lua_Integer)i);
  }
  return 1;
}

/* pat:captures() -> {name, ...} in capture order */
static int l_captures(lua_State *L) {
  lpat *u = check_pat(L);
  int n = assay_pattern_capture_count(u->pat);
  lua_createtable(L, n, 0);
  for (int i = 0; i < n; i++) {
    lua_pushstring(L, assay_pattern_capture_name(u->pat, i));
    lua_seti(L, -2, i + 1);
  }
  return 1;
}

/* pat:layers() -> {name, ...}: the layers the pattern references */
static int l_layers(lua_State *L) {
  lpat *u = check_pat(L);
  int n = pat_layer_count(u->pat);
  lua_createtable(L, n, 0);
  for (int i = 0; i < n; i++) {
    lua_pushstring(L, pat_layers(u->pat, i));
    lua_seti(L, -2, i + 1);
  }
  return 1;
}

/* pat:explain(doc) -> text, number of matches */
static int l_explain(lua_State *L) {
  lpat *u = check_pat(L);
  assay_doc *doc = check_tokenized(L, 2);
  char buf[2048];
  int rc = pat_explain(u->pat, doc, buf, sizeof buf);
  if (rc < 0) return luaL_error(L, "pattern: explain failed (%d)", rc);
  lua_pushstring(L, buf);
  lua_pushinteger(L, rc);
  return 2;
}

static int l_gc(lua_State *L) {
  lpat *u = luaL_checkudata(L, 1, LASSAY_PATTERN);
  assay_pattern_free(u->pat);
  u->pat = NULL;
  return 0;
}

static int l_tostring(lua_State *L) {
  lpat *u = luaL_checkudata(L, 1, LASSAY_PATTERN);
  lua_pushfstring(L, "assay.pattern (%s)", u->pat ? u->pat->source : "freed");
  return 1;
}

void lassay_open_pattern(lua_State *L) {
  static const luaL_Reg methods[] = {{"match", l_match},
                                     {"captures", l_captures},
                                     {"layers", l_layers},
                                     {"explain", l_explain},
                                     {NULL, NULL}};
  static const luaL_Reg meta[] = {
      {"__gc", l_gc}, {"__tostring", l_tostring}, {NULL, NULL}};
  if (luaL_newmetatable(L, LASSAY_PATTERN)) {
    luaL_setfuncs(L, meta, 0);
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
  }
  lua_pop(L, 1);
  lua_pushcfunction(L, l_pattern);
  lua_setfield(L, -2, "pattern");
}
