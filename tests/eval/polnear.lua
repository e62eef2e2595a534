-- polnear.lua -- scores the news pack's claims on the PolNeAR dev set
-- (../shared/eval/polnear/dev: brat .ann files, character offsets):
-- precision, recall and F1 for cues and sources, by overlap and exact.
-- Run from the repository root:
--   assay run tests/eval/polnear.lua [PACK] [--errors] [--hits] [--train]
-- --errors lists the misses (MISS), false hits (FALSE, with the rule that
-- found them) and wrong sources (SOURCE) with their text; --hits lists the cues found right (HIT);
-- --train scores the train split instead.
-- With --errors, a miss is tagged by how far the rules got: MISS/cand (a
-- candidate claim was found, then dropped), MISS/cue (the cue word was
-- found, no pattern took it), MISS (the cue word is not known).

local assay = require "assay"

local ROOT = "../shared/eval/polnear"
local PACK, ERRORS, HITS, SPLIT = "rules/news.lua", false, false, "dev"
for _, a in ipairs(arg or {}) do
  if a == "--errors" then ERRORS = true
  elseif a == "--hits" then HITS = true
  elseif a == "--train" then SPLIT = "train"
  else PACK = a end
end
local DEV = ROOT .. "/" .. SPLIT

local probe = io.open(DEV .. "/text", "r")
if not probe then
  print("polnear: " .. DEV .. " is absent; nothing to score (skipped)")
  os.exit(0)
end
probe:close()

-- The files of a folder, sorted (the sandbox-free `assay run` has io.popen).
local function list(dir, suffix)
  local out = {}
  local p = io.popen('ls -1 "' .. dir .. '" 2>/dev/null')
  if not p then return out end
  for name in p:lines() do
    if name:sub(-#suffix) == suffix then out[#out + 1] = name end
  end
  p:close()
  table.sort(out)
  return out
end

-- Publisher per file, from metadata.tsv (the article's own voice).
local function publishers()
  local pub = {}
  local f = io.open(ROOT .. "/metadata.tsv")
  if not f then return pub end
  local header = true
  for line in f:lines() do
    if not header then
      local cols = {}
      for c in (line .. "\t"):gmatch("([^\t]*)\t") do cols[#cols + 1] = c end
      if cols[2] then pub[cols[2]] = cols[5] end
    end
    header = false
  end
  f:close()
  return pub
end

-- Parses a brat file: attributions with cue, source, content span lists
-- ({{start, stop}, ...} in code points).
local function parse_ann(path)
  local spans, atts = {}, {}
  for line in io.lines(path) do
    local id, label, ranges = line:match("^(T%d+)\t(%S+) ([%d ;]+)\t")
    if id then
      local list = {}
      for a, b in ranges:gmatch("(%d+) (%d+)") do list[#list + 1] = { tonumber(a), tonumber(b) } end
      spans[id] = { label = label, ranges = list }
    elseif line:match("^E%d+\t") then
      local a = { cue = {}, source = {}, content = {} }
      for role, tid in line:gmatch("(%a+):(T%d+)") do
        local key = role:lower()
        if a[key] then a[key][#a[key] + 1] = tid end
      end
      atts[#atts + 1] = a
    end
  end
  local out = {}
  for _, a in ipairs(atts) do
    local g = {}
    for key, ids in pairs(a) do
      g[key] = {}
      for _, tid in ipairs(ids) do
        for _, r in ipairs(spans[tid] and spans[tid].ranges or {}) do g[key][#g[key] + 1] = r end
      end
    end
    if #g.cue > 0 then out[#out + 1] = g end
  end
  return out
end

local function overlaps(xs, ys)
  for _, x in ipairs(xs) do
    for _, y in ipairs(ys) do
      if x[1] < y[2] and y[1] < x[2] then return true end
    end
  end
  return false
end

-- Exact: the same extent, from the first start to the last stop.
local function exact(xs, ys)
  if #xs == 0 or #ys == 0 then return false end
  local function ext(zs)
    local lo, hi = math.huge, -1
    for _, z in ipairs(zs) do lo = math.min(lo, z[1]); hi = math.max(hi, z[2]) end
    return lo, hi
  end
  local a, b = ext(xs)
  local c, d = ext(ys)
  return a == c and b == d
end

-- The text of a list of code point ranges, for --errors.
local function show(text, rs)
  local parts = {}
  for _, r in ipairs(rs) do
    local a = utf8.offset(text, r[1] + 1) or 1
    local b = (utf8.offset(text, r[2] + 1) or #text + 1) - 1
    parts[#parts + 1] = text:sub(a, b)
  end
  return (table.concat(parts, " .. "):gsub("%s+", " "))
end

-- The line of text around code point offset `pos`, cut to 160 bytes.
local function around(text, pos)
  local p = utf8.offset(text, pos + 1) or 1
  local a, b = p, p
  while a > 1 and text:sub(a - 1, a - 1) ~= "\n" and p - a < 100 do a = a - 1 end
  while b < #text and text:sub(b + 1, b + 1) ~= "\n" and b - p < 100 do b = b + 1 end
  return (text:sub(a, b):gsub("%s+", " "))
end

local rules = assay.rules(PACK)
local pub = publishers()
local texts = list(DEV .. "/text", ".txt")
local anns = list(DEV .. "/attributions", ".ann")

-- counters: predicted, gold, matched (overlap and exact) for cue and source
local n = { pred = 0, gold = 0, cue_p = 0, cue_r = 0, cue_xp = 0, cue_xr = 0,
            src_pred = 0, src_gold = 0, src_ok = 0, src_x = 0, docs = 0 }

for _, name in ipairs(texts) do
  local stem = name:sub(1, -5)
  local ann
  for _, a in ipairs(anns) do
    if a:sub(1, #stem + 1) == stem .. "_" then ann = a; break end   -- first by name
  end
  if ann then
    n.docs = n.docs + 1
    local gold = parse_ann(DEV .. "/attributions/" .. ann)
    local f = assert(io.open(DEV .. "/text/" .. name, "rb"))
    local text = f:read("a")
    f:close()
    local doc = assay.document(text, { outlet = pub[stem] or "the article" }, name)
    local ok, err = rules:scan(doc)
    if not ok then io.stderr:write(name, ": ", tostring(err), "\n") end
    local pred = {}
    for _, c in ipairs(doc:annotations("claim")) do
      local function cp(s)
        if type(s) ~= "table" or not s.start then return {} end
        return { { doc:char_offset(s.start), doc:char_offset(s.stop) } }
      end
      pred[#pred + 1] = { cue = cp(c.cue), source = cp(c.source), at = c.cue and c.cue.start }
    end
    n.pred, n.gold = n.pred + #pred, n.gold + #gold
    local used = {}
    for _, p in ipairs(pred) do
      if #p.source > 0 then n.src_pred = n.src_pred + 1 end
      local hit = false
      for gi, g in ipairs(gold) do
        if not used[gi] and overlaps(p.cue, g.cue) then
          used[gi], hit = true, true
          n.cue_p = n.cue_p + 1
          if exact(p.cue, g.cue) then n.cue_xp = n.cue_xp + 1 end
          if HITS then print(string.format("HIT %s: cue [%s]", stem, show(text, p.cue))) end
          if #p.source > 0 and overlaps(p.source, g.source) then n.src_ok = n.src_ok + 1
          elseif ERRORS then
            print(string.format("SOURCE %s: cue [%s] source [%s] gold [%s] | %s", stem,
              show(text, p.cue), show(text, p.source), show(text, g.source),
              around(text, p.cue[1][1])))
          end
          if exact(p.source, g.source) then n.src_x = n.src_x + 1 end
          break
        end
      end
      if ERRORS and not hit and #p.cue > 0 then
        -- the rule that found it, from the hidden working layer
        local rule = "?"
        for _, v in ipairs(doc:annotations("claimv")) do
          if type(v.cue) == "table" and v.cue.start == p.at then rule = v.pattern or "?" end
        end
        print(string.format("FALSE %s: cue [%s] source [%s] (%s) | %s", stem, show(text, p.cue),
          show(text, p.source), rule, around(text, p.cue[1][1])))
      end
    end
    if ERRORS then
      local function any(layer)
        local out = {}
        for _, x in ipairs(doc:annotations(layer)) do
          local s = layer == "claimx" and x.cue or x
          if type(s) == "table" and s.start then
            out[#out + 1] = { doc:char_offset(s.start), doc:char_offset(s.stop) }
          end
        end
        return out
      end
      local cands, cues = any("claimx"), any("cue")
      for gi, g in ipairs(gold) do
        if not used[gi] then
          local tag = overlaps(g.cue, cands) and "MISS/cand" or overlaps(g.cue, cues) and "MISS/cue" or "MISS"
          print(string.format("%s %s: cue [%s] source [%s] | %s", tag, stem, show(text, g.cue),
            show(text, g.source), around(text, g.cue[1][1])))
        end
      end
    end
    for _, g in ipairs(gold) do
      if #g.source > 0 then n.src_gold = n.src_gold + 1 end
    end
  end
end

local function prf(label, hit_p, all_p, hit_r, all_r)
  local p = all_p > 0 and 100 * hit_p / all_p or 0
  local r = all_r > 0 and 100 * hit_r / all_r or 0
  local f = (p + r) > 0 and 2 * p * r / (p + r) or 0
  print(string.format("%-22s P %5.1f  R %5.1f  F1 %5.1f", label, p, r, f))
end

print(string.format("PolNeAR %s: %d documents, %d gold attributions, %d predicted claims",
  SPLIT, n.docs, n.gold, n.pred))
prf("cue (overlap)", n.cue_p, n.pred, n.cue_p, n.gold)
prf("cue (exact)", n.cue_xp, n.pred, n.cue_xp, n.gold)
prf("source (overlap)", n.src_ok, n.src_pred, n.src_ok, n.src_gold)
prf("source (exact)", n.src_x, n.src_pred, n.src_x, n.src_gold)
