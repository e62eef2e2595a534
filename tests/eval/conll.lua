-- conll.lua -- scores the news pack's actors on CoNLL-2003 English testa
-- (../shared/eval/conll2003, IOB1): precision, recall, F1, exact span and type.
--
--   assay run tests/eval/conll.lua [PACK.lua] [--errors]
--
-- --errors prints each false positive (with the rule that made it) and each
-- false negative, one a line.
--
-- Each document's text is rebuilt from its tokens (a sentence a line, tokens
-- joined by spaces), scanned with the pack, and its actors mapped to CoNLL
-- types: person -> PER; org, outlet, group, government -> ORG; country,
-- place and capitals used as metonyms -> LOC. CoNLL tags nationalities
-- (demonyms) MISC, so a country actor written as its demonym is not scored,
-- nor are anonymous sources; the country or organisation that modifies an
-- anonymous source ("U.S." in "U.S. officials") is scored as its own kind.
-- The data is read from ../shared/eval and never copied into the repository.

local DATA = "../shared/eval/conll2003/eng.testa"
local pack, show_errors = "rules/news.lua", false
for _, a in ipairs(arg) do
  if a == "--errors" then show_errors = true else pack = a end
end

local f = io.open(DATA, "r")
if not f then
  print("conll: " .. DATA .. " is absent; skipping the CoNLL-2003 actor scores")
  os.exit(0)
end

-- Reads the documents: {tokens = {{text, tag}...}, sentences = {{first, last}...}}.
local function read_docs(fh)
  local docs, doc, sent_first = {}, nil, nil
  local function end_sentence()
    if doc and sent_first and #doc.tokens >= sent_first then
      doc.sentences[#doc.sentences + 1] = { sent_first, #doc.tokens }
    end
    sent_first = nil
  end
  for line in fh:lines() do
    if line:match("^%-DOCSTART%-") then
      end_sentence()
      doc = { tokens = {}, sentences = {} }
      docs[#docs + 1] = doc
    elseif line:match("^%s*$") then
      end_sentence()
    else
      local word, tag = line:match("^(%S+)%s+%S+%s+%S+%s+(%S+)")
      if word and doc then
        doc.tokens[#doc.tokens + 1] = { text = word, tag = tag }
        sent_first = sent_first or #doc.tokens
      end
    end
  end
  end_sentence()
  return docs
end

-- Gold entities from IOB1 tags: "I-X" continues an entity of type X, "B-X"
-- starts a new one next to another of the same type.
local function gold_entities(tokens)
  local out, cur = {}, nil
  for i, t in ipairs(tokens) do
    local bi, typ = t.tag:match("^([BI])%-(%u+)$")
    if not typ then
      cur = nil
    elseif cur and cur.type == typ and bi == "I" and cur.last == i - 1 then
      cur.last = i
    else
      cur = { type = typ, first = i, last = i }
      out[#out + 1] = cur
    end
  end
  return out
end

-- The text of a document and the byte span of each token.
local function rebuild(doc)
  local parts, pos = {}, 0
  for si, s in ipairs(doc.sentences) do
    for i = s[1], s[2] do
      local t = doc.tokens[i]
      if i > s[1] then parts[#parts + 1] = " "; pos = pos + 1 end
      t.start = pos
      parts[#parts + 1] = t.text
      pos = pos + #t.text
      t.stop = pos
    end
    if si < #doc.sentences then parts[#parts + 1] = "\n"; pos = pos + 1 end
  end
  return table.concat(parts)
end

local TYPE_OF = {
  person = "PER", org = "ORG", outlet = "ORG", group = "ORG", government = "ORG",
  country = "LOC", place = "LOC",
}

-- The actors of a scanned document as {type, first, last} over CoNLL tokens.
local function predicted(doc, tokens)
  local by_start, by_stop = {}, {}
  for i, t in ipairs(tokens) do by_start[t.start] = i; by_stop[t.stop] = i end
  local out = {}
  local function add(typ, start, stop, text, rule)
    if not typ then return end
    out[#out + 1] = { type = typ, first = by_start[start] or -1, last = by_stop[stop] or -1,
                      text = text, rule = rule }
  end
  for _, a in ipairs(doc:annotations("actor")) do
    local typ = TYPE_OF[a.kind]
    if a.rule == "actor.country" or a.rule == "actor.country.upper" then typ = "LOC" end   -- capitals as places
    if a.demonym and a.text == a.demonym then typ = nil end  -- MISC in CoNLL
    if a.kind == "anonymous" then
      typ = nil
      if a.modifier and a.modifier_kind then
        local m = a.modifier
        local mt = TYPE_OF[a.modifier_kind]
        local text = doc.text:sub(m.start + 1, m.stop)
        if a.modifier_demonym then mt = nil end   -- MISC in CoNLL
        add(mt, m.start, m.stop, text)
      end
    end
    add(typ, a.start, a.stop, a.text, a.rule)
  end
  return out
end

local rules
do
  local ok, r = pcall(assay.rules, pack)
  if not ok then
    io.stderr:write("conll: " .. pack .. " does not compile, using rules/actors_only.lua:\n"
      .. tostring(r) .. "\n")
    r = assay.rules("rules/actors_only.lua")
  end
  rules = r
end

local docs = read_docs(f)
f:close()

local TYPES = { "PER", "ORG", "LOC" }
local stats = {}
for _, t in ipairs(TYPES) do stats[t] = { tp = 0, fp = 0, fn = 0 } end

local function key(e) return e.type .. ":" .. e.first .. ":" .. e.last end

for di, d in ipairs(docs) do
  local text = rebuild(d)
  local doc = assay.document(text, {}, "testa-" .. di)
  local ok, err = rules:scan(doc)
  if not ok then
    io.stderr:write("conll: document " .. di .. ": " .. tostring(err) .. "\n")
  else
    local gold, pred = {}, {}
    for _, e in ipairs(gold_entities(d.tokens)) do
      if stats[e.type] then gold[key(e)] = e end
    end
    for _, e in ipairs(predicted(doc, d.tokens)) do pred[key(e)] = e end
    for k, e in pairs(pred) do
      if gold[k] then
        stats[e.type].tp = stats[e.type].tp + 1
      else
        stats[e.type].fp = stats[e.type].fp + 1
        if show_errors then print("FP", e.type, e.text, e.rule) end
      end
    end
    for k, e in pairs(gold) do
      if not pred[k] then
        stats[e.type].fn = stats[e.type].fn + 1
        if show_errors then
          local words = {}
          for i = e.first, e.last do words[#words + 1] = d.tokens[i].text end
          print("FN", e.type, table.concat(words, " "))
        end
      end
    end
  end
end

local function prf(s)
  local p = s.tp + s.fp > 0 and s.tp / (s.tp + s.fp) or 0
  local r = s.tp + s.fn > 0 and s.tp / (s.tp + s.fn) or 0
  local f1 = p + r > 0 and 2 * p * r / (p + r) or 0
  return p * 100, r * 100, f1 * 100
end

print(string.format("CoNLL-2003 testa, %d documents, pack %s", #docs, rules:pack()))
print(string.format("%-8s %9s %9s %9s %7s %7s %7s", "type", "precision", "recall", "F1", "tp", "fp", "fn"))
local all = { tp = 0, fp = 0, fn = 0 }
for _, t in ipairs(TYPES) do
  local s = stats[t]
  local p, r, f1 = prf(s)
  print(string.format("%-8s %9.2f %9.2f %9.2f %7d %7d %7d", t, p, r, f1, s.tp, s.fp, s.fn))
  all.tp, all.fp, all.fn = all.tp + s.tp, all.fp + s.fp, all.fn + s.fn
end
local p, r, f1 = prf(all)
print(string.format("%-8s %9.2f %9.2f %9.2f %7d %7d %7d", "overall", p, r, f1, all.tp, all.fp, all.fn))
