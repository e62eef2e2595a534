-- dates.lua -- the date rules of the news pack: TIMEX3 dates, times,
-- durations and sets (layer "date"), normalised against meta.published.
--
-- Two stages.  "dates" finds the plain expressions (Nov. 24, Tuesday,
-- three weeks ago, 8:45PM ET, every week); "dates.mods" wraps them in the
-- words that modify them (late November, the end of the year, about three
-- years), and the "longest" policy of layer date keeps the wrapper.  The
-- calendar arithmetic is assay.date (src/date.c); docs/dates.md.

local D = assay.date

-- ---- word classes, as token pattern fragments -------------------------

local MONTH = [[/^(Jan(uary|\.)?|Feb(ruary|\.)?|Mar(ch|\.)?|Apr(il|\.)?|May|Jun(e|\.)?|Jul(y|\.)?|Aug(ust|\.)?|Sep(t\.?|tember|\.)?|Oct(ober|\.)?|Nov(ember|\.)?|Dec(ember|\.)?|JAN(UARY)?|FEB(RUARY)?|MARCH|APRIL|JUNE|JULY|AUG(UST)?|SEPT(EMBER)?|OCT(OBER)?|NOV(EMBER)?|DEC(EMBER)?)$/]]
-- Months that are also common words: only with a day, a year or a cue.
local PLAIN_MONTH = [[/^(January|February|April|June|July|August|September|October|November|December|Jan\.|Feb\.|Apr\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)$/]]
local DAY = [[[kind=number, text=/^([1-9]|[12][0-9]|3[01])(st|nd|rd|th)?$/] ]]
local ORDINAL = [[[lower=/^(([1-9]|[12][0-9]|3[01])(st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|(twenty|thirty)(-(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth))?|thirtieth)$/] ]]
local YEAR = [[/^(1[5-9][0-9][0-9]|20[0-9][0-9])$/]]
local WEEKDAY = [[/^(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day$/]]
local WEEKDAYS = [[/^(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)days$/]]
local NUMWORD = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
  .. "twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|"
  .. "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|"
  .. "thousand|dozen|several|few|couple|half|many|dozens|hundreds"
local NUM = "(('a' | 'an')? [lower=/^(" .. NUMWORD .. ")(-(" .. NUMWORD
  .. "))?$/]{1,3} 'of'? | [kind=number, text=/^[0-9][0-9,]*(\\.[0-9]+)?$/] | 'a' | 'an')"
local UNIT = [[[lower=/^(second|minute|hour|day|week|fortnight|month|quarter|year|decade|century|centuries|millennium|millennia)s?$/] ]]
local CAL_UNIT = [[[lower=/^(day|week|month|quarter|year|decade|century)$/] ]]
local SEASON = [[[lower=/^(spring|summer|fall|autumn|winter)$/] ]]
local PART = [[[lower=/^(morning|afternoon|evening|night|overnight)$/] ]]
local TZ = [[/^(UTC|GMT|Z|WET|WEST|BST|CET|CEST|EET|EEST|MSK|IST|PKT|ICT|WIB|HKT|SGT|AWST|JST|KST|AEST|AEDT|NZST|NZDT|EST|EDT|CST|CDT|MST|MDT|PST|PDT|AKST|AKDT|HST|ET|CT|MT|PT)$/]]

-- A word of the list `words` ("a|b") that is not part of a name: lower
-- case, or capitalised at the start of a sentence ("Entertainment Weekly",
-- "USA Today" are names).
local function NOT_NAME(words, cap)
  return "([lower=/^(" .. words .. ")$/, !title, !upper]:" .. cap
    .. " | [lower=/^(" .. words .. ")$/, sent_start]:" .. cap .. ")"
end

-- ---- the document date and value helpers ------------------------------

-- The document date as a whole date, or nil.
local function anchor(doc)
  local s = doc.date
  if type(s) ~= "string" then return nil end
  local ok, d = pcall(D.parse, s)
  if ok and d and d.year and d.month and d.day then return d end
  return nil
end

-- The year of month/day against the anchor: with dir 0 the nearest (news
-- write "Nov. 28" for the last Nov. 28 and "Dec. 25" for the coming one),
-- with dir -1 the last one on or before the anchor, +1 the next on or after.
local function nearest_year(a, month, day, dir)
  dir = dir or 0
  local at = a.year * 372 + (a.month - 1) * 31 + a.day
  local best, bestd
  for y = a.year - 1, a.year + 1 do
    local t = y * 372 + (month - 1) * 31 + (day or (dir == 0 and 15 or
                                                    dir < 0 and 1 or 31))
    local dist = math.abs(t - at)
    if dir * (t - at) < 0 then dist = dist + 10000 end
    if not bestd or dist < bestd then best, bestd = y, dist end
  end
  return best
end

-- A two-digit year: 14 -> 2014, 98 -> 1998.
local function full_year(n)
  if n >= 100 then return n end
  return n < 50 and 2000 + n or 1900 + n
end

-- The TIMEX3 value of a (possibly partial) calendar date; nil if invalid.
local function day_value(a, year, month, day, dir)
  if not year and a then year = nearest_year(a, month, day, dir) end
  if day and day > D.days_in_month(year or 2000, month) then return nil end
  local ok, v = pcall(D.format, { year = year, month = month, day = day })
  return ok and v or nil
end

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
  for k, v in pairs(extra or {}) do t[k] = v end
  return t
end

-- ---- tokens around a match (tense, newspapers) ------------------------

-- doc:tokens() builds fresh tables; keep one array per document.
local token_cache = setmetatable({}, { __mode = "k" })
local function tokens_of(doc)
  local t = token_cache[doc]
  if not t then
    t = doc:tokens()
    token_cache[doc] = t
  end
  return t
end

local FUTURE = {
  will = true, ["'ll"] = true, ["’ll"] = true, shall = true, ["won't"] = true,
  ["won’t"] = true, scheduled = true, slated = true, planned = true,
  expected = true, due = true, set = true, plans = true, plan = true,
  tomorrow = true, upcoming = true, next = true, going = true, ["until"] = true,
}

local PAST = { was = true, were = true, had = true, did = true,
  ago = true, last = true, yesterday = true, earlier = true }

-- The tense of the words before token i in its sentence: 1 future, -1
-- past (was, were, a verb in -ed), 0 when nothing says.  "said" is the
-- reporter's tense, not the event's, and ends the search.
local function tense3(doc, i)
  local toks = tokens_of(doc)
  local s = toks[i] and toks[i].sentence
  for j = i - 1, math.max(1, i - 10), -1 do
    local t = toks[j]
    if t.sentence ~= s or t.lower == "said" or t.lower == "says" then break end
    if FUTURE[t.lower] then return 1 end
    if PAST[t.lower] or (t.lower:match("^%l+ed$") and #t.lower > 4) then
      return -1
    end
  end
  return 0
end

-- For weekdays: the coming one only when the sentence speaks of the future.
local function tense(doc, i) return tense3(doc, i) > 0 and 1 or -1 end

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

local function emit_weekday(m, doc)
  local wd = D.weekday_number(m.wd.text)
  local a, rel = anchor(doc), m.rel and m.rel.text:lower()
  local dir, strict = -1, false
  if rel == "this" then
    dir = tense(doc, m.wd.first) -- "this Friday": the coming one unless past
  elseif rel then
    dir, strict = WEEKDAY_DIR[rel], rel ~= "coming"
  else
    dir = tense(doc, m.wd.first)
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
  match = tokens [[ [shape=dddd-dd-dd]:d ]],
  emit = function(m, doc)
    local d = D.parse(m.d.text)
    return d and date_ann(m, D.format(d))
  end,
}

rule "date.numeric" {
  -- 12/17/2014, 12/17/14: US order, month first.
  match = tokens [[ [text=/^(0?[1-9]|1[0-2])\/(0?[1-9]|[12][0-9]|3[01])\/([0-9]{2}|[0-9]{4})$/]:d ]],
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
                                 day_num(m.day.text), tense3(doc, m.first)))
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
                                 tense3(doc, m.first)))
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
                                   tense3(doc, m.mon.first)))
  end,
}

rule "date.month.cued" {
  -- in May, since March: the cue word stays out of the extent
  match = tokens([[ [lower=/^(in|since|until|till|by|during|through|from|of|before|after|between|early|late|mid|throughout)$/] ]]
                 .. [[("May" | "March" | "Mar." | "MAY"):mon ]]),
  emit = function(m, doc)
    local t = date_ann(m, month_value(anchor(doc), D.month(m.mon.text), nil,
                                      tense3(doc, m.mon.first)))
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
  match = tokens([[ [lower=/^(in|since|by|until|till|of|from|to|through|during|before|after|between|and|or|the|for|around|about|circa|throughout|early|late|beginning|end|year|spring|summer|fall|autumn|winter|than|on|at|mid|fiscal|its|his|her|their|our|your|both|'s|’s|a|an)$/]:ctx ]]
                 .. YEAR .. [[:y ([lower_case, kind=word]:next)?]]),
  where = function(m, doc) return not is_count_noun(m.next and m.next.text) end,
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

rule "date.year_possessive" {
  -- 2013's
  match = tokens(YEAR .. [[:y ("'s" | "’s")]]),
  emit = function(m, doc)
    local t = date_ann(m, m.y.text)
    t.start, t.stop = m.y.start, m.y.stop
    return t
  end,
}

rule "date.decade" {
  -- the 1990s, the '90s, the 1990's
  match = tokens([[ 'the'? ( [text=/^(1[5-9]|20)[0-9]0s$/]:dec | ("'" | "’") [text=/^[0-9]0s$/]:short | [text=/^(1[5-9]|20)[0-9]0$/]:dec ("'s" | "’s") ) ]]),
  emit = function(m, doc)
    if m.short then return date_ann(m, "19" .. m.short.text:sub(1, 1)) end
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
  -- date ("the quarter" is date.quarter's: the last one reported)
  match = tokens [[ 'the' 'fiscal'? [lower=/^(weekend|year|month)$/]:unit ]],
  emit = function(m, doc)
    local a, unit = anchor(doc), m.unit.text:lower()
    if unit == "weekend" then
      local n = (a and D.weekday(a) < 5) and -1 or 0
      return date_ann(m, unit_rel_value(a, unit, n))
    end
    -- "for the year", "results for the month": a stretch of one unit
    return { layer = "date", type = "DURATION", value = D.duration(1, unit) }
  end,
}

rule "date.season" {
  -- last summer, this fall, spring 2014, the summer of 2013
  match = tokens([[ ( [lower=/^(this|last|next|past|coming)$/]:rel | 'the'? ) ]]
                 .. SEASON .. [[:s ('of'? ]] .. YEAR .. [[:year)? ]]),
  where = function(m, doc) return m.rel ~= nil or m.year ~= nil end,
  emit = function(m, doc)
    local code, a = SEASON_CODE[m.s.text:lower()], anchor(doc)
    if m.year then return date_ann(m, m.year.text .. "-" .. code) end
    if not a then return date_ann(m, "XXXX-" .. code) end
    return date_ann(m, season_year(a, code, REL_N[m.rel.text:lower()])
                    .. "-" .. code)
  end,
}

local AGO_SIGN = { ago = -1, earlier = -1, before = -1, later = 1,
                   hence = 1, now = 1 }

rule "date.ago" {
  -- three weeks ago, a year earlier, two days later, years ago
  match = tokens("(" .. NUM .. ":n)? " .. UNIT
                 .. [[:unit ('ago' | 'earlier' | 'later' | 'hence' | 'from' 'now'):dir ]]),
  where = function(m, doc)
    return m.n ~= nil or m.unit.text:lower():match("s$") ~= nil
  end,
  emit = function(m, doc)
    local words = m.dir.text:lower()
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

rule "date.duration" {
  -- three weeks, 24 hours, a decade, the next three weeks, the past five
  -- years, the first nine months
  match = tokens("(('the'? [lower=/^(past|last|next|coming|previous|first|final|following|recent|latest)$/]) | 'the')? "
                 .. NUM .. ":n " .. UNIT .. ":unit"),
  where = function(m, doc)
    local n = tonumber(m.n.text)
    return not (n and n >= 1900 and n <= 2099 and not m.unit.text:match("s$"))
  end,
  emit = function(m, doc)
    local v = duration_value(m.n.text, m.unit.text)
    return v and { layer = "date", type = "DURATION", value = v }
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
  -- for years, within weeks, in recent months: an unknown number of units
  match = tokens [[ ([lower=/^(for|within|in|over)$/]:cue | 'recent':cue) [lower=/^(minutes|hours|days|weeks|months|years|decades|centuries)$/]:unit ]],
  emit = function(m, doc)
    local t = { layer = "date", type = "DURATION",
                value = D.duration("X", m.unit.text:lower()) }
    if m.cue.text:lower() ~= "recent" then t.start = m.unit.start end
    return t
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

rule "date.quarter" {
  -- the third quarter, the fourth quarter of 1998, third-quarter profit,
  -- the latest quarter
  match = tokens([[ ( 'the'? (]] .. YEAR .. [[:y1 | [lower=/^(year-earlier|year-ago)$/]:ago)? [lower=/^(first|second|third|fourth|latest|last|previous|current|same)$/]:which 'fiscal'? 'quarter' | [lower=/^(first|second|third|fourth)-quarter$/]:tok | 'the' 'quarter':which | 'the' ([lower=/^(year-earlier|year-ago)$/]:ago | 'latest') 'period':which | 'the' ]] .. YEAR .. [[:y1 ('fiscal'? 'quarter'):which ) ((',' | 'of') 'fiscal'? ]] .. YEAR .. [[:year)? ]]),
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
  match = tokens([[ ( [text=/^[0-9]{1,2}([:.][0-5][0-9])?$/]:clk [lower=/^(a\.m\.?|p\.m\.?|am|pm)$/]:ampm | [text=/^[0-9]{1,2}([:.][0-5][0-9])?([aApP]\.?[mM]\.?)$/]:clk | [text=/^([01]?[0-9]|2[0-3]):[0-5][0-9]$/]:clk | [lower=/^(noon|midnight|midday)$/]:clk ) (]]
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

-- A document without a date gets underspecified values, and one warning.
rule "date.undated_warning" {
  run = function(doc)
    if anchor(doc) or #doc:annotations("date") == 0 then return nil end
    doc:add_warning("dates: no document date (meta.published); relative "
                    .. "dates are left underspecified")
    return nil
  end,
}
