-- test_date.lua -- the `assay.date` Lua table: dates as tables or ISO
-- strings, TIMEX3 values, words.  Run as `assay run tests/lua/test_date.lua`.
local assay = require "assay"
local date = assay.date

local passed, failed = 0, 0

local function show(v)
  if type(v) ~= "table" then return tostring(v) end
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  local parts = {}
  for _, k in ipairs(keys) do parts[#parts + 1] = k .. "=" .. show(v[k]) end
  return "{" .. table.concat(parts, ", ") .. "}"
end

local function check(name, got, want)
  if show(got) == show(want) then
    passed = passed + 1
  else
    failed = failed + 1
    io.stderr:write(("%s: got %s, expected %s\n"):format(name, show(got), show(want)))
  end
end

local doc_date = "2014-12-17"

-- { name, function returning the result, expected }
local cases = {
  {"parse day", function() return date.parse("2014-12-17") end, {year = 2014, month = 12, day = 17}},
  {"parse month", function() return date.parse("2014-12") end, {year = 2014, month = 12}},
  {"parse with time", function() return date.parse("2014-12-03T20:45") end, {year = 2014, month = 12, day = 3}},
  {"parse bad", function() return select(2, date.parse("2014-13-01")) end, "invalid date '2014-13-01': month 13 is out of range"},
  {"weekday", function() return date.weekday(doc_date) end, 3},
  {"weekday table", function() return date.weekday({year = 2014, month = 12, day = 14}) end, 7},
  {"weekday partial", function() return date.weekday("2014-12") end, nil},
  {"iso week", function() return table.pack(date.iso_week("2014-12-29")) end, {1, 2015, n = 2}},
  {"add days", function() return date.add(doc_date, -21, "day") end, {year = 2014, month = 11, day = 26}},
  {"add month clamps", function() return date.add("2014-01-31", 1, "month") end, {year = 2014, month = 2, day = 28}},
  {"add years", function() return date.add("2012-02-29", 1, "years") end, {year = 2013, month = 2, day = 28}},
  {"add weeks", function() return date.add(doc_date, 1, "week") end, {year = 2014, month = 12, day = 24}},
  {"Tuesday", function() return date.format(date.weekday_near(doc_date, "Tuesday", -1)) end, "2014-12-16"},
  {"Saturday", function() return date.format(date.weekday_near(doc_date, 6, -1)) end, "2014-12-13"},
  {"Sunday", function() return date.format(date.weekday_near(doc_date, "Sun.")) end, "2014-12-14"},
  {"Wednesday", function() return date.format(date.weekday_near(doc_date, 3, 0)) end, "2014-12-17"},
  {"next Friday", function() return date.format(date.weekday_near(doc_date, 5, 1)) end, "2014-12-19"},
  {"format week", function() return date.format("2010-01-03", "week") end, "2009-W53"},
  {"format quarter", function() return date.format("2014-02-10", "quarter") end, "2014-Q1"},
  {"format decade", function() return date.format("1994", "decade") end, "199"},
  {"format unknown year", function() return date.format({month = 11, day = 24}) end, "XXXX-11-24"},
  {"three weeks ago", function() return date.shift(doc_date, -3, "week", "day") end, "2014-11-26"},
  {"three weeks ago, week", function() return date.shift(doc_date, -3, "week") end, "2014-W48"},
  {"this week", function() return date.shift(doc_date, 0, "week") end, "2014-W51"},
  {"this month", function() return date.shift(doc_date, 0, "month") end, "2014-12"},
  {"last month", function() return date.shift(doc_date, -1, "month") end, "2014-11"},
  {"next year", function() return date.shift(doc_date, 1, "year") end, "2015"},
  {"shift without anchor", function() return date.shift("XXXX", -1, "day") end, nil},
  {"duration", function() return date.duration(3, "weeks") end, "P3W"},
  {"duration word", function() return date.duration("three", "week") end, "P3W"},
  {"duration hours", function() return date.duration(5, "hours") end, "PT5H"},
  {"duration fraction", function() return date.duration(1.5, "year") end, "P1Y6M"},
  {"duration vague", function() return date.duration("several", "years") end, "PXY"},
  {"duration X", function() return date.duration("X", "day") end, "PXD"},
  {"time ET winter", function() return date.time("2014-12-03", "8:45PM", "ET") end, "2014-12-03T20:45-05:00"},
  {"time ET summer", function() return date.time("2014-07-03", "8:45 p.m.", "ET") end, "2014-07-03T20:45-04:00"},
  {"time no zone", function() return date.time("2014-12-03", "20:45") end, "2014-12-03T20:45"},
  {"time bad zone", function() return select(2, date.time("2014-12-03", "8PM", "QQT")) end, "unknown time zone 'QQT'"},
  {"clock", function() return date.clock("8:45 p.m.") end, {hour = 20, minute = 45, second = 0}},
  {"clock part", function() return date.clock("morning") end, {part = "MO"}},
  {"tz offset", function() return date.tz_offset("ET", "2014-07-01") end, -240},
  {"month", function() return date.month("Nov.") end, 11},
  {"month Sept.", function() return date.month("Sept.") end, 9},
  {"month no", function() return date.month("Nova") end, nil},
  {"weekday number", function() return date.weekday_number("Tues.") end, 2},
  {"number", function() return date.number("three") end, 3},
  {"number a couple of", function() return date.number("a couple of") end, 2},
  {"number several", function() return date.number("several") end, "X"},
  {"number half", function() return date.number("one and a half") end, 1.5},
  {"ordinal", function() return date.ordinal("11th") end, 11},
  {"ordinal word", function() return date.ordinal("twenty-first") end, 21},
  {"unit", function() return date.unit("Weeks") end, "week"},
  {"diff", function() return date.diff("2014-11-26", doc_date) end, 21},
  {"days in month", function() return date.days_in_month(2016, 2) end, 29},
  {"is leap", function() return date.is_leap(1900) end, false},
  {"March 2013 is absolute", function()
     return date.format({year = 2013, month = date.month("March")}, "month") end, "2013-03"},
  {"bad date raises", function()
     local ok, err = pcall(date.weekday, "2014-02-30")
     return not ok and err:match("day 30 is out of range") ~= nil end, true},
  {"bad unit raises", function() return (pcall(date.shift, doc_date, 1, "fortnight")) end, false},
  {"nearest year", function() return date.nearest_year(doc_date, 1, 5) end, 2015},
  {"nearest year before", function() return date.nearest_year(doc_date, 1, 5, -1) end, 2014},
  {"nearest year no day", function() return date.nearest_year(doc_date, 11, nil, 1) end, 2015},
  {"day value", function() return date.day_value(doc_date, nil, 11, 28, 0) end, "2014-11-28"},
  {"day value year", function() return date.day_value(nil, 1998, 2, 29) end, nil},
  {"day value leap", function() return date.day_value(nil, 2016, 2, 29) end, "2016-02-29"},
  {"day value no anchor", function() return date.day_value(nil, nil, 11, 24) end, "XXXX-11-24"},
  {"day value no day", function() return date.day_value(doc_date, nil, 7) end, "2014-07"},
  {"day value bad month raises", function() return (pcall(date.day_value, nil, 2014, 13, 1)) end, false},
  {"tense", function()
     local tense = date.tense_finder { future = { will = true },
       future_to = { plans = "to", set = true }, past = { was = true },
       past_irregular = { bought = true }, not_past_before = { the = true },
       not_past_ed = { planned = true }, reporting = { said = true },
       deadline = { by = true }, clause_end = { [";"] = true } }
     local function t(text, i, j) return tense(assay.document(text), i, j) end
     return { t("The meeting will be on Nov. 24", 6, 7),
              t("Sony bought it on Nov. 24", 5, 6),
              t("The reduced price on Nov. 24", 5, 6),
              t("He said on Nov. 24 it will", 4, 5),
              t("He paid by Nov. 24 and was glad", 4, 5),
              t("Nov. 24 ; it will", 1, 2),
              t("It is set for Nov. 24", 5, 6),
              t("It plans for Nov. 24", 4, 5),
              t("It is to resume Nov. 24", 5, 6),
              t("Prices jumped on Nov. 24", 4, 5) }
   end, { 1, -1, 0, 1, 0, 0, 1, 0, 1, -1 }},
  {"tense finder needs lists", function() return (pcall(date.tense_finder, {})) end, false},
}

for _, c in ipairs(cases) do
  local ok, got = pcall(c[2])
  if not ok then
    failed = failed + 1
    io.stderr:write(("%s: raised %s\n"):format(c[1], tostring(got)))
  else
    check(c[1], got, c[3])
  end
end

print(("%d passed, %d failed"):format(passed, failed))
if failed > 0 then error(("%d date checks failed"):format(failed)) end
