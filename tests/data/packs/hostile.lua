-- hostile.lua -- rules that misbehave on purpose: each is switched on by a
-- word in the document, so one pack tests every limit.
pack { name = "hostile", version = "0" }
rule "loop.forever" {
  match = tokens [[ 'loop' ]],
  emit = function(m, doc) while true do end end,
}
rule "raise.error" {
  match = tokens [[ 'raise' ]],
  emit = function(m, doc) error("this rule fails on purpose") end,
}
rule "grow.memory" {
  match = tokens [[ 'grow' ]],
  emit = function(m, doc)
    local t = {}
    for i = 1, 1e9 do t[i] = string.rep("x", 100) .. i end
  end,
}
rule "run.command" {
  match = tokens [[ 'shell' ]],
  emit = function(m, doc) os.execute("echo pwned > /tmp/assay-pwned") end,
}
rule "read.outside" {
  match = tokens [[ 'peek' ]],
  emit = function(m, doc)
    local f = io.open("/etc/passwd")
    return { layer = "x", got = f and "opened" or "refused" }
  end,
}
rule "fine" {
  match = tokens [[ 'fine' ]],
  emit = { layer = "ok" },
}
