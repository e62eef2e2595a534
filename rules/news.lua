-- news.lua -- the default news rule pack: actors, dates, claims, and the
-- propositions that group claims across documents.  docs/rules.md.
pack { name = "news", version = "0.1" }

-- What the pack writes.
layer "actor" { policy = "longest" }
layer "date" { policy = "longest" }
layer "claim" { policy = "all" }

include "actors.lua"   -- stages actors, actors.coref
include "dates.lua"    -- stage dates
include "claims.lua"   -- stages cues, claims, propositions
