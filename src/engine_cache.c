/*
 * engine_cache.c -- what the rule-pack compiler keeps in the compile cache
 * (cache.h) and how it finds it again: the image of each lexicon, keyed by
 * its fold and its files' bytes, and the bytecode of each pack file, keyed
 * by its name and source (assay_compiler_set_cache_dir).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <utf8proc.h>

#include "cache.h"
#include "engine.h"
#include "lexicon.h"
#include "mem.h"
#include "strbuf.h"

/* ---- lexicons --------------------------------------------------------- */

/* Adds the bytes of the file at path to k, 64 KB at a time (fread fills
 * each piece but the last, so the pieces of the same bytes are the same),
 * then their total; -1 when it cannot be read (the loader then reports
 * why). */
static int key_add_file(cache_key *k, const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  char buf[65536];
  size_t n;
  uint64_t total = 0;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
    cache_key_add(k, buf, n);
    total += n;
  }
  int bad = ferror(f) != 0;
  fclose(f);
  cache_key_add(k, &total, sizeof total);
  return bad ? -1 : 0;
}

int ecache_lexicon_key(cache_key *k, unsigned flags, const char *const *files,
                       size_t n) {
  cache_key_init(k, "lexicon");
  /* Phrases are cut and lower-cased by the tokenizer, whose case folding
   * is utf8proc's: a new utf8proc may fold a word otherwise. */
  const char *uv = utf8proc_version();
  cache_key_add(k, uv, strlen(uv));
  cache_key_add(k, &flags, sizeof flags);
  for (size_t i = 0; i < n; i++)
    if (key_add_file(k, files[i])) return -1;
  return 0;
}

assay_lexicon *ecache_lexicon_get(const char *dir, const cache_key *k,
                                  const assay_allocator *a) {
  char *img;
  size_t len;
  if (cache_get(dir, "lexicon", k, a, &img, &len) != ASSAY_OK) return NULL;
  assay_lexicon *lx = NULL;
  /* cache_get checked the file's checksum: the image's own is not summed
   * again.  An image the reader refuses is made again, and rewritten, by
   * the caller: as if it were missing. */
  (void)lex_read_image(&lx, img, len, a, NULL, 0);
  mem_free(a, img, len + 1);
  return lx;
}

static int sb_write(void *ud, const void *p, size_t n) {
  return sb_add(ud, p, n) ? ASSAY_ENOMEM : ASSAY_OK;
}

int ecache_lexicon_put(const char *dir, const cache_key *k,
                       const assay_lexicon *lx) {
  strbuf b = {0};
  int rc = assay_lexicon_write_image(lx, sb_write, &b);
  if (rc == ASSAY_OK) rc = cache_put(dir, "lexicon", k, b.s, b.len);
  free(b.s);
  return rc;
}

/* ---- Lua chunks ------------------------------------------------------------ */

static void chunk_key(cache_key *k, const char *name, const char *src,
                      size_t n) {
  cache_key_init(k, "lua");
  cache_key_add(k, LUA_RELEASE, strlen(LUA_RELEASE));
  cache_key_add(k, name, strlen(name));
  cache_key_add(k, src, n);
}

int ecache_chunk_get(const char *dir, const char *name, const char *src,
                     size_t n, const assay_allocator *a, char **code,
                     size_t *len) {
  cache_key k;
  chunk_key(&k, name, src, n);
  return cache_get(dir, "lua", &k, a, code, len);
}

int ecache_chunk_put(const char *dir, const char *name, const char *src,
                     size_t n, const char *code, size_t len) {
  cache_key k;
  chunk_key(&k, name, src, n);
  return cache_put(dir, "lua", &k, code, len);
}

/* cache.get(file, source) -> the bytecode kept for them, or nil.
 * Upvalues: the cache folder, the compiler's assay_rules (counts). */
static int l_cache_get(lua_State *L) {
  size_t n;
  const char *file = luaL_checkstring(L, 1);
  const char *src = luaL_checklstring(L, 2, &n);
  assay_rules *r = lua_touserdata(L, lua_upvalueindex(2));
  char *code;
  size_t len;
  if (ecache_chunk_get(lua_tostring(L, lua_upvalueindex(1)), file, src, n,
                       &r->alloc, &code, &len) != ASSAY_OK)
    return 0;
  lua_pushlstring(L, code, len);
  mem_free(&r->alloc, code, len + 1);
  r->cache_reused++;
  return 1;
}

/* cache.put(file, source, bytecode): keeps it for the next compile. */
static int l_cache_put(lua_State *L) {
  size_t n, len;
  const char *file = luaL_checkstring(L, 1);
  const char *src = luaL_checklstring(L, 2, &n);
  const char *code = luaL_checklstring(L, 3, &len);
  assay_rules *r = lua_touserdata(L, lua_upvalueindex(2));
  if (ecache_chunk_put(lua_tostring(L, lua_upvalueindex(1)), file, src, n,
                       code, len) == ASSAY_OK)
    r->cache_made++;
  return 0;
}

void ecache_push_lua(lua_State *L, int opts, const char *dir, assay_rules *r) {
  lua_createtable(L, 0, 2);
  lua_pushstring(L, dir);
  lua_pushlightuserdata(L, r);
  lua_pushcclosure(L, l_cache_get, 2);
  lua_setfield(L, -2, "get");
  lua_pushstring(L, dir);
  lua_pushlightuserdata(L, r);
  lua_pushcclosure(L, l_cache_put, 2);
  lua_setfield(L, -2, "put");
  lua_setfield(L, opts, "cache");
}
