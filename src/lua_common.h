/*
 * lua_common.h -- what the Lua binding files (lua_*.c) share: metatable
 * names, the document userdata, error helpers, and one registration
 * function per binding file, each filling the `assay` module table.
 *
 * Stack notes follow the Lua manual: [-o, +p] pops o values, pushes p.
 */
#ifndef ASSAY_LUA_COMMON_H
#define ASSAY_LUA_COMMON_H

#include <lauxlib.h>
#include <lua.h>
#include <stdint.h>

#include "assay.h"

#define LASSAY_DOC "assay.doc"
#define LASSAY_STORE "assay.store"
#define LASSAY_REGEX "assay.regex"
#define LASSAY_LEXICON "assay.lexicon"
#define LASSAY_PATTERN "assay.pattern"
#define LASSAY_RULES "assay.rules"

/* The document userdata holds one reference (doc_retain). */
typedef struct lassay_doc {
  uint64_t magic; /* LASSAY_DOC_MAGIC: see lassay_checkdoc */
  assay_doc *doc;
} lassay_doc;
/* "assay.doc" in its first bytes; above the 48 bits of an address, so
 * that no pointer in another userdata of ours can equal it. */
#define LASSAY_DOC_MAGIC 0x636f642e79617373ULL

/* [-0, +0] The document at idx, or a Lua error. */
assay_doc *lassay_checkdoc(lua_State *L, int idx);
/* [-0, +1] Pushes a userdata for doc, taking a new reference to it. */
void lassay_pushdoc(lua_State *L, assay_doc *doc);
/* [-0, +0] Tokenizes doc with the state's tokenizer unless it is already:
 * documents are tokenized on first need.  A Lua error when it fails. */
void lassay_ensure_tokens(lua_State *L, assay_doc *doc);

/* [-0, +0] The tokenizer of this Lua state (made on first use, freed with
 * the state). */
const assay_tokenizer *lassay_tokenizer(lua_State *L);

/* [-0, +1] Pushes an attribute value: strings, numbers, booleans; a SPAN as
 * a table {start=, stop=, text=, actor=}; a REF as the id number. */
void lassay_pushvalue(lua_State *L, const assay_value *v);

/* [-0, +1] Pushes an annotation as a table: id, layer, start, stop, text,
 * rule and its attributes. */
void lassay_pushannotation(lua_State *L, const assay_annotation *a);

/* [-0, +0] Makes the table at idx whole when it is a lazy annotation table
 * (doc:annotations(layer, {lazy = true})): reads in the fields not read
 * yet, so that lua_next sees every one.  Other values are left alone. */
void lassay_annotation_whole(lua_State *L, int idx);

/* [-0, +0, e] Raises a Lua error from an assay_error ("what: message"). */
int lassay_raise(lua_State *L, const char *what, const assay_error *err);

/* Registration: each fills the module table at the top of the stack with
 * its functions and creates its metatables.  [-0, +0] */
void lassay_open_text(lua_State *L);    /* lua_text.c: tokenize, fold */
void lassay_open_doc(lua_State *L);     /* lua_doc.c: document, load */
void lassay_open_store(lua_State *L);   /* lua_store.c: store */
void lassay_open_regex(lua_State *L);   /* lua_regex.c: regex */
void lassay_open_lexicon(lua_State *L); /* lua_lexicon.c: lexicon */
void lassay_open_pattern(lua_State *L); /* lua_pattern.c: pattern */
void lassay_open_date(lua_State *L);    /* lua_date.c: date arithmetic */
void lassay_open_rules(lua_State *L);   /* lua_rules.c: compile/scan */

/* The module opener: `require "assay"` and the host's preloaded module.
 * [-0, +1] */
int luaopen_assay(lua_State *L);

#endif
