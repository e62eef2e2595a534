/*
 * pattern_vm.c -- runs compiled token patterns over a document: a Pike VM
 * (leftmost-longest, priority order for captures, no overlap), the start
 * prefilter, traces, and the explanations of `assay explain`.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "mem.h"
#include "pattern.h"

/* One step of a trace: which atom consumed tokens [pos, end).  Nodes are
 * shared by the threads that descend from one path (a cons list). */
typedef struct pat_step {
  int pc;
  uint32_t pos, end;
  uint32_t specific; /* steps on this path that are not `.` */
  const struct pat_step *prev;
} pat_step;

/* A thread: about to run `pc` at token `pos`; its captures live in the
 * list's pool at index * stride. */
typedef struct pat_thread {
  int pc;
  uint32_t pos, start;
  const pat_step *trace;
} pat_thread;

typedef struct pat_list {
  pat_thread *t;
  size_t n, cap;
  int32_t *caps;
  size_t caps_cap;
} pat_list;

/* Closure stack entries: a pc to explore, or a slot to restore. */
typedef struct pat_frame {
  int pc;
  int slot; /* >= 0: restore cur[slot] = old */
  int32_t old;
} pat_frame;


typedef struct pat_vm {
  const assay_pattern *pat;
  const assay_doc *doc;
  const assay_token *toks;
  uint32_t ntoks;
  unsigned flags;
  int explain;
  assay_allocator alloc;
  int status;
  size_t stride; /* int32 per thread: 2 per capture + ann per capture */
  pat_list a, b; /* current and next */
  void *block; /* the arrays below but the lists and the stack */
  size_t block_size;
  uint32_t *visited; /* stamp per pc */
  uint32_t stamp;
  int32_t *cache_pos; /* per atom: token of the cached result */
  uint8_t *cache_val;
  doc_layer **layers;
  pat_frame *stack;
  size_t nstack, stack_cap;
  int32_t *cur; /* the captures of the path being explored */
  pcre2_match_data *md;
  arena steps; /* pat_step nodes when tracing */
  /* The best match so far. */
  int have;
  uint32_t best_start, best_end;
  int32_t *best_caps;
  const pat_step *best_trace;
  /* Explain: the furthest failure. */
  uint32_t fail_pos;
  const pat_step *fail_trace;
  int fail_atoms[4], nfail;
  int matches;
  char *tbuf; /* the trace text */
  size_t tcap;
  /* Starts from the document's index (pattern_index.c): the lower forms
   * one of which a match's first token has, and a cursor per form. */
  pat_index *ix;
  int nkeys;
  uint32_t kfrom;
  /* The anchor's windows (pattern.h): a bit per token where a match may
   * start; NULL when the pattern has no anchor or the scan no index. */
  uint64_t *wbits;
  size_t wwords;
  size_t wbits_size; /* bytes held at wbits (a lent buffer may be larger) */
  /* The index whose scratch memory this scan borrows (pat_index_take),
   * or NULL; what the block holds. */
  pat_index *lend;
  size_t block_cap;
  /* Source k: the tokens with lower form key[k]; or, key[k] NULL, the
   * starts of the layer klay[k]; or, kbits[k] set, the start memo's bits.
   * Last: vm_init does not clear them (vm_keys_init sets the first nkeys,
   * and only those are read). */
  const uint64_t *kbits[PAT_MAX_KEYS];
  const pat_key *key[PAT_MAX_KEYS];
  uint32_t kcur[PAT_MAX_KEYS]; /* a token, or an index in klay[k]'s items */
  doc_layer *klay[PAT_MAX_KEYS];
} pat_vm;

/* ---- memory lent by the index -------------------------------------- */

/* n zeroed bytes for slot: the index's buffer when it is large enough,
 * else a new one; *size is what the memory holds, to give back. */
static void *vm_take_zeroed(pat_vm *vm, int slot, size_t n, size_t *size) {
  size_t have = 0;
  void *p = vm->lend ? pat_index_take(vm->lend, slot, &have) : NULL;
  if (p && have >= n) {
    memset(p, 0, n);
    *size = have;
    return p;
  }
  mem_free(&vm->alloc, p, have);
  p = mem_calloc(&vm->alloc, 1, n);
  *size = p ? n : 0;
  return p;
}

/* Gives memory of slot back to the index, or frees it without one. */
static void vm_give(pat_vm *vm, int slot, void *p, size_t size) {
  if (vm->lend)
    pat_index_give(vm->lend, slot, p, size);
  else
    mem_free(&vm->alloc, p, size);
}

/* Borrows a thread list's arrays (empty, with their room). */
static void vm_list_take(pat_vm *vm, pat_list *l, int threads, int caps) {
  size_t size;
  if (!vm->lend) return;
  l->t = pat_index_take(vm->lend, threads, &size);
  l->cap = size / sizeof(pat_thread);
  l->caps = pat_index_take(vm->lend, caps, &size);
  l->caps_cap = size / sizeof(int32_t);
}

static void vm_list_give(pat_vm *vm, pat_list *l, int threads, int caps) {
  vm_give(vm, threads, l->t, l->cap * sizeof(pat_thread));
  vm_give(vm, caps, l->caps, l->caps_cap * sizeof(int32_t));
}

/* ---- tests ------------------------------------------------------- */

/* The test's regex on s (pat_test_ready already called).  Out of line:
 * the regex cache answers most tests, and the token tests that call this
 * are inlined where they run.  The match data is made at the first regex
 * a scan runs; most run none. */
static __attribute__((noinline)) int vm_re(pat_vm *vm, const pat_test *ts,
                                           const char *s, size_t n) {
  if (!vm->md && !(vm->md = pcre2_match_data_create(1, vm->pat->gctx))) {
    vm->status = ASSAY_ENOMEM;
    return 0;
  }
  int rc = pcre2_match(ts->re, (PCRE2_SPTR)s, n, 0, 0, vm->md, NULL);
  return rc >= 0;
}

/* The string a test looks at on token t. */
static const char *vm_field(pat_vm *vm, const assay_token *t, int field,
                            size_t *n) {
  switch (field) {
  case PAT_F_TEXT:
    *n = t->end - t->start;
    return vm->doc->text + t->start;
  case PAT_F_LOWER:
    *n = t->lower_len < 255 ? t->lower_len : strlen(t->lower);
    return t->lower;
  default:
    *n = t->shape ? strlen(t->shape) : 0;
    return t->shape ? t->shape : "";
  }
}

/* Is s[0, n) (of pat_word_hash hash) one of the words of a literal
 * alternation (p_word_set)? */
static int vm_in_words(const pat_test *ts, const char *s, size_t n,
                       uint32_t hash) {
  if (ts->wtab) {
    for (uint32_t h = hash & ts->wmask; ts->wtab[h];
         h = (h + 1) & ts->wmask) {
      int i = ts->wtab[h] - 1;
      if (ts->wlen[i] == n && memcmp(ts->words[i], s, n) == 0) return 1;
    }
    return 0;
  }
  for (int i = 0; i < ts->nwords; i++)
    if (ts->wlen[i] == n && memcmp(ts->words[i], s, n) == 0) return 1;
  return 0;
}

/* The pat_word_hash of field `field` of token t: for the lower form, the
 * one the document's index made. */
static uint32_t vm_hash(const pat_vm *vm, const assay_token *t, int field,
                        const char *s, size_t n) {
  if (field == PAT_F_LOWER && vm->ix)
    return pat_index_lower_hash(vm->ix, (uint32_t)(t - vm->toks));
  return pat_word_hash(s, n);
}

static int vm_token_test(pat_vm *vm, const pat_test *ts,
                         const assay_token *t) {
  size_t n;
  const char *s;
  switch (ts->field) {
  case PAT_F_FLAG:
    return ((t->flags & ts->flag) != 0) == (ts->op == PAT_OP_EQ);
  case PAT_F_KIND:
    return (t->kind == ts->kind) == (ts->op == PAT_OP_EQ);
  default:
    s = vm_field(vm, t, ts->field, &n);
    if (ts->nwords)
      return vm_in_words(ts, s, n, ts->wtab ? vm_hash(vm, t, ts->field, s, n)
                                            : 0) == (ts->op == PAT_OP_RE);
    if (ts->op == PAT_OP_RE || ts->op == PAT_OP_NRE) {
      pat_test_ready(ts);
      unsigned char c = n ? (unsigned char)s[0] : 0;
      int m;
      uint32_t h = 0;
      if ((ts->has_first && n && !(ts->first[c >> 3] & (1u << (c & 7)))) ||
          (ts->has_req && !memchr(s, ts->req, n)))
        m = 0;
      else if (!vm->ix || (h = vm_hash(vm, t, ts->field, s, n),
                           !pat_index_re_cached(vm->ix, ts->re_key, s, n, h, &m))) {
        m = vm_re(vm, ts, s, n);
        if (!vm->status) pat_index_re_store(vm->ix, ts->re_key, s, n, h, m);
      }
      return m == (ts->op == PAT_OP_RE);
    }
    return (n == ts->len && memcmp(s, ts->str, n) == 0) ==
           (ts->op == PAT_OP_EQ);
  }
}

/* Does the one-token atom pass at token pos?  Cached per (atom, pos):
 * positions only grow during a scan, so one slot per atom suffices. */
static int vm_atom(pat_vm *vm, int ai, uint32_t pos) {
  const pat_atom *a = &vm->pat->atoms[ai];
  if (pos >= vm->ntoks) return 0;
  if (a->type == PAT_A_ANY) return 1;
  if (vm->cache_pos[ai] == (int32_t)pos) return vm->cache_val[ai];
  int ok = 1;
  for (int i = 0; i < a->ntests && ok; i++)
    ok = vm_token_test(vm, &a->tests[i], &vm->toks[pos]);
  vm->cache_pos[ai] = (int32_t)pos;
  vm->cache_val[ai] = (uint8_t)ok;
  return ok;
}

/* An attribute value as text for comparisons. */
static const char *vm_value_text(const assay_value *v, char *buf, size_t size,
                                 size_t *n) {
  switch (v->type) {
  case ASSAY_VALUE_STRING:
  case ASSAY_VALUE_SPAN:
    *n = v->str ? v->len : 0;
    return v->str ? v->str : "";
  case ASSAY_VALUE_NUMBER:
    snprintf(buf, size, "%.15g", v->num);
    break;
  case ASSAY_VALUE_BOOL:
    snprintf(buf, size, "%s", v->num != 0 ? "true" : "false");
    break;
  case ASSAY_VALUE_REF:
    snprintf(buf, size, "%u", (unsigned)v->ref);
    break;
  default:
    buf[0] = 0;
  }
  *n = strlen(buf);
  return buf;
}

static int vm_ann_test(pat_vm *vm, const pat_test *ts,
                       const assay_annotation *ann) {
  const assay_value *v = assay_annotation_get(ann, ts->key);
  int want = ts->op == PAT_OP_EQ || ts->op == PAT_OP_RE;
  if (!v || v->type == ASSAY_VALUE_NULL) return !want;
  if (!ts->str && !ts->re && !ts->nwords) return want; /* presence */
  char buf[64];
  size_t n;
  const char *s = vm_value_text(v, buf, sizeof buf, &n);
  if (ts->re) pat_test_ready(ts);
  /* A value, unlike a token, may end with a newline, before which a
   * regex's `$` also matches: the word set says the same. */
  int hit = ts->nwords ? vm_in_words(ts, s, n, pat_word_hash(s, n)) ||
                             (n && s[n - 1] == '\n' &&
                              vm_in_words(ts, s, n - 1, pat_word_hash(s, n - 1)))
            : ts->re   ? vm_re(vm, ts, s, n)
                       : (n == ts->len && memcmp(s, ts->str, n) == 0);
  return hit == want;
}

static int vm_ann_ok(pat_vm *vm, const pat_atom *a,
                     const assay_annotation *ann, uint32_t pos) {
  if (ann->dead || ann->tlast <= pos) return 0;
  for (int i = 0; i < a->ntests; i++)
    if (!vm_ann_test(vm, &a->tests[i], ann)) return 0;
  return 1;
}

/* The annotations of the atom's layer that start at pos, from *i. */
static assay_annotation *const *vm_anns(pat_vm *vm, const pat_atom *a,
                                        uint32_t pos, size_t *i, size_t *n) {
  doc_layer *ly = vm->layers[a->layer];
  if (!ly) return *n = 0, NULL;
  assay_annotation *const *items = doc_layer_items(ly, n);
  *i = doc_layer_lower_bound(ly, pos);
  return items;
}

/* Prefilter: can a match start at pos? */
static int vm_can_start(pat_vm *vm, uint32_t pos) {
  const assay_pattern *pat = vm->pat;
  if (pat->nfirst < 0) return 1;
  for (int k = 0; k < pat->nfirst; k++) {
    const pat_atom *a = &pat->atoms[pat->first[k]];
    if (a->type != PAT_A_LAYER) {
      if (vm_atom(vm, pat->first[k], pos)) return 1;
      continue;
    }
    size_t i, n;
    assay_annotation *const *items = vm_anns(vm, a, pos, &i, &n);
    for (; i < n && items[i]->tfirst == pos; i++)
      if (vm_ann_ok(vm, a, items[i], pos)) return 1;
  }
  return 0;
}

static void vm_keys_rewind(pat_vm *vm) {
  vm->kfrom = 0;
  for (int k = 0; k < vm->nkeys; k++)
    vm->kcur[k] = vm->key[k] ? pat_index_first(vm->ix, vm->key[k]) : 0;
}

/* The first set bit >= from (UINT32_MAX: none). */
static uint32_t vm_bits_next(const pat_vm *vm, const uint64_t *bits,
                             uint32_t from) {
  if (from >= vm->ntoks) return UINT32_MAX;
  size_t w = from >> 6, words = ((size_t)vm->ntoks + 63) / 64;
  uint64_t x = bits[w] & (~(uint64_t)0 << (from & 63));
  while (!x) {
    if (++w >= words) return UINT32_MAX;
    x = bits[w];
  }
  return (uint32_t)(w * 64 + (size_t)__builtin_ctzll(x));
}

/* The tokens worth testing for token atom a, one bit each (NULL: all):
 * those with a flag or of a kind the atom wants (the index's bits of
 * them, shared by the pack), or for an atom that only tests the lower
 * form the first token of each form.  *lower_only says which. */
static const uint64_t *vm_candidates(pat_vm *vm, const pat_atom *a,
                                     int *lower_only) {
  const uint64_t *only = NULL;
  *lower_only = 1;
  for (int i = 0; i < a->ntests; i++) {
    const pat_test *t = &a->tests[i];
    *lower_only &= t->field == PAT_F_LOWER;
    if (!only && t->op == PAT_OP_EQ &&
        (t->field == PAT_F_FLAG || t->field == PAT_F_KIND))
      only = pat_index_token_bits(vm->ix, t->field,
                                  t->field == PAT_F_FLAG ? t->flag : t->kind);
  }
  return *lower_only ? pat_index_heads(vm->ix) : only;
}

/* Fills the memo bits of token atom a: one bit per token that passes it,
 * testing only its candidates; an atom that only tests the lower form is
 * tested once per distinct form, whose tokens the index chains. */
static void vm_memo_fill(pat_vm *vm, const pat_atom *a, uint64_t *bits) {
  int lower_only;
  const uint64_t *only = vm_candidates(vm, a, &lower_only);
  for (uint32_t pos = only ? vm_bits_next(vm, only, 0) : 0; pos < vm->ntoks;
       pos = only ? vm_bits_next(vm, only, pos + 1) : pos + 1) {
    int ok = 1;
    for (int i = 0; i < a->ntests && ok; i++)
      ok = vm_token_test(vm, &a->tests[i], &vm->toks[pos]);
    if (!ok) continue;
    if (!lower_only) {
      bits[pos >> 6] |= (uint64_t)1 << (pos & 63);
      continue;
    }
    for (uint32_t j = pos; j != UINT32_MAX; j = pat_index_next(vm->ix, j))
      bits[j >> 6] |= (uint64_t)1 << (j & 63);
  }
}

/* The start memo's bits for first atom k of the pattern, computed if this
 * document has not needed them yet; NULL when there is no memo. */
static const uint64_t *vm_memo(pat_vm *vm, int k) {
  const assay_pattern *pat = vm->pat;
  if (!pat->first_memo[k]) return NULL;
  int fresh;
  uint64_t *bits = pat_index_memo(vm->ix, pat->first_memo[k] - 1, &fresh);
  if (bits && fresh) vm_memo_fill(vm, &pat->atoms[pat->first[k]], bits);
  return bits;
}

/* Windows to mark: the starts [p - hi, p - lo] of a match whose anchor
 * (or filter) passes at p, one bit each in bits. */
typedef struct vm_span {
  uint64_t *bits;
  int lo, hi;
} vm_span;

static void vm_window(const vm_span *w, uint32_t p) {
  int64_t a = (int64_t)p - w->hi;
  int64_t b = (int64_t)p - w->lo;
  if (b < 0) return;
  if (a < 0) a = 0;
  for (int64_t i = a; i <= b; i++)
    w->bits[i >> 6] |= (uint64_t)1 << (i & 63);
}

/* Calls fn(vm, pos, ud) at every token where atom ai passes (for an
 * @layer atom, where one of its annotations starting there passes): from
 * the index for a literal atom, the layer's annotations for an @layer,
 * the start memo (memo: its id + 1, 0 none) or a pass over the tokens
 * for another token atom. */
static void vm_atom_each(pat_vm *vm, int ai, int memo,
                         void (*fn)(pat_vm *, uint32_t, void *), void *ud) {
  const pat_atom *a = &vm->pat->atoms[ai];
  if (a->type == PAT_A_LAYER) {
    doc_layer *ly = vm->layers[a->layer];
    size_t n = 0;
    assay_annotation *const *it = ly ? doc_layer_items(ly, &n) : NULL;
    for (size_t i = 0; i < n; i++)
      if (vm_ann_ok(vm, a, it[i], it[i]->tfirst)) fn(vm, it[i]->tfirst, ud);
    return;
  }
  if (a->nkeys > 0) {
    for (int k = 0; k < a->nkeys; k++)
      for (uint32_t i = pat_index_first(vm->ix, &a->keys[k]); i != UINT32_MAX;
           i = pat_index_next(vm->ix, i))
        if (vm_atom(vm, ai, i)) fn(vm, i, ud);
    return;
  }
  int fresh;
  uint64_t *bits = memo ? pat_index_memo(vm->ix, memo - 1, &fresh) : NULL;
  if (bits) {
    if (fresh) vm_memo_fill(vm, a, bits);
    for (uint32_t i = vm_bits_next(vm, bits, 0); i != UINT32_MAX;
         i = vm_bits_next(vm, bits, i + 1))
      fn(vm, i, ud);
    return;
  }
  for (uint32_t i = 0; i < vm->ntoks; i++)
    if (vm_atom(vm, ai, i)) fn(vm, i, ud);
}

static void vm_window_at(pat_vm *vm, uint32_t pos, void *ud) {
  (void)vm;
  vm_window(ud, pos);
}

/* ---- windows from a backward run ------------------------------------ */

static int vm_assert(const pat_vm *vm, int op, uint32_t pos);

/* The backward run's state: a row of pcs (one bit each) per position,
 * row p holding the instructions a path can be about to run at token p
 * and still reach an anchor instruction where it passes. */
typedef struct vm_back {
  uint64_t *rows;
  size_t words; /* per row */
  const int *pcs; /* the anchor instructions to mark at a position */
  int npcs;
} vm_back;

/* The most bits the backward run may take (8 MB); a longer document is
 * scanned from every start instead. */
#define VM_BACK_MAX_WORDS ((size_t)1 << 20)

static inline int vm_bit(const uint64_t *row, int pc) {
  return (int)((row[pc >> 6] >> (pc & 63)) & 1);
}

static inline void vm_bit_set(uint64_t *row, int pc) {
  row[pc >> 6] |= (uint64_t)1 << (pc & 63);
}

static void vm_back_mark(pat_vm *vm, uint32_t pos, void *ud) {
  (void)vm;
  vm_back *b = ud;
  for (int k = 0; k < b->npcs; k++)
    vm_bit_set(b->rows + (size_t)pos * b->words, b->pcs[k]);
}

static int vm_cmp_tlast(const void *x, const void *y) {
  const assay_annotation *a = *(assay_annotation *const *)x;
  const assay_annotation *b = *(assay_annotation *const *)y;
  return (a->tlast > b->tlast) - (a->tlast < b->tlast);
}

/* The annotations of the pattern's layer li in order of their ends (an
 * @layer step runs backwards from where it ends), in ends[li] (n[li]),
 * made at the first need. */
static assay_annotation **vm_ends(pat_vm *vm, int li, assay_annotation ***ends,
                                  size_t *n) {
  if (ends[li] || !vm->layers[li]) return ends[li];
  size_t c = 0;
  assay_annotation *const *it = doc_layer_items(vm->layers[li], &c);
  if (!c) return NULL;
  ends[li] = mem_alloc(&vm->alloc, c * sizeof *ends[li]);
  if (!ends[li]) return NULL;
  memcpy(ends[li], it, c * sizeof *ends[li]);
  qsort(ends[li], c, sizeof *ends[li], vm_cmp_tlast);
  n[li] = c;
  return ends[li];
}

/* Row pos: adds every instruction that reaches one of the row's without
 * consuming a token (the row's pcs are on the stack). */
static void vm_back_close(pat_vm *vm, uint64_t *row, uint32_t pos, int *stack,
                          int n) {
  const assay_pattern *pat = vm->pat;
  while (n > 0) {
    int pc = stack[--n];
    for (int j = pat->epred_off[pc]; j < pat->epred_off[pc + 1]; j++) {
      int q = pat->epred[j], op = pat->prog[q].op;
      if (vm_bit(row, q)) continue;
      if ((op == PAT_I_BOS || op == PAT_I_EOS) && !vm_assert(vm, op, pos))
        continue;
      vm_bit_set(row, q);
      stack[n++] = q;
    }
  }
}

/* Row pos to the rows before it: the consuming instructions whose step
 * ends in a pc of the row, where their token (annotation) passes. */
static void vm_back_step(pat_vm *vm, vm_back *b, uint32_t pos,
                         assay_annotation ***ends, size_t *nends) {
  const assay_pattern *pat = vm->pat;
  const uint64_t *row = b->rows + (size_t)pos * b->words;
  uint64_t *prev = b->rows + ((size_t)pos - 1) * b->words;
  for (size_t w = 0; w < b->words; w++)
    for (uint64_t x = row[w]; x; x &= x - 1) {
      int pc = (int)(w * 64 + (size_t)__builtin_ctzll(x)) - 1;
      if (pc < 0) continue;
      const pat_inst *in = &pat->prog[pc];
      if (in->op == PAT_I_TOKEN) {
        if (!vm_bit(prev, pc) && vm_atom(vm, in->x, pos - 1))
          vm_bit_set(prev, pc);
      } else if (in->op == PAT_I_LAYER) {
        const pat_atom *a = &pat->atoms[in->x];
        assay_annotation **e = vm_ends(vm, a->layer, ends, nends);
        size_t lo = 0, hi = e ? nends[a->layer] : 0;
        while (lo < hi) { /* the first ending at pos */
          size_t mid = lo + (hi - lo) / 2;
          if (e[mid]->tlast < pos) lo = mid + 1;
          else hi = mid;
        }
        for (; e && lo < nends[a->layer] && e[lo]->tlast == pos; lo++)
          if (vm_ann_ok(vm, a, e[lo], e[lo]->tfirst))
            vm_bit_set(b->rows + (size_t)e[lo]->tfirst * b->words, pc);
      }
    }
}

/* The windows of a backward anchor: the positions from which a path of
 * the program reaches an anchor instruction where it passes.  One sweep
 * from the end of the document to its start; every step of the program
 * goes forward, so a row is complete when the sweep reaches it.  Leaves
 * vm->wbits NULL (every start tried) when memory is short. */
static void vm_back_windows(pat_vm *vm) {
  const assay_pattern *pat = vm->pat;
  vm_back b = {NULL, ((size_t)pat->nprog + 63) / 64, pat->anchor_pcs, 0};
  size_t nrows = (size_t)vm->ntoks + 1, nl = (size_t)pat->nlayers + 1;
  if (nrows * b.words > VM_BACK_MAX_WORDS) return;
  b.rows = mem_calloc(&vm->alloc, nrows * b.words, sizeof(uint64_t));
  int *stack = mem_alloc(&vm->alloc, (size_t)pat->nprog * sizeof(int));
  assay_annotation ***ends = mem_calloc(&vm->alloc, nl, sizeof *ends);
  size_t *nends = mem_calloc(&vm->alloc, nl, sizeof *nends);
  size_t wsize = 0;
  uint64_t *wbits = vm_take_zeroed(vm, PAT_SCRATCH_WINDOWS,
                                   vm->wwords * sizeof(uint64_t), &wsize);
  if (b.rows && stack && ends && nends && wbits) {
    /* the anchor: its label's instructions pass together; an @layer's
     * each test their own attributes */
    const pat_atom *an = &pat->atoms[pat->anchor];
    for (int k = 0; k < pat->nanchor_pcs; k++) {
      int ai = pat->prog[pat->anchor_pcs[k]].x;
      if (an->type != PAT_A_LAYER && k > 0) break;
      b.pcs = an->type == PAT_A_LAYER ? &pat->anchor_pcs[k] : pat->anchor_pcs;
      b.npcs = an->type == PAT_A_LAYER ? 1 : pat->nanchor_pcs;
      vm_atom_each(vm, ai, 0, vm_back_mark, &b);
    }
    for (uint32_t pos = vm->ntoks + 1; pos-- > 0;) {
      uint64_t *row = b.rows + (size_t)pos * b.words;
      int n = 0;
      for (size_t w = 0; w < b.words; w++)
        for (uint64_t x = row[w]; x; x &= x - 1)
          stack[n++] = (int)(w * 64 + (size_t)__builtin_ctzll(x));
      if (!n) continue;
      vm_back_close(vm, row, pos, stack, n);
      if (vm_bit(row, 0) && pos < vm->ntoks)
        wbits[pos >> 6] |= (uint64_t)1 << (pos & 63);
      if (pos > 0) vm_back_step(vm, &b, pos, ends, nends);
    }
    vm->wbits = wbits;
    vm->wbits_size = wsize;
    wbits = NULL;
  }
  for (size_t i = 0; ends && i < nl; i++)
    if (ends[i]) mem_free(&vm->alloc, ends[i], nends[i] * sizeof *ends[i]);
  mem_free(&vm->alloc, ends, nl * sizeof *ends);
  mem_free(&vm->alloc, nends, nl * sizeof *nends);
  vm_give(vm, PAT_SCRATCH_WINDOWS, wbits, wsize);
  mem_free(&vm->alloc, stack, (size_t)pat->nprog * sizeof(int));
  mem_free(&vm->alloc, b.rows, nrows * b.words * sizeof(uint64_t));
}

/* Narrows the anchor's windows to where every filter's overlap them:
 * the filter's windows are marked in scratch bits, then intersected. */
static void vm_filter(pat_vm *vm) {
  const assay_pattern *pat = vm->pat;
  if (!pat->nfilt) return;
  size_t n = vm->wwords;
  uint64_t *f = mem_alloc(&vm->alloc, n * sizeof *f);
  if (!f) return; /* the anchor's windows alone are still right */
  for (int k = 0; k < pat->nfilt; k++) {
    uint64_t any = 0;
    for (size_t i = 0; i < n; i++) any |= vm->wbits[i];
    if (!any) break; /* no start left */
    memset(f, 0, n * sizeof *f);
    vm_span w = {f, pat->filt_lo[k], pat->filt_hi[k]};
    vm_atom_each(vm, pat->filt[k], pat->filt_memo[k], vm_window_at, &w);
    for (size_t i = 0; i < n; i++) vm->wbits[i] &= f[i];
  }
  mem_free(&vm->alloc, f, n * sizeof *f);
}

/* Builds the anchor's windows: the bounded window before every place
 * where the anchor passes, or the backward run's starts; then the
 * filters narrow them. */
static void vm_anchor_init(pat_vm *vm) {
  const assay_pattern *pat = vm->pat;
  if ((pat->anchor < 0 && !pat->ncut) || !vm->ix || !vm->ntoks) return;
  vm->wwords = ((size_t)vm->ntoks + 63) / 64;
  if (pat->anchor_back) {
    vm_back_windows(vm);
    if (!vm->wbits) vm->wwords = 0;
    return;
  }
  vm->wbits = vm_take_zeroed(vm, PAT_SCRATCH_WINDOWS,
                             vm->wwords * sizeof(uint64_t), &vm->wbits_size);
  if (!vm->wbits) {
    vm->wwords = 0; /* no windows: every start is tried, as before */
    return;
  }
  vm_span w = {vm->wbits, pat->anchor_lo, pat->anchor_hi};
  if (pat->ncut) { /* a cut, literals all: from the index */
    for (int k = 0; k < pat->ncut; k++)
      vm_atom_each(vm, pat->cut[k], 0, vm_window_at, &w);
  } else {
    vm_atom_each(vm, pat->anchor, pat->anchor_memo, vm_window_at, &w);
  }
  vm_filter(vm);
}

/* The first candidate start >= from of source k (UINT32_MAX: none). */
static uint32_t vm_key_next(pat_vm *vm, int k, uint32_t from) {
  if (vm->kbits[k]) return vm_bits_next(vm, vm->kbits[k], from);
  if (vm->key[k]) {
    while (vm->kcur[k] < from)
      vm->kcur[k] = pat_index_next(vm->ix, vm->kcur[k]);
    return vm->kcur[k];
  }
  if (!vm->klay[k]) return UINT32_MAX; /* no such layer in the document */
  size_t n;
  assay_annotation *const *it = doc_layer_items(vm->klay[k], &n);
  while (vm->kcur[k] < n && it[vm->kcur[k]]->tfirst < from) vm->kcur[k]++;
  return vm->kcur[k] < n ? it[vm->kcur[k]]->tfirst : UINT32_MAX;
}

/* Sets up index starts when every first atom of the pattern has keys. */
static void vm_keys_init(pat_vm *vm) {
  const assay_pattern *pat = vm->pat;
  int nk = 0;
  vm->nkeys = 0;
  if (!vm->ix || pat->nfirst <= 0) return;
  for (int k = 0; k < pat->nfirst && nk >= 0; k++) {
    const pat_atom *a = &pat->atoms[pat->first[k]];
    if (nk >= PAT_MAX_KEYS) {
      nk = -1;
    } else if (a->type == PAT_A_LAYER) {
      /* @layer: a match starts where one of its annotations does */
      vm->kbits[nk] = NULL;
      vm->klay[nk] = vm->layers[a->layer];
      vm->key[nk++] = NULL;
    } else {
      int before = nk;
      if (a->nkeys > 0 && nk + a->nkeys <= PAT_MAX_KEYS) {
        for (int j = 0; j < a->nkeys; j++, nk++) {
          vm->kbits[nk] = NULL;
          vm->key[nk] = &a->keys[j];
        }
      } else {
        nk = -1;
      }
      const uint64_t *bits = nk < 0 ? vm_memo(vm, k) : NULL;
      if (bits) { /* no lower forms to look up: the memo says where */
        nk = before;
        vm->kbits[nk] = bits;
        vm->key[nk++] = NULL;
      }
    }
  }
  if (nk <= 0) return;
  vm->nkeys = nk;
  vm_keys_rewind(vm);
}

static int vm_assert(const pat_vm *vm, int op, uint32_t pos) {
  const assay_token *t = vm->toks;
  if (op == PAT_I_BOS)
    return pos == 0 ||
           (pos < vm->ntoks && (t[pos].flags & ASSAY_TF_SENT_START));
  return pos == vm->ntoks ||
         (pos > 0 && t[pos].sentence != t[pos - 1].sentence);
}

/* Can a match start at pos, as far as `<s>` is concerned? */
static int vm_bos_ok(const pat_vm *vm, uint32_t pos) {
  return !vm->pat->bos_only || vm_assert(vm, PAT_I_BOS, pos);
}

/* The first start >= from inside the anchor's windows (all when none). */
static uint32_t vm_in_window(const pat_vm *vm, uint32_t from) {
  if (!vm->wbits) return from;
  uint32_t w = vm_bits_next(vm, vm->wbits, from);
  return w == UINT32_MAX ? vm->ntoks : w;
}

static uint32_t vm_next_start(pat_vm *vm, uint32_t from) {
  if (vm->nkeys > 0) {
    if (from < vm->kfrom) vm_keys_rewind(vm); /* back after a rejection */
    for (;;) {
      vm->kfrom = from;
      uint32_t best = UINT32_MAX;
      for (int k = 0; k < vm->nkeys; k++) {
        uint32_t c = vm_key_next(vm, k, from);
        if (c < best) best = c;
      }
      if (best >= vm->ntoks) return vm->ntoks;
      uint32_t w = vm_in_window(vm, best);
      if (w != best) { /* outside the windows: on to the next one */
        from = w;
        if (from >= vm->ntoks) return vm->ntoks;
        continue;
      }
      if (vm_bos_ok(vm, best) && vm_can_start(vm, best)) return best;
      from = best + 1;
    }
  }
  for (from = vm_in_window(vm, from); from < vm->ntoks;
       from = vm_in_window(vm, from + 1))
    if (vm_bos_ok(vm, from) && vm_can_start(vm, from)) break;
  return from < vm->ntoks ? from : vm->ntoks;
}

/* ---- threads ----------------------------------------------------- */


static int vm_push_thread(pat_vm *vm, pat_list *l, int pc, uint32_t pos,
                          uint32_t start, const pat_step *tr,
                          const int32_t *caps) {
  if (mem_grow(&vm->alloc, (void **)&l->t, &l->cap, l->n + 1,
               sizeof(pat_thread)))
    return vm->status = ASSAY_ENOMEM;
  if (vm->stride &&
      mem_grow(&vm->alloc, (void **)&l->caps, &l->caps_cap,
               (l->n + 1) * vm->stride, sizeof(int32_t)))
    return vm->status = ASSAY_ENOMEM;
  l->t[l->n] = (pat_thread){pc, pos, start, tr};
  if (vm->stride)
    memcpy(l->caps + l->n * vm->stride, caps, vm->stride * sizeof(int32_t));
  l->n++;
  return 0;
}

static const pat_step *vm_step(pat_vm *vm, int pc, uint32_t pos, uint32_t end,
                               const pat_step *prev) {
  if (!(vm->flags & PAT_TRACE) && !vm->explain) return NULL;
  pat_step *s = arena_alloc(&vm->steps, sizeof *s);
  if (!s) {
    vm->status = ASSAY_ENOMEM;
    return NULL;
  }
  uint32_t sp = (prev ? prev->specific : 0) +
                (vm->pat->atoms[vm->pat->prog[pc].x].type != PAT_A_ANY);
  *s = (pat_step){pc, pos, end, sp, prev};
  return s;
}

static int vm_frame(pat_vm *vm, int pc, int slot, int32_t old) {
  if (mem_grow(&vm->alloc, (void **)&vm->stack, &vm->stack_cap,
               vm->nstack + 1, sizeof(pat_frame)))
    return vm->status = ASSAY_ENOMEM;
  vm->stack[vm->nstack++] = (pat_frame){pc, slot, old};
  return 0;
}

static void vm_record_match(pat_vm *vm, const pat_thread *th, uint32_t pos) {
  if (pos == th->start) return; /* empty matches never count */
  if (vm->have && (th->start > vm->best_start ||
                   (th->start == vm->best_start && pos <= vm->best_end)))
    return;
  vm->have = 1;
  vm->best_start = th->start;
  vm->best_end = pos;
  vm->best_trace = th->trace;
  if (vm->stride)
    memcpy(vm->best_caps, vm->cur, vm->stride * sizeof(int32_t));
}

static void vm_record_fail(pat_vm *vm, const pat_thread *th, int atom,
                           uint32_t pos) {
  if (!vm->explain || !th->trace) return;
  /* The best attempt matched the most specific steps (not `.`), then got
   * furthest. */
  uint32_t sp = th->trace->specific;
  const pat_step *f = vm->fail_trace;
  if (f && (sp < f->specific || (sp == f->specific && pos < vm->fail_pos)))
    return;
  if (!f || sp > f->specific || pos > vm->fail_pos) {
    vm->fail_pos = pos;
    vm->fail_trace = th->trace;
    vm->nfail = 0;
  }
  for (int i = 0; i < vm->nfail; i++)
    if (vm->fail_atoms[i] == atom) return;
  if (vm->nfail < 4) vm->fail_atoms[vm->nfail++] = atom;
}

/* Runs a consuming step (or the match) of thread th at pos, adding its
 * successors to `next`. */
static void vm_consume(pat_vm *vm, const pat_thread *th, int pc, uint32_t pos,
                       pat_list *next) {
  const pat_inst *in = &vm->pat->prog[pc];
  if (in->op == PAT_I_MATCH) {
    vm_record_match(vm, th, pos);
  } else if (in->op == PAT_I_TOKEN) {
    if (!vm_atom(vm, in->x, pos)) {
      vm_record_fail(vm, th, in->x, pos);
      return;
    }
    const pat_step *tr = vm_step(vm, pc, pos, pos + 1, th->trace);
    vm_push_thread(vm, next, pc + 1, pos + 1, th->start, tr, vm->cur);
  } else { /* PAT_I_LAYER */
    const pat_atom *a = &vm->pat->atoms[in->x];
    size_t i, n;
    int any = 0;
    assay_annotation *const *items = vm_anns(vm, a, pos, &i, &n);
    for (; i < n && items[i]->tfirst == pos && !vm->status; i++) {
      const assay_annotation *ann = items[i];
      if (!vm_ann_ok(vm, a, ann, pos)) continue;
      any = 1;
      int32_t old = 0;
      if (in->y >= 0) {
        old = vm->cur[2 * vm->pat->ncaps + in->y];
        vm->cur[2 * vm->pat->ncaps + in->y] = (int32_t)ann->id;
      }
      const pat_step *tr = vm_step(vm, pc, pos, ann->tlast, th->trace);
      vm_push_thread(vm, next, pc + 1, ann->tlast, th->start, tr, vm->cur);
      if (in->y >= 0) vm->cur[2 * vm->pat->ncaps + in->y] = old;
    }
    if (!any) vm_record_fail(vm, th, in->x, pos);
  }
}


/* Follows th's non-consuming steps at pos in priority order (depth
 * first), running every consuming step it reaches. */
static void vm_closure(pat_vm *vm, const pat_thread *th, const int32_t *caps,
                       pat_list *next) {
  const assay_pattern *pat = vm->pat;
  uint32_t pos = th->pos;
  if (vm->stride) memcpy(vm->cur, caps, vm->stride * sizeof(int32_t));
  vm->nstack = 0;
  if (vm_frame(vm, th->pc, -1, 0)) return;
  while (vm->nstack && !vm->status) {
    pat_frame f = vm->stack[--vm->nstack];
    if (f.slot >= 0) {
      vm->cur[f.slot] = f.old;
      continue;
    }
    for (int pc = f.pc; vm->visited[pc] != vm->stamp;) {
      const pat_inst *in = &pat->prog[pc];
      vm->visited[pc] = vm->stamp;
      if (in->op == PAT_I_JMP) {
        pc = in->x;
      } else if (in->op == PAT_I_SPLIT) {
        if (vm_frame(vm, in->y, -1, 0)) return;
        pc = in->x;
      } else if (in->op == PAT_I_SAVE) {
        if (vm_frame(vm, 0, in->x, vm->cur[in->x])) return;
        vm->cur[in->x] = (int32_t)pos;
        if (!(in->x & 1)) { /* a capture restarts: forget its annotation */
          int slot = 2 * pat->ncaps + in->x / 2;
          if (vm_frame(vm, 0, slot, vm->cur[slot])) return;
          vm->cur[slot] = 0;
        }
        pc++;
      } else if (in->op == PAT_I_BOS || in->op == PAT_I_EOS) {
        if (!vm_assert(vm, in->op, pos)) break;
        pc++;
      } else {
        vm_consume(vm, th, pc, pos, next);
        break;
      }
    }
  }
}

/* ---- the scan loop ----------------------------------------------- */

/* Sets up a scan; lend: an index whose scratch memory it may borrow, or
 * NULL. */
static int vm_init(pat_vm *vm, const assay_pattern *pat, const assay_doc *doc,
                   unsigned flags, pat_index *lend) {
  /* not the key arrays: two kilobytes a scan, set before they are read */
  memset(vm, 0, offsetof(pat_vm, kbits));
  vm->pat = pat;
  vm->doc = doc;
  vm->flags = flags;
  vm->alloc = pat->alloc;
  vm->toks = doc->toks.tokens;
  vm->ntoks = (uint32_t)doc->toks.ntokens;
  vm->stride = 3 * (size_t)pat->ncaps;
  arena_init(&vm->steps, &vm->alloc);
  /* One block for the per-scan arrays: a pack scans each document once
   * per pattern rule, and seven allocations a scan added up. */
  size_t np = (size_t)pat->nprog, na = (size_t)pat->natoms;
  size_t nl = (size_t)pat->nlayers + 1, nc = vm->stride + 1;
  vm->block_size = sizeof(doc_layer *) * nl + sizeof(uint32_t) * np +
                   sizeof(int32_t) * (na + 1 + 2 * nc) + na + 1;
  if (pat_index_lends(lend, &vm->alloc)) vm->lend = lend;
  char *b = vm->block = vm_take_zeroed(vm, PAT_SCRATCH_BLOCK, vm->block_size,
                                       &vm->block_cap);
  vm_list_take(vm, &vm->a, PAT_SCRATCH_THREADS_A, PAT_SCRATCH_CAPS_A);
  vm_list_take(vm, &vm->b, PAT_SCRATCH_THREADS_B, PAT_SCRATCH_CAPS_B);
  if (vm->lend) {
    size_t size;
    vm->stack = pat_index_take(vm->lend, PAT_SCRATCH_STACK, &size);
    vm->stack_cap = size / sizeof(pat_frame);
  }
  if (!vm->block) return vm->status = ASSAY_ENOMEM;
  vm->layers = (doc_layer **)(void *)b; /* pointers first: aligned */
  b += sizeof(doc_layer *) * nl;
  vm->visited = (uint32_t *)(void *)b;
  b += sizeof(uint32_t) * np;
  vm->cache_pos = (int32_t *)(void *)b;
  b += sizeof(int32_t) * (na + 1);
  vm->cur = (int32_t *)(void *)b;
  b += sizeof(int32_t) * nc;
  vm->best_caps = (int32_t *)(void *)b;
  b += sizeof(int32_t) * nc;
  vm->cache_val = (uint8_t *)b;
  for (int i = 0; i < pat->natoms; i++) vm->cache_pos[i] = -1;
  for (int i = 0; i < pat->nlayers; i++)
    vm->layers[i] = doc_layer_find(doc, pat->layers[i]);
  return 0;
}

/* Gives back or frees what the scan holds. */
static void vm_done(pat_vm *vm) {
  vm_list_give(vm, &vm->a, PAT_SCRATCH_THREADS_A, PAT_SCRATCH_CAPS_A);
  vm_list_give(vm, &vm->b, PAT_SCRATCH_THREADS_B, PAT_SCRATCH_CAPS_B);
  vm_give(vm, PAT_SCRATCH_BLOCK, vm->block, vm->block_cap);
  vm_give(vm, PAT_SCRATCH_STACK, vm->stack, vm->stack_cap * sizeof(pat_frame));
  vm_give(vm, PAT_SCRATCH_WINDOWS, vm->wbits, vm->wbits_size);
  mem_free(&vm->alloc, vm->tbuf, vm->tcap);
  pcre2_match_data_free(vm->md);
  arena_release(&vm->steps);
}

/* Appends text to the trace buffer. */
static void vm_tprintf(pat_vm *vm, size_t *len, const char *fmt,
                       const char *s, uint32_t a, uint32_t b) {
  char tmp[64];
  int n = snprintf(tmp, sizeof tmp, fmt, a, b);
  size_t sl = s ? strlen(s) : 0;
  if (mem_grow(&vm->alloc, (void **)&vm->tbuf, &vm->tcap,
               *len + sl + (size_t)n + 2, 1)) {
    vm->status = ASSAY_ENOMEM;
    return;
  }
  if (sl) memcpy(vm->tbuf + *len, s, sl);
  memcpy(vm->tbuf + *len + sl, tmp, (size_t)n + 1);
  *len += sl + (size_t)n;
}

/* Writes the steps of a path, oldest first: "'to'@13 @actor:source@14-16".
 * The path is a list from the newest step, so it is copied and reversed. */
static const char *vm_trace_text(pat_vm *vm, const pat_step *last) {
  size_t len = 0, n = 0, cap = 0;
  const pat_step **v = NULL;
  for (const pat_step *s = last; s; s = s->prev) {
    if (mem_grow(&vm->alloc, (void **)&v, &cap, n + 1, sizeof *v)) {
      vm->status = ASSAY_ENOMEM;
      break;
    }
    v[n++] = s;
  }
  if (!mem_grow(&vm->alloc, (void **)&vm->tbuf, &vm->tcap, 1, 1))
    vm->tbuf[0] = 0;
  for (size_t i = n; i-- > 0 && !vm->status;) {
    const pat_inst *in = &vm->pat->prog[v[i]->pc];
    size_t j = i; /* a run of one repeated step prints as one range */
    while (j > 0 && v[j - 1]->pc == v[i]->pc && v[j - 1]->pos == v[j]->end)
      j--;
    const pat_atom *a = &vm->pat->atoms[in->x];
    if (len) vm_tprintf(vm, &len, " ", NULL, 0, 0);
    vm_tprintf(vm, &len, "", a->label, 0, 0);
    if (in->y >= 0) {
      vm_tprintf(vm, &len, ":", NULL, 0, 0);
      vm_tprintf(vm, &len, "", vm->pat->caps[in->y], 0, 0);
    }
    if (v[j]->end == v[i]->pos + 1)
      vm_tprintf(vm, &len, "@%u", NULL, v[i]->pos, 0);
    else
      vm_tprintf(vm, &len, "@%u-%u", NULL, v[i]->pos, v[j]->end - 1);
    i = j;
  }
  mem_free(&vm->alloc, v, cap * sizeof *v);
  return vm->tbuf ? vm->tbuf : "";
}

static int vm_report(pat_vm *vm,
                     int (*fn)(void *ud, const assay_pattern_match *m),
                     void *ud) {
  const assay_pattern *pat = vm->pat;
  assay_pattern_match m;
  m.first = vm->best_start;
  m.last = vm->best_end;
  m.ncaptures = pat->ncaps;
  m.captures = vm->best_caps;
  m.capture_ann = (const uint32_t *)(const void *)(vm->best_caps +
                                                   2 * pat->ncaps);
  m.trace = (vm->flags & PAT_TRACE) ? vm_trace_text(vm, vm->best_trace)
                                    : NULL;
  vm->matches++;
  vm->have = 0;
  if (vm->status) return vm->status;
  return fn ? fn(ud, &m) : ASSAY_OK;
}

/* Adds the thread that starts a match at pos, with every capture unset. */
static void vm_start_thread(pat_vm *vm, pat_list *l, uint32_t pos) {
  size_t nc = (size_t)vm->pat->ncaps;
  for (size_t i = 0; i < 2 * nc; i++) vm->cur[i] = -1;
  for (size_t i = 2 * nc; i < 3 * nc; i++) vm->cur[i] = 0;
  vm_push_thread(vm, l, 0, pos, pos, NULL, vm->cur);
}

/* Moves every thread one step: the threads at the smallest position run
 * (in priority order), the others keep their place in the list. */
static void vm_step_all(pat_vm *vm, pat_list *cur, pat_list *next,
                        uint32_t p) {
  vm->stamp++;
  next->n = 0;
  for (size_t i = 0; i < cur->n && !vm->status; i++) {
    pat_thread th = cur->t[i];
    /* A pattern without captures has no caps array (NULL + 0 is UB). */
    const int32_t *caps = vm->stride ? cur->caps + i * vm->stride : NULL;
    if (vm->have && th.start > vm->best_start) continue; /* not leftmost */
    if (th.pos != p)
      vm_push_thread(vm, next, th.pc, th.pos, th.start, th.trace, caps);
    else
      vm_closure(vm, &th, caps, next);
  }
}

/* Does some annotation of the layer pass the `@layer` atom a?  An atom
 * only passes where one of its annotations starts, so none: no match. */
static int vm_layer_present(pat_vm *vm, const pat_atom *a) {
  doc_layer *ly = vm->layers[a->layer];
  size_t n = 0;
  assay_annotation *const *items = ly ? doc_layer_items(ly, &n) : NULL;
  for (size_t i = 0; i < n; i++)
    if (vm_ann_ok(vm, a, items[i], items[i]->tfirst)) return 1;
  return 0;
}

/* Does every required atom pass somewhere in the document? */
static int vm_required(pat_vm *vm) {
  for (int k = 0; k < vm->pat->nrequired_layers; k++)
    if (!vm_layer_present(vm, &vm->pat->atoms[vm->pat->required_layers[k]]))
      return 0;
  for (int k = 0; k < vm->pat->nrequired; k++) {
    const pat_atom *a = &vm->pat->atoms[vm->pat->required[k]];
    if (vm->ix && a->nkeys > 0) { /* only the tokens with one of its forms */
      int found = 0;
      for (int j = 0; j < a->nkeys && !found; j++)
        for (uint32_t i = pat_index_first(vm->ix, &a->keys[j]);
             i != UINT32_MAX && !found; i = pat_index_next(vm->ix, i))
          found = vm_atom(vm, vm->pat->required[k], i);
      if (!found) return 0;
      continue;
    }
    /* The start memo says at once when another pattern has made it; a
     * pass that finds none makes it (all zero) for the next ones. */
    int id = vm->pat->required_memo[k] - 1, fresh;
    const uint64_t *bits = id >= 0 ? pat_index_memo_done(vm->ix, id) : NULL;
    if (bits) {
      if (vm_bits_next(vm, bits, 0) == UINT32_MAX) return 0;
      continue;
    }
    int lower_only;
    const uint64_t *only = vm->ix ? vm_candidates(vm, a, &lower_only) : NULL;
    uint32_t i = only ? vm_bits_next(vm, only, 0) : 0;
    while (i < vm->ntoks && !vm_atom(vm, vm->pat->required[k], i))
      i = only ? vm_bits_next(vm, only, i + 1) : i + 1;
    if (i >= vm->ntoks) {
      if (id >= 0) (void)pat_index_memo(vm->ix, id, &fresh);
      return 0;
    }
  }
  return 1;
}

static int vm_run(pat_vm *vm,
                  int (*fn)(void *ud, const assay_pattern_match *m),
                  void *ud) {
  pat_list *cur = &vm->a, *next = &vm->b, *tmp;
  if (!vm->explain && !vm_required(vm)) return ASSAY_OK;
  /* Only now: the start memo costs a pass over the document. */
  vm_anchor_init(vm);
  vm_keys_init(vm);
  uint32_t ns = vm_next_start(vm, 0); /* next position a match may start */
  int rc = ASSAY_OK;
  while (!vm->status) {
    if (cur->n == 0) {
      if (vm->have) {
        uint32_t start = vm->best_start, end = vm->best_end;
        rc = vm_report(vm, fn, ud);
        if (rc == PAT_REJECT) {
          rc = ASSAY_OK;
          ns = vm_next_start(vm, start + 1);
        } else if (rc != ASSAY_OK) {
          break;
        } else {
          ns = vm_next_start(vm, end);
        }
      }
      /* No thread is alive: their trace steps can go (explain keeps the
       * best failure's). */
      if (!vm->explain && vm->steps.head) arena_release(&vm->steps);
      if (ns >= vm->ntoks) break;
    }
    uint32_t p = UINT32_MAX;
    for (size_t i = 0; i < cur->n; i++)
      if (cur->t[i].pos < p) p = cur->t[i].pos;
    int add = !vm->have && ns < vm->ntoks && ns <= p;
    if (add) {
      p = ns;
      vm_start_thread(vm, cur, p); /* lowest priority: last */
    }
    vm_step_all(vm, cur, next, p);
    if (add) ns = vm_next_start(vm, p + 1);
    tmp = cur, cur = next, next = tmp;
  }
  if (rc == ASSAY_STOP) rc = ASSAY_OK;
  return vm->status ? vm->status : rc;
}

int pat_scan(const assay_pattern *pat, const assay_doc *doc, unsigned flags,
             int (*fn)(void *ud, const assay_pattern_match *m), void *ud,
             assay_error *err) {
  return pat_scan_indexed(pat, doc, NULL, flags, fn, ud, err);
}

int pat_scan_indexed(const assay_pattern *pat, const assay_doc *doc,
                     pat_index *ix, unsigned flags,
                     int (*fn)(void *ud, const assay_pattern_match *m),
                     void *ud, assay_error *err) {
  pat_vm vm;
  pat_err_reset(err);
  if (!pat || !doc) return ASSAY_EMISUSE;
  if (!doc->tokenized) {
    if (err) {
      err->status = ASSAY_EMISUSE;
      snprintf(err->message, sizeof err->message,
               "pattern scan: the document is not tokenized");
    }
    return ASSAY_EMISUSE;
  }
  int rc = vm_init(&vm, pat, doc, flags, ix);
  if (!rc && pat_index_covers(ix, doc)) vm.ix = ix; /* see vm_run */
  if (!rc) rc = vm_run(&vm, fn, ud);
  vm_done(&vm);
  if (rc < 0 && err) {
    err->status = rc;
    snprintf(err->message, sizeof err->message, "pattern scan: %s",
             rc == ASSAY_ENOMEM ? "out of memory" : assay_status_name(rc));
  }
  return rc;
}

int assay_pattern_scan(const assay_pattern *pat, const assay_doc *doc,
                       int (*fn)(void *ud, const assay_pattern_match *m),
                       void *ud, assay_error *err) {
  return pat_scan(pat, doc, 0, fn, ud, err);
}

/* ---- explain ----------------------------------------------------- */

typedef struct pat_out {
  char *buf;
  size_t size, len;
} pat_out;

static void out_printf(pat_out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void out_printf(pat_out *o, const char *fmt, ...) {
  va_list ap;
  if (o->len + 1 >= o->size) return;
  va_start(ap, fmt);
  int n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
  va_end(ap);
  if (n > 0) o->len += (size_t)n;
  if (o->len >= o->size) o->len = o->size - 1;
}

static int explain_match(void *ud, const assay_pattern_match *m) {
  pat_out *o = ud;
  out_printf(o, "%smatched tokens %u-%u: %s", o->len ? "\n" : "",
             (unsigned)m->first, (unsigned)m->last - 1,
             m->trace ? m->trace : "");
  return ASSAY_OK;
}

/* The text of token i, quoted, for messages. */
static void out_token(pat_out *o, const pat_vm *vm, uint32_t i) {
  if (i >= vm->ntoks) {
    out_printf(o, "the end of the text");
    return;
  }
  const assay_token *t = &vm->toks[i];
  int n = (int)(t->end - t->start);
  out_printf(o, "token %u '%.*s'", (unsigned)i, n > 60 ? 60 : n,
             vm->doc->text + t->start);
}

int pat_explain(const assay_pattern *pat, const assay_doc *doc, char *buf,
                size_t size) {
  pat_vm vm;
  pat_out o = {buf, size, 0};
  if (!pat || !doc || !buf || !size) return ASSAY_EMISUSE;
  buf[0] = 0;
  if (!doc->tokenized) return ASSAY_EMISUSE;
  int rc = vm_init(&vm, pat, doc, PAT_TRACE, NULL);
  vm.explain = 1;
  if (!rc) rc = vm_run(&vm, explain_match, &o);
  if (!rc && vm.matches == 0) {
    if (vm.fail_trace) {
      out_printf(&o, "no match; best attempt: matched %s; at ",
                 vm_trace_text(&vm, vm.fail_trace));
      out_token(&o, &vm, vm.fail_pos);
      out_printf(&o, " expected");
      for (int i = 0; i < vm.nfail; i++)
        out_printf(&o, "%s %s", i ? " or" : "",
                   pat->atoms[vm.fail_atoms[i]].label);
    } else {
      out_printf(&o, "no match: no token can start a match");
    }
  }
  rc = rc ? rc : (vm.status ? vm.status : vm.matches);
  vm_done(&vm);
  return rc;
}
