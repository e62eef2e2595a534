-- dates_only.lua -- a pack with the date rules alone, for testing them
-- without the rest of the news pack (assay test --rules rules/dates_only.lua).
pack { name = "dates", version = "0.1" }

layer "date" { policy = "longest" }

include "dates.lua"
