-- word_count.lua -- a corpus-wide word count: documents, tokens and words
-- read, then the most frequent words (case-folded) over all documents.
--   assay run examples/scripts/word_count.lua examples/sony/
--   TOP=50 assay run examples/scripts/word_count.lua corpus/ big.jsonl
-- Documents stream one at a time, so the corpus may be larger than memory.
-- Output: "documents N", "tokens N", "words N", "distinct N", then
-- "COUNT<TAB>WORD" lines, most frequent first (ties alphabetical).

local top = tonumber(os.getenv("TOP") or "") or 20
local counts, docs, tokens, words, distinct = {}, 0, 0, 0, 0

for doc in assay.inputs() do
  docs = docs + 1
  for _, t in ipairs(doc:tokens()) do
    tokens = tokens + 1
    if t.kind == "word" then
      words = words + 1
      local w = t.lower
      if not counts[w] then distinct = distinct + 1 end
      counts[w] = (counts[w] or 0) + 1
    end
  end
end

print("documents " .. docs)
print("tokens " .. tokens)
print("words " .. words)
print("distinct " .. distinct)
local list = {}
for w, n in pairs(counts) do list[#list + 1] = { w, n } end
table.sort(list, function(a, b)
  if a[2] ~= b[2] then return a[2] > b[2] end
  return a[1] < b[1]
end)
for k = 1, math.min(top, #list) do
  print(string.format("%d\t%s", list[k][2], list[k][1]))
end
