-- actors.lua -- the actor rules of the news pack: people, organisations,
-- countries, outlets, government bodies, groups and anonymous sources
-- (layer actor: kind, norm), then their resolution within a document
-- (acronyms defined in the text, short forms, surnames, company names).
-- Rule tests: rules/tests/actors.yaml.

---------------------------------------------------------------------------
-- Token classes, written once and spliced into the patterns below.
---------------------------------------------------------------------------

-- Words that are capitalised at a sentence start or in a headline but never
-- begin or continue a name.
local FUNCTION_WORDS = table.concat({
  "the", "a", "an", "and", "or", "but", "nor", "of", "in", "on", "at", "to",
  "for", "from", "with", "by", "as", "into", "about", "after", "before",
  "over", "under", "is", "was", "are", "were", "be", "been", "has", "had",
  "have", "will", "would", "can", "could", "may", "might", "should", "must",
  "do", "does", "did", "not", "no", "it", "its", "he", "she", "they", "we",
  "i", "you", "his", "her", "their", "our", "your", "my", "this", "that",
  "these", "those", "there", "here", "who", "what", "when", "where", "why",
  "how", "if", "then", "than", "so", "says", "said", "say", "also", "just",
  "all", "some", "any", "more", "most", "new", "after", "while", "since",
  "via", "per", "vs", "re", "mr", "ms",
}, "|")
-- The list once had "vs." in it, a regex: "vs" and any one character
-- ("VSO" too). NOT_VS keeps that meaning; the list itself is then plain
-- words, which the pattern compiler turns into a set (a hash lookup, not
-- a PCRE2 call on every word), and NOT_VS goes last in each token class,
-- where its regex only sees the few tokens that begin with "v".
-- In the classes below, the text regex comes before that word set: its
-- first-byte filter turns the lower-case words away (most tokens, tested
-- once each for a pattern's first atom) before they are hashed for the set.
local NOT_VS = "lower!=/^vs.$/"

-- First names that are, capitalised, far more often something else: months,
-- modal verbs, virtues, page furniture. A first name needs a following
-- capitalised word anyway; these need more than that.
local NOT_FIRST_NAMES = table.concat({
  "january", "february", "march", "april", "may", "june", "july", "august",
  "september", "october", "november", "december", "will", "hope", "faith",
  "joy", "grant", "skip", "sign", "page", "chase", "summer", "autumn",
  "winter", "spring", "christian", "roman", "art", "rich", "sunny", "star", "young",
  "major", "general", "justice", "royal", "wade", "worth", "carol", "guy",
  "long", "rose", "iris", "lane", "storm", "sky", "rocky", "angel", "dean",
  "marshal", "king", "prince", "earl", "duke", "baron", "deputy", "sharp",
  "west", "north", "south", "east", "easter", "christmas", "gay", "ivory",
  "ray", "gene", "tech", "ban", "liberty", "trinity", "unity", "israel",
  "china", "india", "georgia", "jordan", "chad", "kenya", "lebanon", "paris",
  "sydney", "victoria", "florence", "austin", "houston", "dallas", "phoenix",
  "tyler", "beverly", "cleveland", "lincoln", "madison", "marion", "orlando",
}, "|")

-- Days and months are capitalised but name no one ("Times Wednesday").
local CALENDAR_WORDS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday|" ..
  "january|february|march|april|may|june|july|august|september|october|november|december"

-- A word of a person's name after the first: capitalised, with a lower-case
-- letter (so acronyms such as CEO are not surnames), hyphens and apostrophes
-- allowed (Jong-un, O'Brien); not the start of a sentence.
-- (`!upper` is implied by the text regex, which wants a lower-case letter:
-- a flag test that keeps words in capitals from reaching PCRE2.)
-- `excluded`: the words (lower case, separated by |) it may not be.
local function name_word(excluded)
  return [=[[kind=word, !abbrev, !sent_start, !upper, text=/^\p{Lu}(?:'|’)?\p{Ll}\p{L}*(?:(?:'|’|-)\p{L}+)*$/, ]=] ..
    "lower!=/^(" .. excluded .. ")$/, " .. NOT_VS .. "]"
end
local NAME_WORD = name_word(FUNCTION_WORDS .. "|" .. CALENDAR_WORDS)
-- A middle initial: "John F. Kennedy".
-- (Its shape is X., tested first: a string comparison, not a regex.)
local INITIAL = [[[shape=X., text=/^\p{Lu}\.$/, !sent_start] ]]
-- A word of an organisation's name: capitalised or a number ("21st Century
-- Fox", "AMC Theaters"), not a function word.
local ORG_WORD = [[[kind=word, !headline, text=/^(?:\p{Lu}|\d)/, ]] ..
  "lower!=/^(" .. FUNCTION_WORDS .. ")$/, " .. NOT_VS .. "] "
local ORG_NEXT = [[[kind=word, !sent_start, !headline, text=/^(?:\p{Lu}|\d)/, ]] ..
  "lower!=/^(" .. FUNCTION_WORDS .. ")$/, " .. NOT_VS .. "] "
-- An all-capital acronym: GOP, FBI, ISIS, G8.
local ACRONYM = [[[text=/^\p{Lu}(?:\p{Lu}|\d|&){1,7}$/] ]]

local PLURAL_DET = [[[lower=/^(the|some|several|many|other|these|those|two|three|four|five|six|seven|eight|nine|ten|numerous|multiple|both|unnamed|anonymous)$/] ]]
local SINGULAR_DET = [[[lower=/^(a|an|one|the|another|this|that)$/] ]]
-- What may modify an anonymous head: a country or organisation (kept as
-- attributes of the anonymous actor), or a modifier word.
local ANON_MOD = [[(@actor{kind=/^(country|government|org|outlet|group)$/}:affil | @anon_mod)]]

local CALENDAR_LOOKUP = {}
for w in CALENDAR_WORDS:gmatch("[^|]+") do CALENDAR_LOOKUP[w] = true end

local function pattern(parts) return table.concat(parts, " ") end

---------------------------------------------------------------------------
-- Lexicons
---------------------------------------------------------------------------

lexicon "countries" { file = "lexicons/countries.yaml", fold = false }
lexicon "outlets" { file = "lexicons/outlets.yaml", fold = false }
local PLACE_FILES = { "lexicons/actors_places.yaml", "lexicons/actors_places_world.yaml" }
lexicon "places" { files = PLACE_FILES, fold = false }
-- The same names in upper-case headlines and datelines ("LONDON", "NEW YORK").
lexicon "countries_upper" { file = "lexicons/countries.yaml", fold = true }
lexicon "places_upper" { files = PLACE_FILES, fold = true }
lexicon "government" { file = "lexicons/government.yaml", fold = false }
lexicon "organizations" { file = "lexicons/organizations.yaml", fold = false }
lexicon "groups" { file = "lexicons/groups.yaml", fold = false }
lexicon "sports" { file = "lexicons/actors_sports.yaml", fold = false }
lexicon "titles" { files = { "lexicons/titles.yaml", "lexicons/actors_titles.yaml" }, fold = false }
lexicon "first_names" { file = "lexicons/first_names.yaml", fold = false }
lexicon "person_suffixes" { file = "lexicons/person_suffixes.yaml", fold = false }
lexicon "org_suffixes" { file = "lexicons/org_suffixes.yaml", fold = false }
lexicon "anonymous" {
  files = { "lexicons/anonymous.yaml", "lexicons/actors_anonymous.yaml" }, fold = true,
}
lexicon "anon_modifiers" { file = "lexicons/actors_anon_modifiers.yaml", fold = true }

-- Working layers: parts of names, never written unless asked for.
layer "title" { hidden = true }
layer "first_name" { hidden = true }
layer "person_suffix" { hidden = true }
layer "org_suffix" { hidden = true }
layer "anon_head" { hidden = true }
layer "anon_mod" { hidden = true }
layer "acronym" { hidden = true }

---------------------------------------------------------------------------
-- Helpers for where/emit functions
---------------------------------------------------------------------------

-- One token array per document, shared by the rules of this file. The
-- tokens are proxies (lua_doc.c) that fetch a field on first read and keep
-- it, and that first read is what costs (a C call and the proxy's table
-- growing): so no rule here walks every token. A token is found from its
-- byte offset (token_at), and a word with doc:find_tokens (both in C).
local find = string.find
local token_cache = setmetatable({}, { __mode = "k" })
local function doc_cache(doc)
  local c = token_cache[doc]
  if not c then
    local toks = doc:tokens()
    c = { toks = toks, n = #toks, text = doc.text, lower = {}, at = {},
          doc = doc, token_at = doc.token_at }
    token_cache[doc] = c
  end
  return c
end
local function tokens_of(doc) return doc_cache(doc).toks end

-- The number of the token that starts at byte `pos`, or nil (false in
-- the memo): doc:token_at, a binary search in C.
local function token_at(c, pos)
  local hit = c.at[pos]
  if hit == nil then
    hit = c.token_at(c.doc, pos) or false
    c.at[pos] = hit
  end
  return hit or nil
end

-- The numbers of the tokens whose text is `word`, in text order.
local function tokens_with_text(c, word)
  return c.doc:find_tokens(word)
end

-- The numbers of the tokens whose text is one of the keys of `words` (but
-- not one of the keys of `except`, when given), in text order.
local function tokens_with_texts(c, words, except)
  local list = {}
  for w in pairs(words) do
    if not (except and except[w]) then list[#list + 1] = w end
  end
  if #list <= 256 then return c.doc:find_tokens(list) end
  local out = {}
  for _, w in ipairs(list) do
    for _, i in ipairs(c.doc:find_tokens(w)) do out[#out + 1] = i end
  end
  table.sort(out)
  return out
end

-- Whether the document writes the lower form `w` as a word in lower case
-- ("purchasing managers"): some token has the flag lowercase and the
-- lower form w. Such a token is its own lower form, except when it holds
-- NUL, invalid UTF-8 or one of 42 characters that lower without being
-- capitals (Roman numerals U+2160-216F, circled letters U+24B6-24CF), none
-- of which lowers to ASCII. So the text is searched for w itself; only for
-- a w that is not ASCII in a text with one of those are the lower-case
-- tokens all collected (once) instead.
local function odd_lowering(c)
  if c.odd == nil then
    local t = c.text
    c.odd = (find(t, "%z") or find(t, "\226\133[\160-\175]") or find(t, "\226\146[\182-\191]") or
      find(t, "\226\147[\128-\143]") or not utf8.len(t)) and true or false
  end
  return c.odd
end
local function written_lower(c, w)
  local v = c.lower[w]
  if v ~= nil then return v end
  if find(w, "[\128-\255]") and odd_lowering(c) then
    if not c.lower_all then
      local all, toks = {}, c.toks
      for i = 1, c.n do
        local t = toks[i]
        if t.lowercase then all[t.lower] = true end
      end
      c.lower_all = all
    end
    v = c.lower_all[w] or false
  elseif find(c.text, w, 1, true) then
    -- (Most names never occur in lower case at all: a plain search of the
    -- text rules them out without a token list.)
    v = false
    local toks = c.toks
    for _, i in ipairs(c.doc:find_tokens(w)) do
      if toks[i].lowercase then v = true; break end
    end
  else
    v = false
  end
  c.lower[w] = v
  return v
end

-- True when the match is the first word of a sentence (or of a line in a
-- headline), where capitalisation says nothing.
local function at_sentence_start(m, doc)
  local t = tokens_of(doc)[m.first]
  return t and (t.sent_start or t.line_start) or false
end

-- Entries marked ambiguous (Deadline, Wired, Apple, Anonymous) are actors
-- when capitalised inside a sentence; at its start they are often words.
local function unambiguous_here(m, doc)
  -- An acronym (GOP) is no common word, wherever it stands.
  if m.attrs and m.attrs.ambiguous and m.first == m.last and not m.text:match("^%u+$") then
    return not at_sentence_start(m, doc)
  end
  return true
end

-- The canonical form of a person's name: one space between words, and the
-- parts of a hyphenated Korean or Chinese given name capitalised, so that
-- "Kim Jong-un" and "Kim Jong Un" are one person.
local function person_norm(text)
  -- Most names are already canonical: words split by single spaces, no
  -- hyphen, no comma after a space (%c: tabs and line breaks).
  if not find(text, "[%-%c]") and not find(text, "  ", 1, true) and
    not find(text, " ,", 1, true) and not find(text, "^ ") and not find(text, " $") then
    return text
  end
  local words = {}
  for w in text:gmatch("%S+") do
    local given, rest = w:match("^(%u%l+)%-(%l%l?)$")
    if given then
      words[#words + 1] = given
      words[#words + 1] = rest:sub(1, 1):upper() .. rest:sub(2)
    else
      words[#words + 1] = w
    end
  end
  return (table.concat(words, " "):gsub(" ,", ","))
end

-- The ISO code an affiliation stands for: a country's norm, or the country
-- attribute of a government body or organisation.
local function affiliation_country(a)
  if not a then return nil end
  if a.kind == "country" then return a.norm end
  return a.country
end

---------------------------------------------------------------------------
-- Stage actors: lexicons, then patterns over them
---------------------------------------------------------------------------

stage "actors"

-- Name parts (hidden).
rule "actor.part.title" { match = lexicon "titles", emit = { layer = "title" } }
local NOT_FIRST_NAME = {}
for w in NOT_FIRST_NAMES:gmatch("[^|]+") do NOT_FIRST_NAME[w] = true end
rule "actor.part.first_name" {
  match = lexicon "first_names",
  where = function(m) return not NOT_FIRST_NAME[m.text:lower()] end,
  emit = { layer = "first_name" },
}
rule "actor.part.person_suffix" { match = lexicon "person_suffixes", emit = { layer = "person_suffix" } }
rule "actor.part.org_suffix" {
  match = lexicon "org_suffixes",
  emit = { layer = "org_suffix", suffix_kind = "$attr.kind" },
}
rule "actor.part.anon_head" { match = lexicon "anonymous", emit = { layer = "anon_head" } }
rule "actor.part.anon_mod" { match = lexicon "anon_modifiers", emit = { layer = "anon_mod" } }

-- Lexicon actors: kind, norm and attributes come from the entry. Priority 3:
-- a known name beats a name guessed by a pattern over the same words.
rule "actor.country" {
  match = lexicon "countries",
  where = unambiguous_here,
  emit = { layer = "actor" }, priority = 3,
}
rule "actor.place" {
  match = lexicon "places",
  emit = { layer = "actor" }, priority = 2,
}
-- All capitals only: the folded lexicons would otherwise take "us" and "chad".
local function all_caps(m)
  return m.text:match("%u%u") and not m.text:match("%l") and #m.text > 2
end
rule "actor.country.upper" {
  match = lexicon "countries_upper", where = all_caps,
  emit = { layer = "actor" }, priority = 1,
}
rule "actor.place.upper" {
  match = lexicon "places_upper", where = all_caps,
  emit = { layer = "actor" }, priority = 1,
}

rule "actor.outlet" {
  match = lexicon "outlets",
  where = unambiguous_here,
  emit = { layer = "actor" }, priority = 3,
}
rule "actor.government" { match = lexicon "government", emit = { layer = "actor" }, priority = 3 }
rule "actor.org" {
  match = lexicon "organizations",
  where = unambiguous_here,
  emit = { layer = "actor" }, priority = 3,
}
rule "actor.group" {
  match = lexicon "groups",
  where = unambiguous_here,
  emit = { layer = "actor" }, priority = 3,
}

-- Sports clubs known by name ("Real Madrid", "Yankees", "All Blacks").
rule "actor.sports" {
  match = lexicon "sports",
  emit = { layer = "actor" }, priority = 3,
}

-- Which tokens the lexicon rules above cover, built once per document by
-- the run rule below (rules of a stage run in declaration order) and read
-- by the `where` filters of the guesses: no per-match walk over the
-- annotations. Keyed by the document, so a new document starts afresh.
local known = { doc = nil, covered = {}, first = {} }
-- Words of games, in lower case: a document using two or more different ones
-- is a sports report, where a place named on its own is mostly the team.
local GAME_WORDS = {}
for w in ([[wickets wicket innings inning pitcher pitchers goals goal rugby runs
  batting batsman batsmen bowler bowlers bowled bowling touchdown touchdowns
  match striker strikers goalkeeper penalty penalties midfielder defender
  quarterback homer homers fielder overs equaliser equalizer hat-trick
  half-time halftime scorer cricket soccer]]):gmatch("%S+") do
  GAME_WORDS[w] = true
end
local KNOWN_RULES = {
  ["actor.country"] = true, ["actor.outlet"] = true, ["actor.government"] = true,
  ["actor.org"] = true, ["actor.group"] = true, ["actor.place"] = true,
  ["actor.country.upper"] = true, ["actor.place.upper"] = true,
  ["actor.sports"] = true,
}
local WITH_TOKENS = { tokens = true, lazy = true }
rule "actor.guess.known" {
  run = function(doc)
    local covered, first = {}, {}
    local at = doc_cache(doc).at
    -- The lexicon rules above match whole tokens, so each of their
    -- annotations starts at the start of its token a.first (doc:annotations
    -- with tokens = true): no token_at call to check it, and the memo of
    -- token_at learns it for actor.coref.
    local actors = doc:annotations("actor", WITH_TOKENS)
    for ai = 1, #actors do
      local a = actors[ai]
      local i = KNOWN_RULES[a.rule] and a.first
      if i then
        at[a.start] = i
        local kind = a.kind or "actor"
        for k = i, a.last do
          covered[k] = kind
          first[k] = i
        end
      end
    end
    -- A title is no part of a guessed name ("President", "Minister").
    for _, a in ipairs(doc:annotations("title", WITH_TOKENS)) do
      local i = a.first
      if i then
        for k = i, a.last do covered[k] = "title" end
      end
    end
    known.doc, known.covered, known.first = doc, covered, first
  end,
}

-- Whether the document is a sports report: two or more different game
-- words written in lower case. The pattern finds them through the token
-- index (no pass over the tokens in Lua); it annotates nothing.
local GAME_LIST = {}
for w in pairs(GAME_WORDS) do GAME_LIST[#GAME_LIST + 1] = w end
table.sort(GAME_LIST)
rule "actor.guess.games" {
  match = tokens("[lower=/^(" .. table.concat(GAME_LIST, "|") .. ")$/, lower_case]"),
  emit = function(m, doc)
    local c = doc_cache(doc)
    local games = c.games or {}
    c.games = games
    local w = m.text   -- a lower-case token: its own lower form
    if not games[w] then games[w] = true; c.n_games = (c.n_games or 0) + 1 end
  end,
}
local function sports_report(doc)
  return (doc_cache(doc).n_games or 0) >= 2
end

-- A guessed name must not cut through a name the lexicons know: "York Times
-- Wednesday" in "The New York Times Wednesday" is no person. Tokens first..last.
local function crosses_known(first, last, doc)
  if known.doc ~= doc then return false end
  local c, f = known.covered, known.first
  if c[first] and c[first] ~= "title" and f[first] < first then return true end
  local nxt = last + 1
  return c[nxt] ~= nil and c[nxt] ~= "title" and f[nxt] <= last
end

-- Organisations from their last word: "Lieberman Software", "AMC Theaters",
-- "National Safety Council" (government), "Islamic Jihad Movement" (group);
-- and "Department of Homeland Security", "Bank of England".
for _, kind in ipairs { "org", "government", "group" } do
  rule("actor.org_suffix." .. kind) {
    match = tokens(pattern {
      ORG_WORD, "(", ORG_NEXT, "| '&' ){0,4}",
      "@org_suffix{suffix_kind=" .. kind .. "}",
      "( ','? @org_suffix{type=legal} )?",
    }),
    emit = { layer = "actor", kind = kind, norm = "$text", pattern = "suffix" },
  }
  rule("actor.org_of." .. kind) {
    match = tokens(pattern {
      "(", ORG_WORD, ORG_NEXT, "{0,3} )?",
      "@org_suffix{suffix_kind=" .. kind .. "} 'of' 'the'?", ORG_NEXT,
      ORG_NEXT, "{0,3}",
    }),
    emit = { layer = "actor", kind = kind, norm = "$text", pattern = "suffix" },
  }
end

-- Numbered military and intelligence units: "Unit 121", "Unit 61398".
rule "actor.unit" {
  match = tokens [[ "Unit" [shape=/^d+$/] ]],
  emit = { layer = "actor", kind = "government", norm = "$text" },
}

-- People: a first name and one or two capitalised words ("James Franco",
-- "Kim Jong-un", "Kim Jong Un", "John F. Kennedy", "Martin Luther King Jr.").
rule "actor.person.first_name" {
  match = tokens(pattern {
    "@first_name", INITIAL, "?", NAME_WORD, "(", INITIAL, "?", NAME_WORD, ")?",
    "( ','? @person_suffix )?",
  }),
  where = function(m, doc) return not crosses_known(m.first, m.last, doc) end,
  emit = function(m)
    return { layer = "actor", kind = "person", norm = person_norm(m.text), priority = 1 }
  end,
}

-- People after a title, the title kept out of the span: "President Obama",
-- "spokeswoman Bernadette Meehan", "North Korean leader Kim Jong Un" (the
-- demonym gives the person's country).
rule "actor.person.title" {
  match = tokens(pattern {
    "(@actor{kind=country}:country)? @title:title",
    "(", NAME_WORD, "(", INITIAL, "?", NAME_WORD, "){0,2} ( ','? @person_suffix )? ):name",
  }),
  where = function(m, doc) return not crosses_known(m.name.first, m.name.last, doc) end,
  emit = function(m, doc)
    local a = {
      layer = "actor", start = m.name.start, stop = m.name.stop, kind = "person",
      norm = person_norm(m.name.text), title = m.title.text, priority = 2,
    }
    if m.country then
      local c = doc:annotation(m.country.ann)
      a.country = c and c.norm
    end
    return a
  end,
}

---------------------------------------------------------------------------
-- Guessed names: capitalised words no lexicon knows, taken for a person or
-- an organisation by their shape and their neighbours. They lose to every
-- known name (priority below 0) and never cut through one.
---------------------------------------------------------------------------


-- True when no token of the match is part of a known name.
local function all_unknown(m, doc)
  if known.doc ~= doc then return true end
  for i = m.first, m.last do
    if known.covered[i] then return false end
  end
  return true
end

-- Guessed names do not begin with these capitalised words (headings,
-- sports and market page furniture, honorifics kept out of the span).
local NOT_NAME_START = {
  ["new"] = true, ["north"] = true, ["south"] = true, ["east"] = true,
  ["west"] = true, ["central"] = true, ["united"] = true, ["national"] = true,
  ["international"] = true, ["world"] = true, ["first"] = true, ["grand"] = true,
  ["state"] = true, ["federal"] = true, ["royal"] = true, ["great"] = true,
  ["upper"] = true, ["lower"] = true, ["saint"] = true, ["st"] = true,
  ["st."] = true, ["fort"] = true, ["port"] = true, ["lake"] = true,
  ["mount"] = true, ["cape"] = true, ["san"] = true, ["santa"] = true,
  ["los"] = true, ["las"] = true, ["el"] = true, ["la"] = true,
  ["le"] = true, ["real"] = true, ["club"] = true, ["red"] = true,
  ["old"] = true, ["minor"] = true, ["major"] = true, ["premier"] = true,
  ["catholic"] = true, ["roman"] = true, ["islamic"] = true,
  ["christian"] = true, ["democratic"] = true, ["republican"] = true,
  ["labour"] = true, ["labor"] = true, ["liberal"] = true,
  ["conservative"] = true, ["social"] = true, ["socialist"] = true,
  ["communist"] = true, ["people"] = true, ["supreme"] = true,
  ["high"] = true, ["lord"] = true, ["holy"] = true, ["prime"] = true,
  ["internet"] = true, ["online"] = true,
}
-- Nor end with these: what follows a place in the name of a thing.
local NOT_NAME_END = {
  ["park"] = true, ["street"] = true, ["road"] = true, ["square"] = true,
  ["bridge"] = true, ["hall"] = true, ["house"] = true, ["county"] = true,
  ["city"] = true, ["town"] = true, ["island"] = true, ["islands"] = true,
  ["river"] = true, ["valley"] = true, ["airport"] = true, ["stadium"] = true,
  ["cup"] = true, ["open"] = true, ["games"] = true, ["series"] = true,
  ["championship"] = true, ["championships"] = true, ["league"] = true,
  ["rangers"] = true, ["rovers"] = true, ["wanderers"] = true, ["athletic"] = true,
  ["albion"] = true, ["palace"] = true, ["villa"] = true, ["forest"] = true,
  ["vale"] = true, ["wednesday"] = true, ["hotspur"] = true, ["town"] = true,
  ["exchange"] = true, ["index"] = true, ["desk"] = true, ["newsdesk"] = true,
  ["newsroom"] = true, ["east"] = true, ["west"] = true, ["gulf"] = true,
  ["sea"] = true, ["ocean"] = true, ["coast"] = true, ["church"] = true,
  ["times"] = true, ["post"] = true, ["news"] = true, ["journal"] = true,
  ["party"] = true, ["front"] = true, ["army"] = true, ["union"] = true,
  ["center"] = true, ["centre"] = true, ["court"] = true, ["prize"] = true,
  ["trophy"] = true, ["award"] = true, ["awards"] = true, ["day"] = true,
  ["war"] = true, ["act"] = true, ["treaty"] = true, ["accord"] = true,
  ["accords"] = true, ["plan"] = true, ["agreement"] = true, ["reserve"] = true,
  ["fund"] = true, ["bank"] = true, ["group"] = true, ["golf"] = true,
  ["course"] = true, ["county"] = true, ["united"] = true, ["city"] = true,
}

-- (The first word is never one of NOT_NAME_START here: person.guess
-- leaves those out in its pattern, and an initial is none of them.)
local function guessed_name_ok(m, doc)
  return all_unknown(m, doc) and not NOT_NAME_END[tokens_of(doc)[m.last].lower]
end

-- "P. Simmons", "J. Smith": an initial and a surname (sports tables,
-- bylines). The initial may open a line. (Shape X. first, as in INITIAL:
-- most capitalised words then never reach PCRE2.)
rule "actor.person.initial" {
  match = tokens(pattern {
    [[[shape=X., text=/^\p{Lu}\.$/] ]], INITIAL, "?", NAME_WORD, "(", NAME_WORD, ")?",
  }),
  where = guessed_name_ok,
  emit = function(m)
    return { layer = "actor", kind = "person", norm = person_norm(m.text), pattern = "guess", priority = -1 }
  end,
}

-- Two or three capitalised words inside a sentence that no lexicon knows:
-- a person far more often than anything else in news ("Jansher Khan",
-- "Sergen Yalcin"); names of things are caught by their suffixes and the
-- lexicons first, and the word lists above keep out places and titles.
-- Common phrases capitalised in a heading or a title are no people: a last
-- word with an abstract-noun ending ("Cultural Revolution"), or words the
-- document also writes in lower case ("Purchasing Managers").
-- (Endings by length: two lookups instead of a loop over the list.)
local ABSTRACT_ENDINGS = { "tion", "sion", "ment", "ness", "ism", "ity", "ship",
  "ance", "ence", "ics", "acy" }
local ENDING_OF_LENGTH = { [3] = {}, [4] = {} }
for _, e in ipairs(ABSTRACT_ENDINGS) do ENDING_OF_LENGTH[#e][e] = true end
local function abstract_noun(word)
  local n = #word
  return (n > 6 and ENDING_OF_LENGTH[4][word:sub(-4)]) or
    (n > 5 and ENDING_OF_LENGTH[3][word:sub(-3)]) or false
end
local function common_phrase(m, doc)
  local c = doc_cache(doc)
  local toks = c.toks
  if abstract_noun(toks[m.last].lower) then return true end
  if known.doc ~= doc then return false end
  for i = m.first, m.last do
    if not written_lower(c, toks[i].lower) then return false end
  end
  return true
end

-- The first word as NAME_WORD, but none of NOT_NAME_START (all plain
-- words but "st.", which NAME_WORD refuses anyway). A `where` refusing
-- them would, with `retry`, have the scan go on from the next token, as it
-- does by itself when the pattern leaves them out: same names, no match
-- table and Lua call for each.
local NAME_START_WORDS = {}
for w in pairs(NOT_NAME_START) do
  if w:match("^%l+$") then NAME_START_WORDS[#NAME_START_WORDS + 1] = w end
end
table.sort(NAME_START_WORDS)
local GUESS_START = name_word(FUNCTION_WORDS .. "|" .. CALENDAR_WORDS .. "|" .. table.concat(NAME_START_WORDS, "|"))
rule "actor.person.guess" {
  match = tokens(pattern { GUESS_START, NAME_WORD, NAME_WORD, "?" }),
  where = function(m, doc) return guessed_name_ok(m, doc) and not common_phrase(m, doc) end,
  retry = true,
  emit = function(m)
    return { layer = "actor", kind = "person", norm = person_norm(m.text), pattern = "guess", priority = -2 }
  end,
}

-- One capitalised word next to a speech verb: "Wang said", "said Mandela".
local SPEECH = [[[lower=/^(said|says|told|added|asked|insisted|stressed|argued|noted|explained|warned|wrote)$/] ]]
-- A plural or a role word before "said" is no name ("Police said").
local NOT_SPEAKER = {}
for w in ([[police officials analysts dealers traders sources reports experts
  residents doctors witnesses others both many some everyone nobody someone
  investors economists critics observers diplomats officers soldiers rebels
  prosecutors lawyers doctors scientists researchers authorities organisers
  organizers statement spokesman spokeswoman government ministry sources
  newspapers reuters it he she they we i you this that there one none
  officer official source report newspaper agency radio television paper]]):gmatch("%S+") do
  NOT_SPEAKER[w] = true
end
local SPEAKER_WORD = [=[[kind=word, !abbrev, !upper, text=/^\p{Lu}(?:'|’)?\p{Ll}\p{L}*(?:(?:'|’|-)\p{L}+)*$/]]=]
rule "actor.person.speaker" {
  match = tokens(pattern {
    "(", SPEAKER_WORD, "):name", SPEECH, "|", SPEECH, "(", NAME_WORD, "):name [lower=/^[.,;]$/]",
  }),
  where = function(m, doc)
    local i = m.name.first
    if known.doc == doc and known.covered[i] then return false end
    local t = tokens_of(doc)[i]
    local lower = t.lower
    return not NOT_NAME_START[lower] and not NOT_SPEAKER[lower] and not CALENDAR_LOOKUP[lower] and
      -- "Readers wrote": a plural opening a sentence is a common noun.
      not (m.name.text:match("[^s]s$") and t.sent_start)
  end,
  emit = function(m)
    return { layer = "actor", start = m.name.start, stop = m.name.stop, kind = "person",
             norm = m.name.text, pattern = "guess", priority = -2 }
  end,
}

-- Acronyms that name no organisation: units, titles, page furniture.
local NOT_ORG_ACRONYMS = {}
for w in ([[CEO CFO COO CTO GMT EST EDT PST BST CET AM PM TV OK DNA HIV AIDS
  GDP GNP CPI PPI VAT IPO LBO MBA PHD PC PCS CD CDS DVD USB SMS ID IQ RBI ERA
  NB II III IV VI VII VIII IX XI XII MP MPS PR Q&A FAQ ATM SUV NA NR NM NIL
  KM KG MM CM MW KW GW BPD CST MST PDT UTC ET PT FT PLC LTD INC CORP CO AG SA
  NV SPA BHD NL SEC USD EUR GBP JPY DM FFR YEN RPM ACT DOS RAM CPU OS UK US
  USA EU UN AT IN ON OF THE AND FOR TO BY VS UP NO WHO ALL NOT BUT ARE OR A
  I SO IT IS AS BE WE HE MR MS DR ST JR SR HK RE TO PTS MIN REF AVG ERA HR
  RBI DIV AP MLB NBA NFL NHL GOLF TENNIS]]):gmatch("%S+") do
  NOT_ORG_ACRONYMS[#NOT_ORG_ACRONYMS + 1] = w
end

-- Capitals with a lower-case word on each side (or the line's edge): a
-- headline in capitals is no run of acronyms.
local function shouting(t)
  return t and t.kind == "word" and not t.lowercase and not t.title and
    t.text:match("^%u%u") and not t.line_start
end
-- Whether token i is a word in lower case or capitalised on the line of
-- the tokens first..last.
local function prose_word_near(toks, i, first, last)
  local t = toks[i]
  if not (t and (t.lowercase or t.title) and t.kind == "word") then return false end
  for j = math.min(i, first) + 1, math.max(i, last) do
    if toks[j].line_start then return false end
  end
  return true
end
local function caps_in_prose(m, doc)
  local toks = tokens_of(doc)
  local prev, nxt = toks[m.first - 1], toks[m.last + 1]
  local cur = toks[m.first]
  if shouting(nxt) then return false end
  if prev and not cur.line_start and prev.kind == "word" and not prev.lowercase
    and not prev.title and prev.text:match("^%u%u") then return false end
  -- Prose: a word in lower case or capitalised within two tokens, on the
  -- same line ("NOTE :" heading a table is no organisation); the nearer
  -- tokens first, as they settle most matches.
  local first, last = m.first, m.last
  return prose_word_near(toks, first - 1, first, last) or prose_word_near(toks, last + 1, first, last) or
    prose_word_near(toks, first - 2, first, last) or prose_word_near(toks, last + 2, first, last)
end

-- An acronym of two to five capitals that no lexicon knows, in prose: an
-- organisation ("the OSCE said", "NLD leaders").
-- The list of non-organisations is a word set in the pattern (a match is
-- one token, so leaving them out there is the same as refusing them in
-- `where`), and `upper`, implied by the regex, keeps most words from it.
rule "actor.org.acronym" {
  match = tokens("[upper, !headline, text!=/^(" .. table.concat(NOT_ORG_ACRONYMS, "|") ..
    [[)$/, text=/^\p{Lu}[\p{Lu}&]{1,4}$/] ]]),
  where = function(m, doc)
    return all_unknown(m, doc) and caps_in_prose(m, doc)
  end,
  emit = { layer = "actor", kind = "org", norm = "$text", pattern = "guess", priority = -2 },
}

-- Sports teams are mostly named after places: a place with a score next to
-- it, or between the words of a fixture, is the team ("Leeds 2 Chelsea 1",
-- "Kent beat Essex", "CHICAGO AT NEW YORK"). National sides keep their
-- country (they are the country in most news usage).
local SCORE = [[[kind=number, text=/^\d{1,3}(?:-\d{1,3})?$/] ]]
local TEAM_WORD = [=[[kind=word, text=/^\p{Lu}[\p{L}'’&-]*$/, ]=] ..
  "lower!=/^(" .. FUNCTION_WORDS .. "|" .. CALENDAR_WORDS .. ")$/, " .. NOT_VS .. "] "
local function not_country(m, doc, cap)
  local prev = tokens_of(doc)[cap.first - 1]
  if prev and prev.text:match("^%u%.$") then return false end   -- "M. Butcher 70"
  if known.doc ~= doc then return true end
  for i = cap.first, cap.last do
    if known.covered[i] == "country" or known.covered[i] == "title" then return false end
  end
  return true
end
local function team(cap, doc)
  local t = { layer = "actor", start = cap.start, stop = cap.stop, kind = "org",
              norm = cap.text, sector = "sport", pattern = "team", priority = 5 }
  return t
end

-- "Leeds 2 Chelsea 1", "Somerset 83 and 174 , Leicestershire 296".
rule "actor.team.result" {
  match = tokens(pattern {
    "(", TEAM_WORD, "{1,3} ):a", SCORE, "( 'and' ", SCORE, ")? ','?",
    "(", TEAM_WORD, "{1,3} ):b", SCORE,
  }),
  where = function(m, doc) return not_country(m, doc, m.a) and not_country(m, doc, m.b) end,
  emit = function(m, doc) return { team(m.a, doc), team(m.b, doc) } end,
}
-- A known place with a score after it: standings and result lines.
rule "actor.team.score" {
  match = tokens(pattern {
    "(@actor{kind=/^(place|government)$/}):a", SCORE, "( [kind=number] | 'points' | 'and' | ',' )",
  }),
  where = function(m, doc) return not_country(m, doc, m.a) end,
  emit = function(m, doc) return team(m.a, doc) end,
}
-- A club with its town's initial in brackets: "Mladost ( L )", "Radnicki ( N )".
rule "actor.team.bracket" {
  match = tokens(pattern { TEAM_WORD, [['(' [text=/^\p{Lu}$/] ')']] }),
  emit = function(m)
    return { layer = "actor", kind = "org", norm = m.text, sector = "sport", team = true,
             pattern = "team", priority = 5 }
  end,
}
-- "Kent beat Essex", "Leeds v Chelsea", "Boston at Chicago" (fixtures in
-- capitals: "BOSTON AT CHICAGO"). The one-word links are one word set: one
-- test per token, not one per word.
rule "actor.team.fixture" {
  match = tokens(pattern {
    "(", TEAM_WORD, "{1,3} ):a",
    [[( [lower=/^(beat|beats|v|v\.|vs|vs\.|drew|thrashed|routed|edged|at)$/] | 'drew' 'with' | 'lost' 'to' )]],
    "(", TEAM_WORD, "{1,3} ):b",
  }),
  where = function(m, doc)
    return not_country(m, doc, m.a) and not_country(m, doc, m.b) and
      (not m.text:find(" AT ", 1, true) or not m.text:match("%l"))
  end,
  emit = function(m, doc) return { team(m.a, doc), team(m.b, doc) } end,
}

-- Anonymous sources: a head ("officials", "a source familiar with the
-- investigation") with what modifies it: "U.S. officials", "American
-- intelligence officials", "U.S. federal law enforcement agencies", "a U.S.
-- government source", "the sources". One actor for the whole phrase; a
-- country or organisation in it becomes the attributes country, affiliation
-- and modifier (its span), so the phrase still tells whose officials.
local function emit_anonymous(m, doc)
  local head = doc:annotation(m.head.ann)
  local affil = m.affil and doc:annotation(m.affil.ann)
  local country = affiliation_country(affil)
  local a = {
    layer = "actor", kind = "anonymous", head = head.head, number = head.number,
    role = head.role, country = country,
    norm = (country and country .. " " or "") .. (head.canonical or head.norm or head.text),
  }
  if affil then
    a.modifier = { start = affil.start, stop = affil.stop }
    a.modifier_kind = affil.kind
    if affil.demonym and affil.text == affil.demonym then a.modifier_demonym = true end
    if affil.kind ~= "country" then a.affiliation = affil.norm end
  end
  return a
end

-- A singular head is a noun only in some company: "the source code", "an
-- official statement" are not sources.
local NOT_AFTER_SINGULAR = {
  code = true, codes = true, of = true, material = true, statement = true,
  website = true, site = true, visit = true, data = true, language = true,
  document = true, documents = true, report = true, name = true,
  residence = true, figures = true, channels = true, account = true,
}
-- "spokeswoman Bernadette Meehan": a head followed by a name is a title.
local function singular_head_ok(m, doc)
  local nxt = tokens_of(doc)[m.last + 1]
  if not nxt then return true end
  if NOT_AFTER_SINGULAR[nxt.lower] then return false end
  return not (nxt.title and not nxt.sent_start)
end

-- An anonymous source never runs over a paragraph break (a heading line
-- such as "Sony Pictures Entertainment" is not a modifier of the next
-- paragraph's first words); `retry` then finds the phrase that starts
-- after the break.
local function within_paragraph(m)
  return not m.text:find("\n%s*\n")
end

rule "actor.anonymous.plural" {
  match = tokens(pattern { PLURAL_DET, "?", ANON_MOD, "* @anon_head{number=plural}:head" }),
  where = within_paragraph,
  retry = true,
  emit = emit_anonymous,
}
rule "actor.anonymous.singular" {
  match = tokens(pattern {
    "(", SINGULAR_DET, ANON_MOD, "* |", ANON_MOD, "+ ) @anon_head{number=singular, norm!=/^(a|an|one) /}:head",
  }),
  where = singular_head_ok,
  emit = emit_anonymous,
}
rule "actor.anonymous.with_article" {
  match = tokens(pattern { ANON_MOD, "* @anon_head{norm=/^(a|an|one) /}:head" }),
  where = within_paragraph,
  retry = true,
  emit = emit_anonymous,
}

---------------------------------------------------------------------------
-- Stage actors.coref: what one document says about its own actors
---------------------------------------------------------------------------

stage "actors.coref"

-- An acronym defined in the text: 'the "Guardians of Peace," or "GOP,"',
-- 'Federal Bureau of Investigation (FBI)'. Kept when the letters are the
-- initials of the name; the run rule below applies it to the document.
local function initials_match(m)
  local full, acr = m.full.text, m.acr.text:gsub("&", "")
  local all, caps = {}, {}
  for w in full:gmatch("[%w'’]+") do
    all[#all + 1] = w:sub(1, 1):upper()
    if w:match("^%u") then caps[#caps + 1] = w:sub(1, 1) end
  end
  return acr == table.concat(all) or acr == table.concat(caps)
end

rule "actor.acronym.parenthesis" {
  match = tokens(pattern { "@actor:full '('", ACRONYM, ":acr ')'" }),
  where = initials_match,
  emit = { layer = "acronym", full = "$full", acr = "$acr" },
}
rule "actor.acronym.or" {
  match = tokens(pattern {
    "@actor:full [quote]? ','? [quote]? ','? 'or' ('as')? [quote]?", ACRONYM, ":acr",
  }),
  where = initials_match,
  emit = { layer = "acronym", full = "$full", acr = "$acr" },
}

-- The resolution itself. It reads the actors that survived stage actors and
-- writes, with a higher priority on the same span, the corrected ones, or new
-- ones where a short form had none:
--  1. acronyms defined in the text (they beat the lexicon: GOP);
--  2. outlet short forms: "the Journal", "the Times" -> the outlet named;
--  3. a surname alone -> the full name said before ("Meehan");
--  4. one company word -> the longer company named ("Sony" -> Sony Pictures).
local OVERRIDE = 100
local SKIP_KEYS = {
  id = true, text = true, layer = true, rule = true, start = true, stop = true,
  first = true, last = true, priority = true,
}

-- An actor over the span of `at` (a short form) that stands for `entity`
-- (the actor it resolves to): the entity's attributes, then `changes`.
local function resolved(at, entity, changes)
  local t = { layer = "actor", start = at.start, stop = at.stop, priority = OVERRIDE }
  for k, v in pairs(entity) do
    if not SKIP_KEYS[k] and type(v) ~= "table" then t[k] = v end
  end
  for k, v in pairs(changes) do t[k] = v end
  return t
end

-- Token index: which actor covers each token. An actor (read with its
-- tokens, first..last) that does not start at a token's start covers none
-- and loses first and last; an empty one keeps only first.
-- (The passes over the actors below count by number rather than with
-- ipairs: each ipairs step is a C call, dear under the engine's
-- instruction hook.)
local function index_actors(c, actors)
  local cover = {}
  for ai = 1, #actors do
    local a = actors[ai]
    local i = token_at(c, a.start)
    if not i or a.first ~= i then
      a.first, a.last = i, nil
    else
      for k = i, a.last do cover[k] = a end
    end
  end
  return cover
end

-- The actor at exactly token i (alone), "none" when the token is free, or
-- nil when a longer actor covers it.
local function single_at(cover, i)
  local a = cover[i]
  if not a then return "none" end
  if a.first == i and a.last == i then return a end
  return nil
end

local function resolve_acronyms(doc, c, cover, out)
  local toks = c.toks
  for _, def in ipairs(doc:annotations("acronym")) do
    local full = def.full and def.full.actor and doc:annotation(def.full.actor)
    if full then
      for _, i in ipairs(tokens_with_text(c, def.acr.text)) do
        local t = toks[i]
        local at = single_at(cover, i)
        if at == "none" then
          out[#out + 1] = resolved(t, full, { acronym = true })
        elseif at then
          out[#out + 1] = resolved(at, full, { acronym = true })
        end
      end
    end
  end
end

-- Short forms of outlets: the last word of a multi-word outlet named in the
-- document, after "the" ("the Journal", "The Times"); the nearest outlet
-- named before wins, else the first named.
local function resolve_outlets(c, actors, cover, out)
  local named = {}   -- word -> list of {token index, norm}
  for ai = 1, #actors do
    local a = actors[ai]
    if a.kind == "outlet" and a.first then
      local word = (a.canonical or a.norm or ""):match("(%u%l+)$")
      local words = select(2, (a.canonical or a.norm or ""):gsub("%S+", ""))
      if word and words >= 2 then
        named[word] = named[word] or {}
        table.insert(named[word], { at = a.first, norm = a.norm, actor = a })
      end
    end
  end
  if not next(named) then return end -- no outlet to shorten
  local toks = c.toks
  for _, i in ipairs(tokens_with_texts(c, named)) do
    local t = toks[i]
    local list = named[t.text]
    local prev = toks[i - 1]
    if list and prev and prev.lower == "the" and t.sentence == prev.sentence then
      local pick = list[1]
      for _, n in ipairs(list) do
        if n.at < i then pick = n end
      end
      local at = single_at(cover, i)
      if at == "none" then
        out[#out + 1] = resolved(t, pick.actor, { short_form = true })
      elseif at and at.norm ~= pick.norm then
        out[#out + 1] = resolved(at, pick.actor, { short_form = true })
      end
    end
  end
end

-- Surnames: the last word of a person named with two words or more stands for
-- that person later on ("Meehan", "Franco"). Two people with one surname make
-- it ambiguous, and short words (the "Un" of Kim Jong Un) are not surnames.
local function resolve_surnames(c, actors, cover, out)
  local toks = c.toks
  local by_surname, ambiguous = {}, {}
  for ai = 1, #actors do
    local a = actors[ai]
    if a.kind == "person" and a.first and a.last and
      (a.last > a.first or a.rule == "actor.person.title") then
      local last = toks[a.last].text
      if (toks[a.last].kind ~= "word" or last:match("%.$")) and a.last > a.first then
        last = toks[a.last - 1].text
      end
      if #last >= 3 and not last:find("-", 1, true) then
        if by_surname[last] and by_surname[last].norm ~= a.norm then ambiguous[last] = true end
        by_surname[last] = by_surname[last] or a
      end
    end
  end
  if not next(by_surname) then return by_surname end -- nobody to refer to
  for _, i in ipairs(tokens_with_texts(c, by_surname, ambiguous)) do
    local t = toks[i]
    local full = by_surname[t.text]
    if full and i ~= full.last then
      local at = single_at(cover, i)
      if at == "none" then
        out[#out + 1] = resolved(t, full, { surname = true })
      elseif at and at.kind == "person" and at.norm ~= full.norm then
        out[#out + 1] = resolved(at, full, { surname = true, title = at.title })
      end
    end
  end
  return by_surname
end

-- Company short names: an organisation of one word whose word begins a longer
-- organisation named in the document takes that one's norm ("Sony" -> Sony
-- Pictures when "Sony Pictures Entertainment" is named); the norm named most
-- often wins, then the first.
local function resolve_companies(c, actors, cover, surnames, out)
  local toks = c.toks
  local counts, first_seen = {}, {}
  for ai = 1, #actors do
    local a = actors[ai]
    if a.kind == "org" and a.first and a.last and a.last > a.first then
      local w = toks[a.first].text
      counts[w] = counts[w] or {}
      -- A name from the lexicon counts for more than one guessed by a pattern.
      counts[w][a.norm] = (counts[w][a.norm] or 0) + (a.rule == "actor.org" and 10 or 1)
      first_seen[a.norm] = first_seen[a.norm] or a

    end
  end
  local best = {}
  for w, norms in pairs(counts) do
    local pick
    for norm, n in pairs(norms) do
      if not pick or n > norms[pick] or (n == norms[pick] and first_seen[norm].first < first_seen[pick].first) then
        pick = norm
      end
    end
    best[w] = pick
  end
  if not next(best) then return end -- no company to shorten
  for _, i in ipairs(tokens_with_texts(c, best, surnames)) do
    local t = toks[i]
    local norm = best[t.text]
    local at = single_at(cover, i)
    -- At a sentence start a word is taken for the company only when the
    -- text never uses it in lower case ("New" of New Regency is a word).
    if at == "none" and (not t.sent_start or not written_lower(c, t.lower)) then
      out[#out + 1] = resolved(t, first_seen[norm], { short_form = true })
    elseif at and at ~= "none" and (at.kind == "org" or at.pattern == "guess") and at.norm ~= norm then
      out[#out + 1] = resolved(at, first_seen[norm], { short_form = true })
    end
  end
end

-- Teams: a place that is a team once in a document (a score, a fixture)
-- is that team wherever the document names it ("Kent beat Essex ... Kent
-- made up for lost time").
--
-- In a sports report (two or more game words in lower case, counted by
-- actor.guess.known) a place named on its own is the team too ("Surrey lost
-- four wickets"), unless the words around it make it a place: a preposition
-- before it ("played in Leicester"), a comma next to it (a dateline, "LEEDS ,
-- England"), all capitals (datelines, headings); the home nations stay places
-- (national sides keep their country, as above).
local PLACE_PREPOSITIONS = {
  ["in"] = true, ["at"] = true, ["from"] = true, ["to"] = true, ["of"] = true,
  ["near"] = true, ["outside"] = true, ["around"] = true,
}
local HOME_NATIONS = {
  ["England"] = true, ["Scotland"] = true, ["Wales"] = true,
  ["Northern Ireland"] = true, ["Britain"] = true, ["Great Britain"] = true,
}
local function place_as_team(a, toks)
  if a.kind ~= "place" or HOME_NATIONS[a.text] or not a.text:match("%l") then return false end
  local prev, nxt = toks[a.first - 1], toks[a.last + 1]
  if prev and (prev.lower == "," or PLACE_PREPOSITIONS[prev.lower]) then return false end
  return not (nxt and nxt.text == ",")
end

local function resolve_teams(doc, c, actors, cover, out)
  local toks = c.toks
  local teams = {}
  for ai = 1, #actors do
    local a = actors[ai]
    if a.pattern == "team" then teams[a.text] = a end
  end
  -- Asked once, and before place_as_team: most documents are no sports
  -- report and name no team, and then no actor needs its words read.
  local sports = sports_report(doc)
  if not sports and not next(teams) then return end
  for ai = 1, #actors do
    local a = actors[ai]
    local t = teams[a.text]
    if t and a.pattern ~= "team" and (a.kind == "place" or a.kind == "government") then
      out[#out + 1] = resolved(a, t, { team = true })
    elseif sports and a.pattern ~= "team" and a.first and place_as_team(a, toks) then
      out[#out + 1] = { layer = "actor", start = a.start, stop = a.stop, priority = OVERRIDE,
                        kind = "org", norm = a.text, sector = "sport", team = true,
                        pattern = "team" }
    end
  end
end

rule "actor.coref" {
  run = function(doc)
    local c = doc_cache(doc)
    local actors = doc:annotations("actor", WITH_TOKENS)
    local cover = index_actors(c, actors)
    local out = {}
    resolve_acronyms(doc, c, cover, out)
    resolve_outlets(c, actors, cover, out)
    resolve_teams(doc, c, actors, cover, out)
    local surnames = resolve_surnames(c, actors, cover, out)
    resolve_companies(c, actors, cover, surnames, out)
    -- The last rule of this file to read the tokens: let them go before
    -- the later stages build their own (a big document's peak memory).
    token_cache[doc] = nil
    return out
  end,
}
