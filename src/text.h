/*
 * text.h -- internal UTF-8 helpers shared by the modules above text.c:
 * decoding one code point and the Unicode classes the tokenizer uses.
 */
#ifndef ASSAY_TEXT_H
#define ASSAY_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Decodes the code point at s[i] (i < len).  Returns its length in bytes
 * and sets *cp; for an invalid sequence (overlong, surrogate, truncated,
 * stray continuation byte, > U+10FFFF) returns 1 and sets *cp = -1, so an
 * invalid byte always counts as one unit. */
size_t text_decode(const unsigned char *s, size_t len, size_t i, int32_t *cp);

/* Classes of a code point, from utf8proc's general category. */
enum text_class {
  TEXT_SPACE,  /* Zs Zl Zp, ASCII controls \t \n \v \f \r, U+200B, U+FEFF */
  TEXT_UPPER,  /* Lu Lt */
  TEXT_LOWER,  /* Ll */
  TEXT_LETTER, /* Lm Lo: letters without case */
  TEXT_MARK,   /* Mn Mc Me, and Cf format characters (ZWJ, soft hyphen) */
  TEXT_DIGIT,  /* Nd Nl No */
  TEXT_PUNCT,  /* P* */
  TEXT_SYMBOL, /* S*, other controls, private use, unassigned */
  TEXT_INVALID /* cp < 0 */
};
int text_class(int32_t cp);

/* 1 when cp ends a line: \n, \r, U+0085, U+2028, U+2029. */
int text_is_newline(int32_t cp);

/* Writes the simple lower-case mapping of cp as UTF-8 into out (4 bytes
 * room); returns the length. */
size_t text_lower_utf8(int32_t cp, unsigned char *out);

#endif
