#!/usr/bin/env bash
# test_html.sh -- the HTML report (`assay report --format html`, `assay merge
# --format html`): its parts on examples/sony, no resource loads, escaping of hostile articles, and report == merge.
. "$(dirname "$0")/lib.sh"
has() { if grep -q -e "$2" "$3"; then ok; else fail "$1: no '$2' in $3"; fi; }
hasnt() { if grep -q -i -e "$2" "$3"; then fail "$1: '$2' in $3"; grep -o -i -e ".\{0,40\}$2.\{0,40\}" "$3" | head -3 >&2; else ok; fi; }

# ---- the Sony report ---------------------------------------------------
html=$tmp/report.html
if "$ASSAY" report --format html -o "$html" examples/sony; then ok; else fail "report --format html exits 0"; fi
[ -s "$html" ] && ok || fail "the report is written"
[ ! -e "$html.tmp" ] && ok || fail "no temporary file is left"
has "a doctype" '^<!DOCTYPE html>' "$html"
has "the North Korea proposition" 'data-proposition="KP | responsible for | Sony Pictures"' "$html"
# The denied cell of the KP row holds documents (one row a line is not
# guaranteed, so cut the row out with awk).
row=$(awk 'BEGIN{RS="<tr "} /^data-proposition="KP /{print; exit}' "$html")
denied=$(printf '%s' "$row" | grep -o 'data-stance="denied"><ul>.*' | sed 's#</td>.*##')
if printf '%s' "$denied" | grep -q 'class="d"'; then ok; else fail "the KP denied cell holds documents"; fi
if printf '%s' "$denied" | grep -q 'North Korea'; then ok; else fail "the KP denied cell names North Korea"; fi
n=$(grep -o '<article class="doc card"' "$html" | wc -l)
[ "$n" -eq 5 ] && ok || fail "five documents, got $n"
for f in examples/sony/*.txt; do has "document $f" "data-doc=\"$f\"" "$html"; done
has "an SVG timeline" '<svg' "$html"
has "timeline marks" '<circle ' "$html"
has "the actor index" 'data-actor="KP"' "$html"
has "claims linked by data-claim" 'class="m c-src" data-claim="d1c' "$html"
has "tooltips name the rule" 'rule: actor.country' "$html"
has "inline CSS" '<style>' "$html"
has "inline JS" '<script>' "$html"
hasnt "no http:// or https:// resources" 'src="http' "$html"
hasnt "no external stylesheets" '<link' "$html"
hasnt "no external scripts" '<script src' "$html"
hasnt "no CSS imports" '@import' "$html"
hasnt "no url() loads" 'url(' "$html"
# Every span element is closed (the boundary cutting keeps them nested).
opens=$(grep -o '<span[ >]' "$html" | wc -l)
closes=$(grep -o '</span>' "$html" | wc -l)
[ "$opens" -eq "$closes" ] && ok || fail "spans balanced: $opens opened, $closes closed"

# ---- merge on extract --with-text records gives the same page ----------
"$ASSAY" extract -q --with-text examples/sony > "$tmp/facts.jsonl"
if "$ASSAY" merge --format html -o "$tmp/merged.html" "$tmp/facts.jsonl"; then ok; else fail "merge --format html exits 0"; fi
if cmp -s "$html" "$tmp/merged.html"; then ok; else fail "merge --format html equals report --format html"; fi
# Without --with-text: a clear error.
"$ASSAY" extract -q examples/sony > "$tmp/notext.jsonl"
"$ASSAY" merge --format html -o "$tmp/bad.html" "$tmp/notext.jsonl" 2> "$tmp/err"
st=$?
[ "$st" -eq 2 ] && ok || fail "merge --format html without text exits 2, got $st"
has "the error says what to do" 'needs records made by assay extract --with-text' "$tmp/err"
[ ! -e "$tmp/bad.html" ] && ok || fail "no page written on error"
# The other formats still work.
"$ASSAY" report --format json examples/sony > "$tmp/r.json" && ok || fail "report --format json"
"$ASSAY" merge --format json "$tmp/facts.jsonl" > "$tmp/m.json" && ok || fail "merge --format json"
cmp -s "$tmp/r.json" "$tmp/m.json" && ok || fail "json report equals json merge"
"$ASSAY" report --format pdf examples/sony 2> "$tmp/err"
[ $? -eq 2 ] && ok || fail "an unknown format is a usage error"
has "the formats are named" 'text, json, yaml, tsv, html' "$tmp/err"

# ---- hostile articles come out escaped ---------------------------------
mkdir -p "$tmp/evil"
cat > "$tmp/evil/a.txt" <<'EOF'
---
title: 'Breaking"><img src=x onerror=alert(1)> <script>alert(1)</script>'
outlet: '<script>alert(2)</script>'
published: 2014-12-17
---
North Korea denied <script>alert(1)</script> any role in the attack on Sony Pictures, U.S. officials said on Dec. 5.

"><img src=x onerror=alert(1)> The FBI said North Korea was responsible for the attack on Sony Pictures & its staff.
EOF
cp "$tmp/evil/a.txt" "$tmp/evil/b\"><i>x.txt"
ehtml=$tmp/evil.html
if "$ASSAY" report --format html -o "$ehtml" "$tmp/evil"; then ok; else fail "report on the hostile articles"; fi
hasnt "no literal script from the text" '<script>alert' "$ehtml"
hasnt "no literal img from the text" '<img src=x' "$ehtml"
hasnt "no literal <i> from a file name" '<i>x' "$ehtml"
hasnt "no broken-out attribute" '"><img' "$ehtml"
has "the text is there, escaped" '&lt;script&gt;alert(1)&lt;/script&gt;' "$ehtml"
has "the meta is there, escaped" '&quot;&gt;&lt;img src=x onerror=alert(1)&gt;' "$ehtml"
has "& is escaped" 'Sony Pictures</span> &amp; its' "$ehtml"
n=$(grep -o '<script' "$ehtml" | wc -l)
[ "$n" -eq 1 ] && ok || fail "one script element (the page's own), got $n"
has "annotations still made around the payload" 'class="m a-actor"' "$ehtml"
opens=$(grep -o '<span[ >]' "$ehtml" | wc -l)
closes=$(grep -o '</span>' "$ehtml" | wc -l)
[ "$opens" -eq "$closes" ] && ok || fail "spans balanced in the hostile report: $opens/$closes"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
