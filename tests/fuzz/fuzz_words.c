/*
 * fuzz_words.c -- libFuzzer target for the finite regexes of token tests
 * (pattern_words.c): the input between `^` and `$` is a regex; when the
 * expander makes it a word set, PCRE2 must compile it and agree with the
 * set on every word and on strings one edit away from the words.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "pattern.h"

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

typedef struct fz_set {
  pcre2_code *re;
  pcre2_match_data *md;
  pcre2_match_context *mc; /* a match limit: `(|a){20}` backtracks long */
  const char **words; /* sorted */
  size_t n;
} fz_set;

/* Set and regex must agree on s (but on invalid UTF-8, which PCRE2 does
 * not take as a subject; a word of raw bytes can be one). */
static void agree(const fz_set *f, const char *s, size_t len) {
  char buf[300];
  if (len >= sizeof buf)
    return;
  memcpy(buf, s, len);
  buf[len] = '\0';
  if (memchr(buf, '\0', len))
    return; /* words hold no NUL */
  const char *key = buf;
  int in = bsearch(&key, f->words, f->n, sizeof *f->words, cmp_str) != NULL;
  int rc = pcre2_match(f->re, (PCRE2_SPTR)buf, len, 0, 0, f->md, f->mc);
  if (rc < 0 && rc != PCRE2_ERROR_NOMATCH)
    return; /* also the match limit */
  if (in != (rc >= 0))
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 512)
    return 0;
  char *re = malloc(size + 2);
  if (!re)
    return 0;
  re[0] = '^';
  memcpy(re + 1, data, size);
  re[size + 1] = '$';
  pat_words w;
  int rc = pat_regex_words(NULL, re, size + 2, &w);
  if (rc == 1) {
    int code;
    PCRE2_SIZE off;
    fz_set f = {0};
    f.re = pcre2_compile((PCRE2_SPTR)re, size + 2, PCRE2_UTF | PCRE2_UCP,
                         &code, &off, NULL);
    /* raw bytes that are not UTF-8 are literals to the set (as they were
     * to the literal alternations before it); any other error is a bug */
    if (!f.re && (code > PCRE2_ERROR_UTF8_ERR1 || code < PCRE2_ERROR_UTF8_ERR21))
      abort();
    f.md = f.re ? pcre2_match_data_create_from_pattern(f.re, NULL) : NULL;
    f.mc = pcre2_match_context_create(NULL);
    if (f.mc)
      pcre2_set_match_limit(f.mc, 20000);
    f.words = malloc((size_t)w.n * sizeof *f.words);
    if (f.md && f.mc && f.words) {
      const char *p = w.buf;
      for (int i = 0; i < w.n; i++, p += strlen(p) + 1)
        f.words[i] = p;
      f.n = (size_t)w.n;
      qsort(f.words, f.n, sizeof *f.words, cmp_str);
      for (size_t i = 1; i < f.n; i++)
        if (strcmp(f.words[i - 1], f.words[i]) == 0)
          abort(); /* duplicates are removed */
      static const char extra[] = "0a.-";
      for (size_t i = 0; i < f.n && i < 256; i++) {
        char s[300];
        size_t len = strlen(f.words[i]);
        agree(&f, f.words[i], len);
        if (len)
          agree(&f, f.words[i], len - 1);
        for (size_t k = 0; k < sizeof extra - 1; k++) {
          memcpy(s, f.words[i], len);
          s[len] = extra[k];
          agree(&f, s, len + 1);
          if (len) {
            s[0] = extra[k];
            agree(&f, s, len);
          }
        }
      }
    }
    free(f.words);
    pcre2_match_data_free(f.md);
    pcre2_match_context_free(f.mc);
    pcre2_code_free(f.re);
    mem_free(NULL, w.buf, w.len);
  } else if (rc != 0) {
    abort(); /* no allocator failure here */
  }
  free(re);
  return 0;
}
