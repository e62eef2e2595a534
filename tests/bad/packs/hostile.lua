-- hostile.lua -- the bad-input corpus's misbehaving rules, each switched on
-- by a word of the document (tests/e2e/test_bad_input.sh), beside a good
-- rule that must keep working on the other documents.
pack { name = "hostile", version = "1" }
rule "actor.place" {
  match = tokens [[ 'Singapore' | 'Korea' ]],
  emit = { layer = "actor" },
}
rule "regex.catastrophic" {
  match = regex [[(a+)+$]],
  emit = { layer = "x" },
}
rule "loop.forever" {
  match = tokens [[ 'loopforever' ]],
  emit = function(m, doc) while true do end end,
}
rule "raise.error" {
  match = tokens [[ 'raiseerror' ]],
  emit = function(m, doc) error("this rule fails on purpose") end,
}
rule "grow.memory" {
  match = tokens [[ 'growmemory' ]],
  emit = function(m, doc)
    local t = {}
    for i = 1, 1e9 do t[i] = string.rep("x", 1 << 20) .. i end
  end,
}
rule "run.command" {
  match = tokens [[ 'runcommand' ]],
  emit = function(m, doc) os.execute("touch " .. (doc.meta.marker or "/tmp/assay-pwned")) end,
}
