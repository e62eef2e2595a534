-- unbalanced.lua -- a token pattern with an unbalanced parenthesis: the pack
-- does not compile; the error names the file, line, rule and column.
pack { name = "unbalanced", version = "0" }
rule "claim.broken" {
  match = tokens [[ @actor:source ( 'said' | 'told' ]],
  emit = { layer = "claim" },
}
