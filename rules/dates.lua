-- dates.lua -- the date rules of the news pack: TIMEX3 dates, times,
-- durations and sets (layer "date"), normalised against meta.published.
--
-- Three stages.  "dates" finds the plain expressions (Nov. 24, Tuesday,
-- three weeks ago, 8:45PM ET, every week, Thanksgiving); "dates.mods"
-- wraps them in the words that modify them (late November, the end of the
-- year, about three years), and the "longest" policy of layer date keeps
-- the wrapper; "dates.context" revises values that depend on the dates
-- before them (a year ago after a quarter, the following year).  The
-- calendar arithmetic is assay.date (src/date.c); docs/dates.md.

local D = assay.date

-- ---- word classes, as token pattern fragments -------------------------

-- A regex of plain words, /^(a|b|c)$/: the pattern compiler makes it a
-- set of words, tested without PCRE2, and a pattern that begins with such
-- sets jumps from one of their words to the next instead of testing every
-- token (docs/patterns.md, Performance).  So the classes below list their
-- words rather than fold them into a shorter regex.
local function words(list)
  local t = {}
  for i, w in ipairs(list) do t[i] = (w:gsub("%.", "\\.")) end
  return "/^(" .. table.concat(t, "|") .. ")$/"
end

-- Every word of `firsts` followed by every word of `rests`.
local function cross(firsts, rests)
  local t = {}
  for _, a in ipairs(firsts) do
    for _, b in ipairs(rests) do t[#t + 1] = a .. b end
  end
  return t
end

local function split(s)
  local t = {}
  for w in s:gmatch("[^|]+") do t[#t + 1] = w end
  return t
end

local function join(...)
  local t = {}
  for _, l in ipairs({ ... }) do
    for _, w in ipairs(l) do t[#t + 1] = w end
  end
  return t
end

local function range(from, to)
  local t = {}
  for n = from, to do t[#t + 1] = tostring(n) end
  return t
end

-- Months as written (Nov., November, NOV), tested on the lower form first
-- so that a pattern starting with a month has few enough index keys.
local MONTH = "[lower=" .. words(split("jan|jan.|january|feb|feb.|february|"
  .. "mar|mar.|march|apr|apr.|april|may|jun|jun.|june|jul|jul.|july|aug|"
  .. "aug.|august|sep|sep.|sept|sept.|september|oct|oct.|october|nov|nov.|"
  .. "november|dec|dec.|december")) .. ", text=" .. words(split("Jan|Jan.|"
  .. "January|Feb|Feb.|February|Mar|Mar.|March|Apr|Apr.|April|May|Jun|Jun.|"
  .. "June|Jul|Jul.|July|Aug|Aug.|August|Sep|Sep.|Sept|Sept.|September|Oct|"
  .. "Oct.|October|Nov|Nov.|November|Dec|Dec.|December|JAN|JANUARY|FEB|"
  .. "FEBRUARY|MARCH|APRIL|JUNE|JULY|AUG|AUGUST|SEPT|SEPTEMBER|OCT|OCTOBER|"
  .. "NOV|NOVEMBER|DEC|DECEMBER")) .. "]"
-- Months that are also common words: only with a day, a year or a cue.
local PLAIN_MONTH = words(split("January|February|April|June|July|August|"
  .. "September|October|November|December|Jan.|Feb.|Apr.|Aug.|Sep.|Sept.|"
  .. "Oct.|Nov.|Dec."))
local DAY_NUMS = range(1, 31)
local DAY = "[kind=number, text=" .. words(join(DAY_NUMS,
  cross(DAY_NUMS, { "st", "nd", "rd", "th" }))) .. "] "
local ORDINAL = "[lower=" .. words(join(
  cross(DAY_NUMS, { "st", "nd", "rd", "th" }),
  split("first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
    .. "eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|"
    .. "seventeenth|eighteenth|nineteenth|twentieth|twenty|thirty|thirtieth"),
  cross({ "twenty-", "thirty-" }, split("first|second|third|fourth|fifth|"
    .. "sixth|seventh|eighth|ninth")))) .. "] "
-- (A regex: as 600 words it would cost more to compile than it saves.)
local YEAR = [[[digit, text=/^(1[5-9][0-9][0-9]|20[0-9][0-9])$/] ]]
local WEEKDAY_STEMS = split("Mon|Tues|Wednes|Thurs|Fri|Satur|Sun")
local WEEKDAY = words(cross(WEEKDAY_STEMS, { "day" }))
local WEEKDAYS = words(cross(WEEKDAY_STEMS, { "days" }))
local NUMWORD = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
  .. "twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|"
  .. "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|"
  .. "thousand|dozen|several|few|couple|half|many|dozens|hundreds"
-- (A regex, not 1406 words: the scan tests it once per distinct word
-- anyway, and the words cost more to compile than they save.)
local NUM = "(('a' | 'an')? [lower=/^(" .. NUMWORD .. ")(-(" .. NUMWORD
  .. "))?$/]{1,3} 'of'? | [kind=number, text=/^[0-9][0-9,]*(\\.[0-9]+)?$/] | 'a' | 'an')"
local UNIT_WORDS = cross(split("second|minute|hour|day|week|fortnight|"
  .. "month|quarter|year|decade|century|centuries|millennium|millennia"),
  { "", "s" })
local UNIT = "[lower=" .. words(UNIT_WORDS) .. "] "
-- The units in -s (years, centuries), which need no number before them.
local PLURAL_UNIT_WORDS = {}
for _, w in ipairs(UNIT_WORDS) do
  if w:match("s$") then PLURAL_UNIT_WORDS[#PLURAL_UNIT_WORDS + 1] = w end
end
local PLURAL_UNIT = "[lower=" .. words(PLURAL_UNIT_WORDS) .. "] "
local CAL_UNIT = [[[lower=/^(day|week|month|quarter|year|decade|century)$/] ]]
local SEASON = [[[lower=/^(spring|summer|fall|autumn|winter)$/] ]]
local PART = [[[lower=/^(morning|afternoon|evening|night|overnight)$/] ]]
local TZ = [[/^(UTC|GMT|Z|WET|WEST|BST|CET|CEST|EET|EEST|MSK|IST|PKT|ICT|WIB|HKT|SGT|AWST|JST|KST|AEST|AEDT|NZST|NZDT|EST|EDT|CST|CDT|MST|MDT|PST|PDT|AKST|AKDT|HST|ET|CT|MT|PT)$/]]

-- The zone abbreviations of TZ, as a set.
local TZ_WORD = {}
for z in TZ:match("%^%((.-)%)%$"):gmatch("[^|]+") do TZ_WORD[z] = true end

-- A word of the list `words` ("a|b") that is not part of a name: lower
-- case, or capitalised at the start of a sentence ("Entertainment Weekly",
-- "USA Today" are names).
local function NOT_NAME(words, cap)
  return "([lower=/^(" .. words .. ")$/, !title, !upper]:" .. cap
    .. " | [lower=/^(" .. words .. ")$/, sent_start]:" .. cap .. ")"
end

-- ---- the document date and value helpers ------------------------------

-- The document date as a whole date, or nil.
-- Most rules ask for it, so it is parsed once per date text (the table
-- is shared: nothing changes it).
local anchors, nanchors = {}, 0
local function anchor(doc)
  local s = doc.date
  if type(s) ~= "string" then return nil end
  local d = anchors[s]
  if d == nil then
    local ok
    ok, d = pcall(D.parse, s)
    if not (ok and d and d.year and d.month and d.day) then d = false end
    if nanchors >= 4096 then anchors, nanchors = {}, 0 end
    anchors[s], nanchors = d, nanchors + 1
  end
  return d or nil
end

-- The year of month/day against the anchor: with dir 0 the nearest (news
-- write "Nov. 28" for the last Nov. 28 and "Dec. 25" for the coming one),
-- with dir -1 the last one on or before the anchor, +1 the next on or after
-- (src/date.c, date_nearest_year).
local nearest_year = D.nearest_year

-- A two-digit year: 14 -> 2014, 98 -> 1998.
local function full_year(n)
  if n >= 100 then return n end
  return n < 50 and 2000 + n or 1900 + n
end

-- The TIMEX3 value of a (possibly partial) calendar date, the year
-- nearest_year(a, month, day, dir) when not given; nil if invalid.
local day_value = D.day_value

local function num(text)
  if not text then return nil end
  local n = D.number(text) or D.number((text:gsub("%s+of$", "")))
  return n or D.number("a " .. text)
end

-- A token text as a number, for DAY tokens ("24", "24th").
local function day_num(text) return tonumber(text:match("^(%d+)")) end

-- The anchor shifted by n units at a granularity, or `fallback` (an
-- underspecified value) when the document has no date.
local function shifted(a, n, unit, gran, fallback)
  if not a then return fallback end
  local v = D.shift(a, n, unit, gran)
  return v or fallback
end

local function date_ann(m, value, extra)
  if not value then return nil end
  local t = { layer = "date", type = "DATE", value = value }
  if extra then
    for k, v in pairs(extra) do t[k] = v end
  end
  return t
end

-- ---- tokens around a match (tense, newspapers) ------------------------

-- Words that put the event of their clause in the future or the past.
local FUTURE = {
  will = true, ["'ll"] = true, ["’ll"] = true, shall = true, ["won't"] = true,
  ["won’t"] = true, scheduled = true, slated = true, tomorrow = true,
  upcoming = true, next = true, payable = true, effective = true,
  expire = true, expires = true, starting = true, pending = true,
  would = true, soon = true,
}
-- Future only before "to" or "for": "plans to meet", "set for", "due to
-- expire" (not "the plan", "set a record", "due to its loss").
local FUTURE_TO = { plan = "to", plans = "to", planning = "to",
  expected = true, expects = true, set = true, due = "to", going = "to",
  intends = "to", hopes = "to", aims = "to", ready = true }

local PAST = { was = true, were = true, had = true, did = true,
  ago = true, last = true, yesterday = true, earlier = true,
  ["wasn't"] = true, ["weren't"] = true, ["didn't"] = true,
  ["hadn't"] = true }

-- Irregular past tenses common in news ("bought", not only "-ed").
local PAST_IRREGULAR = {}
for w in ([[arose ate became began bought brought built came caught chose
  cost drew drove fell felt fought found fled flew forgot froze gave got
  grew heard held hid hit kept knew laid led left lent lost made meant met
  paid quit ran rang rode rose sank sat saw sent shook shot showed shut
  slid sold sought spent spoke spread stood stole struck swore swept swam
  took taught tore thought threw understood undertook upheld withdrew won
  wore wrote overtook overthrew]]):gmatch("%a+") do
  PAST_IRREGULAR[w] = true
end

-- Words after which an "-ed" word is an adjective or a passive to come
-- ("is expected", "the reduced dividend"), not a past tense.
local NOT_PAST_BEFORE = { is = true, are = true, be = true, being = true,
  ["'s"] = true, the = true, a = true, an = true, its = true, their = true,
  his = true, her = true, will = true, to = true }

-- Words in -ed that are no past tense ("planned" says nothing of when).
local NOT_PAST_ED = { need = true, indeed = true, proceed = true,
  exceed = true, succeed = true, planned = true, scheduled = true,
  proposed = true, expected = true, speed = true, breed = true,
  -- adjectives of finance and reporting ("preferred shares")
  preferred = true, based = true, related = true, limited = true,
  secured = true, unsecured = true, subordinated = true, diluted = true,
  adjusted = true, owned = true, listed = true, combined = true,
  estimated = true, unspecified = true, unidentified = true,
  undisclosed = true, registered = true, restated = true, detailed = true,
  unnamed = true, armed = true, advanced = true, interested = true,
  concerned = true, skilled = true, talented = true, qualified = true }

-- Words that end the search: the reporter's tense is not the event's,
-- and a relative clause has its own ("she would bring aid to Kenya,
-- where the Aug. 7 blasts killed 257").
local REPORTING = { said = true, says = true, say = true, told = true,
  according = true, announced = true, reported = true, where = true,
  which = true, who = true, whom = true, whose = true }

-- A preposition of deadline before a date ("extended to Nov. 20", "by
-- Dec. 15"): a past verb before it says nothing of the date's year.
local DEADLINE = { to = true, by = true, ["until"] = true, till = true,
  through = true, before = true }

-- Punctuation that ends the clause of a date when looking ahead.
local CLAUSE_END = { [":"] = true, [";"] = true, ["("] = true, ['"'] = true,
  ["``"] = true, ["“"] = true, ["--"] = true, ["—"] = true }

-- The tense of the clause around tokens first..last: 1 future, -1 past
-- (was, were, bought, a verb in -ed), 0 when nothing says.  Looks back 15
-- tokens, then ahead eight; "said" is the reporter's tense, not the
-- event's, and ends the search.  A word gives the future when it is in
-- FUTURE, or in FUTURE_TO before "to" (or "for" where the value is true),
-- or is "to" after "is"/"are" ("is to resume trading Tuesday"); the past
-- when it is in PAST, or in PAST_IRREGULAR or a lower-case word in -ed not
-- in NOT_PAST_ED, unless after a word of NOT_PAST_BEFORE.  The search runs
-- in C (assay.date.tense_finder, src/lua_date.c): it is done for most
-- dates and reads up to 23 tokens each time.
local tense3 = D.tense_finder {
  future = FUTURE, future_to = FUTURE_TO, past = PAST,
  past_irregular = PAST_IRREGULAR, not_past_before = NOT_PAST_BEFORE,
  not_past_ed = NOT_PAST_ED, reporting = REPORTING, deadline = DEADLINE,
  clause_end = CLAUSE_END,
}

-- For weekdays: the coming one only when the sentence speaks of the future.
local function tense(doc, i, j) return tense3(doc, i, j) > 0 and 1 or -1 end

-- ---- weekdays ---------------------------------------------------------

-- The date of weekday wd relative to the anchor: dir -1 on or before, +1
-- on or after; strict (last/next) excludes the anchor's own weekday.
local function weekday_value(a, wd, dir, strict)
  if not a then return "XXXX-WXX-" .. wd end
  local base = a
  if strict then base = D.add(a, dir, "day") end
  local r = D.weekday_near(base, wd, dir)
  return r and D.format(r) or ("XXXX-WXX-" .. wd)
end

local PART_CODE = { morning = "MO", afternoon = "AF", evening = "EV",
                    night = "NI", overnight = "NI", tonight = "NI" }

local WEEKDAY_DIR = { last = -1, past = -1, previous = -1, next = 1,
                      coming = 1, this = 0, following = 1 }

-- Past reporting verbs: "said Monday" is the day of the saying, past.
local SAID = { said = true, told = true, announced = true, reported = true,
  confirmed = true, denied = true, added = true, wrote = true,
  predicted = true, warned = true, disclosed = true, revealed = true }

-- The direction of a bare weekday from the document date: the past one
-- unless the clause speaks of the future; after "said" the past one; after
-- a deadline ("until 9 a.m. Tuesday") the nearest.
local function weekday_dir(doc, first, last)
  local pv = doc:token(first - 1)
  if pv and pv.lower == "on" then pv = doc:token(first - 2) end
  if pv and SAID[pv.lower] then return -1 end
  local t = tense3(doc, first, last)
  if t == 0 then
    -- a deadline: "until Tuesday", "until 9 a.m. Tuesday"
    for j = first - 1, math.max(1, first - 4), -1 do
      local tk = doc:token(j)
      if DEADLINE[tk.lower] and tk.lower ~= "to" then return 0 end
      if tk.kind == "word" and not tk.lower:match("^[ap]%.?m%.?$")
         and not TZ_WORD[tk.text] and tk.lower ~= "noon"
         and tk.lower ~= "midnight" then
        break
      end
    end
  end
  return t > 0 and 1 or -1
end

local function emit_weekday(m, doc)
  local wd = D.weekday_number(m.wd.text)
  local a, rel = anchor(doc), m.rel and m.rel.text:lower()
  local dir, strict = -1, false
  if rel == "this" then
    dir = tense(doc, m.wd.first, m.last) -- "this Friday": the coming one unless past
  elseif rel then
    dir, strict = WEEKDAY_DIR[rel], rel ~= "coming"
  else
    dir = weekday_dir(doc, m.wd.first, m.last)
  end
  local v = weekday_value(a, wd, dir, strict)
  if m.part then
    local code = PART_CODE[m.part.text:lower()]
    return { layer = "date", type = "TIME", value = v .. "T" .. code }
  end
  return { layer = "date", type = "DATE", value = v }
end

-- Newspapers and days that are names, not dates ("the Sunday Times").
local NOT_A_DAY = { times = true, telegraph = true, mirror = true,
  express = true, post = true, herald = true, mail = true, star = true,
  people = true, sport = true, tribune = true, observer = true,
  independent = true, school = true, service = true, services = true,
  paper = true, edition = true, magazine = true, night_football = true,
  football = true, review = true, today = true }

local function not_a_name(m)
  if m.next and NOT_A_DAY[m.next.text:lower()] then return false end
  if m.prev and (m.prev.text == "Bloody" or m.prev.text == "Mail") then
    return false
  end
  return true
end

-- ---- units, relative words, seasons ----------------------------------

-- The unit word of a match as assay.date names it ("fortnight" is two
-- weeks, handled by the caller).
local function unit_of(word)
  word = word:lower()
  if word:match("^fortnight") then return "week", 2 end
  if word:match("^centur") then return "century", 1 end
  if word:match("^millenni") then return "millennium", 1 end
  return D.unit(word), 1
end

local REL_N = { this = 0, current = 0, last = -1, past = -1, previous = -1,
                next = 1, coming = 1, following = 1 }

local SEASON_CODE = { spring = "SP", summer = "SU", fall = "FA",
                      autumn = "FA", winter = "WI" }
local SEASON_MONTH = { SP = 3, SU = 6, FA = 9, WI = 12 }

-- The year of a season named with this/last/next against the anchor:
-- "last summer" in December is this year's, in July last year's.
local function season_year(a, code, n)
  local start = SEASON_MONTH[code]
  local cur = a.year
  if a.month < start then -- the season has not begun this year
    if n < 0 then return cur - 1 end
    return n > 0 and cur or cur -- "this/next summer" in spring
  end
  if a.month < start + 3 then return cur + n end -- inside it now
  return n > 0 and cur + 1 or cur -- it is over this year
end

-- Relative words and their values: a function of the anchor or a string.
local REL_WORD = {
  today = function(a) return a and D.format(a) or "PRESENT_REF" end,
  yesterday = function(a) return shifted(a, -1, "day", "day", "PAST_REF") end,
  tomorrow = function(a) return shifted(a, 1, "day", "day", "FUTURE_REF") end,
  now = "PRESENT_REF", currently = "PRESENT_REF", nowadays = "PRESENT_REF",
  presently = "PRESENT_REF", present = "PRESENT_REF",
  recently = "PAST_REF", lately = "PAST_REF", past = "PAST_REF",
  future = "FUTURE_REF", current = "PRESENT_REF", recent = "PAST_REF",
}

-- ---- stage "dates": calendar dates -------------------------------------

stage "dates"

rule "date.iso" {
  match = tokens [[ [digit, shape=dddd-dd-dd]:d ]],
  emit = function(m, doc)
    local d = D.parse(m.d.text)
    return d and date_ann(m, D.format(d))
  end,
}

rule "date.numeric" {
  -- 12/17/2014, 12/17/14: US order, month first.
  match = tokens [[ [digit, text=/^(0?[1-9]|1[0-2])\/(0?[1-9]|[12][0-9]|3[01])\/([0-9]{2}|[0-9]{4})$/]:d ]],
  emit = function(m, doc)
    local mo, dd, yy = m.d.text:match("^(%d+)/(%d+)/(%d+)$")
    return date_ann(m, day_value(nil, full_year(tonumber(yy)), tonumber(mo),
                                 tonumber(dd)))
  end,
}

-- "Tuesday, Nov. 24" keeps the weekday in the extent, as TimeML does.
local DAY_LEAD = "(" .. WEEKDAY .. " ','?)?"

rule "date.month_day" {
  -- Nov. 24, November 24, 2014, Nov 24th
  match = tokens(DAY_LEAD .. MONTH .. ":mon " .. DAY .. ":day ((','? "
                 .. YEAR .. "):year)?"),
  emit = function(m, doc)
    local y = m.year and tonumber(m.year.text:match("%d+"))
    return date_ann(m, day_value(anchor(doc), y, D.month(m.mon.text),
                                 day_num(m.day.text), tense3(doc, m.first, m.last)))
  end,
}

rule "date.day_month" {
  -- 24 November 2014, the 11th of September 2011, 5th May
  match = tokens(DAY_LEAD .. "(" .. DAY .. ":day 'of'? | " .. ORDINAL
                 .. ":dayw 'of') " .. MONTH .. ":mon ((','? " .. YEAR
                 .. "):year)?"),
  emit = function(m, doc)
    local y = m.year and tonumber(m.year.text:match("%d+"))
    local d = m.day and day_num(m.day.text) or D.ordinal(m.dayw.text)
    return date_ann(m, day_value(anchor(doc), y, D.month(m.mon.text), d,
                                 tense3(doc, m.first, m.last)))
  end,
}

rule "date.month_year" {
  -- March 2013, May of 2013
  match = tokens(MONTH .. ":mon (','? | 'of') " .. YEAR .. ":year"),
  emit = function(m, doc)
    return date_ann(m, D.format({ year = tonumber(m.year.text),
                                  month = D.month(m.mon.text) }, "month"))
  end,
}

local function month_value(a, mon, n, tense_dir)
  if not a then return D.format({ month = mon }, "month") end
  -- a bare month: the tense of the sentence, else the nearest
  local y = a.year
  if n == nil then
    y = nearest_year(a, mon, nil, tense_dir)
  elseif n == 0 then y = a.year
  elseif n < 0 then y = mon < a.month and a.year or a.year - 1
  elseif n > 0 then y = mon > a.month and a.year or a.year + 1 end
  return D.format({ year = y, month = mon }, "month")
end

rule "date.month" {
  -- November (alone); "May" and "March" need a cue (date.month.cued).
  match = tokens(PLAIN_MONTH .. ":mon"),
  emit = function(m, doc)
    return date_ann(m, month_value(anchor(doc), D.month(m.mon.text), nil,
                                   tense3(doc, m.mon.first, m.mon.last)))
  end,
}

rule "date.month.cued" {
  -- in May, since March: the cue word stays out of the extent
  match = tokens([[ [lower=/^(in|since|until|till|by|during|through|from|of|before|after|between|early|late|mid|throughout)$/] ]]
                 .. [[("May" | "March" | "Mar." | "MAY"):mon ]]),
  emit = function(m, doc)
    local t = date_ann(m, month_value(anchor(doc), D.month(m.mon.text), nil,
                                      tense3(doc, m.mon.first, m.mon.last)))
    t.start, t.stop = m.mon.start, m.mon.stop
    return t
  end,
}

rule "date.month.relative" {
  -- last May, next March, this September
  match = tokens([[ [lower=/^(last|next|this|coming|past)$/]:rel ]] .. MONTH
                 .. ":mon"),
  emit = function(m, doc)
    return date_ann(m, month_value(anchor(doc), D.month(m.mon.text),
                                   REL_N[m.rel.text:lower()]))
  end,
}

rule "date.month.rel_year" {
  -- June last year, January this year, March next year
  match = tokens(MONTH .. [[:mon [lower=/^(this|last|next|past)$/]:rel 'year' ]]),
  emit = function(m, doc)
    local a, n = anchor(doc), REL_N[m.rel.text:lower()]
    local y = a and a.year + n
    return date_ann(m, D.format({ year = y, month = D.month(m.mon.text) },
                                "month"))
  end,
}

rule "date.mid_token" {
  -- mid-2014, mid-December (one token each)
  match = tokens [[ [lower=/^mid-[a-z0-9.]+$/]:w ]],
  emit = function(m, doc)
    local rest = m.w.text:sub(5)
    local y, mon = rest:match("^%d%d%d%d$") and tonumber(rest), D.month(rest)
    if y and y >= 1000 then
      return date_ann(m, D.format({ year = y }, "year"), { mod = "MID" })
    elseif rest:match("^%d%d%d0s$") then
      return date_ann(m, rest:sub(1, 3), { mod = "MID" })
    elseif mon then
      return date_ann(m, month_value(anchor(doc), mon), { mod = "MID" })
    end
    return nil
  end,
}

-- ---- years and decades -------------------------------------------------

-- Words after a number that make it a count, not a year ("in 2000 cases").
local COUNT_OK = { was = true, is = true, has = true, as = true,
  this = true, its = true, his = true, thus = true, always = true,
  perhaps = true, unless = true, whereas = true, plus = true, across = true,
  versus = true, afterwards = true, towards = true, says = true }

local function is_count_noun(w)
  if not w then return false end
  w = w:lower()
  if COUNT_OK[w] then return false end
  return w:match("^[a-z]+s$") ~= nil or w == "people" or w == "men"
    or w == "women" or w == "children" or w == "staff" or w == "feet"
end

rule "date.year" {
  -- in 2013, since 2000, the 2014 election: a number is a year only
  -- after a cue and not before a counted noun
  match = tokens([[ [lower=/^(in|into|since|by|until|till|of|from|to|through|during|before|after|between|and|or|the|for|around|about|circa|throughout|early|late|beginning|end|year|spring|summer|fall|autumn|winter|than|on|at|mid|fiscal|its|his|her|their|our|your|both|'s|’s|a|an)$/]:ctx ]]
                 .. YEAR .. [[:y ]]),
  where = function(m, doc)
    -- the next word is only looked at, so that "between 1994 and 1997"
    -- leaves "and" to the second year
    local nx = doc:token(m.last + 1)
    if m.ctx.text:lower() == "fiscal" then return true end
    return not (nx and nx.lowercase and nx.kind == "word"
                and is_count_noun(nx.text))
  end,
  emit = function(m, doc)
    local t = date_ann(m, m.y.text)
    t.stop = m.y.stop
    if m.ctx.text:lower() ~= "fiscal" then t.start = m.y.start end
    return t
  end,
}

rule "date.year_word" {
  -- the year 2000
  match = tokens("'the' 'year' " .. YEAR .. ":y"),
  emit = function(m, doc) return date_ann(m, m.y.text) end,
}

local TENS = { ten = 10, eleven = 11, twelve = 12, thirteen = 13,
  fourteen = 14, fifteen = 15, sixteen = 16, seventeen = 17, eighteen = 18,
  nineteen = 19, twenty = 20, thirty = 30, forty = 40, fifty = 50,
  sixty = 60, seventy = 70, eighty = 80, ninety = 90 }
local ONES = { one = 1, two = 2, three = 3, four = 4, five = 5, six = 6,
  seven = 7, eight = 8, nine = 9 }

-- The number of "ninety-six", "ninety six", "seventy", "oh five"; nil if
-- the words are no number of 1..99.
local function two_digits(words)
  local t, o = words:lower():match("^(%a+)[-%s]+(%a+)$")
  if t and TENS[t] and TENS[t] >= 20 and ONES[o] then return TENS[t] + ONES[o] end
  if t == "oh" and ONES[o] then return ONES[o] end
  return TENS[words:lower()] or nil
end

local TENS_WORD = "/^(ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
  .. "seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
  .. "eighty|ninety)(-(one|two|three|four|five|six|seven|eight|nine))?$/"
local ONES_WORD = "/^(one|two|three|four|five|six|seven|eight|nine)$/"

rule "date.year_spoken" {
  -- nineteen ninety-six, January nineteen ninety-seven, the winter of
  -- nineteen ninety-four, the year two thousand (broadcast transcripts)
  match = tokens("(" .. MONTH .. ":mon | 'the'? " .. SEASON
                 .. ":s 'of'? | 'the' 'year')? ( [lower=/^(nineteen|eighteen|twenty)$/]:c ("
                 .. "[lower=" .. TENS_WORD .. "] [lower=" .. ONES_WORD .. "]? | 'oh' [lower="
                 .. ONES_WORD .. "]):yy | 'two' 'thousand':k ('and'? [lower=" .. ONES_WORD
                 .. "]:o)? )"),
  where = function(m, doc)
    -- a bare "twenty thirty" is a count; spoken years start with nineteen
    return m.k ~= nil or m.mon ~= nil or m.s ~= nil
      or m.c.text:lower() == "nineteen" or m.text:lower():match("^the year")
  end,
  emit = function(m, doc)
    local y
    if m.k then
      y = 2000 + (m.o and ONES[m.o.text:lower()] or 0)
    else
      local yy = two_digits(m.yy.text)
      if not yy then return nil end
      y = TENS[m.c.text:lower()] * 100 + yy
    end
    if m.mon then
      return date_ann(m, D.format({ year = y, month = D.month(m.mon.text) }, "month"))
    elseif m.s then
      return date_ann(m, y .. "-" .. SEASON_CODE[m.s.text:lower()])
    end
    return date_ann(m, tostring(y))
  end,
}

rule "date.year_possessive" {
  -- 2013's
  match = tokens(YEAR .. [[:y ("'s" | "’s")]]),
  emit = function(m, doc)
    local t = date_ann(m, m.y.text)
    t.start, t.stop = m.y.start, m.y.stop
    return t
  end,
}

local DECADE_WORD = { twenties = 2, thirties = 3, forties = 4, fifties = 5,
  sixties = 6, seventies = 7, eighties = 8, nineties = 9 }

rule "date.decade" {
  -- the 1990s, the '90s, the 1990's, the nineties
  match = tokens([[ 'the'? ( [digit, text=/^(1[5-9]|20)[0-9]0s$/]:dec | ("'" | "’") [digit, text=/^[0-9]0s$/]:short | [digit, text=/^(1[5-9]|20)[0-9]0$/]:dec ("'s" | "’s") ) | 'the' ("'" | "’")? [lower=/^(twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)$/, lower_case]:word ]]),
  emit = function(m, doc)
    if m.short then return date_ann(m, "19" .. m.short.text:sub(1, 1)) end
    if m.word then return date_ann(m, "19" .. DECADE_WORD[m.word.text]) end
    return date_ann(m, m.dec.text:sub(1, 3))
  end,
}

-- ---- weekdays ------------------------------------------------------------

rule "date.weekday" {
  -- Tuesday, last Monday, next Friday, Wednesday night; not the Sunday
  -- Times, Bloody Sunday or the Mail on Sunday
  match = tokens([[ ( [text=/^(Bloody|Mail)$/]:prev 'on'? | [lower=/^(last|next|this|coming|past|previous|following)$/]:rel )? ]]
                 .. WEEKDAY .. [[:wd ([lower=/^(morning|afternoon|evening|night|overnight)$/]:part)? ([text=/^(Times|Telegraph|Mirror|Express|Post|Herald|Mail|Star|People|Sport|Tribune|Observer|Independent|School|Service|Services|Paper|Edition|Magazine|Football|Review|Today)$/]:next)? ]]),
  where = function(m, doc) return not_a_name(m) end,
  emit = emit_weekday,
}

rule "date.weekdays" {
  -- on Tuesdays: every Tuesday
  match = tokens(WEEKDAYS .. ":wd"),
  emit = function(m, doc)
    return { layer = "date", type = "SET",
             value = "XXXX-WXX-" .. D.weekday_number(m.wd.text) }
  end,
}

-- ---- holidays ------------------------------------------------------------

lexicon "dates_holidays" { file = "lexicons/dates_holidays.yaml", fold = false }

-- Easter Sunday of a year (Gregorian; the anonymous algorithm of Meeus).
local function easter(y)
  local a, b, c = y % 19, y // 100, y % 100
  local d, e = b // 4, b % 4
  local g = (8 * b + 13) // 25
  local h = (19 * a + b - d - g + 15) % 30
  local i, k = c // 4, c % 4
  local l = (32 + 2 * e + 2 * i - h - k) % 7
  local mm = (a + 11 * h + 19 * l) // 433
  local month = (h + l - 7 * mm + 90) // 25
  return { year = y, month = month, day = (h + l - 7 * mm + 33 * month + 19) % 32 }
end

-- The date of a holiday (lexicon attributes) in year y, or nil.
local function holiday_date(at, y)
  local off = tonumber(at.offset) or 0
  local d
  if at.rule == "fixed" then
    return { year = y, month = tonumber(at.month), day = tonumber(at.day) }
  elseif at.rule == "easter" then
    d = easter(y)
  elseif at.rule == "nth" or at.rule == "after" then
    local mo, wd, n = tonumber(at.month), tonumber(at.wd), tonumber(at.n)
    if n < 0 then
      d = D.weekday_near({ year = y, month = mo,
                           day = D.days_in_month(y, mo) }, wd, -1)
    else
      d = D.weekday_near({ year = y, month = mo, day = 1 }, wd, 1)
      d = D.add(d, 7 * (n - 1), "day")
    end
  end
  if d and off ~= 0 then d = D.add(d, off, "day") end
  return d
end

-- The year of a holiday against the anchor: dir -1 the last one on or
-- before it, +1 the next on or after, 0 the nearest.
local function holiday_year(a, at, dir)
  local best, bestd
  for y = a.year - 1, a.year + 1 do
    local d = holiday_date(at, y)
    local diff = d and D.diff(a, d)
    if diff then
      local dist = math.abs(diff)
      if dir * diff < 0 then dist = dist + 10000 end
      if not bestd or dist < bestd then best, bestd = y, dist end
    end
  end
  return best
end

local HOLIDAY_REL = { last = -1, past = -1, next = 1, coming = 1, this = 0 }

rule "date.holiday" {
  -- Christmas, Thanksgiving Day, last Easter, Labor Day 1998, Easter week
  match = lexicon "dates_holidays",
  emit = function(m, doc)
    local at, a = m.attrs or {}, anchor(doc)
    local t = { layer = "date", type = "DATE", start = m.start, stop = m.stop }
    local pv, nx = doc:token(m.first - 1), doc:token(m.last + 1)
    if nx and (nx.text == "Island" or nx.text == "Islands") then return nil end
    local rel = pv and HOLIDAY_REL[pv.lower]
    if rel then t.start = pv.start end
    local y
    local yt = nx
    if nx and nx.lower == "of" then yt = doc:token(m.last + 2) end
    if yt and (yt.text:match("^1[5-9]%d%d$") or yt.text:match("^20%d%d$")) then
      y, t.stop = tonumber(yt.text), yt.stop
    elseif a then
      local dir = rel
      if rel == 0 or not rel then dir = tense3(doc, m.first, m.last) end
      if rel and rel ~= 0 then
        -- "last Christmas" is never the one of today
        local d0 = holiday_date(at, a.year)
        local diff = d0 and D.diff(a, d0)
        y = holiday_year(a, at, rel)
        if diff == 0 then y = y + rel end
      else
        y = holiday_year(a, at, dir)
        local wk = nx and (nx.lower == "week" or nx.lower == "weekend")
        local yn = holiday_year(a, at, 0)
        local dn = wk and D.diff(a, holiday_date(at, yn))
        -- the week of a holiday that is days away is this week
        if dn and math.abs(dn) <= 7 then y = yn end
      end
    end
    local d = y and holiday_date(at, y)
    if not d then
      if at.rule ~= "fixed" then return nil end
      t.value = D.format({ month = tonumber(at.month), day = tonumber(at.day) })
      return t
    end
    local unit = nx and t.stop == m.stop and nx.lower
    if unit == "week" then
      t.value, t.stop = D.format(d, "week"), nx.stop
    elseif unit == "weekend" then
      t.value, t.stop = D.format(d, "week") .. "-WE", nx.stop
    else
      t.value = D.format(d)
    end
    return t
  end,
}

-- ---- relative expressions -----------------------------------------------

rule "date.relative_word" {
  -- today, yesterday, now, recently, soon, the future, the past
  -- (a capitalised word inside a sentence is a name: USA Today)
  match = tokens(NOT_NAME("today|yesterday|tomorrow|now|currently|nowadays|recently|lately", "w")
                 .. [[ | 'the' 'near'? [lower=/^(future|past|present)$/]:w | 'at' 'present':w ]]),
  emit = function(m, doc)
    local v = REL_WORD[m.w.text:lower()]
    if type(v) == "function" then v = v(anchor(doc)) end
    local t = date_ann(m, v)
    if m.w.text:lower() == "present" and m.text:lower():match("^at") then
      t.start = m.w.start
    end
    return t
  end,
}

rule "date.relative_word.quoted" {
  -- ``Today, I'm here to tell you...'': a quotation opens a sentence
  match = tokens [[ [quote] [lower=/^(today|yesterday|tomorrow|now)$/, title]:w ]],
  emit = function(m, doc)
    local v = REL_WORD[m.w.text:lower()]
    if type(v) == "function" then v = v(anchor(doc)) end
    local t = date_ann(m, v)
    t.start = m.w.start
    return t
  end,
}

rule "date.tonight" {
  -- tonight, last night, tomorrow morning, yesterday afternoon
  match = tokens [[ 'tonight':p | ([lower=/^(last|yesterday|tomorrow|this)$/]:day [lower=/^(morning|afternoon|evening|night)$/]:p) ]],
  emit = function(m, doc)
    local a, p = anchor(doc), m.p.text:lower()
    local day = m.day and m.day.text:lower() or "this"
    local n = (day == "yesterday" or day == "last") and -1
      or day == "tomorrow" and 1 or 0
    local base = a and D.shift(a, n, "day", "day") or "XXXX-XX-XX"
    return { layer = "date", type = "TIME", value = base .. "T" .. PART_CODE[p] }
  end,
}

-- The value of "this/last/next UNIT" against the anchor.
local function unit_rel_value(a, unit, n)
  local fallback = n < 0 and "PAST_REF" or n > 0 and "FUTURE_REF" or "PRESENT_REF"
  if unit == "weekend" then
    local w = shifted(a, n, "week", "week", nil)
    return w and (w .. "-WE") or fallback
  end
  return shifted(a, n, unit, unit, fallback)
end

rule "date.this_unit" {
  -- this year, last week, next month, this weekend, the current quarter
  match = tokens [[ 'the'? [lower=/^(this|last|next|past|previous|coming|current|following)$/]:rel 'fiscal'? [lower=/^(week|weekend|month|quarter|year|decade|century)$/]:unit ]],
  emit = function(m, doc)
    local n, unit = REL_N[m.rel.text:lower()], m.unit.text:lower()
    if m.text:lower():match("^the ") and n ~= 0 and unit ~= "weekend" then
      -- "the past year", "the next month": a stretch of time
      return { layer = "date", type = "DURATION",
               value = D.duration(1, unit) }
    end
    return date_ann(m, unit_rel_value(anchor(doc), unit, n))
  end,
}

rule "date.the_unit" {
  -- the weekend, the year, the fiscal year: the one around the document
  -- date ("the quarter" is date.quarter's: the last one reported); the
  -- year ended June 30 is a year's stretch
  match = tokens [[ 'the' ('fiscal' | 'full' | 'calendar')? [lower=/^(weekend|year|month)$/]:unit ]],
  emit = function(m, doc)
    local a, unit = anchor(doc), m.unit.text:lower()
    if unit == "weekend" then
      local n = (a and D.weekday(a) < 5) and -1 or 0
      return date_ann(m, unit_rel_value(a, unit, n))
    end
    -- "the year ended Sept. 30": a stretch of one unit; otherwise the
    -- unit the document is in ("a high for the year", "earlier in the
    -- year"), as TimeML reads it
    local nx = doc:token(m.last + 1)
    if not a or (nx and (nx.lower == "ended" or nx.lower == "ending"
                         or nx.lower == "through" or nx.lower == "to")) then
      return { layer = "date", type = "DURATION", value = D.duration(1, unit) }
    end
    return date_ann(m, unit_rel_value(a, unit, 0))
  end,
}

local SEASON_CUE = { ["in"] = true, into = true, over = true, during = true,
  through = true, throughout = true, since = true, ["until"] = true,
  by = true, before = true, after = true }

rule "date.season" {
  -- last summer, this fall, spring 2014, the summer of 2013
  match = tokens([[ ( [lower=/^(this|last|next|past|coming)$/]:rel | 'the'? ) ]]
                 .. SEASON .. [[:s ('of'? ]] .. YEAR .. [[:year)? ]]),
  where = function(m, doc)
    if m.rel or m.year then return true end
    -- "over the summer", "into the fall": a season of the story
    local pv = doc:token(m.first - 1)
    return m.text:lower():match("^the ") ~= nil and pv ~= nil
      and SEASON_CUE[pv.lower] ~= nil
  end,
  emit = function(m, doc)
    local code, a = SEASON_CODE[m.s.text:lower()], anchor(doc)
    if m.year then return date_ann(m, m.year.text .. "-" .. code) end
    if not a then return date_ann(m, "XXXX-" .. code) end
    if not m.rel then
      -- the last one begun, or the coming one when the clause says so
      local n = 0
      if tense3(doc, m.first, m.last) > 0
         and a.month >= SEASON_MONTH[code] + 3 then n = 1 end
      return date_ann(m, season_year(a, code, n) .. "-" .. code)
    end
    return date_ann(m, season_year(a, code, REL_N[m.rel.text:lower()])
                    .. "-" .. code)
  end,
}

local AGO_SIGN = { ago = -1, earlier = -1, before = -1, later = 1,
                   hence = 1, now = 1 }

rule "date.ago" {
  -- three weeks ago, a year earlier, years ago; two days later (a
  -- duration: its anchor is an event, not the document date)
  -- (without a number only a unit in -s: "years ago", not "year earlier")
  match = tokens("(" .. NUM .. ":n " .. UNIT .. ":unit | " .. PLURAL_UNIT
                 .. [[:unit) ('ago' | 'earlier' | 'later' | 'hence' | 'from' 'now'):dir ]]),
  emit = function(m, doc)
    local words = m.dir.text:lower()
    if words == "later" then
      -- "three days later" counts from an event of the story, not from
      -- the document date: TimeML marks the stretch, "three days"
      local v = D.duration(m.n and num(m.n.text) or "X", m.unit.text:lower())
      return v and { layer = "date", type = "DURATION", value = v,
                     start = m.start, stop = m.unit.stop }
    end
    local sign = AGO_SIGN[words:match("(%a+)$")]
    local unit, k = unit_of(m.unit.text)
    local n = m.n and num(m.n.text) or "X"
    local fallback = sign < 0 and "PAST_REF" or "FUTURE_REF"
    if n == "X" or not unit or math.type(n) ~= "integer" then
      return date_ann(m, fallback)
    end
    local gran = (unit == "hour" or unit == "minute" or unit == "second")
      and "day" or unit
    if gran == "day" then unit, n = "day", unit == "day" and n or 0 end
    return date_ann(m, shifted(anchor(doc), sign * n * k, unit, gran, fallback))
  end,
}

-- ---- durations ------------------------------------------------------------

local function duration_value(ntext, unitword)
  local unit, k = unit_of(unitword)
  if not unit then return nil end
  local n = 1
  if ntext then n = num(ntext) end
  if n == nil then return nil end
  if n ~= "X" then n = n * k end
  return D.duration(n, unit)
end

-- Words that may follow "a second" used as a unit of time.
local SECOND_OK = { later = true, earlier = true, ago = true, ["or"] = true,
  ["and"] = true, before = true, after = true, longer = true, more = true }

-- Words before "a year" that make it a rate ("$5 million a year").
local RATE_BEFORE = { million = true, billion = true, trillion = true,
  thousand = true, hundred = true, percent = true, ["%"] = true,
  cents = true, times = true, dollars = true }
local NOT_RATE = { was = true, has = true, is = true, this = true,
  its = true, his = true, as = true, us = true, yes = true, thus = true,
  less = true, unless = true, plus = true, news = true, always = true }

-- "a UNIT" after an amount or a counted noun is a rate: 358,000 a month,
-- 24 hours a day, 700 seats a week.
local function is_rate(doc, m)
  if not m.n.text:lower():match("^an?$") then return false end
  local pv = doc:token(m.first - 1)
  if not pv then return false end
  if pv.kind == "number" or RATE_BEFORE[pv.lower] then return true end
  return #pv.lower > 3 and pv.lower:match("^%l+s$") ~= nil
    and not NOT_RATE[pv.lower] and not pv.title
end

rule "date.duration" {
  -- three weeks, 24 hours, a decade, the next three weeks, the past five
  -- years, the first nine months
  match = tokens("(('the'? [lower=/^(past|last|next|coming|previous|first|final|following|recent|latest)$/]) | 'the')? "
                 .. NUM .. ":n " .. UNIT .. ":unit"),
  where = function(m, doc)
    local n = tonumber(m.n.text)
    if n and n >= 1900 and n <= 2099 and not m.unit.text:match("s$") then
      return false
    end
    local u, nx = m.unit.text, doc:token(m.last + 1)
    -- an age ("52 years old") places nothing in time; "60 Minutes" is a
    -- name; "a second group" is an ordinal
    if nx and (nx.lower == "old" or nx.lower == "older") then return false end
    if u:match("^%u") and not doc:token(m.unit.first).sent_start then
      return false
    end
    if u:lower() == "second" and m.n.text:lower():match("^an?$") and nx
       and nx.kind == "word" and not SECOND_OK[nx.lower] then
      return false
    end
    return true
  end,
  emit = function(m, doc)
    local v = duration_value(m.n.text, m.unit.text)
    if not v then return nil end
    if is_rate(doc, m) then
      -- "$500 million a year", "700 seats a week": a rate, so a set
      return { layer = "date", type = "SET", value = v }
    end
    return { layer = "date", type = "DURATION", value = v }
  end,
}

rule "date.duration.hyphen" {
  -- a two-year deal, a 24-hour strike, a 10-day trip
  match = tokens("[lower=/^([0-9]+|" .. NUMWORD .. ")-(second|minute|hour|day|week|month|year|decade|century)$/]:w"),
  emit = function(m, doc)
    local n, u = m.w.text:lower():match("^(.+)-(%a+)$")
    local v = duration_value(n, u)
    return v and { layer = "date", type = "DURATION", value = v }
  end,
}

rule "date.duration.vague" {
  -- for years, within weeks, in recent months, in coming weeks: an
  -- unknown number of units
  match = tokens [[ ([lower=/^(for|within|in|over)$/]:cue | [lower=/^(recent|coming)$/]:cue) [lower=/^(minutes|hours|days|weeks|months|quarters|years|decades|centuries)$/]:unit ]],
  emit = function(m, doc)
    local t = { layer = "date", type = "DURATION",
                value = D.duration("X", m.unit.text:lower()) }
    local cue = m.cue.text:lower()
    if cue ~= "recent" and cue ~= "coming" then t.start = m.unit.start end
    return t
  end,
}

rule "date.year_end" {
  -- year-end, by year end, the year's end: the end of the document's year
  -- (in January and February, with a past verb, the year before)
  match = tokens [[ [lower=/^year-end$/] | 'year' 'end' | 'the'? 'year' ("'s" | "’s") 'end' ]],
  emit = function(m, doc)
    local a = anchor(doc)
    if not a then return date_ann(m, "XXXX", { mod = "END" }) end
    local y = a.year
    if a.month <= 2 and tense3(doc, m.first, m.last) < 0 then y = y - 1 end
    return date_ann(m, tostring(y), { mod = "END" })
  end,
}

rule "date.year_relative" {
  -- year-earlier profit, the year-ago results: the year before
  match = tokens [[ [lower=/^(year-earlier|year-ago)$/]:w ]],
  emit = function(m, doc)
    return date_ann(m, shifted(anchor(doc), -1, "year", "year", "PAST_REF"))
  end,
}

rule "date.current" {
  -- current market conditions, the recent closing: the present, the past
  -- ("future" is too often a plain adjective to count)
  match = tokens [[ [lower=/^(current|recent)$/, lower_case]:w [kind=word, lower_case] ]],
  emit = function(m, doc)
    local t = date_ann(m, REL_WORD[m.w.text])
    t.stop = m.w.stop
    return t
  end,
}

-- ---- quarters -------------------------------------------------------------

local QUARTER_N = { first = 1, second = 2, third = 3, fourth = 4 }

local function quarter_value(a, which, year)
  local q = QUARTER_N[which]
  if not q then -- latest, last, previous: the quarter before the anchor's
    if not a then return "XXXX-QX" end
    local n = which == "current" and 0 or -1
    return D.shift(a, n, "quarter")
  end
  if not year and a then
    -- the latest such quarter: "the fourth quarter" in January is last year's
    year = a.year
    if q > (a.month + 2) // 3 then year = year - 1 end
  end
  return (year and tostring(year) or "XXXX") .. "-Q" .. q
end

local AGO_WORD = "[lower=/^(year-earlier|year-ago)$/]"
local SAME_WORD = "[lower=/^(comparable|corresponding|same|like)$/]"

rule "date.quarter" {
  -- the third quarter, the fourth quarter of 1998, third-quarter profit,
  -- the latest quarter; the year-ago quarter, the 1988 period, last
  -- year's quarter, the corresponding period last year
  match = tokens([[ ( 'the'? (]] .. YEAR .. [[:y1 | ]] .. AGO_WORD .. [[:ago)? [lower=/^(first|second|third|fourth|latest|last|previous|current|same)$/]:which 'fiscal'? 'quarter'
    | [lower=/^(first|second|third|fourth)-quarter$/]:tok
    | 'the' 'quarter':which ('a' 'year' ('ago' | 'earlier')):ago?
    | 'the'? ]] .. SAME_WORD .. [[? (]] .. AGO_WORD .. [[:ago | 'latest') ('period' | 'quarter'):which
    | 'the' ]] .. YEAR .. [[:y1 ('fiscal'? ('quarter' | 'period')):which
    | ('last' 'year' ("'s" | "’s")):ago 'quarter':which
    | 'the' ]] .. SAME_WORD .. [[ ('period' | 'quarter'):which ('last' 'year' | 'a' 'year' ('ago' | 'earlier')):ago
    ) ((',' | 'of') 'fiscal'? ]] .. YEAR .. [[:year)? ]]),
  emit = function(m, doc)
    local which = m.which and m.which.text:lower()
      or m.tok.text:lower():match("^(%a+)")
    local y = (m.year and tonumber(m.year.text)) or (m.y1 and tonumber(m.y1.text))
    local a = anchor(doc)
    if m.ago and a and QUARTER_N[which] then y = a.year - 1 end
    if which:match("quarter$") or which:match("period$") then
      -- "the quarter", "the 1988 quarter": the quarter last reported
      local v = quarter_value(a, "latest")
      if m.ago and a then y = tonumber(v:sub(1, 4)) - 1 end
      if y and v:match("^%d%d%d%d%-") then v = tostring(y) .. v:sub(5) end
      return date_ann(m, v)
    end
    return date_ann(m, quarter_value(anchor(doc), which, y))
  end,
}

-- ---- clock times ------------------------------------------------------------

rule "date.time" {
  -- 8:45PM ET, 8:45 p.m., 8 a.m. EST, 20:45 GMT, noon, midnight
  match = tokens([[ ( [digit, text=/^[0-9]{1,2}([:.][0-5][0-9])?$/]:clk [lower=/^(a\.m\.?|p\.m\.?|am|pm)$/]:ampm | [digit, text=/^[0-9]{1,2}([:.][0-5][0-9])?([aApP]\.?[mM]\.?)$/]:clk | [digit, text=/^([01]?[0-9]|2[0-3]):[0-5][0-9]$/]:clk | [lower=/^(noon|midnight|midday)$/]:clk ) (]]
                 .. TZ .. [[:tz)? ]]),
  emit = function(m, doc)
    local clock = m.clk.text .. (m.ampm and (" " .. m.ampm.text) or "")
    local v = D.time(anchor(doc) or {}, clock, m.tz and m.tz.text)
    return v and { layer = "date", type = "TIME", value = v }
  end,
}

-- ---- sets -------------------------------------------------------------------

local ADVERB_SET = { daily = "P1D", weekly = "P1W", monthly = "P1M",
  annually = "P1Y", yearly = "P1Y", hourly = "PT1H", nightly = "P1D",
  quarterly = "P1Q", biweekly = "P2W", biannually = "P6M" }

rule "date.set.adverb" {
  match = tokens(NOT_NAME("daily|weekly|monthly|yearly|hourly|nightly|biweekly", "w")),
  emit = function(m, doc)
    return { layer = "date", type = "SET", value = ADVERB_SET[m.w.text:lower()] }
  end,
}

rule "date.set.every" {
  -- every week, each year, every other month, every Tuesday, twice a week
  match = tokens("( [lower=/^(every|each|per)$/] 'other':other? | [lower=/^(once|twice|thrice)$/] [lower=/^(a|an|per|each|every)$/] | "
                 .. NUM .. " 'times' [lower=/^(a|an|per|each|every)$/] ) ( "
                 .. [[ [lower=/^(second|minute|hour|day|week|month|quarter|year|decade)$/]:unit | ]]
                 .. WEEKDAY .. [[:wd | [lower=/^(morning|afternoon|evening|night)$/]:part ) ]]),
  emit = function(m, doc)
    local v
    if m.wd then v = "XXXX-WXX-" .. D.weekday_number(m.wd.text)
    elseif m.part then v = "XXXX-XX-XXT" .. PART_CODE[m.part.text:lower()]
    else v = D.duration(m.other and 2 or 1, m.unit.text:lower()) end
    return { layer = "date", type = "SET", value = v }
  end,
}

-- ---- stage "dates.mods": words that modify a date ----------------------

stage "dates.mods"

-- The date annotation a capture stands for.
local function inner(doc, cap) return doc:annotation(cap.ann) end

local function wrap(m, doc, d, mod)
  local t = { layer = "date", type = d.type, value = d.value, mod = mod or d.mod }
  return t
end

local PART_MOD = { early = "START", mid = "MID", late = "END",
  beginning = "START", start = "START", middle = "MID", ["end"] = "END",
  close = "END", dawn = "START" }

rule "date.mod.part" {
  -- late November, early December, mid 2014, late Wednesday, earlier
  -- this month, later today
  match = tokens [[ [lower=/^(early|mid|late|earlier|later)$/]:w @date{type=/^(DATE|TIME)$/}:d ]],
  emit = function(m, doc)
    local d = inner(doc, m.d)
    if d.mod then return nil end
    return wrap(m, doc, d, PART_MOD[m.w.text:lower()])
  end,
}

rule "date.mod.end_of" {
  -- the end of the year, the beginning of next month, the middle of 2014
  match = tokens [[ 'the'? [lower=/^(end|beginning|start|middle|close)$/]:w 'of' @date{type=/^(DATE|DURATION)$/}:d ]],
  emit = function(m, doc)
    local d = inner(doc, m.d)
    if d.type == "DURATION" then
      -- "the end of the year": the year of the document, not a stretch
      local unit = d.rule == "date.the_unit" and D.unit(d.text:match("(%a+)$"))
      if not unit then return nil end
      d = { type = "DATE", value = unit_rel_value(anchor(doc), unit, 0) }
    end
    return wrap(m, doc, d, PART_MOD[m.w.text:lower()])
  end,
}

local APPROX_MOD = { about = "APPROX", around = "APPROX", approximately = "APPROX",
  roughly = "APPROX", some = "APPROX", circa = "APPROX", nearly = "LESS_THAN",
  almost = "LESS_THAN", ["more than"] = "MORE_THAN", ["less than"] = "LESS_THAN",
  ["fewer than"] = "LESS_THAN", ["at least"] = "EQUAL_OR_MORE",
  ["at most"] = "EQUAL_OR_LESS", ["up to"] = "EQUAL_OR_LESS",
  ["no more than"] = "EQUAL_OR_LESS" }

rule "date.mod.approx" {
  -- about three years, more than a decade, around Nov. 24
  match = tokens [[ ( [lower=/^(about|around|approximately|roughly|some|circa|nearly|almost)$/] | 'no'? [lower=/^(more|less|fewer)$/] 'than' | 'at' [lower=/^(least|most)$/] | 'up' 'to' ):w @date{type=/^(DURATION|DATE)$/}:d ]],
  emit = function(m, doc)
    local d = inner(doc, m.d)
    local mod = APPROX_MOD[m.w.text:lower():gsub("%s+", " ")]
    if d.type == "DATE" and mod ~= "APPROX" then return nil end
    return wrap(m, doc, d, mod)
  end,
}

rule "date.mod.time_on_day" {
  -- 8 p.m. Tuesday, 10:30 a.m. on Nov. 24: the clock time on that day
  match = tokens [[ @date{type=TIME}:t ','? 'on'? @date{type=DATE}:d ]],
  emit = function(m, doc)
    local t, d = inner(doc, m.t), inner(doc, m.d)
    local day = d.value:match("^(%d%d%d%d%-%d%d%-%d%d)$")
    local clock = t.value:match("T(.*)$")
    if not day or not clock or not t.value:match("^%d") then return nil end
    return { layer = "date", type = "TIME", value = day .. "T" .. clock }
  end,
}

-- ---- stage "dates.context": values that depend on the dates before -----

stage "dates.context"

-- Earnings reports compare a quarter with the same quarter a year before:
-- TimeML gives "a year ago", "a year earlier", "year-earlier" and "the
-- year-ago period" the granularity of the period they are compared with
-- ("third-quarter net rose from $5 million a year ago": 1988-Q3).  The
-- period in force is the last quarter named, within a few sentences,
-- until a half, nine months or a year is named.
local COMPARED = { ["a year ago"] = true, ["a year earlier"] = true,
  ["year-earlier"] = true, ["year-ago"] = true, ["the year-ago period"] = true,
  ["the year-earlier period"] = true, ["year-ago period"] = true,
  ["year-earlier period"] = true }
local CONTEXT_BYTES = 600
-- Words for the quarter being reported, whose number the text gave before.
local CURRENT_PERIOD = { ["the quarter"] = true, ["the latest quarter"] = true,
  ["the latest period"] = true, ["this quarter"] = true,
  ["the period"] = true, ["the most recent quarter"] = true }

local function quarter_of(v)
  local y, q = v:match("^(%d%d%d%d)%-Q(%d)$")
  return tonumber(y), tonumber(q)
end

-- Durations and dates that make the year, not a quarter, the period.
local function is_longer_period(d)
  if d.type == "DURATION" then
    return d.value == "P9M" or d.value == "P6M" or d.value == "P1Y"
      or d.value == "P2Q" or d.value == "P3Q"
  end
  return d.value and (d.value:match("^%d%d%d%d$") or d.value:match("%-H%d$"))
    and not COMPARED[d.text:lower()]
end

-- "the following year", "the previous day" after a date of the story: the
-- unit after that date, at the unit's granularity (TimeML anchors them to
-- the date before, not to the document date).
local FOLLOWING = { ["the following"] = 1, ["the previous"] = -1,
  ["the preceding"] = -1 }

-- What a story date must give for each unit, and how much of it to keep.
local GRANULAR = { year = { "^%d%d%d%d", 4 },
  month = { "^%d%d%d%d%-%d%d", 7 }, week = { "^%d%d%d%d%-%d%d%-%d%d", 10 },
  day = { "^%d%d%d%d%-%d%d%-%d%d", 10 } }

local function following_value(prev, n, unit)
  local g = GRANULAR[unit]
  if not prev or not g or not prev:match(g[1]) then return nil end
  local ok, v = pcall(D.shift, prev:sub(1, g[2]), n, unit, unit)
  return ok and v or nil
end

-- Only these dates are revised here: quarters and periods (date.quarter
-- makes both quarter values) and the dates compared with them, "the
-- following year" (FOLLOWING).  A document whose text has none of these
-- words is passed over without reading its dates (the text tests are
-- looser than the rule's, never stricter).
local CONTEXT_WORDS = { "quarter", "period", "following", "previous",
                        "preceding" }
local function has_context_words(doc)
  local text = doc.text:lower()
  for _, w in ipairs(CONTEXT_WORDS) do
    -- plain finds: a Lua pattern here cost more than the loop it saves
    if text:find(w, 1, true) then return true end
  end
  return false
end

rule "date.context.compared_quarter" {
  run = function(doc)
    if not anchor(doc) or not has_context_words(doc) then return nil end
    local qy, qn, qpos
    local prev -- the value of the last date of the story (not relative)
    for _, d in ipairs(doc:annotations("date")) do
      local text = d.text:lower():gsub("%s+", " ")
      local rel, unit = text:match("^(the %a+) (%a+)$")
      local fv = rel and FOLLOWING[rel] and d.type == "DURATION"
        and following_value(prev, FOLLOWING[rel], unit)
      if fv then
        doc:set(d.id, "type", "DATE")
        doc:set(d.id, "value", fv)
      elseif d.type == "DATE" and d.value and d.value:match("^%d%d%d%d")
             and (d.rule == "date.month_day" or d.rule == "date.day_month"
                  or d.rule == "date.month_year" or d.rule == "date.year"
                  or d.rule == "date.year_word" or d.rule == "date.numeric") then
        prev = d.value
      end
      if qy and d.start - qpos > CONTEXT_BYTES then qy = nil end
      local py = text:match("^the (%d%d%d%d) period$")
      if CURRENT_PERIOD[text] and qy then
        -- "the quarter" after "the fiscal first quarter": that quarter
        doc:set(d.id, "value", string.format("%04d-Q%d", qy, qn))
        qpos = d.stop
      elseif COMPARED[text] and qy then
        doc:set(d.id, "value", string.format("%04d-Q%d", qy - 1, qn))
        qpos = d.stop
      elseif py then
        -- "the 1988 period": that year's part compared, else the year
        doc:set(d.id, "value", qy and (py .. "-Q" .. qn) or py)
        if qy then qpos = d.stop end
      elseif d.type == "DATE" and quarter_of(d.value or "") and
             not COMPARED[text] then
        -- the quarter reported is the latest one named (an earlier one
        -- is compared with it); a quarter to come is none of them
        local y, q = quarter_of(d.value)
        local a = anchor(doc)
        if y * 4 + q < a.year * 4 + (a.month + 2) // 3 then
          if not qy or y * 4 + q >= qy * 4 + qn then qy, qn = y, q end
          qpos = d.stop
        end
      elseif is_longer_period(d) then
        qy = nil
      end
    end
    return nil
  end,
}

-- A document without a date gets underspecified values, and one warning.
rule "date.undated_warning" {
  run = function(doc)
    if anchor(doc) or doc:count("date") == 0 then return nil end
    doc:add_warning("dates: no document date (meta.published); relative "
                    .. "dates are left underspecified")
    return nil
  end,
}
