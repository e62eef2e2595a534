/*
 * date.c -- TIMEX3 date arithmetic: the proleptic Gregorian calendar, ISO
 * weeks, shifts, values at a granularity, durations, clock times with time
 * zones, and the English words for months, weekdays, numbers and ordinals.
 */
#include "date.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATE_MIN_YEAR 1
#define DATE_MAX_YEAR 9999

static const assay_date date_unknown = {0, 0, 0};

/* ---------------------------------------------------------------- */
/* Small string helpers                                             */
/* ---------------------------------------------------------------- */

/* Copies s lower-cased into buf, dropping a final '.', collapsing runs of
 * spaces and trimming; returns 0, or -1 when s does not fit. */
static int date_norm_word(const char *s, char *buf, size_t size) {
  size_t n = 0;
  int space = 0;
  while (*s && isspace((unsigned char)*s))
    s++;
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (isspace(c)) {
      space = 1;
      continue;
    }
    if (space && n + 1 < size)
      buf[n++] = ' ';
    space = 0;
    if (n + 1 >= size)
      return -1;
    buf[n++] = (char)tolower(c);
  }
  if (n > 0 && buf[n - 1] == '.')
    n--;
  buf[n] = '\0';
  return 0;
}

/* snprintf into buf that reports truncation as ASSAY_ELIMIT. */
static int date_emit(char *buf, size_t size, const char *fmt, ...) {
  va_list ap;
  int n;
  if (!buf && size)
    return ASSAY_EMISUSE;
  va_start(ap, fmt);
  n = vsnprintf(buf, size, fmt, ap);
  va_end(ap);
  if (n < 0)
    return ASSAY_EERROR;
  return (size_t)n >= size ? ASSAY_ELIMIT : n;
}

/* ---------------------------------------------------------------- */
/* Calendar                                                         */
/* ---------------------------------------------------------------- */

int date_is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int date_days_in_month(int y, int m) {
  static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12)
    return 0;
  if (m == 2 && (y == 0 || date_is_leap(y)))
    return 29;
  return dim[m - 1];
}

int date_nearest_year(assay_date a, int month, int day, int dir) {
  long at = (long)a.year * 372 + (a.month - 1) * 31 + a.day;
  long dd = day ? day : dir == 0 ? 15 : dir < 0 ? 1 : 31;
  int best = a.year;
  long bestd = -1;
  for (int y = a.year - 1; y <= a.year + 1; y++) {
    long t = (long)y * 372 + (long)(month - 1) * 31 + dd;
    long dist = t > at ? t - at : at - t;
    /* the wrong side of the anchor loses to any year on the right side */
    if ((dir < 0 && t > at) || (dir > 0 && t < at)) dist += 10000;
    if (bestd < 0 || dist < bestd) best = y, bestd = dist;
  }
  return best;
}

int date_is_complete(assay_date d) {
  return d.year >= DATE_MIN_YEAR && d.year <= DATE_MAX_YEAR && d.month >= 1 &&
         d.month <= 12 && d.day >= 1 &&
         d.day <= date_days_in_month(d.year, d.month);
}

/* Days from civil (H. Hinnant's algorithm), shifted so 0001-01-01 is 0. */
long date_to_days(assay_date d) {
  long y = d.year - (d.month <= 2);
  long era = y / 400; /* y >= 0 in our range */
  long yoe = y - era * 400;
  long mp = (d.month + 9) % 12;
  long doy = (153 * mp + 2) / 5 + d.day - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 306; /* 0000-03-01 is day 0 before shifting */
}

assay_date date_from_days(long days) {
  assay_date d;
  long z = days + 306, era, doe, yoe, doy, mp, y;
  if (days < 0 || days > 3652058)
    return date_unknown; /* 9999-12-31 */
  era = z / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
  d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
  d.year = (int)(y + (d.month <= 2));
  return d;
}

long date_diff_days(assay_date a, assay_date b) {
  return date_to_days(b) - date_to_days(a);
}

int assay_date_weekday(assay_date d) {
  if (!date_is_complete(d))
    return 0;
  /* 0001-01-01 was a Monday. */
  return (int)(date_to_days(d) % 7) + 1;
}

assay_date assay_date_add_days(assay_date d, long n) {
  long days;
  if (!date_is_complete(d))
    return date_unknown;
  if (n > 4000000 || n < -4000000)
    return date_unknown;
  days = date_to_days(d) + n;
  return date_from_days(days);
}

assay_date assay_date_add_months(assay_date d, int n) {
  long total;
  int dim;
  if (d.year < DATE_MIN_YEAR || d.year > DATE_MAX_YEAR || d.month < 1 ||
      d.month > 12)
    return date_unknown;
  if (n > 200000 || n < -200000)
    return date_unknown;
  total = (long)d.year * 12 + (d.month - 1) + n;
  if (total < 12L * DATE_MIN_YEAR || total > 12L * DATE_MAX_YEAR + 11)
    return date_unknown;
  d.year = (int)(total / 12);
  d.month = (int)(total % 12) + 1;
  dim = date_days_in_month(d.year, d.month);
  if (d.day > dim)
    d.day = dim; /* Jan 31 + 1 month = Feb 28/29 */
  return d;
}

assay_date date_add_years(assay_date d, int n) {
  if (n > 10000 || n < -10000)
    return date_unknown;
  if (d.year < DATE_MIN_YEAR || d.year > DATE_MAX_YEAR)
    return date_unknown;
  if (d.month == 0) {
    d.year += n;
    return d.year >= DATE_MIN_YEAR && d.year <= DATE_MAX_YEAR ? d
                                                              : date_unknown;
  }
  return assay_date_add_months(d, n * 12);
}

int assay_date_iso_week(assay_date d, int *iso_year) {
  int wd, week, y;
  assay_date thu;
  if (iso_year)
    *iso_year = 0;
  if (!date_is_complete(d))
    return 0;
  /* The ISO week belongs to the year of its Thursday. */
  wd = assay_date_weekday(d);
  thu = date_from_days(date_to_days(d) + (4 - wd));
  if (thu.year == 0)
    return 0; /* the week of 0001-01-01 or 9999-12-31 */
  y = thu.year;
  week =
      (int)((date_to_days(thu) - date_to_days((assay_date){y, 1, 1})) / 7) + 1;
  if (iso_year)
    *iso_year = y;
  return week;
}

assay_date assay_date_weekday_near(assay_date d, int wd, int dir) {
  int cur, back, fwd;
  if (!date_is_complete(d) || wd < 1 || wd > 7)
    return date_unknown;
  cur = assay_date_weekday(d);
  back = (cur - wd + 7) % 7; /* days back to the wd on or before d */
  fwd = (wd - cur + 7) % 7;  /* days on to the wd on or after d */
  if (dir < 0)
    return assay_date_add_days(d, -back);
  if (dir > 0)
    return assay_date_add_days(d, fwd);
  /* Nearest: back + fwd is 7 (or both are 0), an odd sum, so the two
   * candidates never tie. */
  return back <= fwd ? assay_date_add_days(d, -back)
                     : assay_date_add_days(d, fwd);
}

/* ---------------------------------------------------------------- */
/* Parsing ISO text                                                 */
/* ---------------------------------------------------------------- */

/* Reads exactly n digits (or n X's, giving 0) at *p. */
static int date_field(const char **p, int n, int *out) {
  const char *s = *p;
  int v = 0, x = 0, i;
  for (i = 0; i < n; i++) {
    if (s[i] == 'X' || s[i] == 'x')
      x++;
    else if (isdigit((unsigned char)s[i]))
      v = v * 10 + (s[i] - '0');
    else
      return -1;
  }
  if (x && x != n)
    return -1;
  if (!x && v == 0)
    return -2; /* 0 means unknown: "00" is no month */
  *out = x ? 0 : v;
  *p = s + n;
  return 0;
}

static int date_fail(char *msg, size_t size, const char *fmt, ...) {
  va_list ap;
  if (msg && size) {
    va_start(ap, fmt);
    vsnprintf(msg, size, fmt, ap);
    va_end(ap);
  }
  return ASSAY_ESYNTAX;
}

/* One field of an ISO date, with the reason for a failure. */
static int date_part(const char **p, int n, int *out, const char *what,
                     char *msg, size_t size) {
  int rc = date_field(p, n, out);
  if (rc == -1)
    date_fail(msg, size, "expected a %d-digit %s", n, what);
  if (rc == -2)
    date_fail(msg, size, "%s 0 is out of range", what);
  return rc;
}

int date_parse_msg(const char *iso, assay_date *out, char *msg,
                   size_t msgsize) {
  assay_date d = {0, 0, 0};
  const char *p = iso;
  if (msg && msgsize)
    msg[0] = '\0';
  if (!iso || !out)
    return ASSAY_EMISUSE;
  if (date_part(&p, 4, &d.year, "year", msg, msgsize) < 0)
    return ASSAY_ESYNTAX;
  if (*p == '-') {
    p++;
    if (date_part(&p, 2, &d.month, "month", msg, msgsize) < 0)
      return ASSAY_ESYNTAX;
    if (*p == '-') {
      p++;
      if (date_part(&p, 2, &d.day, "day", msg, msgsize) < 0)
        return ASSAY_ESYNTAX;
    }
  }
  /* A time after a date ("2014-12-03T20:45", "2014-12-03 20:45:00", as
   * metadata writes it) is ignored for the date. */
  if (*p && !((*p == 'T' || *p == ' ') && d.day && d.month))
    return date_fail(msg, msgsize, "unexpected text after the date");
  if (d.month > 12)
    return date_fail(msg, msgsize, "month %d is out of range", d.month);
  if (d.day > 31 || (d.month && d.day > date_days_in_month(d.year, d.month)))
    return date_fail(msg, msgsize, "day %d is out of range for the month",
                     d.day);
  *out = d;
  return ASSAY_OK;
}

int assay_date_parse(const char *iso, assay_date *out) {
  return date_parse_msg(iso, out, NULL, 0);
}

/* ---------------------------------------------------------------- */
/* Units and TIMEX3 values                                          */
/* ---------------------------------------------------------------- */

static const char *const date_unit_names[] = {
    "second",  "minute",     "hour",        "day",    "week",
    "month",   "quarter",    "half",        "year",   "decade",
    "century", "millennium", "unspecified", "weekday"};

const char *date_unit_name(int unit) {
  if (unit < 0 || unit > DATE_WEEKDAY)
    return NULL;
  return date_unit_names[unit];
}

int date_unit_parse(const char *s) {
  static const struct {
    const char *name;
    int unit;
  } extra[] = {{"seconds", DATE_SECOND},
               {"sec", DATE_SECOND},
               {"secs", DATE_SECOND},
               {"minutes", DATE_MINUTE},
               {"min", DATE_MINUTE},
               {"mins", DATE_MINUTE},
               {"hours", DATE_HOUR},
               {"hr", DATE_HOUR},
               {"hrs", DATE_HOUR},
               {"days", DATE_DAY},
               {"weeks", DATE_WEEK},
               {"wk", DATE_WEEK},
               {"wks", DATE_WEEK},
               {"months", DATE_MONTH},
               {"mo", DATE_MONTH},
               {"mos", DATE_MONTH},
               {"quarters", DATE_QUARTER},
               {"halves", DATE_HALF},
               {"years", DATE_YEAR},
               {"yr", DATE_YEAR},
               {"yrs", DATE_YEAR},
               {"decades", DATE_DECADE},
               {"centuries", DATE_CENTURY},
               {"millennia", DATE_MILLENNIUM},
               {"millenniums", DATE_MILLENNIUM},
               {"x", DATE_UNSPECIFIED}};
  char w[32];
  size_t i;
  if (!s || date_norm_word(s, w, sizeof w) < 0)
    return -1;
  for (i = 0; i <= DATE_WEEKDAY; i++)
    if (strcmp(w, date_unit_names[i]) == 0)
      return (int)i;
  for (i = 0; i < sizeof extra / sizeof extra[0]; i++)
    if (strcmp(w, extra[i].name) == 0)
      return extra[i].unit;
  return -1;
}

/* The week part of a value: "2014-W48", "XXXX-WXX" when d is incomplete. */
static int date_format_week(assay_date d, int with_day, char *buf,
                            size_t size) {
  int y, w = assay_date_iso_week(d, &y);
  if (!w) {
    if (d.year && d.month && d.day)
      return ASSAY_ELIMIT; /* year 1 / 9999 */
    return with_day ? date_emit(buf, size, "XXXX-WXX-X")
                    : date_emit(buf, size, "XXXX-WXX");
  }
  if (with_day)
    return date_emit(buf, size, "%04d-W%02d-%d", y, w, assay_date_weekday(d));
  return date_emit(buf, size, "%04d-W%02d", y, w);
}

/* The day value: known fields, unknown inner ones as X, trailing unknowns
 * dropped (2014-12, XXXX-11-24, 2014-XX-24). */
static int date_format_day(assay_date d, char *buf, size_t size) {
  char y[8], m[4], dd[4];
  if (d.year)
    snprintf(y, sizeof y, "%04d", d.year);
  else
    strcpy(y, "XXXX");
  if (d.month)
    snprintf(m, sizeof m, "%02d", d.month);
  else
    strcpy(m, "XX");
  if (d.day)
    snprintf(dd, sizeof dd, "%02d", d.day);
  if (d.day)
    return date_emit(buf, size, "%s-%s-%s", y, m, dd);
  if (d.month)
    return date_emit(buf, size, "%s-%s", y, m);
  return date_emit(buf, size, "%s", y);
}

static int date_check(assay_date d) {
  if (d.year < 0 || d.year > DATE_MAX_YEAR || d.month < 0 || d.month > 12 ||
      d.day < 0 || d.day > 31)
    return ASSAY_EMISUSE;
  if (d.month && d.day > date_days_in_month(d.year, d.month))
    return ASSAY_EMISUSE;
  return ASSAY_OK;
}

int date_format_gran(assay_date d, int gran, char *buf, size_t size) {
  if (date_check(d) < 0)
    return ASSAY_EMISUSE;
  switch (gran) {
  case DATE_DAY:
    return date_format_day(d, buf, size);
  case DATE_WEEK:
  case DATE_WEEKDAY:
    return date_format_week(d, gran == DATE_WEEKDAY, buf, size);
  case DATE_MONTH:
    d.day = 0;
    return date_format_day(d, buf, size);
  case DATE_QUARTER:
  case DATE_HALF: {
    int per = gran == DATE_QUARTER ? 3 : 6;
    char c = gran == DATE_QUARTER ? 'Q' : 'H';
    if (!d.year && !d.month)
      return date_emit(buf, size, "XXXX-%cX", c);
    if (!d.month)
      return date_emit(buf, size, "%04d-%cX", d.year, c);
    if (!d.year)
      return date_emit(buf, size, "XXXX-%c%d", c, (d.month - 1) / per + 1);
    return date_emit(buf, size, "%04d-%c%d", d.year, c,
                     (d.month - 1) / per + 1);
  }
  case DATE_YEAR:
    return d.year ? date_emit(buf, size, "%04d", d.year)
                  : date_emit(buf, size, "XXXX");
  case DATE_DECADE: /* TimeML: "the 1990s" is 199 */
    return d.year ? date_emit(buf, size, "%03d", d.year / 10)
                  : date_emit(buf, size, "XXX");
  case DATE_CENTURY: /* "the 20th century" is 19 */
    return d.year ? date_emit(buf, size, "%02d", d.year / 100)
                  : date_emit(buf, size, "XX");
  case DATE_MILLENNIUM:
    return d.year ? date_emit(buf, size, "%d", d.year / 1000)
                  : date_emit(buf, size, "X");
  default:
    return ASSAY_EMISUSE;
  }
}

int assay_date_format(assay_date d, char *buf, size_t size) {
  return date_format_gran(d, DATE_DAY, buf, size);
}

int date_shift(assay_date a, long n, int unit, assay_date *out) {
  assay_date r;
  static const int months[] = {
      [DATE_MONTH] = 1,         [DATE_QUARTER] = 3,  [DATE_HALF] = 6,
      [DATE_YEAR] = 12,         [DATE_DECADE] = 120, [DATE_CENTURY] = 1200,
      [DATE_MILLENNIUM] = 12000};
  if (!out || date_check(a) < 0)
    return ASSAY_EMISUSE;
  if (n > 1000000 || n < -1000000)
    return ASSAY_ELIMIT;
  switch (unit) {
  case DATE_DAY:
  case DATE_WEEK:
    if (!date_is_complete(a))
      return ASSAY_EMISUSE;
    r = assay_date_add_days(a, unit == DATE_WEEK ? 7 * n : n);
    break;
  case DATE_MONTH:
  case DATE_QUARTER:
  case DATE_HALF:
  case DATE_YEAR:
  case DATE_DECADE:
  case DATE_CENTURY:
  case DATE_MILLENNIUM:
    if (!a.year || (unit < DATE_YEAR && !a.month))
      return ASSAY_EMISUSE;
    if (!a.month) { /* a bare year moves by whole years */
      long y = a.year + n * (months[unit] / 12);
      if (y < DATE_MIN_YEAR || y > DATE_MAX_YEAR)
        return ASSAY_ELIMIT;
      r = a;
      r.year = (int)y;
      *out = r;
      return ASSAY_OK;
    }
    r = assay_date_add_months(a, (int)(n * months[unit]));
    break;
  default:
    return ASSAY_EMISUSE;
  }
  if (!r.year)
    return ASSAY_ELIMIT;
  *out = r;
  return ASSAY_OK;
}

/* ---------------------------------------------------------------- */
/* Durations                                                        */
/* ---------------------------------------------------------------- */

/* The letter of a unit in a duration and whether it goes after the T. */
static const struct {
  char letter;
  int time;
  int sub;    /* the next smaller unit a fraction is written in, or -1 */
  int factor; /* how many sub units make one unit */
} date_dur[] = {[DATE_SECOND] = {'S', 1, -1, 0},
                [DATE_MINUTE] = {'M', 1, DATE_SECOND, 60},
                [DATE_HOUR] = {'H', 1, DATE_MINUTE, 60},
                [DATE_DAY] = {'D', 0, DATE_HOUR, 24},
                [DATE_WEEK] = {'W', 0, DATE_DAY, 7},
                [DATE_MONTH] = {'M', 0, -1, 0},
                [DATE_QUARTER] = {'Q', 0, DATE_MONTH, 3},
                [DATE_HALF] = {'H', 0, DATE_MONTH, 6},
                [DATE_YEAR] = {'Y', 0, DATE_MONTH, 12},
                [DATE_DECADE] = {'E', 0, DATE_YEAR, 10},
                [DATE_CENTURY] = {'C', 0, DATE_YEAR, 100},
                [DATE_MILLENNIUM] = {'L', 0, DATE_YEAR, 1000},
                [DATE_UNSPECIFIED] = {'X', 0, -1, 0}};

/* Appends "<n><letter>" for a unit to buf at *len, opening the time part
 * with T when the unit needs it and it is not open yet. */
static int date_dur_part(char *buf, size_t size, int *len, int *in_time,
                         const char *num, int unit) {
  int n;
  const char *t = date_dur[unit].time && !*in_time ? "T" : "";
  if (date_dur[unit].time)
    *in_time = 1;
  n = date_emit(buf ? buf + *len : NULL, size > (size_t)*len ? size - *len : 0,
                "%s%s%c", t, num, date_dur[unit].letter);
  if (n < 0)
    return n;
  *len += n;
  return 0;
}

int date_duration(double n, int known, int unit, char *buf, size_t size) {
  char num[32];
  int len, in_time = 0, rc;
  double whole, frac, sub;
  if (unit < 0 || unit > DATE_UNSPECIFIED || !buf || size == 0)
    return ASSAY_EMISUSE;
  if ((len = date_emit(buf, size, "P")) < 0)
    return len;
  if (unit == DATE_UNSPECIFIED || !known) {
    rc = date_dur_part(buf, size, &len, &in_time, "X", unit);
    return rc < 0 ? rc : len;
  }
  if (!(n >= 0) || n > 1e9)
    return ASSAY_EMISUSE; /* also NaN */
  whole = floor(n);
  frac = n - whole;
  sub = date_dur[unit].sub >= 0 ? frac * date_dur[unit].factor : 0.5;
  if (frac > 0 && fabs(sub - floor(sub + 0.5)) < 1e-9) {
    /* 1.5 years: P1Y6M, 0.5 days: PT12H */
    if (whole > 0) {
      snprintf(num, sizeof num, "%.0f", whole);
      if ((rc = date_dur_part(buf, size, &len, &in_time, num, unit)) < 0)
        return rc;
    }
    snprintf(num, sizeof num, "%.0f", floor(sub + 0.5));
    rc = date_dur_part(buf, size, &len, &in_time, num, date_dur[unit].sub);
    return rc < 0 ? rc : len;
  }
  snprintf(num, sizeof num, "%.6g", n); /* P3W, P1.5W */
  rc = date_dur_part(buf, size, &len, &in_time, num, unit);
  return rc < 0 ? rc : len;
}

/* ---------------------------------------------------------------- */
/* Clock times and time zones                                       */
/* ---------------------------------------------------------------- */

/* Reads 1 or 2 digits at *p. */
static int date_digits(const char **p, int *out) {
  const char *s = *p;
  int n = 0, v = 0;
  while (n < 2 && isdigit((unsigned char)s[n]))
    v = v * 10 + (s[n++] - '0');
  if (!n)
    return -1;
  *out = v;
  *p = s + n;
  return n;
}

/* "am", "a.m.", "a", "pm", "p.m.": 1 am, 2 pm, 0 other text, -1 none. */
static int date_meridiem(const char *s) {
  static const char *const am[] = {"am", "a.m", "a.m.", "a", NULL};
  static const char *const pm[] = {"pm", "p.m", "p.m.", "p", NULL};
  int i;
  if (!*s)
    return -1;
  for (i = 0; am[i]; i++)
    if (strcmp(s, am[i]) == 0)
      return 1;
  for (i = 0; pm[i]; i++)
    if (strcmp(s, pm[i]) == 0)
      return 2;
  return 0;
}

static int date_clock_words(const char *w, int *hour, int *minute,
                            const char **part) {
  static const struct {
    const char *word, *part;
    int hour;
  } words[] = {{"noon", NULL, 12},      {"midday", NULL, 12},
               {"midnight", NULL, 24},  {"morning", "MO", -1},
               {"afternoon", "AF", -1}, {"evening", "EV", -1},
               {"night", "NI", -1},     {"tonight", "NI", -1}};
  size_t i;
  for (i = 0; i < sizeof words / sizeof words[0]; i++)
    if (strcmp(w, words[i].word) == 0) {
      *hour = words[i].hour;
      *minute = 0;
      *part = words[i].part;
      return 1;
    }
  return 0;
}

int date_clock_parse(const char *text, int *hour, int *minute, int *second,
                     const char **part) {
  char w[40];
  const char *p;
  int h, m = 0, s = 0, mer;
  if (!text || !hour || !minute || !second || !part)
    return ASSAY_EMISUSE;
  *part = NULL;
  *second = 0;
  /* date_norm_word drops a final '.', so "p.m." arrives as "p.m". */
  if (date_norm_word(text, w, sizeof w) < 0)
    return ASSAY_ESYNTAX;
  if (date_clock_words(w, hour, minute, part))
    return ASSAY_OK;
  p = w;
  if (date_digits(&p, &h) < 0)
    return ASSAY_ESYNTAX;
  if ((*p == ':' || *p == '.') && isdigit((unsigned char)p[1])) {
    p++;
    if (date_digits(&p, &m) != 2 || m > 59)
      return ASSAY_ESYNTAX;
    if (*p == ':') {
      p++;
      if (date_digits(&p, &s) != 2 || s > 59)
        return ASSAY_ESYNTAX;
    }
  }
  while (*p == ' ')
    p++;
  if (strcmp(p, "o'clock") == 0 || strcmp(p, "oclock") == 0)
    p += strlen(p);
  mer = date_meridiem(p);
  if (mer == 0)
    return ASSAY_ESYNTAX;
  if (mer > 0) { /* 12 a.m. is midnight, 12 p.m. noon */
    if (h < 1 || h > 12)
      return ASSAY_ESYNTAX;
    h = h % 12 + (mer == 2 ? 12 : 0);
  } else if (h > 24 || (h == 24 && (m || s))) {
    return ASSAY_ESYNTAX;
  }
  *hour = h;
  *minute = m;
  *second = s;
  return ASSAY_OK;
}

/* The n-th (1-based; n = 5 the last) Sunday of a month, as a day. */
static int date_sunday(int year, int month, int n) {
  assay_date d = {year, month, 1};
  int first = 1 + (7 - assay_date_weekday(d)) % 7;
  int day = first + 7 * (n - 1);
  while (day > date_days_in_month(year, month))
    day -= 7;
  return day;
}

/* US daylight-saving time on day d (by the day: the 2 a.m. switch is not
 * modelled).  Rules of 2007, 1987 and 1967; none before. */
static int date_us_dst(assay_date d) {
  assay_date start = {d.year, 0, 0}, end = {d.year, 0, 0};
  if (!d.year || !d.month || d.year < 1967)
    return 0;
  if (!d.day)
    d.day = 15;
  if (d.year >= 2007) {
    start.month = 3, start.day = date_sunday(d.year, 3, 2);
    end.month = 11, end.day = date_sunday(d.year, 11, 1);
  } else {
    start.month = 4;
    start.day = date_sunday(d.year, 4, d.year >= 1987 ? 1 : 5);
    end.month = 10, end.day = date_sunday(d.year, 10, 5);
  }
  return date_to_days(d) >= date_to_days(start) &&
         date_to_days(d) < date_to_days(end);
}

/* Offsets in minutes; us != 0: a generic US zone whose summer offset is
 * `us` (ET: EST or EDT by the date). */
static const struct {
  const char *name;
  int offset, us;
} date_zones[] = {{"utc", 0, 0},
                  {"gmt", 0, 0},
                  {"z", 0, 0},
                  {"wet", 0, 0},
                  {"west", 60, 0},
                  {"bst", 60, 0},
                  {"cet", 60, 0},
                  {"cest", 120, 0},
                  {"eet", 120, 0},
                  {"eest", 180, 0},
                  {"msk", 180, 0},
                  {"ist", 330, 0},
                  {"pkt", 300, 0},
                  {"ict", 420, 0},
                  {"wib", 420, 0},
                  {"hkt", 480, 0},
                  {"sgt", 480, 0},
                  {"awst", 480, 0},
                  {"jst", 540, 0},
                  {"kst", 540, 0},
                  {"aest", 600, 0},
                  {"aedt", 660, 0},
                  {"nzst", 720, 0},
                  {"nzdt", 780, 0},
                  {"est", -300, 0},
                  {"edt", -240, 0},
                  {"cst", -360, 0},
                  {"cdt", -300, 0},
                  {"mst", -420, 0},
                  {"mdt", -360, 0},
                  {"pst", -480, 0},
                  {"pdt", -420, 0},
                  {"akst", -540, 0},
                  {"akdt", -480, 0},
                  {"hst", -600, 0},
                  {"ast", -240, 0},
                  {"adt", -180, 0},
                  {"nst", -210, 0},
                  {"ndt", -150, 0},
                  {"et", -300, -240},
                  {"ct", -360, -300},
                  {"mt", -420, -360},
                  {"pt", -480, -420},
                  {"akt", -540, -480},
                  {"eastern", -300, -240},
                  {"central", -360, -300},
                  {"mountain", -420, -360},
                  {"pacific", -480, -420}};

/* "UTC+3", "GMT-05:00", "UTC+5:30": the offset, or -1 when not that form. */
static int date_tz_numeric(const char *w, int *minutes) {
  const char *p = w + 3;
  int sign, h, m = 0;
  if (strncmp(w, "utc", 3) != 0 && strncmp(w, "gmt", 3) != 0)
    return -1;
  if (*p != '+' && *p != '-')
    return -1;
  sign = *p++ == '-' ? -1 : 1;
  if (date_digits(&p, &h) < 0 || h > 14)
    return -1;
  if (*p == ':')
    p++;
  if (*p && (date_digits(&p, &m) != 2 || m > 59))
    return -1;
  if (*p)
    return -1;
  *minutes = sign * (h * 60 + m);
  return 0;
}

int date_tz_offset(const char *abbr, assay_date d, int *minutes) {
  char w[16];
  size_t i;
  if (!abbr || !minutes)
    return ASSAY_EMISUSE;
  if (date_norm_word(abbr, w, sizeof w) < 0)
    return ASSAY_ENOTFOUND;
  if (date_tz_numeric(w, minutes) == 0)
    return ASSAY_OK;
  for (i = 0; i < sizeof date_zones / sizeof date_zones[0]; i++) {
    if (strcmp(w, date_zones[i].name) != 0)
      continue;
    *minutes = date_zones[i].us && date_us_dst(d) ? date_zones[i].us
                                                  : date_zones[i].offset;
    return ASSAY_OK;
  }
  return ASSAY_ENOTFOUND;
}

int date_time_value(assay_date d, const char *clock, const char *tz, char *buf,
                    size_t size) {
  int h, m, s, off = 0, len, n, rc, has_tz = tz && *tz;
  const char *part;
  char day[16];
  if (!clock || !buf || !size || date_check(d) < 0)
    return ASSAY_EMISUSE;
  if ((rc = date_clock_parse(clock, &h, &m, &s, &part)) < 0)
    return rc;
  if (has_tz && (rc = date_tz_offset(tz, d, &off)) < 0)
    return rc;
  /* A time needs a whole day: unknown fields are written as X. */
  snprintf(day, sizeof day, "%s", "XXXX-XX-XX");
  if (d.year)
    snprintf(day, 5, "%04d", d.year), day[4] = '-';
  if (d.month)
    snprintf(day + 5, 3, "%02d", d.month), day[7] = '-';
  if (d.day)
    snprintf(day + 8, 3, "%02d", d.day);
  if (part)
    return date_emit(buf, size, "%sT%s", day, part);
  len = s ? date_emit(buf, size, "%sT%02d:%02d:%02d", day, h, m, s)
          : date_emit(buf, size, "%sT%02d:%02d", day, h, m);
  if (len < 0 || !has_tz)
    return len;
  if (off == 0)
    n = date_emit(buf + len, size - len, "Z");
  else
    n = date_emit(buf + len, size - len, "%c%02d:%02d", off < 0 ? '-' : '+',
                  abs(off) / 60, abs(off) % 60);
  return n < 0 ? n : len + n;
}

/* ---------------------------------------------------------------- */
/* Words: months, weekdays, numbers, ordinals                       */
/* ---------------------------------------------------------------- */

static int date_lookup(const char *w, const char *const *names, int n) {
  int i;
  for (i = 0; i < n; i++)
    if (strcmp(w, names[i]) == 0)
      return i;
  return -1;
}

int date_month_number(const char *word) {
  static const char *const full[] = {
      "january", "february", "march",     "april",   "may",      "june",
      "july",    "august",   "september", "october", "november", "december"};
  static const char *const abbr[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                     "jul", "aug", "sep", "oct", "nov", "dec"};
  char w[16];
  int i;
  if (!word || date_norm_word(word, w, sizeof w) < 0)
    return 0;
  if ((i = date_lookup(w, full, 12)) >= 0)
    return i + 1;
  if ((i = date_lookup(w, abbr, 12)) >= 0)
    return i + 1;
  if (strcmp(w, "sept") == 0)
    return 9;
  return 0;
}

int date_weekday_number(const char *word) {
  static const char *const full[] = {"monday",   "tuesday", "wednesday",
                                     "thursday", "friday",  "saturday",
                                     "sunday"};
  static const struct {
    const char *abbr;
    int wd;
  } abbr[] = {{"mon", 1},  {"tue", 2}, {"tues", 2}, {"wed", 3},
              {"weds", 3}, {"thu", 4}, {"thur", 4}, {"thurs", 4},
              {"fri", 5},  {"sat", 6}, {"sun", 7}};
  char w[16];
  size_t n, i;
  int k;
  if (!word || date_norm_word(word, w, sizeof w) < 0)
    return 0;
  if ((k = date_lookup(w, full, 7)) >= 0)
    return k + 1;
  n = strlen(w);
  if (n > 6 && w[n - 1] == 's') { /* "on Tuesdays" */
    w[n - 1] = '\0';
    if ((k = date_lookup(w, full, 7)) >= 0)
      return k + 1;
    return 0;
  }
  for (i = 0; i < sizeof abbr / sizeof abbr[0]; i++)
    if (strcmp(w, abbr[i].abbr) == 0)
      return abbr[i].wd;
  return 0;
}

static const char *const date_units_words[] = {
    "zero",    "one",     "two",       "three",    "four",
    "five",    "six",     "seven",     "eight",    "nine",
    "ten",     "eleven",  "twelve",    "thirteen", "fourteen",
    "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
static const char *const date_tens_words[] = {
    "",      "",      "twenty",  "thirty", "forty",
    "fifty", "sixty", "seventy", "eighty", "ninety"};

/* "1,500", "2.5" -> the number; -1 when s is not only digits. */
static int date_number_digits(const char *s, double *value) {
  char buf[32], *end;
  size_t n = 0;
  int dot = 0;
  if (!isdigit((unsigned char)*s))
    return -1;
  for (; *s; s++) {
    if (*s == ',')
      continue;
    if (*s == '.')
      dot++;
    else if (!isdigit((unsigned char)*s))
      return -1;
    if (n + 1 >= sizeof buf || dot > 1)
      return -1;
    buf[n++] = *s;
  }
  buf[n] = '\0';
  *value = strtod(buf, &end);
  return *end ? -1 : 0;
}

/* One word's value: 0..19, tens, or -1. */
static int date_small_word(const char *t) {
  int i = date_lookup(t, date_units_words, 20);
  if (i >= 0)
    return i;
  i = date_lookup(t, date_tens_words, 10);
  return i >= 2 ? i * 10 : -1;
}

static int date_vague(const char *w) {
  static const char *const vague[] = {
      "several",   "a few",       "few",          "some",
      "many",      "a number of", "numerous",     "multiple",
      "dozens of", "hundreds of", "thousands of", "a couple of months"};
  return date_lookup(w, vague, (int)(sizeof vague / sizeof vague[0])) >= 0;
}

/* The factor a word multiplies by ("dozen" 12), or 0. */
static double date_multiplier(const char *t) {
  static const struct {
    const char *word;
    double factor;
  } mult[] = {{"dozen", 12},
              {"hundred", 100},
              {"thousand", 1e3},
              {"million", 1e6},
              {"billion", 1e9}};
  size_t i;
  for (i = 0; i < sizeof mult / sizeof mult[0]; i++)
    if (strcmp(t, mult[i].word) == 0)
      return mult[i].factor;
  return 0;
}

/* Sums the words of a spelt-out number ("two hundred and five", "a
 * dozen", "one and a half"); -1 when a word is not part of a number. */
static int date_number_words(char *w, double *value) {
  double total = 0, cur = 0;
  int any = 0, a = 0; /* a: an "a"/"an" waits for its noun */
  char *save = NULL, *t;
  for (t = strtok_r(w, " -", &save); t; t = strtok_r(NULL, " -", &save)) {
    int v = date_small_word(t);
    double mult = date_multiplier(t);
    if (strcmp(t, "and") == 0 || strcmp(t, "of") == 0)
      continue;
    if (strcmp(t, "a") == 0 || strcmp(t, "an") == 0) {
      a = 1;
      continue;
    }
    if (v >= 0) {
      cur += v;
    } else if (strcmp(t, "half") == 0) {
      cur += 0.5; /* "half", "one and a half", "half a dozen" */
    } else if (mult == 12 || mult == 100) {
      cur = (cur ? cur : 1) * mult; /* "a dozen", "two hundred" */
    } else if (mult > 0) {
      total += (cur ? cur : 1) * mult; /* "two thousand" */
      cur = 0;
    } else {
      return -1;
    }
    any = 1, a = 0;
  }
  if (!any && !a)
    return -1;
  *value = any ? total + cur : 1; /* a lone "a" week, "an" hour */
  return 0;
}

int date_number(const char *text, double *value) {
  char w[80];
  if (!text || !value)
    return ASSAY_EMISUSE;
  if (date_norm_word(text, w, sizeof w) < 0 || !w[0])
    return ASSAY_ENOTFOUND;
  if (date_vague(w))
    return DATE_NUM_X;
  if (strcmp(w, "a couple of") == 0 || strcmp(w, "a couple") == 0 ||
      strcmp(w, "couple of") == 0 || strcmp(w, "a pair of") == 0) {
    *value = 2;
    return ASSAY_OK;
  }
  if (date_number_digits(w, value) == 0)
    return ASSAY_OK;
  return date_number_words(w, value) == 0 ? ASSAY_OK : ASSAY_ENOTFOUND;
}

int date_ordinal(const char *text) {
  static const char *const ord[] = {
      "",          "first",     "second",      "third",      "fourth",
      "fifth",     "sixth",     "seventh",     "eighth",     "ninth",
      "tenth",     "eleventh",  "twelfth",     "thirteenth", "fourteenth",
      "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth"};
  static const char *const tens[] = {
      "",         "",         "twentieth",  "thirtieth", "fortieth",
      "fiftieth", "sixtieth", "seventieth", "eightieth", "ninetieth"};
  char w[40], *sep;
  int i, n = 0, tv;
  if (!text || date_norm_word(text, w, sizeof w) < 0 || !w[0])
    return 0;
  if (isdigit((unsigned char)w[0])) { /* 1st, 22nd, 3rd, 11th */
    const char *p = w;
    while (isdigit((unsigned char)*p) && n < 100000)
      n = n * 10 + (*p++ - '0');
    if (strcmp(p, "st") && strcmp(p, "nd") && strcmp(p, "rd") &&
        strcmp(p, "th"))
      return 0;
    return n;
  }
  if ((i = date_lookup(w, ord, 20)) > 0)
    return i;
  if ((i = date_lookup(w, tens, 10)) >= 2)
    return i * 10;
  sep = strpbrk(w, " -"); /* twenty-first, thirty first */
  if (!sep)
    return 0;
  *sep = '\0';
  tv = date_lookup(w, date_tens_words, 10);
  i = date_lookup(sep + 1, ord, 10);
  return tv >= 2 && i > 0 ? tv * 10 + i : 0;
}
