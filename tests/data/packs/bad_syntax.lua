pack { name = "bad", version = "0" }
rule "x" { match = tokens [[ 'a' ]], emit = { layer = "x" }
