/*
 * lua_date.c -- the `assay.date` table: the date arithmetic of date.c for
 * rule files.  Dates go in as tables {year=, month=, day=} or ISO strings
 * and come out as tables; TIMEX3 values come out as strings.
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
                                       {NULL, NULL}};

void lassay_open_date(lua_State *L) {
  luaL_newlib(L, ldate_funcs);
  lua_setfield(L, -2, "date");
}
