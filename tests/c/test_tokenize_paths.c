/*
 * test_tokenize_paths.c -- the tokenizer's fast paths against its general
 * path.  tok_run_paths(TOK_PATHS_GENERAL) cuts every token a code point at
 * a time; the fast paths (plain ASCII words read sixteen bytes at a time,
 * one-byte punctuation) must give the same tokens, forms, flags,
 * sentences and paragraphs on any text.  Texts: the edge cases of the
 * other tokenizer tests, the Sony example articles, and seeded random
 * texts built from the pieces the fast paths must hand over (joiners,
 * periods, clitics, URLs, CRLF, non-ASCII, invalid bytes), each behind 0
 * to 63 bytes of padding, so that every piece falls at every offset
 * against the fast paths' 16-byte reads.
 *
 * `test_tokenize_paths FILE...` compares the given files instead (each
 * cut at blank lines into articles): for checking on a large corpus.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "doc.h"
#include "input.h"
#include "tokenize.h"

static size_t texts_compared, tokens_compared;

/* Reports the first difference of two token lists of text; 0 if none. */
static int diff_lists(const char *text, size_t len, const tok_list *a,
                      const tok_list *b) {
  if (a->ntokens != b->ntokens || a->nsents != b->nsents ||
      a->nparas != b->nparas || a->invalid != b->invalid) {
    fprintf(stderr, "counts differ: tokens %zu/%zu sentences %zu/%zu "
            "paragraphs %zu/%zu invalid %zu/%zu\n", a->ntokens, b->ntokens,
            a->nsents, b->nsents, a->nparas, b->nparas, a->invalid,
            b->invalid);
  }
  size_t n = a->ntokens < b->ntokens ? a->ntokens : b->ntokens;
  for (size_t i = 0; i < n; i++) {
    const assay_token *x = &a->tokens[i], *y = &b->tokens[i];
    if (x->start != y->start || x->end != y->end || x->kind != y->kind ||
        x->flags != y->flags || x->lower_len != y->lower_len ||
        x->sentence != y->sentence || strcmp(x->lower, y->lower) != 0 ||
        strcmp(x->shape, y->shape) != 0) {
      size_t from = x->start > 20 ? x->start - 20 : 0;
      size_t to = x->end + 20 < len ? x->end + 20 : len;
      fprintf(stderr,
              "token %zu differs in \"%.*s\":\n"
              "  fast    %u-%u kind %u flags %#x lower \"%s\" (%u) shape "
              "\"%s\" sentence %u\n"
              "  general %u-%u kind %u flags %#x lower \"%s\" (%u) shape "
              "\"%s\" sentence %u\n",
              i, (int)(to - from), text + from, x->start, x->end, x->kind,
              x->flags, x->lower, x->lower_len, x->shape, x->sentence,
              y->start, y->end, y->kind, y->flags, y->lower, y->lower_len,
              y->shape, y->sentence);
      return 1;
    }
  }
  if (a->ntokens != b->ntokens) return 1;
  for (size_t i = 0; i < a->nsents; i++)
    if (memcmp(&a->sents[i], &b->sents[i], sizeof *a->sents) != 0) {
      fprintf(stderr, "sentence %zu differs\n", i);
      return 1;
    }
  for (size_t i = 0; i < a->nparas; i++)
    if (memcmp(&a->paras[i], &b->paras[i], sizeof *a->paras) != 0) {
      fprintf(stderr, "paragraph %zu differs\n", i);
      return 1;
    }
  return a->nsents != b->nsents || a->nparas != b->nparas ||
         a->invalid != b->invalid;
}

/* Cuts text both ways; a CHECK that they agree.  Returns 0 when they do. */
static int compare(const assay_tokenizer *tz, const char *text, size_t len) {
  tok_list fast, general;
  tok_list_init(&fast, NULL);
  tok_list_init(&general, NULL);
  CHECK_INT(tok_run_paths(tz, text, len, &fast, TOK_PATHS_ALL), ASSAY_OK);
  CHECK_INT(tok_run_paths(tz, text, len, &general, TOK_PATHS_GENERAL),
            ASSAY_OK);
  int differ = diff_lists(text, len, &fast, &general);
  CHECK_INT(differ, 0);
  texts_compared++;
  tokens_compared += general.ntokens;
  tok_list_clear(&fast);
  tok_list_clear(&general);
  return differ;
}

/* Pieces of text the random texts are made of: the usual (words, spaces)
 * weighted up, and every kind of token the fast paths must hand over to
 * the general path or must not break. */
static const char *const pieces[] = {
    " ", " ", " ", " ", " ", " ", "  ", "\n", "\n\n", "\r\n", "\r", "\t",
    "said", "Sony", "SONY", "the", "a", "I", "iPhone", "A380", "4Q", "x",
    "Pictures", "Entertainment", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    "1", "2014", "12", "1,000", "3,4", "8:45", "9.5", "4.5bn", "$", "%",
    ",", ",", ".", ".", ". ", ".\n", "!", "?", ";", ":", "(", ")", "[", "]",
    "\"", "'", "`", "-", "--", "...", "..", "/", "&", "@", "_", "+", "#",
    "'s", "'S", "n't", "'re", "'ll", "'m", "'d", "'ve", "o'clock",
    "Mr.", "Dr.", "U.S.", "e.g.", "a.m.", "J.", "Mass.", "Wed.", "Ark.",
    "Inc.", "Corp.", "No.", "http://x.com/a?b=c", "https://www.sony.com.",
    "www.x.org", "ftp:", "http:", "e@x.org", "a.b@c.co.uk", "Amazon.com",
    "Re/code", "and/or", "Jong-un", "AT&T", "x_y", "a-b", "9/11",
    "12/17/2014", "\xe2\x80\x99", "\xe2\x80\x99s", "\xe2\x80\x9c",
    "\xe2\x80\x9d", "\xe2\x80\x94", "\xe2\x80\xa6", "\xc2\xa0",
    "\xe2\x80\xa9", "caf\xc3\xa9", "\xc3\x89tienne", "x\xcc\x81",
    "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd", "\xff", "\xfe\xfe", "\xc3",
    "\xe2\x80", "\x01", "\x7f", "\xef\xbb\xbf", "\x0b", "\x0c",
    "HEADLINE WORDS\n", "Headline Of The Day\n",
};
#define NPIECES (sizeof pieces / sizeof *pieces)

static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint64_t rng(void) { /* xorshift64*: the same texts every run */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 2685821657736338717u;
}

/* Random texts of 1 to 600 bytes, pieces glued with and without spaces,
 * behind 0 to 63 bytes of padding. */
static void random_texts(const assay_tokenizer *tz, int count) {
  char buf[1024];
  int failures = 0;
  for (int k = 0; k < count && failures < 5; k++) {
    size_t pad = (size_t)(rng() % 64), len = pad;
    memset(buf, ' ', pad);
    size_t want = 1 + (size_t)(rng() % 600);
    while (len < pad + want) {
      const char *p = pieces[rng() % NPIECES];
      size_t n = strlen(p);
      if (len + n + 1 >= sizeof buf) break;
      memcpy(buf + len, p, n);
      len += n;
      if (rng() % 3) buf[len++] = ' ';
    }
    failures += compare(tz, buf, len);
  }
}

/* The edge-case texts of the other tokenizer tests. */
static const char *const edges[] = {
    "A380 iPhone McDonald's SAID said. Mr. J. Smith met 4bn. x123 ABCdef Q3,\n",
    "See http://x.com or ftp:a, HTTPS: and www.x.org; 1,000 8:45 10, 7: 12:x "
    "3,4 5,67.\n",
    "I'm sure Sony's SONY'S don't can't o'clock Ark. \"Yes,\" she said. `x` "
    "... -- - . , (a)\n\nBoston, Mass. Wed. night U.S. e.g. a.m. JOHN'S x_y "
    "a-b a/b AT&T e@x.org 9.5 x.\n",
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzab said:\r\nThe "
    "End\xe2\x80\x99s 5\xe2\x80\x94",
    "abcdefghijklmno abcdefghijklmnop abcdefghijklmnopq ABCDEFGHIJKLMNOP "
    "Abcdefghijklmnop abcdefghijklmnoP 4Q Q4 q4 4q 1234567890123456 "
    "12345678901234567890, 3,000 9.5 U.S. Jong-un AT&T e@x.org",
    "Headline Of The Day\nThe first line of the story, which is long enough "
    "to be prose and not a headline at all, ends here. It goes on.\n\nNew "
    "paragraph. Dr. Who met U.S. officials. \"Quote.\" (Aside.) End!",
    "",
    " ",
    "x",
    "\n\n\n",
};

/* A file as a document loads it; NULL (and a message) when it cannot. */
static assay_doc *load(const char *path) {
  in_options opt = {NULL, (size_t)1 << 40, NULL};
  assay_doc *doc = NULL;
  assay_error err;
  if (in_load_file(path, &opt, &doc, &err) == ASSAY_OK) return doc;
  fprintf(stderr, "%s: %s\n", path, err.message);
  return NULL;
}

/* Each article of a file (cut at blank lines), compared. */
static void compare_file(const assay_tokenizer *tz, const char *path) {
  assay_doc *doc = load(path);
  CHECK(doc != NULL);
  if (!doc) return;
  size_t len = 0;
  const char *text = assay_doc_text(doc, &len);
  size_t a = 0;
  int failures = 0;
  while (a < len && failures < 5) {
    size_t b = a;
    while (b < len && !(text[b] == '\n' && b + 1 < len && text[b + 1] == '\n'))
      b++;
    if (b < len) b++; /* the article keeps its last newline */
    failures += compare(tz, text + a, b - a);
    a = b + 1;
  }
  assay_doc_free(doc);
}

int main(int argc, char **argv) {
  assay_tokenizer *tz = NULL;
  CHECK_INT(assay_tokenizer_new(&tz, NULL, NULL), ASSAY_OK);
  if (argc > 1) {
    for (int k = 1; k < argc; k++) compare_file(tz, argv[k]);
  } else {
    for (size_t k = 0; k < sizeof edges / sizeof *edges; k++)
      compare(tz, edges[k], strlen(edges[k]));
    static const char *const sony[] = {
        "000_0c653dbc88194f72", "001_d74339bb62a7fb22", "002_361d130a97f37a24",
        "003_d294ee369837706a", "004_d87709cc2959cab9"};
    for (size_t k = 0; k < sizeof sony / sizeof *sony; k++) {
      char path[512];
      snprintf(path, sizeof path, "%s/examples/sony/%s.txt", ASSAY_SOURCE_DIR,
               sony[k]);
      assay_doc *doc = load(path);
      CHECK(doc != NULL);
      if (doc) {
        size_t len = 0;
        const char *text = assay_doc_text(doc, &len);
        CHECK(len > 1000); /* an article, not an empty text */
        compare(tz, text, len);
      }
      assay_doc_free(doc);
    }
    /* Without a tokenizer too: the built-in abbreviations only. */
    compare(NULL, edges[2], strlen(edges[2]));
    random_texts(tz, 20000);
  }
  fprintf(stderr, "%zu texts, %zu tokens compared\n", texts_compared,
          tokens_compared);
  assay_tokenizer_free(tz);
  return check_summary();
}
