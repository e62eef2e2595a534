-- html.lua -- the HTML report of `assay report --format html` and `assay merge --format html`:
-- one self-contained page (inline CSS and JS, no network) from a report result and the documents' texts and annotations.
--
-- Every piece of article text goes through esc(), in element content and in
-- attributes alike, so the page is safe whatever the articles hold.
-- Annotations may overlap (claims share content, a claim's source holds
-- actors), so the text is cut at every span boundary and the elements are
-- opened and closed there: they always nest, whatever the spans do.

local M = {}

local STANCES = { "asserted", "believed", "suspected", "denied", "doubted", "unconfirmed" }

-- The layers the page knows; a pack's other layers are working layers
-- (hidden from extract records), so leaving them out keeps the pages from
-- `report` and from `merge` the same.
local SHOWN = { actor = true, date = true, claim = true }

local ESC = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;" }

-- Escapes text for element content and double-quoted attributes; control
-- characters other than tab and newlines become U+FFFD (they are parse
-- errors in HTML).
local function esc(s)
  s = tostring(s == nil and "" or s)
  s = s:gsub("[%z\1-\8\11\12\14-\31\127]", "\u{FFFD}")
  return (s:gsub("[&<>\"']", ESC))
end
M.escape = esc

local function span_start(s) return type(s) == "table" and tonumber(s.start) or nil end
local function span_stop(s)
  if type(s) ~= "table" then return nil end
  return tonumber(s.stop or s["end"])
end
local function text_of(v)
  if type(v) == "table" then return v.text end
  return v
end

local function value_string(v)
  local t = type(v)
  if t == "table" then
    if v.text then return "\u{201C}" .. tostring(v.text) .. "\u{201D}" end
    local parts = {}
    for i, x in ipairs(v) do parts[i] = value_string(x) end
    return table.concat(parts, ", ")
  elseif t == "number" then
    return math.type(v) == "integer" and string.format("%d", v) or string.format("%.14g", v)
  end
  return tostring(v)
end

-- The tooltip of an annotation: what it is, its attributes (sorted), and
-- the rule that made it.
local SKIP = { id = true, start = true, stop = true, ["end"] = true, layer = true, text = true,
               rule = true, trace = true }
local function tooltip(a, role)
  local lines = {}
  local head = a.layer .. (role and (" " .. role) or "")
  lines[1] = head .. ": " .. (text_of(role and a[role] or a) or a.text or "")
  local keys = {}
  for k in pairs(a) do
    if not SKIP[k] and type(k) == "string" then keys[#keys + 1] = k end
  end
  table.sort(keys)
  for _, k in ipairs(keys) do lines[#lines + 1] = k .. ": " .. value_string(a[k]) end
  lines[#lines + 1] = "rule: " .. tostring(a.rule or "?")
  return table.concat(lines, "\n")
end

-- ---- document text -----------------------------------------------------

-- The marks of one document: {s, e, order, open = "<span ...>"}.
local CLAIM_PARTS = { { "source", "c-src" }, { "cue", "c-cue" }, { "content", "c-content" }, { "via", "c-via" } }

local function doc_marks(d, di)
  local marks, n = {}, #d.text
  local function add(s, e, rank, id, open)
    if s and e and s >= 0 and e <= n and s < e then
      marks[#marks + 1] = { s = s, e = e, rank = rank, id = id, open = open }
    end
  end
  for _, a in ipairs(d.annotations or {}) do
    local s, e = span_start(a), span_stop(a)
    local id = tonumber(a.id) or 0
    if a.layer == "actor" then
      add(s, e, 3, id, string.format('<span class="m a-actor" data-ann="%d" data-kind="%s" title="%s">',
        id, esc(a.kind or ""), esc(tooltip(a))))
    elseif a.layer == "date" then
      add(s, e, 3, id, string.format('<span class="m a-date" data-ann="%d" title="%s">', id, esc(tooltip(a))))
    elseif a.layer == "claim" then
      local cid = string.format("d%dc%d", di, id)
      for r, part in ipairs(CLAIM_PARTS) do
        local sp = a[part[1]]
        add(span_start(sp), span_stop(sp), r == 3 and 1 or 2, id,
          string.format('<span class="m %s" data-claim="%s" data-role="%s" data-stance="%s" title="%s">',
            part[2], cid, part[1], esc(a.stance or ""), esc(tooltip(a, part[1]))))
      end
    end
  end
  -- Outer first: earlier start, then longer, then claim content before
  -- claim parts before actors and dates, then id.
  table.sort(marks, require("assay.marks").order)
  for i, m in ipairs(marks) do m.order = i end
  return marks
end

-- The text with its marks: cut at every boundary, the elements open at a
-- cut are those spanning the next piece, outer first; only what changes
-- is closed and reopened.
local function render_text(d, di, out)
  local text = d.text
  local marks = doc_marks(d, di)
  local cuts = require("assay.marks").cuts(marks, #text)
  -- Claim anchors: the first piece of each claim's first part gets an id.
  local anchored = {}
  local open, active, nexti = {}, {}, 1
  for ci = 1, #cuts - 1 do
    local b, nb = cuts[ci], cuts[ci + 1]
    local still = {}
    for _, m in ipairs(active) do
      if m.e > b then still[#still + 1] = m end
    end
    while nexti <= #marks and marks[nexti].s <= b do
      if marks[nexti].e > b then still[#still + 1] = marks[nexti] end
      nexti = nexti + 1
    end
    table.sort(still, function(x, y) return x.order < y.order end)
    active = still
    local keep = 0
    while keep < #open and keep < #active and open[keep + 1] == active[keep + 1] do keep = keep + 1 end
    for _ = keep + 1, #open do out[#out + 1] = "</span>" end
    for i = keep + 1, #active do
      local m = active[i]
      local tag = m.open
      local cid = tag:match('data%-claim="([^"]+)"')
      if cid and not anchored[cid] then
        anchored[cid] = true
        tag = tag:gsub("^<span ", '<span id="' .. cid .. '" ', 1)
      end
      out[#out + 1] = tag
    end
    open = { table.unpack(active) }
    out[#out + 1] = esc(text:sub(b + 1, nb))
  end
  for _ = 1, #open do out[#out + 1] = "</span>" end
end

-- ---- the page ------------------------------------------------------------

local CSS = [[
:root{--fg:#1f2430;--muted:#5d6677;--line:#dde1e8;--bg:#f6f7f9;--card:#fff;
--actor:#dbeafe;--actor-b:#2563eb;--date:#fef3c7;--date-b:#d97706;
--src:#ede9fe;--src-b:#7c3aed;--cue:#fecdd3;--cue-b:#e11d48;--content:#dcfce7;--content-b:#16a34a;
--asserted:#2563eb;--believed:#0891b2;--suspected:#d97706;--denied:#dc2626;--doubted:#9333ea;--unconfirmed:#64748b}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
header.top{background:#1f2430;color:#fff;padding:14px 20px}
header.top h1{margin:0;font-size:20px;font-weight:600}
header.top p{margin:2px 0 0;color:#c6cbd6;font-size:13px}
nav.toc{position:sticky;top:0;z-index:5;background:#fff;border-bottom:1px solid var(--line);padding:8px 20px;display:flex;gap:16px;flex-wrap:wrap;font-size:14px}
nav.toc a{color:var(--fg);text-decoration:none;font-weight:500}
nav.toc a:hover{color:var(--actor-b)}
main{max-width:1200px;margin:0 auto;padding:8px 20px 80px}
section{margin-top:24px}
h2{font-size:18px;margin:0 0 10px}
h2 small{font-weight:400;color:var(--muted);font-size:13px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;vertical-align:top;padding:7px 9px;border-bottom:1px solid var(--line)}
thead th{position:sticky;top:0;background:#f0f2f5;font-weight:600;white-space:nowrap}
table.matrix{min-width:980px;table-layout:fixed}
table.matrix col.prop{width:220px}
table.matrix th.prop .key{font-weight:600;font-size:14px}
table.matrix th.prop .pred{color:var(--muted);font-style:italic;font-weight:400}
table.matrix .info{color:var(--muted);font-size:12px;font-weight:400;margin-top:4px}
table.matrix td ul{list-style:none;margin:0;padding:0}
table.matrix td li{margin:0 0 5px}
table.matrix td.empty{background:#fafbfc}
thead th.st{border-bottom:3px solid var(--c)}
td.st li{border-left:3px solid var(--c);padding-left:6px}
.st-asserted{--c:var(--asserted)}.st-believed{--c:var(--believed)}.st-suspected{--c:var(--suspected)}
.st-denied{--c:var(--denied)}.st-doubted{--c:var(--doubted)}.st-unconfirmed{--c:var(--unconfirmed)}
.who{overflow-wrap:anywhere}
a.d{display:inline-block;font-size:11px;line-height:1.4;padding:0 5px;margin:1px 2px 0 0;border-radius:9px;background:#eef0f4;color:var(--fg);text-decoration:none;border:1px solid #d5d9e0;white-space:nowrap}
a.d:hover{background:var(--actor);border-color:var(--actor-b)}
.timeline{padding:8px 0}
.timeline svg{display:block;font-family:inherit}
.timeline a:hover text.ev{fill:var(--actor-b);text-decoration:underline}
table.actors{min-width:640px}
table.actors td.n{text-align:right;font-variant-numeric:tabular-nums}
.kind{display:inline-block;font-size:11px;padding:0 6px;border-radius:9px;background:#eef0f4;color:var(--muted)}
input.filter{font:inherit;font-size:14px;padding:5px 9px;border:1px solid var(--line);border-radius:6px;margin:0 0 8px;width:260px;max-width:100%}
.legend{display:flex;flex-wrap:wrap;gap:8px 14px;font-size:13px;margin:0 0 12px;align-items:center}
.legend span.m{padding:1px 6px}
article.doc{padding:14px 18px;margin:0 0 16px}
article.doc h3{margin:0;font-size:17px}
article.doc .meta{color:var(--muted);font-size:13px;margin:2px 0 10px;overflow-wrap:anywhere}
article.doc .num{display:inline-block;background:#1f2430;color:#fff;border-radius:4px;padding:0 6px;margin-right:6px;font-size:13px}
.text{white-space:pre-wrap;overflow-wrap:anywhere;line-height:1.75;font-size:15px;max-width:80ch}
.m{border-radius:2px}
.a-actor{background:var(--actor);box-shadow:inset 0 -2px 0 var(--actor-b)}
.a-date{background:var(--date);box-shadow:inset 0 -2px 0 var(--date-b)}
.c-content{background:var(--content)}
.c-src{background:var(--src);box-shadow:inset 0 -2px 0 var(--src-b)}
.c-src .a-actor{background:transparent}
.c-cue{background:var(--cue);box-shadow:inset 0 -2px 0 var(--cue-b);font-weight:600}
.c-via{box-shadow:inset 0 -2px 0 var(--src-b)}
[data-claim]{cursor:pointer}
.m.hl{outline:2px solid #f97316;outline-offset:0;background:#ffedd5}
.c-cue.hl{background:#fdba74}
.c-src.hl{background:#fed7aa}
#inspect{position:fixed;right:14px;bottom:14px;z-index:10;max-width:min(420px,calc(100vw - 28px));max-height:45vh;overflow:auto;background:#fff;border:1px solid var(--line);border-radius:8px;box-shadow:0 6px 24px rgba(0,0,0,.15);padding:10px 12px;font-size:12px;display:none}
#inspect.on{display:block}
#inspect pre{margin:0 0 8px;white-space:pre-wrap;overflow-wrap:anywhere;font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
#inspect button{float:right;border:0;background:none;font-size:16px;cursor:pointer;line-height:1}
:target{scroll-margin-top:60px}
@media (max-width:700px){
 body{font-size:14px}
 header.top,nav.toc{padding-left:12px;padding-right:12px}
 main{padding:4px 10px 60px}
 article.doc{padding:10px 12px}
 .text{font-size:14px}
 table.matrix{min-width:860px}
 table.matrix col.prop{width:150px}
}
]]

local JS = [[
(function(){
  "use strict";
  var pinned = null;
  function parts(id){ return document.querySelectorAll('[data-claim="' + id + '"]'); }
  function mark(id, on){ var p = parts(id); for (var i = 0; i < p.length; i++) p[i].classList.toggle("hl", on); }
  function claimOf(el){ var c = el.closest ? el.closest("[data-claim]") : null; return c ? c.getAttribute("data-claim") : null; }
  var box = document.getElementById("inspect");
  function inspect(el){
    var lines = [], seen = {};
    for (var n = el; n && n.classList; n = n.parentElement) {
      if (n.classList.contains("m") && n.title && !seen[n.title]) { seen[n.title] = 1; lines.push(n.title); }
    }
    if (!lines.length) { box.classList.remove("on"); return; }
    var body = box.querySelector(".body");
    body.textContent = "";
    lines.forEach(function(t){ var pre = document.createElement("pre"); pre.textContent = t; body.appendChild(pre); });
    box.classList.add("on");
  }
  document.addEventListener("mouseover", function(e){ var id = claimOf(e.target); if (id && id !== pinned) mark(id, true); });
  document.addEventListener("mouseout", function(e){ var id = claimOf(e.target); if (id && id !== pinned) mark(id, false); });
  document.addEventListener("click", function(e){
    if (e.target.closest && e.target.closest("#inspect")) {
      if (e.target.tagName === "BUTTON") { box.classList.remove("on"); if (pinned) { mark(pinned, false); pinned = null; } }
      return;
    }
    var m = e.target.closest ? e.target.closest(".m") : null;
    if (!m) return;
    var id = claimOf(e.target);
    if (pinned && pinned !== id) mark(pinned, false);
    pinned = id;
    if (id) mark(id, true);
    inspect(e.target);
  });
  function flash(){
    var h = location.hash.slice(1);
    if (h && /^d\d+c\d+$/.test(h)) { if (pinned) mark(pinned, false); pinned = h; mark(h, true); }
  }
  window.addEventListener("hashchange", flash);
  flash();
  var f = document.getElementById("actor-filter");
  if (f) f.addEventListener("input", function(){
    var q = f.value.toLowerCase(), rows = document.querySelectorAll("table.actors tbody tr");
    for (var i = 0; i < rows.length; i++) rows[i].style.display = rows[i].textContent.toLowerCase().indexOf(q) >= 0 ? "" : "none";
  });
})();
]]

-- Documents by id, numbered D1... in input order.
local function index_docs(docs)
  local byid = {}
  for i, d in ipairs(docs) do
    if byid[d.id] == nil then byid[d.id] = i end
  end
  return byid
end

local function doc_label(d)
  local parts = { d.id }
  if d.outlet then parts[#parts + 1] = tostring(d.outlet) end
  if d.published then parts[#parts + 1] = tostring(d.published) end
  if d.title then parts[#parts + 1] = tostring(d.title) end
  return table.concat(parts, " \u{00B7} ")
end

local function doc_badge(docs, di, href)
  return string.format('<a class="d" href="#%s" title="%s">D%d</a>', href or ("doc-" .. di),
    esc(doc_label(docs[di])), di)
end

-- The first claim in each document per (proposition, stance, source), for
-- links from the matrix into the texts.
local function claim_anchors(docs)
  local idx = {}
  for di, d in ipairs(docs) do
    for _, a in ipairs(d.annotations or {}) do
      if a.layer == "claim" and a.proposition then
        local k = table.concat({ di, a.proposition, a.stance or "asserted", text_of(a.source) or "" }, "\0")
        if not idx[k] and span_start(a.source or a.cue or a.content) then
          idx[k] = string.format("d%dc%d", di, tonumber(a.id) or 0)
        end
      end
    end
  end
  return idx
end

local function split_key(key)
  local s, p, o = key:match("^(.-) | (.-) | (.*)$")
  if not s then return esc(key) end
  return string.format('%s <span class="pred">%s</span> %s', esc(s), esc(p), esc(o))
end

local function render_matrix(result, docs, out)
  local byid, anchors = index_docs(docs), claim_anchors(docs)
  local w = function(s) out[#out + 1] = s end
  w('<section id="propositions"><h2>Propositions <small>' .. #result.propositions ..
    ' \u{00B7} who says what, in which stance</small></h2>')
  if #result.propositions == 0 then
    w('<p class="card" style="padding:12px">No claims with a proposition.</p></section>')
    return
  end
  w('<div class="card scroll"><table class="matrix"><colgroup><col class="prop">')
  for _ = 1, #STANCES do w('<col>') end
  w('</colgroup><thead><tr><th>Proposition</th>')
  for _, st in ipairs(STANCES) do w('<th class="st st-' .. st .. '" scope="col">' .. st .. '</th>') end
  w('</tr></thead><tbody>')
  for _, p in ipairs(result.propositions) do
    w(string.format('<tr data-proposition="%s"><th class="prop" scope="row"><div class="key">%s</div>',
      esc(p.key), split_key(p.key)))
    w(string.format('<div class="info">%d document%s \u{00B7} since %s</div>', #p.documents,
      #p.documents == 1 and "" or "s", esc(p.earliest or "unknown")))
    if #p.outlets > 0 then
      w('<div class="info">outlets: ' .. esc(table.concat(p.outlets, ", ")) .. '</div>')
    end
    w('</th>')
    -- Per stance: the sources, each with the documents it speaks in.
    local cells = {}
    for _, c in ipairs(p.claims) do
      local st = c.stance or "asserted"
      local cell = cells[st] or { order = {}, by = {} }
      cells[st] = cell
      local src = c.source or "(the article)"
      local e = cell.by[src]
      if not e then
        e = { docs = {}, seen = {} }
        cell.by[src] = e
        cell.order[#cell.order + 1] = src
      end
      local di = byid[c.doc]
      if di and not e.seen[di] then
        e.seen[di] = true
        e.docs[#e.docs + 1] = di
      end
    end
    for _, st in ipairs(STANCES) do
      local cell = cells[st]
      if not cell then
        w('<td class="st st-' .. st .. ' empty" data-stance="' .. st .. '"></td>')
      else
        table.sort(cell.order)
        w('<td class="st st-' .. st .. '" data-stance="' .. st .. '"><ul>')
        for _, src in ipairs(cell.order) do
          local e = cell.by[src]
          table.sort(e.docs)
          local badges = {}
          for _, di in ipairs(e.docs) do
            local k = table.concat({ di, p.key, st, src == "(the article)" and "" or src }, "\0")
            badges[#badges + 1] = doc_badge(docs, di, anchors[k])
          end
          w('<li><span class="who">' .. esc(src) .. '</span> ' .. table.concat(badges) .. '</li>')
        end
        w('</ul></td>')
      end
    end
    w('</tr>')
  end
  w('</tbody></table></div></section>')
end

-- The timeline: a vertical axis of dates, one mark per event with its
-- text and document; long gaps (over a year) are drawn as a break.
local function render_timeline(result, docs, out)
  local w = function(s) out[#out + 1] = s end
  local byid = index_docs(docs)
  local ev = result.timeline
  w('<section id="timeline"><h2>Timeline <small>' .. #ev .. ' dated events</small></h2>')
  if #ev == 0 then
    w('<p class="card" style="padding:12px">No dated events.</p></section>')
    return
  end
  -- The same mention repeated in one document (six "Wednesday"s) is one
  -- mark with a count.
  local groups = {}
  for _, e in ipairs(ev) do
    local g = groups[#groups]
    if g and g.e.value == e.value and g.e.mod == e.mod and g.e.text == e.text and g.e.doc == e.doc then
      g.n = g.n + 1
    else
      groups[#groups + 1] = { e = e, n = 1 }
    end
  end
  local row, top, ax, width = 24, 20, 230, 680
  local ys, y, prev = {}, top, nil
  local breaks = {}
  for i, g in ipairs(groups) do
    local year = tonumber(g.e.value:sub(1, 4))
    if prev and year and prev < year - 1 then
      breaks[#breaks + 1] = y + 2
      y = y + 18
    end
    ys[i] = y
    y = y + row
    prev = year or prev
  end
  local height = y + 6
  w(string.format('<div class="card scroll timeline"><svg role="img" ' ..
    'aria-label="timeline of dated events" width="%d" height="%d" viewBox="0 0 %d %d">', width, height, width, height))
  w(string.format('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#b8bfcc" stroke-width="2"/>', ax, top - 10, ax, height - 6))
  for _, by in ipairs(breaks) do
    w(string.format('<rect x="%d" y="%d" width="12" height="10" fill="#fff"/>' ..
      '<text x="%d" y="%d" font-size="12" fill="#8a93a3" text-anchor="middle">\u{22EE}</text>', ax - 6, by, ax, by + 10))
  end
  local last
  for i, g in ipairs(groups) do
    local e, yy = g.e, ys[i]
    local label = e.value .. (e.mod and (" " .. tostring(e.mod):lower()) or "")
    local di = byid[e.doc]
    local d = di and docs[di]
    local what = e.text .. (g.n > 1 and string.format(" (\u{00D7}%d)", g.n) or "") ..
      (di and string.format("  \u{2014} D%d%s", di, d.outlet and (" " .. tostring(d.outlet)) or "") or "")
    w('<g class="event" data-event="' .. esc(e.value) .. '">')
    if label ~= last then
      w(string.format('<text x="%d" y="%d" font-size="12" fill="#5d6677" text-anchor="end">%s</text>',
        ax - 14, yy + 4, esc(label)))
      last = label
    end
    w(string.format('<a href="#doc-%d"><title>%s</title>', di or 0,
      esc(label .. ": " .. e.text .. " (" .. tostring(e.doc) .. ")")))
    w(string.format('<circle cx="%d" cy="%d" r="5" fill="#fef3c7" stroke="#d97706" stroke-width="2"/>', ax, yy))
    w(string.format('<text class="ev" x="%d" y="%d" font-size="13" fill="#1f2430">%s</text></a></g>', ax + 14, yy + 4,
      esc(what)))
  end
  w('</svg></div></section>')
end

local function render_actors(result, docs, out)
  local w = function(s) out[#out + 1] = s end
  local byid = index_docs(docs)
  w('<section id="actors"><h2>Actors <small>' .. #result.actors .. '</small></h2>')
  w('<input class="filter" id="actor-filter" type="search" placeholder="filter actors" aria-label="filter actors">')
  w('<div class="card scroll"><table class="actors"><thead><tr><th>Actor</th><th>Kind</th>' ..
    '<th>Mentions</th><th>Aliases</th><th>Documents</th></tr></thead><tbody>')
  for _, a in ipairs(result.actors) do
    local badges = {}
    for _, id in ipairs(a.documents) do
      local di = byid[id]
      if di then badges[#badges + 1] = doc_badge(docs, di) end
    end
    w(string.format('<tr data-actor="%s"><td><b>%s</b></td><td><span class="kind">%s</span></td>' ..
      '<td class="n">%d</td><td class="who">%s</td><td>%s</td></tr>', esc(a.norm), esc(a.norm), esc(a.kind or ""),
      a.mentions, esc(table.concat(a.aliases, "; ")), table.concat(badges)))
  end
  w('</tbody></table></div></section>')
end

local LEGEND = '<div class="legend"><b>Legend</b><span class="m a-actor">actor</span>' ..
  '<span class="m a-date">date</span><span class="m c-src">claim source</span>' ..
  '<span class="m c-cue">claim cue</span><span class="m c-content">claim content</span>' ..
  '<span style="color:#5d6677">hover or tap a claim to link its parts; tap any mark for its attributes and rule</span></div>'

local function render_docs(docs, out)
  local w = function(s) out[#out + 1] = s end
  w('<section id="documents"><h2>Documents <small>' .. #docs .. '</small></h2>' .. LEGEND)
  for di, d in ipairs(docs) do
    w(string.format('<article class="doc card" id="doc-%d" data-doc="%s">', di, esc(d.id)))
    w(string.format('<h3><span class="num">D%d</span>%s</h3>', di, esc(d.title or d.id)))
    local meta = { d.id }
    if d.outlet then meta[#meta + 1] = tostring(d.outlet) end
    if d.published then meta[#meta + 1] = tostring(d.published) end
    w('<div class="meta">' .. esc(table.concat(meta, " \u{00B7} ")) .. '</div><div class="text">')
    render_text(d, di, out)
    w('</div></article>')
  end
  w('</section>')
end

-- The page: result is what report's agg:result() gives; docs the kept
-- documents ({id, title, outlet, published, text, annotations}).
function M.render(result, docs)
  docs = docs or {}
  for _, d in ipairs(docs) do
    d.text = d.text or ""
    local kept = {}
    for _, a in ipairs(d.annotations or {}) do
      if SHOWN[a.layer] then kept[#kept + 1] = a end
    end
    d.annotations = kept
  end
  local out = {}
  local w = function(s) out[#out + 1] = s end
  w('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">')
  w('<meta name="viewport" content="width=device-width, initial-scale=1">')
  w([[<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; ]] ..
    [[script-src 'unsafe-inline'; img-src data:">]])
  w('<title>assay report \u{00B7} ' .. result.documents .. ' documents</title><style>' .. CSS .. '</style></head><body>')
  w(string.format('<header class="top"><h1>assay report</h1><p>%d documents \u{00B7} %d propositions \u{00B7} ' ..
    '%d dated events \u{00B7} %d actors</p></header>', result.documents, #result.propositions,
    #result.timeline, #result.actors))
  w('<nav class="toc"><a href="#propositions">Propositions</a><a href="#timeline">Timeline</a>' ..
    '<a href="#actors">Actors</a><a href="#documents">Documents</a></nav><main>')
  render_matrix(result, docs, out)
  render_timeline(result, docs, out)
  render_actors(result, docs, out)
  render_docs(docs, out)
  w('</main><div id="inspect" role="dialog" aria-label="annotation"><button type="button" aria-label="close">' ..
    '\u{00D7}</button><div class="body"></div></div><script>' .. JS .. '</script></body></html>\n')
  return table.concat(out)
end

return M
