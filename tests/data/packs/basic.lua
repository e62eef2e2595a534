-- basic.lua -- a small pack exercising every kind of rule, for the engine's
-- tests (tests/lua/test_engine.lua, tests/e2e/test_extract.sh).
pack { name = "basic", version = "2.1" }

layer "actor" { policy = "longest" }
layer "word" { hidden = true }

lexicon "places" {
  fold = true,
  entries = {
    { name = "North Korea", norm = "KP", kind = "country",
      aliases = { "North Korean", { text = "Pyongyang", kind = "government" } },
      attrs = { iso3 = "PRK" } },
    { name = "Korea", norm = "KR?", kind = "country" },
    "Singapore",
  },
}

stage "actors"

rule "actor.place" {
  match = lexicon "places",
  emit = { layer = "actor", source = "lexicon" },
}

rule "actor.officials" {
  match = tokens [[ @actor{kind=country}:where [lower=/^(officials|investigators)$/] ]],
  emit = { layer = "actor", kind = "anonymous", country = "$where" },
  priority = 5,
}

rule "word.capital" {
  match = regex [[\b[A-Z][a-z]+\b]],
  emit = { layer = "word", shape = "Xx" },
}

stage "claims"

rule "claim.said" {
  match = tokens [[ @actor:source [lower=/^(said|says|denied)$/]:cue 'that'? [!sent_start]+:content ]],
  where = function(m, doc) return m.content.text:match("%w") ~= nil end,
  emit = function(m, doc)
    local stance = m.cue.text == "denied" and "denied" or "asserted"
    return { layer = "claim", source = m.source, cue = m.cue, content = m.content,
             stance = stance, confidence = 0.5, checked = true,
             proposition = "speaker | " .. m.cue.text:lower() .. " | something",
             outlet = { text = doc.meta.outlet or "unknown" } }
  end,
}

rule "claim.count" {
  run = function(doc)
    local n = #doc:annotations("claim")
    return { layer = "summary", start = 0, stop = 0, claims = n }
  end,
}
