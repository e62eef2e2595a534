-- reporting_sentences.lua -- the sentences that contain a reporting verb
-- ("said", "told", "reported", "according to", ...,
-- written in lower case), with the verb found.
--   assay run examples/scripts/reporting_sentences.lua examples/sony/
-- Output: one line per sentence: ID<TAB>SENTENCE NUMBER<TAB>VERB<TAB>TEXT
-- (line breaks inside the sentence become spaces).

local verbs = {}
for w in ("say says said saying tell tells told report reports reported " ..
          "stated claim claims claimed confirm confirms confirmed " ..
          "deny denies denied believe believes believed according announce " ..
          "announced acknowledge acknowledged warn warned cite cited citing")
         :gmatch("%S+") do
  verbs[w] = true
end

for doc in assay.inputs() do
  local toks = doc:tokens()
  for _, s in ipairs(doc:sentences()) do
    for i = s.first, s.last do
      local w = toks[i].lower
      -- Lower case only ("Report:" in a headline is a noun); "according"
      -- counts only in "according to".
      if verbs[w] and toks[i].lowercase and (w ~= "according" or (toks[i + 1] and toks[i + 1].lower == "to")) then
        if w == "according" then w = "according to" end
        local text = s.text:gsub("%s+", " ")
        print(string.format("%s\t%d\t%s\t%s", doc.id, s.index, w, text))
        break
      end
    end
  end
end
