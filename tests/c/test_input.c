/*
 * test_input.c -- inputs: YAML typing, front matter, manifests, JSON Lines,
 * directories (order, recursion, loops, vanished files), stdin, encodings.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "doc.h"
#include "input.h"

#define DATA "tests/data/input/"

/* Reads every input into one line per record: "id" for a document,
 * "!id: message" for an error; records joined with '\n'. */
static char *read_all(const char *const *paths, size_t n,
                      const in_options *opt) {
  static char out[16384];
  out[0] = '\0';
  in_reader *r;
  if (in_open(&r, paths, n, opt) != ASSAY_OK)
    return NULL;
  for (int guard = 0; guard < 100; guard++) {
    assay_doc *d;
    assay_error err;
    int rc = in_next(r, &d, &err);
    if (rc == ASSAY_STOP)
      break;
    size_t o = strlen(out);
    if (rc == ASSAY_OK)
      snprintf(out + o, sizeof out - o, "%s%s", o ? "\n" : "", assay_doc_id(d));
    else
      snprintf(out + o, sizeof out - o, "%s!%s: %s", o ? "\n" : "", err.file,
               err.message);
    assay_doc_free(d);
  }
  in_close(r);
  return out;
}

/* read_all through in_next_line: the JSON lines are parsed after the
 * reader is closed, last first, as workers would in any order; the records
 * must be those of in_next. */
static char *read_all_deferred(const char *const *paths, size_t n) {
  static char out[16384];
  out[0] = '\0';
  in_reader *r;
  if (in_open(&r, paths, n, NULL) != ASSAY_OK)
    return NULL;
  struct {
    int rc;
    assay_doc *doc;
    in_line *line;
    assay_error err;
  } got[100];
  int k = 0;
  for (; k < 100; k++) {
    memset(&got[k].err, 0, sizeof got[k].err);
    got[k].rc = in_next_line(r, &got[k].doc, &got[k].line, &got[k].err);
    if (got[k].rc == ASSAY_STOP)
      break;
    CHECK(got[k].rc != ASSAY_OK || !got[k].doc != !got[k].line);
  }
  in_close(r);
  for (int i = k - 1; i >= 0; i--)
    if (got[i].line) {
      CHECK(strstr(in_line_where(got[i].line), ".jsonl:") != NULL);
      got[i].rc = in_line_doc(got[i].line, &got[i].doc, &got[i].err);
      in_line_free(got[i].line);
    }
  for (int i = 0; i < k; i++) {
    size_t o = strlen(out);
    if (got[i].rc == ASSAY_OK)
      snprintf(out + o, sizeof out - o, "%s%s", o ? "\n" : "",
               assay_doc_id(got[i].doc));
    else
      snprintf(out + o, sizeof out - o, "%s!%s: %s", o ? "\n" : "",
               got[i].err.file, got[i].err.message);
    assay_doc_free(got[i].doc);
  }
  return out;
}

static char *yaml(const char *src) {
  static char buf[1024];
  assay_error err;
  json_t *j = in_yaml_to_json(src, strlen(src), "t.yaml", &err);
  if (!j) {
    snprintf(buf, sizeof buf, "error %d:%d: %s", err.line, err.column,
             err.message);
    return buf;
  }
  char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
  snprintf(buf, sizeof buf, "%s", s);
  free(s);
  json_decref(j);
  return buf;
}

static void test_yaml(void) {
  static const struct {
    const char *in, *out;
  } t[] = {
      {"a: 1\nb: -2\nc: 0.5\nd: 1e3\n",
       "{\"a\":1,\"b\":-2,\"c\":0.5,\"d\":1000.0}"},
      {"x: ~\ny: null\nz:\n", "{\"x\":null,\"y\":null,\"z\":null}"},
      {"t: true\nf: no\nY: Yes\n", "{\"t\":true,\"f\":false,\"Y\":true}"},
      {"d: 2014-12-17\nq: \"12\"\ns: '0.5'\n",
       "{\"d\":\"2014-12-17\",\"q\":\"12\",\"s\":\"0.5\"}"},
      {"o: Re/code\nz: 007\nv: 1.2.3\n",
       "{\"o\":\"Re/code\",\"z\":\"007\",\"v\":\"1.2.3\"}"},
      {"- a\n- [1, 2]\n- {k: v}\n", "[\"a\",[1,2],{\"k\":\"v\"}]"},
      {"a: &x [1, 2]\nb: *x\n", "{\"a\":[1,2],\"b\":[1,2]}"},
      {"1: one\ntrue: yes\n", "{\"1\":\"one\",\"true\":true}"},
      {"s: !!str 12\n", "{\"s\":\"12\"}"},
      {"", "null"},
      {"plain text", "\"plain text\""},
      {"a: 1\n---\nb: 2\n", "{\"a\":1}"},
      {"a: [1, 2\nb: 3\n", "error 2:2: while parsing a flow sequence: did not "
                           "find expected ',' or ']'"},
      {"a: *nope\n", "error 1:4: unknown alias"},
      {"? [1]\n: v\n", "error 1:5: a mapping key must be a scalar"},
      {"a: b: c\n",
       "error 1:5: mapping values are not allowed in this context"},
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    const char *got = yaml(t[i].in);
    if (strcmp(got, t[i].out) != 0)
      fprintf(stderr, "yaml case %zu: %s\n", i, t[i].in);
    CHECK_STR(got, t[i].out);
  }
  /* a billion laughs ends with an error, not an explosion */
  char bomb[2048] = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'j'; c++) {
    size_t o = strlen(bomb);
    snprintf(bomb + o, sizeof bomb - o, "%c: &%c [", c, c);
    for (int k = 0; k < 10; k++) {
      o = strlen(bomb);
      snprintf(bomb + o, sizeof bomb - o, "%s*%c", k ? ", " : "", c - 1);
    }
    strcat(bomb, "]\n");
  }
  CHECK(strstr(yaml(bomb), "alias expansion") != NULL);
}

static void test_front_matter(void) {
  assay_doc *d;
  assay_error err;
  CHECK_INT(in_load_file(DATA "front/good.md", NULL, &d, &err), ASSAY_OK);
  size_t len;
  CHECK_STR(assay_doc_text(d, &len), "The text starts here.\n");
  char *m = assay_doc_meta_json(d);
  CHECK_STR(m, "{\"title\":\"Sony hack: a timeline\",\"published\":"
               "\"2014-12-17\",\"count\":3,\"ratio\":0.5,\"draft\":false,"
               "\"tags\":[\"sony\",\"north korea\"],\"nothing\":null}");
  assay_free(m);
  CHECK_INT(assay_doc_warning_count(d), 0);
  assay_doc_free(d);

  CHECK_INT(in_load_file(DATA "front/bad.md", NULL, &d, &err), ASSAY_ESYNTAX);
  CHECK(d == NULL);
  CHECK_STR(err.file, DATA "front/bad.md");
  CHECK_INT(err.line, 4);
  CHECK_STR(err.message, "front matter: line 4, column 5: while parsing a "
                         "flow sequence: did not find expected ',' or ']'");

  CHECK_INT(in_load_file(DATA "front/none.txt", NULL, &d, &err), ASSAY_OK);
  CHECK_STR(assay_doc_text(d, NULL), "No front matter here.\n---\nnot: yaml\n");
  m = assay_doc_meta_json(d);
  CHECK_STR(m, "{}");
  assay_free(m);
  assay_doc_free(d);

  CHECK_INT(in_load_file(DATA "front/unclosed.md", NULL, &d, &err), ASSAY_OK);
  CHECK_STR(assay_doc_text(d, NULL), "---\ntitle: never closed\nText.\n");
  CHECK_INT(assay_doc_warning_count(d), 1);
  assay_doc_free(d);

  CHECK_INT(in_load_file(DATA "front/crlf.md", NULL, &d, &err), ASSAY_OK);
  CHECK_STR(assay_doc_text(d, NULL), "CRLF text\r\n");
  CHECK_STR(assay_doc_meta_string(d, "k"), "v");
  assay_doc_free(d);

  CHECK_INT(in_load_file(DATA "front/list.md", NULL, &d, &err), ASSAY_ESYNTAX);
  CHECK_INT(err.line, 2);

  CHECK_INT(in_load_file(DATA "nope.txt", NULL, &d, &err), ASSAY_EIO);
  CHECK_STR(err.message, "cannot read: No such file or directory");
  CHECK_STR(err.file, DATA "nope.txt");
}

static void test_bytes(void) {
  assay_doc *d;
  assay_error err;
  CHECK_INT(in_load_file(DATA "empty.txt", NULL, &d, &err), ASSAY_OK);
  size_t len = 9;
  assay_doc_text(d, &len);
  CHECK_INT(len, 0);
  CHECK_INT(assay_doc_warning_count(d), 0);
  assay_doc_free(d);

  CHECK_INT(in_load_file(DATA "binary.txt", NULL, &d, &err), ASSAY_OK);
  assay_doc_text(d, &len);
  CHECK_INT(len, 27); /* every byte kept */
  CHECK_INT(assay_doc_warning_count(d), 2);
  CHECK_STR(assay_doc_warning(d, 0), "contains NUL bytes");
  CHECK_STR(assay_doc_warning(d, 1),
            "invalid UTF-8 at byte 3 (kept; read as invalid tokens)");
  assay_doc_free(d);

  in_options opt = {"windows-1252", 0, NULL};
  CHECK_INT(in_load_file(DATA "latin1.txt", &opt, &d, &err), ASSAY_OK);
  CHECK_STR(assay_doc_text(d, NULL),
            "caf\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D\n");
  assay_doc_free(d);
  opt.encoding = "no-such-encoding";
  CHECK_INT(in_load_file(DATA "latin1.txt", &opt, &d, &err), ASSAY_EMISUSE);
  CHECK_STR(err.message, "unknown encoding \"no-such-encoding\"");
  opt.encoding = NULL;
  opt.max_doc_bytes = 10;
  CHECK_INT(in_load_file(DATA "binary.txt", &opt, &d, &err), ASSAY_ELIMIT);
  CHECK_STR(err.message,
            "document larger than the limit max_doc_bytes (10 bytes)");
}

static void test_jsonl(void) {
  const char *p[] = {DATA "lines.jsonl"};
  const char *want =
      "d1\n"
      "!" DATA "lines.jsonl:2: invalid JSON at column 27: invalid token "
      "near 'broken'\n" DATA "lines.jsonl:5\n7\n"
      "!d5: line 7: missing \"text\" (a string)";
  CHECK_STR(read_all(p, 1, NULL), want);
  CHECK_STR(read_all_deferred(p, 1), want);
  /* Mixed with other inputs, which still come as documents. */
  const char *mixed[] = {DATA "lines.jsonl", "examples/sony"};
  char both[16384];
  snprintf(both, sizeof both, "%s", read_all(mixed, 2, NULL));
  CHECK_STR(read_all_deferred(mixed, 2), both);
  in_reader *r;
  assay_doc *d;
  assay_error err;
  CHECK_INT(in_open(&r, p, 1, NULL), ASSAY_OK);
  CHECK_INT(in_next(r, &d, &err), ASSAY_OK);
  CHECK_STR(assay_doc_meta_string(d, "outlet"), "A");
  CHECK_STR(assay_doc_text(d, NULL), "First doc.");
  assay_doc_free(d);
  CHECK_INT(in_next(r, &d, &err), ASSAY_ESYNTAX);
  CHECK_INT(err.line, 2);
  in_close(r);
}

static void test_dirs(void) {
  const char *p[] = {DATA "tree", DATA "tree/b/x.txt", DATA "missing"};
  CHECK_STR(read_all(p, 3, NULL),
            DATA "tree/a.md\n" DATA "tree/b.txt\n" DATA "tree/b/x.txt\n" DATA
                 "tree/b/y.md\nc1\nc2\n" DATA "tree/b/x.txt\n!" DATA
                 "missing: cannot read: No such file or directory");
  const char *q[] = {DATA "badmanifest/"};
  CHECK_STR(read_all(q, 1, NULL),
            "!" DATA "badmanifest/manifest.yaml: manifest: line 4, column 1: "
            "while parsing a flow "
            "sequence: did not find expected ',' or ']'\n" DATA
            "badmanifest/one.txt");
}

static void test_sony(void) {
  const char *p[] = {"examples/sony"};
  in_reader *r;
  CHECK_INT(in_open(&r, p, 1, NULL), ASSAY_OK);
  static const char *const outlets[] = {"PCMag", "Re/code", "BuzzFeed News",
                                        "The Verge", "ReadWrite"};
  int n = 0;
  assay_doc *d;
  assay_error err;
  int rc;
  while ((rc = in_next(r, &d, &err)) != ASSAY_STOP) {
    CHECK_INT(rc, ASSAY_OK);
    if (rc != ASSAY_OK)
      continue;
    if (n < 5)
      CHECK_STR(assay_doc_meta_string(d, "outlet"), outlets[n]);
    CHECK(strncmp(assay_doc_id(d), "examples/sony/00", 16) == 0);
    CHECK_STR(assay_doc_meta_string(d, "published"),
              n == 3 ? "2014-12-03" : "2014-12-17");
    CHECK(assay_doc_meta_string(d, "title") != NULL);
    assay_doc_free(d);
    n++;
  }
  CHECK_INT(n, 5);
  in_close(r);
  /* a file named directly gets its metadata from the manifest beside it */
  const char *one = "examples/sony/001_d74339bb62a7fb22.txt";
  CHECK_INT(in_open(&r, &one, 1, NULL), ASSAY_OK);
  CHECK_INT(in_next(r, &d, &err), ASSAY_OK);
  CHECK_STR(assay_doc_id(d), one);
  CHECK_STR(assay_doc_meta_string(d, "outlet"), "Re/code");
  assay_doc_free(d);
  in_close(r);
}

static void test_loops_and_vanishing(void) {
  char tmp[] = "/tmp/assay_input_XXXXXX";
  if (!mkdtemp(tmp)) {
    CHECK(0);
    return;
  }
  char path[512], link[512], expect[2048];
  snprintf(path, sizeof path, "%s/sub", tmp);
  mkdir(path, 0755);
  snprintf(link, sizeof link, "%s/sub/loop", tmp);
  CHECK_INT(symlink("..", link), 0);
  snprintf(link, sizeof link, "%s/gone.txt", tmp);
  CHECK_INT(symlink("nowhere.txt", link), 0);
  snprintf(path, sizeof path, "%s/one.txt", tmp);
  FILE *fp = fopen(path, "w");
  fputs("one", fp);
  fclose(fp);
  snprintf(path, sizeof path, "%s/two.txt", tmp);
  fp = fopen(path, "w");
  fputs("two", fp);
  fclose(fp);
  const char *p[] = {tmp};
  snprintf(expect, sizeof expect,
           "!%s/gone.txt: cannot read: No such file or directory\n%s/one.txt\n"
           "!%s/sub/loop: directory loop: the same folder as %s; not followed"
           "\n%s/two.txt",
           tmp, tmp, tmp, tmp, tmp);
  CHECK_STR(read_all(p, 1, NULL), expect);

  /* a file listed, then removed before it is read */
  in_reader *r;
  assay_doc *d;
  assay_error err;
  CHECK_INT(in_open(&r, p, 1, NULL), ASSAY_OK);
  CHECK_INT(in_next(r, &d, &err), ASSAY_EIO); /* gone.txt */
  CHECK_INT(in_next(r, &d, &err), ASSAY_OK);  /* one.txt */
  assay_doc_free(d);
  unlink(path);
  CHECK_INT(in_next(r, &d, &err), ASSAY_EIO); /* the loop */
  CHECK_INT(in_next(r, &d, &err), ASSAY_EIO); /* two.txt vanished */
  CHECK_STR(err.file, path);
  CHECK_STR(err.message, "cannot read: No such file or directory");
  CHECK_INT(in_next(r, &d, &err), ASSAY_STOP);
  in_close(r);
  snprintf(path, sizeof path, "%s/one.txt", tmp);
  unlink(path);
  unlink(link);
  snprintf(link, sizeof link, "%s/sub/loop", tmp);
  unlink(link);
  snprintf(path, sizeof path, "%s/sub", tmp);
  rmdir(path);
  rmdir(tmp);
}

/* Runs the reader on "-" with stdin redirected from a file of `content`. */
static char *read_stdin(const char *content) {
  char tmp[] = "/tmp/assay_stdin_XXXXXX";
  int fd = mkstemp(tmp);
  if (fd < 0 || write(fd, content, strlen(content)) < 0)
    return NULL;
  lseek(fd, 0, SEEK_SET);
  int saved = dup(0);
  dup2(fd, 0);
  close(fd);
  clearerr(stdin);
  const char *p[] = {"-"};
  char *out = read_all(p, 1, NULL);
  fflush(stdin);
  dup2(saved, 0);
  close(saved);
  clearerr(stdin);
  unlink(tmp);
  return out;
}

/* JSON Lines read a block at a time: a line longer than the read block,
 * lines across the blocks' borders at many offsets, CRLF, blank lines, a
 * NUL byte inside a line (an error for that line, not a lost one), a last
 * line without its newline, and the line length limit exactly at and one
 * byte past it. */
static void test_jsonl_blocks(void) {
  char path[] = "/tmp/assay_test_XXXXXX.jsonl";
  int fd = mkstemps(path, 6);
  CHECK(fd >= 0);
  FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
  if (!f) return;
  fprintf(f, "{\"id\": \"long\", \"text\": \"");
  for (int i = 0; i < 100000; i++) fputc('x', f);
  fprintf(f, "\"}\n\n   \n{\"id\": \"crlf\", \"text\": \"a\"}\r\n");
  for (int i = 0; i < 3000; i++)
    fprintf(f, "{\"id\": \"s%d\", \"text\": \"%.*s\"}\n", i, i % 37,
            "abcdefghijklmnopqrstuvwxyz0123456789!");
  fputs("{\"id\": \"nul\", \"text\": \"a", f);
  fputc('\0', f);
  fputs("b\"}\n{\"id\": \"last\", \"text\": \"end\"}", f);
  fclose(f);
  const char *p[] = {path};
  in_reader *r = NULL;
  CHECK_INT(in_open(&r, p, 1, NULL), ASSAY_OK);
  assay_doc *d = NULL;
  assay_error err;
  CHECK_INT(in_next(r, &d, &err), ASSAY_OK);
  CHECK_STR(assay_doc_id(d), "long");
  size_t len = 0;
  assay_doc_text(d, &len);
  CHECK_INT(len, 100000);
  assay_doc_free(d);
  CHECK_INT(in_next(r, &d, &err), ASSAY_OK);
  CHECK_STR(assay_doc_id(d), "crlf");
  assay_doc_free(d);
  int in_order = 1;
  for (int i = 0; i < 3000; i++) {
    char want[32];
    snprintf(want, sizeof want, "s%d", i);
    if (in_next(r, &d, &err) != ASSAY_OK) {
      in_order = 0;
      break;
    }
    in_order &= strcmp(assay_doc_id(d), want) == 0 &&
                strlen(assay_doc_text(d, NULL)) == (size_t)(i % 37);
    assay_doc_free(d);
  }
  CHECK(in_order);
  CHECK_INT(in_next(r, &d, &err), ASSAY_ESYNTAX);
  char where[300];
  snprintf(where, sizeof where, "%s:3005", path);
  CHECK_STR(err.file, where);
  CHECK_INT(in_next(r, &d, &err), ASSAY_OK);
  CHECK_STR(assay_doc_id(d), "last");
  assay_doc_free(d);
  CHECK_INT(in_next(r, &d, &err), ASSAY_STOP);
  in_close(r);

  /* The limit: max_doc_bytes 100 lets a line have 100 + 50 + 4096 bytes. */
  f = fopen(path, "wb");
  if (!f) return;
  const size_t max = 100 + 50 + 4096;
  for (size_t extra = 0; extra < 2; extra++) {
    const char *head = "{\"id\": \"x\", \"text\": \"";
    fputs(head, f);
    for (size_t i = strlen(head) + 2; i < max + extra; i++) fputc('x', f);
    fputs("\"}\n", f);
  }
  fputs("{\"id\": \"after\", \"text\": \"ok\"}\n", f);
  fclose(f);
  in_options opt = {NULL, 100, NULL};
  char want[1200];
  snprintf(want, sizeof want,
           "!x: document larger than the limit max_doc_bytes (100 bytes)\n"
           "!%s:2: line longer than the limit max_doc_bytes (100 bytes)\n"
           "after", path);
  CHECK_STR(read_all(p, 1, &opt), want);
  unlink(path);
}

static void test_stdin(void) {
  CHECK_STR(read_stdin("\n  \n{\"id\": \"s1\", \"text\": \"a\"}\n{bad\n"),
            "s1\n!-:4: invalid JSON at column 4: string or '}' expected near "
            "'bad'");
  CHECK_STR(read_stdin("  Plain text {not json}\n"), "-");
}

int main(void) {
  test_yaml();
  test_front_matter();
  test_bytes();
  test_jsonl();
  test_jsonl_blocks();
  test_dirs();
  test_sony();
  test_loops_and_vanishing();
  test_stdin();
  return check_summary();
}
