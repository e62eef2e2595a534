-- report.lua -- `assay report`: the cross-document view of a corpus.
-- Runs a rule pack over the inputs (or reads records that `assay extract`
-- wrote) and groups the claims of all documents by proposition, with the
-- documents and sources in each stance, the outlets and the earliest date;
-- plus a timeline of the dated events and an index of actors.
--
-- Run by the `assay report` command (src/cli/report.c) as a host script;
-- the aggregation (M.new, :add, :result) is shared with `assay merge`.

local assay = require "assay"

local M = {}

-- The formats of report and merge.
M.FORMATS = { text = true, json = true, yaml = true, tsv = true, html = true }

local STANCES = { "asserted", "believed", "suspected", "denied", "doubted", "unconfirmed" }

-- A span's text on one line (sources can run over a line break).
local function text_of(v)
  if type(v) == "table" then v = v.text end
  if type(v) == "string" then v = v:gsub("%s+", " ") end
  return v
end

-- The canonical name of the actor a span stands for (its `actor` id), or
-- the span's text: outlets are listed once whatever the wording.
local function actor_name(span, by_id)
  if type(span) ~= "table" then return text_of(span) end
  local a = span.actor and by_id[span.actor]
  if a and a.norm then return a.norm end
  return text_of(span)
end

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  return keys
end

local function set_list(set)
  local list = sorted_keys(set)
  return list
end

local function earlier(a, b)
  if not a then return b end
  if not b then return a end
  return a < b and a or b
end

-- A new aggregate; with opts.keep_text each document's text and
-- annotations are kept too (for the HTML report).
function M.new(opts)
  return setmetatable({ props = {}, actors = {}, events = {}, docs = {}, ndocs = 0,
                        keep_text = opts and opts.keep_text or false }, { __index = M })
end

-- Adds one document record: {doc=, meta=, annotations={...}} with spans as
-- in the JSON output (start/end) or Lua (start/stop).
function M:add(rec)
  if rec.error then return end
  local id = rec.doc
  local meta = rec.meta or {}
  self.ndocs = self.ndocs + 1
  self.docs[#self.docs + 1] = { id = id, outlet = meta.outlet, published = meta.published, title = meta.title,
                                text = self.keep_text and rec.text or nil,
                                annotations = self.keep_text and rec.annotations or nil }
  local published = type(meta.published) == "string" and meta.published:sub(1, 10) or nil
  local by_id = {}
  for _, a in ipairs(rec.annotations or {}) do
    if a.id then by_id[a.id] = a end
  end
  for _, a in ipairs(rec.annotations or {}) do
    if a.layer == "claim" and a.proposition then
      local p = self.props[a.proposition]
      if not p then
        p = { key = a.proposition, stances = {}, outlets = {}, claims = {}, docs = {} }
        self.props[a.proposition] = p
      end
      local st = a.stance or "asserted"
      local s = p.stances[st] or { docs = {}, sources = {} }
      p.stances[st] = s
      s.docs[id] = true
      local src = text_of(a.source)
      if src then s.sources[src] = true end
      local via = a.via and actor_name(a.via, by_id) or meta.outlet
      if via then p.outlets[via] = true end
      p.docs[id] = true
      p.earliest = earlier(p.earliest, published)
      p.claims[#p.claims + 1] = {
        doc = id, source = src, via = text_of(a.via), cue = text_of(a.cue),
        stance = st, content = text_of(a.content), date = published,
      }
    elseif a.layer == "actor" then
      -- One entry per canonical actor, whatever kinds its aliases have
      -- (Pyongyang is a government, North Korea a country: both KP).
      local key = a.norm or a.text
      local act = self.actors[key]
      if not act then
        act = { norm = key, kinds = {}, mentions = 0, aliases = {}, docs = {} }
        self.actors[key] = act
      end
      act.mentions = act.mentions + 1
      act.aliases[a.text] = true
      act.docs[id] = true
      if a.kind then act.kinds[a.kind] = (act.kinds[a.kind] or 0) + 1 end
    elseif a.layer == "date" and type(a.value) == "string" and a.value:match("^%d%d%d%d") then
      self.events[#self.events + 1] = { value = a.value, text = a.text, doc = id,
                                        type = a.type, mod = a.mod }
    end
  end
end

-- The report as plain Lua data (lists in a stable order).
function M:result()
  local props = {}
  for _, key in ipairs(sorted_keys(self.props)) do
    local p = self.props[key]
    local stances = {}
    for _, st in ipairs(STANCES) do
      local s = p.stances[st]
      if s then
        stances[#stances + 1] = { stance = st, documents = set_list(s.docs), sources = set_list(s.sources) }
      end
    end
    table.sort(p.claims, function(a, b)
      if a.doc ~= b.doc then return a.doc < b.doc end
      return (a.source or "") < (b.source or "")
    end)
    props[#props + 1] = { key = key, documents = set_list(p.docs), stances = stances,
                          outlets = set_list(p.outlets), earliest = p.earliest, claims = p.claims }
  end
  -- Most supported propositions first.
  table.sort(props, function(a, b)
    if #a.documents ~= #b.documents then return #a.documents > #b.documents end
    return a.key < b.key
  end)
  table.sort(self.events, function(a, b)
    if a.value ~= b.value then return a.value < b.value end
    if a.doc ~= b.doc then return a.doc < b.doc end
    return a.text < b.text
  end)
  local actors = {}
  for _, key in ipairs(sorted_keys(self.actors)) do
    local a = self.actors[key]
    -- The kind is the one most mentions have (ties: alphabetical).
    local kind, best = nil, -1
    for _, k in ipairs(sorted_keys(a.kinds)) do
      if a.kinds[k] > best then kind, best = k, a.kinds[k] end
    end
    actors[#actors + 1] = { norm = a.norm, kind = kind, kinds = set_list(a.kinds), mentions = a.mentions,
                            aliases = set_list(a.aliases), documents = set_list(a.docs) }
  end
  table.sort(actors, function(a, b)
    if a.mentions ~= b.mentions then return a.mentions > b.mentions end
    return a.norm < b.norm
  end)
  return { schema = 1, documents = self.ndocs, propositions = props,
           timeline = self.events, actors = actors }
end

-- ---- output ----------------------------------------------------------

local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    local map = { ['"'] = '\\"', ["\\"] = "\\\\", ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t" }
    return map[c] or string.format("\\u%04x", c:byte())
  end) .. '"'
end

-- Deterministic JSON: object keys sorted, arrays in order.
local function to_json(v, out)
  local t = type(v)
  if t == "table" then
    if #v > 0 or next(v) == nil and getmetatable(v) == "array" then
      out[#out + 1] = "["
      for i, x in ipairs(v) do
        if i > 1 then out[#out + 1] = "," end
        to_json(x, out)
      end
      out[#out + 1] = "]"
    elseif next(v) == nil then
      out[#out + 1] = "[]"
    else
      out[#out + 1] = "{"
      for i, k in ipairs(sorted_keys(v)) do
        if i > 1 then out[#out + 1] = "," end
        out[#out + 1] = json_string(tostring(k)) .. ":"
        to_json(v[k], out)
      end
      out[#out + 1] = "}"
    end
  elseif t == "string" then
    out[#out + 1] = json_string(v)
  elseif t == "number" then
    out[#out + 1] = (math.type(v) == "integer") and tostring(v) or string.format("%.14g", v)
  elseif t == "boolean" then
    out[#out + 1] = tostring(v)
  else
    out[#out + 1] = "null"
  end
end

function M.json(result)
  local out = {}
  to_json(result, out)
  return table.concat(out)
end

function M.text(result)
  local lines = {}
  local function add(fmt, ...) lines[#lines + 1] = string.format(fmt, ...) end
  add("%d documents", result.documents)
  add("")
  add("PROPOSITIONS")
  for _, p in ipairs(result.propositions) do
    add("")
    add("%s", p.key)
    add("  documents: %d, earliest: %s, outlets: %s", #p.documents, p.earliest or "unknown",
        table.concat(p.outlets, ", "))
    for _, s in ipairs(p.stances) do
      add("  %-11s %d docs: %s", s.stance, #s.documents, table.concat(s.sources, "; "))
    end
  end
  add("")
  add("TIMELINE")
  for _, e in ipairs(result.timeline) do
    add("  %-28s %-30s %s", e.value .. (e.mod and (" " .. e.mod) or ""), e.text, e.doc)
  end
  add("")
  add("ACTORS")
  for _, a in ipairs(result.actors) do
    add("  %-30s %-10s %3d mentions, %d docs; %s", a.norm, a.kind or "", a.mentions,
        #a.documents, table.concat(a.aliases, ", "))
  end
  return table.concat(lines, "\n") .. "\n"
end

-- The claims as TSV, one a row under their proposition.
function M.tsv(result)
  local function field(v)
    return (tostring(v or ""):gsub("[\t\n\r\\]", { ["\t"] = "\\t", ["\n"] = "\\n",
                                                     ["\r"] = "\\r", ["\\"] = "\\\\" }))
  end
  local rows = { "proposition\tstance\tdoc\tdate\tsource\tvia\tcue\tcontent" }
  for _, p in ipairs(result.propositions) do
    for _, c in ipairs(p.claims) do
      rows[#rows + 1] = table.concat({ field(p.key), field(c.stance), field(c.doc), field(c.date),
        field(c.source), field(c.via), field(c.cue), field(c.content) }, "\t")
    end
  end
  return table.concat(rows, "\n") .. "\n"
end

-- Writes the result in a format to a file (atomically: a temporary file
-- renamed at the end) or stdout; returns an exit status.  The html format
-- needs docs, the documents an aggregate made with keep_text kept.
function M.write(result, format, output, docs)
  local text
  if format == "html" then
    text = require("assay.html").render(result, docs)
  elseif format == "json" then
    text = M.json(result) .. "\n"
  elseif format == "yaml" then
    text = assay.yaml_encode(result)
  elseif format == "tsv" then
    text = M.tsv(result)
  else
    text = M.text(result)
  end
  if output and output ~= "-" then
    local tmp = output .. ".tmp"
    local f, err = io.open(tmp, "wb")
    if not f then
      io.stderr:write("assay: " .. tostring(err) .. "\n")
      return 2
    end
    f:write(text)
    f:close()
    local renamed, rerr = os.rename(tmp, output)
    if not renamed then
      io.stderr:write("assay: " .. tostring(rerr) .. "\n")
      return 2
    end
  else
    io.write(text)
  end
  return 0
end

-- ---- the command -----------------------------------------------------

local USAGE = [[
usage: assay report [--rules PACK.lua] [--format text|json|yaml|tsv|html] [-o FILE] INPUT...
       assay report --store FILE.db [--format text|json] [-o FILE]

Runs a rule pack over the inputs and groups the claims of all documents by
proposition: for each, the documents and sources in each stance, the
outlets and the earliest date; then a timeline of the dated events and an
index of actors.

options:
  --rules PACK.lua   the rule pack (default: the news pack)
  --format FORMAT    text (default), json, yaml, tsv (a claim a row), or
                     html (one self-contained page with the texts
                     highlighted, docs/report.md)
  -o, --output FILE  write to FILE (atomically) instead of stdout
  --unsafe           run the pack without the sandbox
  -q, --quiet        no progress line (shown only when stderr is a terminal)
  --store FILE.db    report on the annotations of a store written by
                     `assay extract --store`, without running rules
]]

-- ---- --store (docs/store.md): the aggregate from a persistent store ----
-- Adds every stored document with its stored annotations to agg; no rule
-- runs.  Returns nil and the message when the store cannot be opened.
function M.add_store(agg, path)
  local ok, store = pcall(assay.store, path)
  if not ok then return nil, tostring(store) end
  for doc in store:docs() do
    agg:add({ doc = doc.id, meta = doc.meta, annotations = doc:annotations() })
  end
  store:close()
  return true
end
-- ---- end of --store ----

local function main(args)
  local opts, rc = require("assay.args").parse(args, {
    name = "report", usage = USAGE,
    values = { ["--rules"] = "rules", ["--format"] = "format", ["-o"] = "output",
               ["--output"] = "output", ["--store"] = "store",
               ["--progress-auto"] = "progress" },
    flags = { ["--unsafe"] = "unsafe", ["-q"] = "quiet", ["--quiet"] = "quiet" },
  })
  if not opts then return rc end
  local rules_path, format, output, unsafe = opts.rules, opts.format or "text", opts.output, opts.unsafe
  local store_path, inputs = opts.store, opts.inputs
  if not M.FORMATS[format] then
    io.stderr:write("assay: report: unknown format '" .. format .. "' (text, json, yaml, tsv, html)\n")
    return 2
  end
  if #inputs == 0 and not store_path then
    io.stderr:write(USAGE)
    return 2
  end
  if not rules_path then
    io.stderr:write("assay: report: no rule pack (--rules)\n")
    return 2
  end
  local ok, rules = true, nil
  if #inputs > 0 then ok, rules = pcall(assay.rules, rules_path, { unsafe = unsafe }) end
  if not ok then
    io.stderr:write("assay: " .. tostring(rules) .. "\n")
    return 2
  end
  local agg = M.new({ keep_text = format == "html" })
  local failed = 0
  if store_path then
    local added, err = M.add_store(agg, store_path)
    if not added then
      io.stderr:write("assay: " .. err .. "\n")
      return 2
    end
  end
  -- A progress line on a terminal (report.c says whether stderr is one).
  local progress = opts.progress == "always" and not opts.quiet
  local ndocs, nbytes, t0, shown = 0, 0, os.time(), os.clock()
  local function show_progress(final)
    local secs = math.max(os.time() - t0, os.clock() > 0 and os.clock() or 0)
    io.stderr:write(string.format("\r%d documents, %.1f MB, %.1f MB/s   %s", ndocs,
      nbytes / 1e6, secs > 0 and nbytes / 1e6 / secs or 0, final and "\n" or ""))
  end
  for _, input in ipairs(inputs) do
    for doc in assay.read(input) do
      if progress then
        ndocs, nbytes = ndocs + 1, nbytes + #doc
        if os.clock() - shown >= 0.25 then
          shown = os.clock()
          show_progress(false)
        end
      end
      local done, err = rules:scan(doc)
      if done then
        agg:add({ doc = doc.id, meta = doc.meta, annotations = doc:annotations(),
                  text = format == "html" and doc.text or nil })
      else
        io.stderr:write("assay: " .. doc.id .. ": " .. tostring(err) .. "\n")
        failed = failed + 1
      end
    end
  end
  if progress and ndocs > 0 then show_progress(true) end
  local rc = M.write(agg:result(), format, output, agg.docs)
  if rc ~= 0 then return rc end
  failed = failed + (assay.failures and assay.failures() or 0)
  return failed > 0 and 1 or 0
end

M.main = main

local MERGE_USAGE = [[
usage: assay merge [--format text|json|yaml|tsv|html] [-o FILE] FACTS.jsonl...

The reduce step: builds the cross-document report from records written by
`assay extract` (one JSON record a line; - for stdin), exactly as
`assay report --format json` would on the same inputs.  The html format
needs records made by `assay extract --with-text`.

options:
  --format FORMAT    text (default), json, yaml, tsv or html
  -o, --output FILE  write to FILE (atomically) instead of stdout
]]

-- `assay merge`: the report from extract records instead of documents.
function M.merge_main(args)
  local opts, rc = require("assay.args").parse(args, {
    name = "merge", usage = MERGE_USAGE,
    values = { ["--format"] = "format", ["-o"] = "output", ["--output"] = "output" },
  })
  if not opts then return rc end
  local format, output, files = opts.format or "text", opts.output, opts.inputs
  if not M.FORMATS[format] then
    io.stderr:write("assay: merge: unknown format '" .. format .. "' (text, json, yaml, tsv, html)\n")
    return 2
  end
  if #files == 0 then files[1] = "-" end
  local html = format == "html"
  local agg, bad = M.new({ keep_text = html }), 0
  for _, file in ipairs(files) do
    local lines, err
    if file == "-" then lines = io.lines() else
      local f
      f, err = io.open(file, "rb")
      if not f then
        io.stderr:write("assay: " .. tostring(err) .. "\n")
        return 2
      end
      f:close()
      lines = io.lines(file)
    end
    local n = 0
    for line in lines do
      n = n + 1
      if line:find("%S") then
        local rec, msg = assay.json_decode(line)
        if type(rec) ~= "table" then
          io.stderr:write(string.format("assay: %s:%d: not a record: %s\n", file, n, tostring(msg)))
          bad = bad + 1
        elseif html and not rec.error and type(rec.text) ~= "string" then
          io.stderr:write(string.format("assay: %s:%d: merge --format html needs records made by " ..
            "assay extract --with-text\n", file, n))
          return 2
        else
          agg:add(rec)
        end
      end
    end
  end
  local rc = M.write(agg:result(), format, output, agg.docs)
  if rc ~= 0 then return rc end
  return bad > 0 and 1 or 0
end

return M
