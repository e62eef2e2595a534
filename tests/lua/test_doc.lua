-- test_doc.lua -- the document binding: fields, tokens and sentences of a
-- known text, metadata, annotations, JSON, offsets and argument errors.
-- Run: assay run tests/lua/test_doc.lua (from the repository root).
local check = dofile("tests/lua/check.lua")
local assay = require("assay")

check.eq(type(assay.version), "string", "assay.version")
check.eq(assay, _G.assay, "require and the global are one module")

-- Tokens of a known sentence pair: texts, spans, shapes, kinds, flags.
local text = "Kim Jong-un met U.S. officials on Nov. 28 in Pyongyang. " ..
             "Sony's staff left."
local doc = assay.document(text, nil, "t1")
check.eq(doc.id, "t1", "id")
check.eq(doc.text, text, "text")
check.eq(#doc, 74, "#doc is the byte length")
check.eq(tostring(doc), "assay.doc(t1, 74 bytes)", "tostring")

local toks = doc:tokens()
check.list(check.field(toks, "text"),
  { "Kim", "Jong-un", "met", "U.S.", "officials", "on", "Nov.", "28", "in",
    "Pyongyang", ".", "Sony", "'s", "staff", "left", "." }, "token texts")
check.list(check.field(toks, "start"),
  { 0, 4, 12, 16, 21, 31, 34, 39, 42, 45, 54, 56, 60, 63, 69, 73 }, "starts")
check.list(check.field(toks, "stop"),
  { 3, 11, 15, 20, 30, 33, 38, 41, 44, 54, 55, 60, 62, 68, 73, 74 }, "stops")
for i, t in ipairs(toks) do
  check.eq(text:sub(t.start + 1, t.stop), t.text, "span of token " .. i)
  check.eq(t.index, i, "token index")
end
check.ok(doc:tokens() == toks, "one token array per document")
check.eq(doc:tokens()[1].text, "Kim", "the shared array keeps its fields")
check.fails(function() toks[1].colour = "red" end, "tokens are read%-only",
  "a new field on a token is refused")
check.list({ toks[1].shape, toks[2].shape, toks[4].shape, toks[8].shape,
             toks[10].shape },
           { "Xxx", "Xxxx-xx", "X.X.", "dd", "Xxxxx" }, "shapes")
check.list({ toks[1].kind, toks[8].kind, toks[11].kind },
           { "word", "number", "punct" }, "kinds")
check.eq(toks[1].lower, "kim", "lower")
check.eq(toks[4].lower, "u.s.", "lower of U.S.")
check.ok(toks[1].title and not toks[1].upper, "Kim is title case")
check.ok(toks[4].upper, "U.S. is upper case")
check.ok(toks[4].abbrev and toks[7].abbrev, "U.S. and Nov. are abbreviations")
check.ok(toks[3].lowercase and not toks[3].title, "met is lower case")
check.ok(toks[8].digit, "28 has a digit")
check.ok(toks[1].sent_start and toks[12].sent_start, "sentence starts")
check.ok(not toks[2].sent_start, "Jong-un starts no sentence")
check.ok(toks[2].space_before and not toks[11].space_before, "space_before")
check.list(check.field(toks, "sentence"),
  { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2 }, "sentence numbers")

-- The token array makes its proxies on first use: length, ipairs and
-- pairs still see every token.
local lazy = assay.document("One two three.", nil, "lazy")
local ltoks = lazy:tokens()
check.eq(#ltoks, 4, "#tokens before any token is read")
check.eq(ltoks[3].text, "three", "a token read first out of order")
check.eq(ltoks[0], nil, "no token 0")
check.eq(ltoks[5], nil, "no token past the end")
check.eq(ltoks.text, nil, "no string keys")
local seen = {}
for i, tk in ipairs(ltoks) do seen[#seen + 1] = i .. "=" .. tk.text end
check.eq(table.concat(seen, " "), "1=One 2=two 3=three 4=.", "ipairs over the tokens")
seen = {}
for i, tk in pairs(lazy:tokens()) do seen[#seen + 1] = i .. "=" .. tk.index end
check.eq(table.concat(seen, " "), "1=1 2=2 3=3 4=4", "pairs over the tokens")
check.ok(ltoks[3] == lazy:tokens()[3], "a token is one table once made")
check.eq(#assay.document(""):tokens(), 0, "no tokens in an empty text")

-- Tokens by byte offset, binary searches in C: token_at wants the exact
-- start, token_from the first start at or after the byte.
check.list({ doc:token_at(0), doc:token_at(4), doc:token_at(73) }, { 1, 2, 16 },
  "token_at a token's start")
check.eq(doc:token_at(1), nil, "token_at inside a token")
check.eq(doc:token_at(3), nil, "token_at a space")
check.eq(doc:token_at(74), nil, "token_at the end of the text")
check.eq(doc:token_at(1000), nil, "token_at past the end")
check.list({ doc:token_from(0), doc:token_from(1), doc:token_from(3),
             doc:token_from(4), doc:token_from(55), doc:token_from(73) },
           { 1, 2, 2, 2, 12, 16 }, "token_from")
check.eq(doc:token_from(74), nil, "token_from the end of the text")
check.eq(doc:token_from(1000), nil, "token_from past the end")
check.eq(assay.document(""):token_from(0), nil, "token_from in an empty text")
check.eq(assay.document("  x"):token_at(2), 1, "token_at tokenizes on demand")
check.fails(function() doc:token_at(-1) end, "bad argument #1 to 'token_at' %(negative offset%)",
  "token_at(-1)")
check.fails(function() doc:token_from(-1) end, "negative offset", "token_from(-1)")
check.fails(function() doc:token_at("x") end, "number expected", "token_at(string)")
check.fails(function() doc:token_from(1.5) end, "no integer representation", "token_from(1.5)")
check.fails(function() doc:token_at() end, "number expected", "token_at()")

-- One field of a token without its table: the values of token tables.
check.list({ doc:token_field(2, "text"), doc:token_field(2, "lower"),
             doc:token_field(2, "shape"), doc:token_field(8, "kind"),
             doc:token_field(2, "start"), doc:token_field(2, "stop"),
             doc:token_field(12, "sentence"), doc:token_field(12, "index") },
           { "Jong-un", "jong-un", "Xxxx-xx", "number", 4, 11, 2, 12 }, "token_field values")
check.list({ doc:token_field(12, "sent_start"), doc:token_field(2, "sent_start"),
             doc:token_field(4, "abbrev"), doc:token_field(3, "lowercase") },
           { true, false, true, true }, "token_field flags")
for _, key in ipairs { "text", "lower", "shape", "kind", "start", "stop", "index",
                       "sentence", "title", "upper", "lowercase", "digit",
                       "space_before", "line_start", "sent_start", "para_start",
                       "abbrev", "quote", "headline" } do
  for i = 1, #toks do
    check.eq(doc:token_field(i, key), toks[i][key], "token_field(" .. i .. ", " .. key .. ")")
  end
end
check.eq(doc:token_field(0, "text"), nil, "token_field of token 0")
check.eq(doc:token_field(17, "text"), nil, "token_field past the last token")
check.fails(function() doc:token_field(1, "colour") end,
  "bad argument #2 to 'token_field' %(no token field 'colour'%)", "unknown field")
check.fails(function() doc:token_field(99, "colour") end, "no token field 'colour'",
  "unknown field out of range")
check.fails(function() doc:token_field(1) end, "string expected", "token_field without key")
check.fails(function() doc:token_field("a", "text") end, "number expected", "token_field(string)")

-- Tokens by text: exact, case-sensitive, in text order.
check.list(doc:find_tokens("."), { 11, 16 }, "find_tokens")
check.list(doc:find_tokens("Sony"), { 12 }, "find_tokens one")
check.list(doc:find_tokens("sony"), {}, "find_tokens is case-sensitive")
check.list(doc:find_tokens("Jong"), {}, "find_tokens wants whole tokens")
check.list(doc:find_tokens(""), {}, "find_tokens of the empty string")
check.list(doc:find_tokens{ "Sony", "Kim", "." }, { 1, 11, 12, 16 }, "find_tokens of several texts")
check.list(doc:find_tokens{}, {}, "find_tokens of no text")
check.fails(function() doc:find_tokens{ "a", 1 } end, "texts must be strings", "find_tokens{1}")
check.fails(function() doc:find_tokens() end, "string expected", "find_tokens()")

-- Sentences: an abbreviation mid-sentence does not end it.
local sents = doc:sentences()
check.eq(#sents, 2, "two sentences")
check.eq(sents[1].text, "Kim Jong-un met U.S. officials on Nov. 28 in Pyongyang.",
  "first sentence")
check.list({ sents[1].start, sents[1].stop, sents[1].first, sents[1].last },
           { 0, 55, 1, 11 }, "first sentence span and tokens")
check.list({ sents[2].start, sents[2].stop, sents[2].first, sents[2].last,
             sents[2].index }, { 56, 74, 12, 16, 2 }, "second sentence")
check.eq(toks[sents[2].first].text, "Sony", "first token of sentence 2")
check.eq(doc:text_of(sents[2]), "Sony's staff left.", "text_of a sentence")
check.eq(doc:text_of(4, 11), "Jong-un", "text_of(start, stop)")
check.eq(#doc:paragraphs(), 1, "one paragraph")

-- Paragraphs: blank lines separate them.
local p = assay.document("Headline here\n\nFirst para. Still.\n\nSecond one.", nil, "p")
local paras = p:paragraphs()
check.eq(#paras, 3, "three paragraphs")
check.eq(paras[3].text, "Second one.", "third paragraph")

-- Metadata: converted from JSON; doc.meta is a fresh table each time.
local m = assay.document("Text.", { outlet = "PCMag", published = "2014-12-17",
  tags = { "a", "b" }, n = 3, ok = true })
check.ok(m.id:match("^doc%d+$"), "default id doc<N>")
check.eq(m.meta.outlet, "PCMag", "meta.outlet")
check.eq(m.date, "2014-12-17", "doc.date is meta.published")
check.list(m.meta.tags, { "a", "b" }, "meta list")
check.eq(m.meta.n, 3, "meta integer")
check.eq(math.type(m.meta.n), "integer", "meta integer type")
check.eq(m.meta.ok, true, "meta boolean")
m.meta.outlet = "changed"
check.eq(m.meta.outlet, "PCMag", "doc.meta is a copy")
m:set_meta("outlet", "Re/code")
check.eq(m.meta.outlet, "Re/code", "set_meta(key, value)")
m:set_meta("outlet", nil)
check.eq(m.meta.outlet, nil, "set_meta(key, nil) removes")
m:set_meta({ published = "2014-12-03" })
check.eq(m.date, "2014-12-03", "set_meta(table) replaces")
check.eq(m.meta.n, nil, "set_meta(table) drops the old keys")
local t = assay.document{ text = "Hi.", id = "tbl", meta = { a = 1 } }
check.list({ t.id, t.text, t.meta.a }, { "tbl", "Hi.", 1 }, "document{...}")
check.eq(assay.document("No meta.").date, nil, "no date")

-- Annotations: layer, span, rule, attributes of every type.
local a1 = doc:annotate{ layer = "actor", start = 0, stop = 11, rule = "r.person",
  kind = "person", score = 0.5, known = true }
local a2 = doc:annotate{ layer = "claim", start = 12, stop = 54,
  source = doc:annotation(a1), cue = { start = 12, stop = 15 }, n = 2 }
check.list({ a1, a2 }, { 1, 2 }, "annotation ids")
local ann = doc:annotation(a1)
check.list({ ann.id, ann.layer, ann.start, ann.stop, ann.text, ann.rule,
             ann.kind, ann.score, ann.known },
  { 1, "actor", 0, 11, "Kim Jong-un", "r.person", "person", 0.5, true },
  "annotation table")
local c = doc:annotation(a2)
check.list({ c.source.start, c.source.stop, c.source.text, c.source.actor,
             c.source.ref }, { 0, 11, "Kim Jong-un", 1, 1 }, "span attribute tied to an annotation")
check.list({ c.cue.start, c.cue.stop, c.cue.text }, { 12, 15, "met" }, "span attribute")
check.eq(math.type(c.n), "integer", "whole numbers come back as integers")
check.eq(#doc:annotations(), 2, "all annotations")
local actors = doc:annotations("actor")
check.eq(#actors, 1, "annotations of a layer")
check.eq(actors[1].text, "Kim Jong-un", "annotation text")
check.eq(#doc:annotations("nope"), 0, "no such layer")
local copy = doc:annotation(a1)
copy.layer = "copy"
local a3 = doc:annotate(copy)
local cp = doc:annotation(a3)
check.list({ a3, cp.layer, cp.text, cp.kind, cp.rule, cp.start, cp.stop },
           { 3, "copy", "Kim Jong-un", "person", "r.person", 0, 11 }, "annotate(copy of an annotation)")
check.eq(doc:annotation(99), nil, "no such annotation")

-- Token numbers of annotations, on request: the tokens the span overlaps.
check.eq(doc:annotation(a1).first, nil, "no token numbers by default")
local wt = doc:annotation(a1, { tokens = true })
check.list({ wt.first, wt.last, wt.kind }, { 1, 2, "person" }, "annotation(id, {tokens = true})")
local a4 = doc:annotate{ layer = "part", start = 5, stop = 17 }     -- "ong-un met U"
local a5 = doc:annotate{ layer = "part", start = 11, stop = 12 }    -- a space
local a6 = doc:annotate{ layer = "part", start = 74, stop = 74 }    -- the end
local parts = doc:annotations("part", { tokens = true })
check.list({ parts[1].first, parts[1].last }, { 2, 4 }, "a span inside tokens")
check.list({ parts[2].first, parts[2].last, parts[2].id }, { nil, nil, a5 }, "a span in a space")
check.list({ parts[3].first, parts[3].last, parts[3].id }, { nil, nil, a6 }, "an empty span at the end")
check.eq(#doc:annotations(nil, { tokens = true }), 6, "all layers with tokens")
check.eq(doc:annotations("actor", { tokens = true })[1].last, 2, "one layer with tokens")
check.eq(doc:annotations("actor", {})[1].first, nil, "tokens not asked for")
check.fails(function() doc:annotations("actor", true) end, "table expected", "bad options")
local back = doc:annotation(a1, { tokens = true })
back.layer = "copy2"
local cp2 = doc:annotation(doc:annotate(back))
check.list({ cp2.first, cp2.last, cp2.kind }, { nil, nil, "person" },
  "first and last are no attributes when passed back")

-- Lazy tables: the same fields as whole ones, read when first asked.
local function whole(t)
  local out = {}
  for k, v in pairs(t) do out[k] = v end
  return out
end
local function same_fields(x, y, what)
  local keys = {}
  for k in pairs(x) do keys[#keys + 1] = k end
  for k in pairs(y) do if x[k] == nil then keys[#keys + 1] = k end end
  table.sort(keys)
  for _, k in ipairs(keys) do
    local a, b = x[k], y[k]
    if type(a) == "table" and type(b) == "table" then
      same_fields(a, b, what .. "." .. k)
    else
      check.eq(a, b, what .. ": field " .. k)
    end
  end
end
for _, opts in ipairs { { lazy = true }, { lazy = true, tokens = true } } do
  local eager = doc:annotations(nil, { tokens = opts.tokens })
  local lazy = doc:annotations(nil, opts)
  check.eq(#lazy, #eager, "lazy: as many tables")
  for i = 1, #eager do
    -- pairs makes a lazy table whole: every field, nothing more
    same_fields(whole(lazy[i]), eager[i], "lazy " .. i .. (opts.tokens and " with tokens" or ""))
  end
end
local lz = doc:annotations("claim", { lazy = true })[1]
check.eq(rawget(lz, "cue"), nil, "lazy: an attribute not read yet is not in the table")
check.list({ lz.cue.text, lz.source.actor, lz.n, lz.text, lz.layer, lz.missing },
           { "met", a1, 2, doc:annotation(a2).text, "claim", nil }, "lazy: fields read on demand")
check.eq(rawget(lz, "cue").stop, 15, "lazy: a field read is kept")
lz.n = 7
check.eq(lz.n, 7, "lazy: a field set is the caller's")
local lc = doc:annotations("actor", { lazy = true })[1]
lc.layer = "copy3"
local cp3 = doc:annotation(doc:annotate(lc))
check.list({ cp3.kind, cp3.score, cp3.known, cp3.rule, cp3.text },
           { "person", 0.5, true, "r.person", "Kim Jong-un" },
           "lazy: annotate(a lazy table) takes the fields not read yet")
check.ok(assay.json_encode(doc:annotations("actor", { lazy = true })[1]):find('"kind": ?"person"'),
         "lazy: JSON of a lazy table has every field")
doc:remove(cp3.id)

check.list({ doc:count(), doc:count("actor"), doc:count("copy2"), doc:count("nope") },
  { #doc:annotations(), 1, 1, 0 }, "count")
for _, id in ipairs { a4, a5, a6, cp2.id } do doc:remove(id) end
check.list({ doc:count(), doc:count("copy2") }, { #doc:annotations(), 0 },
  "count without the removed")
local late = assay.document("Alpha beta gamma.", nil, "late")
local lid = late:annotate{ layer = "x", start = 6, stop = 16 }
check.list({ late:annotation(lid, { tokens = true }).first,
             late:annotation(lid, { tokens = true }).last }, { 2, 3 },
  "annotations made before the tokens")

-- JSON record.
local js = doc:to_json()
check.ok(js:find('"doc": ?"t1"'), "to_json has the id")
check.ok(js:find('"layer": ?"actor"'), "to_json has the annotations")
check.ok(js:find('"end": ?11'), "to_json says end")
check.ok(not js:find('"text": ?"Kim Jong%-un met'), "no document text by default")
check.ok(doc:to_json{ text = true }:find('"text": ?"Kim Jong%-un met'), "text = true")
check.ok(not doc:to_json{ layers = { "claim" } }:find('"layer": ?"actor"'),
  "layers = {...} filters")

-- Warnings.
check.eq(#doc:warnings(), 0, "no warnings")
doc:add_warning("something odd")
check.list(doc:warnings(), { "something odd" }, "add_warning")

-- Offsets in code points: ’ is three bytes, one code point.
local u = assay.document("Pyongyang’s hacking team", nil, "u")
check.eq(u:char_offset(14), 12, "char_offset")
check.eq(assay.char_offset(u.text, 26), 24, "assay.char_offset")

-- Errors name what went wrong.
check.fails(function() doc:text_of(5, 100) end, "outside the text", "text_of past the end")
check.fails(function() doc:text_of{ start = 3 } end, "start and stop", "span without stop")
check.fails(function() doc:annotate{ layer = "x", start = 5, stop = 1 } end,
  "outside the text", "reversed span")
check.fails(function() doc:annotate{ start = 1, stop = 2 } end, "layer", "no layer")
check.fails(function() doc:annotate{ layer = "x", start = 0, stop = 1,
  f = function() end } end, "cannot hold a function", "bad attribute")
check.eq(#doc:annotations(), 3, "failed annotate calls add nothing")
check.fails(function() doc.id = "other" end, "read%-only", "fields are read-only")
check.fails(function() doc:set_meta("k", { [true] = 1 }) end, "keys must be strings",
  "bad meta key")
local cyc = {}
cyc.self = cyc
check.fails(function() doc:set_meta("k", cyc) end, "too deep", "cyclic meta")
check.fails(function() assay.document(42 > 1) end, "string expected", "document(non-string)")
check.fails(function() doc.tokens(nil) end, "assay.doc expected", "method on nil")
-- other values, userdata of other types and sizes among them, are no doc
for what, v in pairs({ table = {}, string = "doc", regex = assay.regex("x"),
                       tokens = doc:tokens(), file = io.stdout }) do
  check.fails(function() doc.token_at(v, 0) end, "assay.doc expected",
    "a method on a " .. what)
end
check.fails(function() assay.load("tests/lua/no-such-file.txt") end,
  "no%-such%-file", "load of a missing file names it")

check.done()
