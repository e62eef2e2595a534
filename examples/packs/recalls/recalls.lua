-- recalls.lua -- an example rule pack of another domain than news: product
-- recalls.  It finds companies, regulators, hazards and quantities, then
-- the recalls themselves (who recalls what, how many, why).  Copy it to
-- start a pack of your own; README.md says what each part shows.
-- Rule tests: recalls.tests.yaml (assay test examples/packs/recalls/recalls.tests.yaml).
pack { name = "recalls", version = "1.0" }

-- What the pack writes.  "longest" keeps one of overlapping annotations.
layer "company" { policy = "longest" }
layer "agency" { policy = "longest" }
layer "hazard" { policy = "longest" }
layer "quantity" { policy = "longest" }
layer "recall" { policy = "longest" }
layer "cue" { policy = "longest", hidden = true }  -- a working layer

-- Lexicons: YAML files beside the pack (docs/lexicons.md).
lexicon "companies" { file = "lexicons/companies.yaml", fold = false }
lexicon "agencies" { file = "lexicons/agencies.yaml", fold = false }
lexicon "hazards" { file = "lexicons/hazards.yaml", fold = true }
-- A lexicon written in Lua: the recall verbs and nouns.
lexicon "recall_words" {
  fold = true,
  entries = {
    { name = "recall", kind = "recall", aliases = { "recalls", "recalled", "recalling" } },
    { name = "withdraw", kind = "withdraw", aliases = { "withdraws", "withdrew", "pulled" } },
  },
}

-- Words that say a hazard is a risk of the product, not just mentioned.
local RISK = {}
for w in ([[risk risks hazard hazards pose poses posed cause causes caused
            could can may might because due after over reports reported
            contaminated]]):gmatch("%S+") do
  RISK[w] = true
end
local RECALL_CUE = [[@cue{kind=/^(recall|withdraw)$/}:cue]]
-- What a product may be made of: any token but one that ends its phrase
-- (token patterns take the longest match, so the product must not be able
-- to run past "because", "after", a comma, or into the next sentence).
local PRODUCT_TOKEN = [[ [!sent_start, lower!=/^(because|due|after|over|for|amid|citing|from|in|at|,|\.|;)$/] ]]

---------------------------------------------------------------------------
stage "entities"
---------------------------------------------------------------------------

-- 1. A lexicon rule with a static emit: kind, norm and the entry's
--    attributes (sector, country) are copied onto the annotation.
rule "company.lexicon" {
  match = lexicon "companies",
  emit = { layer = "company" },
}

-- 2. A token pattern with a capture: a capitalised name before a legal
--    suffix is a company the lexicon does not know.  The norm is the name
--    without its suffix; priority -1 loses ties against the lexicon.
rule "company.suffix" {
  match = tokens [[ ([title, !sent_start] | [title, kind=word]){1,4}:name
                    ("Inc." | "Corp." | "Co." | "Ltd." | "LLC" | "GmbH") ]],
  emit = { layer = "company", kind = "company", norm = "$name", pattern = "suffix" },
  priority = -1,
}

rule "agency.lexicon" {
  match = lexicon "agencies",
  emit = { layer = "agency" },
}

rule "cue.recall" {
  match = lexicon "recall_words",
  emit = { layer = "cue" },
}

-- 3. A lexicon with a `where` filter: a hazard counts only in a sentence
--    that speaks of risk or of a recall ("fire" in "fired the CEO" is
--    not matched anyway: lexicons compare whole tokens).
rule "hazard.lexicon" {
  match = lexicon "hazards",
  where = function(m, doc)
    local s = doc:sentences()[doc:token(m.first).sentence]
    for i = s.first, s.last do
      local lower = doc:token(i).lower
      if RISK[lower] or lower:match("^recall") then return true end
    end
    return false
  end,
  emit = { layer = "hazard" },
}

-- 4. A regex with named groups and an emit function: "1.2 million
--    vehicles", "about 35,000 units" become a number with its unit.
local MULTIPLIER = { thousand = 1e3, million = 1e6, billion = 1e9 }
rule "quantity.units" {
  match = regex [[(?<n>\d[\d,]*(?:\.\d+)?)(?:\s+(?<mult>thousand|million|billion))?\s+(?<unit>vehicles|cars|trucks|SUVs|units|devices|bikes|dryers|treadmills|products|packages|cans|bottles|pounds|machines)\b]],
  where = function(m, doc)
    return tonumber((m.n.text:gsub(",", ""))) ~= nil
  end,
  emit = function(m, doc)
    local n = tonumber((m.n.text:gsub(",", "")))
    if m.mult then n = n * MULTIPLIER[m.mult.text:lower()] end
    return { layer = "quantity", value = math.floor(n + 0.5), unit = m.unit.text:lower() }
  end,
}

---------------------------------------------------------------------------
stage "recalls"
---------------------------------------------------------------------------

-- The hazard in the sentence of token `first`, as an annotation table.
local function hazard_near(doc, first)
  local s = doc:sentences()[doc:token(first).sentence]
  for _, h in ipairs(doc:annotations("hazard")) do
    if h.start >= s.start and h.stop <= s.stop then return h end
  end
  return nil
end

-- The quantity inside a span, or nil.
local function quantity_in(doc, span)
  for _, q in ipairs(doc:annotations("quantity")) do
    if q.start >= span.start and q.stop <= span.stop then return q end
  end
  return nil
end

-- 5. A token pattern with captures and an emit function: "Ford is
--    recalling 1.2 million vehicles because ..." -> company, product,
--    count and hazard in one annotation.
rule "recall.active" {
  match = tokens([[ @company:who ('is' | 'has' | 'have' | 'will' | 'said' 'it' 'would' | 'said' 'it' 'is')?
                    ]] .. RECALL_CUE .. [[ (]] .. PRODUCT_TOKEN .. [[+):product ]]),
  emit = function(m, doc)
    local product = m.product
    local q = quantity_in(doc, product)
    local h = hazard_near(doc, m.first)
    return {
      layer = "recall", company = m.who, cue = m.cue, product = product,
      count = q and q.value or nil, unit = q and q.unit or nil,
      hazard = h and h.norm or nil, voice = "active",
    }
  end,
}

-- 6. The passive: "200,000 dryers are being recalled by Samsung".
rule "recall.passive" {
  match = tokens([[ <s> (. ]] .. PRODUCT_TOKEN .. [[*?):product ('are' | 'is' | 'were' | 'was' | 'have' 'been' | 'has' 'been')
                    'being'? ]] .. RECALL_CUE .. [[ 'by' @company:who ]]),
  emit = function(m, doc)
    local q = quantity_in(doc, m.product)
    local h = hazard_near(doc, m.first)
    return {
      layer = "recall", company = m.who, cue = m.cue, product = m.product,
      count = q and q.value or nil, unit = q and q.unit or nil,
      hazard = h and h.norm or nil, voice = "passive",
    }
  end,
}

-- 7. A static emit with captures: the regulator announces the recall.
rule "recall.agency" {
  match = tokens([[ @agency:agency ('announced' | 'ordered' | 'issued' | 'said')
                    ('a' | 'the')? ]] .. RECALL_CUE .. [[ 'of' (]] .. PRODUCT_TOKEN .. [[+):product ]]),
  emit = { layer = "recall", agency = "$agency", cue = "$cue", product = "$product",
           voice = "agency" },
}
