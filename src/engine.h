/*
 * engine.h -- the rule engine's internal face: the compiled rule pack
 * (assay_rules: matchers and static emits, immutable, shared by threads)
 * and what the compiler and the scanners share.
 */
#ifndef ASSAY_ENGINE_H
#define ASSAY_ENGINE_H

#include <lua.h>
#include <stddef.h>
#include <stdint.h>

#include "assay.h"
#include "cache.h"
#include "mem.h"

typedef enum eng_match_kind {
  ENG_MATCH_NONE = 0,   /* a document rule: run(doc) */
  ENG_MATCH_LEXICON,
  ENG_MATCH_REGEX,
  ENG_MATCH_TOKENS,
  ENG_MATCH_ANNOTATIONS /* each live annotation of a layer */
} eng_match_kind;

/* One field of a static emit table. */
typedef enum eng_field_kind {
  ENG_FIELD_STRING,  /* a literal string */
  ENG_FIELD_NUMBER,
  ENG_FIELD_BOOL,
  ENG_FIELD_CAPTURE, /* "$name": the span of a capture or group */
  ENG_FIELD_ENTRY,   /* "$kind", "$norm", "$name", "$attr.key": lexicon */
  ENG_FIELD_TEXT     /* "$text": the matched text */
} eng_field_kind;

typedef struct eng_field {
  char *key;
  int kind;   /* eng_field_kind */
  char *str;  /* STRING value, CAPTURE/ENTRY name */
  double num; /* NUMBER, BOOL */
  int index;  /* CAPTURE: capture/group index, -1 if unknown */
} eng_field;

typedef struct eng_rule {
  char *name;
  char *file;
  int line;
  int stage;
  int match_kind;     /* eng_match_kind */
  int matcher;        /* index into lexicons/regexes/patterns */
  char *match_layer;  /* ANNOTATIONS: the layer */
  char *layer;        /* static emit: the layer; NULL for emit functions */
  int priority;
  int has_where, has_emit_fn, has_run;
  int retry;          /* where says no: look again from the next token */
  eng_field *fields;  /* static emit fields (not layer/span/priority) */
  size_t nfields, fields_cap;
  int span_capture;   /* static emit `span = "$cap"`: index, or -1 */
  char *span_capture_name;
} eng_rule;

typedef struct eng_layer {
  char *name;
  int policy;
  int hidden; /* a working layer, not written unless asked for */
} eng_layer;

/* A pack file's chunk as Lua bytecode (string.dump), from the compiler's
 * run, so that scanners load it instead of parsing the source again. */
typedef struct eng_chunk {
  char *file;
  char *code;
  size_t len;
} eng_chunk;

struct assay_rules {
  assay_allocator alloc;
  unsigned flags;
  char *pack_name, *pack_version, *pack_label; /* label: "news 0.1" */
  char *path;                                  /* absolute path of the pack */
  char *source;                                /* pack text when loaded from a string */
  assay_tokenizer *tz;
  assay_lexicon **lexicons;
  char **lexicon_names;
  size_t nlexicons;
  assay_regex **regexes;
  size_t nregexes;
  assay_pattern **patterns;
  size_t npatterns;
  eng_rule *rules;
  size_t nrules;
  char **stages;
  size_t nstages;
  eng_layer *layers;
  size_t nlayers;
  int nmemo; /* distinct first atoms of the patterns (pat_assign_memo_ids) */
  uint32_t nkeys; /* distinct lower forms of their keys (pat_assign_key_ids) */
  eng_chunk *chunks; /* the pack's files, compiled */
  size_t nchunks, chunks_cap;
  eng_chunk language; /* lua/assay/rulepack.lua, compiled (file NULL) */
  /* compile cache files the compile read back and wrote (--profile) */
  unsigned cache_reused, cache_made;
  /* capacities of the arrays above, for the allocator's free */
  size_t lexicons_cap, names_cap, regexes_cap, patterns_cap, rules_cap,
      stages_cap, layers_cap;
};

/* Loads the embedded rule-pack language (lua/assay/rulepack.lua) into L and
 * runs r's pack (r->path, r->source; ASSAY_UNSAFE in r->flags lifts the
 * sandbox): pushes the declarations table.  The pack's files come from
 * r->chunks when it has them; otherwise they are read and parsed, and when
 * keep is not NULL their bytecode goes to keep->chunks; with cache_dir
 * (may be NULL) it is looked for and kept in the compile cache.  On error pushes
 * nothing and returns the Lua status with the message copied into buf.
 * [-0, +1|0] */
int eng_load_pack(lua_State *L, const assay_rules *r, assay_rules *keep,
                  const char *cache_dir, char *buf, size_t size);

/* The compile cache's use by the compiler (engine_cache.c).  The key of a
 * lexicon of `flags` (as given to assay_lexicon_new) made from files[0, n),
 * in order: 0, or -1 when a file cannot be read. */
int ecache_lexicon_key(cache_key *k, unsigned flags, const char *const *files,
                       size_t n);
/* The lexicon kept under k in dir, or NULL. */
assay_lexicon *ecache_lexicon_get(const char *dir, const cache_key *k,
                                  const assay_allocator *a);
/* Keeps the image of frozen lx under k: ASSAY_OK, or the status of the
 * failure (which only loses the help). */
int ecache_lexicon_put(const char *dir, const cache_key *k,
                       const assay_lexicon *lx);
/* The bytecode kept for the Lua chunk `name` of source src[0, n) (a pack
 * file's path, or "=rulepack.lua"): ASSAY_OK with *code (*len bytes,
 * freed with mem_free(a, *code, *len + 1)), else ASSAY_ENOTFOUND. */
int ecache_chunk_get(const char *dir, const char *name, const char *src,
                     size_t n, const assay_allocator *a, char **code,
                     size_t *len);
/* Keeps the bytecode of chunk `name` of source src[0, n): ASSAY_OK or the
 * status of the failure. */
int ecache_chunk_put(const char *dir, const char *name, const char *src,
                     size_t n, const char *code, size_t len);
/* [-0, +0] Sets opts.cache = {get = f(file, src), put = f(file, src,
 * bytecode)} (table at index opts), for the pack loader's files; counts
 * what they find and keep in r->cache_reused and r->cache_made. */
void ecache_push_lua(lua_State *L, int opts, const char *dir, assay_rules *r);

/* Opens the libraries a rule-pack state needs and the assay module. */
void eng_open_state(lua_State *L);

/* 1 when the pack declared the layer hidden. */
int eng_layer_hidden(const assay_rules *rules, const char *layer);

/* Looks up a rule by name; -1 when absent. */
int eng_rule_index(const assay_rules *rules, const char *name);

/* Scan with options for the CLI: trace adds a "trace" attribute to each
 * annotation; stop_after_stage (-1: all) runs stages up to that one. */
int eng_scan(assay_scanner *sc, assay_doc *doc, int trace,
             int stop_after_stage);

/* --profile: where a scanner's time went.  Rows 0..nrules-1 are the rules
 * (ns: time in run_rule, matching, where, emit; match_ns: the part spent
 * finding the matches, so ns - match_ns is the rule's Lua; matches
 * collected), row nrules the tokenizer, row nrules+1 Lua's collector
 * between documents. */
typedef struct eng_profile_row {
  uint64_t ns;
  uint64_t match_ns;
  uint64_t matches;
} eng_profile_row;

/* Starts counting; ASSAY_ENOMEM when the rows cannot be allocated. */
int eng_profile_enable(assay_scanner *sc);

/* --profile=lines: a line of a rule file where samples of the Lua time
 * fell (engine_sample.c): self, the samples running that line; total,
 * those with the line anywhere on the stack (its callees included).  file
 * is Lua's short source name, name the function's as its caller called
 * it (NULL when Lua cannot tell), defined the line it starts at. */
typedef struct eng_line_row {
  char *file;
  int line, defined;
  char *name;
  uint64_t self, total;
} eng_line_row;

/* Starts sampling the scanner's rule functions; call it on the thread
 * that scans with it (the timer reads that thread's CPU clock).
 * ASSAY_ENOMEM, or ASSAY_EIO when the system gives no such timer; the
 * scanner's errmsg says which. */
int eng_profile_lines_enable(assay_scanner *sc);

/* The line rows so far (n of them) and the samples in rule functions (lua)
 * and elsewhere in the scans (other); NULL when sampling is off. */
const eng_line_row *eng_profile_lines(const assay_scanner *sc, size_t *n,
                                      uint64_t *lua, uint64_t *other);

/* The rows (nrules + 2), or NULL when profiling is off. */
const eng_profile_row *eng_profile(const assay_scanner *sc);

/* For `assay explain`: runs the stages before the rule's, then describes,
 * into a string the caller frees (assay_free), what the rule matched or why
 * not. */
char *eng_explain(assay_scanner *sc, assay_doc *doc, int rule);

#endif
