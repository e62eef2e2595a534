-- test_sqlstore.lua -- the persistent store from Lua, assay.store("x.db"):
-- add/get round trips (annotations and their attributes identical), docs in
-- store order, find (phrases) and search (FTS5), annotations{layer, norm},
-- remove, reopen, and a clear error for a file that is not a store.
-- Run: assay run tests/lua/test_sqlstore.lua (from the repository root).
local check = dofile("tests/lua/check.lua")

local path = os.tmpname() .. ".db"
local function cleanup()
  for _, suffix in ipairs { "", "-wal", "-shm" } do os.remove(path .. suffix) end
end
cleanup()

local rules = assay.rules("tests/data/packs/basic.lua")
local store = assay.store(path)
check.eq(#store, 0, "a new store is empty")
check.ok(tostring(store):find("0 stored documents", 1, true), "tostring")

-- Round trip: the annotations of a scanned document come back identical.
local originals = {}
for doc in assay.read("examples/sony") do
  check.ok(rules:scan(doc), "scan " .. doc.id)
  store:add(doc)
  originals[#originals + 1] = doc
end
check.eq(store:count(), 5, "count")
check.eq(#store, 5, "#store")

local function same_annotations(a, b)
  local x, y = a:annotations(), b:annotations()
  if #x ~= #y then return false, #x .. " vs " .. #y end
  for i = 1, #x do
    local jx = assay.json_encode(x[i])
    local jy = assay.json_encode(y[i])
    if jx ~= jy then return false, jx .. " vs " .. jy end
  end
  return true
end

for _, orig in ipairs(originals) do
  local back = store:get(orig.id)
  check.eq(back.text, orig.text, "text " .. orig.id)
  check.eq(assay.json_encode(back.meta), assay.json_encode(orig.meta), "meta " .. orig.id)
  local same, why = same_annotations(orig, back)
  check.ok(same, "annotations of " .. orig.id .. " " .. tostring(why))
  check.eq(back:to_json(), orig:to_json(), "record of " .. orig.id)
end
check.eq(store:get("nope"), nil, "get of an unknown id")

local sony = "examples/sony/"
local function ids(docs)
  local out = {}
  for i, d in ipairs(docs) do out[i] = d.id:sub(#sony + 1, #sony + 3) end
  table.sort(out)
  return out
end
local order = {}
for doc in store:docs() do order[#order + 1] = doc.id:sub(#sony + 1, #sony + 3) end
check.list(order, { "000", "001", "002", "003", "004" }, "docs() in store order")

check.list(ids(store:find("Guardians of Peace")), { "000", "001" }, "find a phrase")
check.list(ids(store:find("guardians of peace")), { "000", "001" }, "find ignores case")
check.list(ids(store:find("Peace of Guardians")), {}, "word order matters")
check.list(ids(store:search("Pyongyang")), { "000" }, "search a word")
check.list(ids(store:search("FBI AND Sony")), { "001", "002" }, "search AND")
check.fails(function() store:search('"unbalanced') end, "search", "a malformed query")

-- annotations{layer=, norm=}: rows of the annotations table, Lua spans.
local words = store:annotations { layer = "word" }
local all_words = 0
for _, d in ipairs(originals) do all_words = all_words + #d:annotations("word") end
check.eq(#words, all_words, "annotations of a layer")
local actors = store:annotations { layer = "actor" }
check.ok(#actors > 0, "some actors")
local kp = store:annotations { layer = "actor", norm = actors[1].norm }
check.ok(#kp >= 1, "annotations by norm")
for _, a in ipairs(kp) do check.eq(a.norm, actors[1].norm, "norm filter") end
local one = store:get(actors[1].doc)
check.eq(one.text:sub(actors[1].start + 1, actors[1].stop), actors[1].text,
  "annotation spans are start/stop byte offsets")

-- Replacing a document replaces its annotations.
local d = assay.document("Hello there.", nil, "examples/sony/000_0c653dbc88194f72.txt")
store:add(d)
check.eq(#store, 5, "same id replaces")
check.eq(#store:get(d.id):annotations(), 0, "old annotations gone")
check.list(ids(store:find("Guardians of Peace")), { "001" }, "FTS follows the update")
check.eq(store:remove(d.id), true, "remove")
check.eq(store:remove(d.id), false, "remove again")
check.eq(#store, 4, "count after remove")
store:close()
check.fails(function() return #store end, "closed", "a closed store")

-- Reopen: the data is on disk.
local again = assay.store(path)
check.eq(#again, 4, "reopened")
again:close()
cleanup()

-- A file that is not a store.
local f = io.open(path, "wb")
f:write("this is not a database, just some text of some length ......")
f:close()
check.fails(function() assay.store(path) end, "store:", "not a database")
cleanup()
check.done()
