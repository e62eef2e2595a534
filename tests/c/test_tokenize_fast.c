/*
 * test_tokenize_fast.c -- the tokenizer's fast paths (plain ASCII words,
 * one-byte punctuation) against the general path's results on their edges:
 * case and shape of mixed words, clitics, periods, digit joiners, URLs.
 */
#include <stdio.h>
#include <string.h>

#include "assay.h"
#include "check.h"

/* Texts whose tokens sit on the borders between the fast paths and the
 * general one. */
static const char *const texts[] = {
    "A380 iPhone McDonald's SAID said. Mr. J. Smith met 4bn. x123 ABCdef Q3,\n",
    "See http://x.com or ftp:a, HTTPS: and www.x.org; 1,000 8:45 10, 7: 12:x "
    "3,4 5,67.\n",
    "I'm sure Sony's SONY'S don't can't o'clock Ark. \"Yes,\" she said. `x` "
    "... -- - . , (a)\n\n"
    "Boston, Mass. Wed. night U.S. e.g. a.m. JOHN'S x_y a-b a/b AT&T e@x.org "
    "9.5 x.\n",
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzab said:\r\nThe "
    "End\xe2\x80\x99s 5\xe2\x80\x94",
};

/* The tokens as the tokenizer gave them before the fast paths existed:
 * text, start, end, kind, flags, lower, shape. */
static const struct {
  unsigned text, start, end, kind, flags;
  const char *lower, *shape;
} expected[] = {
    {0, 0, 4, 0, 0xeb, "a380", "Xddd"},
    {0, 5, 11, 0, 0x10, "iphone", "xXxxxx"},
    {0, 12, 20, 0, 0x10, "mcdonald", "XxXxxxx"},
    {0, 20, 22, 0, 0x4, "'s", "'x"},
    {0, 23, 27, 0, 0x12, "said", "XXXX"},
    {0, 28, 32, 0, 0x14, "said", "xxxx"},
    {0, 32, 33, 2, 0x0, ".", "."},
    {0, 34, 37, 0, 0x151, "mr.", "Xx."},
    {0, 38, 40, 0, 0x113, "j.", "X."},
    {0, 41, 46, 0, 0x11, "smith", "Xxxxx"},
    {0, 47, 50, 0, 0x14, "met", "xxx"},
    {0, 51, 54, 1, 0x1c, "4bn", "dxx"},
    {0, 54, 55, 2, 0x0, ".", "."},
    {0, 56, 60, 0, 0x1c, "x123", "xddd"},
    {0, 61, 67, 0, 0x10, "abcdef", "XXXxxx"},
    {0, 68, 70, 0, 0x1b, "q3", "Xd"},
    {0, 70, 71, 2, 0x0, ",", ","},
    {1, 0, 3, 0, 0xe1, "see", "Xxx"},
    {1, 4, 16, 4, 0x14, "http://x.com", "xxxx://x.xxx"},
    {1, 17, 19, 0, 0x14, "or", "xx"},
    {1, 20, 23, 0, 0x14, "ftp", "xxx"},
    {1, 23, 24, 2, 0x0, ":", ":"},
    {1, 24, 25, 0, 0x4, "a", "x"},
    {1, 25, 26, 2, 0x0, ",", ","},
    {1, 27, 32, 0, 0x12, "https", "XXXX"},
    {1, 32, 33, 2, 0x0, ":", ":"},
    {1, 34, 37, 0, 0x14, "and", "xxx"},
    {1, 38, 47, 4, 0x14, "www.x.org", "xxx.x.xxx"},
    {1, 47, 48, 2, 0x0, ";", ";"},
    {1, 49, 54, 1, 0x18, "1,000", "d,ddd"},
    {1, 55, 59, 1, 0x18, "8:45", "d:dd"},
    {1, 60, 62, 1, 0x18, "10", "dd"},
    {1, 62, 63, 2, 0x0, ",", ","},
    {1, 64, 65, 1, 0x18, "7", "d"},
    {1, 65, 66, 2, 0x0, ":", ":"},
    {1, 67, 69, 1, 0x18, "12", "dd"},
    {1, 69, 70, 2, 0x0, ":", ":"},
    {1, 70, 71, 0, 0x4, "x", "x"},
    {1, 72, 73, 1, 0x18, "3", "d"},
    {1, 73, 74, 2, 0x0, ",", ","},
    {1, 74, 75, 1, 0x8, "4", "d"},
    {1, 76, 77, 1, 0x18, "5", "d"},
    {1, 77, 78, 2, 0x0, ",", ","},
    {1, 78, 80, 1, 0x8, "67", "dd"},
    {1, 80, 81, 2, 0x0, ".", "."},
    {2, 0, 1, 0, 0xe3, "i", "X"},
    {2, 1, 3, 0, 0x4, "'m", "'x"},
    {2, 4, 8, 0, 0x14, "sure", "xxxx"},
    {2, 9, 13, 0, 0x11, "sony", "Xxxx"},
    {2, 13, 15, 0, 0x4, "'s", "'x"},
    {2, 16, 20, 0, 0x12, "sony", "XXXX"},
    {2, 20, 22, 0, 0x3, "'s", "'X"},
    {2, 23, 25, 0, 0x14, "do", "xx"},
    {2, 25, 28, 0, 0x4, "n't", "x'x"},
    {2, 29, 31, 0, 0x14, "ca", "xx"},
    {2, 31, 34, 0, 0x4, "n't", "x'x"},
    {2, 35, 42, 0, 0x14, "o'clock", "x'xxxx"},
    {2, 43, 46, 0, 0x11, "ark", "Xxx"},
    {2, 46, 47, 2, 0x0, ".", "."},
    {2, 48, 49, 2, 0x250, "\"", "\""},
    {2, 49, 52, 0, 0x1, "yes", "Xxx"},
    {2, 52, 53, 2, 0x0, ",", ","},
    {2, 53, 54, 2, 0x200, "\"", "\""},
    {2, 55, 58, 0, 0x14, "she", "xxx"},
    {2, 59, 63, 0, 0x14, "said", "xxxx"},
    {2, 63, 64, 2, 0x0, ".", "."},
    {2, 65, 66, 3, 0x250, "`", "`"},
    {2, 66, 67, 0, 0x4, "x", "x"},
    {2, 67, 68, 3, 0x200, "`", "`"},
    {2, 69, 72, 2, 0x10, "...", "..."},
    {2, 73, 75, 2, 0x10, "--", "--"},
    {2, 76, 77, 2, 0x10, "-", "-"},
    {2, 78, 79, 2, 0x10, ".", "."},
    {2, 80, 81, 2, 0x10, ",", ","},
    {2, 82, 83, 2, 0x10, "(", "("},
    {2, 83, 84, 0, 0x4, "a", "x"},
    {2, 84, 85, 2, 0x0, ")", ")"},
    {2, 87, 93, 0, 0xf1, "boston", "Xxxxx"},
    {2, 93, 94, 2, 0x0, ",", ","},
    {2, 95, 100, 0, 0x111, "mass.", "Xxxx."},
    {2, 101, 105, 0, 0x151, "wed.", "Xxx."},
    {2, 106, 111, 0, 0x14, "night", "xxxx"},
    {2, 112, 116, 0, 0x112, "u.s.", "X.X."},
    {2, 117, 121, 0, 0x114, "e.g.", "x.x."},
    {2, 122, 126, 0, 0x114, "a.m.", "x.x."},
    {2, 127, 131, 0, 0x52, "john", "XXXX"},
    {2, 131, 133, 0, 0x3, "'s", "'X"},
    {2, 134, 137, 0, 0x14, "x_y", "x_x"},
    {2, 138, 141, 0, 0x14, "a-b", "x-x"},
    {2, 142, 145, 0, 0x14, "a/b", "x/x"},
    {2, 146, 150, 0, 0x12, "at&t", "XX&X"},
    {2, 151, 158, 5, 0x14, "e@x.org", "x@x.xxx"},
    {2, 159, 162, 1, 0x18, "9.5", "d.d"},
    {2, 163, 164, 0, 0x14, "x", "x"},
    {2, 164, 165, 2, 0x0, ".", "."},
    {3, 0, 54, 0, 0xe4, "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzab", "xxxx"},
    {3, 55, 59, 0, 0x14, "said", "xxxx"},
    {3, 59, 60, 2, 0x0, ":", ":"},
    {3, 62, 65, 0, 0x31, "the", "Xxx"},
    {3, 66, 69, 0, 0x11, "end", "Xxx"},
    {3, 69, 73, 0, 0x4, "’s", "’x"},
    {3, 74, 75, 1, 0x18, "5", "d"},
    {3, 75, 78, 2, 0x0, "—", "—"},
};

int main(void) {
  assay_tokenizer *tz = NULL;
  assay_error err;
  CHECK_INT(assay_tokenizer_new(&tz, NULL, &err), ASSAY_OK);
  size_t e = 0, nexp = sizeof expected / sizeof *expected;
  for (unsigned k = 0; k < sizeof texts / sizeof *texts; k++) {
    assay_tokens *tk = NULL;
    CHECK_INT(assay_tokenize(tz, texts[k], strlen(texts[k]), &tk, &err),
              ASSAY_OK);
    size_t n = 0, want = 0;
    const assay_token *t = assay_tokens_get(tk, &n);
    for (size_t x = e; x < nexp && expected[x].text == k; x++) want++;
    CHECK_INT(n, want);
    for (size_t i = 0; i < n && i < want; i++, e++) {
      CHECK_INT(t[i].start, expected[e].start);
      CHECK_INT(t[i].end, expected[e].end);
      CHECK_INT(t[i].kind, expected[e].kind);
      CHECK_INT(t[i].flags, expected[e].flags);
      CHECK_STR(t[i].lower, expected[e].lower);
      CHECK_STR(t[i].shape, expected[e].shape);
      CHECK_INT(t[i].lower_len, strlen(expected[e].lower));
    }
    for (size_t i = n; i < want; i++) e++;
    assay_tokens_free(tk);
  }
  assay_tokenizer_free(tz);
  return check_summary();
}
