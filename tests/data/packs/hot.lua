-- hot.lua -- a rule whose Lua time is a loop on a line of its own, for
-- `assay extract --profile=lines` (tests/e2e/test_extract.sh).
pack { name = "hot", version = "0" }
local function spin(n)
  local x = 0
  for i = 1, n do x = x + i % 7 end -- line 6: where the time goes
  return x
end
rule "hot.word" {
  match = tokens [[ 'hot' ]],
  emit = function(m, doc) return { layer = "hot", spins = spin(2000000) } end,
}
