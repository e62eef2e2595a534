pack { name = "bad", version = "0" }
rule "good.one" { match = tokens [[ 'a' ]], emit = { layer = "x" } }
rule "bad.pattern" { match = tokens [[ ('a' 'b' ]], emit = { layer = "x" } }
rule "bad.capture" { match = tokens [[ 'a':one ]], emit = { layer = "x", v = "$two" } }
