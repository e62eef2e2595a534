/*
 * test_date.c -- the date arithmetic of date.c, table-driven: calendar,
 * ISO weeks, weekday_near, shifts, TIMEX3 values, durations, clock times
 * with time zones and DST, and the month/weekday/number/ordinal words.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "date.h"

/* One case: op names the function; a is a date (or a number for
 * "duration"), n and m integer arguments, s and t string arguments; want
 * is the result as text ("ERR" for a negative status). */
typedef struct date_case {
  const char *op, *a;
  int n, m;
  const char *s, *t, *want;
} date_case;

static const date_case cases[] = {
    /* parsing and formatting */
    {"parse", "2014-12-17", 0, 0, NULL, NULL, "2014-12-17"},
    {"parse", "2014-12", 0, 0, NULL, NULL, "2014-12"},
    {"parse", "2014", 0, 0, NULL, NULL, "2014"},
    {"parse", "2014-12-03T20:45", 0, 0, NULL, NULL, "2014-12-03"},
    {"parse", "XXXX-11-24", 0, 0, NULL, NULL, "XXXX-11-24"},
    {"parse", "2014-12-03 20:45:00", 0, 0, NULL, NULL, "2014-12-03"},
    {"parse", "0000-01-01", 0, 0, NULL, NULL, "ERR"},
    {"parse", "2012-02-29", 0, 0, NULL, NULL, "2012-02-29"},
    {"parse", "2000-02-29", 0, 0, NULL, NULL, "2000-02-29"},
    {"parse", "1900-02-29", 0, 0, NULL, NULL, "ERR"},
    {"parse", "2014-02-29", 0, 0, NULL, NULL, "ERR"},
    {"parse", "2014-13-01", 0, 0, NULL, NULL, "ERR"},
    {"parse", "2014-00", 0, 0, NULL, NULL, "ERR"},
    {"parse", "2014-04-31", 0, 0, NULL, NULL, "ERR"},
    {"parse", "14-12-17", 0, 0, NULL, NULL, "ERR"},
    {"parse", "2014-12T10:00", 0, 0, NULL, NULL, "ERR"},
    {"parse", "2014-12-17x", 0, 0, NULL, NULL, "ERR"},
    {"parse", "", 0, 0, NULL, NULL, "ERR"},
    /* weekdays (ISO: 1 Monday .. 7 Sunday) */
    {"weekday", "2014-12-17", 0, 0, NULL, NULL, "3"},
    {"weekday", "2014-12-14", 0, 0, NULL, NULL, "7"},
    {"weekday", "2001-09-11", 0, 0, NULL, NULL, "2"},
    {"weekday", "0001-01-01", 0, 0, NULL, NULL, "1"},
    {"weekday", "2000-02-29", 0, 0, NULL, NULL, "2"},
    {"weekday", "9999-12-31", 0, 0, NULL, NULL, "5"},
    {"weekday", "2014-12", 0, 0, NULL, NULL, "0"},
    /* adding days, months, years; month ends and leap years */
    {"add_days", "2014-12-17", -21, 0, NULL, NULL, "2014-11-26"},
    {"add_days", "2014-12-31", 1, 0, NULL, NULL, "2015-01-01"},
    {"add_days", "2012-02-28", 1, 0, NULL, NULL, "2012-02-29"},
    {"add_days", "2013-02-28", 1, 0, NULL, NULL, "2013-03-01"},
    {"add_days", "2000-03-01", -1, 0, NULL, NULL, "2000-02-29"},
    {"add_days", "1900-03-01", -1, 0, NULL, NULL, "1900-02-28"},
    {"add_days", "2014-01-01", 365, 0, NULL, NULL, "2015-01-01"},
    {"add_days", "0001-01-01", -1, 0, NULL, NULL, "XXXX"},
    {"add_days", "9999-12-31", 1, 0, NULL, NULL, "XXXX"},
    {"add_months", "2014-01-31", 1, 0, NULL, NULL, "2014-02-28"},
    {"add_months", "2012-01-31", 1, 0, NULL, NULL, "2012-02-29"},
    {"add_months", "2014-03-31", -1, 0, NULL, NULL, "2014-02-28"},
    {"add_months", "2014-12-17", 1, 0, NULL, NULL, "2015-01-17"},
    {"add_months", "2014-01-15", -13, 0, NULL, NULL, "2012-12-15"},
    {"add_months", "2014-12", -1, 0, NULL, NULL, "2014-11"},
    {"add_years", "2012-02-29", 1, 0, NULL, NULL, "2013-02-28"},
    {"add_years", "2012-02-29", 4, 0, NULL, NULL, "2016-02-29"},
    {"add_years", "2014", -1, 0, NULL, NULL, "2013"},
    {"diff", "2014-11-26", 0, 0, "2014-12-17", NULL, "21"},
    {"leap", NULL, 2000, 0, NULL, NULL, "1"},
    {"leap", NULL, 1900, 0, NULL, NULL, "0"},
    {"leap", NULL, 2012, 0, NULL, NULL, "1"},
    {"dim", NULL, 2014, 2, NULL, NULL, "28"},
    {"dim", NULL, 2016, 2, NULL, NULL, "29"},
    {"dim", NULL, 2014, 9, NULL, NULL, "30"},
    /* ISO weeks at year boundaries */
    {"format", "2014-12-29", 0, 0, "week", NULL, "2015-W01"},
    {"format", "2010-01-03", 0, 0, "week", NULL, "2009-W53"},
    {"format", "2010-01-04", 0, 0, "week", NULL, "2010-W01"},
    {"format", "2014-12-17", 0, 0, "week", NULL, "2014-W51"},
    {"format", "2015-12-31", 0, 0, "week", NULL, "2015-W53"},
    {"format", "2016-01-01", 0, 0, "week", NULL, "2015-W53"},
    {"format", "2008-12-29", 0, 0, "week", NULL, "2009-W01"},
    {"format", "2005-01-02", 0, 0, "week", NULL, "2004-W53"},
    {"format", "2007-01-01", 0, 0, "week", NULL, "2007-W01"},
    {"format", "2014-12-17", 0, 0, "weekday", NULL, "2014-W51-3"},
    /* TIMEX3 values at each granularity */
    {"format", "2014-11-26", 0, 0, "day", NULL, "2014-11-26"},
    {"format", "2014-11-26", 0, 0, "month", NULL, "2014-11"},
    {"format", "2013-03", 0, 0, "month", NULL, "2013-03"}, /* March 2013 */
    {"format", "2014-02-26", 0, 0, "quarter", NULL, "2014-Q1"},
    {"format", "2014-12-26", 0, 0, "quarter", NULL, "2014-Q4"},
    {"format", "2014-07-01", 0, 0, "half", NULL, "2014-H2"},
    {"format", "2013-05-01", 0, 0, "year", NULL, "2013"},
    {"format", "1994-05-01", 0, 0, "decade", NULL, "199"},
    {"format", "2014", 0, 0, "decade", NULL, "201"},
    {"format", "1994", 0, 0, "century", NULL, "19"},
    {"format", "XXXX-11-24", 0, 0, "day", NULL, "XXXX-11-24"},
    {"format", "XXXX-11-24", 0, 0, "week", NULL, "XXXX-WXX"},
    {"format", "XXXX-11", 0, 0, "quarter", NULL, "XXXX-Q4"},
    {"format", "2014", 0, 0, "quarter", NULL, "2014-QX"},
    {"format", "XXXX", 0, 0, "year", NULL, "XXXX"},
    /* weekday_near: dir -1 on or before, +1 on or after, 0 nearest */
    {"near", "2014-12-17", 2, -1, NULL, NULL, "2014-12-16"},
    {"near", "2014-12-17", 6, -1, NULL, NULL, "2014-12-13"},
    {"near", "2014-12-17", 7, -1, NULL, NULL, "2014-12-14"},
    {"near", "2014-12-17", 3, -1, NULL, NULL, "2014-12-17"},
    {"near", "2014-12-17", 3, 0, NULL, NULL, "2014-12-17"},
    {"near", "2014-12-17", 3, 1, NULL, NULL, "2014-12-17"},
    {"near", "2014-12-17", 2, 1, NULL, NULL, "2014-12-23"},
    {"near", "2014-12-17", 5, 1, NULL, NULL, "2014-12-19"},
    {"near", "2014-12-17", 2, 0, NULL, NULL, "2014-12-16"},
    {"near", "2014-12-17", 5, 0, NULL, NULL, "2014-12-19"},
    {"near", "2014-12-17", 7, 0, NULL, NULL, "2014-12-14"},
    {"near", "2014-12-17", 6, 0, NULL, NULL, "2014-12-20"},
    {"near", "2015-01-01", 1, -1, NULL, NULL, "2014-12-29"},
    {"near", "2014-12-17", 8, -1, NULL, NULL, "XXXX"},
    /* shifts: the Sony articles against 2014-12-17 */
    {"shift", "2014-12-17", -3, 0, "week", "day", "2014-11-26"},
    {"shift", "2014-12-17", -3, 0, "week", "week", "2014-W48"},
    {"shift", "2014-12-17", 0, 0, "week", "week", "2014-W51"},
    {"shift", "2014-12-17", 0, 0, "month", "month", "2014-12"},
    {"shift", "2014-12-17", -1, 0, "month", "month", "2014-11"},
    {"shift", "2014-12-17", 1, 0, "year", "year", "2015"},
    {"shift", "2014-12-17", -1, 0, "year", "year", "2013"},
    {"shift", "2014-12-17", 0, 0, "day", "day", "2014-12-17"},
    {"shift", "2014-12-17", -1, 0, "day", "day", "2014-12-16"},
    {"shift", "2014-12-17", -1, 0, "quarter", "quarter", "2014-Q3"},
    {"shift", "2014-12-17", 1, 0, "quarter", "quarter", "2015-Q1"},
    {"shift", "2014-12-17", 1, 0, "week", "week", "2014-W52"},
    {"shift", "2014-12-17", 2, 0, "week", "week", "2015-W01"},
    {"shift", "2014-12-17", -1, 0, "decade", "decade", "200"},
    {"shift", "2014-12", -1, 0, "month", "month", "2014-11"},
    {"shift", "2014", -1, 0, "year", "year", "2013"},
    {"shift", "2014", -1, 0, "month", "month", "ERR"},
    {"shift", "9999-12-31", 1, 0, "day", "day", "ERR"},
    {"shift", "9999-12-15", 1, 0, "month", "month", "ERR"},
    {"shift", "0005-06-01", -1, 0, "millennium", "year", "ERR"},
    {"shift", "XXXX-11-24", -1, 0, "day", "day", "ERR"},
    {"shift", "2014-12-17", 0, 0, "fortnight", "day", "ERR"},
    /* durations */
    {"duration", "3", 0, 0, "week", NULL, "P3W"},
    {"duration", "2", 0, 0, "day", NULL, "P2D"},
    {"duration", "5", 0, 0, "hour", NULL, "PT5H"},
    {"duration", "1.5", 0, 0, "year", NULL, "P1Y6M"},
    {"duration", "0.5", 0, 0, "day", NULL, "PT12H"},
    {"duration", "1.5", 0, 0, "hour", NULL, "PT1H30M"},
    {"duration", "1.5", 0, 0, "week", NULL, "P1.5W"},
    {"duration", "X", 0, 0, "years", NULL, "PXY"},
    {"duration", "X", 0, 0, "months", NULL, "PXM"},
    {"duration", "1", 0, 0, "decade", NULL, "P1E"},
    {"duration", "2", 0, 0, "quarters", NULL, "P2Q"},
    {"duration", "30", 0, 0, "minutes", NULL, "PT30M"},
    {"duration", "1", 0, 0, "x", NULL, "PXX"},
    /* clock times, time zones, US daylight-saving time */
    {"time", "2014-12-03", 0, 0, "8:45PM", "ET", "2014-12-03T20:45-05:00"},
    {"time", "2014-07-03", 0, 0, "8:45PM", "ET", "2014-07-03T20:45-04:00"},
    {"time", "2014-12-03", 0, 0, "8:45 p.m.", "EST", "2014-12-03T20:45-05:00"},
    {"time", "2014-12-03", 0, 0, "8:45 p.m.", "PT", "2014-12-03T20:45-08:00"},
    {"time", "2014-07-03", 0, 0, "8:45 p.m.", "PT", "2014-07-03T20:45-07:00"},
    {"time", "2014-03-09", 0, 0, "noon", "ET", "2014-03-09T12:00-04:00"},
    {"time", "2014-03-08", 0, 0, "noon", "ET", "2014-03-08T12:00-05:00"},
    {"time", "2014-11-01", 0, 0, "noon", "CT", "2014-11-01T12:00-05:00"},
    {"time", "2014-11-02", 0, 0, "noon", "CT", "2014-11-02T12:00-06:00"},
    {"time", "2006-04-01", 0, 0, "9am", "ET", "2006-04-01T09:00-05:00"},
    {"time", "2006-04-02", 0, 0, "9am", "ET", "2006-04-02T09:00-04:00"},
    {"time", "2014-12-03", 0, 0, "20:45", "GMT", "2014-12-03T20:45Z"},
    {"time", "2014-07-03", 0, 0, "20:45", "BST", "2014-07-03T20:45+01:00"},
    {"time", "2014-12-03", 0, 0, "9:30 a.m.", "IST", "2014-12-03T09:30+05:30"},
    {"time", "2014-12-03", 0, 0, "8PM", NULL, "2014-12-03T20:00"},
    {"time", "2014-12-03", 0, 0, "12 a.m.", NULL, "2014-12-03T00:00"},
    {"time", "2014-12-03", 0, 0, "12 p.m.", NULL, "2014-12-03T12:00"},
    {"time", "2014-12-03", 0, 0, "midnight", NULL, "2014-12-03T24:00"},
    {"time", "2014-12-03", 0, 0, "10:35:20", NULL, "2014-12-03T10:35:20"},
    {"time", "2014-12-03", 0, 0, "evening", NULL, "2014-12-03TEV"},
    {"time", "XXXX", 0, 0, "8:45PM", "ET", "XXXX-XX-XXT20:45-05:00"},
    {"time", "2014-12-03", 0, 0, "8:45PM", "UTC+3", "2014-12-03T20:45+03:00"},
    {"time", "2014-12-03", 0, 0, "13pm", NULL, "ERR"},
    {"time", "2014-12-03", 0, 0, "8:75", NULL, "ERR"},
    {"time", "2014-12-03", 0, 0, "8:45PM", "XYZ", "ERR"},
    /* words */
    {"month", NULL, 0, 0, "November", NULL, "11"},
    {"month", NULL, 0, 0, "Nov.", NULL, "11"},
    {"month", NULL, 0, 0, "jan", NULL, "1"},
    {"month", NULL, 0, 0, "Sept.", NULL, "9"},
    {"month", NULL, 0, 0, "MAY", NULL, "5"},
    {"month", NULL, 0, 0, "Mayday", NULL, "0"},
    {"wdnum", NULL, 0, 0, "Tuesday", NULL, "2"},
    {"wdnum", NULL, 0, 0, "Tues.", NULL, "2"},
    {"wdnum", NULL, 0, 0, "Tue", NULL, "2"},
    {"wdnum", NULL, 0, 0, "Thurs.", NULL, "4"},
    {"wdnum", NULL, 0, 0, "Sundays", NULL, "7"},
    {"wdnum", NULL, 0, 0, "Sun.", NULL, "7"},
    {"wdnum", NULL, 0, 0, "Tuesd", NULL, "0"},
    {"number", NULL, 0, 0, "three", NULL, "3"},
    {"number", NULL, 0, 0, "Twenty-one", NULL, "21"},
    {"number", NULL, 0, 0, "ninety nine", NULL, "99"},
    {"number", NULL, 0, 0, "a hundred", NULL, "100"},
    {"number", NULL, 0, 0, "two hundred and five", NULL, "205"},
    {"number", NULL, 0, 0, "two thousand", NULL, "2000"},
    {"number", NULL, 0, 0, "a", NULL, "1"},
    {"number", NULL, 0, 0, "an", NULL, "1"},
    {"number", NULL, 0, 0, "a couple of", NULL, "2"},
    {"number", NULL, 0, 0, "half a dozen", NULL, "6"},
    {"number", NULL, 0, 0, "one hundred twenty", NULL, "120"},
    {"number", NULL, 0, 0, "three million", NULL, "3e+06"},
    {"number", NULL, 0, 0, "the", NULL, "ERR"},
    {"number", NULL, 0, 0, "a dozen", NULL, "12"},
    {"number", NULL, 0, 0, "one and a half", NULL, "1.5"},
    {"number", NULL, 0, 0, "half", NULL, "0.5"},
    {"number", NULL, 0, 0, "1,500", NULL, "1500"},
    {"number", NULL, 0, 0, "2.5", NULL, "2.5"},
    {"number", NULL, 0, 0, "several", NULL, "X"},
    {"number", NULL, 0, 0, "a few", NULL, "X"},
    {"number", NULL, 0, 0, "seventeen", NULL, "17"},
    {"number", NULL, 0, 0, "weeks", NULL, "ERR"},
    {"ordinal", NULL, 0, 0, "1st", NULL, "1"},
    {"ordinal", NULL, 0, 0, "11th", NULL, "11"},
    {"ordinal", NULL, 0, 0, "22nd", NULL, "22"},
    {"ordinal", NULL, 0, 0, "first", NULL, "1"},
    {"ordinal", NULL, 0, 0, "Eleventh", NULL, "11"},
    {"ordinal", NULL, 0, 0, "twenty-first", NULL, "21"},
    {"ordinal", NULL, 0, 0, "thirtieth", NULL, "30"},
    {"ordinal", NULL, 0, 0, "eleven", NULL, "0"},
    {"ordinal", NULL, 0, 0, "11", NULL, "0"},
    {"unit", NULL, 0, 0, "Weeks", NULL, "week"},
    {"unit", NULL, 0, 0, "yrs", NULL, "year"},
    {"unit", NULL, 0, 0, "fortnight", NULL, "ERR"},
};

static assay_date parsed(const char *iso) {
  assay_date d = {0, 0, 0};
  if (iso && assay_date_parse(iso, &d) != ASSAY_OK)
    fprintf(stderr, "bad test date %s\n", iso);
  return d;
}

/* The text of a date, or "ERR". */
static void date_text(assay_date d, char *out, size_t size) {
  if (assay_date_format(d, out, size) < 0)
    snprintf(out, size, "ERR");
}

/* Like date_text for a length-returning formatter's status. */
static void status_text(int rc, char *out, size_t size) {
  if (rc < 0)
    snprintf(out, size, "ERR");
}

static void run_calendar(const date_case *c, char *out, size_t size) {
  assay_date d = parsed(c->a), r;
  int y;
  if (!strcmp(c->op, "weekday"))
    snprintf(out, size, "%d", assay_date_weekday(d));
  else if (!strcmp(c->op, "add_days"))
    date_text(assay_date_add_days(d, c->n), out, size);
  else if (!strcmp(c->op, "add_months"))
    date_text(assay_date_add_months(d, c->n), out, size);
  else if (!strcmp(c->op, "add_years"))
    date_text(date_add_years(d, c->n), out, size);
  else if (!strcmp(c->op, "diff"))
    snprintf(out, size, "%ld", date_diff_days(d, parsed(c->s)));
  else if (!strcmp(c->op, "leap"))
    snprintf(out, size, "%d", date_is_leap(c->n));
  else if (!strcmp(c->op, "dim"))
    snprintf(out, size, "%d", date_days_in_month(c->n, c->m));
  else if (!strcmp(c->op, "near"))
    date_text(assay_date_weekday_near(d, c->n, c->m), out, size);
  else if (!strcmp(c->op, "iso_week"))
    snprintf(out, size, "%d/%d", assay_date_iso_week(d, &y), y);
  else if (!strcmp(c->op, "format"))
    status_text(date_format_gran(d, date_unit_parse(c->s), out, size), out,
                size);
  else if (!strcmp(c->op, "shift")) {
    if (date_shift(d, c->n, date_unit_parse(c->s), &r) < 0)
      snprintf(out, size, "ERR");
    else
      status_text(date_format_gran(r, date_unit_parse(c->t), out, size), out,
                  size);
  } else
    snprintf(out, size, "unknown op %s", c->op);
}

static void run_words(const date_case *c, char *out, size_t size) {
  double v;
  int rc;
  if (!strcmp(c->op, "month"))
    snprintf(out, size, "%d", date_month_number(c->s));
  else if (!strcmp(c->op, "wdnum"))
    snprintf(out, size, "%d", date_weekday_number(c->s));
  else if (!strcmp(c->op, "ordinal"))
    snprintf(out, size, "%d", date_ordinal(c->s));
  else if (!strcmp(c->op, "unit")) {
    const char *n = date_unit_name(date_unit_parse(c->s));
    snprintf(out, size, "%s", n ? n : "ERR");
  } else if (!strcmp(c->op, "number")) {
    rc = date_number(c->s, &v);
    if (rc == DATE_NUM_X)
      snprintf(out, size, "X");
    else if (rc < 0)
      snprintf(out, size, "ERR");
    else
      snprintf(out, size, "%g", v);
  } else if (!strcmp(c->op, "duration")) {
    int known = strcmp(c->a, "X") != 0;
    status_text(date_duration(known ? atof(c->a) : 0, known,
                              date_unit_parse(c->s), out, size),
                out, size);
  } else if (!strcmp(c->op, "time")) {
    status_text(date_time_value(parsed(c->a), c->s, c->t, out, size), out,
                size);
  } else if (!strcmp(c->op, "parse")) {
    assay_date d;
    if (assay_date_parse(c->a, &d) < 0)
      snprintf(out, size, "ERR");
    else
      date_text(d, out, size);
  } else
    run_calendar(c, out, size);
}

static void test_table(void) {
  size_t i;
  char out[64];
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const date_case *c = &cases[i];
    out[0] = '\0';
    run_words(c, out, sizeof out);
    if (strcmp(out, c->want) != 0)
      fprintf(stderr, "case %zu: %s(%s, %d, %d, %s, %s)\n", i, c->op,
              c->a ? c->a : "-", c->n, c->m, c->s ? c->s : "-",
              c->t ? c->t : "-");
    CHECK_STR(out, c->want);
  }
}

/* Every day of 400 years: day numbers round-trip, weekdays advance by one,
 * ISO weeks run 1..52/53 and change on Mondays. */
static void test_calendar_sweep(void) {
  assay_date d = {1900, 1, 1};
  long start = date_to_days(d), i, bad = 0;
  int prev_wd = assay_date_weekday(d), prev_w = assay_date_iso_week(d, NULL);
  for (i = 1; i < 146097; i++) {
    assay_date e = date_from_days(start + i);
    int wd = assay_date_weekday(e), w = assay_date_iso_week(e, NULL);
    if (date_to_days(e) != start + i || wd != prev_wd % 7 + 1)
      bad++;
    if (w != prev_w && !(wd == 1 && (w == prev_w + 1 || w == 1)))
      bad++;
    if (w < 1 || w > 53)
      bad++;
    prev_wd = wd, prev_w = w;
  }
  CHECK_INT(bad, 0);
}

static void test_edges(void) {
  char buf[16];
  assay_date d;
  char msg[64];
  /* a too small buffer is ELIMIT, not an overflow */
  CHECK_INT(assay_date_format((assay_date){2014, 12, 17}, buf, 10),
            ASSAY_ELIMIT);
  CHECK_INT(assay_date_format((assay_date){2014, 12, 17}, buf, 11), 10);
  CHECK_STR(buf, "2014-12-17");
  CHECK_INT(assay_date_parse(NULL, &d), ASSAY_EMISUSE);
  CHECK_INT(date_parse_msg("2014-13", &d, msg, sizeof msg), ASSAY_ESYNTAX);
  CHECK_STR(msg, "month 13 is out of range");
  CHECK_INT(date_parse_msg("2014-02-30", &d, msg, sizeof msg), ASSAY_ESYNTAX);
  CHECK_STR(msg, "day 30 is out of range for the month");
  CHECK_INT(assay_date_format((assay_date){2014, 13, 1}, buf, 8),
            ASSAY_EMISUSE);
  CHECK_INT(date_duration(-1, 1, DATE_DAY, buf, sizeof buf), ASSAY_EMISUSE);
}

/* Odd and overlong text is rejected, never read past its end. */
static void test_garbage(void) {
  static const char *const junk[] = {
      "",   " ",    "-",   "::",      "12:",    "8:4pm", "2014-1", "99999",
      "-1", "p.m.", "a.m", "twenty-", "-first", "1st1",  "XX-11",  "2014--12"};
  char long_text[300], buf[64];
  double v;
  int h, m, sec, bad = 0;
  const char *part;
  size_t i;
  assay_date d;
  memset(long_text, '9', sizeof long_text - 1);
  long_text[sizeof long_text - 1] = '\0';
  for (i = 0; i < sizeof junk / sizeof junk[0]; i++) {
    if (date_clock_parse(junk[i], &h, &m, &sec, &part) == ASSAY_OK)
      bad++;
    if (date_month_number(junk[i]) || date_weekday_number(junk[i]))
      bad++;
    if (date_ordinal(junk[i]))
      bad++;
    if (assay_date_parse(junk[i], &d) == ASSAY_OK)
      bad++;
  }
  CHECK_INT(bad, 0);
  CHECK_INT(assay_date_parse(long_text, &d), ASSAY_ESYNTAX);
  CHECK_INT(date_clock_parse(long_text, &h, &m, &sec, &part), ASSAY_ESYNTAX);
  CHECK_INT(date_number(long_text, &v), ASSAY_ENOTFOUND);
  CHECK_INT(date_ordinal(long_text), 0);
  CHECK_INT(date_unit_parse(long_text), -1);
  CHECK_INT(date_tz_offset(long_text, d, &h), ASSAY_ENOTFOUND);
  CHECK_INT(date_time_value((assay_date){2014, 12, 3}, "8pm", long_text, buf,
                            sizeof buf),
            ASSAY_ENOTFOUND);
}

/* nearest_year: the year of a month/day around the anchor, on the side
 * dir asks for; months count 31 days. */
static void test_nearest_year(void) {
  assay_date a = {2014, 12, 17};
  CHECK_INT(date_nearest_year(a, 11, 28, 0), 2014); /* last month */
  CHECK_INT(date_nearest_year(a, 1, 5, 0), 2015);   /* in three weeks */
  CHECK_INT(date_nearest_year(a, 1, 5, -1), 2014);  /* the last one */
  CHECK_INT(date_nearest_year(a, 11, 28, 1), 2015); /* the next one */
  CHECK_INT(date_nearest_year(a, 12, 17, -1), 2014); /* the day itself */
  CHECK_INT(date_nearest_year(a, 12, 17, 1), 2014);
  CHECK_INT(date_nearest_year(a, 7, 0, 0), 2014);   /* July: the 15th */
  CHECK_INT(date_nearest_year(a, 6, 0, 0), 2015);   /* June: nearer next */
  CHECK_INT(date_nearest_year(a, 12, 0, 1), 2014);  /* the 31st, after */
  CHECK_INT(date_nearest_year((assay_date){2015, 1, 2}, 12, 0, -1), 2014);
  /* a tie goes to the earlier year */
  CHECK_INT(date_nearest_year((assay_date){2014, 7, 1}, 1, 1, 0), 2014);
}

int main(void) {
  test_table();
  test_nearest_year();
  test_garbage();
  test_calendar_sweep();
  test_edges();
  return check_summary();
}
