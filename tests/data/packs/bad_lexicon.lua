pack { name = "bad", version = "0" }
rule "uses.missing" { match = lexicon "nowhere", emit = { layer = "x" } }
