/*
 * test_text.c -- UTF-8 validation, byte <-> code point offsets, case
 * folding, and the internal decoder of text.h, table-driven.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "assay.h"
#include "check.h"
#include "text.h"

static void test_valid(void) {
  static const struct {
    const char *s;
    int valid;
    size_t bad_at;
  } table[] = {
      {"", 1, 0},
      {"plain ascii", 1, 11},
      {"Sony\xE2\x80\x99s", 1, 8},          /* ’ */
      {"\xF0\x9F\x91\x8D ok", 1, 7},        /* 👍 */
      {"ab\xFF", 0, 2},                     /* never valid */
      {"\xC0\xAF", 0, 0},                   /* overlong / */
      {"\xE0\x80\xAF", 0, 0},               /* overlong, 3 bytes */
      {"x\xED\xA0\x80", 0, 1},              /* surrogate D800 */
      {"\xF4\x90\x80\x80", 0, 0},           /* past U+10FFFF */
      {"ok\xE2\x82", 0, 2},                 /* truncated */
      {"\x80", 0, 0},                       /* stray continuation */
      {"\xC3\xA9\xC3", 0, 2},
  };
  for (size_t k = 0; k < sizeof table / sizeof *table; k++) {
    size_t bad = 999;
    CHECK_INT(assay_text_valid_utf8(table[k].s, strlen(table[k].s), &bad),
              table[k].valid);
    CHECK_INT(bad, table[k].bad_at);
  }
  CHECK_INT(assay_text_valid_utf8("a\0b", 3, NULL), 1);
}

static void test_offsets(void) {
  /* "Zürich ’s 👍": Z ü r i c h space ’ s space 👍 */
  const char *s = "Z\xC3\xBCrich \xE2\x80\x99s \xF0\x9F\x91\x8D";
  size_t len = strlen(s);
  static const struct { size_t byte, chr; } table[] = {
      {0, 0}, {1, 1}, {3, 2}, {7, 6}, {8, 7}, {11, 8}, {12, 9}, {13, 10},
      {17, 11}};
  CHECK_INT(len, 17);
  for (size_t k = 0; k < sizeof table / sizeof *table; k++) {
    CHECK_INT(assay_text_char_offset(s, len, table[k].byte), table[k].chr);
    CHECK_INT(assay_text_byte_offset(s, len, table[k].chr), table[k].byte);
  }
  CHECK_INT(assay_text_char_offset(s, len, 1000), 11); /* clamped */
  CHECK_INT(assay_text_byte_offset(s, len, 1000), 17);
  /* Invalid bytes count as one code point each. */
  CHECK_INT(assay_text_char_offset("a\xFF\xFE" "b", 4, 4), 4);
  CHECK_INT(assay_text_byte_offset("a\xFF\xFE" "b", 4, 3), 3);
  /* A truncated sequence at the end: each byte is one unit. */
  CHECK_INT(assay_text_char_offset("a\xE2\x82", 3, 3), 3);
}

static void test_fold(void) {
  static const struct { const char *in, *out; } table[] = {
      {"Sony", "sony"},
      {"U.S. OFFICIALS", "u.s. officials"},
      {"Stra\xC3\x9F" "e", "strasse"},                    /* ß -> ss */
      {"\xC3\x89" "COLE", "\xC3\xA9" "cole"},              /* ÉCOLE */
      {"e\xCC\x81", "\xC3\xA9"},                           /* NFC compose */
      {"\xE2\x80\x99", "\xE2\x80\x99"},                    /* ’ unchanged */
      {"", ""},
  };
  for (size_t k = 0; k < sizeof table / sizeof *table; k++) {
    size_t n = 999;
    char *f = assay_text_fold(table[k].in, strlen(table[k].in), &n);
    CHECK_STR(f, table[k].out);
    if (f) CHECK_INT(n, strlen(table[k].out));
    assay_free(f);
  }
  CHECK(assay_text_fold("ab\xFF", 3, NULL) == NULL);
  assay_free(NULL);
}

static void test_decode_and_class(void) {
  static const struct {
    const char *s;
    size_t len;
    int32_t cp;
    int cls;
  } table[] = {
      {"A", 1, 'A', TEXT_UPPER},
      {"z", 1, 'z', TEXT_LOWER},
      {"7", 1, '7', TEXT_DIGIT},
      {",", 1, ',', TEXT_PUNCT},
      {"$", 1, '$', TEXT_SYMBOL},
      {"\n", 1, '\n', TEXT_SPACE},
      {"\xC2\xA0", 2, 0xA0, TEXT_SPACE},          /* NBSP */
      {"\xE2\x80\x89", 3, 0x2009, TEXT_SPACE},    /* thin space */
      {"\xE2\x80\x94", 3, 0x2014, TEXT_PUNCT},    /* em dash */
      {"\xE2\x80\x9C", 3, 0x201C, TEXT_PUNCT},    /* “ */
      {"\xC3\x9C", 2, 0xDC, TEXT_UPPER},          /* Ü */
      {"\xE6\x97\xA5", 3, 0x65E5, TEXT_LETTER},   /* 日 */
      {"\xCC\x81", 2, 0x301, TEXT_MARK},          /* combining acute */
      {"\xE2\x82\xAC", 3, 0x20AC, TEXT_SYMBOL},   /* € */
      {"\xD9\xA3", 2, 0x663, TEXT_DIGIT},         /* Arabic-Indic 3 */
      {"\xFF", 1, -1, TEXT_INVALID},
  };
  for (size_t k = 0; k < sizeof table / sizeof *table; k++) {
    int32_t cp;
    size_t n = text_decode((const unsigned char *)table[k].s,
                           strlen(table[k].s), 0, &cp);
    CHECK_INT(n, table[k].len);
    CHECK_INT(cp, table[k].cp);
    CHECK_INT(text_class(cp), table[k].cls);
  }
  unsigned char out[4];
  CHECK_INT(text_lower_utf8(0xC9, out), 2); /* É -> é */
  CHECK(out[0] == 0xC3 && out[1] == 0xA9);
  CHECK_INT(text_lower_utf8('Q', out), 1);
  CHECK(out[0] == 'q');
  CHECK(text_is_newline('\r') && text_is_newline(0x2028) &&
        !text_is_newline(' '));
}

int main(void) {
  test_valid();
  test_offsets();
  test_fold();
  test_decode_and_class();
  return check_summary();
}
