#!/usr/bin/env bash
# test_run.sh -- end-to-end tests of `assay run`: the example scripts on
# examples/sony/ and inline scripts, checking output values and exit codes.
# Run from the repository root with ASSAY=path/to/assay (ctest sets it).
. "$(dirname "$0")/lib.sh"
SONY=examples/sony
# script NAME: writes stdin to $tmp/NAME.lua
script() { cat > "$tmp/$1.lua"; }

# --- the example scripts on the Sony articles ---------------------------
"$ASSAY" run examples/scripts/word_count.lua $SONY > "$tmp/wc.out" 2> "$tmp/wc.err"
status "word_count" 0 $?
has "word_count documents" "$tmp/wc.out" "documents 5"
check "word_count top word is 'the'" test "$(sed -n 5p "$tmp/wc.out" | cut -f2)" = "the"
script ntok <<'LUA'
local n = 0
for doc in assay.inputs() do n = n + #doc:tokens() end
print("tokens " .. n)
LUA
"$ASSAY" run "$tmp/ntok.lua" $SONY > "$tmp/ntok.out"
check "word_count tokens agree with doc:tokens()" \
  test "$(sed -n 2p "$tmp/wc.out")" = "$(cat "$tmp/ntok.out")"

"$ASSAY" run examples/scripts/capitalised_phrases.lua $SONY/ > "$tmp/cap.out"
status "capitalised_phrases" 0 $?
check "capitalised_phrases: five documents" test "$(grep -c '^examples/sony/' "$tmp/cap.out")" = 5
sed -n '1,/^$/p' "$tmp/cap.out" > "$tmp/cap0.out"
has "capitalised_phrases 000" "$tmp/cap0.out" "examples/sony/000_0c653dbc88194f72.txt"
has "capitalised_phrases North Korea" "$tmp/cap0.out" "$(printf '  4\tNorth Korea')"
has "capitalised_phrases Guardians of Peace" "$tmp/cap0.out" "$(printf '  2\tGuardians of Peace')"
has "capitalised_phrases The Interview" "$tmp/cap0.out" "$(printf '  3\tThe Interview')"

"$ASSAY" run examples/scripts/reporting_sentences.lua $SONY > "$tmp/rep.out"
status "reporting_sentences" 0 $?
has "reporting_sentences WSJ" "$tmp/rep.out" \
  "$(printf 'examples/sony/000_0c653dbc88194f72.txt\t2\treports\tU.S. officials think Pyongyang’s hacking team orchestrated the cyberattack, The Wall Street Journal reports.')"
check "reporting_sentences: every line has four fields" \
  test "$(awk -F'\t' 'NF != 4' "$tmp/rep.out" | wc -l)" = 0
check "reporting_sentences: all five documents" \
  test "$(cut -f1 "$tmp/rep.out" | sort -u | wc -l)" = 5

PHRASES='Guardians of Peace|fbi' "$ASSAY" run examples/scripts/find_phrase.lua $SONY > "$tmp/find.out"
status "find_phrase" 0 $?
cat > "$tmp/find.want" <<'OUT'
Guardians of Peace	2 documents
  examples/sony/000_0c653dbc88194f72.txt	PCMag
  examples/sony/001_d74339bb62a7fb22.txt	Re/code
fbi	2 documents
  examples/sony/001_d74339bb62a7fb22.txt	Re/code
  examples/sony/002_361d130a97f37a24.txt	BuzzFeed News
OUT
check "find_phrase output" diff "$tmp/find.want" "$tmp/find.out"

# --- inline scripts ------------------------------------------------------
script meta <<'LUA'
for doc in assay.inputs() do
  print(doc.id, doc.meta.outlet, doc.date, #doc:sentences() > 0)
end
LUA
"$ASSAY" run "$tmp/meta.lua" $SONY > "$tmp/meta.out"
status "meta" 0 $?
cat > "$tmp/meta.want" <<'OUT'
examples/sony/000_0c653dbc88194f72.txt	PCMag	2014-12-17	true
examples/sony/001_d74339bb62a7fb22.txt	Re/code	2014-12-17	true
examples/sony/002_361d130a97f37a24.txt	BuzzFeed News	2014-12-17	true
examples/sony/003_d294ee369837706a.txt	The Verge	2014-12-03	true
examples/sony/004_d87709cc2959cab9.txt	ReadWrite	2014-12-17	true
OUT
check "meta from manifest.yaml" diff "$tmp/meta.want" "$tmp/meta.out"

# A missing input: named on stderr, the others still read, exit 1.
"$ASSAY" run "$tmp/meta.lua" $SONY/000_0c653dbc88194f72.txt $SONY/missing.txt \
  $SONY/004_d87709cc2959cab9.txt > "$tmp/miss.out" 2> "$tmp/miss.err"
status "missing input" 1 $?
has "missing input named" "$tmp/miss.err" "assay: examples/sony/missing.txt: "
check "missing input: the other two read" test "$(wc -l < "$tmp/miss.out")" = 2
has "missing input: the last one read" "$tmp/miss.out" "examples/sony/004_d87709cc2959cab9.txt"

# A syntax error: the script and line, exit 2.
printf 'local x = 1\nlocal = 2\n' > "$tmp/syntax.lua"
"$ASSAY" run "$tmp/syntax.lua" > /dev/null 2> "$tmp/syntax.err"
status "syntax error" 2 $?
has "syntax error names script and line" "$tmp/syntax.err" "$tmp/syntax.lua:2:"

# A runtime error: script, line and traceback, exit 2.
printf 'local function f()\n  error("boom")\nend\nf()\n' > "$tmp/boom.lua"
"$ASSAY" run "$tmp/boom.lua" > /dev/null 2> "$tmp/boom.err"
status "runtime error" 2 $?
has "runtime error message" "$tmp/boom.err" "$tmp/boom.lua:2: boom"
has "runtime error traceback" "$tmp/boom.err" "stack traceback:"
has "runtime error caller line" "$tmp/boom.err" "$tmp/boom.lua:4:"

# An error in the binding names the script line too.
printf 'local d = assay.document("x")\nprint(d:text_of(0, 99))\n' > "$tmp/bind.lua"
"$ASSAY" run "$tmp/bind.lua" > /dev/null 2> "$tmp/bind.err"
status "binding error" 2 $?
has "binding error line" "$tmp/bind.err" "$tmp/bind.lua:2:"
has "binding error message" "$tmp/bind.err" "outside the text"

# Usage: --help on stdout with 0; no script or a bad option: 2.
"$ASSAY" run --help > "$tmp/help.out"
status "--help" 0 $?
has "--help usage" "$tmp/help.out" "usage: assay run"
"$ASSAY" run > /dev/null 2> "$tmp/noscript.err"
status "no script" 2 $?
has "no script message" "$tmp/noscript.err" "no script"
"$ASSAY" run --frobnicate x.lua > /dev/null 2>&1
status "unknown option" 2 $?
"$ASSAY" run "$tmp/does-not-exist.lua" > /dev/null 2> "$tmp/nofile.err"
status "missing script" 2 $?
has "missing script named" "$tmp/nofile.err" "does-not-exist.lua"

# arg as lua5.4 has it, `...`, require, the whole standard library.
script args <<'LUA'
local a = require("assay")
print(arg[0]:match("args%.lua$") ~= nil, #arg, arg[1], arg[2], select("#", ...))
print(a == assay, type(io.open), type(os.getenv), type(debug.traceback))
print(a.version)
LUA
"$ASSAY" run "$tmp/args.lua" one two > "$tmp/args.out"
status "args" 0 $?
printf 'true\t2\tone\ttwo\t2\ntrue\tfunction\tfunction\tfunction\n' > "$tmp/args.want"
check "arg table and stdlib" diff "$tmp/args.want" <(head -2 "$tmp/args.out")
check "assay.version matches --version" \
  test "assay $(sed -n 3p "$tmp/args.out")" = "$("$ASSAY" --version)"
"$ASSAY" run -- "$tmp/args.lua" > /dev/null
status "-- ends options" 0 $?

# os.exit passes its status through.
printf 'os.exit(3)\n' > "$tmp/exit.lua"
"$ASSAY" run "$tmp/exit.lua"
status "os.exit(3)" 3 $?

# stdin: JSON Lines when it starts with {, else one text document.
script stdin <<'LUA'
for doc in assay.inputs() do
  local toks = doc:tokens()
  print(doc.id, #toks, toks[1].text, doc.meta.outlet)
end
LUA
printf '{"id": "j1", "text": "North Korea denied it.", "meta": {"outlet": "X"}}\n{"id": "j2", "text": "Yes."}\n' |
  "$ASSAY" run "$tmp/stdin.lua" - > "$tmp/stdin.out"
status "stdin jsonl" 0 $?
printf 'j1\t5\tNorth\tX\nj2\t2\tYes\tnil\n' > "$tmp/stdin.want"
check "stdin JSON Lines" diff "$tmp/stdin.want" "$tmp/stdin.out"
printf 'Plain text here.\n' | "$ASSAY" run "$tmp/stdin.lua" - > "$tmp/stdin2.out"
status "stdin text" 0 $?
has "stdin text document" "$tmp/stdin2.out" "$(printf -- '-\t4\tPlain\tnil')"

# --encoding: a latin1 file read as UTF-8 text.
printf 'caf\xe9 cr\xe8me\n' > "$tmp/latin1.txt"
printf 'for d in assay.inputs() do io.write(d.text) end\n' > "$tmp/cat.lua"
"$ASSAY" run --encoding latin1 "$tmp/cat.lua" "$tmp/latin1.txt" > "$tmp/latin1.out"
status "--encoding latin1" 0 $?
check "--encoding converts" test "$(cat "$tmp/latin1.out")" = "café crème"

# A store across the inputs, and to_json of an annotated document.
script store <<'LUA'
local st = assay.store()
for doc in assay.inputs() do st:add(doc) end
local d = st:get("examples/sony/003_d294ee369837706a.txt")
local toks = d:tokens()
d:annotate{ layer = "outlet", start = 0, stop = toks[1].stop, name = d.meta.outlet }
print(#st, #st:find("north korea"), #st:find("Guardians of Peace"))
print(d:to_json())
LUA
"$ASSAY" run "$tmp/store.lua" $SONY > "$tmp/store.out"
status "store" 0 $?
check "store counts" test "$(head -1 "$tmp/store.out")" = "$(printf '5\t5\t2')"
has "to_json doc" "$tmp/store.out" '"doc": "examples/sony/003_d294ee369837706a.txt"'
has "to_json annotation" "$tmp/store.out" '"name": "The Verge"'

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
