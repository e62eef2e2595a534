-- lexicon_dupes_only.lua -- duplicate lexicon entries only: they merge, the
-- pack compiles, a name and its aliases match the one entry.
pack { name = "dupes", version = "1" }
lexicon "places" { file = "lexicon_dupes_only.yaml" }
rule "actor.place" { match = lexicon "places", emit = { layer = "actor" } }
