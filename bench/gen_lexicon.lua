-- gen_lexicon.lua -- writes the synthetic YAML lexicon of N entries on which
-- the lexicon budget is measured (docs/lexicons.md, "Performance"):
--   lua5.4 bench/gen_lexicon.lua 1000000 > /tmp/lex1m.yaml
-- The shape of a name list: a 2-3 word name (a first name from 2000, skewed
-- to the common ones; surnames from 60000), one in 20 with a hyphenated
-- surname; a norm (a Wikidata-like id); one entry in three with one alias,
-- either the initial and surname ("K. Robaldor") or the initials ("KR").
-- Deterministic: bench/lexicon_bench.c -n N -w FILE writes the same bytes
-- (both use splitmix64 with integer arithmetic only).
local n = tonumber(arg[1] or "100000")

local syl = { "ka", "ro", "mi", "tsu", "ne", "bal", "dor", "qui", "ven", "lo",
              "sha", "pe", "an", "gu", "tor", "el", "sin", "ba", "ru", "ix" }

-- Word k: the syllables of k in base 20, capitalised.
local function word(k)
  local w = {}
  repeat
    w[#w + 1] = syl[k % 20 + 1]
    k = k // 20
  until k == 0
  local s = table.concat(w)
  return s:sub(1, 1):upper() .. s:sub(2)
end

local state = 42
local function rnd() -- splitmix64, a non-negative 63-bit integer
  state = state + 0x9E3779B97F4A7C15
  local z = state
  z = (z ~ (z >> 30)) * 0xBF58476D1CE4E5B9
  z = (z ~ (z >> 27)) * 0x94D049BB133111EB
  return (z ~ (z >> 31)) >> 1
end

local out = { "name: generated\nkind: person\nfold: true\nentries:\n" }
for i = 1, n do
  local nw = rnd() % 3 == 0 and 3 or 2
  local a, b = rnd() % 2000, rnd() % 2000
  local ws = { word(a < b and a or b) }
  for j = 2, nw do ws[j] = word(2000 + rnd() % 60000) end
  if rnd() % 20 == 0 then ws[nw] = ws[nw] .. "-" .. word(2000 + rnd() % 60000) end
  out[#out + 1] = "  - name: " .. table.concat(ws, " ") ..
                  "\n    norm: Q" .. tostring(1000 + i) .. "\n"
  if i % 3 == 0 then
    local alias
    if rnd() % 2 == 0 then
      alias = ws[1]:sub(1, 1) .. ". " .. ws[nw]
    else
      local t = {}
      for j = 1, nw do t[j] = ws[j]:sub(1, 1) end
      alias = table.concat(t)
    end
    out[#out + 1] = "    aliases: [" .. alias .. "]\n"
  end
  if #out >= 4096 then
    io.write(table.concat(out))
    out = {}
  end
end
io.write(table.concat(out))
