-- test_read.lua -- reading inputs from Lua: assay.read over the Sony folder
-- (ids, manifest metadata, input order), assay.load, missing inputs.
-- Run: assay run tests/lua/test_read.lua (from the repository root).
local check = dofile("tests/lua/check.lua")

local expect = {
  { "examples/sony/000_0c653dbc88194f72.txt", "PCMag", "2014-12-17", 3403 },
  { "examples/sony/001_d74339bb62a7fb22.txt", "Re/code", "2014-12-17", 2897 },
  { "examples/sony/002_361d130a97f37a24.txt", "BuzzFeed News", "2014-12-17", 4385 },
  { "examples/sony/003_d294ee369837706a.txt", "The Verge", "2014-12-03", 3327 },
  { "examples/sony/004_d87709cc2959cab9.txt", "ReadWrite", "2014-12-17", 3728 },
}

local n = 0
for doc in assay.read("examples/sony") do
  n = n + 1
  local e = expect[n] or {}
  check.eq(doc.id, e[1], "id " .. n)
  check.eq(doc.meta.outlet, e[2], "outlet " .. n)
  check.eq(doc.meta.published, e[3], "published " .. n)
  check.eq(doc.date, e[3], "date " .. n)
  check.eq(#doc.text, e[4], "length " .. n)
  check.ok(#doc:sentences() > 10, "sentences in " .. doc.id)
end
check.eq(n, 5, "five documents, manifest.yaml and expected.yaml are none")

-- The folder given with a trailing slash, and a list of inputs.
local ids = {}
for doc in assay.read({ "examples/sony/003_d294ee369837706a.txt",
                        "examples/sony/000_0c653dbc88194f72.txt" }) do
  ids[#ids + 1] = doc.id
end
check.list(ids, { "examples/sony/003_d294ee369837706a.txt",
                  "examples/sony/000_0c653dbc88194f72.txt" }, "inputs in the order given")

-- The title from the manifest, and the first sentence of the first article.
for doc in assay.read("examples/sony/000_0c653dbc88194f72.txt") do
  check.eq(doc.meta.title,
    "Report: U.S. Believes North Korea Behind Sony Pictures Hack", "title")
  local toks = doc:tokens()
  check.list({ toks[1].text, toks[2].text, toks[3].text, toks[4].text },
             { "Report", ":", "U.S.", "Believes" }, "first tokens")
end

-- Breaking out of the loop closes the reader (the fourth value of the for).
local first
for doc in assay.read("examples/sony") do
  first = doc
  break
end
check.eq(first.id, "examples/sony/000_0c653dbc88194f72.txt", "break keeps the doc")
collectgarbage()
check.eq(first.meta.outlet, "PCMag", "the doc outlives its reader")

-- assay.load: one file, one document, no manifest.
local d = assay.load("examples/sony/001_d74339bb62a7fb22.txt")
check.eq(d.id, "examples/sony/001_d74339bb62a7fb22.txt", "load id")
check.eq(#d.text, 2897, "load text")
check.eq(d.meta.outlet, nil, "load reads no manifest")

-- A missing input: reported through on_error, the others still read.
local errors, got = {}, {}
for doc in assay.read({ "tests/lua/missing.txt", "examples/sony/004_d87709cc2959cab9.txt" },
                      { on_error = function(id, msg) errors[#errors + 1] = id end }) do
  got[#got + 1] = doc.id
end
check.list(errors, { "tests/lua/missing.txt" }, "on_error gets the id")
check.list(got, { "examples/sony/004_d87709cc2959cab9.txt" }, "the rest is read")
check.eq(assay.failures(), 0, "on_error failures are not counted")

-- JSON Lines: one document a line, with its own id and meta.
local base = os.tmpname()  -- creates the file; the .jsonl beside it is ours
local path = base .. ".jsonl"
local f = assert(io.open(path, "w"))
f:write('{"id": "a", "text": "One. Two.", "meta": {"published": "2014-12-01"}}\n')
f:write('{"id": "b", "text": "Three."}\n')
f:close()
local jl = {}
for doc in assay.read(path) do jl[#jl + 1] = doc end
os.remove(path)
os.remove(base)
check.eq(#jl, 2, "two JSON lines")
check.list({ jl[1].id, jl[1].date, #jl[1]:sentences(), jl[2].id, jl[2].text },
           { "a", "2014-12-01", 2, "b", "Three." }, "JSON Lines documents")

check.done()
