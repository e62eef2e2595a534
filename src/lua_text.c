/*
 * lua_text.c -- text functions of the `assay` Lua module that need no
 * document (tokenize, fold, char/byte offsets) and the token and range
 * tables that documents share with them.
 */
#include <string.h>

#include "lua_common.h"
#include "lua_host.h"

static const char *const kind_names[] = {"word",   "number", "punct", "symbol",
                                         "url",    "email",  "invalid"};

static const struct {
  unsigned flag;
  const char *name;
} flag_names[] = {
    {ASSAY_TF_TITLE, "title"},       {ASSAY_TF_UPPER, "upper"},
    {ASSAY_TF_LOWER, "lowercase"},   {ASSAY_TF_DIGIT, "digit"},
    {ASSAY_TF_SPACE_BEFORE, "space_before"},
    {ASSAY_TF_LINE_START, "line_start"},
    {ASSAY_TF_SENT_START, "sent_start"},
    {ASSAY_TF_PARA_START, "para_start"},
    {ASSAY_TF_ABBREV, "abbrev"},     {ASSAY_TF_QUOTE, "quote"},
    {ASSAY_TF_HEADLINE, "headline"},
};

/* [-0, +1] Field `key` of token t (i is its 0-based index); nil for an
 * unknown key.  Returns 0 for an unknown key. */
int lassay_pushtokenfield(lua_State *L, const char *text, const assay_token *t,
                          size_t i, const char *key) {
  switch (key[0]) {
  case 't':
    if (!strcmp(key, "text")) {
      lua_pushlstring(L, text + t->start, t->end - t->start);
      return 1;
    }
    break;
  case 'l':
    if (!strcmp(key, "lower")) {
      lua_pushstring(L, t->lower ? t->lower : "");
      return 1;
    }
    break;
  case 's':
    if (!strcmp(key, "shape")) {
      lua_pushstring(L, t->shape ? t->shape : "");
      return 1;
    }
    if (!strcmp(key, "start")) {
      lua_pushinteger(L, t->start);
      return 1;
    }
    if (!strcmp(key, "stop")) {
      lua_pushinteger(L, t->end);
      return 1;
    }
    if (!strcmp(key, "sentence")) {
      lua_pushinteger(L, (lua_Integer)t->sentence + 1);
      return 1;
    }
    break;
  case 'k':
    if (!strcmp(key, "kind")) {
      lua_pushstring(L, t->kind < sizeof kind_names / sizeof *kind_names
                            ? kind_names[t->kind]
                            : "invalid");
      return 1;
    }
    break;
  case 'i':
    if (!strcmp(key, "index")) {
      lua_pushinteger(L, (lua_Integer)i + 1);
      return 1;
    }
    break;
  default:
    break;
  }
  for (size_t f = 0; f < sizeof flag_names / sizeof *flag_names; f++)
    if (!strcmp(key, flag_names[f].name)) {
      lua_pushboolean(L, (t->flags & flag_names[f].flag) != 0);
      return 1;
    }
  lua_pushnil(L);
  return 0;
}

/* [-0, +1] One token table; i is the 0-based token index. */
void lassay_pushtoken(lua_State *L, const char *text, const assay_token *t,
                       size_t i) {
  lua_createtable(L, 0, 20);
  lua_pushlstring(L, text + t->start, t->end - t->start);
  lua_setfield(L, -2, "text");
  lua_pushstring(L, t->lower ? t->lower : "");
  lua_setfield(L, -2, "lower");
  lua_pushstring(L, t->shape ? t->shape : "");
  lua_setfield(L, -2, "shape");
  lua_pushstring(L, t->kind < sizeof kind_names / sizeof *kind_names
                        ? kind_names[t->kind]
                        : "invalid");
  lua_setfield(L, -2, "kind");
  lua_pushinteger(L, t->start);
  lua_setfield(L, -2, "start");
  lua_pushinteger(L, t->end);
  lua_setfield(L, -2, "stop");
  lua_pushinteger(L, (lua_Integer)i + 1);
  lua_setfield(L, -2, "index");
  lua_pushinteger(L, (lua_Integer)t->sentence + 1);
  lua_setfield(L, -2, "sentence");
  for (size_t f = 0; f < sizeof flag_names / sizeof *flag_names; f++) {
    lua_pushboolean(L, (t->flags & flag_names[f].flag) != 0);
    lua_setfield(L, -2, flag_names[f].name);
  }
}

void lassay_pushtokens(lua_State *L, const char *text, const assay_token *toks,
                       size_t n) {
  luaL_checkstack(L, 4, NULL);
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lassay_pushtoken(L, text, &toks[i], i);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

void lassay_pushranges(lua_State *L, const char *text, const assay_range *r,
                       size_t n) {
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_createtable(L, 0, 6);
    lua_pushinteger(L, (lua_Integer)i + 1);
    lua_setfield(L, -2, "index");
    lua_pushinteger(L, r[i].start);
    lua_setfield(L, -2, "start");
    lua_pushinteger(L, r[i].end);
    lua_setfield(L, -2, "stop");
    lua_pushlstring(L, text + r[i].start, r[i].end - r[i].start);
    lua_setfield(L, -2, "text");
    /* [first, last) 0-based becomes first..last 1-based inclusive. */
    lua_pushinteger(L, (lua_Integer)r[i].first + 1);
    lua_setfield(L, -2, "first");
    lua_pushinteger(L, (lua_Integer)r[i].last);
    lua_setfield(L, -2, "last");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

#define LTOKENS "assay.tokens_box"

typedef struct toks_box {
  assay_tokens *toks;
} toks_box;

static int toks_box_gc(lua_State *L) {
  toks_box *b = luaL_checkudata(L, 1, LTOKENS);
  assay_tokens_free(b->toks);
  b->toks = NULL;
  return 0;
}

/* assay.tokenize(text) -> tokens, sentences, paragraphs */
static int l_tokenize(lua_State *L) {
  size_t len, n;
  const char *text = luaL_checklstring(L, 1, &len);
  const assay_tokenizer *tz = lassay_tokenizer(L);
  /* The box frees the list even if building the tables raises. */
  toks_box *b = lua_newuserdatauv(L, sizeof *b, 0);
  b->toks = NULL;
  if (luaL_newmetatable(L, LTOKENS)) {
    lua_pushcfunction(L, toks_box_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  assay_error err;
  memset(&err, 0, sizeof err);
  if (assay_tokenize(tz, text, len, &b->toks, &err) != ASSAY_OK)
    return lassay_raise(L, "tokenize", &err);
  const assay_token *t = assay_tokens_get(b->toks, &n);
  lassay_pushtokens(L, text, t, n);
  const assay_range *r = assay_tokens_sentences(b->toks, &n);
  lassay_pushranges(L, text, r, n);
  r = assay_tokens_paragraphs(b->toks, &n);
  lassay_pushranges(L, text, r, n);
  assay_tokens_free(b->toks);
  b->toks = NULL;
  return 3;
}

/* assay.fold(text): case folding with NFC (utf8proc). */
static int l_fold(lua_State *L) {
  size_t len, out_len = 0;
  const char *text = luaL_checklstring(L, 1, &len);
  char *f = assay_text_fold(text, len, &out_len);
  if (!f) return luaL_error(L, "fold: not valid UTF-8 or out of memory");
  lua_pushlstring(L, f, out_len);
  assay_free(f);
  return 1;
}

/* assay.char_offset(text, byte): code points in text[0, byte). */
static int l_char_offset(lua_State *L) {
  size_t len;
  const char *text = luaL_checklstring(L, 1, &len);
  lua_Integer b = luaL_checkinteger(L, 2);
  luaL_argcheck(L, b >= 0, 2, "negative offset");
  lua_pushinteger(L, (lua_Integer)assay_text_char_offset(text, len, (size_t)b));
  return 1;
}

/* assay.byte_offset(text, char): the byte offset of code point `char`. */
static int l_byte_offset(lua_State *L) {
  size_t len;
  const char *text = luaL_checklstring(L, 1, &len);
  lua_Integer c = luaL_checkinteger(L, 2);
  luaL_argcheck(L, c >= 0, 2, "negative offset");
  lua_pushinteger(L, (lua_Integer)assay_text_byte_offset(text, len, (size_t)c));
  return 1;
}

/* assay.valid_utf8(text) -> true | false, offset of the first bad byte */
static int l_valid_utf8(lua_State *L) {
  size_t len, bad = 0;
  const char *text = luaL_checklstring(L, 1, &len);
  int ok = assay_text_valid_utf8(text, len, &bad);
  lua_pushboolean(L, ok);
  if (ok) return 1;
  lua_pushinteger(L, (lua_Integer)bad);
  return 2;
}

void lassay_open_text(lua_State *L) {
  static const luaL_Reg fns[] = {{"tokenize", l_tokenize},
                                 {"fold", l_fold},
                                 {"char_offset", l_char_offset},
                                 {"byte_offset", l_byte_offset},
                                 {"valid_utf8", l_valid_utf8},
                                 {NULL, NULL}};
  luaL_setfuncs(L, fns, 0);
}
