-- capitalised_phrases.lua -- the ten most frequent capitalised phrases
-- ("North Korea", "Sony Pictures", "U.S.") of each document.
--   assay run examples/scripts/capitalised_phrases.lua examples/sony/
-- Output: the document id, then "  COUNT<TAB>PHRASE" lines, most frequent
-- first (ties in alphabetical order), a blank line after each document.

-- Capitalised only because they open a sentence; not names.
local openers = {}
for w in ("the a an and but or in on at of for to by as it its this that these " ..
          "those he she they we you i his her their our if when while after " ..
          "before earlier later according officials report what who how why")
         :gmatch("%S+") do
  openers[w] = true
end

local function capitalised(t)
  return t.kind == "word" and (t.title or t.upper)
end

-- Lower-case words that may join two capitalised ones ("Guardians of Peace").
local joiners = { ["of"] = true, ["de"] = true, ["von"] = true, ["van"] = true }

-- Whether the run that ends at token j goes on at j + 1.
local function continues(toks, j)
  local nxt = toks[j + 1]
  if not nxt or nxt.sentence ~= toks[j].sentence then return false end
  if capitalised(nxt) then return true end
  local after = toks[j + 2]
  return joiners[nxt.text] and after and after.sentence == nxt.sentence and
         capitalised(after) or false
end

-- The phrases of one document: maximal runs of capitalised words in one
-- sentence (joined by "of" and the like), a lone sentence opener dropped.
local function phrases(doc)
  local counts, toks = {}, doc:tokens()
  local i = 1
  while i <= #toks do
    if capitalised(toks[i]) then
      local j = i
      while continues(toks, j) do
        j = capitalised(toks[j + 1]) and j + 1 or j + 2
      end
      if toks[i].sent_start and openers[toks[i].lower] then i = i + 1 end
      if i <= j then
        local p = doc:text_of(toks[i].start, toks[j].stop)
        counts[p] = (counts[p] or 0) + 1
      end
      i = j + 1
    else
      i = i + 1
    end
  end
  return counts
end

for doc in assay.inputs() do
  local list = {}
  for p, n in pairs(phrases(doc)) do list[#list + 1] = { p, n } end
  table.sort(list, function(a, b)
    if a[2] ~= b[2] then return a[2] > b[2] end
    return a[1] < b[1]
  end)
  print(doc.id)
  for k = 1, math.min(10, #list) do
    print(string.format("  %d\t%s", list[k][2], list[k][1]))
  end
  print()
end
