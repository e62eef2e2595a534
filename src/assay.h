/*
 * assay.h -- the one public header of libassay, and its manual.
 *
 * libassay tokenizes news text, matches regexes, phrase lexicons and token
 * patterns over it, keeps documents with layers of annotations, and runs
 * rule packs written in Lua 5.4 that say what to extract.
 *
 * Conventions, once for the whole header:
 *
 *  - Status codes.  Functions that can fail return an int: ASSAY_OK (0) on
 *    success, a negative ASSAY_E* code on failure.  Constructors take an
 *    optional `assay_error *` that receives the message, line and column of
 *    a failure; live handles keep the message of their last error, read with
 *    the handle's `_errmsg` function (in the manner of sqlite3_errmsg).
 *    Bad input never aborts the process: no abort(), no exit(), no signal
 *    handlers in the library.
 *
 *  - Ownership.  Every `_new` has its `_free`; `_free(NULL)` is a no-op.
 *    A pointer returned by a getter (`const char *`, `const assay_token *`)
 *    is owned by the object it came from and stays valid until that object
 *    is freed or changed by a non-const call on it.  Strings passed in are
 *    copied unless a function says otherwise.  A `char *` returned with
 *    "caller frees" is released with assay_free().
 *
 *  - Offsets.  All spans are byte offsets into the UTF-8 text, 0-based,
 *    end exclusive.  assay_text_char_offset() converts to code points.
 *
 *  - Threads.  There is no global mutable state.  Objects are not locked:
 *    one object, one thread at a time, except the objects documented as
 *    immutable (assay_tokenizer after setup, assay_regex, assay_lexicon,
 *    assay_pattern, assay_rules), which any number of threads may use at once.
 *
 *  - Memory.  Every object takes an optional assay_allocator (NULL: malloc).
 *    The allocator is remembered by the object and used for all its memory.
 */
#ifndef ASSAY_H
#define ASSAY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ASSAY_VERSION "0.1.0"
#define ASSAY_VERSION_MAJOR 0
#define ASSAY_VERSION_MINOR 1
#define ASSAY_VERSION_PATCH 0
/* The version the library was built as (ASSAY_VERSION at its build time). */
const char *assay_version(void);

/* ------------------------------------------------------------------ */
/* Status codes and errors                                              */
/* ------------------------------------------------------------------ */

enum assay_status {
  ASSAY_OK = 0,
  ASSAY_STOP = 1,        /* a callback asked to stop; not an error */
  ASSAY_EERROR = -1,     /* generic failure, see the message */
  ASSAY_ENOMEM = -2,     /* an allocation failed */
  ASSAY_EIO = -3,        /* a file could not be read or written */
  ASSAY_ESYNTAX = -4,    /* a pattern, regex, YAML or JSON text is malformed */
  ASSAY_ELIMIT = -5,     /* a limit was hit (match limit, budget, size) */
  ASSAY_EUTF8 = -6,      /* invalid UTF-8 where it is not allowed */
  ASSAY_ENOTFOUND = -7,  /* no such id, name or file */
  ASSAY_EMISUSE = -8,    /* an argument is out of range or NULL */
  ASSAY_ERULE = -9,      /* a rule raised an error while scanning */
  ASSAY_ESCHEMA = -10    /* a stored database has another schema version */
};

/* The name of a status code ("ASSAY_ELIMIT"), never NULL. */
const char *assay_status_name(int status);

/* Where a constructor reports a failure.  `file`, `line` and `column` are
 * set when the failure has a place (0 / "" otherwise; line and column are
 * 1-based). */
typedef struct assay_error {
  int status;
  int line;
  int column;
  char file[256];
  char message[768];
} assay_error;

/* ------------------------------------------------------------------ */
/* Memory                                                               */
/* ------------------------------------------------------------------ */

/* An allocator, with the contract of lua_Alloc: fn(ud, NULL, 0, n)
 * allocates, fn(ud, p, old, n) resizes, fn(ud, p, old, 0) frees and
 * returns NULL.  Returning NULL for n > 0 is a failed allocation, which the
 * library reports as ASSAY_ENOMEM. */
typedef void *(*assay_alloc_fn)(void *ud, void *ptr, size_t osize,
                                size_t nsize);
typedef struct assay_allocator {
  assay_alloc_fn fn;
  void *ud;
} assay_allocator;

/* Frees a string or buffer that the library returned with "caller frees". */
void assay_free(void *p);

/* ------------------------------------------------------------------ */
/* Text                                                                 */
/* ------------------------------------------------------------------ */

/* Number of code points in text[0, byte_offset).  Invalid bytes count as
 * one code point each.  byte_offset is clamped to len. */
size_t assay_text_char_offset(const char *text, size_t len,
                              size_t byte_offset);

/* The byte offset of code point number char_offset (clamped to len). */
size_t assay_text_byte_offset(const char *text, size_t len,
                              size_t char_offset);

/* Returns 1 when text[0, len) is valid UTF-8, 0 otherwise; *bad_at (may be
 * NULL) receives the offset of the first invalid byte. */
int assay_text_valid_utf8(const char *text, size_t len, size_t *bad_at);

/* Case-folds UTF-8 text (utf8proc, with NFC).  Returns a NUL-terminated
 * string the caller frees with assay_free(), or NULL on failure. */
char *assay_text_fold(const char *text, size_t len, size_t *out_len);

/* ------------------------------------------------------------------ */
/* Tokenizer                                                            */
/* ------------------------------------------------------------------ */

/* Token kinds. */
enum assay_token_kind {
  ASSAY_TOKEN_WORD = 0,
  ASSAY_TOKEN_NUMBER = 1,
  ASSAY_TOKEN_PUNCT = 2,
  ASSAY_TOKEN_SYMBOL = 3,
  ASSAY_TOKEN_URL = 4,
  ASSAY_TOKEN_EMAIL = 5,
  ASSAY_TOKEN_INVALID = 6 /* bytes that are not valid UTF-8 */
};

/* Token flags. */
enum assay_token_flag {
  ASSAY_TF_TITLE = 1 << 0,        /* first letter upper, rest lower: "Sony" */
  ASSAY_TF_UPPER = 1 << 1,        /* all letters upper: "FBI", "U.S." */
  ASSAY_TF_LOWER = 1 << 2,        /* all letters lower */
  ASSAY_TF_DIGIT = 1 << 3,        /* contains a digit */
  ASSAY_TF_SPACE_BEFORE = 1 << 4, /* whitespace right before the token */
  ASSAY_TF_LINE_START = 1 << 5,   /* first token of a line */
  ASSAY_TF_SENT_START = 1 << 6,   /* first token of a sentence */
  ASSAY_TF_PARA_START = 1 << 7,   /* first token of a paragraph */
  ASSAY_TF_ABBREV = 1 << 8,       /* a known abbreviation ("Nov.", "U.S.") */
  ASSAY_TF_QUOTE = 1 << 9,        /* a quotation mark, straight or curly */
  ASSAY_TF_HEADLINE = 1 << 10     /* in a headline line (a one-line
                                     paragraph without final punctuation) */
};

/* One token.  `lower` and `shape` are NUL-terminated and owned by the
 * document (or token list) the token belongs to. */
typedef struct assay_token {
  uint32_t start, end;  /* byte span */
  uint32_t sentence;    /* index of its sentence */
  uint16_t flags;       /* ASSAY_TF_* */
  uint8_t kind;         /* enum assay_token_kind */
  uint8_t lower_len;    /* strlen(lower), capped at 255 (use strlen beyond) */
  const char *lower;    /* lower-cased text */
  const char *shape;    /* spaCy-style shape: "Xxxxx", "X.X.", "dd" */
} assay_token;

/* A sentence or paragraph: a byte span and the token range [first, last). */
typedef struct assay_range {
  uint32_t start, end;
  uint32_t first, last;
} assay_range;

/* A tokenizer holds the abbreviation list and other settings.  After set-up
 * it is immutable and may be shared by threads.  assay_tokenizer_new loads
 * the built-in abbreviation list (src/abbreviations.yaml,
 * compiled in). */
typedef struct assay_tokenizer assay_tokenizer;
int assay_tokenizer_new(assay_tokenizer **out, const assay_allocator *alloc,
                        assay_error *err);
void assay_tokenizer_free(assay_tokenizer *tz);

/* Adds the abbreviations of a YAML file (a list of strings, or a map with
 * key `abbreviations:` holding one) to the tokenizer.  Not thread-safe;
 * call before sharing. */
int assay_tokenizer_add_abbreviations(assay_tokenizer *tz, const char *path,
                                      assay_error *err);

/* Adds one abbreviation ("Gov.").  Not thread-safe; call before sharing. */
int assay_tokenizer_add_abbreviation(assay_tokenizer *tz, const char *abbrev);

/* A token list made from a buffer without a document. */
typedef struct assay_tokens assay_tokens;

/* Tokenizes text[0, len) (the text is copied).  tz may be NULL for the
 * built-in defaults. */
int assay_tokenize(const assay_tokenizer *tz, const char *text, size_t len,
                   assay_tokens **out, assay_error *err);
void assay_tokens_free(assay_tokens *toks);
const assay_token *assay_tokens_get(const assay_tokens *toks, size_t *count);
const assay_range *assay_tokens_sentences(const assay_tokens *toks,
                                          size_t *count);
const assay_range *assay_tokens_paragraphs(const assay_tokens *toks,
                                           size_t *count);
/* The number of invalid UTF-8 sequences met. */
size_t assay_tokens_invalid_count(const assay_tokens *toks);

/* ------------------------------------------------------------------ */
/* Values: annotation attributes                                        */
/* ------------------------------------------------------------------ */

enum assay_value_type {
  ASSAY_VALUE_NULL = 0,
  ASSAY_VALUE_STRING = 1,
  ASSAY_VALUE_NUMBER = 2,
  ASSAY_VALUE_BOOL = 3,
  ASSAY_VALUE_SPAN = 4, /* a byte span, optionally tied to an annotation */
  ASSAY_VALUE_REF = 5   /* a reference to another annotation (its id) */
};

/* An attribute value.  For SPAN, `ref` is the id of the annotation the span
 * stands for, or 0; a SPAN with start == end == UINT32_MAX has no place in
 * the text and only its `str` (e.g. the outlet of the document). */
typedef struct assay_value {
  int type;
  const char *str; /* STRING: the text; SPAN: the span's text or NULL */
  size_t len;      /* length of str */
  double num;      /* NUMBER; BOOL: 0 or 1 */
  uint32_t start, end;
  uint32_t ref;
} assay_value;

/* ------------------------------------------------------------------ */
/* Documents and annotations                                            */
/* ------------------------------------------------------------------ */

typedef struct assay_doc assay_doc;

/* Makes a document with a copy of text[0, len).  The id is copied.  A
 * byte-order mark is kept in the text (offsets count the original bytes)
 * but skipped by the tokenizer. */
int assay_doc_new(assay_doc **out, const char *id, const char *text,
                  size_t len, const assay_allocator *alloc, assay_error *err);
/* Drops one reference; the document is freed with the last.  A new
 * document has one reference. */
void assay_doc_free(assay_doc *doc);
/* Takes one more reference (to keep a document a callback lent you);
 * returns doc. */
assay_doc *assay_doc_retain(assay_doc *doc);
const char *assay_doc_errmsg(const assay_doc *doc);

const char *assay_doc_id(const assay_doc *doc);
const char *assay_doc_text(const assay_doc *doc, size_t *len);

/* Metadata, as a JSON object text.  _set replaces it (ASSAY_ESYNTAX for
 * text that is not a JSON object); _json returns a string the caller frees. */
int assay_doc_set_meta_json(assay_doc *doc, const char *json);
char *assay_doc_meta_json(const assay_doc *doc);
/* A string metadata value, or NULL when missing or not a string. */
const char *assay_doc_meta_string(const assay_doc *doc, const char *key);

/* Tokenizes the document (again, if it was); tz may be NULL. */
int assay_doc_tokenize(assay_doc *doc, const assay_tokenizer *tz);
const assay_token *assay_doc_tokens(const assay_doc *doc, size_t *count);
const assay_range *assay_doc_sentences(const assay_doc *doc, size_t *count);
const assay_range *assay_doc_paragraphs(const assay_doc *doc, size_t *count);

/* Warnings attached to the document (invalid UTF-8, a missing date, ...). */
int assay_doc_add_warning(assay_doc *doc, const char *message);
size_t assay_doc_warning_count(const assay_doc *doc);
const char *assay_doc_warning(const assay_doc *doc, size_t i);

/* Layer overlap policies. */
enum assay_layer_policy {
  ASSAY_POLICY_ALL = 0,     /* keep every annotation */
  ASSAY_POLICY_LONGEST = 1  /* among overlapping ones keep the longest, then
                               the higher priority, then the earlier */
};
int assay_doc_set_layer_policy(assay_doc *doc, const char *layer, int policy);

/* One annotation, owned by its document. */
typedef struct assay_annotation assay_annotation;

/* Adds an annotation of `layer` over bytes [start, end); the span is
 * widened to whole tokens only by the caller.  `rule` names what made it
 * (may be NULL).  *out (may be NULL) receives the new annotation, whose id
 * is its position in creation order, from 1. */
int assay_doc_annotate(assay_doc *doc, const char *layer, uint32_t start,
                       uint32_t end, const char *rule, int priority,
                       assay_annotation **out);
int assay_annotation_set(assay_annotation *ann, const char *key,
                         const assay_value *value);
int assay_annotation_set_string(assay_annotation *ann, const char *key,
                                const char *s);

uint32_t assay_annotation_id(const assay_annotation *ann);
const char *assay_annotation_layer(const assay_annotation *ann);
const char *assay_annotation_rule(const assay_annotation *ann);
void assay_annotation_span(const assay_annotation *ann, uint32_t *start,
                           uint32_t *end);
/* The attribute named key, or NULL. */
const assay_value *assay_annotation_get(const assay_annotation *ann,
                                        const char *key);
size_t assay_annotation_attr_count(const assay_annotation *ann);
/* The i-th attribute: its key, and its value in *value. */
const char *assay_annotation_attr(const assay_annotation *ann, size_t i,
                                  const assay_value **value);

/* Removes an annotation: it is no longer live (not iterated, not written,
 * not seen by patterns); its id stays valid for references.  Returns
 * ASSAY_ENOTFOUND for an unknown id. */
int assay_doc_remove_annotation(assay_doc *doc, uint32_t id);

/* Applies the layer policies now (rule packs do it after each stage). */
int assay_doc_resolve_overlaps(assay_doc *doc);

/* Iterates the live annotations of a layer (NULL: every layer) in text
 * order (start, then longer first, then id). */
typedef struct assay_ann_iter assay_ann_iter;
int assay_ann_iter_new(const assay_doc *doc, const char *layer,
                       assay_ann_iter **out);
const assay_annotation *assay_ann_iter_next(assay_ann_iter *it);
void assay_ann_iter_free(assay_ann_iter *it);

/* The annotation with this id, or NULL. */
const assay_annotation *assay_doc_annotation(const assay_doc *doc,
                                             uint32_t id);

/* Documents as JSON Lines records (docs/output.md).  _to_json returns a
 * string the caller frees; flags: ASSAY_JSON_CHARS (code point offsets),
 * ASSAY_JSON_TEXT (include the document text). */
enum { ASSAY_JSON_CHARS = 1, ASSAY_JSON_TEXT = 2 };
char *assay_doc_to_json(const assay_doc *doc, unsigned flags);
/* Parses one {"id","text","meta"} JSON object into a document. */
int assay_doc_from_json(assay_doc **out, const char *json, size_t len,
                        const assay_allocator *alloc, assay_error *err);

/* ------------------------------------------------------------------ */
/* The store: a corpus of documents in memory                          */
/* ------------------------------------------------------------------ */

typedef struct assay_store assay_store;
int assay_store_new(assay_store **out, const assay_allocator *alloc);
void assay_store_free(assay_store *st);
const char *assay_store_errmsg(const assay_store *st);

/* Adds a document; the store takes ownership of it (also on failure).  A
 * document with the id of one already there replaces it. */
int assay_store_add(assay_store *st, assay_doc *doc);
/* The document with this id, owned by the store, or NULL. */
assay_doc *assay_store_get(const assay_store *st, const char *id);
/* Removes and frees the document; ASSAY_ENOTFOUND when absent. */
int assay_store_remove(assay_store *st, const char *id);
size_t assay_store_count(const assay_store *st);
/* The i-th document in input order. */
assay_doc *assay_store_at(const assay_store *st, size_t i);
/* Calls fn for each document that contains the phrase (a sequence of
 * tokens, compared case-insensitively), in input order; fn returns
 * ASSAY_OK to go on or ASSAY_STOP. */
int assay_store_find(const assay_store *st, const char *phrase,
                     int (*fn)(void *ud, assay_doc *doc), void *ud);

/* ------------------------------------------------------------------ */
/* Regex (PCRE2)                                                        */
/* ------------------------------------------------------------------ */

enum assay_regex_flag {
  ASSAY_RX_CASELESS = 1 << 0,
  ASSAY_RX_TOKENS = 1 << 1, /* snap matches to token boundaries: a match
                               that does not start and end at token
                               boundaries is dropped */
  ASSAY_RX_ASCII = 1 << 2   /* ASCII classes (\w, \b) instead of Unicode */
};

/* Limits of one match.  Zero fields take the defaults. */
typedef struct assay_regex_limits {
  uint32_t match_limit;  /* PCRE2 match limit (default 10,000,000) */
  uint32_t depth_limit;  /* PCRE2 depth limit (default 100,000) */
  uint32_t heap_limit_kb;/* PCRE2 heap limit (default 65,536 KiB) */
} assay_regex_limits;

/* A compiled regex; immutable and shareable once compiled.  A compile error
 * gives the pattern and the offset (err->column, 1-based). */
typedef struct assay_regex assay_regex;
int assay_regex_new(assay_regex **out, const char *pattern, unsigned flags,
                    const assay_allocator *alloc, assay_error *err);
void assay_regex_free(assay_regex *rx);
/* Number of capture groups, and the name of group i (1-based; NULL when
 * unnamed). */
int assay_regex_group_count(const assay_regex *rx);
const char *assay_regex_group_name(const assay_regex *rx, int i);

/* One match: groups[0] is the whole match, groups[i] group i; an unset
 * group has start == end == UINT32_MAX. */
typedef struct assay_regex_match {
  uint32_t start, end;
  int ngroups;
  const uint32_t *groups; /* 2 * (ngroups + 1) offsets: start, end, ... */
} assay_regex_match;

/* Calls fn for each non-overlapping match in text[0, len), left to right;
 * fn returns ASSAY_OK to go on or ASSAY_STOP (then the scan returns
 * ASSAY_STOP).  toks (may be NULL) gives the
 * token boundaries for ASSAY_RX_TOKENS.  A limit hit returns ASSAY_ELIMIT
 * with the limit named in err. */
int assay_regex_scan(const assay_regex *rx, const char *text, size_t len,
                     const assay_token *toks, size_t ntoks,
                     const assay_regex_limits *limits,
                     int (*fn)(void *ud, const assay_regex_match *m),
                     void *ud, assay_error *err);

/* ------------------------------------------------------------------ */
/* Lexicon: a phrase dictionary over tokens                            */
/* ------------------------------------------------------------------ */

/* A lexicon is built by adding entries and phrases, then frozen; a frozen
 * lexicon is immutable and shareable.  See docs/lexicons.md for the YAML
 * format. */
typedef struct assay_lexicon assay_lexicon;
enum { ASSAY_LEX_FOLD = 1 }; /* match case-insensitively */
int assay_lexicon_new(assay_lexicon **out, unsigned flags,
                      const assay_allocator *alloc);
void assay_lexicon_free(assay_lexicon *lx);
const char *assay_lexicon_errmsg(const assay_lexicon *lx);

/* Loads the entries of a YAML lexicon file (not frozen yet). */
int assay_lexicon_load(assay_lexicon *lx, const char *path, assay_error *err);
int assay_lexicon_load_string(assay_lexicon *lx, const char *yaml, size_t len,
                              const char *name, assay_error *err);

/* Adds an entry with its canonical name, kind and norm (norm may be NULL:
 * the name).  Returns the entry index (>= 0) or a negative status.  A name
 * already present returns that entry's index (the kind and norm of its
 * first occurrence are kept); when two entries share a phrase, the first
 * added wins. */
int assay_lexicon_add_entry(assay_lexicon *lx, const char *name,
                            const char *kind, const char *norm);
/* Sets a string attribute on entry i. */
int assay_lexicon_set_attr(assay_lexicon *lx, int entry, const char *key,
                           const char *value);
/* Adds a phrase (tokenized with the lexicon's tokenizer rules) that
 * resolves to entry i; the entry's name is added as a phrase by
 * assay_lexicon_add_entry.  kind may be NULL (the entry's kind) or
 * override it for this alias (e.g. a capital used as a metonym). */
int assay_lexicon_add_alias(assay_lexicon *lx, int entry, const char *phrase,
                            const char *kind);
/* Makes the lexicon immutable and ready to match. */
int assay_lexicon_freeze(assay_lexicon *lx);
size_t assay_lexicon_entry_count(const assay_lexicon *lx);
/* Bytes used by the frozen lexicon. */
size_t assay_lexicon_memory(const assay_lexicon *lx);

/* One lexicon match: tokens [first, last), the entry, and the alias kind. */
typedef struct assay_lexicon_match {
  uint32_t first, last;
  int entry;
  const char *name, *kind, *norm;
} assay_lexicon_match;
/* Entry attribute: the value of key on entry i, or NULL. */
const char *assay_lexicon_entry_attr(const assay_lexicon *lx, int entry,
                                     const char *key);
size_t assay_lexicon_entry_attr_count(const assay_lexicon *lx, int entry);
const char *assay_lexicon_entry_attr_at(const assay_lexicon *lx, int entry,
                                        size_t i, const char **value);

/* Lexicon images: a frozen lexicon as bytes, to load again without its
 * YAML, an order of magnitude faster (the rule-pack compiler keeps them in
 * its cache; docs/lexicons.md, "Images").  An image belongs to the build
 * of the library that wrote it: another build, another byte order or any
 * damage (a checksum covers it) makes reading it fail with ASSAY_ESYNTAX,
 * and no image, however made, gives a lexicon that reads out of bounds.
 *
 * Writes the image of a frozen lexicon through write(ud, bytes, n), which
 * returns ASSAY_OK or a status that stops the writing and is returned.
 * ASSAY_EMISUSE when lx is not frozen. */
int assay_lexicon_write_image(const assay_lexicon *lx,
                              int (*write)(void *ud, const void *p, size_t n),
                              void *ud);
/* Makes a frozen lexicon from an image (data is only read, and may be
 * freed afterwards).  err (may be NULL) receives what is wrong. */
int assay_lexicon_read_image(assay_lexicon **out, const void *data,
                             size_t len, const assay_allocator *alloc,
                             assay_error *err);

/* Longest matches, left to right, not overlapping. */
int assay_lexicon_scan(const assay_lexicon *lx, const assay_token *toks,
                       size_t ntoks, const char *text,
                       int (*fn)(void *ud, const assay_lexicon_match *m),
                       void *ud);

/* ------------------------------------------------------------------ */
/* Token patterns                                                       */
/* ------------------------------------------------------------------ */

/* A compiled token pattern (docs/patterns.md); immutable and shareable.  A
 * syntax error names the column (err->column, 1-based). */
typedef struct assay_pattern assay_pattern;
int assay_pattern_new(assay_pattern **out, const char *source,
                      const assay_allocator *alloc, assay_error *err);
void assay_pattern_free(assay_pattern *pat);
int assay_pattern_capture_count(const assay_pattern *pat);
const char *assay_pattern_capture_name(const assay_pattern *pat, int i);

/* One pattern match: tokens [first, last) and, per capture i (0-based, in
 * the order of assay_pattern_capture_name), its token range or -1/-1. */
typedef struct assay_pattern_match {
  uint32_t first, last;
  int ncaptures;
  const int32_t *captures; /* 2 * ncaptures token indices: first, last */
  /* For a capture that is an annotation reference (@layer:name), the
   * annotation id, else 0; ncaptures entries. */
  const uint32_t *capture_ann;
  /* Per step trace for --trace, NULL unless asked for. */
  const char *trace;
} assay_pattern_match;

/* Runs the pattern over a tokenized document: longest match at each start,
 * leftmost first, not overlapping.  @layer references see the document's
 * annotations. */
int assay_pattern_scan(const assay_pattern *pat, const assay_doc *doc,
                       int (*fn)(void *ud, const assay_pattern_match *m),
                       void *ud, assay_error *err);

/* ------------------------------------------------------------------ */
/* Dates: TIMEX3 arithmetic                                             */
/* ------------------------------------------------------------------ */

/* A calendar date; fields may be unknown (0 for year, month or day).  */
typedef struct assay_date {
  int year, month, day;
} assay_date;

/* Parses an ISO date "2014-12-17" (also "2014-12", "2014", and a time
 * after it, which is ignored).  Returns ASSAY_OK, ASSAY_ESYNTAX for text
 * that is not an ISO date, ASSAY_EMISUSE for NULL arguments. */
int assay_date_parse(const char *iso, assay_date *out);
/* Day of the week, 1 = Monday ... 7 = Sunday (ISO 8601); 0 for a partial
 * date.  The add and weekday_near functions return {0, 0, 0} when a needed
 * field is missing or the result falls outside the years 1..9999. */
int assay_date_weekday(assay_date d);
/* Adds n days (negative to go back). */
assay_date assay_date_add_days(assay_date d, long n);
assay_date assay_date_add_months(assay_date d, int n);
/* The ISO week (0 for a partial date): *iso_year receives the year the
 * week belongs to. */
int assay_date_iso_week(assay_date d, int *iso_year);
/* The date of the weekday wd (1..7) nearest to d: dir < 0 the one on or
 * before d, dir > 0 the one on or after, dir == 0 the nearest. */
assay_date assay_date_weekday_near(assay_date d, int wd, int dir);
/* Formats a date as TIMEX3 value text into buf ("2014-12-17", "2014-12",
 * "XXXX-11-24" for an unknown year).  Returns the length written without
 * the NUL (like snprintf), ASSAY_ELIMIT when buf is too small,
 * ASSAY_EMISUSE for an invalid date.  Shifts, durations and clock times
 * are in the Lua module assay.date (docs/dates.md). */
int assay_date_format(assay_date d, char *buf, size_t size);

/* ------------------------------------------------------------------ */
/* Rule packs: compiler, rules, scanner                                 */
/* ------------------------------------------------------------------ */

/* The compiler loads a rule pack (docs/rules.md) and reports diagnostics
 * through a callback; it produces an immutable assay_rules that any number
 * of threads share.  Each thread makes its own assay_scanner. */
typedef struct assay_compiler assay_compiler;
typedef struct assay_rules assay_rules;
typedef struct assay_scanner assay_scanner;

/* A diagnostic: severity 0 warning, 1 error. */
typedef struct assay_diagnostic {
  int severity;
  const char *file;
  int line;
  const char *rule; /* may be NULL */
  const char *message;
} assay_diagnostic;

enum assay_compiler_flag {
  ASSAY_UNSAFE = 1 << 0 /* lift the sandbox: rule packs get the whole Lua
                           standard library */
};

int assay_compiler_new(assay_compiler **out, unsigned flags,
                       const assay_allocator *alloc);
void assay_compiler_free(assay_compiler *c);
const char *assay_compiler_errmsg(const assay_compiler *c);
void assay_compiler_set_callback(assay_compiler *c,
                                 void (*fn)(void *ud,
                                            const assay_diagnostic *d),
                                 void *ud);
/* Extra lexicon entries for the pack's lexicon `name` (--lexicon). */
int assay_compiler_add_lexicon_file(assay_compiler *c, const char *name,
                                    const char *path);
/* Loads the pack from a file, or from a string (name is used in messages,
 * base_dir for include and lexicon files). */
int assay_compiler_load_file(assay_compiler *c, const char *path);
int assay_compiler_load_string(assay_compiler *c, const char *source,
                               const char *name, const char *base_dir);
/* Keeps what compiling makes slowly in the folder dir, and reuses it when
 * the same sources come again: each pack file's Lua bytecode, and each
 * lexicon's image (unless the pack gives the lexicon inline entries).
 * Files are named by a hash of their sources and of this build, so an
 * edited rule or lexicon, or another assay, never reads a stale one;
 * a damaged file is made again.  The folder is made (mode 0700) when
 * missing, and not used unless it belongs to this user and nobody else may
 * write into it (it holds bytecode that is run).  dir NULL: no cache (the
 * default).  Call before load_*; ASSAY_ENOMEM. */
int assay_compiler_set_cache_dir(assay_compiler *c, const char *dir);
/* Produces the rules; the compiler can be freed afterwards. */
int assay_compiler_get_rules(assay_compiler *c, assay_rules **out);

void assay_rules_free(assay_rules *rules);
/* "news 0.1": the pack's name and version. */
const char *assay_rules_pack(const assay_rules *rules);

/* Limits of one scan; zero fields take the defaults. */
typedef struct assay_limits {
  uint64_t instructions;   /* Lua instructions per document (100,000,000) */
  size_t memory;           /* Lua memory per document (256 MiB) */
  size_t max_doc_bytes;    /* largest document (32 MiB) */
  size_t max_annotations;  /* annotations per document (1,000,000) */
  assay_regex_limits regex;
} assay_limits;

int assay_scanner_new(assay_scanner **out, const assay_rules *rules,
                      const assay_limits *limits);
void assay_scanner_free(assay_scanner *sc);
const char *assay_scanner_errmsg(const assay_scanner *sc);

/* Runs the pack over a document: tokenizes it if needed and adds its
 * annotations.  fn (may be NULL) is called for each annotation in order and
 * returns ASSAY_OK to go on or ASSAY_STOP.  On failure (ASSAY_ERULE,
 * ASSAY_ELIMIT) the message names the rule and the limit. */
int assay_scanner_scan(assay_scanner *sc, assay_doc *doc,
                       int (*fn)(void *ud, const assay_annotation *a),
                       void *ud);

/* ------------------------------------------------------------------ */
/* Persistent store: documents and annotations in SQLite (sqlstore.c)  */
/* ------------------------------------------------------------------ */

/* A corpus kept in an SQLite database (schema: docs/store.md): one row per
 * document (id, text, meta JSON, content hash, the pack that analysed it),
 * one per live annotation (layer, span, text, rule, attributes JSON), FTS5
 * over the texts.  The database is in WAL mode, so readers (other
 * processes, `sqlite3`, `assay query`) may read while one writer writes.
 * One handle, one thread.  SQLite's own memory does not go through the
 * allocator (SQLite has no per-connection allocator); the documents that
 * the functions return do. */
#define ASSAY_DB_SCHEMA 1 /* the schema version this library reads/writes */
typedef struct assay_db assay_db;
enum assay_db_flag {
  ASSAY_DB_READONLY = 1 << 0 /* open an existing database for reading */
};

/* Opens (creating it unless ASSAY_DB_READONLY) the database at path.  A
 * database of another schema version fails with ASSAY_ESCHEMA and a
 * message saying which is newer; a file that is not a database, with
 * ASSAY_EIO.  On failure *out is NULL. */
int assay_db_open(assay_db **out, const char *path, unsigned flags,
                  const assay_allocator *alloc, assay_error *err);
void assay_db_close(assay_db *db);
const char *assay_db_errmsg(const assay_db *db);

/* Batches: writes between _begin and _commit are one transaction (without
 * them each assay_db_put is its own).  _rollback drops the batch. */
int assay_db_begin(assay_db *db);
int assay_db_commit(assay_db *db);
int assay_db_rollback(assay_db *db);

/* The content hash of a document: SHA-256, in hex, of its text, a NUL and
 * its metadata as compact JSON with sorted keys.  hex receives 65 bytes. */
int assay_db_doc_hash(const assay_doc *doc, char hex[65]);
/* The identity of a rule pack: SHA-256, in hex, of its label ("news 0.1"),
 * its source, and every .lua/.yaml/.yml/.json file under the pack file's
 * folder, so editing a rule or a lexicon changes it even when the pack's
 * version stays the same. */
int assay_rules_pack_hash(const assay_rules *rules, char hex[65]);

/* Saves the document and its live annotations (all layers), replacing any
 * stored document of the same id and its annotations, atomically.  hash
 * (may be NULL: computed now) is the content hash to record, taken before
 * the scan when the scan changes the metadata.  pack and pack_hash (may be
 * NULL: not analysed by a pack) are the label and assay_rules_pack_hash of
 * the pack that made the annotations (compute the hash once per run: it
 * reads the pack's files). */
int assay_db_put(assay_db *db, const assay_doc *doc, const char *hash,
                 const char *pack, const char *pack_hash);
/* 1 when a document of this id is stored with this content hash and was
 * analysed by the pack of this hash (assay_rules_pack_hash), 0 when not,
 * a negative status on failure. */
int assay_db_is_current(assay_db *db, const char *id, const char *hash,
                        const char *pack_hash);
/* Loads the stored document: *out is a new document (caller frees) with
 * its text, metadata, warnings and annotations under their stored ids;
 * not tokenized (assay_doc_tokenize places the annotations on tokens).
 * ASSAY_ENOTFOUND when absent. */
int assay_db_get(assay_db *db, const char *id, assay_doc **out);
/* Adds the stored annotations and warnings of the document with doc's id
 * to doc (a fresh copy of the same text, e.g. read again from its file),
 * replacing its warnings.  ASSAY_ENOTFOUND when absent. */
int assay_db_load_annotations(assay_db *db, assay_doc *doc);
/* Removes a document and its annotations; ASSAY_ENOTFOUND when absent. */
int assay_db_remove(assay_db *db, const char *id);
/* The number of stored documents (negative status on failure). */
long long assay_db_count(assay_db *db);
/* Calls fn with each stored document (loaded as by assay_db_get) in the
 * order they were first stored; the document is freed after fn returns
 * (fn keeps it by taking its own reference, as the Lua binding does).
 * fn returns ASSAY_OK to go on or ASSAY_STOP. */
int assay_db_each(assay_db *db, int (*fn)(void *ud, assay_doc *doc),
                  void *ud);
/* Calls fn with the id of each stored document, in the order they were
 * first stored (a snapshot taken first: fn may use the handle).  fn
 * returns ASSAY_OK to go on or ASSAY_STOP. */
int assay_db_each_id(assay_db *db, int (*fn)(void *ud, const char *id),
                     void *ud);
/* Full-text search (an FTS5 query: words, "a phrase", AND/OR/NOT, prefix*)
 * over the texts: fn receives the ids of the matching documents, best
 * first.  A malformed query fails with ASSAY_ESYNTAX. */
int assay_db_search(assay_db *db, const char *query,
                    int (*fn)(void *ud, const char *id), void *ud);

/* One stored annotation, as assay_db_annotations gives it; every pointer
 * is valid during the callback only. */
typedef struct assay_db_annotation {
  const char *doc;   /* the document id */
  uint32_t id;       /* the annotation id within its document */
  const char *layer;
  uint32_t start, end;
  const char *text;
  const char *rule;  /* may be NULL */
  const char *attrs; /* the attributes, a JSON object text (docs/store.md) */
} assay_db_annotation;
/* Calls fn for each stored annotation of `layer` (NULL: all) whose "norm"
 * attribute is `norm` (NULL: any), by document then position. */
int assay_db_annotations(assay_db *db, const char *layer, const char *norm,
                         int (*fn)(void *ud, const assay_db_annotation *a),
                         void *ud);

#ifdef __cplusplus
}
#endif
#endif /* ASSAY_H */
