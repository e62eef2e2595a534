-- news_extended.lua -- the news pack with one more claim rule, in another
-- file than claims.lua, for testing (rules/tests/extend_claims.yaml): the
-- claims it writes to the working layer claimx must reach the claim layer
-- like the pack's own (claims.lua reads claimx back when it holds claims
-- it did not write itself).
pack { name = "news-extended", version = "0.1" }

layer "actor" { policy = "longest" }
layer "date" { policy = "longest" }
layer "claim" { policy = "all" }

include "actors.lua"
include "dates.lua"
include "claims.lua"

stage "claims"

-- Every "reckons" is a claim of the outlet about the rest of its
-- sentence.
rule "test.reckons" {
  run = function(doc)
    local out = {}
    for _, t in ipairs(doc:find_tokens("reckons")) do
      local s = doc:sentences()[doc:token(t).sentence]
      local tk = doc:tokens()
      out[#out + 1] = { layer = "claimx", start = tk[t].start, stop = tk[s.last].stop,
        source = { text = "Test Outlet" }, cue = { start = tk[t].start, stop = tk[t].stop },
        content = { start = tk[t + 1].start, stop = tk[s.last - 1].stop },
        stance = "believed", pattern = "test.reckons" }
    end
    return out
  end,
}
