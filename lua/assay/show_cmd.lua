-- show_cmd.lua -- the script behind `assay show` (src/cli/show.c runs it as a host script): each document's text
-- with actors, dates and claims coloured inline (ANSI) or bracketed (plain).
--
-- show.c decides the default --color (a terminal without NO_COLOR); here
-- the text is cut at every span boundary, so overlapping spans (a claim
-- holding actors, claims sharing content) never garble the markers.

local assay = require "assay"

local USAGE = [[
usage: assay show [--rules PACK.lua] [--color=auto|always|never] FILE...

Runs a rule pack over the documents and prints each text with its
annotations inline: actors, dates, and each claim's source, cue and
content, then the claims of the document.  Colours (ANSI) on a terminal;
plain text with bracket markers when stdout is not a terminal or NO_COLOR
is set:  [text]{actor NORM}  [text]{date VALUE}  [text]{source #N}
[text]{cue #N}  [text]{content #N}.

options:
  --rules PACK.lua       the rule pack (default: the news pack)
  --color WHEN           always, never or auto (default: auto)
  --unsafe               run the pack without the sandbox
]]

-- One SGR sequence per kind of mark; nested marks add theirs (outer
-- first), so an actor inside a claim's content keeps the underline.
local SGR = {
  actor = "1;34", date = "1;33", source = "1;35", cue = "1;31", content = "4;32", via = "35",
}
local LABEL = { actor = "actor", date = "date", source = "claim source", cue = "claim cue",
                content = "claim content" }
local ORDER = { "actor", "date", "source", "cue", "content" }

local function paint(kind, s) return "\27[" .. SGR[kind] .. "m" .. s .. "\27[0m" end

local function legend(color)
  local parts = {}
  for _, k in ipairs(ORDER) do
    if color then
      parts[#parts + 1] = paint(k, LABEL[k])
    else
      local tag = k == "actor" and "actor NORM" or k == "date" and "date VALUE" or (k .. " #N")
      parts[#parts + 1] = "[" .. LABEL[k] .. "]{" .. tag .. "}"
    end
  end
  return "legend: " .. table.concat(parts, "  ") .. "\n"
end

-- Control characters of the article (an ESC would let it drive the
-- terminal) become U+FFFD; a CR is dropped.
local function clean(s)
  return (tostring(s):gsub("\r", ""):gsub("[%z\1-\8\11\12\14-\31\127]", "\u{FFFD}"))
end

local function stop_of(s) return type(s) == "table" and (s.stop or s["end"]) or nil end

-- The marks of a document, outer first, and its claims numbered in text order.
local function marks_of(doc)
  local marks, claims = {}, {}
  local n = #doc.text
  local function add(kind, s, e, tag, rank, id)
    if type(s) == "number" and type(e) == "number" and s >= 0 and s < e and e <= n then
      marks[#marks + 1] = { kind = kind, s = s, e = e, tag = tag, rank = rank, id = id }
    end
  end
  for _, a in ipairs(doc:annotations()) do
    if a.layer == "actor" then
      add("actor", a.start, a.stop, "actor" .. (a.norm and (" " .. tostring(a.norm)) or ""), 3, a.id)
    elseif a.layer == "date" then
      add("date", a.start, a.stop, "date" .. (a.value and (" " .. tostring(a.value)) or ""), 3, a.id)
    elseif a.layer == "claim" then
      claims[#claims + 1] = a
      local num = #claims
      for r, part in ipairs({ "source", "cue", "content" }) do
        local sp = a[part]
        if type(sp) == "table" then
          add(part, sp.start, stop_of(sp), part .. " #" .. num, r == 3 and 1 or 2, a.id)
        end
      end
    end
  end
  table.sort(marks, require("assay.marks").order)
  for i, m in ipairs(marks) do m.order = i end
  return marks, claims
end

-- The text with the marks: at each boundary the marks spanning the next
-- piece, outer first; plain mode opens "[" and closes "]{tag}" for what
-- changes, colour mode restates the combined SGR of the piece.
local function render(text, marks, color)
  local out = {}
  local cuts = require("assay.marks").cuts(marks, #text)
  local open, active, nexti = {}, {}, 1
  for ci = 1, #cuts - 1 do
    local b, nb = cuts[ci], cuts[ci + 1]
    local still = {}
    for _, m in ipairs(active) do if m.e > b then still[#still + 1] = m end end
    while nexti <= #marks and marks[nexti].s <= b do
      if marks[nexti].e > b then still[#still + 1] = marks[nexti] end
      nexti = nexti + 1
    end
    table.sort(still, function(x, y) return x.order < y.order end)
    active = still
    local piece = clean(text:sub(b + 1, nb))
    if color then
      if #active == 0 then
        out[#out + 1] = piece
      else
        local codes = {}
        for _, m in ipairs(active) do codes[#codes + 1] = SGR[m.kind] end
        -- Colour line by line, so a pager or a wrapped line never bleeds.
        local sgr = "\27[" .. table.concat(codes, ";") .. "m"
        out[#out + 1] = sgr .. piece:gsub("\n", "\27[0m\n" .. sgr) .. "\27[0m"
      end
    else
      local keep = 0
      while keep < #open and keep < #active and open[keep + 1] == active[keep + 1] do keep = keep + 1 end
      for i = #open, keep + 1, -1 do out[#out + 1] = "]{" .. open[i].tag .. "}" end
      for _ = keep + 1, #active do out[#out + 1] = "[" end
      open = { table.unpack(active) }
      out[#out + 1] = piece
    end
  end
  if not color then
    for i = #open, 1, -1 do out[#out + 1] = "]{" .. open[i].tag .. "}" end
  end
  return table.concat(out)
end

local function one_line(s)
  s = clean(s or "")
  s = s:gsub("%s+", " ")
  if #s > 100 then s = s:sub(1, 97):gsub("[\128-\191]*$", ""):gsub("[\192-\255]$", "") .. "..." end
  return s
end

local function text_of(v) return type(v) == "table" and v.text or v end

local function show_doc(doc, color, num)
  local marks, claims = marks_of(doc)
  local meta = doc.meta or {}
  local head = { "D" .. num, one_line(doc.id) }
  for _, k in ipairs({ "outlet", "published", "title" }) do
    if type(meta[k]) == "string" or type(meta[k]) == "number" then head[#head + 1] = one_line(meta[k]) end
  end
  local title = "== " .. table.concat(head, " | ") .. " =="
  io.write(color and ("\27[1m" .. title .. "\27[0m") or title, "\n\n")
  local body = render(doc.text, marks, color)
  io.write(body, body:sub(-1) == "\n" and "" or "\n", "\n")
  if #claims > 0 then
    io.write(color and "\27[1mclaims\27[0m\n" or "claims\n")
    for i, c in ipairs(claims) do
      io.write(string.format("  #%d %s: %s | %s | %s%s\n", i, tostring(c.stance or "?"),
        one_line(text_of(c.source) or "?"), one_line(text_of(c.cue) or "?"), one_line(text_of(c.content) or "?"),
        c.proposition and ("  -> " .. tostring(c.proposition)) or ""))
    end
    io.write("\n")
  end
end

local function main(args)
  local opts, rc = require("assay.args").parse(args, {
    name = "show", usage = USAGE,
    values = { ["--rules"] = "rules", ["--color"] = "color", ["--colour"] = "color",
               ["--color-auto"] = "auto" },
    flags = { ["--unsafe"] = "unsafe" },
  })
  if not opts then return rc end
  local rules_path, color, auto, unsafe, inputs =
    opts.rules, opts.color or "auto", opts.auto or "never", opts.unsafe, opts.inputs
  -- "auto" is what report.c found (--color-auto): a terminal without
  -- NO_COLOR; run directly, without it, plain is the safe side.
  if color == "auto" then color = auto end
  if color ~= "always" and color ~= "never" then
    io.stderr:write("assay: show: --color must be always, never or auto\n")
    return 2
  end
  if #inputs == 0 then
    io.stderr:write(USAGE)
    return 2
  end
  local ok, rules = pcall(assay.rules, rules_path, { unsafe = unsafe })
  if not ok then
    io.stderr:write("assay: " .. tostring(rules) .. "\n")
    return 2
  end
  local use = color == "always"
  io.write(legend(use), "\n")
  local failed, num = 0, 0
  for _, input in ipairs(inputs) do
    for doc in assay.read(input) do
      local done, err = rules:scan(doc)
      num = num + 1
      if done then
        show_doc(doc, use, num)
      else
        io.stderr:write("assay: " .. doc.id .. ": " .. tostring(err) .. "\n")
        failed = failed + 1
      end
    end
  end
  failed = failed + (assay.failures and assay.failures() or 0)
  return failed > 0 and 1 or 0
end

os.exit(main(arg), true)
