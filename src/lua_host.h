/*
 * lua_host.h -- internal to the core Lua bindings (lua_doc.c, lua_text.c,
 * lua_store.c) and to `assay run` (cli/run.c): token/range tables, readers
 * over inputs, the command line's inputs and the failed-input count.
 *
 * Index conventions of the Lua API, decided once here: byte spans are
 * 0-based `start`, exclusive `stop` (doc.text:sub(s.start + 1, s.stop) is
 * the span's text); token, sentence and paragraph numbers are 1-based, and
 * a range's `first`/`last` are 1-based inclusive token numbers.
 */
#ifndef ASSAY_LUA_HOST_H
#define ASSAY_LUA_HOST_H

#include <jansson.h>
#include <stddef.h>

#include "lua_common.h"

/* The allocator of the Lua state, as an assay_allocator: objects made from
 * Lua (documents, stores, tokenizers) use it, so the state's lua_Alloc sees
 * all their memory. */
assay_allocator lassay_allocator(lua_State *L);

/* [-0, +1] An array of token tables (text, lower, shape, kind, start, stop,
 * index, sentence and the flag booleans) for toks[0, n) over text. */
void lassay_pushtokens(lua_State *L, const char *text, const assay_token *toks,
                       size_t n);
/* [-0, +1] One token table, for token i (0-based) of text. */
void lassay_pushtoken(lua_State *L, const char *text, const assay_token *t,
                      size_t i);
/* [-0, +1] Field `key` of token t (i its 0-based index): the value a
 * token table holds under that key, or nil (then returns 0). */
int lassay_pushtokenfield(lua_State *L, const char *text, const assay_token *t,
                          size_t i, const char *key);
/* [-0, +1] An array of range tables (index, start, stop, text, first,
 * last) for sentences or paragraphs. */
void lassay_pushranges(lua_State *L, const char *text, const assay_range *r,
                       size_t n);

/* [-0, +4] Pushes a generic-for iterator (function, nil, nil, closing
 * value) over the documents of paths[0, n).  `encoding` may be NULL.
 * on_error is a stack index of a function called as fn(id, message) for a
 * failed input, or 0: then the failure is printed as "assay: ID: message"
 * on stderr and counted (lassay_failures).  Lua strings in paths must stay
 * referenced by the caller only during this call (they are copied). */
void lassay_pushreader(lua_State *L, const char *const *paths, size_t n,
                       const char *encoding, int on_error);

/* Records the command line's inputs for assay.inputs() (run.c).  [-0, +0] */
void lassay_set_inputs(lua_State *L, const char *const *paths, size_t n,
                       const char *encoding);

/* The number of inputs that failed and were reported so far. */
lua_Integer lassay_failures(lua_State *L);

/* [-0, +1] Pushes a JSON value as Lua data (null becomes nil; depth is
 * the nesting so far, 0 at the top). */
void lassay_pushjson(lua_State *L, const json_t *j, int depth);
/* [-0, +0] A new JSON value for the Lua value at idx (arrays for tables
 * whose keys are exactly 1..n), or NULL with msg set. */
json_t *lassay_tojson(lua_State *L, int idx, int depth, char *msg,
                      size_t size);

/* lua_json.c: assay.json_decode, json_encode, yaml_decode, yaml_load. */
void lassay_open_json(lua_State *L);

#endif
