/*
 * lua_date.c -- the `assay.date` table: the date arithmetic of date.c for
 * rule files.  Dates go in as tables {year=, month=, day=} or ISO strings
 * and come out as tables; TIMEX3 values come out as strings.  Also the
 * two helpers the date rules call for nearly every match, in C because Lua
 * there ran under the scan's instruction hook: the value of a month and day
 * against the document date (day_value), and the tense of the clause
 * around a date (tense_finder, with the rule file's word lists).
 */
#include <string.h>

#include "date.h"
#include "lua_common.h"

/* Large enough for any value date.c writes. */
#define LDATE_BUF 64

/* [-0, +0] Reads an integer field of the table at idx; absent is 0. */
static int ldate_field(lua_State *L, int idx, const char *k) {
  int isnum, v;
  lua_getfield(L, idx, k);
  v = (int)lua_tointegerx(L, -1, &isnum);
  if (!isnum && !lua_isnil(L, -1))
    luaL_error(L, "date field '%s' is not an integer", k);
  lua_pop(L, 1);
  return isnum ? v : 0;
}

/* [-0, +0, e] The date at idx: a table or an ISO string. */
static assay_date ldate_check(lua_State *L, int idx) {
  assay_date d = {0, 0, 0};
  char msg[96];
  if (lua_type(L, idx) == LUA_TTABLE) {
    d.year = ldate_field(L, idx, "year");
    d.month = ldate_field(L, idx, "month");
    d.day = ldate_field(L, idx, "day");
    if (d.year < 0 || d.year > 9999 || d.month < 0 || d.month > 12 ||
        d.day < 0 || d.day > 31 ||
        (d.month && d.day > date_days_in_month(d.year, d.month)))
      luaL_argerror(L, idx, "not a valid date");
    return d;
  }
  if (lua_type(L, idx) != LUA_TSTRING)
    luaL_typeerror(L, idx, "date table or ISO string");
  if (date_parse_msg(lua_tostring(L, idx), &d, msg, sizeof msg) < 0)
    luaL_argerror(
        L, idx,
        lua_pushfstring(L, "invalid date '%s': %s", lua_tostring(L, idx), msg));
  return d;
}

/* [-0, +1] Pushes a date as {year=, month=, day=}; unknown fields absent. */
static void ldate_push(lua_State *L, assay_date d) {
  lua_createtable(L, 0, 3);
  if (d.year)
    lua_pushinteger(L, d.year), lua_setfield(L, -2, "year");
  if (d.month)
    lua_pushinteger(L, d.month), lua_setfield(L, -2, "month");
  if (d.day)
    lua_pushinteger(L, d.day), lua_setfield(L, -2, "day");
}

/* [-0, +0, e] A unit or granularity name at idx (def when absent). */
static int ldate_unit(lua_State *L, int idx, const char *def) {
  const char *s = luaL_optstring(L, idx, def);
  int u = date_unit_parse(s);
  if (u < 0)
    luaL_argerror(L, idx, lua_pushfstring(L, "unknown unit '%s'", s));
  return u;
}

/* [-0, +2] nil and a message: the result of a recoverable failure. */
static int ldate_fail(lua_State *L, const char *fmt, const char *arg) {
  lua_pushnil(L);
  lua_pushfstring(L, fmt, arg);
  return 2;
}

/* A weekday given as 1..7 or as a name ("Tuesday", "Tues."). */
static int ldate_weekday_arg(lua_State *L, int idx) {
  int wd;
  if (lua_type(L, idx) == LUA_TSTRING) {
    wd = date_weekday_number(lua_tostring(L, idx));
    if (!wd)
      luaL_argerror(L, idx, "not a weekday name");
    return wd;
  }
  wd = (int)luaL_checkinteger(L, idx);
  luaL_argcheck(L, wd >= 1 && wd <= 7, idx, "weekday must be 1..7");
  return wd;
}

/* [-0, +2] nil and why the date d cannot move by n units. */
static int ldate_shift_fail(lua_State *L, assay_date d, lua_Integer n,
                            int unit) {
  char buf[LDATE_BUF];
  const char *need = unit == DATE_DAY || unit == DATE_WEEK ? "a whole date"
                     : unit < DATE_YEAR                    ? "a year and month"
                                                           : "a year";
  if (date_format_gran(d, DATE_DAY, buf, sizeof buf) < 0)
    buf[0] = '\0';
  lua_pushnil(L);
  if (date_unit_name(unit) && unit >= DATE_DAY && unit <= DATE_MILLENNIUM)
    lua_pushfstring(L, "cannot move %s by %I %s: needs %s within 1..9999", buf,
                    n, date_unit_name(unit), need);
  else
    lua_pushfstring(L, "cannot move a date by %s units",
                    date_unit_name(unit) ? date_unit_name(unit) : "?");
  return 2;
}

static int ldate_parse(lua_State *L) {
  assay_date d;
  char msg[96];
  const char *s = luaL_checkstring(L, 1);
  if (date_parse_msg(s, &d, msg, sizeof msg) < 0) {
    lua_pushnil(L);
    lua_pushfstring(L, "invalid date '%s': %s", s, msg);
    return 2;
  }
  ldate_push(L, d);
  return 1;
}

static int ldate_format(lua_State *L) {
  char buf[LDATE_BUF];
  assay_date d = ldate_check(L, 1);
  int rc = date_format_gran(d, ldate_unit(L, 2, "day"), buf, sizeof buf);
  if (rc < 0)
    return ldate_fail(L, "cannot format at granularity %s",
                      luaL_optstring(L, 2, "day"));
  lua_pushstring(L, buf);
  return 1;
}

static int ldate_weekday(lua_State *L) {
  int wd = assay_date_weekday(ldate_check(L, 1));
  if (wd)
    lua_pushinteger(L, wd);
  else
    lua_pushnil(L);
  return 1;
}

static int ldate_iso_week(lua_State *L) {
  int y, w = assay_date_iso_week(ldate_check(L, 1), &y);
  if (!w) {
    lua_pushnil(L);
    return 1;
  }
  lua_pushinteger(L, w);
  lua_pushinteger(L, y);
  return 2;
}

/* add(d, n, unit): the date moved by n units; nil + message when d lacks
 * a field the unit needs or the result leaves years 1..9999. */
static int ldate_add(lua_State *L) {
  assay_date d = ldate_check(L, 1), r;
  lua_Integer n = luaL_checkinteger(L, 2);
  int unit = ldate_unit(L, 3, "day");
  if (date_shift(d, (long)n, unit, &r) < 0)
    return ldate_shift_fail(L, d, n, unit);
  ldate_push(L, r);
  return 1;
}

static int ldate_weekday_near(lua_State *L) {
  assay_date d = ldate_check(L, 1);
  int wd = ldate_weekday_arg(L, 2);
  int dir = (int)luaL_optinteger(L, 3, -1);
  assay_date r = assay_date_weekday_near(d, wd, dir);
  if (!r.year)
    return ldate_fail(L, "%s", "weekday_near needs a whole date");
  ldate_push(L, r);
  return 1;
}

/* shift(anchor, n, unit [, granularity]): the TIMEX3 value of the anchor
 * moved by n units, at the granularity (default: the unit). */
static int ldate_shift(lua_State *L) {
  char buf[LDATE_BUF];
  assay_date d = ldate_check(L, 1), r;
  lua_Integer n = luaL_checkinteger(L, 2);
  int unit = ldate_unit(L, 3, NULL);
  int gran = lua_isnoneornil(L, 4) ? unit : ldate_unit(L, 4, NULL);
  if (date_shift(d, (long)n, unit, &r) < 0)
    return ldate_shift_fail(L, d, n, unit);
  if (date_format_gran(r, gran, buf, sizeof buf) < 0)
    return ldate_fail(L, "cannot format at granularity %s",
                      date_unit_name(gran));
  lua_pushstring(L, buf);
  return 1;
}

/* duration(n, unit): n a number, a number word ("three"), or "X"/nil
 * for an unspecified quantity. */
static int ldate_duration(lua_State *L) {
  char buf[LDATE_BUF];
  double v = 0;
  int known = 1, unit = ldate_unit(L, 2, NULL), rc;
  if (lua_isnoneornil(L, 1)) {
    known = 0;
  } else if (lua_type(L, 1) == LUA_TNUMBER) {
    v = lua_tonumber(L, 1);
  } else {
    const char *s = luaL_checkstring(L, 1);
    rc = strcmp(s, "X") == 0 ? DATE_NUM_X : date_number(s, &v);
    if (rc < 0)
      return ldate_fail(L, "not a number: '%s'", s);
    known = rc != DATE_NUM_X;
  }
  if (date_duration(v, known, unit, buf, sizeof buf) < 0)
    return ldate_fail(L, "%s", "not a valid duration");
  lua_pushstring(L, buf);
  return 1;
}

/* time(day, clock [, tz]): "2014-12-03T20:45-05:00". */
static int ldate_time(lua_State *L) {
  char buf[LDATE_BUF];
  assay_date d = ldate_check(L, 1);
  const char *clock = luaL_checkstring(L, 2);
  const char *tz = luaL_optstring(L, 3, NULL);
  int rc = date_time_value(d, clock, tz, buf, sizeof buf);
  if (rc == ASSAY_ENOTFOUND)
    return ldate_fail(L, "unknown time zone '%s'", tz);
  if (rc < 0)
    return ldate_fail(L, "not a clock time: '%s'", clock);
  lua_pushstring(L, buf);
  return 1;
}

/* clock(text): {hour=, minute=, second=} or {part="MO"}; nil if no time. */
static int ldate_clock(lua_State *L) {
  int h, m, s;
  const char *part;
  const char *text = luaL_checkstring(L, 1);
  if (date_clock_parse(text, &h, &m, &s, &part) < 0)
    return ldate_fail(L, "not a clock time: '%s'", text);
  lua_createtable(L, 0, 3);
  if (part) {
    lua_pushstring(L, part);
    lua_setfield(L, -2, "part");
    return 1;
  }
  lua_pushinteger(L, h), lua_setfield(L, -2, "hour");
  lua_pushinteger(L, m), lua_setfield(L, -2, "minute");
  lua_pushinteger(L, s), lua_setfield(L, -2, "second");
  return 1;
}

static int ldate_tz_offset(lua_State *L) {
  int off;
  const char *abbr = luaL_checkstring(L, 1);
  assay_date d =
      lua_isnoneornil(L, 2) ? (assay_date){0, 0, 0} : ldate_check(L, 2);
  if (date_tz_offset(abbr, d, &off) < 0)
    return ldate_fail(L, "unknown time zone '%s'", abbr);
  lua_pushinteger(L, off);
  return 1;
}

/* [-0, +1] Pushes n, or nil when n is 0 (the word was not recognised). */
static int ldate_push_nonzero(lua_State *L, int n) {
  if (n)
    lua_pushinteger(L, n);
  else
    lua_pushnil(L);
  return 1;
}

static int ldate_month(lua_State *L) {
  return ldate_push_nonzero(L, date_month_number(luaL_checkstring(L, 1)));
}

static int ldate_weekday_number(lua_State *L) {
  return ldate_push_nonzero(L, date_weekday_number(luaL_checkstring(L, 1)));
}

static int ldate_ordinal(lua_State *L) {
  return ldate_push_nonzero(L, date_ordinal(luaL_checkstring(L, 1)));
}

/* number(text): an integer or float, "X" for a vague quantity, or nil. */
static int ldate_number(lua_State *L) {
  double v;
  int rc = date_number(luaL_checkstring(L, 1), &v);
  if (rc == DATE_NUM_X)
    lua_pushliteral(L, "X");
  else if (rc < 0)
    lua_pushnil(L);
  else if (v == (double)(lua_Integer)v)
    lua_pushinteger(L, (lua_Integer)v);
  else
    lua_pushnumber(L, v);
  return 1;
}

static int ldate_unit_name(lua_State *L) {
  const char *n = date_unit_name(date_unit_parse(luaL_checkstring(L, 1)));
  if (n)
    lua_pushstring(L, n);
  else
    lua_pushnil(L);
  return 1;
}

static int ldate_diff(lua_State *L) {
  assay_date a = ldate_check(L, 1), b = ldate_check(L, 2);
  luaL_argcheck(L, date_is_complete(a), 1, "needs a whole date");
  luaL_argcheck(L, date_is_complete(b), 2, "needs a whole date");
  lua_pushinteger(L, date_diff_days(a, b));
  return 1;
}

static int ldate_is_leap(lua_State *L) {
  lua_pushboolean(L, date_is_leap((int)luaL_checkinteger(L, 1)));
  return 1;
}

static int ldate_days_in_month(lua_State *L) {
  lua_Integer y = luaL_checkinteger(L, 1), m = luaL_checkinteger(L, 2);
  luaL_argcheck(L, m >= 1 && m <= 12, 2, "month must be 1..12");
  lua_pushinteger(L, date_days_in_month((int)y, (int)m));
  return 1;
}

/* nearest_year(anchor, month [, day [, dir]]): date_nearest_year. */
static int ldate_nearest_year(lua_State *L) {
  assay_date a = ldate_check(L, 1);
  luaL_argcheck(L, date_is_complete(a), 1, "needs a whole date");
  lua_Integer m = luaL_checkinteger(L, 2);
  lua_Integer day = luaL_opt(L, luaL_checkinteger, 3, 0);
  lua_Integer dir = luaL_opt(L, luaL_checkinteger, 4, 0);
  luaL_argcheck(L, m >= 1 && m <= 12, 2, "month must be 1..12");
  luaL_argcheck(L, day >= 0 && day <= 31, 3, "day must be 1..31");
  lua_pushinteger(L, date_nearest_year(a, (int)m, (int)day,
                                       dir < 0 ? -1 : dir > 0 ? 1 : 0));
  return 1;
}

/* day_value(anchor, year, month, day [, dir]) -> the TIMEX3 value of a
 * calendar date, or nil when it is no date (Feb. 30).  anchor, year and
 * day may be nil: without a year the one nearest the anchor in the
 * direction dir (nearest_year), without an anchor either "XXXX-11-24".
 * It runs for every month and day a rule finds, hence C. */
static int ldate_day_value(lua_State *L) {
  int has_year = !lua_isnoneornil(L, 2), has_day = !lua_isnoneornil(L, 4);
  lua_Integer y = has_year ? luaL_checkinteger(L, 2) : 0;
  lua_Integer m = luaL_checkinteger(L, 3);
  lua_Integer day = has_day ? luaL_checkinteger(L, 4) : 0;
  lua_Integer dir = luaL_opt(L, luaL_checkinteger, 5, 0);
  if (!has_year && !lua_isnoneornil(L, 1)) {
    assay_date a = ldate_check(L, 1);
    luaL_argcheck(L, date_is_complete(a), 1, "needs a whole date");
    luaL_argcheck(L, m >= 1 && m <= 12, 3, "month must be 1..12");
    luaL_argcheck(L, day >= 0 && day <= 31, 4, "day must be 1..31");
    y = date_nearest_year(a, (int)m, (int)day, dir < 0 ? -1 : dir > 0);
    has_year = 1;
  }
  if (has_day) luaL_argcheck(L, m >= 1 && m <= 12, 3, "month must be 1..12");
  /* what format would refuse: out of range, or past the month's end */
  if (y < 0 || y > 9999 || m < 0 || m > 12 || day < 0 || day > 31 ||
      (m && day > date_days_in_month((int)y, (int)m))) {
    lua_pushnil(L);
    return 1;
  }
  assay_date d = {(int)y, (int)m, (int)day};
  char buf[LDATE_BUF];
  if (date_format_gran(d, date_unit_parse("day"), buf, sizeof buf) < 0)
    lua_pushnil(L);
  else
    lua_pushstring(L, buf);
  return 1;
}

/* ---- the tense of a clause ------------------------------------------- */

/* The word lists of a tense finder, one bit each in the finder's set. */
enum {
  LT_FUTURE,          /* a future word: will, tomorrow */
  LT_FUTURE_TO,       /* future before "to" or "for": set, plans */
  LT_PAST,            /* a past word: was, ago */
  LT_PAST_IRREGULAR,  /* a past tense not in -ed: bought */
  LT_NOT_PAST_BEFORE, /* after these an -ed word is no past: is, the */
  LT_NOT_PAST_ED,     /* words in -ed that are no past: planned */
  LT_REPORTING,       /* words that end the search: said, which */
  LT_DEADLINE,        /* a deadline before the date: by, until */
  LT_CLAUSE_END,      /* token texts that end the look ahead: ";" */
  LT_NLISTS,
  LT_ONLY_TO = LT_NLISTS /* a FUTURE_TO word whose value is "to" */
};

static const char *const ltense_names[LT_NLISTS] = {
    "future",          "future_to",   "past",      "past_irregular",
    "not_past_before", "not_past_ed", "reporting", "deadline",
    "clause_end"};

/* The words of all lists in one open-addressing table, read once when the
 * finder is made: a token is then looked up once, without Lua strings. */
typedef struct ltense_slot {
  uint32_t off;  /* of the word in the set's bytes */
  uint16_t len;  /* 0: a free slot */
  uint16_t bits; /* 1 << LT_* */
} ltense_slot;

typedef struct ltense_set {
  uint32_t mask; /* slots - 1 */
  uint32_t used; /* bytes of words stored */
  ltense_slot *slots;
  char *bytes;
} ltense_set;

static uint32_t ltense_hash(const char *s, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

static ltense_slot *ltense_find(const ltense_set *set, const char *s,
                                size_t n) {
  for (uint32_t h = ltense_hash(s, n) & set->mask;; h = (h + 1) & set->mask) {
    ltense_slot *sl = &set->slots[h];
    if (!sl->len) return sl;
    if (sl->len == n && memcmp(set->bytes + sl->off, s, n) == 0) return sl;
  }
}

/* The bits of word s[0, n): the lists it is in. */
static unsigned ltense_bits(const ltense_set *set, const char *s, size_t n) {
  if (n == 0 || n > UINT16_MAX) return 0;
  return ltense_find(set, s, n)->bits;
}

typedef struct ltense_doc {
  const ltense_set *set;
  const assay_token *t;
  size_t n;
} ltense_doc;

/* The lists token i's lower form is in. */
static unsigned ltense_tok(const ltense_doc *d, size_t i) {
  const assay_token *t = &d->t[i];
  size_t n = t->lower_len < 255 ? t->lower_len : strlen(t->lower);
  return ltense_bits(d->set, t->lower, n);
}

static int ltense_is(const assay_token *t, const char *w) {
  size_t n = strlen(w);
  return t->lower_len == n && memcmp(t->lower, w, n) == 0;
}

/* The tense one token gives: 1, -1, or 0 for none. */
static int ltense_token(const ltense_doc *d, size_t j) {
  const assay_token *t = &d->t[j];
  size_t n = t->lower_len < 255 ? t->lower_len : strlen(t->lower);
  unsigned bits = ltense_tok(d, j);
  if (bits & (1u << LT_FUTURE)) return 1;
  if (ltense_is(t, "to") && j > 0 &&
      (ltense_is(&d->t[j - 1], "is") || ltense_is(&d->t[j - 1], "are")))
    return 1; /* "is to resume trading Tuesday" */
  if (bits & (1u << LT_FUTURE_TO)) {
    /* "plans to meet", "set for"; not "the plan", "due to its loss" */
    const assay_token *nx = j + 1 < d->n ? &d->t[j + 1] : NULL;
    if (nx && (ltense_is(nx, "to") ||
               (ltense_is(nx, "for") && !(bits & (1u << LT_ONLY_TO)))))
      return 1;
    return 0;
  }
  if (bits & (1u << LT_PAST)) return -1;
  int past = (bits & (1u << LT_PAST_IRREGULAR)) != 0;
  if (!past && n > 4 && t->lower[n - 2] == 'e' && t->lower[n - 1] == 'd' &&
      !(bits & (1u << LT_NOT_PAST_ED))) {
    /* Lua's ^%l+ed$: ASCII lower-case letters only */
    past = 1;
    for (size_t i = 0; i < n - 2 && past; i++)
      past = t->lower[i] >= 'a' && t->lower[i] <= 'z';
  }
  if (!past) return 0;
  if (j > 0 && (ltense_tok(d, j - 1) & (1u << LT_NOT_PAST_BEFORE))) return 0;
  return -1;
}

/* tense(doc, first [, last]) -> 1 future, -1 past, 0 unknown: the tense
 * of the clause around tokens first..last (1-based), from the words before
 * them (15 at most, back to the sentence start or a reporting word), then
 * the 8 after them (up to a clause end).  After a deadline word ("by
 * Dec. 15") a past verb says nothing and the words after are not read. */
static int ltense_call(lua_State *L) {
  assay_doc *doc = lassay_checkdoc(L, 1);
  lua_Integer first = luaL_checkinteger(L, 2);
  lassay_ensure_tokens(L, doc);
  lua_Integer last = luaL_optinteger(L, 3, first);
  ltense_doc d;
  size_t len;
  d.set = lua_touserdata(L, lua_upvalueindex(1));
  d.t = assay_doc_tokens(doc, &d.n);
  const char *text = assay_doc_text(doc, &len);
  if (first < 1 || (lua_Unsigned)first > d.n) {
    lua_pushinteger(L, 0);
    return 1;
  }
  size_t f = (size_t)first - 1; /* 0-based from here */
  uint32_t s = d.t[f].sentence;
  int deadline = f > 0 && (ltense_tok(&d, f - 1) & (1u << LT_DEADLINE));
  size_t stop = f > 15 ? f - 15 : 0;
  for (size_t j = f; j-- > stop;) {
    if (d.t[j].sentence != s || (ltense_tok(&d, j) & (1u << LT_REPORTING)))
      break;
    int r = ltense_token(&d, j);
    if (r && !(deadline && r < 0)) {
      lua_pushinteger(L, r);
      return 1;
    }
  }
  if (!deadline && last >= 0) {
    size_t l = (size_t)last; /* the 0-based index after the last token */
    for (size_t j = l; j < d.n && j < l + 8; j++) {
      const assay_token *t = &d.t[j];
      if (t->sentence != s || (ltense_tok(&d, j) & (1u << LT_REPORTING)) ||
          (ltense_bits(d.set, text + t->start, t->end - t->start) &
           (1u << LT_CLAUSE_END)))
        break;
      int r = ltense_token(&d, j);
      if (r) {
        lua_pushinteger(L, r);
        return 1;
      }
    }
  }
  lua_pushinteger(L, 0);
  return 1;
}

/* tense_finder{future=, future_to=, ...} -> tense(doc, first [, last]).
 * Each list is a table whose keys are words (the lower form; for
 * clause_end the token text) and whose values are true; a future_to value
 * "to" allows only "to" after the word, not "for".  The lists are read
 * once, here: the rule file keeps the words, the search runs in C because
 * it is done for most dates and reads up to 23 tokens each time. */
static int ldate_tense_finder(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  size_t nwords = 0, nbytes = 0;
  for (int k = 0; k < LT_NLISTS; k++) {
    if (lua_getfield(L, 1, ltense_names[k]) != LUA_TTABLE)
      return luaL_error(L, "tense_finder: '%s' must be a table of words",
                        ltense_names[k]);
    for (lua_pushnil(L); lua_next(L, -2); lua_pop(L, 1)) {
      size_t n;
      if (lua_type(L, -2) != LUA_TSTRING)
        return luaL_error(L, "tense_finder: '%s' has a key that is not a "
                             "word", ltense_names[k]);
      lua_tolstring(L, -2, &n);
      if (n == 0 || n > UINT16_MAX)
        return luaL_error(L, "tense_finder: '%s' has an empty or overlong "
                             "word", ltense_names[k]);
      nwords++;
      nbytes += n;
    }
    lua_pop(L, 1);
  }
  if (nwords > (1u << 20) || nbytes > (1u << 24))
    return luaL_error(L, "tense_finder: too many words");
  uint32_t nslots = 16;
  while (nslots < 2 * nwords) nslots *= 2;
  ltense_set *set = lua_newuserdatauv(
      L, sizeof *set + nslots * sizeof(ltense_slot) + nbytes, 0);
  set->mask = nslots - 1;
  set->used = 0;
  set->slots = (ltense_slot *)(void *)(set + 1);
  set->bytes = (char *)(set->slots + nslots);
  memset(set->slots, 0, nslots * sizeof(ltense_slot));
  for (int k = 0; k < LT_NLISTS; k++) {
    lua_getfield(L, 1, ltense_names[k]);
    for (lua_pushnil(L); lua_next(L, -2); lua_pop(L, 1)) {
      if (!lua_toboolean(L, -1)) continue; /* false: not in the list */
      size_t n;
      const char *w = lua_tolstring(L, -2, &n);
      ltense_slot *sl = ltense_find(set, w, n);
      if (!sl->len) {
        memcpy(set->bytes + set->used, w, n);
        sl->off = set->used;
        sl->len = (uint16_t)n;
        set->used += (uint32_t)n;
      }
      sl->bits |= (uint16_t)(1u << k);
      if (k == LT_FUTURE_TO && lua_type(L, -1) == LUA_TSTRING) {
        size_t vn;
        const char *v = lua_tolstring(L, -1, &vn);
        if (vn == 2 && memcmp(v, "to", 2) == 0)
          sl->bits |= (uint16_t)(1u << LT_ONLY_TO);
      }
    }
    lua_pop(L, 1);
  }
  lua_pushcclosure(L, ltense_call, 1);
  return 1;
}

static const luaL_Reg ldate_funcs[] = {{"parse", ldate_parse},
                                       {"format", ldate_format},
                                       {"weekday", ldate_weekday},
                                       {"iso_week", ldate_iso_week},
                                       {"add", ldate_add},
                                       {"weekday_near", ldate_weekday_near},
                                       {"shift", ldate_shift},
                                       {"duration", ldate_duration},
                                       {"time", ldate_time},
                                       {"clock", ldate_clock},
                                       {"tz_offset", ldate_tz_offset},
                                       {"month", ldate_month},
                                       {"weekday_number", ldate_weekday_number},
                                       {"number", ldate_number},
                                       {"ordinal", ldate_ordinal},
                                       {"unit", ldate_unit_name},
                                       {"diff", ldate_diff},
                                       {"is_leap", ldate_is_leap},
                                       {"days_in_month", ldate_days_in_month},
                                       {"tense_finder", ldate_tense_finder},
                                       {"nearest_year", ldate_nearest_year},
                                       {"day_value", ldate_day_value},
                                       {NULL, NULL}};

void lassay_open_date(lua_State *L) {
  luaL_newlib(L, ldate_funcs);
  lua_setfield(L, -2, "date");
}
