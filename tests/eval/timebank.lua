-- timebank.lua -- scores the date rules of the news pack on TimeBank and
-- AQUAINT (TempEval-3 training data in ../shared/eval/timebank/).
--
--   assay run tests/eval/timebank.lua [--rules PACK.lua] [--errors]
--                                     [--context] [--by-rule] [DIR]
--
-- Prints the TempEval-3 measures per set and for both: extent precision,
-- recall and F1 (strict: the same span; relaxed: overlapping spans), value
-- and type accuracy over the relaxed matches, and value F1 (value accuracy
-- x relaxed F1).  --errors also lists every miss, false alarm and wrong
-- value (with the rule that made it), --context the text around each;
-- --by-rule counts, per rule, its annotations, those that match a gold
-- one, those with the gold value, and false alarms.  Exits 0 with a
-- message when the data is absent.

local opts = { rules = "rules/news.lua", dir = "../shared/eval/timebank" }
do
  local i = 1
  while arg[i] do
    if arg[i] == "--rules" then opts.rules, i = arg[i + 1], i + 1
    elseif arg[i] == "--errors" then opts.errors = true
    elseif arg[i] == "--context" then opts.errors, opts.context = true, true
    elseif arg[i] == "--by-rule" then opts.by_rule = true
    else opts.dir = arg[i] end
    i = i + 1
  end
end

local SETS = { "TimeBank", "AQUAINT" }

local function readable(path)
  local f = io.open(path, "rb")
  if f then f:close() end
  return f ~= nil
end

local function slurp(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

-- ---- a small JSON reader: gold.jsonl holds flat objects -----------------

local ESC = { ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f",
              n = "\n", r = "\r", t = "\t" }

-- The JSON string starting at s[i] (the opening quote); value, next index.
local function json_string(s, i)
  local out, j = {}, i + 1
  while true do
    local c = s:sub(j, j)
    if c == '"' then return table.concat(out), j + 1 end
    if c == "" then error("unterminated string") end
    if c == "\\" then
      local e = s:sub(j + 1, j + 1)
      if e == "u" then
        out[#out + 1] = utf8.char(tonumber(s:sub(j + 2, j + 5), 16))
        j = j + 6
      else
        out[#out + 1] = ESC[e] or e
        j = j + 2
      end
    else
      out[#out + 1] = c
      j = j + 1
    end
  end
end

-- One flat JSON object: strings, numbers, booleans, null.
local function json_object(line)
  local obj, i = {}, line:find("{") + 1
  while true do
    i = line:find("[^%s,]", i)
    if not i or line:sub(i, i) == "}" then return obj end
    local key
    key, i = json_string(line, i)
    i = line:find("[^%s:]", i)
    local c = line:sub(i, i)
    if c == '"' then
      obj[key], i = json_string(line, i)
    else
      local lit = line:match("^[^,}%s]+", i)
      if lit == "true" then obj[key] = true
      elseif lit == "false" then obj[key] = false
      elseif lit ~= "null" then obj[key] = tonumber(lit) end
      i = i + #lit
    end
  end
end

-- ---- reading a set ------------------------------------------------------

-- The documents of a set (from dct.tsv) and their gold TIMEX3s.
local function read_set(dir)
  local docs, gold = {}, {}
  local first = true
  for line in io.lines(dir .. "/dct.tsv") do
    if first then first = false
    elseif line ~= "" then
      local id, dct = line:match("^([^\t]+)\t([^\t]*)")
      docs[#docs + 1] = { id = id, dct = dct }
      gold[id] = {}
    end
  end
  for line in io.lines(dir .. "/gold.jsonl") do
    if line:find("%S") then
      local g = json_object(line)
      gold[g.doc] = gold[g.doc] or {}
      table.insert(gold[g.doc], g)
    end
  end
  return docs, gold
end

-- ---- matching system to gold --------------------------------------------

local function overlaps(a, b) return a.s < b.e and b.s < a.e end

-- Pairs gold and system TIMEX3s one to one: exact spans first, then the
-- largest overlap.  Returns the pairs and the number of exact ones.
local function align(gold, sys)
  local pairs_, used_g, used_s, strict = {}, {}, {}, 0
  for gi, g in ipairs(gold) do
    for si, s in ipairs(sys) do
      if not used_s[si] and s.s == g.s and s.e == g.e then
        pairs_[#pairs_ + 1] = { g = g, s = s }
        used_g[gi], used_s[si], strict = true, true, strict + 1
        break
      end
    end
  end
  for gi, g in ipairs(gold) do
    if not used_g[gi] then
      local best, bestn
      for si, s in ipairs(sys) do
        if not used_s[si] and overlaps(g, s) then
          local n = math.min(g.e, s.e) - math.max(g.s, s.s)
          if not bestn or n > bestn then best, bestn = si, n end
        end
      end
      if best then
        pairs_[#pairs_ + 1] = { g = g, s = sys[best] }
        used_g[gi], used_s[best] = true, true
      end
    end
  end
  return pairs_, strict, used_g, used_s
end

local function new_counts()
  return { gold = 0, sys = 0, strict = 0, relaxed = 0, value = 0, type = 0 }
end

local function add_counts(a, b)
  for k, v in pairs(b) do a[k] = a[k] + v end
end

-- One line per error; with --context also the words around it.
local function show_error(kind, id, x, text)
  local span = '"' .. text:sub(x.s + 1, x.e):gsub("%s+", " ") .. '"'
  print(string.format("%-6s %-24s %-34s %-9s %s%s%s", kind, id, span,
                      x.type or "", x.value or "",
                      x.mod and x.mod ~= "" and (" " .. x.mod) or "",
                      x.rule and ("  [" .. x.rule .. "]") or ""))
  if opts.context and kind ~= "  gold" then
    local before = text:sub(math.max(1, x.s - 119), x.s):gsub("%s+", " ")
    local after = text:sub(x.e + 1, x.e + 60):gsub("%s+", " ")
    print("       ... " .. before .. "[[" .. text:sub(x.s + 1, x.e) .. "]]"
          .. after .. " ...")
  end
end

-- Per rule: {sys, matched, value} (--by-rule).
local by_rule = {}

-- Scores one document; returns its counts.
local function score_doc(rules, dir, d, gold)
  local text = slurp(dir .. "/text/" .. d.id .. ".txt")
  local doc = assay.document(text, { published = d.dct }, d.id)
  local ok, err = rules:scan(doc)
  if not ok then
    io.stderr:write("timebank: ", d.id, ": ", tostring(err), "\n")
  end
  local sys = {}
  for _, a in ipairs(doc:annotations("date")) do
    sys[#sys + 1] = { s = a.start, e = a.stop, value = a.value, type = a.type,
                      mod = a.mod, rule = a.rule }
  end
  local gs = {}
  for _, g in ipairs(gold) do
    gs[#gs + 1] = { s = g.bstart, e = g.bend, value = g.value, type = g.type,
                    mod = g.mod }
  end
  local pairs_, strict, used_g, used_s = align(gs, sys)
  local c = new_counts()
  c.gold, c.sys, c.strict, c.relaxed = #gs, #sys, strict, #pairs_
  if opts.by_rule then
    for si, s in ipairs(sys) do
      local r = by_rule[s.rule or "?"] or { sys = 0, matched = 0, value = 0 }
      by_rule[s.rule or "?"] = r
      r.sys = r.sys + 1
      if used_s[si] then r.matched = r.matched + 1 end
    end
  end
  for _, p in ipairs(pairs_) do
    if opts.by_rule and p.g.value == p.s.value then
      local r = by_rule[p.s.rule or "?"]
      r.value = r.value + 1
    end
    if p.g.value == p.s.value then c.value = c.value + 1
    elseif opts.errors then
      show_error("VALUE", d.id, p.s, text)
      show_error("  gold", "", p.g, text)
    end
    if p.g.type == p.s.type then c.type = c.type + 1 end
  end
  if opts.errors then
    for gi, g in ipairs(gs) do
      if not used_g[gi] then show_error("MISS", d.id, g, text) end
    end
    for si, s in ipairs(sys) do
      if not used_s[si] then show_error("FALSE", d.id, s, text) end
    end
  end
  return c
end

-- ---- figures -----------------------------------------------------------

local function f1(p, r) return (p + r > 0) and 2 * p * r / (p + r) or 0 end
local function ratio(a, b) return b > 0 and a / b or 0 end

local function report(name, c)
  local sp, sr = ratio(c.strict, c.sys), ratio(c.strict, c.gold)
  local rp, rr = ratio(c.relaxed, c.sys), ratio(c.relaxed, c.gold)
  local rf = f1(rp, rr)
  local vacc, tacc = ratio(c.value, c.relaxed), ratio(c.type, c.relaxed)
  print(string.format(
    "%-9s gold %4d sys %4d | strict P %5.1f R %5.1f F1 %5.1f | relaxed "
      .. "P %5.1f R %5.1f F1 %5.1f | value acc %5.1f type acc %5.1f | value F1 %5.1f",
    name, c.gold, c.sys, 100 * sp, 100 * sr, 100 * f1(sp, sr), 100 * rp,
    100 * rr, 100 * rf, 100 * vacc, 100 * tacc, 100 * vacc * rf))
end

local function main()
  if not readable(opts.dir .. "/TimeBank/dct.tsv") then
    print("timebank: " .. opts.dir .. " is absent; nothing to score (skipped)")
    return 0
  end
  local rules = assay.rules(opts.rules)
  local total = new_counts()
  local lines = {}
  for _, set in ipairs(SETS) do
    local dir = opts.dir .. "/" .. set
    local docs, gold = read_set(dir)
    local c = new_counts()
    for _, d in ipairs(docs) do add_counts(c, score_doc(rules, dir, d, gold[d.id])) end
    add_counts(total, c)
    lines[#lines + 1] = { set, c }
  end
  print("TempEval-3 measures of " .. opts.rules .. " (layer date):")
  for _, l in ipairs(lines) do report(l[1], l[2]) end
  report("all", total)
  if opts.by_rule then
    local names = {}
    for k in pairs(by_rule) do names[#names + 1] = k end
    table.sort(names, function(x, y) return by_rule[x].sys > by_rule[y].sys end)
    print(string.format("%-32s %6s %8s %6s %6s", "rule", "sys", "matched",
                        "value", "false"))
    for _, k in ipairs(names) do
      local r = by_rule[k]
      print(string.format("%-32s %6d %8d %6d %6d", k, r.sys, r.matched,
                          r.value, r.sys - r.matched))
    end
  end
  return 0
end

os.exit(main())
