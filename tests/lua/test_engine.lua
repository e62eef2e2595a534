-- test_engine.lua -- rule packs end to end through assay.rules: every kind
-- of rule and emit, stages and overlap policy, hidden layers, rule-file
-- errors with file, line and rule, the sandbox, and per-document limits.
-- Run: assay run tests/lua/test_engine.lua (from the repository root).
local check = dofile("tests/lua/check.lua")
local assay = require("assay")

local PACKS = "tests/data/packs/"

local function by_layer(doc, layer)
  local out = {}
  for _, a in ipairs(doc:annotations(layer)) do out[#out + 1] = a end
  return out
end

local function find(list, pred)
  for _, a in ipairs(list) do if pred(a) then return a end end
end

-- A pack with lexicon, pattern, regex, where/emit functions and a run rule.
local rules = assay.rules(PACKS .. "basic.lua")
check.eq(rules:pack(), "basic 2.1", "pack name and version")
check.list(rules:rule_names(), { "actor.place", "actor.officials", "word.capital",
  "claim.said", "claim.count" }, "rules in declaration order")

local text = "North Korean officials said that the attack came from Pyongyang. " ..
             "Singapore denied it."
local doc = assay.document(text, { outlet = "Example News" }, "d1")
check.ok(rules:scan(doc), "scan succeeds")

local actors = by_layer(doc, "actor")
-- "North Korean officials" (priority 5, longer) beats "North Korean".
local off = find(actors, function(a) return a.text == "North Korean officials" end)
check.ok(off, "anonymous actor found")
check.eq(off and off.kind, "anonymous", "its kind")
check.eq(off and off.rule, "actor.officials", "its rule")
check.eq(off and off.country and off.country.text, "North Korean", "capture as span attribute")
check.eq(find(actors, function(a) return a.text == "North Korean" end), nil,
  "the shorter overlapping actor is gone after the stage")
local pyong = find(actors, function(a) return a.text == "Pyongyang" end)
check.eq(pyong and pyong.kind, "government", "alias kind overrides the entry kind")
check.eq(pyong and pyong.norm, "KP", "alias resolves to the canonical norm")
check.eq(pyong and pyong.canonical, "North Korea", "canonical name kept")
check.eq(pyong and pyong.iso3, "PRK", "entry attributes copied")
check.eq(pyong and pyong.source, "lexicon", "static emit literal")
check.eq(pyong and pyong.start, text:find("Pyongyang", 1, true) - 1, "byte start")
check.eq(pyong and pyong.stop, text:find("Pyongyang", 1, true) + 8, "byte stop")
local sg = find(actors, function(a) return a.text == "Singapore" end)
check.eq(sg and sg.norm, "Singapore", "a bare-string entry is its own norm")

local claims = by_layer(doc, "claim")
check.eq(#claims, 2, "two claims")
local c1 = claims[1]
check.eq(c1 and c1.source and c1.source.text, "North Korean officials", "claim source")
check.eq(c1 and c1.cue and c1.cue.text, "said", "claim cue")
check.eq(c1 and c1.content and c1.content.text, "the attack came from Pyongyang.",
  "claim content, 'that' left out")
check.eq(c1 and c1.stance, "asserted", "stance from the emit function")
check.eq(c1 and c1.confidence, 0.5, "number attribute")
check.eq(c1 and c1.checked, true, "boolean attribute")
check.eq(c1 and c1.outlet and c1.outlet.text, "Example News", "place-less span from meta")
check.eq(c1 and c1.source and c1.source.actor, off and off.id, "source span refers to its actor")
check.eq(claims[2] and claims[2].stance, "denied", "second claim denied")

local summary = by_layer(doc, "summary")
check.eq(summary[1] and summary[1].claims, 2, "run rule sees the claims of its stage's past")

local words = by_layer(doc, "word")
check.ok(#words >= 3, "regex rule annotations exist in the hidden layer")
local json = doc:to_json()
check.ok(json:find('"layer": *"word"') ~= nil, "to_json writes every layer")

-- Rule-file errors name the file, line and rule.
local ok, err = pcall(assay.rules, PACKS .. "bad_pattern.lua")
check.eq(ok, false, "a bad pattern does not compile")
check.ok(tostring(err):find("bad_pattern.lua:3", 1, true), "error names file and line: " .. tostring(err))
check.ok(tostring(err):find("rule bad.pattern", 1, true), "error names the rule")
check.ok(tostring(err):find("column", 1, true), "error names the column")
check.ok(tostring(err):find("bad_pattern.lua:4", 1, true), "every error is reported, not only the first")
check.ok(tostring(err):find("no capture named 'two'", 1, true), "unknown capture in a static emit")

ok, err = pcall(assay.rules, PACKS .. "bad_syntax.lua")
check.eq(ok, false, "a Lua syntax error does not compile")
check.ok(tostring(err):find("bad_syntax.lua:", 1, true), "syntax error names the file: " .. tostring(err))

ok, err = pcall(assay.rules, PACKS .. "bad_lexicon.lua")
check.eq(ok, false, "an undeclared lexicon does not compile")
check.ok(tostring(err):find("no lexicon named nowhere", 1, true), "names the lexicon: " .. tostring(err))

ok, err = pcall(assay.rules, PACKS .. "missing.lua")
check.eq(ok, false, "a missing pack")
check.ok(tostring(err):find("missing.lua", 1, true), "names the file")

-- The sandbox and the limits: one bad document fails alone.
-- Small limits keep the test fast; the defaults are in docs/rules.md.
local hostile = assay.rules(PACKS .. "hostile.lua",
  { limits = { instructions = 2000000, memory = 32 * 1024 * 1024 } })
local function scan(t)
  local d = assay.document(t)
  local done, msg = hostile:scan(d)
  return done, msg, d
end
local done, msg = scan("we loop here")
check.eq(done, nil, "an endless rule fails the document")
check.ok(tostring(msg):find("instruction limit (2000000)", 1, true), "names the limit: " .. tostring(msg))
check.ok(tostring(msg):find("loop.forever", 1, true), "names the rule")
done, msg = scan("we raise here")
check.ok(tostring(msg):find("this rule fails on purpose", 1, true), "a rule's error: " .. tostring(msg))
check.ok(tostring(msg):find("hostile.lua:10", 1, true), "names the rule's place")
done, msg = scan("we grow here")
check.ok(tostring(msg):find("memory limit (33554432 bytes)", 1, true), "endless allocation hits the memory cap: " .. tostring(msg))
done, msg = scan("a shell here")
check.eq(done, nil, "os.execute is not there")
check.ok(tostring(msg):find("run.command", 1, true), "names the rule: " .. tostring(msg))
check.ok(tostring(msg):find("os.execute is not available in the rule sandbox", 1, true),
  "says what the sandbox refused: " .. tostring(msg))
local f = io.open("/tmp/assay-pwned")
check.eq(f, nil, "the command did not run")
if f then f:close() end
local d
done, msg, d = scan("a peek here")
check.ok(done, "reading a file outside the pack is refused, not fatal")
check.eq(d:annotations("x")[1] and d:annotations("x")[1].got, "refused", "io.open outside the folder refused")
done, msg, d = scan("this is fine")
check.ok(done, "the next document is fine after all that: " .. tostring(msg))
check.eq(#d:annotations("ok"), 1, "and annotated")

-- --unsafe lifts the sandbox.
local unsafe = assay.rules(PACKS .. "hostile.lua", { unsafe = true })
done, msg, d = (function()
  local dd = assay.document("a peek here")
  local a, b = unsafe:scan(dd)
  return a, b, dd
end)()
check.eq(d:annotations("x")[1] and d:annotations("x")[1].got, "opened", "unsafe packs read anywhere")

-- A match that where rejects hides what it covers, unless retry is set.
local retry = assay.rules(PACKS .. "retry.lua")
local d3 = assay.document("a x b c")
check.ok(retry:scan(d3), "retry pack scans")
check.eq(#d3:annotations("plain"), 0, "without retry the rejected match hides its tokens")
local again = d3:annotations("again")
check.eq(again[1] and again[1].text, "b c", "with retry a later match is found")
check.eq(#again, 1, "and only that one")

-- Changing annotations from Lua: set, remove, token; attributes in sorted
-- order whatever order the table had.
local d2 = assay.document("Hello big world.")
check.eq(d2:token(2).text, "big", "doc:token(i) is 1-based")
check.eq(d2:token(99), nil, "doc:token past the end")
local id = d2:annotate{ layer = "x", start = 0, stop = 5, zeta = 1, alpha = 2, mid = "m" }
d2:set(id, "beta", "two")
check.ok(d2:to_json():find('"alpha": 2, "mid": "m", "zeta": 1, "beta": "two"', 1, true),
  "annotate sorts its attributes; set appends: " .. d2:to_json())
check.eq(d2:annotation(id).beta, "two", "doc:set changes an attribute")
check.fails(function() d2:set(id, "start", 3) end, "cannot be changed", "doc:set refuses the span")
check.fails(function() d2:set(99, "a", 1) end, "no annotation 99", "doc:set on an unknown id")
d2:remove(id)
check.eq(#d2:annotations("x"), 0, "doc:remove takes the annotation out")
check.eq(d2:annotation(id) ~= nil, true, "its id stays valid")

check.done()
