-- gen_lexicon.lua -- writes a synthetic YAML lexicon (docs/lexicons.md) of N
-- entries for measuring load time, memory and scan speed by hand:
--   lua5.4 bench/gen_lexicon.lua 1000000 > /tmp/lex1m.yaml
-- Names are 1-4 words from a vocabulary of 60000 made-up words (Zipf-ish,
-- so prefixes are shared as in real name lists); every third entry has an
-- alias, every entry an `id` attribute.  Deterministic (fixed seed).
local n = tonumber(arg[1] or "100000")
local syl = { "ka", "ro", "mi", "tsu", "ne", "bal", "dor", "qui", "ven", "lo",
              "sha", "pe", "an", "gu", "tor", "el", "sin", "ba", "ru", "ix" }
local words = {}
for i = 1, 60000 do
  local w, x = {}, i
  repeat
    w[#w + 1] = syl[x % #syl + 1]
    x = x // #syl
  until x == 0
  local s = table.concat(w)
  words[i] = s:sub(1, 1):upper() .. s:sub(2)
end
math.randomseed(42)
local function word()
  local r = math.random()
  return words[math.floor(60000 ^ r)] -- small indices are common
end
local kinds = { "person", "org", "place", "country", "outlet" }
local out = { "name: generated", "fold: true", "entries:" }
io.write(table.concat(out, "\n"), "\n")
for i = 1, n do
  local k = math.random(1, 4)
  local ws = {}
  for j = 1, k do ws[j] = word() end
  ws[#ws + 1] = words[(i % 60000) + 1] .. (i // 60000 > 0 and tostring(i // 60000) or "")
  local name = table.concat(ws, " ")
  io.write("  - name: ", name, "\n    kind: ", kinds[i % 5 + 1], "\n")
  if i % 3 == 0 then io.write("    aliases: [", ws[#ws], " ", ws[1], "]\n") end
  io.write("    attrs: {id: E", tostring(i), "}\n")
end
