-- test_store.lua -- the in-memory store from Lua: add, get, docs in input
-- order, find (case-insensitive phrases), remove, count, shared documents.
-- Run: assay run tests/lua/test_store.lua (from the repository root).
local check = dofile("tests/lua/check.lua")

local store = assay.store()
check.eq(#store, 0, "empty")
for doc in assay.read("examples/sony") do store:add(doc) end
check.eq(store:count(), 5, "count")
check.eq(#store, 5, "#store")
check.eq(tostring(store), "assay.store(5 documents)", "tostring")

local sony = "examples/sony/"
local function ids(docs)
  local out = {}
  for i, d in ipairs(docs) do out[i] = d.id:sub(#sony + 1, #sony + 3) end
  return out
end

local order = {}
for doc in store:docs() do order[#order + 1] = doc end
check.list(ids(order), { "000", "001", "002", "003", "004" }, "docs() in input order")

local d = store:get(sony .. "003_d294ee369837706a.txt")
check.eq(d.meta.outlet, "The Verge", "get")
check.eq(store:get("nope"), nil, "get of an unknown id")

check.list(ids(store:find("Guardians of Peace")), { "000", "001" }, "find a phrase")
check.list(ids(store:find("guardians of peace")), { "000", "001" }, "find ignores case")
check.list(ids(store:find("FBI")), { "001", "002" }, "find a word")
check.list(ids(store:find("Wall Street Journal")), { "000", "002", "003" }, "find WSJ")
check.list(ids(store:find("Pyongyang")), { "000" }, "find Pyongyang")
check.list(ids(store:find("Peace of Guardians")), {}, "word order matters")
check.list(ids(store:find("zebra")), {}, "absent word")

-- Documents are shared, not copied: an annotation made through one handle
-- is seen through the other.
local doc = store:get(sony .. "000_0c653dbc88194f72.txt")
doc:annotate{ layer = "note", start = 0, stop = 6 }
check.eq(#store:get(sony .. "000_0c653dbc88194f72.txt"):annotations("note"), 1,
  "shared document")
check.ok(doc == store:get(sony .. "000_0c653dbc88194f72.txt"), "same document compares equal")

check.eq(store:remove(sony .. "001_d74339bb62a7fb22.txt"), true, "remove")
check.eq(store:remove(sony .. "001_d74339bb62a7fb22.txt"), false, "remove again")
check.eq(#store, 4, "count after remove")
check.list(ids(store:find("FBI")), { "002" }, "find after remove")

-- A document made in Lua, and replacing by id.
local mine = assay.document("The FBI said so.", { outlet = "Test" }, "mine")
check.eq(store:add(mine), mine, "add returns the document")
check.list(check.field(store:find("fbi said"), "id"), { "mine" }, "find a Lua document")
store:add(assay.document("Nothing here.", nil, "mine"))
check.eq(#store, 5, "same id replaces")
check.list(check.field(store:find("fbi said"), "id"), {}, "the old one is gone")
check.eq(mine.text, "The FBI said so.", "the replaced document lives on in Lua")

-- Two stores may hold the same document.
local other = assay.store()
other:add(d)
store = nil
collectgarbage()
check.eq(other:get(d.id).meta.outlet, "The Verge", "document outlives a store")

-- Removing while iterating skips nothing: docs() walks a snapshot.
local seen = 0
for doc in other:docs() do
  seen = seen + 1
  other:remove(doc.id)
end
check.list({ seen, #other }, { 1, 0 }, "remove while iterating")
local s2 = assay.store()
for doc in assay.read("examples/sony") do s2:add(doc) end
local removed = 0
for doc in s2:docs() do
  if s2:remove(doc.id) then removed = removed + 1 end
end
check.list({ removed, #s2 }, { 5, 0 }, "remove all while iterating")

-- A path opens the persistent store (tests/lua/test_sqlstore.lua); one that
-- cannot be created fails clearly.
check.fails(function() assay.store("/nonexistent-dir/corpus.db") end, "store: .*corpus.db", "persistent store")
check.fails(function() other:add("text") end, "assay.doc expected", "add a string")

check.done()
