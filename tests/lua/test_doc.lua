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
check.fails(function() assay.load("tests/lua/no-such-file.txt") end,
  "no%-such%-file", "load of a missing file names it")

check.done()
