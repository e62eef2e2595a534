/*
 * fuzz_extract.c -- libFuzzer target for a whole scan: one document through
 * the default pack (rules/news.lua, compiled once; tests/data/packs/basic.lua
 * when the default pack does not compile), then its JSON record, whose text
 * (doc_record_text) must be its tree's (doc_record) byte for byte.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assay.h"
#include "doc.h"
#include "json_text.h"

static assay_rules *rules;
static assay_scanner *scanner;

static void on_diag(void *ud, const assay_diagnostic *d) {
  if (d->severity)
    fprintf(stderr, "%s:%d: %s\n", d->file ? d->file : "?", d->line,
            d->message);
}

static assay_rules *compile(const char *path) {
  assay_compiler *c = NULL;
  assay_rules *r = NULL;
  if (assay_compiler_new(&c, 0, NULL) != ASSAY_OK)
    return NULL;
  assay_compiler_set_callback(c, on_diag, NULL);
  if (assay_compiler_load_file(c, path) != ASSAY_OK ||
      assay_compiler_get_rules(c, &r) != ASSAY_OK)
    r = NULL;
  assay_compiler_free(c);
  return r;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  const char *packs[] = {ASSAY_SOURCE_DIR "/rules/news.lua",
                         ASSAY_SOURCE_DIR "/tests/data/packs/basic.lua"};
  for (size_t i = 0; i < 2 && !rules; i++) {
    rules = compile(packs[i]);
    if (!rules)
      fprintf(stderr, "fuzz_extract: %s does not compile\n", packs[i]);
    else
      fprintf(stderr, "fuzz_extract: pack %s (%s)\n", assay_rules_pack(rules),
              packs[i]);
  }
  /* Lower budgets than the defaults: a slow unit is reported as a timeout
   * by libFuzzer, so a pathological input still shows up. */
  assay_limits lim = {0};
  lim.instructions = 20000000;
  lim.memory = 64u << 20;
  if (!rules || assay_scanner_new(&scanner, rules, &lim) != ASSAY_OK)
    abort(); /* the harness cannot run; not a finding */
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 1 << 16)
    return 0;
  assay_doc *doc = NULL;
  if (assay_doc_new(&doc, "fuzz", (const char *)data, size, NULL, NULL))
    return 0;
  assay_doc_set_meta_json(doc, "{\"published\": \"2014-12-17\", "
                               "\"outlet\": \"Re/code\"}");
  int rc = assay_scanner_scan(scanner, doc, NULL, NULL);
  if (rc == ASSAY_OK) {
    char *json = assay_doc_to_json(doc, ASSAY_JSON_CHARS);
    if (!json)
      abort(); /* a scanned document must serialize */
    assay_free(json);
    for (unsigned flags = 0; flags < 4; flags++) {
      json_t *rec = doc_record(doc, flags, NULL, "fuzz 1");
      strbuf tree = {0}, text = {0};
      if (!rec || json_text_add(&tree, rec, JSON_COMPACT | JSON_PRESERVE_ORDER) ||
          doc_record_text(&text, doc, flags, NULL, "fuzz 1") ||
          strcmp(tree.s, text.s))
        abort(); /* the record's text is not its tree's */
      json_decref(rec);
      free(tree.s);
      free(text.s);
    }
  } else if (!assay_scanner_errmsg(scanner)[0]) {
    abort(); /* a failure must say why */
  }
  assay_doc_free(doc);
  return 0;
}
