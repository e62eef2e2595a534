-- lexicon_dupes.lua -- a pack whose lexicon has duplicate and empty
-- entries: the empty one stops the pack with the file, line and column.
pack { name = "dupes", version = "0" }
lexicon "places" { file = "lexicon_dupes.yaml" }
rule "actor.place" { match = lexicon "places", emit = { layer = "actor" } }
