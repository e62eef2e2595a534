/*
 * pattern.h -- the token pattern module's internal face: the compiled
 * program (pattern_compile.c writes it, pattern_vm.c runs it), traces,
 * explanations and the layers a pattern depends on.
 */
#ifndef ASSAY_PATTERN_H
#define ASSAY_PATTERN_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdint.h>

#include "assay.h"

/* Limits: a bounded repeat {m,n} may not exceed PAT_MAX_REPEAT and the
 * program not PAT_MAX_PROG instructions (ASSAY_ELIMIT beyond). */
#define PAT_MAX_REPEAT 1000
#define PAT_MAX_PROG 200000
#define PAT_MAX_PREFILTER 32
/* The farthest an anchor atom may be from a match's start, in tokens. */
#define PAT_ANCHOR_SPAN 48
/* The most distinct atoms that may anchor a pattern together (a cut). */
#define PAT_MAX_CUT 16
/* The most filters (below) a pattern has, and the widest window of one:
 * a wider window says little about where a match starts. */
#define PAT_MAX_FILTERS 3
#define PAT_FILTER_SPAN 12

/* What one test looks at. */
enum pat_field {
  PAT_F_TEXT, PAT_F_LOWER, PAT_F_SHAPE, PAT_F_KIND, PAT_F_FLAG,
  PAT_F_ATTR /* an annotation attribute (in @layer{...}) */
};
enum pat_op { PAT_OP_EQ, PAT_OP_NE, PAT_OP_RE, PAT_OP_NRE };

typedef struct pat_test {
  uint8_t field; /* enum pat_field */
  uint8_t op;    /* enum pat_op; for FLAG: EQ set, NE clear */
  uint16_t flag; /* ASSAY_TF_* for FLAG */
  int kind;      /* ASSAY_TOKEN_* for KIND */
  char *key;     /* attribute name for ATTR */
  char *str;     /* value for EQ/NE */
  size_t len;
  pcre2_code *re; /* for RE/NRE */
  /* With re: a 128-bit hash of the regex and its options, the regex
   * cache's key (pattern_index.c).  Not the test's address: an index
   * outlives patterns, and a freed test's address may be another's. */
  uint64_t re_key[2];
  /* RE/NRE: has_first, first, has_req, req and re's machine code are made
   * at the first use of the test (pat_test_ready), once.h's flag. */
  atomic_int ready;
  pcre2_general_context *gctx; /* the pattern's, for what ready makes */
  /* For RE/NRE when the regex matches a finite set of words
   * (/^(said|says|told)$/, /^(1[5-9]|20)[0-9]0s$/: pat_regex_words): its
   * words, tested by comparison instead of a PCRE2 call per token.
   * words[i] points into wbuf. */
  int nwords;
  const char **words;
  uint8_t *wlen;
  char *wbuf;
  size_t wbuf_len;
  /* For larger sets: a hash table of word index + 1 (0: empty), wmask + 1
   * slots, open addressing, so a test costs one hash, not nwords compares. */
  uint16_t *wtab;
  uint32_t wmask;
  /* For RE/NRE of an anchored regex: the bytes a matching string may start
   * with (bit b of first[b / 8]), so most tokens never reach PCRE2. */
  uint8_t has_first;
  uint8_t first[32];
  /* For RE/NRE: a byte every match holds (PCRE2's last literal code unit,
   * when it is ASCII and not a letter, which has no other case), so a
   * string without it is no match without asking PCRE2 or the cache:
   * "-" in /^([0-9]+|one|two)-(day|week)$/. */
  uint8_t has_req, req;
} pat_test;

enum pat_atom_type { PAT_A_TOKEN, PAT_A_ANY, PAT_A_LAYER };

/* The most lower forms an atom's keys or a pattern's start keys hold. */
#define PAT_MAX_KEYS 64

/* A lower form, with its pat_word_hash (the index's hash).  id: the id + 1
 * of the form among the keys of a rule pack's patterns
 * (pat_assign_key_ids), 0 outside a pack. */
typedef struct pat_key {
  const char *s; /* in the atom's test, or in its keybuf */
  uint32_t len, hash;
  uint32_t id;
} pat_key;

/* One atom: a test of one token, or an annotation reference. */
typedef struct pat_atom {
  int type;        /* enum pat_atom_type */
  int layer;       /* index into the pattern's layer names, for LAYER */
  int ntests;
  pat_test *tests; /* all must hold */
  char *label;     /* source text for traces: "'according'", "@actor" */
  int column;      /* 1-based column in the source */
  /* The lower forms one of which a token passing the atom must have, from
   * its first `'word'`, `lower=` or literal alternation test, or ASCII
   * `"Word"` / `text=` test (lower-cased into keybuf): the document index
   * finds such an atom's tokens without testing the others.  nkeys -1:
   * no such test, or more than PAT_MAX_KEYS forms (c_atom_keys). */
  int nkeys;
  pat_key *keys;
  char *keybuf;
  size_t keybuf_len;
} pat_atom;

/* Instructions of the Pike VM. */
enum pat_opcode {
  PAT_I_TOKEN, /* x = atom: consumes one token that passes the atom;
                  y = the capture that holds exactly this step, or -1 */
  PAT_I_LAYER, /* x = atom; y as for TOKEN, whose ann id is set */
  PAT_I_SPLIT, /* try x, then y (x has priority) */
  PAT_I_JMP,   /* go to x */
  PAT_I_SAVE,  /* x = slot: 2 * capture (+1 for the end) */
  PAT_I_BOS,   /* <s> */
  PAT_I_EOS,   /* </s> */
  PAT_I_MATCH
};

typedef struct pat_inst {
  int op;
  int x, y;
} pat_inst;

struct assay_pattern {
  assay_allocator alloc;
  char *source;
  pat_inst *prog;
  int nprog;
  size_t prog_cap;
  pat_atom *atoms;
  int natoms, atoms_cap;
  char **caps; /* capture names */
  int ncaps, caps_cap;
  char **layers; /* layer names the pattern references */
  int nlayers, layers_cap;
  /* Prefilter: the atoms one of which must pass at a match's first token;
   * nfirst < 0 when any token may start a match. */
  int first[PAT_MAX_PREFILTER];
  int nfirst;
  /* For a token atom among first[]: its id + 1 in the pack's start memo
   * (pat_assign_memo_ids), 0 when it has none. */
  int first_memo[PAT_MAX_PREFILTER];
  /* Every path passes `<s>` before its first token: matches start only at
   * a sentence's first token. */
  uint8_t bos_only;
  /* An atom every match passes, between anchor_lo and anchor_hi tokens
   * after its start (-1: none): a match starts only in the windows before
   * the places where it passes. */
  int anchor, anchor_lo, anchor_hi;
  int anchor_memo; /* its id + 1 in the start memo, 0 when none */
  /* anchor_back: the anchor is an unbounded distance after the start (a
   * loop or an @layer comes before it), so the windows are found by a
   * backward run of the program from the places where one of the anchor
   * instructions, anchor_pcs, passes: every instruction with the anchor's
   * label, or for an @layer anchor every @layer of its layer.  epred
   * [epred_off[pc], epred_off[pc + 1]) are the instructions that reach pc
   * without consuming a token. */
  uint8_t anchor_back;
  int *anchor_pcs, nanchor_pcs;
  /* A cut, when no single atom anchors as well (anchor -1): atoms one of
   * which every match passes, all literals or word sets (of no stop word)
   * a bounded distance after the start; together they anchor a match
   * like one atom, with the window in anchor_lo/anchor_hi.  "(a | three)
   * (week | weeks) (ago | earlier)": ago, earlier. */
  int cut[PAT_MAX_CUT];
  int ncut;
  /* Filters, beside a forward anchor or a cut: other atoms every match
   * passes, each between filt_lo[k] and filt_hi[k] tokens after its
   * start.  A match starts only where the windows before the places each
   * passes overlap the anchor's: "TEAM{1,3} SCORE ... TEAM{1,3} SCORE"
   * anchors on its capitalised words, and the scores narrow that down.
   * filt_memo[k]: the atom's id + 1 in the start memo, 0 when none. */
  int filt[PAT_MAX_FILTERS], filt_lo[PAT_MAX_FILTERS],
      filt_hi[PAT_MAX_FILTERS], filt_memo[PAT_MAX_FILTERS];
  int nfilt;
  int *epred_off, *epred;
  int nepred;
  /* Atoms every match goes through (plain token tests; `@layer`
   * references in required_layers; no regex): a document where no token
   * (no annotation of the layer) passes one of them is skipped at once. */
  int required[4];
  int nrequired;
  /* For a required atom without keys: its id + 1 in the start memo, whose
   * bits, once a pattern of the pack has made them, say at once whether it
   * passes anywhere; 0 when it has none. */
  int required_memo[4];
  int required_layers[4]; /* the `@layer` atoms among them */
  int nrequired_layers;
  /* PCRE2 allocates through the pattern's allocator (match data too). */
  pcre2_general_context *gctx;
  pcre2_compile_context *cctx;
};

/* The words of a regex that matches a finite set of them (pattern_words.c
 * says which): n words, each NUL-terminated, in buf (len bytes, freed
 * with mem_free).  At most PAT_WORDS_MAX words of PAT_WORDS_BYTES bytes in
 * all (NULs included), each at most 255 bytes long. */
#define PAT_WORDS_MAX 4096
#define PAT_WORDS_BYTES ((size_t)1 << 16)
typedef struct pat_words {
  char *buf;
  size_t len;
  int n;
} pat_words;
/* 1 and *out when re[0, n) (no flags) is such a regex; 0 when not (a
 * PCRE2 regex then), ASSAY_ENOMEM. */
int pat_regex_words(const assay_allocator *a, const char *re, size_t n,
                    pat_words *out);

/* A memo of pat_regex_words for the patterns of one compile, which name
 * the same regexes many times (the news pack: 389 regexes, 145 distinct,
 * some a list of a hundred words): regex -> its words, or "not finite".
 * Not thread-safe; owned by whoever compiles the patterns. */
typedef struct pat_words_memo pat_words_memo;
pat_words_memo *pat_words_memo_new(const assay_allocator *a);
void pat_words_memo_free(pat_words_memo *m);
/* pat_regex_words, answered from the memo m when it has re (m may be NULL:
 * no memo).  *out is the caller's own copy either way. */
int pat_regex_words_memo(pat_words_memo *m, const assay_allocator *a,
                         const char *re, size_t n, pat_words *out);

/* assay_pattern_new with a words memo (may be NULL), for a compiler of
 * many patterns. */
int pat_new(assay_pattern **out, const char *source,
            const assay_allocator *alloc, assay_error *err,
            pat_words_memo *memo);

/* Makes what a regex test computes late (first bytes, machine code);
 * safe from any thread, a no-op after the first call. */
void pat_test_prepare(const pat_test *t);
static inline void pat_test_ready(const pat_test *t) {
  if (t->re && !atomic_load_explicit(&t->ready, memory_order_acquire))
    pat_test_prepare(t);
}

/* The hash of a word set's words (FNV-1a), for pat_test.wtab. */
static inline uint32_t pat_word_hash(const char *s, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

/* Scan flags. */
enum { PAT_TRACE = 1 };

/* What a scan callback may return besides ASSAY_OK and ASSAY_STOP: the
 * match is dropped (a rule's `where` said no) and the scan goes on from
 * the token after the match's start, so a later or shorter match there is
 * still found. */
#define PAT_REJECT 2

/* assay_pattern_scan with flags; with PAT_TRACE each match has a trace
 * such as "'according'@12 'to'@13 @actor:source@14-16" (token indices;
 * a range is inclusive). */
int pat_scan(const assay_pattern *pat, const assay_doc *doc, unsigned flags,
             int (*fn)(void *ud, const assay_pattern_match *m), void *ud,
             assay_error *err);

/* Writes into buf (NUL-terminated, truncated to size) why the pattern
 * matches the document or how far the best attempt got.  Returns the
 * number of matches, or a negative status. */
int pat_explain(const assay_pattern *pat, const assay_doc *doc, char *buf,
                size_t size);

/* A document's tokens by lower form (pattern_index.c): built once per
 * document by the engine and shared by its pattern scans.  Chains run in
 * increasing token order; UINT32_MAX ends them. */
typedef struct pat_index pat_index;
pat_index *pat_index_new(const assay_allocator *alloc);
void pat_index_free(pat_index *ix);
int pat_index_build(pat_index *ix, const assay_doc *doc);
/* Does ix hold doc's current tokens? */
int pat_index_covers(const pat_index *ix, const assay_doc *doc);
/* The first token whose lower form is key's, or UINT32_MAX.  A key with an
 * id is looked up once per document: the pack's patterns share their
 * keys (month names, number words), and ask for each many times. */
uint32_t pat_index_first(pat_index *ix, const pat_key *key);
uint32_t pat_index_next(const pat_index *ix, uint32_t pos);

/* The start memo: per document, which tokens pass a first atom, one bit a
 * token, computed the first time a pattern of the document needs it and
 * shared by every pattern that starts with the same atom.  Gives each
 * distinct first token atom of pats an id (in first_memo; anchors and
 * required atoms without keys too) and returns how many there are; for a
 * compiled rule pack, before any scan. */
int pat_assign_memo_ids(assay_pattern *const *pats, size_t n);
/* Makes room in ix for nmemo memo ids (their bits are lost). */
int pat_index_memo_init(pat_index *ix, int nmemo);
/* Gives each distinct lower form among the keys of pats an id (pat_key.id)
 * and returns how many there are; for a compiled rule pack, before any
 * scan.  0 without memory: an index made for 0 ids looks every key up. */
uint32_t pat_assign_key_ids(assay_pattern *const *pats, size_t n);
/* Makes room in ix for nkeys key ids' first tokens (pat_index_first). */
int pat_index_keys_init(pat_index *ix, uint32_t nkeys);
/* The bits of memo id (0-based) for the indexed document, or NULL when the
 * index keeps no memo (none asked for, or the document is too long to keep
 * one).  *fresh is 1 when they are to be computed now (then zeroed). */
uint64_t *pat_index_memo(pat_index *ix, int id, int *fresh);
/* The bits of memo id when they have been computed for the indexed
 * document, else NULL. */
const uint64_t *pat_index_memo_done(const pat_index *ix, int id);
/* The tokens of the indexed document with flag `value` (field PAT_F_FLAG,
 * one ASSAY_TF_* bit) or of kind `value` (PAT_F_KIND), one bit a token,
 * made at the first call for the document and shared; NULL when there
 * are none to give (other tests, no memory, the memo's length limit). */
const uint64_t *pat_index_token_bits(pat_index *ix, int field, int value);
/* The regex cache of ix (any document): 1 and *result when the regex of
 * key (pat_test.re_key) has already run on the string s (of pat_word_hash
 * h); pat_index_re_store records a result.  Short strings only; ix may be
 * NULL (no cache). */
int pat_index_re_cached(const pat_index *ix, const uint64_t key[2],
                        const char *s, size_t n, uint32_t h, int *result);
void pat_index_re_store(pat_index *ix, const uint64_t key[2], const char *s,
                        size_t n, uint32_t h, int result);
/* The pat_word_hash of token pos's lower form, kept from the build. */
uint32_t pat_index_lower_hash(const pat_index *ix, uint32_t pos);
/* The first token of each lower form, one bit a token (NULL when the
 * index keeps no memo). */
const uint64_t *pat_index_heads(const pat_index *ix);

/* Memory the scans of one index lend each other: a pack scans each
 * document once per pattern rule, and each scan allocating its own
 * arrays, thread lists, stack and windows added up (vm_init and vm_done
 * were 2% of the pack).  A scan takes the buffer of a slot (PAT_SCRATCH_*), NULL and
 * *size 0 when the index has none or another scan holds it, and gives
 * it back at its end: the index keeps the larger of two, frees the other
 * and frees what it keeps with itself.  Sizes are in bytes; only for
 * memory of the index's allocator (pat_index_lends). */
enum {
  PAT_SCRATCH_BLOCK,
  PAT_SCRATCH_THREADS_A,
  PAT_SCRATCH_CAPS_A,
  PAT_SCRATCH_THREADS_B,
  PAT_SCRATCH_CAPS_B,
  PAT_SCRATCH_STACK,
  PAT_SCRATCH_WINDOWS,
  PAT_NSCRATCH
};
int pat_index_lends(const pat_index *ix, const assay_allocator *alloc);
void *pat_index_take(pat_index *ix, int slot, size_t *size);
void pat_index_give(pat_index *ix, int slot, void *p, size_t size);

/* Empties err (when not NULL) for a scan: status, place and message.  A
 * scan runs for every pattern rule and document, and clearing the whole
 * struct (a kilobyte) each time was 1% of the dates rules. */
static inline void pat_err_reset(assay_error *err) {
  if (!err) return;
  err->status = err->line = err->column = 0;
  err->file[0] = err->message[0] = '\0';
}

/* pat_scan with an index of doc (NULL: none), which lets a pattern whose
 * first token is a literal (or a literal alternation) visit only the
 * tokens that can start a match, and others the start memo. */
int pat_scan_indexed(const assay_pattern *pat, const assay_doc *doc,
                     pat_index *ix, unsigned flags,
                     int (*fn)(void *ud, const assay_pattern_match *m),
                     void *ud, assay_error *err);

/* The layers the pattern references with @layer: count, and name i. */
int pat_layer_count(const assay_pattern *pat);
const char *pat_layers(const assay_pattern *pat, int i);

#endif
