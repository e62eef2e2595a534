-- retry.lua -- where-rejection with and without retry, for test_engine.lua.
pack { name = "retry", version = "1" }
local function no_x(m) return not m.text:find("x", 1, true) end
rule "plain" {
  match = tokens [[ [lower=/^[a-z]$/]+ ]],
  where = no_x,
  emit = { layer = "plain" },
}
rule "again" {
  match = tokens [[ [lower=/^[a-z]$/]+ ]],
  where = no_x,
  retry = true,
  emit = { layer = "again" },
}
