/*
 * extract.c -- `assay extract`: runs a rule pack over the inputs and writes
 * one record per document, in input order; a document that fails yields an
 * error record in its place and the run goes on.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "doc.h"
#include "engine.h"
#include "input.h"
#include "rec_arena.h"
#include "store_cli.h"

static const char usage_text[] =
    "usage: assay extract [OPTIONS] [INPUT...]\n"
    "\n"
    "Runs a rule pack over the inputs (files, folders, .jsonl, - for stdin;\n"
    "stdin when none is given) and writes one JSON record per document, in\n"
    "input order (docs/output.md).\n"
    "\n"
    "options:\n"
    "  --format FORMAT         jsonl (default), yaml (a document per record),\n"
    "                          tsv (an annotation per row) or html (the\n"
    "                          texts highlighted: the report's page)\n"
    "  --offsets bytes|chars   offsets in bytes (default) or code points\n"
    "  --layers L1,L2          write only these layers\n"
    "  --trace                 add to each annotation how its rule matched\n"
    "  --with-text             add the document text to each record\n"
    "  --encoding NAME         read inputs in this encoding (iconv)\n"
    "  -o, --output FILE       write to FILE atomically (default stdout)\n"
    "  -j, --jobs N            worker threads (default: the number of cores);\n"
    "                          the output is in input order whatever N\n"
    "  -q, --quiet             no progress line\n"
    "  --profile               print on stderr where the time went, rule by\n"
    "                          rule (summed over the worker threads)\n"
    "  --profile=lines         the same, then the lines of the rule files\n"
    "                          where the Lua time went (sampled)\n"
    "  --store FILE.db         keep documents and annotations in an SQLite\n"
    "                          store; documents it holds unchanged, analysed\n"
    "                          by the same pack, are not analysed again\n"
    "                          (docs/store.md)\n"
    "%s"
    "\n"
    "exit status: 0 all fine, 1 some documents failed, 2 usage error.\n";

typedef struct extract_opts {
  cli_pack_opts pack;
  const char *format, *output, *encoding, *store;
  int chars, trace, with_text, quiet, jobs, profile;
  const char *layers[64];
  char *layers_buf;
  const char **inputs;
  int ninputs;
} extract_opts;

static int split_layers(extract_opts *o, const char *list) {
  free(o->layers_buf);
  o->layers_buf = strdup(list);
  if (!o->layers_buf) return -1;
  int n = 0;
  for (char *tok = strtok(o->layers_buf, ","); tok && n < 63;
       tok = strtok(NULL, ","))
    if (*tok) o->layers[n++] = tok;
  o->layers[n] = NULL;
  return n ? 0 : -1;
}

static int parse_args(extract_opts *o, int argc, char **argv) {
  int only_inputs = 0;
  o->inputs = calloc((size_t)argc + 1, sizeof *o->inputs);
  if (!o->inputs) return -1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *val = i + 1 < argc ? argv[i + 1] : NULL;
    if (only_inputs || a[0] != '-' || !strcmp(a, "-")) {
      o->inputs[o->ninputs++] = a;
      continue;
    }
    int r = cli_pack_option(&o->pack, argc, argv, &i);
    if (r < 0) return -1;
    if (r > 0) continue;
    if (!strcmp(a, "--")) only_inputs = 1;
    else if (!strcmp(a, "--trace")) o->trace = 1;
    else if (!strcmp(a, "--with-text")) o->with_text = 1;
    else if (!strcmp(a, "--profile")) o->profile = 1;
    else if (!strcmp(a, "--profile=lines")) o->profile = 2;
    else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) o->quiet = 1;
    else if (!strcmp(a, "--format") || !strcmp(a, "--offsets") ||
             !strcmp(a, "--layers") || !strcmp(a, "--encoding") ||
             !strcmp(a, "-o") || !strcmp(a, "--output") ||
             !strcmp(a, "-j") || !strcmp(a, "--jobs") ||
             !strcmp(a, "--store")) {
      if (!val) {
        cli_errorf("%s needs a value", a);
        return -1;
      }
      i++;
      if (!strcmp(a, "--format")) o->format = val;
      else if (!strcmp(a, "--store")) o->store = val;
      else if (!strcmp(a, "-j") || !strcmp(a, "--jobs")) {
        char *end;
        long n = strtol(val, &end, 10);
        if (*end || n < 1 || n > 256) {
          cli_errorf("%s takes a number of threads from 1 to 256, not '%s'", a, val);
          return -1;
        }
        o->jobs = (int)n;
      }
      else if (!strcmp(a, "--encoding")) o->encoding = val;
      else if (!strcmp(a, "--layers")) {
        if (split_layers(o, val)) {
          cli_errorf("--layers takes a comma-separated list of layers");
          return -1;
        }
      } else if (!strcmp(a, "--offsets")) {
        if (strcmp(val, "bytes") && strcmp(val, "chars")) {
          cli_errorf("--offsets takes bytes or chars, not '%s'", val);
          return -1;
        }
        o->chars = !strcmp(val, "chars");
      } else
        o->output = val;
    } else {
      cli_errorf("extract: unknown option %s (see assay extract --help)", a);
      return -1;
    }
  }
  if (o->format && strcmp(o->format, "jsonl") && strcmp(o->format, "yaml") &&
      strcmp(o->format, "tsv") && strcmp(o->format, "html")) {
    cli_errorf("extract: unknown format '%s' (jsonl, yaml, tsv, html)", o->format);
    return -1;
  }
  if (o->ninputs == 0) o->inputs[o->ninputs++] = "-";
  return 0;
}

/* The document's layers less the pack's hidden ones, NULL-terminated. */
static const char *const *visible_layers(const assay_rules *rules,
                                         const assay_doc *doc,
                                         const char **buf, size_t size) {
  size_t n = 0;
  for (size_t i = 0; i < doc->nlayers && n + 1 < size; i++)
    if (!eng_layer_hidden(rules, doc->layers[i].name))
      buf[n++] = doc->layers[i].name;
  buf[n] = NULL;
  return buf;
}

enum { FORMAT_JSONL, FORMAT_YAML, FORMAT_TSV };

/* The text of a record in the chosen format (malloc'd). */
static char *render(int format, json_t *rec) {
  if (format == FORMAT_YAML) return cli_yaml_document(rec);
  if (format == FORMAT_TSV) return cli_tsv_rows(rec);
  return cli_json_text(rec, JSON_PRESERVE_ORDER | JSON_COMPACT, "\n");
}

/* The text of an error record (malloc'd). */
static char *error_record(int format, const char *id, const char *pack,
                          const char *msg) {
  json_t *rec = json_object();
  json_object_set_new(rec, "doc", json_string(id));
  json_object_set_new(rec, "schema", json_integer(1));
  json_object_set_new(rec, "pack", json_string(pack));
  json_object_set_new(rec, "error", json_string(msg));
  char *s = render(format, rec);
  json_decref(rec);
  return s;
}

/* The state every stage of the extract pipeline shares. */
typedef struct extract_run {
  const extract_opts *o;
  const assay_rules *rules;
  in_reader *rd;
  FILE *out;
  unsigned flags;
  int format;
  int failed;
  cli_progress *progress;
  cli_store *store; /* --store (store_cli.c), or NULL */
  cli_profile *profile; /* --profile, or NULL */
} extract_run;

/* A read that failed: the job carries the input's id and why. */
static void ex_failed_read(cli_job *job, int st, const assay_error *err) {
  job->doc = NULL;
  snprintf(job->id, sizeof job->id, "%s", err->file[0] ? err->file : "-");
  job->error = strdup(err->message[0] ? err->message : assay_status_name(st));
}

/* The next input into job: 1, or 0 at the end.  (Unparsed when a JSON
 * line, see ex_parse.) */
static int ex_next_job(extract_run *x, cli_job *job) {
  assay_error err;
  memset(&err, 0, sizeof err);
  in_line *line = NULL;
  /* JSON lines are parsed by the workers (ex_process): the one reading
   * thread would otherwise hold two workers back. The store needs the
   * document here, to look it up. */
  int st = x->store ? in_next(x->rd, &job->doc, &err)
                    : in_next_line(x->rd, &job->doc, &line, &err);
  if (st == ASSAY_STOP) return 0;
  if (st != ASSAY_OK) {
    ex_failed_read(job, st, &err);
    return 1;
  }
  if (line) {
    job->line = line;
    snprintf(job->id, sizeof job->id, "%s", in_line_where(line));
    job->bytes = in_line_bytes(line);
    return 1;
  }
  snprintf(job->id, sizeof job->id, "%s", assay_doc_id(job->doc));
  assay_doc_text(job->doc, &job->bytes);
  if (x->store) cli_store_read(x->store, job);
  return 1;
}

/* The reading thread's turn (cli_pipeline_ops.read). */
static int ex_read(void *ud, cli_job *job) {
  extract_run *x = ud;
  uint64_t t0 = x->profile ? cli_now_ns() : 0;
  int more = ex_next_job(x, job);
  if (x->profile) cli_profile_add_input(x->profile, cli_now_ns() - t0);
  return more;
}

/* Parses a job's JSON line (a worker's share of reading). */
static void ex_parse(cli_job *job) {
  assay_error err;
  memset(&err, 0, sizeof err);
  int st = in_line_doc(job->line, &job->doc, &err);
  in_line_free(job->line);
  job->line = NULL;
  if (st != ASSAY_OK)
    ex_failed_read(job, st, &err);
  else
    snprintf(job->id, sizeof job->id, "%s", assay_doc_id(job->doc));
}

static void *ex_worker_new(void *ud) {
  extract_run *x = ud;
  assay_scanner *sc = NULL;
  if (assay_scanner_new(&sc, x->rules, &x->o->pack.limits) != ASSAY_OK) {
    cli_errorf("%s", assay_scanner_errmsg(sc));
    assay_scanner_free(sc);
    return NULL;
  }
  if (x->profile && eng_profile_enable(sc) != ASSAY_OK) {
    cli_errorf("out of memory");
    assay_scanner_free(sc);
    return NULL;
  }
  if (cli_profile_lines(x->profile) &&
      eng_profile_lines_enable(sc) != ASSAY_OK) {
    cli_errorf("%s", assay_scanner_errmsg(sc));
    assay_scanner_free(sc);
    return NULL;
  }
  return sc;
}

static void ex_worker_free(void *ud, void *w) {
  extract_run *x = ud;
  cli_profile_add_scanner(x->profile, w);
  assay_scanner_free(w);
}

static void ex_process(void *ud, void *w, cli_job *job) {
  extract_run *x = ud;
  const char *pack = assay_rules_pack(x->rules);
  if (job->line) {
    uint64_t t0 = x->profile ? cli_now_ns() : 0;
    ex_parse(job);
    if (x->profile) cli_profile_add_input(x->profile, cli_now_ns() - t0);
  }
  if (!job->doc) {
    job->out = error_record(x->format, job->id, pack, job->error);
    job->failed = 1;
    return;
  }
  assay_scanner *sc = w;
  int stored = x->store && cli_store_cached(x->store, job);
  if (!stored && eng_scan(sc, job->doc, x->o->trace, -1) != ASSAY_OK) {
    job->error = strdup(assay_scanner_errmsg(sc));
    job->out = error_record(x->format, job->id, pack, job->error ? job->error : "error");
    job->failed = 1;
  } else {
    uint64_t t0 = x->profile ? cli_now_ns() : 0;
    const char *visible[256];
    const char *const *layers =
        x->o->layers[0] ? x->o->layers
                        : visible_layers(x->rules, job->doc, visible, 256);
    if (x->format == FORMAT_JSONL) { /* the text at once, no tree */
      strbuf out = {0};
      if (doc_record_text(&out, job->doc, x->flags, layers, pack) ||
          sb_add(&out, "\n", 1))
        free(out.s), out.s = NULL;
      job->out = out.s;
    } else {
      rec_arena_begin(); /* the record's tree: dropped, not decref'd */
      json_t *rec = doc_record(job->doc, x->flags, layers, pack);
      job->out = rec ? render(x->format, rec) : NULL;
      rec_arena_end();
    }
    if (!job->out) {
      job->error = strdup("out of memory");
      job->out = error_record(x->format, job->id, pack, "out of memory");
      job->failed = 1;
    }
    if (x->profile) cli_profile_add_output(x->profile, cli_now_ns() - t0);
  }
  if (x->store) return; /* kept for ex_write to store */
  assay_doc_free(job->doc);
  job->doc = NULL;
}

static void ex_write(void *ud, cli_job *job) {
  extract_run *x = ud;
  if (job->out) fputs(job->out, x->out);
  if (job->failed) {
    x->failed++;
    fprintf(stderr, "%sassay: %s: %s\n", x->progress ? "\n" : "", job->id,
            job->error ? job->error : "failed");
  }
  if (x->store && cli_store_write(x->store, job)) x->failed++;
  cli_progress_add(x->progress, job->bytes);
  free(job->out);
  free(job->error);
  assay_doc_free(job->doc);
  in_line_free(job->line); /* left when no worker could take the job */
  job->out = job->error = NULL;
  job->doc = NULL;
  job->line = NULL;
}

/* --format html: the documents' page is the report's HTML page (the texts
 * with their annotations, and what they say together), so extract hands
 * the inputs to `assay report --format html`. */
static int extract_html(const extract_opts *o) {
  char **args = calloc((size_t)o->ninputs + 12, sizeof *args);
  if (!args) return CLI_USAGE;
  int n = 0;
  args[n++] = "report";
  args[n++] = "--format";
  args[n++] = "html";
  if (o->pack.rules) {
    args[n++] = "--rules";
    args[n++] = (char *)o->pack.rules;
  }
  if (o->pack.unsafe) args[n++] = "--unsafe";
  if (o->output) {
    args[n++] = "-o";
    args[n++] = (char *)o->output;
  }
  for (int i = 0; i < o->ninputs; i++) args[n++] = (char *)o->inputs[i];
  int st = cli_report(n, args);
  free(args);
  return st;
}

int cli_extract(int argc, char **argv) {
  if (argc > 1 && cli_is_help(argv[1])) {
    printf(usage_text, cli_pack_help);
    return CLI_OK;
  }
  rec_arena_install();
  extract_opts o;
  memset(&o, 0, sizeof o);
  extract_run x; /* before the first goto: `done` closes x.store */
  memset(&x, 0, sizeof x);
  int status = CLI_USAGE;
  assay_rules *rules = NULL;
  in_reader *rd = NULL;
  cli_output out;
  memset(&out, 0, sizeof out);
  if (parse_args(&o, argc, argv)) goto done;
  if (o.format && !strcmp(o.format, "html")) {
    status = extract_html(&o);
    goto done;
  }
  uint64_t compile_start = cli_now_ns();
  if (!(rules = cli_compile(&o.pack))) goto done;
  uint64_t compile_ns = cli_now_ns() - compile_start;
  in_options io = {o.encoding, o.pack.limits.max_doc_bytes, NULL};
  if (in_open(&rd, o.inputs, (size_t)o.ninputs, &io) != ASSAY_OK) {
    cli_errorf("out of memory");
    goto done;
  }
  if (o.store && !(x.store = cli_store_open(o.store, rules))) goto done;
  if (cli_output_open(&out, o.output)) goto done;
  x.o = &o;
  x.rules = rules;
  x.rd = rd;
  x.out = out.f;
  x.flags = (o.chars ? ASSAY_JSON_CHARS : 0) | (o.with_text ? ASSAY_JSON_TEXT : 0);
  x.format = !o.format || !strcmp(o.format, "jsonl") ? FORMAT_JSONL
             : !strcmp(o.format, "yaml")             ? FORMAT_YAML
                                                     : FORMAT_TSV;
  x.profile = o.profile ? cli_profile_new(rules, o.profile == 2) : NULL;
  if (o.profile && !x.profile) {
    cli_errorf("out of memory");
    goto done;
  }
  cli_profile_set_compile(x.profile, compile_ns);
  if (x.format == FORMAT_TSV) fprintf(out.f, "%s\n", cli_tsv_header);
  if (!o.quiet && isatty(STDERR_FILENO))
    x.progress = cli_progress_new(0, cli_input_bytes(o.inputs, o.ninputs));
  cli_pipeline_ops ops = {ex_read, ex_worker_new, ex_worker_free,
                          ex_process, ex_write, &x};
  int pst = cli_pipeline_run(&ops, o.jobs ? o.jobs : cli_cores());
  cli_progress_done(x.progress);
  cli_profile_print(x.profile, stderr);
  if (cli_store_close(x.store, o.quiet)) pst = -1;
  x.store = NULL;
  if (pst) {
    cli_output_close(&out, 0);
    out.f = NULL;
    goto done;
  }
  int failed = x.failed;
  status = failed ? CLI_SOME_FAILED : CLI_OK;
  if (cli_output_close(&out, 1)) status = CLI_USAGE;
  out.f = NULL;
done:
  cli_store_close(x.store, 1);
  cli_profile_free(x.profile);
  if (out.f && out.path) cli_output_close(&out, 0);
  in_close(rd);
  assay_rules_free(rules);
  free(o.inputs);
  free(o.layers_buf);
  return status;
}
