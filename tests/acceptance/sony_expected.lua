-- test_sony_expected.lua -- the acceptance test of the default news pack:
-- what a careful reader finds in the five Sony articles
-- (tests/data/sony_expected.yaml, a copy of ../shared/corpus/sony/expected.yaml),
-- checked with the matching semantics written in that file's header.
-- Prints every missing item and every claim that is page furniture, then
-- "N passed, N failed".  Run: assay run tests/acceptance/sony_expected.lua

local assay = require "assay"

local EXPECTED = arg and arg[1] or "tests/data/sony_expected.yaml"
local CORPUS = arg and arg[2] or "examples/sony"
local PACK = arg and arg[3] or "rules/news.lua"

local expected = assay.yaml_load(EXPECTED)
local rules = assay.rules(PACK)

local passed, failed = 0, 0
local function ok(cond, what)
  if cond then passed = passed + 1 else failed = failed + 1; print("MISSING " .. what) end
end

-- "A leading the / The is ignored when texts are compared."
local function strip_the(s)
  return (s or ""):gsub("^[Tt]he%s+", "")
end

local function one_of(value, want)
  if type(want) ~= "table" then want = { want } end
  for _, w in ipairs(want) do
    if value == w then return true end
  end
  return false
end

local function lower(s) return (s or ""):lower() end

local function span_text(v)
  if type(v) == "table" then return v.text or "" end
  return v or ""
end

local docs = {}
for doc in assay.read(CORPUS) do
  local ok_scan, err = rules:scan(doc)
  assert(ok_scan, err)
  local name = doc.id:match("[^/]+$")
  docs[name] = { doc = doc, by_layer = {} }
  for _, a in ipairs(doc:annotations()) do
    local l = docs[name].by_layer
    l[a.layer] = l[a.layer] or {}
    table.insert(l[a.layer], a)
  end
end

local function actor_ok(a, e)
  if strip_the(a.text) ~= strip_the(e.text) then return false end
  if not one_of(a.kind, e.kind) then return false end
  if e.norm then
    local want = lower(e.norm)
    local norm, canon = lower(a.norm), lower(a.canonical)
    if not (norm == want or canon == want or norm:find(want, 1, true)
            or canon:find(want, 1, true)) then
      return false
    end
  end
  return true
end

local function date_ok(a, e)
  if strip_the(a.text) ~= strip_the(e.text) then return false end
  if not one_of(a.value, e.value) then return false end
  if e.mod and a.mod ~= e.mod then return false end
  return true
end

local function cue_ok(have, want)
  have = lower(have)
  local list = type(want) == "table" and want or { want }
  for _, w in ipairs(list) do
    w = lower(w)
    if have == w or have:find(w, 1, true) or (have ~= "" and w:find(have, 1, true)) then
      return true
    end
  end
  return false
end

local function claim_ok(a, e)
  if not span_text(a.source):find(e.source, 1, true) then return false end
  if e.via and not span_text(a.via):find(e.via, 1, true) then return false end
  if not cue_ok(span_text(a.cue), e.cue) then return false end
  if not one_of(a.stance, e.stance) then return false end
  if not span_text(a.content):find(e.content, 1, true) then return false end
  return true
end

local function find(list, pred, e)
  for _, a in ipairs(list or {}) do
    if pred(a, e) then return a end
  end
end

local function show(e)
  local keys = {}
  for k in pairs(e) do keys[#keys + 1] = k end
  table.sort(keys)
  local parts = {}
  for _, k in ipairs(keys) do
    local v = e[k]
    if type(v) == "table" then v = "[" .. table.concat(v, ", ") .. "]" end
    parts[#parts + 1] = k .. "=" .. tostring(v)
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

local names = {}
for name in pairs(expected.documents) do names[#names + 1] = name end
table.sort(names)

for _, name in ipairs(names) do
  local exp = expected.documents[name]
  local got = docs[name]
  ok(got ~= nil, name .. ": document not read")
  if got then
    for _, e in ipairs(exp.actors or {}) do
      ok(find(got.by_layer.actor, actor_ok, e), name .. " actor " .. show(e))
    end
    for _, e in ipairs(exp.dates or {}) do
      ok(find(got.by_layer.date, date_ok, e), name .. " date " .. show(e))
    end
    for _, e in ipairs(exp.claims or {}) do
      ok(find(got.by_layer.claim, claim_ok, e), name .. " claim " .. show(e))
    end
    -- Page furniture is never an actor or a claim.
    for _, layer in ipairs { "actor", "claim" } do
      for _, a in ipairs(got.by_layer[layer] or {}) do
        local t = lower(a.text)
        local furniture = t:find("contact us", 1, true) or t:find("sign up", 1, true)
          or t:find("skip to", 1, true) or t:find("newsletter", 1, true)
        if furniture then
          failed = failed + 1
          print("FALSE " .. name .. " " .. layer .. ": page furniture \"" .. a.text .. "\"")
        end
      end
    end
  end
end

-- Propositions: one key with claims from at least these documents in
-- each stance (asserted_or_believed counts asserted, believed, suspected).
local stance_group = { asserted = "asserted_or_believed", believed = "asserted_or_believed",
                       suspected = "asserted_or_believed", denied = "denied", doubted = "doubted" }
local by_key = {}
for name, d in pairs(docs) do
  for _, c in ipairs(d.by_layer.claim or {}) do
    if c.proposition then
      local k = by_key[c.proposition] or {}
      by_key[c.proposition] = k
      local g = stance_group[c.stance]
      if g then
        k[g] = k[g] or {}
        k[g][name] = true
      end
    end
  end
end
for _, p in ipairs(expected.propositions or {}) do
  local best, best_missing = nil, nil
  for key, groups in pairs(by_key) do
    local missing = {}
    for _, g in ipairs { "asserted_or_believed", "denied", "doubted" } do
      for _, doc in ipairs(p[g] or {}) do
        if not (groups[g] and groups[g][doc]) then missing[#missing + 1] = g .. ":" .. doc end
      end
    end
    if not best or #missing < #best_missing or (#missing == #best_missing and key < best) then
      best, best_missing = key, missing
    end
  end
  ok(best and #best_missing == 0,
     "proposition " .. p.key .. (best and (" (closest key " .. best .. " lacks "
       .. table.concat(best_missing, ", ") .. ")") or " (no claim has a proposition)"))
end

-- What else was found, for the reader of a failing run.
if failed > 0 then
  for _, name in ipairs(names) do
    local got = docs[name]
    for _, c in ipairs(got and got.by_layer.claim or {}) do
      print(string.format("found %s claim: source=%q cue=%q stance=%s content=%q prop=%s", name,
        span_text(c.source), span_text(c.cue), tostring(c.stance), span_text(c.content):sub(1, 60),
        tostring(c.proposition)))
    end
  end
end

print(string.format("%d passed, %d failed", passed, failed))
if failed > 0 then os.exit(1) end
