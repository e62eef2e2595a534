/*
 * test_pattern_diff.c -- differential test of the token pattern VM: random
 * patterns over a small alphabet, run by the VM and by a simple
 * backtracking reference written here, on random tokenized texts with
 * random annotations; every match span and capture must agree, also when
 * the VM starts from the document's index and start memo (flag and kind
 * atoms filled from the index's token bits).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "doc.h"
#include "pattern.h"

/* check.h's PRNG, by a short name */
static unsigned rnd(unsigned n) { return check_rnd(n); }

/* ---- the reference's syntax tree --------------------------------- */

enum { R_ATOM, R_BOS, R_EOS, R_SEQ, R_ALT, R_REP, R_CAP };
/* The @layer atoms last (A_LAYER on). */
enum { A_LA, A_LB, A_XB, A_ANY, A_RE, A_CLASS, A_UPPER, A_NOTB, A_PUNCT,
       A_UPB, A_LAYER, A_LAYERX, NATOMS };
static const char *const atom_src[NATOMS] = {
    "'a'", "'b'", "\"B\"", ".", "/^[bc]$/", "[lower=/^[ab]$/]", "[upper]",
    "[lower!=b]", "[kind=punct]", "[upper, lower=b]", "@L", "@L{k=x}"};

#define MAXKIDS 4
#define NCAP 3
typedef struct rnode {
  int type, atom, cap;
  int min, max, lazy;
  int nkids;
  struct rnode *kids[MAXKIDS];
} rnode;

static rnode pool[4096];
static int npool;

static rnode *mk(int type) {
  rnode *n = &pool[npool++];
  memset(n, 0, sizeof *n);
  n->type = type;
  return n;
}

static int has_cap(const rnode *n, int cap) {
  if (n->type == R_CAP && n->cap == cap) return 1;
  for (int i = 0; i < n->nkids; i++)
    if (has_cap(n->kids[i], cap)) return 1;
  return 0;
}

static rnode *gen(int depth) {
  unsigned r = rnd(depth > 3 ? 4 : 12);
  rnode *n;
  if (npool > 4000) r = 0;
  if (r < 3) {
    n = mk(R_ATOM);
    n->atom = (int)rnd(NATOMS);
  } else if (r == 3) {
    n = mk(rnd(2) ? R_BOS : R_EOS);
  } else if (r < 6) {
    n = mk(R_SEQ);
    n->nkids = 1 + (int)rnd(MAXKIDS);
    for (int i = 0; i < n->nkids; i++) n->kids[i] = gen(depth + 1);
  } else if (r < 8) {
    n = mk(R_ALT);
    n->nkids = 2 + (int)rnd(MAXKIDS - 1);
    for (int i = 0; i < n->nkids; i++) n->kids[i] = gen(depth + 1);
  } else if (r < 10) {
    n = mk(R_REP);
    n->nkids = 1;
    n->kids[0] = gen(depth + 1);
    static const int q[][2] = {{0, 1}, {0, -1}, {1, -1}, {2, 2},
                               {1, 3}, {0, 2}, {2, -1}};
    int k = (int)rnd(7);
    n->min = q[k][0];
    n->max = q[k][1];
    n->lazy = (int)rnd(2);
  } else {
    rnode *kid = gen(depth + 1);
    int cap = (int)rnd(NCAP);
    if (has_cap(kid, cap)) return kid; /* the compiler refuses nesting */
    n = mk(R_CAP);
    n->nkids = 1;
    n->kids[0] = kid;
    n->cap = cap;
  }
  return n;
}

static int nullable(const rnode *n) {
  int any = 0, all = 1;
  for (int i = 0; i < n->nkids; i++) {
    int k = nullable(n->kids[i]);
    any |= k;
    all &= k;
  }
  switch (n->type) {
  case R_ATOM: return 0;
  case R_BOS:
  case R_EOS: return 1;
  case R_ALT: return any;
  case R_REP: return n->min == 0 || all;
  default: return all;
  }
}

/* An unbounded repeat of a body that can match nothing: there a Pike VM
 * (like RE2) may pick other captures than a backtracking engine, because
 * a path that re-enters the loop without consuming is cut.  Spans agree. */
static int nullable_loop(const rnode *n) {
  if (n->type == R_REP && n->max < 0 && nullable(n->kids[0])) return 1;
  for (int i = 0; i < n->nkids; i++)
    if (nullable_loop(n->kids[i])) return 1;
  return 0;
}

/* Drops the captures "(...)" of a match list, keeping the spans. */
static void spans_only(char *s) {
  char *o = s;
  for (int depth = 0; *s; s++) {
    if (*s == '(') depth++;
    else if (*s == ')') depth--;
    else if (!depth) *o++ = *s;
  }
  *o = 0;
}

/* Renders the tree as pattern source; captures are named c0, c1, c2. */
static void render(const rnode *n, char *b, size_t *len, size_t size) {
#define PUT(...) (*len += (size_t)snprintf(b + *len, size - *len, __VA_ARGS__))
  switch (n->type) {
  case R_ATOM: PUT("%s", atom_src[n->atom]); break;
  case R_BOS: PUT("<s>"); break;
  case R_EOS: PUT("</s>"); break;
  case R_SEQ:
  case R_ALT:
    PUT("(");
    for (int i = 0; i < n->nkids; i++) {
      if (i) PUT(n->type == R_ALT ? " | " : " ");
      render(n->kids[i], b, len, size);
    }
    PUT(")");
    break;
  case R_REP:
  case R_CAP:
    PUT("(");
    render(n->kids[0], b, len, size);
    PUT(")");
    if (n->type == R_CAP) {
      PUT(":c%d", n->cap);
    } else {
      if (n->min == 0 && n->max == 1) PUT("?");
      else if (n->min == 0 && n->max < 0) PUT("*");
      else if (n->min == 1 && n->max < 0) PUT("+");
      else if (n->max < 0) PUT("{%d,}", n->min);
      else if (n->min == n->max) PUT("{%d}", n->min);
      else PUT("{%d,%d}", n->min, n->max);
      if (n->lazy) PUT("?");
    }
    break;
  }
#undef PUT
}

/* ---- the backtracking reference ---------------------------------- */

/* A state of a path: position, captures (first, last) and annotation. */
typedef struct rstate {
  int pos;
  int32_t caps[2 * NCAP];
  uint32_t ann[NCAP];
} rstate;

typedef struct rvec {
  rstate *v;
  size_t n, cap;
} rvec;

static int overflow;

static void rpush(rvec *o, const rstate *s) {
  if (o->n >= 200000) {
    overflow = 1;
    return;
  }
  if (o->n == o->cap) {
    o->cap = o->cap ? o->cap * 2 : 16;
    o->v = realloc(o->v, o->cap * sizeof(rstate));
  }
  o->v[o->n++] = *s;
}

static assay_doc *g_doc;
static const assay_token *g_toks;
static int g_ntoks;
static const assay_annotation *g_anns[64]; /* layer L in items order */
static int g_nanns;

static int ref_atom(int atom, int pos) {
  if (pos >= g_ntoks) return 0;
  const assay_token *t = &g_toks[pos];
  const char *text = g_doc->text + t->start;
  int len = (int)(t->end - t->start);
  switch (atom) {
  case A_LA: return strcmp(t->lower, "a") == 0;
  case A_LB: return strcmp(t->lower, "b") == 0;
  case A_XB: return len == 1 && text[0] == 'B';
  case A_ANY: return 1;
  case A_RE: return len == 1 && (text[0] == 'b' || text[0] == 'c');
  case A_CLASS: return strcmp(t->lower, "a") == 0 || strcmp(t->lower, "b") == 0;
  case A_UPPER: return (t->flags & ASSAY_TF_UPPER) != 0;
  case A_NOTB: return strcmp(t->lower, "b") != 0;
  case A_PUNCT: return t->kind == ASSAY_TOKEN_PUNCT;
  case A_UPB:
    return (t->flags & ASSAY_TF_UPPER) && strcmp(t->lower, "b") == 0;
  }
  return 0;
}

/* Is n, once compiled, a single @layer step (so a capture of it records
 * the annotation)? */
static const rnode *single_layer(const rnode *n) {
  while ((n->type == R_SEQ && n->nkids == 1) ||
         (n->type == R_REP && n->min == 1 && n->max == 1))
    n = n->kids[0];
  return n->type == R_ATOM && n->atom >= A_LAYER ? n : NULL;
}

static void ref(const rnode *n, const rstate *in, rvec *out, int ann_cap);

/* Iterations k.. of a repeat, in priority order; prev is where iteration
 * k began.  In an unbounded repeat, once the minimum is reached (counting
 * the iteration that reaches it) an iteration that matches nothing ends
 * the repeat: that is what the VM's one-thread-per-step rule does. */
static void ref_rep(const rnode *n, int k, int prev, const rstate *in,
                    rvec *out) {
  if (overflow) return;
  if ((n->max >= 0 && k == n->max) ||
      (n->max < 0 && k >= 1 && k == n->min && prev == in->pos)) {
    rpush(out, in);
    return;
  }
  int optional = k >= n->min;
  if (optional && n->lazy) rpush(out, in);
  rvec one = {0};
  ref(n->kids[0], in, &one, -1);
  for (size_t i = 0; i < one.n && !overflow; i++) {
    /* an optional iteration of an unbounded loop must consume */
    if (optional && n->max < 0 && one.v[i].pos == in->pos) continue;
    ref_rep(n, k + 1, in->pos, &one.v[i], out);
  }
  free(one.v);
  if (optional && !n->lazy) rpush(out, in);
}

/* All the ways n matches from state in, in priority order. */
static void ref(const rnode *n, const rstate *in, rvec *out, int ann_cap) {
  rstate s = *in;
  if (overflow) return;
  switch (n->type) {
  case R_ATOM:
    if (n->atom >= A_LAYER) {
      for (int i = 0; i < g_nanns; i++) {
        const assay_annotation *a = g_anns[i];
        if ((int)a->tfirst != in->pos || (int)a->tlast <= in->pos) continue;
        if (n->atom == A_LAYERX) {
          const assay_value *v = assay_annotation_get(a, "k");
          if (!v || strcmp(v->str, "x") != 0) continue;
        }
        s = *in;
        s.pos = (int)a->tlast;
        if (ann_cap >= 0) s.ann[ann_cap] = a->id;
        rpush(out, &s);
      }
    } else if (ref_atom(n->atom, in->pos)) {
      s.pos++;
      rpush(out, &s);
    }
    break;
  case R_BOS:
    if (in->pos == 0 || (in->pos < g_ntoks &&
                         (g_toks[in->pos].flags & ASSAY_TF_SENT_START)))
      rpush(out, &s);
    break;
  case R_EOS:
    if (in->pos == g_ntoks ||
        (in->pos > 0 &&
         g_toks[in->pos].sentence != g_toks[in->pos - 1].sentence))
      rpush(out, &s);
    break;
  case R_SEQ: {
    rvec cur = {0}, next = {0};
    rpush(&cur, in);
    for (int k = 0; k < n->nkids && !overflow; k++) {
      next.n = 0;
      int ac = n->nkids == 1 ? ann_cap : -1;
      for (size_t i = 0; i < cur.n && !overflow; i++)
        ref(n->kids[k], &cur.v[i], &next, ac);
      rvec t = cur;
      cur = next;
      next = t;
    }
    for (size_t i = 0; i < cur.n; i++) rpush(out, &cur.v[i]);
    free(cur.v);
    free(next.v);
    break;
  }
  case R_ALT:
    for (int k = 0; k < n->nkids; k++) ref(n->kids[k], in, out, -1);
    break;
  case R_REP:
    if (n->min == 1 && n->max == 1) {
      ref(n->kids[0], in, out, ann_cap);
      break;
    }
    ref_rep(n, 0, -1, in, out);
    break;
  case R_CAP: {
    rvec inner = {0};
    s.caps[2 * n->cap] = in->pos;
    s.ann[n->cap] = 0;
    ref(n->kids[0], &s, &inner, single_layer(n->kids[0]) ? n->cap : -1);
    for (size_t i = 0; i < inner.n; i++) {
      inner.v[i].caps[2 * n->cap] = in->pos;
      inner.v[i].caps[2 * n->cap + 1] = inner.v[i].pos;
      rpush(out, &inner.v[i]);
    }
    free(inner.v);
    break;
  }
  }
}

/* Writes every match of the reference: leftmost, longest, first in
 * priority, not overlapping, never empty. */
static void ref_scan(const rnode *root, const int *capmap, char *b,
                     size_t size) {
  size_t len = 0;
  b[0] = 0;
  for (int s = 0; s < g_ntoks && !overflow;) {
    rstate in;
    memset(&in, 0, sizeof in);
    in.pos = s;
    for (int i = 0; i < 2 * NCAP; i++) in.caps[i] = -1;
    rvec out = {0};
    ref(root, &in, &out, -1);
    const rstate *best = NULL;
    for (size_t i = 0; i < out.n; i++)
      if (out.v[i].pos > s && (!best || out.v[i].pos > best->pos))
        best = &out.v[i];
    if (!best) {
      free(out.v);
      s++;
      continue;
    }
    len += (size_t)snprintf(b + len, size - len, "%s%d-%d", len ? " " : "", s,
                            best->pos);
    for (int i = 0; i < NCAP; i++) { /* in the VM's capture order */
      int c = capmap[i];
      if (c < 0 || best->caps[2 * c] < 0) continue;
      len += (size_t)snprintf(b + len, size - len, "(c%d=%d-%d#%u)", c,
                              best->caps[2 * c], best->caps[2 * c + 1],
                              best->ann[c]);
    }
    s = best->pos;
    free(out.v);
  }
}

/* ---- the VM side ------------------------------------------------- */

typedef struct vout {
  char *b;
  size_t len, size;
  const assay_pattern *pat;
} vout;

static int vm_collect(void *ud, const assay_pattern_match *m) {
  vout *o = ud;
  o->len += (size_t)snprintf(o->b + o->len, o->size - o->len, "%s%u-%u",
                             o->len ? " " : "", (unsigned)m->first,
                             (unsigned)m->last);
  for (int i = 0; i < m->ncaptures; i++) {
    if (m->captures[2 * i] < 0) continue;
    o->len += (size_t)snprintf(o->b + o->len, o->size - o->len,
                               "(%s=%d-%d#%u)",
                               assay_pattern_capture_name(o->pat, i),
                               (int)m->captures[2 * i],
                               (int)m->captures[2 * i + 1],
                               (unsigned)m->capture_ann[i]);
  }
  return ASSAY_OK;
}

/* ---- documents --------------------------------------------------- */

static int cmp_items(const void *pa, const void *pb) {
  const assay_annotation *a = *(const assay_annotation *const *)pa;
  const assay_annotation *b = *(const assay_annotation *const *)pb;
  if (a->tfirst != b->tfirst) return a->tfirst < b->tfirst ? -1 : 1;
  uint32_t la = a->tlast - a->tfirst, lb = b->tlast - b->tfirst;
  if (la != lb) return la > lb ? -1 : 1;
  return a->id < b->id ? -1 : 1;
}

static assay_doc *random_doc(void) {
  static const char *const words[] = {"a", "b", "c", "A", "B", "a", "b"};
  char text[256];
  size_t len = 0;
  int n = (int)rnd(11);
  for (int i = 0; i < n; i++) {
    const char *w = rnd(8) == 0 ? "." : words[rnd(7)];
    len += (size_t)snprintf(text + len, sizeof text - len, "%s%s",
                            i ? " " : "", w);
  }
  assay_doc *doc = NULL;
  if (assay_doc_new(&doc, "d", text, len, NULL, NULL)) return NULL;
  assay_doc_tokenize(doc, NULL);
  size_t nt;
  const assay_token *t = assay_doc_tokens(doc, &nt);
  g_nanns = 0;
  for (int k = (int)rnd(5); k > 0 && nt > 0; k--) {
    size_t f = rnd((unsigned)nt), l = f + 1 + rnd(3);
    if (l > nt) l = nt;
    assay_annotation *a = NULL;
    assay_doc_annotate(doc, "L", t[f].start, t[l - 1].end, NULL, 0, &a);
    assay_annotation_set_string(a, "k", rnd(2) ? "x" : "y");
    g_anns[g_nanns++] = a;
  }
  qsort(g_anns, (size_t)g_nanns, sizeof *g_anns, cmp_items);
  g_doc = doc;
  g_toks = t;
  g_ntoks = (int)nt;
  return doc;
}

int main(void) {
  static char src[8192], want[8192], got[8192], fast[8192];
  int patterns = 0, runs = 0, skipped = 0, shown = 0, spans_compared = 0;
  for (int iter = 0; iter < 3000; iter++) {
    npool = 0;
    rnode *root = gen(0);
    size_t len = 0;
    render(root, src, &len, sizeof src);
    assay_pattern *pat = NULL;
    assay_error err;
    int rc = assay_pattern_new(&pat, src, NULL, &err);
    if (rc == ASSAY_ELIMIT) continue;
    if (rc) fprintf(stderr, "cannot compile %s: %s\n", src, err.message);
    CHECK_INT(rc, ASSAY_OK);
    if (rc) continue;
    patterns++;
    /* capture c<i> has VM index capmap[i]... map by name instead */
    int capmap[NCAP];
    for (int i = 0; i < NCAP; i++) capmap[i] = -1;
    for (int i = 0; i < assay_pattern_capture_count(pat); i++)
      capmap[i] = assay_pattern_capture_name(pat, i)[1] - '0';
    /* A fresh index per pattern: memo ids belong to one pack. */
    pat_index *ix = pat_index_new(NULL);
    CHECK(ix != NULL);
    CHECK_INT(pat_index_memo_init(ix, pat_assign_memo_ids(&pat, 1)), 0);
    for (int d = 0; d < 8 && ix; d++) {
      assay_doc *doc = random_doc();
      overflow = 0;
      ref_scan(root, capmap, want, sizeof want);
      vout o = {got, 0, sizeof got, pat};
      got[0] = 0;
      CHECK_INT(assay_pattern_scan(pat, doc, vm_collect, &o, NULL), ASSAY_OK);
      vout f = {fast, 0, sizeof fast, pat};
      fast[0] = 0;
      CHECK_INT(pat_index_build(ix, doc), ASSAY_OK);
      CHECK_INT(pat_scan_indexed(pat, doc, ix, 0, vm_collect, &f, NULL),
                ASSAY_OK);
      if (nullable_loop(root)) {
        spans_only(want);
        spans_only(got);
        spans_only(fast);
        spans_compared++;
      }
      if (overflow) {
        skipped++;
      } else {
        runs++;
        if (strcmp(want, got) != 0 && shown++ < 10) {
          fprintf(stderr, "pattern %s\n  text '%s' (%d annotations)\n"
                          "  reference %s\n  vm        %s\n",
                  src, g_doc->text, g_nanns, want, got);
        }
        CHECK_STR(got, want);
        if (strcmp(want, fast) != 0 && shown++ < 10)
          fprintf(stderr, "pattern %s\n  text '%s'\n  reference %s\n"
                          "  indexed   %s\n",
                  src, g_doc->text, want, fast);
        CHECK_STR(fast, want);
      }
      assay_doc_free(doc);
    }
    pat_index_free(ix);
    assay_pattern_free(pat);
  }
  printf("%d patterns, %d runs compared (%d on spans only), %d skipped "
         "(reference too slow)\n",
         patterns, runs, spans_compared, skipped);
  return check_summary();
}
