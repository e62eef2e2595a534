-- claims.lua -- claims (who asserted what, through which outlet, with which
-- stance) and the proposition keys that group them across documents.
--
-- Stages: "cues" finds cue words, predicate phrases and source phrases in
-- hidden working layers; "claims" matches the attribution patterns into the
-- hidden layer `claimx` (candidates); "claims.links" merges duplicates, ties
-- inner claims to the outlet that reports them (via), trims contents and adds
-- the article's own-voice judgements (hidden layer `claimv`); "propositions"
-- gives each claim its proposition key and writes the public layer `claim`.
-- Content spans are computed in Lua, not in the patterns, so that a claim
-- nested in another one's content ("ABC News reported that officials
-- believed ...") is still found: a rule's matches never overlap.

local C = {}   -- helpers, local to this file

layer "cue" { policy = "longest", hidden = true }
layer "predicate" { policy = "longest", hidden = true }
layer "src" { policy = "longest", hidden = true }
layer "subj" { policy = "longest", hidden = true }
layer "claimx" { policy = "all", hidden = true }
layer "claimv" { policy = "all", hidden = true }

lexicon "cues" { file = "lexicons/cues.yaml", fold = true }
lexicon "predicates" { file = "lexicons/predicates.yaml", fold = true }
lexicon "claims_cues" { file = "lexicons/claims_cues.yaml", fold = true }

---------------------------------------------------------------------------
-- Pattern pieces.

-- Words allowed between a source and its cue: auxiliaries, adverbs,
-- negation and hedges (the stance reads them back), and dates.
local ADV = [[ ( [lower=/^(has|have|had|is|are|was|were|will|would|also|reportedly|previously|now|still|already|first|publicly|earlier|later|not|n't|n’t|never|yet|strongly|initially|originally|repeatedly|recently|privately|separately|further|apparently|allegedly|flatly|explicitly|officially|long|vehemently|categorically|do|does|did|may|might|could|should|can|just|then|again|often|once|openly|quickly|directly|pointedly|widely|largely|ultimately|finally|today|tonight|yesterday|only|even|always|specifically|emphatically|firmly|clearly|essentially|reportedly|privately|subsequently|since|been|being|had|has|have|to|refused|declined|continue|continued|continues|went|on)$/]
          | [lower_case, lower=/^(?!(family|ally|assembly|supply|rally|only|early|likely)$)[a-z]{3,}ly$/]
          | 'on'? @date ) ]]
local ADVS = ADV .. "*"

-- A cue that can follow its source: verbs and verb phrases, not the
-- prepositional cues (they have their own rules).
local CUE = [[ [quote]? @cue{type=/^(verb|phrase)$/, norm!=/^(according to|citing|in a statement|in all likelihood|most likely|little evidence|no evidence|no comment|far from clear|not immediately clear|remains unclear|is possible|it is possible|is likely)$/}:cue [quote]? ]]

-- After the cue: the outlet told ("told NBC News", "confirmed to Re/code"),
-- dates and time adverbs ("reported earlier on Tuesday that").
local TOLD = [[ ( 'to' ('the'? @actor{kind=outlet}):via )?
  ( 'on'? @date{value!=/REF$/} | [lower=/^(earlier|later|late|today|yesterday|tonight|also|again|publicly|privately|previously|recently|first)$/] )* ]]

-- A cue that can follow its source, with the outlet it was told to.
local CUEPART = [[ ( [quote]? @cue{lemma=tell}:cue [quote]? ('the'? @actor{kind=outlet}):via
  | @cue{lemma=tell}:cue [lower=/^(me|us|him|her|them|you)$/]
  | [quote]? @cue{lemma=tell}:cue [lower=/^(several|many|some|two|three|local|foreign|other|the|a|an|media|news|outlets|reporters|journalists|organizations|organisations|agencies|networks|newspapers|broadcasters|press|television|tv|radio|congress|lawmakers|parliament|members|senators|a|an|interviewer|interviewers)$/]+
  | ]] .. CUE .. " ) " .. TOLD

-- Where a sentence-final attribution ends: a comma or the sentence end.
local TAIL = [[ ( ',' | ';' | [kind=punct]* </s> ) ]]

-- Content before an attribution: from a sentence start to a comma.
local BEFORE = [[ <s> ( . [!sent_start]*? ):content ',' [quote]? ]]

---------------------------------------------------------------------------
-- Stage cues: working layers.

stage "cues"

rule "cue.lexicon" {
  match = lexicon "cues",
  emit = { layer = "cue" },
}

rule "cue.claims_lexicon" {
  match = lexicon "claims_cues",
  emit = { layer = "cue" },
}

rule "predicate.lexicon" {
  match = lexicon "predicates",
  emit = { layer = "predicate" },
}

-- Sources: every actor, then the wider phrases around actors.
rule "src.actor" {
  match = tokens [[ @actor:a ]],
  emit = { layer = "src", actor = "$a" },
}

rule "src.determiner_actor" {
  match = tokens [[ [lower=/^(the|those|these|unnamed|anonymous|several|other|some|many|two|three|a|an|one|another)$/] [quote]? @actor{kind=anonymous}:a [quote]? ]],
  emit = { layer = "src", actor = "$a" },
  priority = 1,
}

-- "the Associated Press", "the FBI": the article belongs to the source.
rule "src.the_actor" {
  match = tokens [[ 'the' @actor{kind!=anonymous, kind!=person}:a ]],
  emit = { layer = "src", actor = "$a" },
  priority = 1,
}

-- "Sources at both NBC News and USA Today", "officials from the FBI".
rule "src.anonymous_at" {
  match = tokens [[ [quote]? @actor{kind=anonymous}:a [quote]? [lower=/^(at|from|in|with|for|within|inside)$/] 'both'? 'the'? @actor
                    ( ','? 'and'? 'the'? @actor )* ]],
  emit = { layer = "src", actor = "$a" },
  priority = 2,
}

-- "The country", "the company", "the sources": a determiner and a noun that
-- names a speaker, and personal pronouns.
rule "src.noun" {
  match = tokens [[ [lower=/^(the|this|these|those|its|their|a|an|one|another|his|her)$/]
                    ( [!sent_start] "'s" | [lower=/^(local|senior|former|top|chief|federal|state|foreign|british|american|european|second|third|other|two|three|several|many|some|new|recent|latest|national|internal|independent|nonpartisan)$/] )?
                    [lower=/^(union|regulator|regulators|office|board|committee|council|party|army|military|embassy|bank|airline|team|club|league|family|coach|player|manager|teacher|doctor|doctors|resident|residents|witness|neighbor|neighbour|victim|owner|driver|farmer|worker|workers|employee|executive|executives|chairman|chief|director|ceo|founder|professor|scientist|scientists|researcher|economist|economists|analyst|expert|activist|activists|protester|protesters|student|students|parent|parents|man|woman|person|people|statement|country|nation|regime|company|studio|firm|government|administration|agency|department|ministry|group|campaign|newspaper|paper|magazine|network|outlet|report|statement|source|sources|official|officials|spokesman|spokeswoman|spokesperson|spokespeople|representative|hackers|attackers|investigators|researchers|experts|analysts|authorities|police|prosecutors|lawyer|lawyers|attorney|aide|aides|adviser|advisers|candidate|president|leader|minister|senator|governor|mayor|judge|court|lawsuit|complaint|letter|memo|study|survey|poll|analysis|document|documents|filing|email|message|note|website|site|blog|post|commissioner|prosecutor|sheriff|chancellor|superintendent|treasurer|secretary|ambassador|diplomat|diplomats|commander|officer|officers|lawmaker|lawmakers|legislator|legislators|speaker|nominee|challenger|incumbent|opponent|rival|critic|critics|supporter|supporters|voter|voters|campaign|clinic|hospital|school|university|city|county|state)$/]:n ]],
  emit = { layer = "src", noun = "$n" },
  priority = -1,
}

-- A capitalised name before or after a speech verb that the actor rules
-- did not know: "Lynch said", ", said Mr. Barrett".
local FUNC_EARLY = "if|when|while|as|but|and|or|so|because|after|before|since|though|although|"
  .. "the|a|an|this|that|these|those|in|on|at|for|with|from|by|to|of|it|there|then|yet"
local SPEECH = [[@cue{type=verb, lemma=/^(say|tell|add|note|write|explain|argue|claim|insist|report|state|warn|deny|believe|think|ask|continue|suggest|reply|respond|announce|acknowledge|admit|recall|tweet|complain|predict|conclude|confirm|urge|call for|agree)$/}]]
rule "src.name_before_cue" {
  match = tokens("( [title, !headline, lower!=/^(" .. FUNC_EARLY .. ")$/] [title, !headline]{0,3} ):n [quote]? ( " .. SPEECH
                 .. [[ | @cue{type=phrase, stance=asserted, norm!=/^(according to|citing|in a statement)$/} ) ]]),
  emit = { layer = "src", span = "$n", name = true },
  priority = -3,
}

rule "src.name_after_cue" {
  match = tokens([[ [lower=/^(said|says|added|wrote|told|asked|explained|noted|argued|recalled)$/] ( [title, !headline]{1,4} ):n ]]),
  emit = { layer = "src", span = "$n", name = true },
  priority = -3,
}

-- A noun phrase right before a cue verb, when no actor or noun rule knows
-- it: "The Indiana governor said", "Rep. Gwen Moore (D-Wis.) said", "A
-- Bloomberg poll shows", "Several cast members said". Built from word
-- shapes, as there are no parts of speech: capitalised words, and lower-case
-- words that are not function words, after an optional determiner. It
-- takes the actor inside it (its last one) as the actor it stands for.
local FUNC = "that|which|who|whom|whose|what|when|where|why|how|and|or|but|nor|so|if|as|"
  .. "because|while|since|than|then|is|are|was|were|be|been|being|am|has|have|had|do|does|"
  .. "did|will|would|shall|should|can|could|may|might|must|to|in|on|at|for|with|from|by|"
  .. "into|onto|about|after|before|over|under|during|against|also|not|never|it|there|"
  .. "reportedly|previously|now|still|already|first|publicly|earlier|later|yet|strongly|"
  .. "initially|originally|repeatedly|recently|privately|separately|further|apparently|"
  .. "allegedly|flatly|explicitly|officially|long|vehemently|categorically|just|again|often|"
  .. "once|openly|quickly|directly|widely|largely|ultimately|finally|today|tonight|yesterday|"
  .. "only|even|always|specifically|emphatically|firmly|clearly|subsequently|the|a|an|this|"
  .. "these|those|his|her|their|its|our|my|your|some|many|several|all|both|each|other|another|"
  .. "one|most|said|says|say|told|added|asked|wrote|noted|however|meanwhile|instead|though|"
  .. "although|here|where|said|like|unlike|per|via|mr|ms|mrs|i|you|we|he|she|they|it|me|us|"
  .. "him|them|not|no|yes|please|let|do|if|n't|n’t|don't|don’t|certainly|really|probably|actually|simply|honestly|"
  .. "cannot|ca|wo|'ll|’ll|'re|’re|'ve|’ve|'d|’d|'m|’m"
C.FUNC = FUNC
local NAMEW = "[shape=/^X/, lower!=/^(" .. FUNC .. ")$/, lower!=/['’]s$/]"
local LOWW = "[lower_case, lower!=/^(" .. FUNC .. ")$/, lower!=/^(?!(family|ally|assembly|supply|rally)$)[a-z]{3,}ly$/]"
local HONOR = [[ [lower=/^(mr|mrs|ms|dr|rep|sen|gov|gen|lt|col|sgt|prof|rev)\.?$/] ]]
local DET = [[ [lower=/^(the|a|an|this|these|those|his|her|their|its|our|some|many|several|all|both|each|other|another|one|two|three|four|five|most|few)$/] ]]
local NPWORD = "( " .. NAMEW .. " | " .. LOWW .. " | " .. HONOR .. [[ | "'s" | "’s" | '-' | '&' ) ]]
local PAREN = [[ ( '(' [text!=')', text!='(']{1,8} ')' ) ]]  -- the tokenizer may cut a sentence inside "(D-N.C.)"
local OFNAME = "( 'of' 'the'? " .. NAMEW .. "{1,5} )"
-- "a spokesman for committee Democrats", "people familiar with the talks"
local PP = "( [lower=/^(for|at|from|with|in|of|close)$/] [lower=/^(to|with)$/]? " .. DET .. "? " .. NPWORD ..
  "{0,3} ( " .. NAMEW .. " | " .. LOWW .. " ) )"
C.NP = "( " .. DET .. "{0,2} " .. NPWORD .. "{0,6} ( " .. NAMEW .. " | " .. LOWW ..
  " ) " .. PAREN .. "? ( " .. OFNAME .. " | " .. PP .. " )? )"
C.NAME_NP = "( " .. HONOR .. "? " .. NAMEW .. "{1,5} " .. PAREN .. "? )"

-- The helpers below read a few fields of each annotation of a layer:
-- lazy tables read each field from the document when first asked.
local LAZY = { lazy = true }

-- The actors of the document, cached for the document being scanned.
-- Each cache below holds its document, so another one cannot take its
-- place: comparing the object is enough (#doc, a call into C, is not
-- needed, and the helpers check their caches many times a match).
local actor_cache = {}
function C.actors(doc)
  if actor_cache.doc ~= doc then
    actor_cache.doc = doc
    actor_cache.list = doc:annotations("actor", LAZY)
  end
  return actor_cache.list
end

-- The text of the document being scanned: doc.text copies the whole text
-- on each read.
local text_cache = {}
function C.text(doc)
  if text_cache.doc ~= doc then
    text_cache = { doc = doc, text = doc.text }
  end
  return text_cache.text
end

-- The annotations of a finished working layer (cue, date, src), cached
-- for the document being scanned: doc:annotations builds a new table on
-- each call, and the claim rules ask for these per match.
local layer_cache = {}
function C.layer(doc, name)
  if layer_cache.doc ~= doc then
    layer_cache = { doc = doc }
  end
  local l = layer_cache[name]
  if not l then
    l = doc:annotations(name, LAZY)
    layer_cache[name] = l
  end
  return l
end

-- The first position in a sorted list whose value is at least x, or
-- #list + 1: the per-match helpers start their scans there instead of at
-- the document's beginning, which made them quadratic in long documents.
-- Two copies rather than one with a field argument: they run for nearly
-- every match, and the Lua VM (under the engine's instruction hook) pays
-- for each test and call.

-- In a list sorted by start (annotations, tokens).
function C.from(list, x)
  local lo, hi = 1, #list + 1
  while lo < hi do
    local mid = (lo + hi) // 2
    if list[mid].start < x then lo = mid + 1 else hi = mid end
  end
  return lo
end

-- In a sorted list of numbers (token numbers).
function C.num_from(list, x)
  local lo, hi = 1, #list + 1
  while lo < hi do
    local mid = (lo + hi) // 2
    if list[mid] < x then lo = mid + 1 else hi = mid end
  end
  return lo
end

-- The same for the tokens of doc (t = C.toks(doc)), searched in C.
function C.tok_from(doc, t, x)
  return doc:token_from(x) or #t + 1
end

-- doc:annotation(id), kept for the document being scanned: the rules ask
-- only for annotations of finished stages (cues, sources, actors), which
-- do not change any more, and the claims ask for the same ones many times.
-- Cues and actors are taken from their layers' lists, which the rules
-- fetch for every document anyway: doc:annotation builds a new table on
-- each call.
local ann_cache = {}
function C.annotation(doc, id)
  if ann_cache.doc ~= doc then
    ann_cache = { doc = doc, byid = {} }
    for _, a in ipairs(C.layer(doc, "cue")) do ann_cache.byid[a.id] = a end
    for _, a in ipairs(C.actors(doc)) do ann_cache.byid[a.id] = a end
  end
  local a = ann_cache.byid[id]
  if a == nil then
    a = doc:annotation(id) or false
    ann_cache.byid[id] = a
  end
  return a or nil
end

-- The last actor inside a span, or nil.
function C.actor_in(doc, span)
  local best
  local actors = C.actors(doc)
  for k = C.from(actors, span.start), #actors do
    local a = actors[k]
    if a.stop <= span.stop then best = a end
    if a.start >= span.stop then break end
  end
  return best
end

function C.np_src(m, doc)
  -- "it’s called", "today’s speech shows": a phrase does not start with
  -- a possessive ending
  local t = C.toks(doc)
  local t1 = t[m.n.first]
  if t1.text == "'s" or t1.text == "’s" then return nil end
  -- a phrase does not run over a sentence or paragraph start (a headline
  -- above, "(D-N.C.)" aside: the tokenizer cuts there, the phrase does
  -- not). Paragraphs start lines, and only a newline (\n, \r, U+0085,
  -- U+2028, U+2029) starts one: without one in the phrase's text no token
  -- needs reading.
  local first = m.n.first
  local s = m.n.text
  if s:find("[\n\r]") or s:find("\194\133", 1, true) or s:find("\226\128[\168\169]") then
    for k = m.n.first + 1, m.n.last do
      local tk = t[k]
      if tk.para_start or tk.line_start then first = k end
    end
  end
  if first ~= m.n.first then
    m.n = { start = t[first].start, stop = m.n.stop, first = first, last = m.n.last }
  end
  local a = C.actor_in(doc, m.n)
  return { layer = "src", start = m.n.start, stop = m.n.stop, np = true,
           actor = a and { start = a.start, stop = a.stop, ann = a.id } or nil }
end

-- The cue verbs a bare noun phrase may go with: speech and judgement
-- verbs in the past; their base and -s forms only where they are rarely
-- nouns ("states", "comments", "questions" mostly are).
local NPCUE_PAST = "say|tell|decline|refuse|add|note|write|explain|argue|claim|insist|report|state|warn|deny|"
  .. "believe|think|ask|suggest|reply|respond|announce|acknowledge|admit|recall|tweet|"
  .. "complain|predict|conclude|confirm|urge|call for|call on|agree|show|find|cite|call|contend|"
  .. "maintain|allege|estimate|indicate|declare|assert|reveal|disclose|question|dispute|"
  .. "reject|fear|describe|accuse|criticize|praise|blame|pledge|promise|vow|testify|"
  .. "emphasize|stress|concede|counter|charge|demand|propose|insist|boast|lament|slam|blast"
local NPCUE_NOW = "say|tell|show|find|think|believe|argue|warn|suggest|add|insist|predict|"
  .. "contend|maintain|acknowledge|admit|deny|allege|estimate|indicate|conclude|write|explain|"
  .. "agree|fear|call for|urge|describe|accuse|blame|testify|emphasize|concede|boast"
-- phrases of saying ("told reporters", "said in a statement", "pointed
-- out")
local SAY_PHRASE = "@cue{type=phrase, stance=asserted, norm!=/^(according to|citing|in a statement)$/}"
C.NPCUE = "( @cue{type=verb, form=past, lemma=/^(" .. NPCUE_PAST .. ")$/} | @cue{type=verb, form=/^(base|3sg)$/, lemma=/^("
  .. NPCUE_NOW .. ")$/} | " .. SAY_PHRASE .. " )"

rule "src.np_before_cue" {
  match = tokens("( " .. C.NP .. " ):n ( ',' [!sent_start, text!=',', !quote]{1,25}? ',' )? "
                 .. ADVS .. " " .. C.NPCUE),
  emit = C.np_src,
  priority = -4,
  retry = true,
}

-- "..., said Rep. Elijah Cummings of Maryland, the panel's ranking
-- Democrat."
rule "src.np_after_cue" {
  match = tokens([[ @cue{type=verb, lemma=/^(say|tell|add|note|write|explain|argue|ask|recall|insist|continue|warn|claim|complain|reply|respond|state|declare|agree)$/} ]]
                 .. "( " .. C.NP .. " ):n ( ',' | [kind=punct]* </s> | [lower=/^(who|in|at|on|during|when|after|while|before|from|with|to)$/] )"),
  emit = C.np_src,
  priority = -4,
  retry = true,
}

-- "It said ...": "it" opening a sentence before a speech verb is the
-- organisation of the sentence before ("it seems", "it shows" are not).
rule "src.pronoun_it" {
  match = tokens("[sent_start, lower=it]:n " .. ADVS .. [[ @cue{type=verb, lemma=/^(say|add|tell|report|announce|note|claim|argue|warn|deny|state|insist|confirm|write|explain)$/} ]]),
  emit = { layer = "src", span = "$n", pronoun = true },
  priority = -2,
}

-- Shares of a poll's respondents: "About three in 10 said", "43 percent
-- say", "most said", "half of Democrats say".
local SHARE_NUM = [[ [lower=/^(\d+(\.\d+)?%?|one|two|three|four|five|six|seven|eight|nine|ten|half|most|majority|plurality|third|quarter|fifth)$/] ]]
rule "src.share" {
  match = tokens("( [lower=/^(about|nearly|almost|roughly|only|just|over|under|more|fewer|less|than|a|the|another|some|just|fully)$/]{0,3} "
                 .. SHARE_NUM .. [[ ( ( 'in' | 'of' | 'out' 'of' ) [lower=/^(\d+|ten|five|four|three|two|them|those|these)$/] )?
                    [lower=/^(percent|per|cent|%)$/]{0,2} ( 'of' 'the'? [!sent_start, kind=word]{1,3}? )? ):n
                    ]] .. ADVS .. [[ @cue{type=verb, lemma=/^(say|think|believe|tell|want|prefer|support|favor|oppose|expect|agree|disagree)$/} ]]),
  emit = { layer = "src", span = "$n" },
  priority = -2,
}

-- The noun phrase opening a sentence, whatever verb follows: the subject
-- that a participle after a comma speaks for ("The retired surgeon has
-- given no details, saying only that ..."). Its own layer: only the
-- participle rules take it.
rule "subj.np" {
  match = tokens("<s> ( " .. DET .. " " .. NPWORD .. "{0,4} ( " .. NAMEW .. " | " .. LOWW .. " ) ):n "
                 .. "[lower_case, lower!=/^(" .. FUNC_EARLY .. ")$/]"),
  emit = function(m, doc) return C.np_src(m, doc) and { layer = "subj", start = m.n.start, stop = m.n.stop } end,
  priority = -5,
}

rule "src.pronoun" {
  -- not "I", "we", "you": inside a quotation the claim is the quoted
  -- speaker's ("I think ..."), and the quotation is already one.
  match = tokens [[ [lower=/^(he|she|they|who|i|we)$/] ]],
  emit = { layer = "src", pronoun = true },
  priority = -2,
}

---------------------------------------------------------------------------
-- Helpers for the emit functions.

-- The tokens of a document and what is derived from them (sentences,
-- paragraphs, quotation and clause marks, tokens by start byte), kept for
-- the document being scanned and made when first asked for. A token's
-- fields are read from the document on first access, which costs as much
-- as many plain reads: the helpers below find tokens by binary search or
-- in the text rather than walking every token of the document.
local cache = { doc = nil }
function C.toks(doc)
  if cache.doc ~= doc then cache = { doc = doc, t = doc:tokens() } end
  return cache.t
end

-- cache[key] for the document being scanned, made by make(doc) when first
-- asked for. (The document is compared here, not by calling C.toks: the
-- helpers ask many times a match, and each call costs.)
local function per_doc(doc, key, make)
  if cache.doc ~= doc then C.toks(doc) end
  local v = cache[key]
  if v == nil then
    v = make(doc)
    cache[key] = v
  end
  return v
end

local function sentences(doc) return doc:sentences() end
function C.sentences(doc) return per_doc(doc, "sentences", sentences) end

local function paragraphs(doc) return doc:paragraphs() end
function C.paragraphs(doc) return per_doc(doc, "paragraphs", paragraphs) end

-- The numbers of the quotation mark tokens, in order, for the document
-- being scanned. A mark is a token of one of these characters (the
-- tokenizer's quotation marks), found in one call; a lone apostrophe may
-- also be a word's clitic, so each is asked whether it is a mark.
local QUOTE_TEXTS = { '"', "'", "`", "\u{2018}", "\u{2019}", "\u{201A}", "\u{201B}",
  "\u{201C}", "\u{201D}", "\u{201E}", "\u{201F}", "\u{AB}", "\u{BB}", "\u{2039}", "\u{203A}" }
local function quote_marks(doc)
  local t, marks = cache.t, {}
  for _, j in ipairs(doc:find_tokens(QUOTE_TEXTS)) do
    if t[j].quote then marks[#marks + 1] = j end
  end
  return marks
end
function C.quote_marks(doc) return per_doc(doc, "quote_marks", quote_marks) end

-- The numbers of the tokens ';', ':' and ',' of the document being
-- scanned, in order: the only tokens that can end a clause.
local CLAUSE_MARKS = { ";", ":", "," }
local function clause_marks(doc) return doc:find_tokens(CLAUSE_MARKS) end
function C.clause_marks(doc) return per_doc(doc, "clause_marks", clause_marks) end

-- by_start[pos] is the number of the token that starts at byte pos, or
-- false (found on demand by doc:token_at, then kept, for the document
-- being scanned).
local function by_start(doc)
  return setmetatable({}, { __index = function(self, pos)
    local v = doc:token_at(pos) or false
    rawset(self, pos, v)
    return v
  end })
end
function C.by_start(doc) return per_doc(doc, "by_start", by_start) end

local OPEN = { ["“"] = true, ["‘"] = true, ["«"] = true }
local CLOSE = { ["”"] = true, ["’"] = true, ["»"] = true }

-- Is token i an opening quotation mark?  Straight quotes open when
-- followed by a word without a space.
function C.opens(t, i)
  local tk = t[i]
  if not tk or not tk.quote then return false end
  if OPEN[tk.text] then return true end
  if CLOSE[tk.text] then return false end
  -- the second mark of a doubled one ('' in some wire copy) goes with the
  -- first
  local pv = t[i - 1]
  if pv and pv.quote and not tk.space_before and not OPEN[pv.text] and not CLOSE[pv.text] then
    return C.opens(t, i - 1)
  end
  local nx = t[i + 1]
  return nx ~= nil and not nx.space_before and (tk.space_before or tk.line_start or i == 1)
end

-- The number of the paragraph of token i: the last of paras whose first
-- token is <= i (1 when none is).
function C.para_of(paras, i)
  local lo, hi = 1, #paras
  while lo < hi do
    local mid = (lo + hi + 1) // 2
    if paras[mid].first <= i then lo = mid else hi = mid - 1 end
  end
  return lo
end

-- Is token i inside a quotation: does the last quotation mark before it in
-- its paragraph open one?  (A writer's own "I said" is a claim; a quoted
-- speaker's "I think" is part of the quotation.)
function C.in_quote(doc, i)
  local t = C.toks(doc)
  if i <= 1 then return false end
  -- The last quotation mark from the start of token i - 1's paragraph on
  -- (its first token is the only one there with para_start), from the
  -- document's list of marks rather than by reading every token's fields;
  -- the paragraphs only when there is a mark before token i.
  local marks = C.quote_marks(doc)
  local k = marks[C.num_from(marks, i) - 1]
  if not k then return false end
  local paras = C.paragraphs(doc)
  if k < paras[C.para_of(paras, i - 1)].first then return false end
  -- a doubled mark ('' in some wire copy) opens or closes as a pair
  if k > 1 and t[k - 1].quote and not t[k].space_before then k = k - 1 end
  return C.opens(t, k)
end

function C.closes(t, i)
  local tk = t[i]
  return tk ~= nil and tk.quote and not C.opens(t, i)
end

local TRIM = { ["."] = true, [","] = true, [";"] = true, [":"] = true,
               ["!"] = true, ["?"] = true, ["—"] = true, ["–"] = true, ["-"] = true }

-- Trims punctuation and quotation marks from both ends of tokens a..b.
function C.trim(t, a, b)
  while a <= b and (t[a].quote or TRIM[t[a].text]) do a = a + 1 end
  while b >= a and (t[b].quote or TRIM[t[b].text]) do b = b - 1 end
  if a > b then return nil end
  return a, b
end

function C.span(t, a, b)
  return { start = t[a].start, stop = t[b].stop }
end

-- Clause boundaries that end a content: ", but", "; ", ", while".
local BOUNDARY = { but = true, ["while"] = true, though = true, although = true,
                   whereas = true, ["even"] = true }

-- After ", but": does the clause go on with the same subject ("..., but
-- was carried out on the country's behalf")?
local AUX = { was = true, were = true, is = true, are = true, has = true, have = true,
  had = true, would = true, could = true, will = true, did = true, does = true, also = true,
  ["not"] = true, nevertheless = true, nonetheless = true, still = true, may = true, might = true }
function C.same_subject(t, k)
  local tk = t[k]
  if not tk then return false end
  if tk.lower == "though" then tk = t[k + 1] end   -- "even though"
  if not tk then return false end
  return AUX[tk.lower] or (tk.lower:find("ing$") ~= nil and tk.lowercase)
end

-- The content that follows a cue, from token i on: a quotation (to its
-- closing mark, continuing into the next paragraph when that one opens
-- with a quotation mark) or the rest of the sentence up to a clause
-- boundary. Returns the first and last token, trimmed, or nil.
function C.content_after(doc, i)
  local t = C.toks(doc)
  local n = #t
  i = C.skip_time(doc, i)
  while i <= n do
    local tk = t[i]
    local x = tk.text
    if x == "," or x == ":" then
      i = i + 1
    elseif tk.lower == "that" then
      i = i + 1
      break
    else
      break
    end
  end
  if i > n then return nil end
  if C.opens(t, i) then
    -- To the closing mark, or to the end of the paragraph before one
    -- that does not open with a quotation mark. Only quotation marks
    -- close and only paragraphs' first tokens end it otherwise, so those
    -- are the only tokens read: a quotation's words are not.
    local marks, paras = C.quote_marks(doc), C.paragraphs(doc)
    local km, kp = C.num_from(marks, i + 1), C.para_of(paras, i) + 1
    local j = n
    while true do
      local mk, p = marks[km], paras[kp]
      p = p and p.first
      if not mk and not p then break end
      if p and (not mk or p < mk) then -- a paragraph that opens with a word
        j = p - 1
        break
      end
      if C.closes(t, mk) then j = mk; break end
      km = km + 1
      if mk == p then kp = kp + 1 end -- it opened that paragraph
    end
    return C.trim(t, i, j)
  end
  -- To the end of the sentence (which never runs over a paragraph start)
  -- or the first token from i + 1 on that ends the clause: only ';', ':'
  -- and ',' can, so those are the only tokens read.
  local j = C.sentences(doc)[t[i].sentence].last
  local marks = C.clause_marks(doc)
  for k = C.num_from(marks, i + 1), #marks do
    local x = marks[k]
    if x > j then break end
    local tx = t[x].text
    if tx == ";" or (tx == ":" and x - 1 > i)
       or (tx == "," and t[x + 1] and BOUNDARY[t[x + 1].lower]
           and not C.same_subject(t, x + 2)) then
      j = x - 1
      break
    end
  end
  return C.trim(t, i, j)
end

-- A content found before an attribution (tokens a..b): when it closes a
-- quotation that opened in an earlier sentence, start it there.
function C.content_before(doc, a, b)
  local t = C.toks(doc)
  local a2, b2 = a, b
  while b2 >= a2 and (TRIM[t[b2].text]) do b2 = b2 - 1 end
  local closing = b2 >= a2 and C.closes(t, b2)
  if not closing and t[b + 1] and t[b + 1].text == "," and C.closes(t, b + 2) then
    closing, b2 = true, b + 2
  end
  if closing and not C.opens(t, a2) then
    -- only quotation marks open or close: the document's list of them is
    -- searched rather than every token read
    local marks = C.quote_marks(doc)
    local from = C.num_from(marks, a2)
    local has_open = false
    for k = from, #marks do
      if marks[k] > b2 - 1 then break end
      if C.opens(t, marks[k]) then has_open = true; break end
    end
    if not has_open then
      local limit = a2 - 400
      for k = from - 1, 1, -1 do
        local x = marks[k]
        if x <= limit then break end
        if C.opens(t, x) then a2 = x; break end
        if C.closes(t, x) then break end
      end
    end
  end
  return C.trim(t, a2, b)
end

-- The cue annotation that starts at token i, if any.
function C.cue_at(doc, i)
  local t = C.toks(doc)
  if not t[i] then return nil end
  local cues = C.layer(doc, "cue")
  local c = cues[C.from(cues, t[i].start)]
  if c and c.start == t[i].start then return c end
  return nil
end

-- Date words that open a content rather than date the cue ("said
-- current officials ...", "said now is the time").
local LOOSE_DATE = { current = true, now = true, present = true, recent = true, future = true,
  past = true, former = true, once = true, soon = true, ["then"] = true }

-- Skips dates and time words ("Wednesday", "late Tuesday") from token i.
function C.skip_time(doc, i)
  local t = C.toks(doc)
  C.layer(doc, "date")
  local dates = layer_cache.date_map
  if not dates then
    dates = {}
    for _, d in ipairs(C.layer(doc, "date")) do dates[d.start] = d.stop end
    layer_cache.date_map = dates
  end
  while t[i] do
    local tk = t[i]
    local stop = dates[tk.start]
    if stop and not LOOSE_DATE[tk.lower] then
      while t[i] and t[i].start < stop do i = i + 1 end
    elseif tk.lower == "on" or tk.lower == "late" or tk.lower == "earlier" then
      i = i + 1
    else
      break
    end
  end
  return i
end

-- A span attribute for the source: tied to its actor when the src phrase
-- stands for one.
function C.source(doc, cap)
  local src = cap.ann and C.annotation(doc, cap.ann)
  local s = { start = cap.start, stop = cap.stop }
  if src and src.actor and src.actor.ref then s.ann = src.actor.ref end
  if src and src.layer == "actor" then s.ann = src.id end
  return s
end

-- The cue's lexicon stance and type.
function C.cue_info(doc, cap)
  local c = cap.ann and C.annotation(doc, cap.ann)
  if not c then return "asserted", "verb" end
  return c.stance or "asserted", c.type or "verb", c
end

local NEG = { ["not"] = true, ["n't"] = true, ["n’t"] = true, never = true, no = true }
local WITHHOLD = { refused = true, declined = true, refuses = true, declines = true }
local BELIEVE = { reportedly = true, apparently = true, likely = true, probably = true,
                  presumably = true }
local SUSPECT = { may = true, might = true, could = true, allegedly = true,
                  possibly = true, perhaps = true }

-- The stance of a claim: the cue's, moved by what stands between source
-- and cue (negation, withholding, hedges) and by doubt words in the
-- content ("finds the evidence rather weak").
function C.stance(doc, base, from, to, ca, cb)
  local t = C.toks(doc)
  local s = base
  for k = from, to do
    local w = t[k] and t[k].lower
    if NEG[w] then
      if s == "asserted" then s = "unconfirmed"
      elseif s == "believed" or s == "suspected" then s = "doubted" end
    elseif WITHHOLD[w] then
      s = "unconfirmed"
    elseif BELIEVE[w] and s == "asserted" then
      s = "believed"
    elseif SUSPECT[w] and s == "asserted" then
      s = "suspected"
    end
  end
  if ca and (s == "asserted" or s == "believed") then
    local lo, hi = t[ca].start, t[cb].stop
    local doubts = C.doubt_cues(doc)
    for k = C.from(doubts, lo), #doubts do
      local c = doubts[k]
      if c.start > hi then break end
      if c.stop <= hi then
        s = "doubted"
        break
      end
    end
  end
  return s
end

-- The cues that make a content doubted ("rather weak", "far from
-- clear"), in text order, found once per document: most documents have
-- none, and then no claim walks the cues of its content.
function C.doubt_cues(doc)
  local cues = C.layer(doc, "cue") -- first: it renews layer_cache for doc
  local doubts = layer_cache.doubts
  if not doubts then
    doubts = {}
    for _, c in ipairs(cues) do
      if c.stance == "doubted" and (c.type == "adjective" or c.type == "phrase") then
        doubts[#doubts + 1] = c
      end
    end
    layer_cache.doubts = doubts
  end
  return doubts
end

-- Words after a cue that make it a noun or an adjective ("think tank",
-- "pledged delegates").
local NOUN_NEXT = { tank = true, tanks = true, delegates = true, delegate = true }
local BASE_NOUN_NEXT = { is = true, was = true, has = true, had = true, at = true, of = true,
  ["in"] = true, on = true, by = true, from = true, compares = true, shows = true,
  says = true, finds = true, found = true, released = true, published = true }
-- Before "find" without "that", the words of trying to find something:
-- "could not find a sponsor", "did find himself in trouble".
local FIND_AUX = { could = true, can = true, did = true, might = true, may = true, to = true,
  ["not"] = true, ["n't"] = true, ["n’t"] = true, would = true, will = true, cannot = true }

local SHOW_NOT = { up = true, off = true, ["and"] = true, ["or"] = true, before = true, on = true,
  ["in"] = true, with = true, host = true, hosts = true, ["'"] = true, ["''"] = true, ["“"] = true }
local PASSIVE_AUX = { was = true, were = true, is = true, are = true, been = true, being = true,
  be = true, get = true, got = true }
local PASSIVE_OK = { expect = true, convince = true, quote = true, report = true, say = true,
  tell = true, believe = true, think = true, suspect = true, inform = true, ask = true }
local PRONOUN = { he = true, she = true, they = true, it = true, we = true, who = true,
  i = true, you = true }
local FIRST_PERSON = { i = true, we = true, you = true, ["'d"] = true, ["’d"] = true,
                       ["i'd"] = true, ["you'd"] = true, ["we'd"] = true }

-- The candidates written for the document being scanned, in the order
-- written. Each claim rule returns what C.candidate gives, so these are
-- the `claimx` annotations, and claim.links takes them from here instead
-- of reading them back from the document (C.candidates; it reads them
-- back when the layer's count says another file's rules wrote some too).
local written = {}
local function write(doc, c)
  if written.doc ~= doc then
    written = { doc = doc, list = {} }
  end
  written.list[#written.list + 1] = c
  return c
end

-- A copy of a list of claims in the order doc:annotations gives their
-- annotations: by start, the longer first, then in the order written.
-- Mostly an insertion sort, which keeps the written order of ties by
-- itself: the lists are short and mostly in order already (each rule
-- writes its claims in text order), and table.sort calls its Lua
-- comparator from C for each pair, which costs more. A long list (its
-- rules' runs interleaved, the insertion sort quadratic) is left to
-- table.sort.
local function in_text_order(list)
  local out = {}
  if #list > 64 then
    local order = {}
    for i, c in ipairs(list) do out[i], order[c] = c, i end
    table.sort(out, function(a, b)
      if a.start ~= b.start then return a.start < b.start end
      if a.stop ~= b.stop then return a.stop > b.stop end
      return order[a] < order[b]
    end)
    return out
  end
  for i = 1, #list do
    local c = list[i]
    local j = i - 1
    while j > 0 do
      local p = out[j]
      if p.start < c.start or (p.start == c.start and p.stop >= c.stop) then break end
      out[j + 1] = p
      j = j - 1
    end
    out[j + 1] = c
  end
  return out
end

-- Builds a candidate claim. `o` has source (capture), cue (capture),
-- content (first, last token), via (capture, optional), tail (byte offset
-- where a trailing attribution starts), pre (first, last token of the
-- words between source and cue).
function C.candidate(doc, m, o)
  local t = C.toks(doc)
  local base, ctype, cann = C.cue_info(doc, o.cue)
  -- "The campaign declined to comment.": a withheld statement has no
  -- content but its cue
  if not o.ca and base == "unconfirmed" and o.cue.first then o.ca, o.cb = o.cue.first, o.cue.last end
  if not o.ca then return nil end
  -- a headline's cue makes no claim (except for the rules that allow it);
  -- asked first, as every test below only turns the candidate down too
  if t[o.cue.first].headline and not o.headline_ok then return nil end
  -- "how the U.S. should respond": a base form after a modal is no claim.
  if cann and cann.form == "base" and o.cue.first > 1 then
    local w = t[o.cue.first - 1].lower
    if w == "should" or w == "would" or w == "will" or w == "can" or w == "to"
       or w == "must" or w == "cannot" or w == "'ll" or w == "’ll" then
      return nil
    end
    -- "can't find", "won't say"
    local w2 = o.cue.first > 2 and t[o.cue.first - 2].lower
    if (w == "n't" or w == "n’t") and (w2 == "ca" or w2 == "wo") then return nil end
    -- "the Times report, ...": a noun, not a verb; but ", analysts say."
    -- ends a trailing attribution
    local nx = t[o.cue.last + 1]
    if nx and nx.kind == "punct" and not nx.quote and nx.text ~= ":" and not o.tail then
      return nil
    end
  end
  -- "Western states", "think tanks", "continues to grow": nouns, and a
  -- verb that does not speak
  if cann and cann.lemma == "state" and cann.form ~= "past" and cann.form ~= "ing" then
    return nil
  end
  local after = t[o.cue.last + 1]
  if after and NOUN_NEXT[after.lower] then return nil end
  -- "the AP report is misleading", "a new Pew report compares": a base
  -- form followed by a verb or a preposition is a noun
  if cann and cann.form == "base" and after and BASE_NOUN_NEXT[after.lower] then return nil end
  -- "could not find a sponsor": finding is a claim when it says what
  -- ("the study found that ...", "found him “credible”")
  if cann and cann.lemma == "find" and after and after.lower ~= "that" and not after.quote then
    local prev = o.cue.first > 1 and t[o.cue.first - 1].lower
    if FIND_AUX[prev] or (o.source.first and PRONOUN[t[o.source.last].lower]) then return nil end
  end
  if cann and cann.lemma == "continue" and after and after.lower == "to" then return nil end
  -- "the MSNBC show Morning Joe", "voters who might not show up": a noun
  -- and a phrasal verb
  if cann and cann.lemma == "show" and cann.form == "base" and after
     and (SHOW_NOT[after.lower] or (after.text:match("^%u") and after.lower ~= "i")) then
    return nil
  end

  -- "the senator seemed to waver": the writer judges, not the senator
  -- (claim.own_seem)
  if cann and (cann.lemma == "seem" or cann.lemma == "appear") and not o.own then return nil end
  -- "was focused on", "who is asked": a passive participle
  if cann and cann.form == "past" and o.cue.first > 1 and PASSIVE_AUX[t[o.cue.first - 1].lower]
     and not PASSIVE_OK[cann.lemma] then
    return nil
  end
  -- "I think", "you'd think": inside a quotation the claim is the quoted
  -- speaker's, and the quotation is already one.
  if o.source.first and FIRST_PERSON[t[o.source.last].lower] and C.in_quote(doc, o.source.first) then
    return nil
  end
  -- a claim inside a quotation belongs to the quotation ("“If she didn't
  -- think they were doing well, ...,” Gutin says"); a quoted cue word
  -- ("police “strongly suspect” that") is not inside one
  if (o.source.first or o.own) and C.in_quote(doc, o.cue.first)
     and not (t[o.cue.first - 1] and t[o.cue.first - 1].quote) then
    return nil
  end
  -- "called X “disgusting”" is a claim, "a group called X" or "called
  -- Machado on Friday" is not: a quotation must follow soon.
  if cann and cann.lemma == "call" and cann.form ~= "3sg" then
    local quoted = false
    for k = o.cue.last + 1, math.min(o.cue.last + 8, #t) do
      if t[k].quote then quoted = true; break end
    end
    if not quoted then return nil end
  end
  if ctype == "phrase" and t[o.cue.last].lower == "any" then
    -- "denied any connection": "any" belongs to the content.
    if o.ca == o.cue.last + 1 then o.ca = o.cue.last end
  end
  local cue = { start = o.cue.start, stop = o.cue.stop }
  if ctype == "phrase" and t[o.cue.last].lower == "any" then
    cue.stop = t[o.cue.last - 1].stop
  end
  local stance = C.stance(doc, base, o.pre_a or 0, o.pre_b or -1, o.ca, o.cb)
  local content = C.span(t, o.ca, o.cb)
  local lo = math.min(o.source.start or content.start, cue.start, content.start)
  local hi = math.max(o.source.stop or content.stop, cue.stop, content.stop)
  local c = {
    layer = "claimx", start = lo, stop = hi,
    source = o.own and { text = o.source.text } or C.source(doc, o.source),
    cue = cue, content = content, stance = stance, pattern = m.rule,
  }
  if o.via then
    c.via = { start = o.via.start, stop = o.via.stop, ann = o.via.ann }
    if not c.via.ann then
      local actors = C.actors(doc)
      for k = C.from(actors, c.via.start), #actors do
        local a = actors[k]
        if a.start > c.via.stop then break end
        if a.stop <= c.via.stop then c.via.ann = a.id; break end
      end
    end
  end
  if o.tail then c.tail = o.tail end
  return write(doc, c)
end

---------------------------------------------------------------------------
-- Stage claims: the attribution patterns, into `claimx`.

stage "claims"

-- "Trump issued a statement saying ...": a document and a participle
-- speak for the one who issued the document, the sentence's first source.
local DOCUMENT = { statement = true, letter = true, memo = true, email = true, release = true,
  tweet = true, post = true, message = true, note = true, video = true, ad = true, advertisement = true,
  report = true, filing = true, complaint = true, lawsuit = true, press = true }
function C.issuer(doc, m)
  local t = C.toks(doc)
  local last = t[m.source.last]
  if not (last and DOCUMENT[last.lower]) then return m.source end
  local cue = C.cue_at(doc, m.cue.first)
  if not (cue and cue.form == "ing") then return m.source end
  local sent = last.sentence
  local by_start = C.by_start(doc)
  for _, s in ipairs(C.layer(doc, "src")) do
    if s.start >= m.source.start then break end
    -- the token that starts where s does (s is before the source)
    local k = by_start[s.start]
    if k and t[k].sentence == sent and not s.noun then
      local j = k
      while t[j + 1] and t[j + 1].stop <= s.stop do j = j + 1 end
      return { start = s.start, stop = s.stop, first = k, last = j, ann = s.id }
    end
  end
  return m.source
end

-- SOURCE CUE (that) CONTENT: "U.S. officials believed an elite unit was
-- behind the attack"; "An official told NBC News that ..."
rule "claim.source_cue" {
  match = tokens(" @src:source ( ( ',' [!sent_start, text!=',', text!='“', text!='”', text!='\"']{1,24}? ){1,2} ','"
                 .. " | ( '—' | '–' ) [!sent_start, text!='—', text!='–', !quote]{1,24}? ( '—' | '–' ) )? " .. ADVS .. CUEPART),
  emit = function(m, doc)
    -- an aside is no clause of saying: "the Times reported, ultimately
    -- determining" is the reporter's and another's
    local t = C.toks(doc)
    if t[m.source.last + 1].text == "," then
      for k = m.source.last + 2, m.cue.first - 1 do
        if t[k].text == "," and t[k - 1].kind ~= "punct" then
          local c = C.cue_at(doc, k - 1)
          if c and c.type == "verb" and c.form ~= "ing" then return nil end
        end
      end
    end
    local ca, cb = C.content_after(doc, m.last + 1)
    return C.candidate(doc, m, { source = C.issuer(doc, m), cue = m.cue, via = m.via,
      ca = ca, cb = cb, pre_a = m.source.last + 1, pre_b = m.cue.last })
  end,
}

-- SOURCE VERB that CONTENT, for a verb the lexicon does not know: a
-- past tense (by its ending) taking a "that" clause is a verb of saying
-- or thinking ("Clinton conceded that", "the memo insinuated that");
-- participles of cause and purpose are not.
rule "claim.source_verb_that" {
  match = tokens(" @src:source " .. ADVS .. [[ ( [lower_case, lower=/^[a-z]{3,}ed$/,
                    lower!=/^(needed|used|based|required|designed|intended|caused|expected|ensured|hoped|feared|believed|assumed|proved|showed|seemed|appeared|happened|decided|learned|noticed|realized|agreed)$/] ):cue 'that' ]]),
  emit = function(m, doc)
    local ca, cb = C.content_after(doc, m.last + 1)
    return C.candidate(doc, m, { source = m.source, cue = m.cue,
      ca = ca, cb = cb, pre_a = m.source.last + 1, pre_b = m.cue.last })
  end,
}

-- CONTENT, SOURCE CUE: "..., The Wall Street Journal reports."
rule "claim.content_source_cue" {
  match = tokens(BEFORE .. " [quote]? 'the'? @src:source ( ',' [!sent_start, text!=',', !quote]{1,16}? ',' )? "
                 .. ADVS .. CUEPART .. TAIL),
  emit = function(m, doc)
    local ca, cb = C.content_before(doc, m.content.first, m.content.last)
    return C.candidate(doc, m, { source = m.source, cue = m.cue, via = m.via,
      ca = ca, cb = cb, pre_a = m.source.last + 1, pre_b = m.cue.last,
      tail = m.content.stop })
  end,
}

-- CONTENT, CUE SOURCE: "“...,” said Phil Lieberman, CEO of ..."
rule "claim.content_cue_source" {
  match = tokens(BEFORE .. [[ 'also'? [quote]? @cue{type=verb}:cue @src:source ( ',' | [kind=punct]* </s>
                    | [lower=/^(who|in|at|on|during|when|after|while|before|from|of|with|to)$/] ) ]]),
  emit = function(m, doc)
    local ca, cb = C.content_before(doc, m.content.first, m.content.last)
    return C.candidate(doc, m, { source = m.source, cue = m.cue,
      ca = ca, cb = cb, pre_a = m.cue.first - 1, pre_b = m.cue.last,
      tail = m.content.stop })
  end,
}

-- according to SOURCE, CONTENT / CONTENT, according to SOURCE; citing SOURCE.
rule "claim.according_to" {
  match = tokens [[ ( 'according' 'to' | 'citing' ):cue
                    ( [lower=/^(a|an|the)$/]? [lower=/^(report|reports|statement|story|article|interview|memo|filing|documents|analysis)$/]
                      [lower=/^(by|in|from|with|of)$/] )?
                    @src:source ]],
  emit = function(m, doc)
    local t = C.toks(doc)
    local k = m.source.last + 1
    local ends = not t[k] or t[k].sentence ~= t[m.source.last].sentence
      or (TRIM[t[k].text] and t[k].text ~= "," and t[k].text ~= ":")
      or (t[k].text == "," and (not t[k + 1] or t[k + 1].sentence ~= t[k].sentence))
    local first_tok = t[m.first]
    local s_first = t[m.first].sentence
    local ca, cb, tail
    -- "..., citing U.S. officials, reported Wednesday that CONTENT"
    local v = t[k] and t[k].text == "," and k + 1 or k
    local cue2 = C.cue_at(doc, v)
    if cue2 and cue2.type == "verb" then
      local j = v + 1
      while t[j] and t[j].stop <= cue2.stop do j = j + 1 end
      ca, cb = C.content_after(doc, C.skip_time(doc, j))
    elseif not ends and (first_tok.sent_start or (t[m.first - 1] and
        (t[m.first - 1].text == ":" or t[m.first - 1].lower == "and"
         or t[m.first - 1].lower == "but" or t[m.first - 1].sent_start))) then
      ca, cb = C.content_after(doc, k)
    else
      -- the content is the clause before: from the sentence start
      local a = m.first - 1
      while a >= 1 and t[a].sentence == s_first do a = a - 1 end
      a = a + 1
      if a <= m.first - 1 then
        ca, cb = C.content_before(doc, a, m.first - 1)
        tail = t[m.first - 1].text == "," and t[m.first - 1].start or t[m.first].start
      end
    end
    return C.candidate(doc, m, { source = m.source, cue = m.cue,
      ca = ca, cb = cb, tail = tail })
  end,
}

-- according to a noun phrase that is not a known source ("according to
-- a new poll", "according to exit polls").
rule "claim.according_to_phrase" {
  match = tokens [[ ('according' 'to'):cue ([!sent_start, text!=',', text!=';', text!='(', text!=':', !quote]{1,12}?):source
                    ( ',' | '(' | [kind=punct]* </s> ) ]],
  emit = function(m, doc)
    local t = C.toks(doc)
    for _, sa in ipairs(C.layer(doc, "src")) do
      if sa.start == m.source.start then return nil end   -- claim.according_to's
    end
    local k = m.source.last + 1
    local ca, cb, tail
    local p = t[m.first - 1]
    if t[k] and t[k].text == "," and (t[m.first].sent_start or (p and (p.text == ":"
        or p.lower == "and" or p.lower == "but" or p.sent_start))) then
      ca, cb = C.content_after(doc, k + 1)
    else
      local a = C.sentences(doc)[t[m.first].sentence].first - 1
      if a + 1 <= m.first - 1 then
        ca, cb = C.content_before(doc, a + 1, m.first - 1)
        tail = t[m.first - 1].text == "," and t[m.first - 1].start or t[m.first].start
      end
    end
    return C.candidate(doc, m, { source = m.source, cue = m.cue, ca = ca, cb = cb, tail = tail })
  end,
}

-- SOURCE ... , (adverb) CUE-ing that CONTENT: "Officials traced the hack
-- to North Korea, the Times reported, ultimately determining that ...";
-- "Officials responded by saying, “...”".
-- The source may follow an opening phrase ("At the debate, Clinton
-- ...") or a capitalised word the actor rules left out ("Rival Hillary
-- Clinton had mocked the complaint, saying ...").
local OPENING = " <s> ( . [!sent_start]{0,7}? ',' | [shape=/^X/] )? "
rule "claim.source_ing" {
  match = tokens(OPENING .. " ( @src | @subj ):source [!sent_start]+? ( ',' | 'by' ) " .. ADVS ..
                 [[ @cue{type=verb, form=ing}:cue ]]),
  emit = function(m, doc)
    local ca, cb = C.content_after(doc, m.last + 1)
    return C.candidate(doc, m, { source = m.source, cue = m.cue,
      ca = ca, cb = cb, pre_a = m.cue.first - 2, pre_b = m.cue.last })
  end,
}

-- A quotation that ends in a question or an exclamation, then the
-- attribution: "“Who will pay?” Clinton said." (the tokenizer ends the
-- sentence at the mark, so the comma patterns do not see it).
rule "claim.quote_mark_source_cue" {
  match = tokens([[ [text=/^[?!.]$/] [quote]:q [quote]? ( 'the'? @src:source ]] .. ADVS .. CUEPART ..
                 [[ | 'also'? @cue{type=verb}:cue @src:source ) ( ',' | [kind=punct]* </s> ) ]]),
  emit = function(m, doc)
    local t = C.toks(doc)
    if not C.closes(t, m.q.first) then return nil end
    local ca, cb = C.content_before(doc, m.q.first, m.q.first)
    if not ca then return nil end
    -- keep the final mark of the question in the content's range
    return C.candidate(doc, m, { source = m.source, cue = m.cue, via = m.via,
      ca = ca, cb = cb, tail = m.q.stop })
  end,
}

-- SOURCE ... and CUE: a second verb of the same subject ("Merrill says
-- Machado will keep campaigning and said she would ..."). Weak: another
-- rule's claim on the same cue wins (C.merge).
rule "claim.source_and_cue" {
  match = tokens(OPENING .. " @src:source [!sent_start]+? [!sent_start] ( ','? ( 'and' | 'but' ) | ',' 'then' ) " .. ADVS ..
                 " ( @cue{type=verb, form=/^(past|3sg)$/, lemma=/^(" .. NPCUE_NOW .. "|" .. NPCUE_PAST .. "|say|tell|add|deny|"
                 .. "warn|claim|insist|argue)$/}:cue ) "),
  emit = function(m, doc)
    local ca, cb = C.content_after(doc, m.last + 1)
    return C.candidate(doc, m, { source = m.source, cue = m.cue,
      ca = ca, cb = cb, pre_a = m.cue.first - 2, pre_b = m.cue.last })
  end,
}

-- A name and a colon opening a line: headlines ("Poll: Voters ...",
-- "Senator Lopez: 'We will win'") and transcripts ("SMITH: Well, ...").
-- Labels of page furniture and captions are not speakers.
local LABELS = "update|updated|note|editor|photo|photos|video|watch|related|read|source|sources|"
  .. "correction|caption|image|credit|credits|q|a|advertisement|tags|topics|share|follow|"
  .. "email|tel|phone|fax|contact|subscribe|listen|more|see|also|breaking|exclusive|live|"
  .. "opinion|analysis|editorial|commentary|review|transcript|warning|disclaimer|by|posted|"
  .. "published|filed|sign|click|top|latest|here|this|that|why|how|what|when|where|who|"
  .. "question|answer|background|summary|example|bottom|step|part|chapter|day|week|"
  .. "january|february|march|april|may|june|july|august|september|october|november|december|"
  .. "monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|tomorrow|"
  .. "the|a|an|and|or|but|in|on|at|for|with|from|to|of"
rule "claim.name_colon" {
  match = tokens([[ <s> [quote]? ( [line_start, lower!=/^(]] .. LABELS .. [[)$/] ]] ..
                 "( [shape=/^X/, lower!=/^(" .. LABELS .. ")$/] | [lower=/^(of|the|and)$/] ){0,5} )"
                 .. [[:source ':':cue [!para_start] ]]),
  emit = function(m, doc)
    local t = C.toks(doc)
    local last = t[m.source.last]
    if last.lower == "of" or last.lower == "the" or last.lower == "and" then return nil end
    local ca, cb = C.content_after(doc, m.cue.last + 1)
    return C.candidate(doc, m, { source = m.source, cue = m.cue, ca = ca, cb = cb,
      headline_ok = true })
  end,
}

-- A quotation followed by a dash and a name: "“We will win.” ― Ana Ruiz".
rule "claim.quote_dash_name" {
  match = tokens("[quote]:q [kind=punct]? ( '―' | '—' | '–' | '-' ):cue ( " .. C.NAME_NP ..
                 " ):source ( [kind=punct]* </s> | ',' | [kind=punct]* [line_start] )"),
  emit = function(m, doc)
    local t = C.toks(doc)
    if not C.closes(t, m.q.first) then return nil end
    -- the quotation is a paragraph of its own: from the line start (inner
    -- quotation marks make the opening mark hard to pair)
    local a = m.q.first
    while a > 1 and not t[a].line_start and m.q.first - a < 400 do a = a - 1 end
    local ca, cb = C.trim(t, a, m.q.first)
    -- a short signed line has no final stop: the tokenizer takes it for a
    -- headline, which it is not
    return C.candidate(doc, m, { source = m.source, cue = m.cue, ca = ca, cb = cb,
      headline_ok = true })
  end,
}

-- The article's own voice on how things look: "the senator seemed to
-- waver", "the bill is widely expected to pass", "it appears that ...".
-- The one who judges is the writer, not the subject.
local CLAUSE_OPEN = { that = true, which = true, who = true, because = true, ["if"] = true,
  but = true, ["and"] = true, ["while"] = true, when = true, although = true, though = true }
rule "claim.own_seem" {
  match = tokens [[ ( @cue{lemma=/^(seem|appear)$/} | [lower=/^(is|are|was|were)$/] 'widely'? 'not'? 'expected' ):cue
                    [lower=/^(to|that|like)$/] ]],
  emit = function(m, doc)
    local t = C.toks(doc)
    local ca, cb = C.content_after(doc, m.cue.last + 1)
    if not ca then return nil end
    -- the content is the subject and the rest: "the senator ... to waver"
    local a = m.cue.first - 1
    while a >= 1 and t[a].sentence == t[m.cue.first].sentence and not TRIM[t[a].text]
          and not CLAUSE_OPEN[t[a].lower] do
      a = a - 1
    end
    if a + 1 < m.cue.first then ca = a + 1 end
    local outlet = doc.meta.outlet or doc.meta.publisher or "the article"
    return C.candidate(doc, m, { source = { text = tostring(outlet) }, own = true,
      cue = m.cue, ca = ca, cb = cb })
  end,
}

-- The article's own voice: "new evidence is emerging that suggests ...",
-- "The evidence strongly suggests ...".
rule "claim.own_evidence" {
  match = tokens [[ [lower=/^(evidence|analysis|findings|clues|signs|data|indications|forensics|trail)$/]
                    [!sent_start]{0,4}?
                    @cue{norm=/^(suggest|show|indicate|point|imply|demonstrate|prove|strongly suggests|points to|pointed to)$/}:cue ]],
  emit = function(m, doc)
    local ca, cb = C.content_after(doc, m.last + 1)
    local outlet = doc.meta.outlet or doc.meta.publisher or "the article"
    return C.candidate(doc, m, { source = { text = tostring(outlet) }, own = true,
      cue = m.cue, ca = ca, cb = cb })
  end,
}

---------------------------------------------------------------------------
-- Stage claims.links: merge, via, own-voice doubt, page furniture.

stage "claims.links"

local FURNITURE = { "contact us", "sign up", "signing up", "newsletter", "skip to", "subscribe",
                    "click ", "privacy policy", "terms of", "see also", "share this", "all rights reserved",
                    "follow us", "read more", "advertisement" }
-- A part of each phrase (some the whole) that starts with a rarer letter,
-- for the first test over the whole text: a plain search stops at each
-- place its first byte occurs. A text without any of them has none of
-- the phrases; one with some is searched line by line for the phrases.
local FURNITURE_PARTS = { "contact us", "gn up", "gning up", "wsletter", "kip to", "bscribe",
                          "click ", "vacy policy", "terms of", "see also", "hare this", "ghts reserved",
                          "follow us", "read more", "vertisement" }

-- The lines of a document that are page furniture, as 0-based byte
-- ranges {first, last} (last is the line's newline), found once per
-- document: asking per claim meant copying the text each time.
local furniture_cache = {}
local function furniture_lines(doc)
  if furniture_cache.doc == doc then
    return furniture_cache.lines
  end
  local text, lines, pos = C.text(doc), {}, 1
  -- most documents have none: one search each over the whole text
  local low, any = text:lower(), false
  for _, f in ipairs(FURNITURE_PARTS) do
    if low:find(f, 1, true) then any = true; break end
  end
  if not any then pos = #text + 2 end
  while pos <= #text + 1 do
    local nl = text:find("\n", pos, true) or (#text + 1)
    local line = text:sub(pos, nl - 1):lower()
    for _, f in ipairs(FURNITURE) do
      if line:find(f, 1, true) then
        lines[#lines + 1] = { pos - 1, nl - 1 }
        break
      end
    end
    pos = nl + 1
  end
  furniture_cache = { doc = doc, lines = lines }
  return lines
end

-- Is the line holding byte offset `pos` page furniture?
function C.furniture(doc, pos)
  for _, r in ipairs(furniture_lines(doc)) do
    if pos >= r[1] and pos <= r[2] then return true end
    if r[1] > pos then break end
  end
  return false
end

local function inside(x, lo, hi) return x and lo and x >= lo and x < hi end

function C.actor_of(doc, span)
  local id = type(span) == "table" and (span.ref or span.ann)
  if not id then return nil end
  local a = C.annotation(doc, id)
  if a and a.layer == "actor" then return a end
  return nil
end

function C.is_outlet(doc, span)
  local a = C.actor_of(doc, span)
  return a ~= nil and a.kind == "outlet"
end

-- Ends claim c's content before byte offset pos (trimmed), when some of it
-- is left.
function C.cut_before(doc, c, pos)
  local t = C.toks(doc)
  local first, last = C.tok_from(doc, t, c.content.start), C.tok_from(doc, t, pos) - 1
  if last < #t and last >= first then
    local x, y = C.trim(t, first, last)
    if x then c.content = { start = t[x].start, stop = t[y].stop } end
  end
end

-- A speaker goes on in a participle: "“...,” Christie said, adding that
-- ..."; "Cruz said that ..., noting that ...". The new claim takes the
-- source of the nearest claim before it in the sentence, whose content
-- ends before the participle.
local GOES_ON = { [","] = true, ["and"] = true, ["while"] = true, ["before"] = true }
function C.continuations(doc, claims)
  local t = C.toks(doc)
  local by_start = C.by_start(doc)
  local taken = {}
  for _, c in ipairs(claims) do taken[c.cue.start] = true end
  local out = {}
  for _, cue in ipairs(C.layer(doc, "cue")) do
    -- the cue's own fields first, finding its token costs more: "citing"
    -- starts with a C whatever its case
    local i = not taken[cue.start]
      and ((cue.type == "verb" and cue.form == "ing") or cue.text:find("^[Cc]"))
      and by_start[cue.start]
    if i and i > 1 and ((cue.type == "verb" and cue.form == "ing") or t[i].lower == "citing")
       and GOES_ON[t[i - 1].lower] and not t[i].headline then
      local best
      for _, c in ipairs(claims) do
        local ci = by_start[c.cue.start]
        if ci and ci < i and t[ci].sentence == t[i].sentence and c.source.start
           and (not best or c.cue.start > best.cue.start) then
          best = c
        end
      end
      if best and best.source.start < cue.start then
        local j = i
        while t[j + 1] and t[j + 1].stop <= cue.stop do j = j + 1 end
        local ca, cb = C.content_after(doc, j + 1)
        if ca then
          if inside(cue.start, best.content.start, best.content.stop) then
            C.cut_before(doc, best, t[i - 1].start)
          end
          taken[cue.start] = true
          local stance = C.stance(doc, cue.stance or "asserted", 0, -1, ca, cb)
          out[#out + 1] = { layer = "claimx", start = cue.start, stop = t[cb].stop,
            source = best.source, cue = { start = cue.start, stop = cue.stop },
            content = { start = t[ca].start, stop = t[cb].stop }, stance = stance,
            via = best.via, pattern = "claim.continuation" }
        end
      end
    end
  end
  return out
end

-- Drops furniture and duplicates: the same cue and source found by two
-- rules, or a claim whose content holds another claim of the same source
-- ("officials responded ... by saying").
local WEAK = { ["claim.source_and_cue"] = true }
local NONE = {}
-- (Numeric loops and locals below: the Lua VM runs under the engine's
-- instruction hook, where each ipairs step, field read and call costs
-- several times its usual price.)
function C.merge(doc, cands)
  local n = #cands
  local keep, seen = {}, {}
  local strong = {}   -- cue starts that a rule other than a weak one found
  for i = 1, n do
    local c = cands[i]
    if not WEAK[c.pattern] then strong[c.cue.start] = true end
  end
  -- most documents have no furniture line: then no claim asks
  local furniture = n > 0 and furniture_lines(doc)[1] ~= nil
  for i = 1, n do
    local c = cands[i]
    local cue, src = c.cue.start, c.source
    if not (WEAK[c.pattern] and strong[cue]) then
      local same = seen[cue]
      local dup = false
      if same then
        local s, e = src.start, src.stop
        for j = 1, #same do
          local k = same[j]
          if (k.start == nil and s == nil) or (k.start and s and k.start < e and s < k.stop) then
            dup = true
            break
          end
        end
      end
      if not dup and not (furniture and C.furniture(doc, cue)) then
        if same then same[#same + 1] = src else seen[cue] = { src } end
        keep[#keep + 1] = c
      end
    end
  end
  -- one speaker per cue: the source nearest to it ("New York, a state
  -- she hoped to carry, will be close, said Dan Gerstein")
  local best, best_dist = {}, {}
  for i = 1, #keep do
    local c = keep[i]
    local src, cue = c.source, c.cue
    if src.start then
      local d
      if src.stop <= cue.start then
        d = cue.start - src.stop
      else
        d = src.start - cue.stop
        if d < 0 then d = 0 end
      end
      if not best[cue.start] or d < best_dist[cue.start] then
        best[cue.start], best_dist[cue.start] = c, d
      end
    end
  end
  local out = {}
  -- The pairs below need the same source start, or a pronoun source:
  -- claims grouped by source start (in order) spare a pass over all
  -- claims for each claim.
  local same_src = {}
  for i = 1, #keep do
    local b = keep[i]
    local k = b.source.start
    if k then
      local l = same_src[k]
      if l then l[#l + 1] = b else same_src[k] = { b } end
    end
  end
  for i = 1, #keep do
    local a = keep[i]
    local s = a.source.start
    local drop = s ~= nil and best[a.cue.start] ~= a
    local others, pronoun = NONE, nil
    if s then
      -- the pronouns have at most four bytes: a longer source is none
      pronoun = a.source.stop - s <= 4
        and PRONOUN[C.text(doc):sub(s + 1, a.source.stop):lower()]
      others = pronoun and keep or same_src[s]
    end
    for j = 1, #others do
      local b = others[j]
      if a ~= b and s and s == b.source.start
         and inside(b.cue.start, a.content.start, a.content.stop) then
        -- "responded by saying": the inner cue opens the content, the
        -- outer claim is the same; "said X, telling Y": two claims, the
        -- first one's content ends before the second cue
        if b.cue.start - a.content.start < 12 then
          drop = true
        else
          C.cut_before(doc, a, b.cue.start)
        end
      end
      -- "half said they think ...": a pronoun opening another claim's
      -- content speaks for that claim's source; the outer claim is the one.
      if a ~= b and s and s == b.content.start and b.cue.stop <= s and pronoun then
        drop = true
      end
    end
    if not drop then out[#out + 1] = a end
  end
  return out
end

-- Ties each claim to the outlet that reports it: a claim whose source is
-- an outlet (or that has a via), whose content holds this claim's cue or
-- that shares its sentence. Trims contents that run into a trailing
-- attribution (", The Wall Street Journal reports").
function C.link(doc, claims)
  local t = C.toks(doc)
  local by_start = C.by_start(doc)
  local function sent_of(pos)
    local i = by_start[pos]
    return i and t[i].sentence
  end
  -- The claims with a trailing attribution, by where it starts: a claim
  -- b is cut by those whose tail is in (b.content.start, b.content.stop],
  -- taken in their order among the claims. A cut only shortens b's
  -- content, so the ones found for its first content are all there are.
  local tails = {}
  for i, a in ipairs(claims) do
    if a.tail then tails[#tails + 1] = { start = a.tail, i = i, a = a } end
  end
  -- (most documents have none; and a sort of one calls no comparator)
  if tails[1] then
    if tails[2] then
      table.sort(tails, function(x, y) return x.start < y.start or (x.start == y.start and x.i < y.i) end)
    end
    local by_order = function(x, y) return x.i < y.i end
    for _, b in ipairs(claims) do
      local near = {}
      for k = C.from(tails, b.content.start + 1), #tails do
        if tails[k].start > b.content.stop then break end
        near[#near + 1] = tails[k]
      end
      if near[2] then table.sort(near, by_order) end
      for _, tl in ipairs(near) do
        local a = tl.a
        if a ~= b and inside(a.tail, b.content.start, b.content.stop + 1)
           and b.content.start < a.tail then
          -- cut b's content before a's trailing attribution
          local k = C.tok_from(doc, t, a.tail) - 1
          local first = C.tok_from(doc, t, b.content.start)
          if first <= #t and k >= first then
            local x, y = C.trim(t, first, k)
            if x then b.content = { start = t[x].start, stop = t[y].stop } end
          end
        end
      end
    end
  end
  -- whether each claim's source is an outlet, asked once per claim, not
  -- once per pair; the sentence of a claim's cue once at most, and only
  -- for a pair with a trailing attribution (few have one)
  local outlet_src, cue_sent = {}, {}
  for i, c in ipairs(claims) do
    outlet_src[i] = C.is_outlet(doc, c.source)
  end
  local function cue_sentence(i)
    local s = cue_sent[i]
    if s == nil then
      s = sent_of(claims[i].cue.start) or false
      cue_sent[i] = s
    end
    return s
  end
  -- every pair of a claim without an outlet and one with an outlet (few
  -- claims have one): numeric loops, and `inside` written out (see
  -- C.merge). `reporting` lists the latter by number, in order; a claim
  -- that gets a via joins it.
  local n = #claims
  local reporting = {}
  for i = 1, n do
    if outlet_src[i] or claims[i].via then reporting[#reporting + 1] = i end
  end
  for bi = 1, n do
    local b = claims[bi]
    if not b.via and not outlet_src[bi] then
      local cue, src = b.cue.start, b.source.start
      for r = 1, #reporting do
        local ai = reporting[r]
        local a = claims[ai]
        local outlet = outlet_src[ai] and a.source or a.via
        if a ~= b and a.source.start ~= src then
          local lo = a.content.start
          local nested = cue and lo and cue >= lo and cue < a.content.stop
          local same = a.tail and cue_sentence(ai) and cue_sentence(ai) == cue_sentence(bi)
          if nested or same then
            b.via = outlet
            table.insert(reporting, C.num_from(reporting, bi), bi)
            break
          end
        end
      end
    end
  end
end

-- The sentences that hold a claim's cue or content (the claim's own
-- voice is not the article's).
local function claim_sentences(doc, t, by_start, claims)
  local taken = {}
  for _, c in ipairs(claims) do
    local i = by_start[c.cue.start]
    if i then taken[t[i].sentence] = true end
    -- the sentences of the content's tokens: sentence numbers rise with
    -- the tokens, so the first and last token give them all
    local a, b = by_start[c.content.start] or 1, C.tok_from(doc, t, c.content.stop) - 1
    if b >= a then
      for s = t[a].sentence, t[b].sentence do taken[s] = true end
    end
  end
  return taken
end

-- The article's own voice: a doubt word ("circumstantial", "too early to
-- say") in a sentence where nobody else is quoted.
function C.own_doubt(doc, claims)
  local t = C.toks(doc)
  local by_start = C.by_start(doc)
  -- the claims' sentences: found at the first doubt word, which most
  -- documents lack (finding them reads tokens of every claim)
  local taken
  local outlet   -- doc.meta is a new table on each read: only when needed
  local out = {}
  for _, cue in ipairs(C.doubt_cues(doc)) do
    local i = by_start[cue.start]
    if i and not t[i].headline then
      taken = taken or claim_sentences(doc, t, by_start, claims)
      if not taken[t[i].sentence] and not C.furniture(doc, cue.start) then
        local s = C.sentences(doc)[t[i].sentence]
        local a, b = C.trim(t, s.first, s.last)
        if a then
          taken[t[i].sentence] = true
          if not outlet then
            local meta = doc.meta
            outlet = tostring(meta.outlet or meta.publisher or "the article")
          end
          out[#out + 1] = { layer = "claimx", start = t[a].start, stop = t[b].stop,
            source = { text = outlet }, cue = { start = cue.start, stop = cue.stop },
            content = { start = t[a].start, stop = t[b].stop }, stance = "doubted",
            pattern = "claim.own_doubt" }
        end
      end
    end
  end
  return out
end

-- A span attribute as a table doc:annotate accepts back.
function C.respan(s)
  if type(s) ~= "table" then return s end
  if s.start == nil then return { text = s.text } end
  return { start = s.start, stop = s.stop, ann = s.ref or s.ann, text = s.text }
end

-- The annotations of a layer read back as claims, their spans respanned.
local function read_back(doc, layer)
  local list = doc:annotations(layer)
  for _, c in ipairs(list) do
    c.source = C.respan(c.source); c.cue = C.respan(c.cue)
    c.content = C.respan(c.content); c.via = C.respan(c.via)
  end
  return list
end

-- The claims this file wrote to `layer` for doc (`kept`), in the order
-- doc:annotations(layer) gives, without reading them back; read back when
-- the layer holds others too (a rule of another file wrote some).
local function kept_or_read(doc, layer, kept)
  local list = kept.doc == doc and kept.list or NONE
  if doc:count(layer) ~= #list then return read_back(doc, layer) end
  return in_text_order(list)
end

-- The candidates of the document in the order doc:annotations("claimx")
-- gives. Their spans are tables doc:annotate accepts back, as the
-- annotations' spans would be once their `ref` is renamed `ann`, but
-- without their text: C.source_who reads a source's from the document.
function C.candidates(doc)
  return kept_or_read(doc, "claimx", written)
end

-- The claims that claim.links wrote, kept for the document being scanned
-- so that the propositions need not read them back from the document.
local linked_cache = {}

rule "claim.links" {
  run = function(doc)
    local claims = C.merge(doc, C.candidates(doc))
    for _, c in ipairs(C.continuations(doc, claims)) do claims[#claims + 1] = c end
    for _, c in ipairs(C.own_doubt(doc, claims)) do claims[#claims + 1] = c end
    C.link(doc, claims)
    local out = {}
    for _, c in ipairs(claims) do
      local lo = math.min(c.source.start or c.content.start, c.cue.start, c.content.start)
      local hi = math.max(c.source.stop or c.content.stop, c.cue.stop, c.content.stop)
      out[#out + 1] = { layer = "claimv", start = lo, stop = hi, source = c.source,
        cue = c.cue, content = c.content, via = c.via, stance = c.stance, pattern = c.pattern }
    end
    linked_cache = { doc = doc, list = out }
    return out
  end,
}

---------------------------------------------------------------------------
-- Stage propositions: WHO | PREDICATE | WHOM from canonical actors and the
-- predicate lexicon's classes.

stage "propositions"

local WHO_KINDS = { country = true, government = true, group = true, person = true,
                    org = true, anonymous = false, outlet = false, place = false }

-- The canonical name of an actor as the agent of a proposition: a
-- country's code; for a state body, a state unit or a leader, its country.
function C.who(a)
  if a.kind == "country" then return a.norm or a.text end
  if (a.kind == "government" or a.kind == "group") and a.country then return a.country end
  return a.norm or a.text
end

-- The most mentioned actor of a kind in the document (its norm).
function C.top(actors, kind)
  local n, best, bestn = {}, nil, 0
  for _, a in ipairs(actors) do
    if a.kind == kind then
      local k = a.norm or a.text
      n[k] = (n[k] or 0) + 1
      if n[k] > bestn then best, bestn = k, n[k] end
    end
  end
  return best
end

-- The source's own actor as an agent (a denial without an actor in its
-- content: "North Korea denied its involvement"): its norm, the country
-- of a person, or the country named just before the person ("North Korean
-- leader Kim Jong Un"); "the country" stands for the document's country.
function C.source_who(doc, c, actors, top_country)
  local a = C.actor_of(doc, c.source)
  if a then
    if a.kind == "person" then
      if a.country then return a.country end
      for _, b in ipairs(actors) do
        if b.kind == "country" and b.stop <= a.start and a.start - b.stop < 40 then
          local between = C.text(doc):sub(b.stop + 1, a.start)
          if not between:find("[%.;,]") then return b.norm end
        end
      end
      return a.norm or a.text
    end
    if WHO_KINDS[a.kind] then return C.who(a) end
    return nil
  end
  -- a placed source's text is the document's: the claims carry its span
  local s = c.source
  local text = type(s) == "table" and (s.start and C.text(doc):sub(s.start + 1, s.stop) or s.text or "")
    or ""
  if text:lower():find("country") or text:lower():find("nation")
     or text:lower():find("regime") then
    return top_country
  end
  return nil
end

function C.proposition(doc, c, actors, preds, top_org, top_country)
  local lo, hi = c.content.start, c.content.stop
  local text = C.text(doc)
  -- The first predicate of the content; a nominal one ("the attack on
  -- X was carried out by Y") only when nothing follows.
  local pred, nominal
  for k = C.from(preds, lo), #preds do
    local p = preds[k]
    if p.start > hi then break end
    if p.stop <= hi then
      local before = text:sub(math.max(lo, p.start - 8) + 1, p.start):lower()
      if before:find("%f[%a]the%s+$") or before:find("%f[%a]an?%s+$") then
        nominal = nominal or p
      else
        pred = p
        break
      end
    end
  end
  pred = pred or nominal
  if not pred then return nil end
  local before, after = {}, {}
  for k = C.from(actors, lo), #actors do
    local a = actors[k]
    if a.start > hi then break end
    if a.stop <= hi and WHO_KINDS[a.kind] then
      if a.stop <= pred.start then before[#before + 1] = a
      elseif a.start >= pred.stop then after[#after + 1] = a end
    end
  end
  local who
  if pred.voice == "passive" then
    who = after[1] and C.who(after[1])
  else
    who = before[#before] and C.who(before[#before])
    if not who then
      local head = text:sub(lo + 1, pred.start):lower()
      if head:find("country") or head:find("nation") or head:find("regime") then
        who = top_country
      end
    end
    if not who and c.stance == "denied" then
      who = C.source_who(doc, c, actors, top_country)
    end
    -- "the work of Unit 121": the agent right after the predicate
    if not who and after[1] and after[1].start - pred.stop < 12 then who = C.who(after[1]) end
  end
  if not who then return nil end
  local whom
  for _, a in ipairs(after) do
    if a.kind == "org" and C.who(a) ~= who then whom = a.norm or a.text; break end
  end
  whom = whom or top_org or "?"
  return who .. " | " .. (pred.norm or pred.text) .. " | " .. whom
end

-- Is a claim without a predicate of its own about the document's dominant
-- proposition?  Its content names the agent ("all the North Korea
-- connections are circumstantial") or the evidence ("the evidence rather
-- weak"), or it is the agent's own denial ("Kim Jong Un denied
-- responsibility").
local EVIDENCE = { "evidence", "connection", "link", "attribution", "proof", "involvement",
                   "responsibility", "culprit" }
function C.about(doc, c, dominant, actors, top_country)
  local who = dominant:match("^(.-) |")
  local lo, hi = c.content.start, c.content.stop
  for k = C.from(actors, lo), #actors do
    local a = actors[k]
    if a.start > hi then break end
    if a.stop <= hi and WHO_KINDS[a.kind] and C.who(a) == who then
      return true
    end
  end
  local text = C.text(doc):sub(lo + 1, hi):lower()
  if c.stance == "denied" then
    return C.source_who(doc, c, actors, top_country) == who
  end
  for _, w in ipairs(EVIDENCE) do
    if text:find(w, 1, true) then return true end
  end
  return false
end

-- The claims of claim.links in the order doc:annotations("claimv") gives,
-- their spans as C.candidates has them.
function C.linked(doc)
  return kept_or_read(doc, "claimv", linked_cache)
end

rule "claim.propositions" {
  run = function(doc)
    local claims = C.linked(doc)
    local preds = doc:annotations("predicate")
    -- A claim has a proposition only with a predicate in its content, and
    -- most documents have none: then no key, and no dominant one.
    local actors, top_country, dominant
    if preds[1] then
      actors = C.actors(doc)
      local top_org
      top_org, top_country = C.top(actors, "org"), C.top(actors, "country")
      -- "the country", "the isolated nation": the country most often the
      -- agent of the document's claims, else the most mentioned one.
      local agents, best_agent, nbest = {}, nil, 0
      for _, c in ipairs(claims) do
        local key = C.proposition(doc, c, actors, preds, top_org, nil)
        local who = key and key:match("^(%u%u) |")
        if who then
          agents[who] = (agents[who] or 0) + 1
          if agents[who] > nbest then best_agent, nbest = who, agents[who] end
        end
      end
      top_country = best_agent or top_country
      local count, best = {}, 0
      for _, c in ipairs(claims) do
        c.key = C.proposition(doc, c, actors, preds, top_org, top_country)
        if c.key then
          count[c.key] = (count[c.key] or 0) + 1
          if count[c.key] > best then dominant, best = c.key, count[c.key] end
        end
      end
    end
    local out = {}
    for _, c in ipairs(claims) do
      if not c.key and dominant and C.about(doc, c, dominant, actors, top_country) then
        c.key = dominant
      end
      out[#out + 1] = { layer = "claim", start = c.start, stop = c.stop, source = c.source,
        cue = c.cue, content = c.content, via = c.via, stance = c.stance,
        proposition = c.key }
    end
    return out
  end,
}
