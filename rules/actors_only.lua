-- actors_only.lua -- the actor rules of the news pack alone, for testing them
-- while the other rule files change.  rules/news.lua is the full pack.
pack { name = "news-actors", version = "0.1" }

layer "actor" { policy = "longest" }

include "actors.lua"
