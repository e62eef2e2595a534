/*
 * engine_compile.c -- the rule-pack compiler: runs a pack's Lua files once,
 * compiles its lexicons, regexes and token patterns, and freezes them with
 * the static emits into an immutable assay_rules that threads share.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "engine.h"
#include "pattern.h"
#include "lexicon.h"
#include "lua_common.h"
#include "strbuf.h"

extern const unsigned char eng_rulepack_lua[];
extern const size_t eng_rulepack_lua_len;

typedef struct extra_lexicon {
  char *name, *path;
  int used;
} extra_lexicon;

struct assay_compiler {
  assay_allocator alloc;
  unsigned flags;
  void (*cb)(void *ud, const assay_diagnostic *d);
  void *cb_ud;
  extra_lexicon *extras;
  size_t nextras, extras_cap;
  assay_rules *rules; /* built by load_*, handed over by get_rules */
  char *cache_dir;    /* NULL: no compile cache */
  int errors;
  char errmsg[1024];
};

/* ---- small helpers ---------------------------------------------------- */

static char *cdup(const assay_allocator *a, const char *s) {
  return s ? mem_strdup(a, s) : NULL;
}

static void cfree(const assay_allocator *a, char *s) {
  if (s) mem_free(a, s, strlen(s) + 1);
}

/* Reports a diagnostic and remembers the first error's message. */
static void diag(assay_compiler *c, int severity, const char *file, int line,
                 const char *rule, const char *fmt, ...) {
  char msg[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (severity) {
    if (!c->errors) {
      if (file && *file && line > 0)
        snprintf(c->errmsg, sizeof c->errmsg, "%s:%d: %s%s%s", file, line,
                 rule ? "rule " : "", rule ? rule : "", rule ? ": " : "");
      else
        c->errmsg[0] = '\0';
      size_t n = strlen(c->errmsg);
      snprintf(c->errmsg + n, sizeof c->errmsg - n, "%s", msg);
    }
    c->errors++;
  }
  if (c->cb) {
    assay_diagnostic d = {severity, file ? file : "", line, rule, msg};
    c->cb(c->cb_ud, &d);
  }
}

/* Splits a Lua error "file:line: message" into its parts. */
static void diag_lua_error(assay_compiler *c, const char *err) {
  const char *colon = strchr(err, ':');
  if (colon) {
    char *end;
    long line = strtol(colon + 1, &end, 10);
    if (end != colon + 1 && *end == ':') {
      char file[512];
      size_t n = (size_t)(colon - err) < sizeof file - 1
                     ? (size_t)(colon - err)
                     : sizeof file - 1;
      memcpy(file, err, n);
      file[n] = '\0';
      const char *msg = end + 1;
      while (*msg == ' ') msg++;
      diag(c, 1, file, (int)line, NULL, "%s", msg);
      return;
    }
  }
  diag(c, 1, NULL, 0, NULL, "%s", err);
}

/* ---- the Lua side ----------------------------------------------------- */

void eng_open_state(lua_State *L) {
  luaL_openlibs(L);
  luaL_requiref(L, "assay", luaopen_assay, 1);
  lua_pop(L, 1);
}

/* [-0, +0] opts.chunks = {file = bytecode} from r->chunks. */
static void push_chunks(lua_State *L, const assay_rules *r, int opts) {
  lua_createtable(L, 0, (int)r->nchunks);
  for (size_t i = 0; i < r->nchunks; i++) {
    lua_pushlstring(L, r->chunks[i].code, r->chunks[i].len);
    lua_setfield(L, -2, r->chunks[i].file);
  }
  lua_setfield(L, opts, "chunks");
}

/* [-0, +0] Copies opts.dumped = {file = bytecode} into r->chunks. */
static int keep_chunks(lua_State *L, assay_rules *r, int opts) {
  const assay_allocator *a = &r->alloc;
  int st = ASSAY_OK;
  lua_getfield(L, opts, "dumped");
  lua_pushnil(L);
  while (!st && lua_next(L, -2)) {
    size_t len;
    const char *code = lua_tolstring(L, -1, &len);
    const char *file = lua_tostring(L, -2);
    eng_chunk ch = {file ? cdup(a, file) : NULL, mem_alloc(a, len + 1), len};
    if (!ch.file || !ch.code || !code ||
        mem_grow(a, (void **)&r->chunks, &r->chunks_cap, r->nchunks + 1,
                 sizeof *r->chunks)) {
      cfree(a, ch.file);
      mem_free(a, ch.code, len + 1);
      st = ASSAY_ENOMEM;
    } else {
      memcpy(ch.code, code, len + 1);
      r->chunks[r->nchunks++] = ch;
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return st;
}

static int dump_to_strbuf(lua_State *L, const void *p, size_t n, void *ud) {
  (void)L;
  return sb_add(ud, p, n) ? 1 : 0;
}

/* [-0, +1|0] Loads the rule-pack language (lua/assay/rulepack.lua,
 * embedded): a scanner from the compiler's bytecode (r->language); the
 * compiler from the compile cache when it holds it, else from the source,
 * keeping the bytecode in keep->language and the cache.  The Lua status;
 * on error the message is pushed. */
static int load_language(lua_State *L, const assay_rules *r,
                         assay_rules *keep, const char *cache_dir) {
  static const char name[] = "=rulepack.lua";
  if (r->language.code)
    return luaL_loadbufferx(L, r->language.code, r->language.len, name, "b");
  const char *src = (const char *)eng_rulepack_lua;
  size_t n = eng_rulepack_lua_len;
  char *code = NULL;
  size_t len = 0;
  int st = LUA_ERRSYNTAX;
  if (cache_dir && keep &&
      ecache_chunk_get(cache_dir, name, src, n, &r->alloc, &code, &len) ==
          ASSAY_OK) {
    st = luaL_loadbufferx(L, code, len, name, "b");
    if (st != LUA_OK) { /* not this Lua's: parsed again below */
      lua_pop(L, 1);
      mem_free(&r->alloc, code, len + 1);
      code = NULL;
    } else {
      keep->cache_reused++;
    }
  }
  if (st != LUA_OK) {
    st = luaL_loadbufferx(L, src, n, name, "t");
    strbuf b = {0};
    if (st == LUA_OK && keep && lua_dump(L, dump_to_strbuf, &b, 0) == 0 &&
        b.s) {
      if (cache_dir &&
          ecache_chunk_put(cache_dir, name, src, n, b.s, b.len) == ASSAY_OK)
        keep->cache_made++;
      if ((code = mem_alloc(&r->alloc, b.len + 1))) {
        memcpy(code, b.s, b.len + 1);
        len = b.len;
      }
    }
    free(b.s);
  }
  /* Without memory for the copy, scanners parse the source. */
  if (st == LUA_OK && keep && code && !keep->language.code) {
    keep->language.code = code;
    keep->language.len = len;
    code = NULL;
  }
  if (code) mem_free(&r->alloc, code, len + 1);
  return st;
}

int eng_load_pack(lua_State *L, const assay_rules *r, assay_rules *keep,
                  const char *cache_dir, char *buf, size_t size) {
  int top = lua_gettop(L);
  int st = load_language(L, r, keep, cache_dir);
  if (st == LUA_OK) st = lua_pcall(L, 0, 1, 0); /* the module: top + 1 */
  int opts = top + 2;
  if (st == LUA_OK) {
    lua_createtable(L, 0, 5);
    lua_pushboolean(L, (r->flags & ASSAY_UNSAFE) != 0);
    lua_setfield(L, opts, "unsafe");
    lua_getglobal(L, "assay");
    lua_setfield(L, opts, "assay");
    if (r->source) {
      lua_pushstring(L, r->source);
      lua_setfield(L, opts, "source");
    }
    if (r->nchunks) push_chunks(L, r, opts);
    if (keep) {
      lua_newtable(L);
      lua_setfield(L, opts, "dumped");
    }
    if (cache_dir && keep) ecache_push_lua(L, opts, cache_dir, keep);
    lua_getfield(L, top + 1, "load_pack");
    lua_pushstring(L, r->path);
    lua_pushvalue(L, opts);
    st = lua_pcall(L, 2, 1, 0); /* the declarations: top + 3 */
  }
  if (st != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    snprintf(buf, size, "%s", msg ? msg : "error while loading the rule pack");
    lua_settop(L, top);
    return st;
  }
  if (keep && keep_chunks(L, keep, opts) != ASSAY_OK) {
    snprintf(buf, size, "out of memory");
    lua_settop(L, top);
    return LUA_ERRMEM;
  }
  lua_replace(L, top + 1); /* keep the declarations only */
  lua_settop(L, top + 1);
  return LUA_OK;
}

/* ---- compiler --------------------------------------------------------- */

int assay_compiler_new(assay_compiler **out, unsigned flags,
                       const assay_allocator *alloc) {
  assay_allocator a = mem_resolve(alloc);
  assay_compiler *c = mem_calloc(&a, 1, sizeof *c);
  *out = c;
  if (!c) return ASSAY_ENOMEM;
  c->alloc = a;
  c->flags = flags;
  return ASSAY_OK;
}

void assay_compiler_free(assay_compiler *c) {
  if (!c) return;
  for (size_t i = 0; i < c->nextras; i++) {
    cfree(&c->alloc, c->extras[i].name);
    cfree(&c->alloc, c->extras[i].path);
  }
  mem_free(&c->alloc, c->extras, c->extras_cap * sizeof *c->extras);
  cfree(&c->alloc, c->cache_dir);
  assay_rules_free(c->rules);
  assay_allocator a = c->alloc;
  mem_free(&a, c, sizeof *c);
}

int assay_compiler_set_cache_dir(assay_compiler *c, const char *dir) {
  if (!c) return ASSAY_EMISUSE;
  cfree(&c->alloc, c->cache_dir);
  c->cache_dir = NULL;
  if (!dir) return ASSAY_OK;
  if (!cache_dir_ready(dir)) {
    snprintf(c->errmsg, sizeof c->errmsg,
             "the cache folder %s cannot be made, or is not this user's "
             "alone: compiling without a cache", dir);
    return ASSAY_EIO;
  }
  c->cache_dir = cdup(&c->alloc, dir);
  return c->cache_dir ? ASSAY_OK : ASSAY_ENOMEM;
}

const char *assay_compiler_errmsg(const assay_compiler *c) {
  return c ? c->errmsg : "no compiler";
}

void assay_compiler_set_callback(assay_compiler *c,
                                 void (*fn)(void *, const assay_diagnostic *),
                                 void *ud) {
  c->cb = fn;
  c->cb_ud = ud;
}

int assay_compiler_add_lexicon_file(assay_compiler *c, const char *name,
                                    const char *path) {
  if (!name || !path) return ASSAY_EMISUSE;
  if (mem_grow(&c->alloc, (void **)&c->extras, &c->extras_cap, c->nextras + 1,
               sizeof *c->extras))
    return ASSAY_ENOMEM;
  extra_lexicon *e = &c->extras[c->nextras];
  e->name = cdup(&c->alloc, name);
  e->path = cdup(&c->alloc, path);
  e->used = 0;
  if (!e->name || !e->path) return ASSAY_ENOMEM;
  c->nextras++;
  return ASSAY_OK;
}

/* Appends to a growable pointer-sized array kept as (items, n). */
#define PUSH(a, arr, n, cap, val)                                        \
  (mem_grow((a), (void **)&(arr), &(cap), (n) + 1, sizeof *(arr)) ? -1   \
                                                                  : ((arr)[(n)++] = (val), 0))

typedef struct build {
  assay_compiler *c;
  assay_rules *r;
  lua_State *L;
  pat_words_memo *words; /* the token patterns' regexes, expanded once */
} build;

static const char *field_string(lua_State *L, int idx, const char *key) {
  lua_getfield(L, idx, key);
  const char *s = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
  lua_pop(L, 1);
  return s; /* anchored in the declarations table */
}

static int field_int(lua_State *L, int idx, const char *key) {
  lua_getfield(L, idx, key);
  int v = (int)lua_tointeger(L, -1);
  lua_pop(L, 1);
  return v;
}

/* Adds inline entries (a Lua array at the top of the stack) to lx. */
static int add_inline_entries(build *b, assay_lexicon *lx, const char *lexname,
                              const char *file, int line) {
  lua_State *L = b->L;
  int t = lua_gettop(L);
  lua_Integer n = luaL_len(L, t);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_geti(L, t, i);
    int e = lua_gettop(L);
    const char *name = NULL, *kind = NULL, *norm = NULL;
    if (lua_type(L, e) == LUA_TSTRING) {
      name = lua_tostring(L, e);
    } else if (lua_istable(L, e)) {
      name = field_string(L, e, "name");
      kind = field_string(L, e, "kind");
      norm = field_string(L, e, "norm");
    }
    if (!name || !*name) {
      diag(b->c, 1, file, line, NULL, "lexicon %s: entry %lld has no name",
           lexname, (long long)i);
      lua_settop(L, t);
      continue;
    }
    int entry = assay_lexicon_add_entry(lx, name, kind, norm);
    if (entry < 0) {
      diag(b->c, 1, file, line, NULL, "lexicon %s: %s", lexname,
           assay_lexicon_errmsg(lx));
      lua_settop(L, t);
      continue;
    }
    if (lua_istable(L, e)) {
      lua_getfield(L, e, "aliases");
      if (lua_istable(L, -1)) {
        lua_Integer na = luaL_len(L, -1);
        for (lua_Integer j = 1; j <= na; j++) {
          lua_geti(L, -1, j);
          const char *alias = NULL, *akind = NULL;
          if (lua_type(L, -1) == LUA_TSTRING) {
            alias = lua_tostring(L, -1);
          } else if (lua_istable(L, -1)) {
            alias = field_string(L, lua_gettop(L), "text");
            akind = field_string(L, lua_gettop(L), "kind");
          }
          if (alias && *alias) assay_lexicon_add_alias(lx, entry, alias, akind);
          lua_pop(L, 1);
        }
      }
      lua_pop(L, 1);
      lua_getfield(L, e, "attrs");
      if (lua_istable(L, -1)) {
        lua_pushnil(L);
        while (lua_next(L, -2)) {
          if (lua_type(L, -2) == LUA_TSTRING) {
            const char *v = luaL_tolstring(L, -1, NULL);
            assay_lexicon_set_attr(lx, entry, lua_tostring(L, -3), v);
            lua_pop(L, 1);
          }
          lua_pop(L, 1);
        }
      }
      lua_pop(L, 1);
    }
    lua_settop(L, t);
  }
  return 0;
}

/* The cache key of lexicon `name` (its declaration at index e): its fold
 * and its files, the pack's then --lexicon's.  0, or -1 when it has none
 * (inline entries are Lua values, not files) or a file cannot be read. */
static int lexicon_cache_key(build *b, int e, const char *name, unsigned fold,
                             cache_key *k) {
  lua_State *L = b->L;
  assay_compiler *c = b->c;
  if (lua_getfield(L, e, "entries") != LUA_TNIL) {
    lua_pop(L, 1);
    return -1;
  }
  lua_pop(L, 1);
  lua_getfield(L, e, "files");
  size_t nf = (size_t)luaL_len(L, -1), n = 0;
  const char **paths = mem_alloc(&c->alloc, (nf + c->nextras + 1) * sizeof *paths);
  int rc = -1;
  if (paths) {
    /* The strings stay in the files table, on the stack until the end. */
    for (size_t j = 1; j <= nf; j++) {
      lua_geti(L, -1, (lua_Integer)j);
      paths[n++] = lua_tostring(L, -1);
      lua_pop(L, 1);
    }
    for (size_t x = 0; x < c->nextras; x++)
      if (strcmp(c->extras[x].name, name) == 0) paths[n++] = c->extras[x].path;
    int all = 1;
    for (size_t j = 0; j < n; j++) all &= paths[j] != NULL;
    rc = all ? ecache_lexicon_key(k, fold, paths, n) : -1;
    mem_free(&c->alloc, paths, (nf + c->nextras + 1) * sizeof *paths);
  }
  lua_pop(L, 1);
  return rc;
}

/* Makes lexicon `name` (declaration at index e) from its files, inline
 * entries and --lexicon files, and freezes it; errors are reported. */
static assay_lexicon *make_lexicon(build *b, int e, const char *name,
                                   const char *file, int line,
                                   unsigned fold) {
  lua_State *L = b->L;
  assay_lexicon *lx = NULL;
  if (assay_lexicon_new(&lx, fold, &b->c->alloc)) {
    diag(b->c, 1, file, line, NULL, "lexicon %s: out of memory", name);
    return NULL;
  }
  lua_getfield(L, e, "files");
  lua_Integer nf = luaL_len(L, -1);
  for (lua_Integer j = 1; j <= nf; j++) {
    lua_geti(L, -1, j);
    assay_error err;
    memset(&err, 0, sizeof err);
    if (assay_lexicon_load(lx, lua_tostring(L, -1), &err) != ASSAY_OK)
      diag(b->c, 1, err.file[0] ? err.file : file,
           err.file[0] ? err.line : line, NULL, "lexicon %s: %s", name,
           err.message);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  lua_getfield(L, e, "entries");
  if (lua_istable(L, -1)) add_inline_entries(b, lx, name, file, line);
  lua_pop(L, 1);
  for (size_t k = 0; k < b->c->nextras; k++) {
    extra_lexicon *x = &b->c->extras[k];
    if (strcmp(x->name, name) != 0) continue;
    assay_error err;
    memset(&err, 0, sizeof err);
    if (assay_lexicon_load(lx, x->path, &err) != ASSAY_OK)
      diag(b->c, 1, err.file[0] ? err.file : x->path, err.line, NULL,
           "--lexicon %s: %s", name, err.message);
  }
  if (assay_lexicon_freeze(lx) != ASSAY_OK)
    diag(b->c, 1, file, line, NULL, "lexicon %s: %s", name,
         assay_lexicon_errmsg(lx));
  return lx;
}

/* Compiles decl.lexicons (table at index `d`): each from the compile cache
 * when it holds it, else made, and kept there when it was made without an
 * error. */
static void build_lexicons(build *b, int d) {
  lua_State *L = b->L;
  assay_compiler *c = b->c;
  lua_getfield(L, d, "lexicons");
  int t = lua_gettop(L);
  lua_Integer n = luaL_len(L, t);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_geti(L, t, i);
    int e = lua_gettop(L);
    const char *name = field_string(L, e, "name");
    const char *file = field_string(L, e, "file");
    int line = field_int(L, e, "line");
    lua_getfield(L, e, "fold");
    /* No `fold` in the pack: the lexicon file's own `fold:` decides. */
    unsigned fold = lua_isnil(L, -1)       ? LEX_FOLD_AUTO
                    : lua_toboolean(L, -1) ? ASSAY_LEX_FOLD
                                           : 0;
    lua_pop(L, 1);
    for (size_t k = 0; k < c->nextras; k++)
      if (strcmp(c->extras[k].name, name) == 0) c->extras[k].used = 1;
    cache_key key;
    int keyed = c->cache_dir && !lexicon_cache_key(b, e, name, fold, &key);
    assay_lexicon *lx = keyed ? ecache_lexicon_get(c->cache_dir, &key, &c->alloc)
                              : NULL;
    if (lx) {
      b->r->cache_reused++;
    } else {
      int errors = c->errors;
      lx = make_lexicon(b, e, name, file, line, fold);
      if (lx && keyed && c->errors == errors &&
          ecache_lexicon_put(c->cache_dir, &key, lx) == ASSAY_OK)
        b->r->cache_made++;
    }
    if (!lx) {
      lua_settop(L, t);
      continue;
    }
    char *nm = cdup(&c->alloc, name);
    size_t nnames = b->r->nlexicons;
    if (!nm ||
        PUSH(&c->alloc, b->r->lexicon_names, nnames, b->r->names_cap, nm) ||
        PUSH(&c->alloc, b->r->lexicons, b->r->nlexicons, b->r->lexicons_cap,
             lx)) {
      assay_lexicon_free(lx);
      if (nnames > b->r->nlexicons) b->r->lexicon_names[b->r->nlexicons] = NULL;
      cfree(&c->alloc, nm);
    }
    lua_settop(L, t);
  }
  lua_settop(L, t - 1);
}

static int lexicon_index(const assay_rules *r, const char *name) {
  for (size_t i = 0; i < r->nlexicons; i++)
    if (strcmp(r->lexicon_names[i], name) == 0) return (int)i;
  return -1;
}

static unsigned regex_flags(const char *s) {
  unsigned f = 0;
  for (; s && *s; s++) {
    if (*s == 'i') f |= ASSAY_RX_CASELESS;
    if (*s == 't') f |= ASSAY_RX_TOKENS;
    if (*s == 'a') f |= ASSAY_RX_ASCII;
  }
  return f;
}

/* Index of capture `name` of the rule's matcher, or -1. */
static int capture_index(const assay_rules *r, const eng_rule *rule,
                         const char *name) {
  if (rule->match_kind == ENG_MATCH_TOKENS) {
    const assay_pattern *p = r->patterns[rule->matcher];
    int n = assay_pattern_capture_count(p);
    for (int i = 0; i < n; i++) {
      const char *cn = assay_pattern_capture_name(p, i);
      if (cn && strcmp(cn, name) == 0) return i;
    }
  } else if (rule->match_kind == ENG_MATCH_REGEX) {
    const assay_regex *x = r->regexes[rule->matcher];
    int n = assay_regex_group_count(x);
    char *end;
    long v = strtol(name, &end, 10);
    if (*name && !*end) return v >= 0 && v <= n ? (int)v : -1;
    for (int i = 1; i <= n; i++) {
      const char *gn = assay_regex_group_name(x, i);
      if (gn && strcmp(gn, name) == 0) return i;
    }
  }
  return -1;
}

static int is_entry_field(const char *s) {
  return !strcmp(s, "kind") || !strcmp(s, "norm") || !strcmp(s, "name") ||
         !strncmp(s, "attr.", 5);
}

/* Fills one static emit field from the Lua value at the top of the stack. */
static int build_field(build *b, eng_rule *rule, eng_field *f,
                       const char *key) {
  lua_State *L = b->L;
  const assay_allocator *a = &b->c->alloc;
  f->key = cdup(a, key);
  f->index = -1;
  switch (lua_type(L, -1)) {
  case LUA_TNUMBER:
    f->kind = ENG_FIELD_NUMBER;
    f->num = lua_tonumber(L, -1);
    return 0;
  case LUA_TBOOLEAN:
    f->kind = ENG_FIELD_BOOL;
    f->num = lua_toboolean(L, -1);
    return 0;
  case LUA_TSTRING: {
    const char *s = lua_tostring(L, -1);
    if (s[0] != '$' || s[1] == '$') {
      f->kind = ENG_FIELD_STRING;
      f->str = cdup(a, s[0] == '$' ? s + 1 : s);
      return 0;
    }
    const char *ref = s + 1;
    f->str = cdup(a, ref);
    if (!strcmp(ref, "text")) {
      f->kind = ENG_FIELD_TEXT;
    } else if (rule->match_kind == ENG_MATCH_LEXICON && is_entry_field(ref)) {
      f->kind = ENG_FIELD_ENTRY;
    } else {
      f->kind = ENG_FIELD_CAPTURE;
      f->index = capture_index(b->r, rule, ref);
      if (f->index < 0) {
        diag(b->c, 1, rule->file, rule->line, rule->name,
             "emit.%s: the match has no capture named '%s'", key, ref);
        return -1;
      }
    }
    return 0;
  }
  default:
    diag(b->c, 1, rule->file, rule->line, rule->name,
         "emit.%s: a static emit holds strings, numbers and booleans "
         "(use an emit function for more)",
         key);
    return -1;
  }
}

static int cmp_cstr(const void *x, const void *y) {
  return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Compiles a static emit table (at the top of the stack) into rule. */
static void build_static_emit(build *b, eng_rule *rule) {
  lua_State *L = b->L;
  int t = lua_gettop(L);
  const char *keys[128];
  size_t nk = 0;
  lua_pushnil(L);
  while (lua_next(L, t)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING) {
      diag(b->c, 1, rule->file, rule->line, rule->name,
           "emit: keys must be strings");
      continue;
    }
    if (nk < sizeof keys / sizeof *keys) keys[nk++] = lua_tostring(L, -1);
  }
  /* Sorted keys: Lua's table order is not stable across runs, output is. */
  qsort(keys, nk, sizeof *keys, cmp_cstr);
  rule->fields_cap = nk ? nk : 1;
  rule->fields = mem_calloc(&b->c->alloc, rule->fields_cap, sizeof *rule->fields);
  if (!rule->fields) return;
  for (size_t i = 0; i < nk; i++) {
    lua_getfield(L, t, keys[i]);
    if (!strcmp(keys[i], "layer")) {
      rule->layer = cdup(&b->c->alloc, lua_tostring(L, -1));
    } else if (!strcmp(keys[i], "span")) {
      const char *s = lua_tostring(L, -1);
      if (!s || s[0] != '$' || (rule->span_capture = capture_index(
                                    b->r, rule, s + 1)) < 0)
        diag(b->c, 1, rule->file, rule->line, rule->name,
             "emit.span must name a capture (\"$name\")");
      else
        rule->span_capture_name = cdup(&b->c->alloc, s + 1);
    } else if (strcmp(keys[i], "priority") != 0) {
      eng_field *f = &rule->fields[rule->nfields];
      if (build_field(b, rule, f, keys[i]) == 0)
        rule->nfields++;
      else
        cfree(&b->c->alloc, f->key), cfree(&b->c->alloc, f->str);
    }
    lua_pop(L, 1);
  }
}

static int stage_index(const assay_rules *r, const char *name) {
  for (size_t i = 0; i < r->nstages; i++)
    if (strcmp(r->stages[i], name) == 0) return (int)i;
  return -1;
}

/* Compiles the matcher of a rule (the match table at the top). */
static void build_matcher(build *b, eng_rule *rule) {
  lua_State *L = b->L;
  int m = lua_gettop(L);
  const char *type = field_string(L, m, "type");
  assay_error err;
  memset(&err, 0, sizeof err);
  if (!strcmp(type, "lexicon")) {
    rule->match_kind = ENG_MATCH_LEXICON;
    rule->matcher = lexicon_index(b->r, field_string(L, m, "name"));
  } else if (!strcmp(type, "regex")) {
    assay_regex *rx = NULL;
    rule->match_kind = ENG_MATCH_REGEX;
    if (assay_regex_new(&rx, field_string(L, m, "source"),
                        regex_flags(field_string(L, m, "flags")),
                        &b->c->alloc, &err) != ASSAY_OK) {
      diag(b->c, 1, rule->file, rule->line, rule->name, "regex: %s",
           err.message);
      rule->match_kind = ENG_MATCH_NONE;
      return;
    }
    rule->matcher = (int)b->r->nregexes;
    if (PUSH(&b->c->alloc, b->r->regexes, b->r->nregexes, b->r->regexes_cap, rx))
      assay_regex_free(rx);
  } else if (!strcmp(type, "tokens")) {
    assay_pattern *p = NULL;
    rule->match_kind = ENG_MATCH_TOKENS;
    if (pat_new(&p, field_string(L, m, "source"), &b->c->alloc, &err,
                b->words) != ASSAY_OK) {
      diag(b->c, 1, rule->file, rule->line, rule->name,
           "token pattern, column %d: %s", err.column, err.message);
      rule->match_kind = ENG_MATCH_NONE;
      return;
    }
    rule->matcher = (int)b->r->npatterns;
    if (PUSH(&b->c->alloc, b->r->patterns, b->r->npatterns, b->r->patterns_cap, p))
      assay_pattern_free(p);
  } else if (!strcmp(type, "annotations")) {
    rule->match_kind = ENG_MATCH_ANNOTATIONS;
    rule->match_layer = cdup(&b->c->alloc, field_string(L, m, "layer"));
  }
}

static void build_rules(build *b, int d) {
  lua_State *L = b->L;
  lua_getfield(L, d, "rules");
  int t = lua_gettop(L);
  lua_Integer n = luaL_len(L, t);
  b->r->rules_cap = n ? (size_t)n : 1;
  b->r->rules = mem_calloc(&b->c->alloc, b->r->rules_cap, sizeof *b->r->rules);
  if (!b->r->rules) return;
  for (lua_Integer i = 1; i <= n; i++) {
    lua_geti(L, t, i);
    int e = lua_gettop(L);
    eng_rule *rule = &b->r->rules[b->r->nrules++];
    rule->name = cdup(&b->c->alloc, field_string(L, e, "name"));
    rule->file = cdup(&b->c->alloc, field_string(L, e, "file"));
    rule->line = field_int(L, e, "line");
    rule->stage = stage_index(b->r, field_string(L, e, "stage"));
    rule->priority = field_int(L, e, "priority");
    rule->span_capture = -1;
    lua_getfield(L, e, "run");
    rule->has_run = lua_isfunction(L, -1);
    lua_getfield(L, e, "where");
    rule->has_where = lua_isfunction(L, -1);
    lua_getfield(L, e, "retry");
    rule->retry = lua_toboolean(L, -1);
    lua_getfield(L, e, "match");
    if (lua_istable(L, -1)) build_matcher(b, rule);
    lua_getfield(L, e, "emit");
    if (lua_isfunction(L, -1))
      rule->has_emit_fn = 1;
    else if (lua_istable(L, -1) && rule->match_kind != ENG_MATCH_NONE)
      build_static_emit(b, rule);
    lua_settop(L, t);
  }
  lua_settop(L, t - 1);
}

static void build_stages_layers(build *b, int d) {
  lua_State *L = b->L;
  lua_getfield(L, d, "stages");
  lua_Integer n = luaL_len(L, -1);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_geti(L, -1, i);
    char *s = cdup(&b->c->alloc, lua_tostring(L, -1));
    if (s && PUSH(&b->c->alloc, b->r->stages, b->r->nstages, b->r->stages_cap, s))
      cfree(&b->c->alloc, s);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  lua_getfield(L, d, "layer_order");
  n = luaL_len(L, -1);
  lua_getfield(L, d, "layers");
  for (lua_Integer i = 1; i <= n; i++) {
    lua_geti(L, -2, i);
    const char *name = lua_tostring(L, -1);
    lua_getfield(L, -2, name);
    const char *policy = field_string(L, lua_gettop(L), "policy");
    lua_getfield(L, -1, "hidden");
    int hidden = lua_toboolean(L, -1);
    lua_pop(L, 1);
    eng_layer ly = {cdup(&b->c->alloc, name),
                    policy && !strcmp(policy, "longest") ? ASSAY_POLICY_LONGEST
                                                          : ASSAY_POLICY_ALL,
                    hidden};
    if (PUSH(&b->c->alloc, b->r->layers, b->r->nlayers, b->r->layers_cap, ly))
      cfree(&b->c->alloc, ly.name);
    lua_pop(L, 2);
  }
  lua_pop(L, 2);
}

static void build_pack_name(build *b, int d) {
  lua_State *L = b->L;
  lua_getfield(L, d, "pack");
  const char *name = field_string(L, lua_gettop(L), "name");
  const char *version = field_string(L, lua_gettop(L), "version");
  b->r->pack_name = cdup(&b->c->alloc, name ? name : "unnamed");
  b->r->pack_version = cdup(&b->c->alloc, version ? version : "0");
  char label[512];
  snprintf(label, sizeof label, "%s %s", b->r->pack_name, b->r->pack_version);
  b->r->pack_label = cdup(&b->c->alloc, label);
  lua_pop(L, 1);
}

static int compile(assay_compiler *c, const char *path, const char *source) {
  if (c->rules) {
    diag(c, 1, path, 0, NULL, "a compiler loads one rule pack");
    return ASSAY_EMISUSE;
  }
  assay_rules *r = mem_calloc(&c->alloc, 1, sizeof *r);
  if (!r) return ASSAY_ENOMEM;
  r->alloc = c->alloc;
  r->flags = c->flags;
  r->path = cdup(&c->alloc, path);
  r->source = cdup(&c->alloc, source);
  c->rules = r;
  assay_error err;
  memset(&err, 0, sizeof err);
  if (assay_tokenizer_new(&r->tz, &c->alloc, &err) != ASSAY_OK) {
    diag(c, 1, NULL, 0, NULL, "tokenizer: %s", err.message);
    return ASSAY_ENOMEM;
  }
  /* The compiler's Lua state allocates through the compiler's allocator
   * too (the assay_allocator contract is lua_Alloc's). */
  lua_State *L = lua_newstate(c->alloc.fn, c->alloc.ud);
  if (!L) return ASSAY_ENOMEM;
  eng_open_state(L);
  char msg[1024];
  if (eng_load_pack(L, r, r, c->cache_dir, msg, sizeof msg) != LUA_OK) {
    diag_lua_error(c, msg);
    lua_close(L);
    return ASSAY_ESYNTAX;
  }
  build b;
  memset(&b, 0, sizeof b);
  b.c = c;
  b.r = r;
  b.L = L;
  int d = lua_gettop(L);
  build_pack_name(&b, d);
  build_stages_layers(&b, d);
  build_lexicons(&b, d);
  /* Without memory for the memo, patterns are made without it. */
  b.words = pat_words_memo_new(&c->alloc);
  build_rules(&b, d);
  pat_words_memo_free(b.words);
  lua_close(L);
  r->nmemo = pat_assign_memo_ids(r->patterns, r->npatterns);
  r->nkeys = pat_assign_key_ids(r->patterns, r->npatterns);
  for (size_t k = 0; k < c->nextras; k++)
    if (!c->extras[k].used)
      diag(c, 1, c->extras[k].path, 0, NULL,
           "--lexicon %s: the rule pack has no lexicon named %s",
           c->extras[k].name, c->extras[k].name);
  return c->errors ? ASSAY_ESYNTAX : ASSAY_OK;
}

/* An absolute path, so that the sandbox can compare folders. */
static void absolute_path(const char *path, char *buf, size_t size) {
  char *rp = realpath(path, NULL);
  snprintf(buf, size, "%s", rp ? rp : path);
  free(rp);
}

int assay_compiler_load_file(assay_compiler *c, const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    diag(c, 1, path, 0, NULL, "cannot read the rule pack %s", path);
    return ASSAY_EIO;
  }
  fclose(f);
  char abs[PATH_MAX];
  absolute_path(path, abs, sizeof abs);
  return compile(c, abs, NULL);
}

int assay_compiler_load_string(assay_compiler *c, const char *source,
                               const char *name, const char *base_dir) {
  char dir[PATH_MAX], full[PATH_MAX + 256];
  absolute_path(base_dir ? base_dir : ".", dir, sizeof dir);
  snprintf(full, sizeof full, "%s/%s", dir, name ? name : "pack.lua");
  return compile(c, full, source);
}

int assay_compiler_get_rules(assay_compiler *c, assay_rules **out) {
  *out = NULL;
  if (!c->rules) {
    snprintf(c->errmsg, sizeof c->errmsg, "no rule pack was loaded");
    return ASSAY_EMISUSE;
  }
  if (c->errors) return ASSAY_ESYNTAX;
  *out = c->rules;
  c->rules = NULL;
  return ASSAY_OK;
}

/* ---- rules ------------------------------------------------------------ */

static void free_rule(const assay_allocator *a, eng_rule *rule) {
  cfree(a, rule->name);
  cfree(a, rule->file);
  cfree(a, rule->match_layer);
  cfree(a, rule->layer);
  cfree(a, rule->span_capture_name);
  for (size_t i = 0; i < rule->nfields; i++) {
    cfree(a, rule->fields[i].key);
    cfree(a, rule->fields[i].str);
  }
  mem_free(a, rule->fields, rule->fields_cap * sizeof *rule->fields);
}

void assay_rules_free(assay_rules *r) {
  if (!r) return;
  const assay_allocator *a = &r->alloc;
  for (size_t i = 0; i < r->nlexicons; i++) {
    assay_lexicon_free(r->lexicons[i]);
    cfree(a, r->lexicon_names[i]);
  }
  for (size_t i = 0; i < r->nregexes; i++) assay_regex_free(r->regexes[i]);
  for (size_t i = 0; i < r->npatterns; i++) assay_pattern_free(r->patterns[i]);
  for (size_t i = 0; i < r->nrules; i++) free_rule(a, &r->rules[i]);
  for (size_t i = 0; i < r->nstages; i++) cfree(a, r->stages[i]);
  for (size_t i = 0; i < r->nlayers; i++) cfree(a, r->layers[i].name);
  for (size_t i = 0; i < r->nchunks; i++) {
    cfree(a, r->chunks[i].file);
    mem_free(a, r->chunks[i].code, r->chunks[i].len + 1);
  }
  mem_free(a, r->chunks, r->chunks_cap * sizeof *r->chunks);
  if (r->language.code) mem_free(a, r->language.code, r->language.len + 1);
  mem_free(a, r->lexicons, r->lexicons_cap * sizeof *r->lexicons);
  mem_free(a, r->lexicon_names, r->names_cap * sizeof *r->lexicon_names);
  mem_free(a, r->regexes, r->regexes_cap * sizeof *r->regexes);
  mem_free(a, r->patterns, r->patterns_cap * sizeof *r->patterns);
  mem_free(a, r->rules, r->rules_cap * sizeof *r->rules);
  mem_free(a, r->stages, r->stages_cap * sizeof *r->stages);
  mem_free(a, r->layers, r->layers_cap * sizeof *r->layers);
  cfree(a, r->pack_name);
  cfree(a, r->pack_version);
  cfree(a, r->pack_label);
  cfree(a, r->path);
  cfree(a, r->source);
  assay_tokenizer_free(r->tz);
  assay_allocator copy = r->alloc;
  mem_free(&copy, r, sizeof *r);
}

const char *assay_rules_pack(const assay_rules *r) {
  return r ? r->pack_label : "";
}

int eng_layer_hidden(const assay_rules *r, const char *layer) {
  for (size_t i = 0; i < r->nlayers; i++)
    if (strcmp(r->layers[i].name, layer) == 0) return r->layers[i].hidden;
  return 0;
}

int eng_rule_index(const assay_rules *r, const char *name) {
  for (size_t i = 0; i < r->nrules; i++)
    if (strcmp(r->rules[i].name, name) == 0) return (int)i;
  return -1;
}
