/*
 * date.h -- internal interface of date.c beyond the public assay_date_*:
 * granularities, units, TIMEX3 formatting, shifts, durations, clock times,
 * time zones and the English words for months, weekdays, numbers, ordinals.
 *
 * All functions are pure (no state, no allocation).  Dates are proleptic
 * Gregorian, years 1..9999; 0 in a field means "unknown".  Functions that
 * write text return its length (like snprintf, without the NUL) or a
 * negative ASSAY_E* status; a too small buffer gives ASSAY_ELIMIT.
 */
#ifndef ASSAY_DATE_H
#define ASSAY_DATE_H

#include <stddef.h>

#include "assay.h"

/* Granularities of a TIMEX3 value and units of shifts and durations share
 * one enumeration: "week" is both a granularity (2014-W51) and a unit. */
enum date_unit {
  DATE_SECOND,
  DATE_MINUTE,
  DATE_HOUR,
  DATE_DAY,
  DATE_WEEK,
  DATE_MONTH,
  DATE_QUARTER,
  DATE_HALF,
  DATE_YEAR,
  DATE_DECADE,
  DATE_CENTURY,
  DATE_MILLENNIUM,
  DATE_UNSPECIFIED, /* the "X" of PXX: "a while" */
  DATE_WEEKDAY      /* granularity only: 2014-W51-3 */
};

/* The unit named by s ("day", "days", "weeks", "month", "yr", ...), or -1. */
int date_unit_parse(const char *s);
/* The canonical name of a unit ("day"), or NULL when out of range. */
const char *date_unit_name(int unit);

int date_is_leap(int year);
/* Days in the month (1..12) of year; year 0 (unknown) counts as leap. */
int date_days_in_month(int year, int month);
/* 1 when all three fields are known, 0 otherwise. */
int date_is_complete(assay_date d);
/* Days since 0001-01-01 (which is day 0); d must be complete. */
long date_to_days(assay_date d);
/* The date of a day number (0 = 0001-01-01); {0,0,0} when out of range. */
assay_date date_from_days(long days);
/* Adds n years, clamping Feb 29 to Feb 28; {0,0,0} when out of range. */
assay_date date_add_years(assay_date d, int n);
/* Signed number of days from a to b (b - a); both must be complete. */
long date_diff_days(assay_date a, assay_date b);

/* The year of month/day (day 0: unknown) nearest to the complete date
 * anchor, among the anchor's year and the years on either side: with
 * dir 0 the nearest ("Nov. 28" in a December story is this year's), with
 * dir < 0 the last one on or before the anchor, dir > 0 the next one on or
 * after.  Months count 31 days, as in the rules it came from; an unknown
 * day counts as the 15th (dir 0), the 1st (dir < 0) or the 31st. */
int date_nearest_year(assay_date anchor, int month, int day, int dir);

/* Parses an ISO date as assay_date_parse does, writing the reason for a
 * failure into msg ("month 13 is out of range") when msg is not NULL. */
int date_parse_msg(const char *iso, assay_date *out, char *msg, size_t msgsize);

/* Formats d at a granularity: day 2014-11-26, week 2014-W48, weekday
 * 2014-W48-3, month 2014-11, quarter 2014-Q4, half 2014-H2, year 2014,
 * decade 201, century 20, millennium 2; unknown parts as X. */
int date_format_gran(assay_date d, int gran, char *buf, size_t size);

/* The anchor moved by n units (day, week, month, quarter, half, year,
 * decade, century, millennium).  Day and week need a complete anchor,
 * month-based units a year and month, year-based units a year.  Returns
 * ASSAY_OK, ASSAY_EMISUSE (anchor lacks a field, bad unit) or ASSAY_ELIMIT
 * (result outside years 1..9999). */
int date_shift(assay_date anchor, long n, int unit, assay_date *out);

/* A TIMEX3 duration for n units: P3W, PT5H, P1Y6M (n = 1.5, year),
 * P1.5W.  known == 0 gives the unspecified quantity: PXY.  The unit
 * DATE_UNSPECIFIED gives PXX. */
int date_duration(double n, int known, int unit, char *buf, size_t size);

/* Parses clock text: "8:45PM", "8:45 p.m.", "20:45", "8PM", "8 o'clock",
 * "20:45:30", "noon", "midnight".  Parts of the day ("morning",
 * "afternoon", "evening", "night") give *part = "MO"/"AF"/"EV"/"NI" and
 * hour -1.  Returns ASSAY_OK or ASSAY_ESYNTAX. */
int date_clock_parse(const char *text, int *hour, int *minute, int *second,
                     const char **part);

/* The UTC offset in minutes of a time zone abbreviation on date d: "EST"
 * -300, "EDT" -240, "ET" either by the US daylight-saving rules of d (EST
 * when d's month is unknown).  Returns ASSAY_OK or ASSAY_ENOTFOUND. */
int date_tz_offset(const char *abbr, assay_date d, int *minutes);

/* The TIMEX3 value of a clock time on day d: "2014-12-03T20:45-05:00".
 * tz may be NULL or "" (no offset written).  Unknown parts of d become
 * X ("XXXX-XX-XXT20:45").  Returns the length, ASSAY_ESYNTAX for bad clock
 * text, ASSAY_ENOTFOUND for an unknown zone, ASSAY_ELIMIT. */
int date_time_value(assay_date d, const char *clock, const char *tz, char *buf,
                    size_t size);

/* Month names and abbreviations ("January", "Jan", "Jan.", "Sept.") ->
 * 1..12, case-insensitive; 0 when not a month. */
int date_month_number(const char *word);
/* Weekday names ("Tuesday", "Tue.", "Tues", "Tuesdays") -> 1..7 (ISO,
 * Monday 1); 0 when not a weekday. */
int date_weekday_number(const char *word);

/* English cardinal numbers: digits ("3", "1,500", "2.5"), words ("three",
 * "twenty-one", "a hundred", "two thousand", "a dozen", "half"), "a"/"an"
 * (1), "a couple of" (2).  Vague quantities ("several", "a few", "some",
 * "many") give DATE_NUM_X.  Returns ASSAY_OK with *value, DATE_NUM_X, or
 * ASSAY_ENOTFOUND. */
#define DATE_NUM_X 2
int date_number(const char *text, double *value);

/* Ordinals: "1st", "11th", "23rd", "first", "eleventh", "twenty-first",
 * "thirtieth" -> the number; 0 when not an ordinal. */
int date_ordinal(const char *text);

#endif
