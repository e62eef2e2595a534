-- find_phrase.lua -- loads the inputs into a store and lists, for each
-- phrase given in PHRASES (separated by "|"), the documents holding it.
--   PHRASES='North Korea|Guardians of Peace' \
--     assay run examples/scripts/find_phrase.lua examples/sony/
-- Output: "PHRASE<TAB>N documents" then "  ID<TAB>OUTLET" per document.

local store = assay.store()
for doc in assay.inputs() do store:add(doc) end

local phrases = os.getenv("PHRASES") or "North Korea|Guardians of Peace|FBI"
for phrase in phrases:gmatch("[^|]+") do
  local found = store:find(phrase)
  print(string.format("%s\t%d documents", phrase, #found))
  for _, doc in ipairs(found) do
    print(string.format("  %s\t%s", doc.id, doc.meta.outlet or "-"))
  end
end
