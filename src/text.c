/*
 * text.c -- UTF-8 validation and decoding, byte <-> code point offsets and
 * case folding (utf8proc); also assay_free, the library's "caller frees".
 */
#include "text.h"

#include <stdint.h>
#include <stdlib.h>
#include <utf8proc.h>

#include "assay.h"

void assay_free(void *p) { free(p); }

/* The expected length of a sequence from its lead byte; 0 for a byte that
 * cannot start one. */
static size_t text_seq_len(unsigned char c) {
  if (c < 0x80) return 1;
  if (c < 0xC2) return 0; /* continuation or overlong 2-byte lead */
  if (c < 0xE0) return 2;
  if (c < 0xF0) return 3;
  if (c < 0xF5) return 4;
  return 0;
}

size_t text_decode(const unsigned char *s, size_t len, size_t i, int32_t *cp) {
  unsigned char c = s[i];
  size_t n = text_seq_len(c);
  *cp = -1;
  if (n == 1) {
    *cp = c;
    return 1;
  }
  if (n == 0 || i + n > len) return 1;
  int32_t v = c & (0x7F >> n);
  for (size_t k = 1; k < n; k++) {
    unsigned char d = s[i + k];
    if ((d & 0xC0) != 0x80) return 1;
    v = (v << 6) | (d & 0x3F);
  }
  /* Overlong 3- and 4-byte forms, surrogates and values past U+10FFFF. */
  if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
      (v >= 0xD800 && v <= 0xDFFF))
    return 1;
  *cp = v;
  return n;
}

int text_is_newline(int32_t cp) {
  return cp == '\n' || cp == '\r' || cp == 0x85 || cp == 0x2028 ||
         cp == 0x2029;
}

int text_class(int32_t cp) {
  if (cp < 0) return TEXT_INVALID;
  if (cp < 0x80) {
    if (cp >= 'a' && cp <= 'z') return TEXT_LOWER;
    if (cp >= 'A' && cp <= 'Z') return TEXT_UPPER;
    if (cp >= '0' && cp <= '9') return TEXT_DIGIT;
    if (cp == ' ' || (cp >= '\t' && cp <= '\r')) return TEXT_SPACE;
    if (cp < 0x20 || cp == 0x7F) return TEXT_SYMBOL;
  }
  /* Zero-width space and a BOM met mid-text separate words without ink. */
  if (cp == 0x200B || cp == 0xFEFF || cp == 0x85) return TEXT_SPACE;
  switch (utf8proc_category(cp)) {
  case UTF8PROC_CATEGORY_LU:
  case UTF8PROC_CATEGORY_LT: return TEXT_UPPER;
  case UTF8PROC_CATEGORY_LL: return TEXT_LOWER;
  case UTF8PROC_CATEGORY_LM:
  case UTF8PROC_CATEGORY_LO: return TEXT_LETTER;
  case UTF8PROC_CATEGORY_MN:
  case UTF8PROC_CATEGORY_MC:
  case UTF8PROC_CATEGORY_ME:
  case UTF8PROC_CATEGORY_CF: return TEXT_MARK;
  case UTF8PROC_CATEGORY_ND:
  case UTF8PROC_CATEGORY_NL:
  case UTF8PROC_CATEGORY_NO: return TEXT_DIGIT;
  case UTF8PROC_CATEGORY_PC:
  case UTF8PROC_CATEGORY_PD:
  case UTF8PROC_CATEGORY_PS:
  case UTF8PROC_CATEGORY_PE:
  case UTF8PROC_CATEGORY_PI:
  case UTF8PROC_CATEGORY_PF:
  case UTF8PROC_CATEGORY_PO: return TEXT_PUNCT;
  case UTF8PROC_CATEGORY_ZS:
  case UTF8PROC_CATEGORY_ZL:
  case UTF8PROC_CATEGORY_ZP: return TEXT_SPACE;
  default: return TEXT_SYMBOL;
  }
}

size_t text_lower_utf8(int32_t cp, unsigned char *out) {
  if (cp < 0x80) {
    out[0] = (unsigned char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
    return 1;
  }
  utf8proc_ssize_t n = utf8proc_encode_char(utf8proc_tolower(cp), out);
  return n > 0 ? (size_t)n : 0;
}

size_t assay_text_char_offset(const char *text, size_t len,
                              size_t byte_offset) {
  const unsigned char *s = (const unsigned char *)text;
  if (byte_offset > len) byte_offset = len;
  size_t chars = 0;
  int32_t cp;
  for (size_t i = 0; i < byte_offset; chars++)
    i += s[i] < 0x80 ? 1 : text_decode(s, len, i, &cp);
  return chars;
}

size_t assay_text_byte_offset(const char *text, size_t len,
                              size_t char_offset) {
  const unsigned char *s = (const unsigned char *)text;
  size_t i = 0;
  int32_t cp;
  for (size_t c = 0; c < char_offset && i < len; c++)
    i += s[i] < 0x80 ? 1 : text_decode(s, len, i, &cp);
  return i;
}

int assay_text_valid_utf8(const char *text, size_t len, size_t *bad_at) {
  const unsigned char *s = (const unsigned char *)text;
  int32_t cp;
  for (size_t i = 0; i < len;) {
    if (s[i] < 0x80) {
      i++;
      continue;
    }
    i += text_decode(s, len, i, &cp);
    if (cp < 0) {
      if (bad_at) *bad_at = i - 1;
      return 0;
    }
  }
  if (bad_at) *bad_at = len;
  return 1;
}

char *assay_text_fold(const char *text, size_t len, size_t *out_len) {
  utf8proc_uint8_t *out = NULL;
  if (!text || len > (size_t)PTRDIFF_MAX) return NULL;
  utf8proc_ssize_t n = utf8proc_map(
      (const utf8proc_uint8_t *)text, (utf8proc_ssize_t)len, &out,
      UTF8PROC_CASEFOLD | UTF8PROC_COMPOSE | UTF8PROC_STABLE);
  if (n < 0 || !out) {
    free(out);
    return NULL;
  }
  if (out_len) *out_len = (size_t)n;
  return (char *)out;
}
