-- test_lexicons.lua -- the news pack's lexicons (rules/lexicons/*.yaml): each
-- loads, has its size, and matches the phrases it must (and not others).
-- Run: assay run tests/lua/test_lexicons.lua (from the repository root).
local check = dofile("tests/lua/check.lua")
local assay = require("assay")

local DIR = "rules/lexicons/"

-- Each lexicon loads with its own fold setting (the file's `fold:`), and has
-- at least this many entries.
local MIN_ENTRIES = {
  countries = 250, outlets = 150, government = 120, titles = 60,
  organizations = 250, groups = 40, cues = 400, anonymous = 40,
  predicates = 8, first_names = 8000, person_suffixes = 8, org_suffixes = 40,
}

local lex = {}
for name, min in pairs(MIN_ENTRIES) do
  local ok, lx = pcall(assay.lexicon, { file = DIR .. name .. ".yaml" })
  if check.ok(ok, name .. ".yaml loads: " .. tostring(lx)) then
    lex[name] = lx
    check.ok(lx:size() >= min, string.format("%s has %d entries, want >= %d",
      name, lx:size(), min))
  end
end

-- The match of lexicon `name` in `text` whose text is `want`, or nil.
local function find(name, text, want)
  if not lex[name] then return nil end
  for _, m in ipairs(lex[name]:match(assay.document(text))) do
    if m.text == want then return m end
  end
  return nil
end

-- { lexicon, text, matched phrase, kind, norm, attrs (a subset) }
local CASES = {
  -- countries: names, demonyms, capitals as metonyms, abbreviations
  { "countries", "North Korean hackers struck.", "North Korean", "country", "KP" },
  { "countries", "Pyongyang denied it.", "Pyongyang", "government", "KP" },
  { "countries", "Officials in Washington said.", "Washington", "government", "US" },
  { "countries", "Beijing and Moscow objected.", "Moscow", "government", "RU" },
  { "countries", "Talks in the U.S. resumed.", "U.S.", "country", "US" },
  { "countries", "The United States of America agreed.", "United States of America", "country", "US" },
  { "countries", "American officials said.", "American", "country", "US" },
  { "countries", "British police said.", "British", "country", "GB" },
  { "countries", "The U.K. and Britain.", "U.K.", "country", "GB" },
  { "countries", "The DPRK said.", "DPRK", "country", "KP" },
  { "countries", "The Republic of Korea said.", "Republic of Korea", "country", "KR" },
  { "countries", "South Korea said.", "South Korea", "country", "KR" },
  { "countries", "It was routed through Singapore.", "Singapore", "country", "SG",
    { iso3 = "SGP", capital = "Singapore" } },
  { "countries", "Servers in Cyprus.", "Cyprus", "country", "CY" },
  { "countries", "Troops left Afghanistan.", "Afghanistan", "country", "AF" },
  { "countries", "Bolivia voted.", "Bolivia", "country", "BO" },
  { "countries", "Ukraine and Kiev.", "Kiev", "government", "UA" },
  { "countries", "In Côte d’Ivoire today.", "Côte d’Ivoire", "country", "CI" },
  { "countries", "In Cote d'Ivoire today.", "Cote d'Ivoire", "country", "CI" },
  { "countries", "Turkey and Burma.", "Burma", "country", "MM" },
  { "countries", "Turkey said.", "Turkey", "country", "TR" },
  { "countries", "The Democratic People's Republic of Korea said.",
    "Democratic People's Republic of Korea", "country", "KP", { iso3 = "PRK", demonym = "North Korean" } },
  { "countries", "Congolese troops.", "Congolese", "country", "CD" },
  -- outlets
  { "outlets", "The Wall Street Journal reported.", "The Wall Street Journal", "outlet", "Wall Street Journal",
    { country = "US", type = "newspaper" } },
  { "outlets", "the Wall Street Journal reported.", "Wall Street Journal", "outlet", "Wall Street Journal" },
  { "outlets", "He told ABC News.", "ABC News", "outlet", "ABC News" },
  { "outlets", "Re/code reported.", "Re/code", "outlet", "Re/code" },
  { "outlets", "NBC News and NBC said.", "NBC News", "outlet", "NBC News" },
  { "outlets", "He told NBC on Monday.", "NBC", "outlet", "NBC" },
  { "outlets", "The New York Times said.", "The New York Times", "outlet", "New York Times" },
  { "outlets", "The NYT said.", "NYT", "outlet", "New York Times" },
  { "outlets", "The Associated Press said.", "The Associated Press", "outlet", "Associated Press", { type = "wire" } },
  { "outlets", "the AP reported.", "AP", "outlet", "Associated Press" },
  { "outlets", "Reuters reported.", "Reuters", "outlet", "Reuters" },
  { "outlets", "Entertainment Weekly wrote.", "Entertainment Weekly", "outlet", "Entertainment Weekly" },
  { "outlets", "The Verge wrote.", "The Verge", "outlet", "Verge" },
  { "outlets", "Deadline reported.", "Deadline", "outlet", "Deadline" },
  { "outlets", "USA Today said.", "USA Today", "outlet", "USA Today" },
  { "outlets", "Wired finds it weak.", "Wired", "outlet", "Wired" },
  { "outlets", "BuzzFeed News said.", "BuzzFeed News", "outlet", "BuzzFeed News" },
  { "outlets", "PCMag said.", "PCMag", "outlet", "PCMag" },
  { "outlets", "ReadWrite said.", "ReadWrite", "outlet", "ReadWrite" },
  { "outlets", "KCNA said.", "KCNA", "outlet", "KCNA", { country = "KP" } },
  { "outlets", "Xinhua said.", "Xinhua", "outlet", "Xinhua" },
  { "outlets", "RT said.", "RT", "outlet", "RT" },
  { "outlets", "TASS said.", "TASS", "outlet", "TASS" },
  { "outlets", "Yonhap said.", "Yonhap", "outlet", "Yonhap" },
  { "outlets", "The BBC said.", "BBC", "outlet", "BBC" },
  { "outlets", "CNN said.", "CNN", "outlet", "CNN" },
  -- government
  { "government", "The FBI said.", "FBI", "government", "FBI" },
  { "government", "the FBI said.", "FBI", "government", "FBI", { country = "US" } },
  { "government", "The Department of Justice said.", "Department of Justice", "government", "Department of Justice" },
  { "government", "The Justice Department said.", "Justice Department", "government", "Department of Justice" },
  { "government", "DOJ said.", "DOJ", "government", "Department of Justice" },
  { "government", "The Department of Homeland Security said.", "Department of Homeland Security", "government",
    "Department of Homeland Security" },
  { "government", "The State Department said.", "State Department", "government", "Department of State" },
  { "government", "The Pentagon said.", "Pentagon", "government", "Department of Defense" },
  { "government", "The White House said.", "White House", "government", "White House" },
  { "government", "The CIA said.", "CIA", "government", "CIA" },
  { "government", "The NSA said.", "NSA", "government", "NSA" },
  { "government", "The National Security Council said.", "National Security Council", "government",
    "National Security Council" },
  { "government", "The General Bureau of Reconnaissance ran it.", "General Bureau of Reconnaissance",
    "government", "General Bureau of Reconnaissance", { country = "KP" } },
  { "government", "The Reconnaissance General Bureau ran it.", "Reconnaissance General Bureau",
    "government", "General Bureau of Reconnaissance" },
  { "government", "Downing Street said.", "Downing Street", "government", "Downing Street", { country = "GB" } },
  { "government", "GCHQ said.", "GCHQ", "government", "GCHQ" },
  { "government", "The Kremlin said.", "Kremlin", "government", "Kremlin", { country = "RU" } },
  { "government", "The FSB said.", "FSB", "government", "FSB" },
  { "government", "The Ministry of State Security said.", "Ministry of State Security", "government",
    "Ministry of State Security", { country = "CN" } },
  { "government", "The European Commission said.", "European Commission", "government", "European Commission" },
  { "government", "The U.N. Security Council met.", "U.N. Security Council", "government", "UN Security Council" },
  -- organizations
  { "organizations", "Sony Pictures said.", "Sony Pictures", "org", "Sony Pictures" },
  { "organizations", "Sony Pictures Entertainment said.", "Sony Pictures Entertainment", "org", "Sony Pictures" },
  { "organizations", "Sony’s staff.", "Sony", "org", "Sony" },
  { "organizations", "AMC Theaters pulled it.", "AMC Theaters", "org", "AMC Theatres", { sector = "cinema" } },
  { "organizations", "Cinemark pulled it.", "Cinemark", "org", "Cinemark" },
  { "organizations", "New Regency dropped it.", "New Regency", "org", "New Regency" },
  { "organizations", "Warner Bros. said.", "Warner Bros.", "org", "Warner Bros." },
  { "organizations", "Amnesty International said.", "Amnesty International", "org", "Amnesty International" },
  { "organizations", "FIFA said.", "FIFA", "org", "FIFA" },
  -- groups
  { "groups", "The Guardians of Peace said.", "Guardians of Peace", "group", "Guardians of Peace" },
  { "groups", "Unit 121 did it.", "Unit 121", "government", "Unit 121", { country = "KP" } },
  { "groups", "Bureau 121 did it.", "Bureau 121", "government", "Unit 121" },
  { "groups", "The Lazarus Group did it.", "Lazarus Group", "group", "Lazarus Group" },
  { "groups", "Anonymous said.", "Anonymous", "group", "Anonymous" },
  { "groups", "Al Qaeda said.", "Al Qaeda", "group", "al-Qaeda" },
  { "groups", "ISIS said.", "ISIS", "group", "Islamic State" },
  { "groups", "The Taliban said.", "Taliban", "group", "Taliban" },
  { "groups", "Republicans said.", "Republicans", "group", "Republican Party" },
  { "groups", "Labour said.", "Labour", "group", "Labour Party" },
  -- titles
  { "titles", "spokeswoman Bernadette Meehan", "spokeswoman", "title", "spokeswoman", { type = "role" } },
  { "titles", "President Obama said.", "President", "title", "President", { type = "political" } },
  { "titles", "Sen. John McCain said.", "Sen.", "title", "senator" },
  { "titles", "Vice President Biden", "Vice President", "title", "Vice President" },
  { "titles", "chief executive Michael Lynton", "chief executive", "title", "chief executive", { type = "corporate" } },
  { "titles", "Gen. James Clapper", "Gen.", "title", "General", { type = "military" } },
  -- cues
  { "cues", "officials said on Friday", "said", "cue", "say", { stance = "asserted", type = "verb" } },
  { "cues", "North Korea denied it", "denied", "cue", "deny", { stance = "denied" } },
  { "cues", "officials think it", "think", "cue", "think", { stance = "believed" } },
  { "cues", "officials believed it", "believed", "cue", "believe", { stance = "believed" } },
  { "cues", "investigators suspect it", "suspect", "cue", "suspect", { stance = "suspected" } },
  { "cues", "investigators strongly suspect it", "strongly suspect", "cue", "strongly suspect",
    { stance = "suspected", type = "phrase" } },
  { "cues", "experts doubt it", "doubt", "cue", "doubt", { stance = "doubted" } },
  { "cues", "they questioned it", "questioned", "cue", "question", { stance = "doubted" } },
  { "cues", "According to Re/code, it was", "According to", "cue", "according to", { stance = "asserted" } },
  { "cues", "citing sources", "citing", "cue", "citing", { stance = "asserted" } },
  { "cues", "we have reason to believe", "have reason to believe", "cue", "have reason to believe",
    { stance = "believed" } },
  { "cues", "he told reporters", "told reporters", "cue", "told reporters" },
  { "cues", "it reportedly was", "reportedly", "cue", "reportedly", { stance = "believed", type = "adverb" } },
  { "cues", "Sony declined to comment", "declined to comment", "cue", "declined to comment",
    { stance = "unconfirmed" } },
  { "cues", "the evidence is circumstantial", "circumstantial", "cue", "circumstantial", { stance = "doubted" } },
  { "cues", "it suggests that", "suggests", "cue", "suggest", { stance = "suspected" } },
  { "cues", "they concluded that", "concluded", "cue", "conclude", { stance = "asserted" } },
  { "cues", "officials rejected that", "rejected", "cue", "reject", { stance = "denied" } },
  { "cues", "Sources corroborated the report", "corroborated", "cue", "corroborate" },
  -- anonymous sources
  { "anonymous", "U.S. officials said", "officials", "anonymous", "officials", { head = "officials" } },
  { "anonymous", "Senior administration officials said", "Senior administration officials", "anonymous",
    "senior administration officials" },
  { "anonymous", "a source familiar with the investigation said", "a source familiar with the investigation",
    "anonymous", "a source familiar with the investigation", { head = "source", number = "singular" } },
  { "anonymous", "people familiar with the matter said", "people familiar with the matter", "anonymous",
    "people familiar with the matter" },
  { "anonymous", "investigators said", "investigators", "anonymous", "investigators" },
  { "anonymous", "U.S. intelligence sources said", "intelligence sources", "anonymous", "intelligence sources" },
  -- predicates
  { "predicates", "North Korea was behind the attack", "was behind", "predicate", "responsible for",
    { voice = "active" } },
  { "predicates", "it orchestrated the intrusions", "orchestrated", "predicate", "responsible for" },
  { "predicates", "its involvement in the hack", "involvement in", "predicate", "responsible for" },
  { "predicates", "the linkage to Pyongyang", "linkage to", "predicate", "responsible for",
    { voice = "symmetric" } },
  { "predicates", "carried out by a hacking group", "carried out by", "predicate", "responsible for",
    { voice = "passive" } },
  { "predicates", "it was centrally involved", "centrally involved", "predicate", "responsible for" },
  { "predicates", "Sony cancelled the release", "cancelled", "predicate", "cancelled" },
  { "predicates", "Sony canceled the release", "canceled", "predicate", "cancelled" },
  { "predicates", "the hackers threatened theaters", "threatened", "predicate", "threatened" },
  { "predicates", "the FBI is investigating", "investigating", "predicate", "investigating" },
  -- names and suffixes
  { "first_names", "Bernadette Meehan said", "Bernadette", "first_name", "Bernadette" },
  { "first_names", "James Franco said", "James", "first_name", "James" },
  { "person_suffixes", "Martin Luther King Jr. spoke", "Jr.", "person_suffix", "Jr." },
  { "org_suffixes", "Lieberman Software said", "Software", "org_suffix", "Software", { kind = "org" } },
  { "org_suffixes", "the National Safety Council", "Council", "org_suffix", "Council", { kind = "government" } },
}

for i, c in ipairs(CASES) do
  local name, text, want, kind, norm, attrs = table.unpack(c)
  local m = find(name, text, want)
  local what = string.format("case %d: %s %q in %q", i, name, want, text)
  if check.ok(m ~= nil, what .. " matches") then
    check.eq(m.kind, kind, what .. " kind")
    check.eq(m.norm, norm, what .. " norm")
    for k, v in pairs(attrs or {}) do
      check.eq(m.attrs[k], v, what .. " attr " .. k)
    end
  end
end

-- Phrases that must not match: kept out of the lexicons on purpose (people,
-- in-document short forms, ambiguous capitals, lowercase words in
-- case-sensitive lexicons, codes that are words).
local NEGATIVE = {
  { "countries", "Kim Jong-un spoke." }, { "outlets", "Kim Jong-un spoke." },
  { "government", "Kim Jong-un spoke." }, { "organizations", "Kim Jong-un spoke." },
  { "groups", "Kim Jong-un spoke." },
  { "outlets", "the Journal reported" }, { "outlets", "the Times reported" },
  { "countries", "Victoria and Kingston" }, { "countries", "it was in Brussels" },
  { "countries", "an island near us" }, { "groups", "an anonymous donor" },
  { "countries", "Georgetown" }, { "countries", "PRK and KP" },
}
for i, c in ipairs(NEGATIVE) do
  local name, text = c[1], c[2]
  if lex[name] then
    local ms = lex[name]:match(assay.document(text))
    check.eq(#ms, 0, string.format("negative %d: %s finds nothing in %q (found %s)", i, name, text,
      ms[1] and ms[1].text or "-"))
  end
end

-- Every country has a two-letter norm, an iso3 and a status; every cue a
-- stance from the closed set; every outlet a country and a type.
local STANCES = { asserted = true, believed = true, suspected = true, denied = true,
                  doubted = true, unconfirmed = true }
if lex.cues then
  local bad = {}
  for _, m in ipairs(lex.cues:match(assay.document(
      "said told denied believe suspect doubt according to reportedly"))) do
    if not STANCES[m.attrs.stance] then bad[#bad + 1] = m.text end
  end
  check.eq(#bad, 0, "stances are from the closed set")
end
if lex.countries then
  local ms = lex.countries:match(assay.document(
    "France, Germany, Japan, India, Brazil, Nigeria, Mexico and Canada."))
  check.eq(#ms, 8, "eight countries found")
  for _, m in ipairs(ms) do
    check.ok(#m.norm == 2 and m.attrs.iso3 ~= nil and m.attrs.status ~= nil,
      m.text .. " has norm, iso3, status")
  end
end

check.done()
