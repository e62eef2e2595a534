/*
 * engine_scan.c -- the scanner: one thread's own Lua state over a shared
 * assay_rules; runs the stages of a pack over a document, matching in C and
 * entering Lua only for `where`, emit functions and `run` rules, under
 * per-document limits (instructions, memory, size, annotations).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lualib.h>

#include "doc.h"
#include "engine.h"
#include "engine_sample.h"
#include "lexicon.h"
#include "lua_common.h"
#include "pattern.h"
#include "pool.h"
#include "strbuf.h"

#define DEFAULT_INSTRUCTIONS 100000000ULL
#define DEFAULT_MEMORY ((size_t)256 << 20)
#define DEFAULT_DOC_BYTES ((size_t)32 << 20)
#define DEFAULT_ANNOTATIONS ((size_t)1000000)
#define HOOK_EVERY 1000
/* Garbage past which a scanner collects between documents itself. */
#define GC_SLACK ((size_t)16 << 20)

/* One capture of a match, in bytes. */
typedef struct eng_cap {
  uint32_t start, end, first, last;
  uint32_t ann; /* annotation id when the capture is an @layer reference */
  int set;
} eng_cap;

/* One match, kept until the matcher is done so that emitting annotations
 * never changes a layer while a matcher walks it. */
typedef struct eng_match {
  uint32_t start, end, first, last;
  int entry;                    /* lexicon entry, or -1 */
  const char *name, *kind, *norm; /* lexicon: entry name, alias kind, norm */
  uint32_t ann;                 /* ANNOTATIONS: the annotation's id */
  size_t cap;                   /* first capture in caps */
  int ncap;
  int checked;                  /* `where` already said yes */
  char *trace;                  /* malloc'd or NULL */
} eng_match;

struct assay_scanner {
  const assay_rules *rules;
  assay_limits limits;
  lua_State *L;
  int fns_ref;        /* registry: fns[i] = {where=, emit=, run=} */
  int doc_ref;        /* registry: the document being scanned */
  size_t mem_used, mem_base;
  size_t mem_idle;    /* the heap after loading the pack */
  pool pool;          /* the Lua state's small blocks (scan_alloc) */
  int mem_limited, mem_refused;
  uint64_t instr;
  int instr_exceeded;
  assay_doc *doc;
  const eng_rule *rule;
  int trace;
  eng_match *matches;
  size_t nmatches, matches_cap;
  eng_cap *caps;
  size_t ncaps, caps_cap;
  /* The document's tokens by lower form, shared by its pattern rules;
   * built at the first pattern rule of each document. */
  pat_index *index;
  int index_ready;
  /* The document's token hashes, shared by its lexicon rules
   * (lex_hash_tokens); made at the first lexicon rule of a document. */
  uint32_t *lex_lower, *lex_text;
  size_t lex_lower_cap, lex_text_cap;
  int lex_ready;
  int failed;
  /* --profile: nanoseconds and matches per rule, then the tokenizer and
   * the collector (eng_profile_row); NULL when not asked for. */
  eng_profile_row *prof;
  eng_sampler *sampler; /* --profile=lines, or NULL */
  char errmsg[1024];
};

static int scan_error(assay_scanner *sc, int status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(sc->errmsg, sizeof sc->errmsg, fmt, ap);
  va_end(ap);
  return status;
}

/* ---- the Lua state: allocator with a cap, instruction hook ------------- */

/* Blocks up to POOL_MAX bytes come from the scanner's pool, larger ones
 * from the rules' allocator; a block that changes sides is copied. */
static void *scan_block(assay_scanner *sc, size_t n) {
  return n <= POOL_MAX ? pool_alloc(&sc->pool, n)
                       : mem_alloc(&sc->rules->alloc, n);
}

static void scan_unblock(assay_scanner *sc, void *p, size_t n) {
  if (n <= POOL_MAX) pool_free(&sc->pool, p, n);
  else mem_free(&sc->rules->alloc, p, n);
}

static void *scan_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  assay_scanner *sc = ud;
  size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    sc->mem_used -= old;
    if (ptr) scan_unblock(sc, ptr, old);
    return NULL;
  }
  if (sc->mem_limited && nsize > old &&
      sc->mem_used + (nsize - old) > sc->mem_base + sc->limits.memory) {
    sc->mem_refused = 1;
    return NULL;
  }
  void *p;
  if (!ptr) {
    p = scan_block(sc, nsize);
  } else if (old > POOL_MAX && nsize > POOL_MAX) {
    p = mem_realloc(&sc->rules->alloc, ptr, old, nsize);
  } else if (old <= POOL_MAX && nsize <= POOL_MAX &&
             pool_same_class(old, nsize)) {
    p = ptr;
  } else {
    p = scan_block(sc, nsize);
    if (p) {
      memcpy(p, ptr, old < nsize ? old : nsize);
      scan_unblock(sc, ptr, old);
    }
  }
  if (p) sc->mem_used = sc->mem_used - old + nsize;
  return p;
}

static void scan_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  assay_scanner *sc = *(assay_scanner **)lua_getextraspace(L);
  if (sc->sampler && sample_due(sc->sampler)) {
    /* asked for by the sampler's signal, not a count of HOOK_EVERY: the
     * instructions since the last count go uncounted (under 1,000 a
     * sample) */
    sample_take(sc->sampler, L);
    lua_sethook(L, scan_hook, LUA_MASKCOUNT, HOOK_EVERY);
    return;
  }
  sc->instr += HOOK_EVERY;
  if (sc->instr > sc->limits.instructions) {
    sc->instr_exceeded = 1;
    luaL_error(L, "instruction limit (%llu) exceeded",
               (unsigned long long)sc->limits.instructions);
  }
}

int assay_scanner_new(assay_scanner **out, const assay_rules *rules,
                      const assay_limits *limits) {
  *out = NULL;
  if (!rules) return ASSAY_EMISUSE;
  assay_scanner *sc = mem_calloc(&rules->alloc, 1, sizeof *sc);
  if (!sc) return ASSAY_ENOMEM;
  *out = sc;
  sc->rules = rules;
  if (limits) sc->limits = *limits;
  if (!sc->limits.instructions) sc->limits.instructions = DEFAULT_INSTRUCTIONS;
  if (!sc->limits.memory) sc->limits.memory = DEFAULT_MEMORY;
  if (!sc->limits.max_doc_bytes) sc->limits.max_doc_bytes = DEFAULT_DOC_BYTES;
  if (!sc->limits.max_annotations)
    sc->limits.max_annotations = DEFAULT_ANNOTATIONS;
  sc->fns_ref = sc->doc_ref = LUA_NOREF;
  pool_init(&sc->pool, &rules->alloc);
  lua_State *L = lua_newstate(scan_alloc, sc);
  if (!L) return scan_error(sc, ASSAY_ENOMEM, "out of memory");
  sc->L = L;
  *(assay_scanner **)lua_getextraspace(L) = sc;
  eng_open_state(L);
  char msg[1024];
  if (eng_load_pack(L, rules, NULL, NULL, msg, sizeof msg) != LUA_OK)
    return scan_error(sc, ASSAY_ESYNTAX, "%s", msg);
  lua_getfield(L, -1, "rules");
  lua_Integer n = luaL_len(L, -1);
  if ((size_t)n != rules->nrules) {
    lua_settop(L, 0);
    return scan_error(sc, ASSAY_EERROR,
                      "the rule pack declared %lld rules, compiled %zu: a "
                      "pack must declare the same rules each time it runs",
                      (long long)n, rules->nrules);
  }
  lua_createtable(L, (int)n, 0);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_geti(L, -2, i);
    lua_createtable(L, 0, 3);
    lua_getfield(L, -2, "where");
    lua_setfield(L, -2, "where");
    lua_getfield(L, -2, "emit");
    if (!lua_isfunction(L, -1)) {
      lua_pop(L, 1);
      lua_pushnil(L);
    }
    lua_setfield(L, -2, "emit");
    lua_getfield(L, -2, "run");
    lua_setfield(L, -2, "run");
    lua_seti(L, -3, i);
    lua_pop(L, 1);
  }
  sc->fns_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_settop(L, 0);
  lua_gc(L, LUA_GCCOLLECT);
  sc->mem_idle = sc->mem_used;
  return ASSAY_OK;
}

static void clear_matches(assay_scanner *sc) {
  const assay_allocator *a = &sc->rules->alloc;
  for (size_t i = 0; i < sc->nmatches; i++)
    if (sc->matches[i].trace)
      mem_free(a, sc->matches[i].trace, strlen(sc->matches[i].trace) + 1);
  sc->nmatches = 0;
  sc->ncaps = 0;
}

void assay_scanner_free(assay_scanner *sc) {
  if (!sc) return;
  clear_matches(sc);
  if (sc->L) lua_close(sc->L);
  pool_release(&sc->pool);
  const assay_allocator *a = &sc->rules->alloc;
  mem_free(a, sc->matches, sc->matches_cap * sizeof *sc->matches);
  mem_free(a, sc->caps, sc->caps_cap * sizeof *sc->caps);
  pat_index_free(sc->index);
  mem_free(a, sc->lex_lower, sc->lex_lower_cap * sizeof(uint32_t));
  mem_free(a, sc->lex_text, sc->lex_text_cap * sizeof(uint32_t));
  if (sc->prof) mem_free(a, sc->prof, (sc->rules->nrules + 2) * sizeof *sc->prof);
  sample_free(sc->sampler);
  assay_allocator copy = *a;
  mem_free(&copy, sc, sizeof *sc);
}

const char *assay_scanner_errmsg(const assay_scanner *sc) {
  return sc ? sc->errmsg : "no scanner";
}

/* ---- profile ------------------------------------------------------- */

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int eng_profile_lines_enable(assay_scanner *sc) {
  if (!sc->sampler) sc->sampler = sample_new(&sc->rules->alloc);
  if (!sc->sampler) return scan_error(sc, ASSAY_ENOMEM, "out of memory");
  return sample_arm(sc->sampler, sc->errmsg, sizeof sc->errmsg);
}

const eng_line_row *eng_profile_lines(const assay_scanner *sc, size_t *n,
                                      uint64_t *lua, uint64_t *other) {
  *n = 0;
  *lua = *other = 0;
  return sc->sampler ? sample_rows(sc->sampler, n, lua, other) : NULL;
}

int eng_profile_enable(assay_scanner *sc) {
  if (sc->prof) return ASSAY_OK;
  sc->prof = mem_calloc(&sc->rules->alloc, sc->rules->nrules + 2,
                        sizeof *sc->prof);
  return sc->prof ? ASSAY_OK : ASSAY_ENOMEM;
}

const eng_profile_row *eng_profile(const assay_scanner *sc) {
  return sc->prof;
}

/* ---- collecting matches ---------------------------------------------- */

static eng_match *new_match(assay_scanner *sc, int ncap) {
  const assay_allocator *a = &sc->rules->alloc;
  if (mem_grow(a, (void **)&sc->matches, &sc->matches_cap, sc->nmatches + 1,
               sizeof *sc->matches) ||
      mem_grow(a, (void **)&sc->caps, &sc->caps_cap, sc->ncaps + ncap + 1,
               sizeof *sc->caps))
    return NULL;
  eng_match *m = &sc->matches[sc->nmatches++];
  memset(m, 0, sizeof *m);
  m->entry = -1;
  m->cap = sc->ncaps;
  m->ncap = ncap;
  memset(&sc->caps[sc->ncaps], 0, (size_t)ncap * sizeof *sc->caps);
  sc->ncaps += (size_t)ncap;
  return m;
}

/* The byte span of tokens [first, last). */
static void token_span(const assay_doc *doc, uint32_t first, uint32_t last,
                       uint32_t *start, uint32_t *end) {
  const assay_token *t = doc->toks.tokens;
  size_t n = doc->toks.ntokens;
  if (first >= last || first >= n) {
    uint32_t at = first < n ? t[first].start : (uint32_t)doc->len;
    *start = *end = at;
    return;
  }
  *start = t[first].start;
  *end = t[(last <= n ? last : n) - 1].end;
}

static char *trace_dup(assay_scanner *sc, const char *s) {
  return s ? mem_strdup(&sc->rules->alloc, s) : NULL;
}

static int on_lexicon(void *ud, const assay_lexicon_match *lm) {
  assay_scanner *sc = ud;
  eng_match *m = new_match(sc, 0);
  if (!m) return ASSAY_ENOMEM;
  m->first = lm->first;
  m->last = lm->last;
  token_span(sc->doc, lm->first, lm->last, &m->start, &m->end);
  m->entry = lm->entry;
  m->name = lm->name;
  m->kind = lm->kind;
  m->norm = lm->norm;
  if (sc->trace) {
    char buf[512];
    snprintf(buf, sizeof buf, "lexicon %s: entry '%s'",
             sc->rules->lexicon_names[sc->rule->matcher], lm->name);
    m->trace = trace_dup(sc, buf);
  }
  return ASSAY_OK;
}

static int on_regex(void *ud, const assay_regex_match *rm) {
  assay_scanner *sc = ud;
  eng_match *m = new_match(sc, rm->ngroups + 1);
  if (!m) return ASSAY_ENOMEM;
  m->start = rm->start;
  m->end = rm->end;
  const assay_token *t = sc->doc->toks.tokens;
  size_t n = sc->doc->toks.ntokens;
  m->first = (uint32_t)tok_index_at(t, n, rm->start);
  m->last = (uint32_t)tok_index_at(t, n, rm->end ? rm->end - 1 : 0) + 1;
  if (m->last > n) m->last = (uint32_t)n;
  for (int i = 0; i <= rm->ngroups; i++) {
    eng_cap *c = &sc->caps[m->cap + (size_t)i];
    uint32_t s = rm->groups[2 * i], e = rm->groups[2 * i + 1];
    if (s == UINT32_MAX) continue;
    c->set = 1;
    c->start = s;
    c->end = e;
  }
  if (sc->trace) {
    char buf[512];
    snprintf(buf, sizeof buf, "regex of rule %s", sc->rule->name);
    m->trace = trace_dup(sc, buf);
  }
  return ASSAY_OK;
}

static int where_ok(assay_scanner *sc, const eng_rule *rule,
                    const eng_match *m, int *keep);

static int on_pattern(void *ud, const assay_pattern_match *pm) {
  assay_scanner *sc = ud;
  eng_match *m = new_match(sc, pm->ncaptures);
  if (!m) return ASSAY_ENOMEM;
  m->first = pm->first;
  m->last = pm->last;
  token_span(sc->doc, pm->first, pm->last, &m->start, &m->end);
  for (int i = 0; i < pm->ncaptures; i++) {
    eng_cap *c = &sc->caps[m->cap + (size_t)i];
    int32_t f = pm->captures[2 * i], l = pm->captures[2 * i + 1];
    if (f < 0 || l < 0) continue;
    c->set = 1;
    c->first = (uint32_t)f;
    c->last = (uint32_t)l;
    token_span(sc->doc, c->first, c->last, &c->start, &c->end);
    c->ann = pm->capture_ann ? pm->capture_ann[i] : 0;
  }
  if (sc->trace && pm->trace) m->trace = trace_dup(sc, pm->trace);
  /* With `retry`, a pattern rule's `where` runs during the scan: when it
   * says no, the scan tries the next start instead of skipping the match
   * (without it, a rejected match still hides what it covers, which rules
   * use to say "not in this context"). */
  if (sc->rule->has_where && sc->rule->retry) {
    int keep = 0;
    int st = where_ok(sc, sc->rule, m, &keep);
    if (st) return st;
    if (!keep) {
      if (m->trace) mem_free(&sc->rules->alloc, m->trace, strlen(m->trace) + 1);
      sc->ncaps -= (size_t)m->ncap;
      sc->nmatches--;
      return PAT_REJECT;
    }
    m->checked = 1;
  }
  return ASSAY_OK;
}

static int collect_annotations(assay_scanner *sc, const char *layer) {
  doc_layer *ly = doc_layer_find(sc->doc, layer);
  if (!ly) return ASSAY_OK;
  size_t n;
  assay_annotation *const *items = doc_layer_items(ly, &n);
  for (size_t i = 0; i < n; i++) {
    if (items[i]->dead) continue;
    eng_match *m = new_match(sc, 0);
    if (!m) return ASSAY_ENOMEM;
    m->start = items[i]->start;
    m->end = items[i]->end;
    m->first = items[i]->tfirst;
    m->last = items[i]->tlast;
    m->ann = items[i]->id;
  }
  return ASSAY_OK;
}

/* Hashes the document's tokens once for all its lexicon rules: their
 * lower forms for the folding lexicons (the pack's usual kind), their
 * texts for the others, each at its first need (lex_ready: bit 1 the
 * lower forms', bit 2 the texts'). */
static int lex_hashes(assay_scanner *sc, const assay_doc *doc, int fold) {
  size_t n = doc->toks.ntokens;
  const assay_allocator *a = &sc->rules->alloc;
  int bit = fold ? 1 : 2;
  if (sc->lex_ready & bit) return 0;
  uint32_t **arr = fold ? &sc->lex_lower : &sc->lex_text;
  size_t *cap = fold ? &sc->lex_lower_cap : &sc->lex_text_cap;
  if (mem_grow(a, (void **)arr, cap, n, sizeof(uint32_t))) return -1;
  lex_hash_tokens(doc->toks.tokens, n, doc->text, fold ? *arr : NULL,
                  fold ? NULL : *arr);
  sc->lex_ready |= bit;
  return 0;
}

static int collect(assay_scanner *sc, const eng_rule *rule) {
  const assay_rules *r = sc->rules;
  assay_doc *doc = sc->doc;
  assay_error err;
  pat_err_reset(&err);
  int st = ASSAY_OK;
  switch (rule->match_kind) {
  case ENG_MATCH_LEXICON: {
    int fold = lex_folds(r->lexicons[rule->matcher]);
    if (lex_hashes(sc, doc, fold))
      return scan_error(sc, ASSAY_ENOMEM, "out of memory");
    st = lex_scan_hashed(r->lexicons[rule->matcher], doc->toks.tokens,
                         doc->toks.ntokens, doc->text,
                         fold ? sc->lex_lower : NULL,
                         fold ? NULL : sc->lex_text, on_lexicon, sc);
    break;
  }
  case ENG_MATCH_REGEX:
    st = assay_regex_scan(r->regexes[rule->matcher], doc->text, doc->len,
                          doc->toks.tokens, doc->toks.ntokens,
                          &sc->limits.regex, on_regex, sc, &err);
    break;
  case ENG_MATCH_TOKENS:
    if (!sc->index_ready || !pat_index_covers(sc->index, doc)) {
      if (!sc->index && (sc->index = pat_index_new(&r->alloc)) &&
          (pat_index_memo_init(sc->index, r->nmemo) ||
           pat_index_keys_init(sc->index, r->nkeys))) {
        pat_index_free(sc->index);
        sc->index = NULL;
      }
      if (!sc->index || pat_index_build(sc->index, doc))
        return scan_error(sc, ASSAY_ENOMEM, "out of memory");
      sc->index_ready = 1;
    }
    st = pat_scan_indexed(r->patterns[rule->matcher], doc, sc->index,
                          sc->trace ? PAT_TRACE : 0, on_pattern, sc, &err);
    break;
  case ENG_MATCH_ANNOTATIONS:
    st = collect_annotations(sc, rule->match_layer);
    break;
  default:
    break;
  }
  if (st == ASSAY_STOP) st = ASSAY_OK;
  /* A where function that failed during the scan has said why already. */
  if ((st == ASSAY_ERULE || st == ASSAY_ELIMIT) && sc->errmsg[0]) return st;
  if (st == ASSAY_ELIMIT)
    return scan_error(sc, st, "rule %s (%s:%d): %s", rule->name, rule->file,
                      rule->line, err.message[0] ? err.message : "limit hit");
  if (st != ASSAY_OK)
    return scan_error(sc, st, "rule %s (%s:%d): %s", rule->name, rule->file,
                      rule->line,
                      err.message[0] ? err.message : assay_status_name(st));
  return ASSAY_OK;
}

/* ---- emitting --------------------------------------------------------- */

static int check_annotation_limit(assay_scanner *sc) {
  if (sc->doc->nanns >= sc->limits.max_annotations)
    return scan_error(sc, ASSAY_ELIMIT,
                      "rule %s: annotation limit (%zu) exceeded",
                      sc->rule->name, sc->limits.max_annotations);
  return ASSAY_OK;
}

static void set_span_value(assay_value *v, const assay_doc *doc,
                           uint32_t start, uint32_t end, uint32_t ref) {
  memset(v, 0, sizeof *v);
  v->type = ASSAY_VALUE_SPAN;
  v->start = start;
  v->end = end;
  v->ref = ref;
  v->str = doc->text + start;
  v->len = end - start;
}

static int set_string(assay_annotation *a, const char *key, const char *s) {
  return s ? assay_annotation_set_string(a, key, s) : ASSAY_OK;
}

/* Static emit: one annotation per match, no Lua. */
static int emit_static(assay_scanner *sc, const eng_rule *rule,
                       const eng_match *m) {
  int st = check_annotation_limit(sc);
  if (st) return st;
  uint32_t start = m->start, end = m->end;
  if (rule->span_capture >= 0 && rule->span_capture < m->ncap) {
    const eng_cap *c = &sc->caps[m->cap + (size_t)rule->span_capture];
    if (!c->set) return ASSAY_OK;
    start = c->start;
    end = c->end;
  }
  assay_annotation *a = NULL;
  st = assay_doc_annotate(sc->doc, rule->layer, start, end, rule->name,
                          rule->priority, &a);
  if (st) return scan_error(sc, st, "rule %s: %s", rule->name,
                            assay_doc_errmsg(sc->doc));
  const assay_lexicon *lx = NULL;
  if (rule->match_kind == ENG_MATCH_LEXICON) {
    lx = sc->rules->lexicons[rule->matcher];
    set_string(a, "kind", m->kind);
    set_string(a, "norm", m->norm);
    if (m->name && m->norm && strcmp(m->name, m->norm) != 0)
      set_string(a, "canonical", m->name);
    size_t na = assay_lexicon_entry_attr_count(lx, m->entry);
    for (size_t i = 0; i < na; i++) {
      const char *val;
      const char *key = assay_lexicon_entry_attr_at(lx, m->entry, i, &val);
      set_string(a, key, val);
    }
  }
  for (size_t i = 0; i < rule->nfields; i++) {
    const eng_field *f = &rule->fields[i];
    assay_value v;
    memset(&v, 0, sizeof v);
    switch (f->kind) {
    case ENG_FIELD_STRING:
      st = assay_annotation_set_string(a, f->key, f->str);
      break;
    case ENG_FIELD_NUMBER:
    case ENG_FIELD_BOOL:
      v.type = f->kind == ENG_FIELD_NUMBER ? ASSAY_VALUE_NUMBER
                                           : ASSAY_VALUE_BOOL;
      v.num = f->num;
      st = assay_annotation_set(a, f->key, &v);
      break;
    case ENG_FIELD_TEXT:
      v.type = ASSAY_VALUE_STRING;
      v.str = sc->doc->text + m->start;
      v.len = m->end - m->start;
      st = assay_annotation_set(a, f->key, &v);
      break;
    case ENG_FIELD_ENTRY: {
      const char *s = NULL;
      if (!strcmp(f->str, "kind")) s = m->kind;
      else if (!strcmp(f->str, "norm")) s = m->norm;
      else if (!strcmp(f->str, "name")) s = m->name;
      else
        s = assay_lexicon_entry_attr(lx, m->entry, f->str + 5);
      st = set_string(a, f->key, s);
      break;
    }
    case ENG_FIELD_CAPTURE:
      if (f->index >= 0 && f->index < m->ncap) {
        const eng_cap *c = &sc->caps[m->cap + (size_t)f->index];
        if (!c->set) break;
        set_span_value(&v, sc->doc, c->start, c->end, c->ann);
        st = assay_annotation_set(a, f->key, &v);
      }
      break;
    }
    if (st) return scan_error(sc, st, "rule %s: cannot set %s", rule->name,
                              f->key);
  }
  if (m->trace) st = assay_annotation_set_string(a, "trace", m->trace);
  return st;
}

/* [-0, +1] Pushes a span table {start, stop, text [, first, last, ann]}. */
static void push_span(lua_State *L, const assay_doc *doc, uint32_t start,
                      uint32_t end, int nkeys) {
  lua_createtable(L, 0, nkeys);
  lua_pushinteger(L, start);
  lua_setfield(L, -2, "start");
  lua_pushinteger(L, end);
  lua_setfield(L, -2, "stop");
  lua_pushlstring(L, doc->text + start, end - start);
  lua_setfield(L, -2, "text");
}

/* [-0, +1] Pushes the match table given to where and emit functions. */
static void push_match(assay_scanner *sc, const eng_rule *rule,
                       const eng_match *m) {
  lua_State *L = sc->L;
  const assay_rules *r = sc->rules;
  /* Lua token numbers are 1-based and inclusive (docs/lua-api.md).  The
   * table is made with room for all its keys: growing it rehashes it. */
  push_span(L, sc->doc, m->start, m->end,
            6 + m->ncap + (m->ann ? 1 : 0) +
                (rule->match_kind == ENG_MATCH_LEXICON ? 4 : 0));
  lua_pushinteger(L, (lua_Integer)m->first + 1);
  lua_setfield(L, -2, "first");
  lua_pushinteger(L, m->last);
  lua_setfield(L, -2, "last");
  lua_pushstring(L, rule->name);
  lua_setfield(L, -2, "rule");
  if (rule->match_kind == ENG_MATCH_LEXICON && m->entry >= 0) {
    const assay_lexicon *lx = r->lexicons[rule->matcher];
    lua_pushstring(L, m->kind);
    lua_setfield(L, -2, "kind");
    lua_pushstring(L, m->norm);
    lua_setfield(L, -2, "norm");
    lua_pushstring(L, m->name);
    lua_setfield(L, -2, "name");
    size_t na = assay_lexicon_entry_attr_count(lx, m->entry);
    lua_createtable(L, 0, (int)na);
    for (size_t i = 0; i < na; i++) {
      const char *val;
      const char *key = assay_lexicon_entry_attr_at(lx, m->entry, i, &val);
      lua_pushstring(L, val);
      lua_setfield(L, -2, key);
    }
    lua_setfield(L, -2, "attrs");
  }
  if (m->ann) {
    lassay_pushannotation(L, assay_doc_annotation(sc->doc, m->ann));
    lua_setfield(L, -2, "ann");
  }
  for (int i = 0; i < m->ncap; i++) {
    const eng_cap *c = &sc->caps[m->cap + (size_t)i];
    if (!c->set) continue;
    const char *name = NULL;
    if (rule->match_kind == ENG_MATCH_TOKENS)
      name = assay_pattern_capture_name(r->patterns[rule->matcher], i);
    else if (rule->match_kind == ENG_MATCH_REGEX && i > 0)
      name = assay_regex_group_name(r->regexes[rule->matcher], i);
    push_span(L, sc->doc, c->start, c->end, 7);
    if (rule->match_kind == ENG_MATCH_TOKENS) {
      lua_pushinteger(L, (lua_Integer)c->first + 1);
      lua_setfield(L, -2, "first");
      lua_pushinteger(L, c->last);
      lua_setfield(L, -2, "last");
    }
    if (c->ann) {
      lua_pushinteger(L, c->ann);
      lua_setfield(L, -2, "ann");
      const assay_annotation *an = assay_doc_annotation(sc->doc, c->ann);
      if (an) {
        lua_pushstring(L, assay_annotation_layer(an));
        lua_setfield(L, -2, "layer");
      }
    }
    if (name) {
      lua_pushvalue(L, -1);
      lua_setfield(L, -3, name);
    }
    if (rule->match_kind == ENG_MATCH_REGEX) lua_seti(L, -2, i);
    else lua_pop(L, 1);
  }
}

/* Runs fns[rule].field(args...) under the limits; results left on the
 * stack.  Returns ASSAY_OK, ASSAY_ERULE or ASSAY_ELIMIT. */
static int call_rule_fn(assay_scanner *sc, const eng_rule *rule, int nargs,
                        int nres) {
  lua_State *L = sc->L;
  sc->mem_limited = 1;
  lua_sethook(L, scan_hook, LUA_MASKCOUNT, HOOK_EVERY);
  if (sc->sampler) sample_enter(sc->sampler, L);
  int st = lua_pcall(L, nargs, nres, 0);
  if (sc->sampler) sample_leave(sc->sampler);
  lua_sethook(L, NULL, 0, 0);
  sc->mem_limited = 0;
  if (st == LUA_OK) return ASSAY_OK;
  const char *msg = lua_tostring(L, -1);
  int status = ASSAY_ERULE;
  char buf[768];
  if (sc->instr_exceeded) {
    status = ASSAY_ELIMIT;
    snprintf(buf, sizeof buf, "instruction limit (%llu) exceeded",
             (unsigned long long)sc->limits.instructions);
  } else if (st == LUA_ERRMEM || sc->mem_refused) {
    status = ASSAY_ELIMIT;
    snprintf(buf, sizeof buf, "memory limit (%zu bytes) exceeded",
             sc->limits.memory);
  } else {
    snprintf(buf, sizeof buf, "%s", msg ? msg : "error object is not a string");
  }
  lua_pop(L, 1);
  return scan_error(sc, status, "rule %s (%s:%d): %s", rule->name, rule->file,
                    rule->line, buf);
}

/* [-0, +1] Pushes fns[rule index][field]. */
static void push_fn(assay_scanner *sc, const eng_rule *rule,
                    const char *field) {
  lua_State *L = sc->L;
  lua_rawgeti(L, LUA_REGISTRYINDEX, sc->fns_ref);
  lua_rawgeti(L, -1, (lua_Integer)(rule - sc->rules->rules) + 1);
  lua_getfield(L, -1, field);
  lua_replace(L, -3);
  lua_pop(L, 1);
}

static int lua_value(assay_scanner *sc, int idx, const char *key,
                     assay_value *v) {
  lua_State *L = sc->L;
  idx = lua_absindex(L, idx);
  memset(v, 0, sizeof *v);
  switch (lua_type(L, idx)) {
  case LUA_TSTRING:
    v->type = ASSAY_VALUE_STRING;
    v->str = lua_tolstring(L, idx, &v->len);
    return 0;
  case LUA_TNUMBER:
    v->type = ASSAY_VALUE_NUMBER;
    v->num = lua_tonumber(L, idx);
    return 0;
  case LUA_TBOOLEAN:
    v->type = ASSAY_VALUE_BOOL;
    v->num = lua_toboolean(L, idx);
    return 0;
  case LUA_TTABLE: {
    lua_getfield(L, idx, "start");
    lua_getfield(L, idx, "stop");
    int has_span = lua_isinteger(L, -2) && lua_isinteger(L, -1);
    lua_Integer s = lua_tointeger(L, -2), e = lua_tointeger(L, -1);
    lua_pop(L, 2);
    if (has_span) {
      if (s < 0 || e < s || (size_t)e > sc->doc->len)
        return scan_error(sc, ASSAY_ERULE,
                          "rule %s: %s has a span outside the text",
                          sc->rule->name, key);
      lua_getfield(L, idx, "ann");
      uint32_t ref = (uint32_t)lua_tointeger(L, -1);
      lua_pop(L, 1);
      if (!ref) {
        lua_getfield(L, idx, "layer");
        int is_ann = lua_type(L, -1) == LUA_TSTRING;
        lua_pop(L, 1);
        if (is_ann) {
          lua_getfield(L, idx, "id");
          ref = (uint32_t)lua_tointeger(L, -1);
          lua_pop(L, 1);
        }
      }
      set_span_value(v, sc->doc, (uint32_t)s, (uint32_t)e, ref);
      return 0;
    }
    lua_getfield(L, idx, "text");
    if (lua_type(L, -1) == LUA_TSTRING) {
      v->type = ASSAY_VALUE_SPAN;
      v->start = v->end = UINT32_MAX;
      v->str = lua_tolstring(L, -1, &v->len);
      lua_pop(L, 1); /* the string stays anchored in the table */
      return 0;
    }
    lua_pop(L, 1);
    break;
  }
  default:
    break;
  }
  return scan_error(sc, ASSAY_ERULE,
                    "rule %s: attribute %s: cannot store a %s (strings, "
                    "numbers, booleans and spans)",
                    sc->rule->name, key, luaL_typename(L, idx));
}

static int cmp_key(const void *x, const void *y) {
  return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Adds the annotation described by the table at the top of the stack. */
static int emit_table(assay_scanner *sc, const eng_rule *rule,
                      const eng_match *m) {
  lua_State *L = sc->L;
  int t = lua_gettop(L);
  int st = check_annotation_limit(sc);
  if (st) return st;
  /* The layer stays on the stack (emit_result resets it): a number made a
   * string there is held by nothing else. */
  lua_getfield(L, t, "layer");
  const char *layer = lua_tostring(L, -1);
  if (!layer)
    return scan_error(sc, ASSAY_ERULE,
                      "rule %s (%s:%d): emit returned a table without layer",
                      rule->name, rule->file, rule->line);
  lua_Integer start = m ? m->start : 0, end = m ? m->end : 0;
  int priority = rule->priority;
  lua_getfield(L, t, "start");
  if (lua_isinteger(L, -1)) start = lua_tointeger(L, -1);
  lua_getfield(L, t, "stop");
  if (lua_isinteger(L, -1)) end = lua_tointeger(L, -1);
  lua_getfield(L, t, "priority");
  if (lua_isinteger(L, -1)) priority = (int)lua_tointeger(L, -1);
  lua_pop(L, 3);
  if (start < 0 || end < start || (size_t)end > sc->doc->len)
    return scan_error(sc, ASSAY_ERULE,
                      "rule %s (%s:%d): emit span %lld..%lld is outside the "
                      "text",
                      rule->name, rule->file, rule->line, (long long)start,
                      (long long)end);
  assay_annotation *a = NULL;
  st = assay_doc_annotate(sc->doc, layer, (uint32_t)start, (uint32_t)end,
                          rule->name, priority, &a);
  if (st) return scan_error(sc, st, "rule %s: %s", rule->name,
                            assay_doc_errmsg(sc->doc));
  const char *keys[128];
  size_t nk = 0;
  lassay_annotation_whole(L, t);
  lua_pushnil(L);
  while (lua_next(L, t)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING) continue;
    const char *k = lua_tostring(L, -1);
    if (!strcmp(k, "layer") || !strcmp(k, "start") || !strcmp(k, "stop") ||
        !strcmp(k, "priority"))
      continue;
    if (nk < sizeof keys / sizeof *keys) keys[nk++] = k;
  }
  qsort(keys, nk, sizeof *keys, cmp_key);
  for (size_t i = 0; i < nk; i++) {
    lua_getfield(L, t, keys[i]);
    assay_value v;
    st = lua_value(sc, -1, keys[i], &v);
    if (!st) st = assay_annotation_set(a, keys[i], &v);
    lua_pop(L, 1);
    if (st) return st < 0 && !sc->errmsg[0] ? scan_error(sc, st, "set") : st;
  }
  if (m && m->trace) st = assay_annotation_set_string(a, "trace", m->trace);
  return st;
}

/* Emits what an emit function returned: a table, a list of tables, nil. */
static int emit_result(assay_scanner *sc, const eng_rule *rule,
                       const eng_match *m) {
  lua_State *L = sc->L;
  int t = lua_gettop(L);
  int st = ASSAY_OK;
  if (lua_istable(L, t)) {
    lua_getfield(L, t, "layer");
    int single = !lua_isnil(L, -1);
    lua_pop(L, 1);
    if (single) {
      st = emit_table(sc, rule, m);
    } else {
      lua_Integer n = luaL_len(L, t);
      for (lua_Integer i = 1; i <= n && !st; i++) {
        lua_geti(L, t, i);
        if (lua_istable(L, -1)) st = emit_table(sc, rule, m);
        lua_settop(L, t);
      }
    }
  } else if (!lua_isnil(L, t) && !(lua_isboolean(L, t) && !lua_toboolean(L, t))) {
    st = scan_error(sc, ASSAY_ERULE,
                    "rule %s (%s:%d): emit must return a table, a list of "
                    "tables or nil, not a %s",
                    rule->name, rule->file, rule->line, luaL_typename(L, t));
  }
  lua_settop(L, t - 1);
  return st;
}

/* Runs the rule's where(m, doc); *keep receives its verdict. */
static int where_ok(assay_scanner *sc, const eng_rule *rule,
                    const eng_match *m, int *keep) {
  lua_State *L = sc->L;
  push_match(sc, rule, m);
  int mi = lua_gettop(L);
  push_fn(sc, rule, "where");
  lua_pushvalue(L, mi);
  lua_rawgeti(L, LUA_REGISTRYINDEX, sc->doc_ref);
  int st = call_rule_fn(sc, rule, 2, 1);
  if (!st) *keep = lua_toboolean(L, -1);
  lua_settop(L, mi - 1);
  return st;
}

static int process_match(assay_scanner *sc, const eng_rule *rule,
                         const eng_match *m) {
  lua_State *L = sc->L;
  int st;
  int need_where = rule->has_where && !m->checked;
  if (!need_where && !rule->has_emit_fn) return emit_static(sc, rule, m);
  push_match(sc, rule, m);
  int mi = lua_gettop(L);
  if (need_where) {
    push_fn(sc, rule, "where");
    lua_pushvalue(L, mi);
    lua_rawgeti(L, LUA_REGISTRYINDEX, sc->doc_ref);
    if ((st = call_rule_fn(sc, rule, 2, 1))) {
      lua_settop(L, mi - 1);
      return st;
    }
    int keep = lua_toboolean(L, -1);
    lua_settop(L, mi);
    if (!keep) {
      lua_settop(L, mi - 1);
      return ASSAY_OK;
    }
  }
  if (!rule->has_emit_fn) {
    lua_settop(L, mi - 1);
    return emit_static(sc, rule, m);
  }
  push_fn(sc, rule, "emit");
  lua_pushvalue(L, mi);
  lua_rawgeti(L, LUA_REGISTRYINDEX, sc->doc_ref);
  if ((st = call_rule_fn(sc, rule, 2, 1))) {
    lua_settop(L, mi - 1);
    return st;
  }
  st = emit_result(sc, rule, m);
  lua_settop(L, mi - 1);
  return st;
}

static int run_rule(assay_scanner *sc, const eng_rule *rule) {
  sc->rule = rule;
  if (rule->has_run) {
    push_fn(sc, rule, "run");
    lua_rawgeti(sc->L, LUA_REGISTRYINDEX, sc->doc_ref);
    int st = call_rule_fn(sc, rule, 1, 1);
    if (st) return st;
    /* A run function may also return annotations to add. */
    return emit_result(sc, rule, NULL);
  }
  clear_matches(sc);
  uint64_t t0 = sc->prof ? now_ns() : 0;
  int st = collect(sc, rule);
  if (sc->prof) {
    eng_profile_row *row = &sc->prof[rule - sc->rules->rules];
    row->match_ns += now_ns() - t0;
    row->matches += sc->nmatches;
  }
  for (size_t i = 0; i < sc->nmatches && !st; i++)
    st = process_match(sc, rule, &sc->matches[i]);
  clear_matches(sc);
  return st;
}

static int run_rule_timed(assay_scanner *sc, const eng_rule *rule) {
  if (!sc->prof) return run_rule(sc, rule);
  uint64_t t0 = now_ns();
  int st = run_rule(sc, rule);
  sc->prof[rule - sc->rules->rules].ns += now_ns() - t0;
  return st;
}

int eng_scan(assay_scanner *sc, assay_doc *doc, int trace,
             int stop_after_stage) {
  const assay_rules *r = sc->rules;
  sc->errmsg[0] = '\0';
  if (doc->len > sc->limits.max_doc_bytes)
    return scan_error(sc, ASSAY_ELIMIT,
                      "document size limit (%zu bytes) exceeded: %zu bytes",
                      sc->limits.max_doc_bytes, doc->len);
  uint64_t t0 = sc->prof ? now_ns() : 0;
  int st = assay_doc_tokenize(doc, r->tz);
  if (sc->prof) sc->prof[r->nrules].ns += now_ns() - t0;
  if (st) return scan_error(sc, st, "tokenizer: %s", assay_doc_errmsg(doc));
  for (size_t i = 0; i < r->nlayers; i++)
    assay_doc_set_layer_policy(doc, r->layers[i].name, r->layers[i].policy);
  lua_State *L = sc->L;
  sc->doc = doc;
  sc->index_ready = 0; /* another document, maybe at the same address */
  sc->lex_ready = 0;
  sc->trace = trace;
  sc->instr = 0;
  sc->instr_exceeded = 0;
  sc->mem_refused = 0;
  sc->mem_base = sc->mem_used;
  lassay_pushdoc(L, doc);
  lassay_doc *doc_ud = lua_touserdata(L, -1);
  sc->doc_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  if (sc->sampler)
    st = sample_begin(sc->sampler, sc->errmsg, sizeof sc->errmsg);
  for (size_t s = 0; s < r->nstages && !st; s++) {
    if (stop_after_stage >= 0 && (int)s > stop_after_stage) break;
    for (size_t i = 0; i < r->nrules && !st; i++)
      if (r->rules[i].stage == (int)s) st = run_rule_timed(sc, &r->rules[i]);
    if (!st) st = assay_doc_resolve_overlaps(doc);
  }
  if (sc->sampler) sample_end(sc->sampler);
  luaL_unref(L, LUA_REGISTRYINDEX, sc->doc_ref);
  sc->doc_ref = LUA_NOREF;
  sc->doc = NULL;
  lua_settop(L, 0);
  /* The document goes back to its owner now, not when the collector gets
   * to its userdata: a rule that kept it finds it "already freed". */
  assay_doc_free(doc_ud->doc);
  doc_ud->doc = NULL;
  /* Lua's incremental collector keeps the garbage of earlier documents
   * within its pause (twice the live heap); a full collection per document
   * cost 7-13% of a pack's time.  The memory limit counts from the heap at
   * the start of a document, garbage included, so garbage never makes a
   * document fail. */
  t0 = sc->prof ? now_ns() : 0;
  if (sc->mem_used > sc->mem_idle * 4 + GC_SLACK) lua_gc(L, LUA_GCCOLLECT);
  if (sc->prof) sc->prof[r->nrules + 1].ns += now_ns() - t0;
  if (st && !sc->errmsg[0]) scan_error(sc, st, "%s", assay_status_name(st));
  return st;
}

int assay_scanner_scan(assay_scanner *sc, assay_doc *doc,
                       int (*fn)(void *, const assay_annotation *),
                       void *ud) {
  if (!sc || !doc) return ASSAY_EMISUSE;
  int st = eng_scan(sc, doc, 0, -1);
  if (st || !fn) return st;
  assay_ann_iter *it = NULL;
  if ((st = assay_ann_iter_new(doc, NULL, &it))) return st;
  const assay_annotation *a;
  while ((a = assay_ann_iter_next(it)))
    if (fn(ud, a) == ASSAY_STOP) break;
  assay_ann_iter_free(it);
  return ASSAY_OK;
}

/* ---- explain ------------------------------------------------------------ */

static const char *match_kind_name(int k) {
  switch (k) {
  case ENG_MATCH_LEXICON: return "lexicon";
  case ENG_MATCH_REGEX: return "regex";
  case ENG_MATCH_TOKENS: return "token pattern";
  case ENG_MATCH_ANNOTATIONS: return "annotations";
  default: return "document function";
  }
}

/* Runs the rules before `idx` (earlier stages, and earlier rules of its
 * stage) so that the layers it matches on exist. */
static int run_before(assay_scanner *sc, assay_doc *doc, int idx) {
  const assay_rules *r = sc->rules;
  const eng_rule *target = &r->rules[idx];
  int st = ASSAY_OK;
  for (int s = 0; s <= target->stage && !st; s++) {
    for (int i = 0; i < (int)r->nrules && !st; i++) {
      if (r->rules[i].stage != s) continue;
      if (s == target->stage && i >= idx) break;
      st = run_rule(sc, &r->rules[i]);
    }
    if (!st && s < target->stage) st = assay_doc_resolve_overlaps(doc);
  }
  return st;
}

static void describe_match(assay_scanner *sc, strbuf *b, const eng_rule *rule,
                           const eng_match *m, size_t i) {
  const assay_doc *doc = sc->doc;
  /* Token numbers here are 0-based and inclusive, as in pattern traces. */
  sb_printf(b, "match %zu: bytes %u-%u, tokens %u-%u: \"%.*s\"\n", i + 1,
            m->start, m->end, m->first, m->last ? m->last - 1 : 0,
            (int)(m->end - m->start),
            doc->text + m->start);
  if (m->trace) sb_printf(b, "  steps: %s\n", m->trace);
  if (m->entry >= 0)
    sb_printf(b, "  lexicon entry: %s (kind %s, norm %s)\n",
              m->name ? m->name : "?", m->kind ? m->kind : "-",
              m->norm ? m->norm : "-");
  for (int c = 0; c < m->ncap; c++) {
    const eng_cap *cp = &sc->caps[m->cap + (size_t)c];
    const char *name = NULL;
    if (rule->match_kind == ENG_MATCH_TOKENS)
      name = assay_pattern_capture_name(sc->rules->patterns[rule->matcher], c);
    else if (rule->match_kind == ENG_MATCH_REGEX)
      name = c ? assay_regex_group_name(sc->rules->regexes[rule->matcher], c)
               : NULL;
    if (rule->match_kind == ENG_MATCH_REGEX && c == 0) continue;
    if (!cp->set) {
      sb_printf(b, "  capture %s: not set\n", name ? name : "?");
      continue;
    }
    sb_printf(b, "  capture %s: \"%.*s\"", name ? name : "?",
              (int)(cp->end - cp->start), doc->text + cp->start);
    if (cp->ann) sb_printf(b, " (annotation %u)", cp->ann);
    sb_printf(b, "\n");
  }
}

char *eng_explain(assay_scanner *sc, assay_doc *doc, int idx) {
  const assay_rules *r = sc->rules;
  strbuf b = {NULL, 0, 0};
  if (idx < 0 || (size_t)idx >= r->nrules) return NULL;
  const eng_rule *rule = &r->rules[idx];
  sc->errmsg[0] = '\0';
  if (assay_doc_tokenize(doc, r->tz)) return NULL;
  for (size_t i = 0; i < r->nlayers; i++)
    assay_doc_set_layer_policy(doc, r->layers[i].name, r->layers[i].policy);
  lua_State *L = sc->L;
  sc->doc = doc;
  sc->index_ready = 0; /* another document, maybe at the same address */
  sc->lex_ready = 0;
  sc->trace = 1;
  sc->instr = 0;
  sc->instr_exceeded = 0;
  sc->mem_base = sc->mem_used;
  lassay_pushdoc(L, doc);
  sc->doc_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  sb_printf(&b, "rule %s (%s:%d), stage %s, %s\n", rule->name, rule->file,
            rule->line, r->stages[rule->stage], match_kind_name(rule->match_kind));
  int st = run_before(sc, doc, idx);
  if (st) {
    sb_printf(&b, "an earlier rule failed: %s\n", sc->errmsg);
  } else if (rule->has_run) {
    size_t before = doc->nanns;
    st = run_rule(sc, rule);
    if (st) sb_printf(&b, "error: %s\n", sc->errmsg);
    else sb_printf(&b, "the function added %zu annotations\n", doc->nanns - before);
  } else {
    sc->rule = rule;
    clear_matches(sc);
    st = collect(sc, rule);
    if (st) sb_printf(&b, "error: %s\n", sc->errmsg);
    if (!st && sc->nmatches == 0) {
      if (rule->match_kind == ENG_MATCH_TOKENS) {
        char why[2048];
        pat_explain(r->patterns[rule->matcher], doc, why, sizeof why);
        sb_printf(&b, "%s\n", why);
      } else if (rule->match_kind == ENG_MATCH_LEXICON) {
        sb_printf(&b, "no match: no phrase of lexicon %s occurs in the text\n",
                  r->lexicon_names[rule->matcher]);
      } else if (rule->match_kind == ENG_MATCH_ANNOTATIONS) {
        sb_printf(&b, "no match: no annotation of layer %s\n", rule->match_layer);
      } else {
        sb_printf(&b, "no match: the regex does not match the text%s\n",
                  "");
      }
    }
    size_t n = sc->nmatches;
    for (size_t i = 0; i < n && !st; i++) {
      const eng_match *m = &sc->matches[i];
      describe_match(sc, &b, rule, m, i);
      size_t before = doc->nanns;
      st = process_match(sc, rule, m);
      if (st) sb_printf(&b, "  error: %s\n", sc->errmsg);
      else if (doc->nanns == before)
        sb_printf(&b, "  %s\n", rule->has_where ? "rejected by where (it returned false)"
                                               : "emitted nothing");
      else
        for (size_t k = before; k < doc->nanns; k++) {
          const assay_annotation *a = doc->anns[k];
          sb_printf(&b, "  emitted %s annotation %u: \"%.*s\"\n",
                    assay_annotation_layer(a), a->id, (int)(a->end - a->start),
                    doc->text + a->start);
        }
    }
    clear_matches(sc);
  }
  luaL_unref(L, LUA_REGISTRYINDEX, sc->doc_ref);
  sc->doc_ref = LUA_NOREF;
  sc->doc = NULL;
  lua_settop(L, 0);
  return b.s;
}
