#!/usr/bin/env bash
# test_extract.sh -- end-to-end tests of `assay extract`, `assay test` and
# `assay explain` with the test packs of tests/data/packs: records in input
# order with their values, error records in place, options, exit statuses.
# Run from the repository root with ASSAY=path/to/assay (ctest sets it).
. "$(dirname "$0")/lib.sh"
PACKS=tests/data/packs

mkdir -p "$tmp/in"
printf 'North Korean officials said that the attack came from Pyongyang.\n' > "$tmp/in/a.txt"
printf -- '---\noutlet: Example News\npublished: 2014-12-17\n---\nSingapore denied it.\n' > "$tmp/in/b.md"
printf '{"id": "j1", "text": "Pyongyang said nothing.", "meta": {"outlet": "Wire"}}\nnot json\n{"id": "j3", "text": "Korea."}\n' > "$tmp/in/c.jsonl"

# --- records in input order, with their values ------------------------------
"$ASSAY" extract --rules $PACKS/basic.lua "$tmp/in" > "$tmp/out.jsonl" 2> "$tmp/err"
status "extract with one bad JSON line" 1 $?
lines "one record per input" "$tmp/out.jsonl" 5
sed -n 1p "$tmp/out.jsonl" > "$tmp/r1"
has "first record is a.txt" "$tmp/r1" "\"doc\":\"$tmp/in/a.txt\",\"schema\":1,\"pack\":\"basic 2.1\""
has "anonymous actor with span" "$tmp/r1" '"start":0,"end":22,"text":"North Korean officials","rule":"actor.officials"'
has "capture span attribute" "$tmp/r1" '"country":{"start":0,"end":12,"text":"North Korean"'
has "claim content" "$tmp/r1" '"content":{"start":33,"end":64,"text":"the attack came from Pyongyang."}'
has "source refers to its actor" "$tmp/r1" '"source":{"start":0,"end":22,"text":"North Korean officials","actor":'
hasnt "hidden layers are not written" "$tmp/r1" '"layer":"word"'
sed -n 2p "$tmp/out.jsonl" > "$tmp/r2"
has "front matter is meta" "$tmp/r2" '"meta":{"outlet":"Example News","published":"2014-12-17"}'
has "place-less span from meta" "$tmp/r2" '"outlet":{"text":"Example News"}'
has "denied stance" "$tmp/r2" '"stance":"denied"'
sed -n 3p "$tmp/out.jsonl" > "$tmp/r3"
has "jsonl id" "$tmp/r3" '"doc":"j1"'
sed -n 4p "$tmp/out.jsonl" > "$tmp/r4"
has "bad line is an error record in its place" "$tmp/r4" "\"doc\":\"$tmp/in/c.jsonl:2\",\"schema\":1,\"pack\":\"basic 2.1\",\"error\":"
has "the bad line is named on stderr" "$tmp/err" "c.jsonl:2"
sed -n 5p "$tmp/out.jsonl" > "$tmp/r5"
has "the line after the bad one is read" "$tmp/r5" '"doc":"j3"'

# --- options ----------------------------------------------------------------
"$ASSAY" extract --rules $PACKS/basic.lua --layers word,claim "$tmp/in/a.txt" > "$tmp/layers.jsonl"
status "extract --layers" 0 $?
has "--layers writes a hidden layer asked for" "$tmp/layers.jsonl" '"layer":"word"'
hasnt "--layers leaves the others out" "$tmp/layers.jsonl" '"layer":"actor"'
printf 'Pyongyang — Singapore said “yes” loudly.\n' > "$tmp/utf8.txt"
"$ASSAY" extract --rules $PACKS/basic.lua --offsets chars "$tmp/utf8.txt" > "$tmp/chars.jsonl"
has "--offsets chars counts code points" "$tmp/chars.jsonl" '"start":12,"end":21,"text":"Singapore"'
"$ASSAY" extract --rules $PACKS/basic.lua "$tmp/utf8.txt" > "$tmp/bytes.jsonl"
has "byte offsets by default" "$tmp/bytes.jsonl" '"start":14,"end":23,"text":"Singapore"'
"$ASSAY" extract --rules $PACKS/basic.lua --trace "$tmp/in/a.txt" > "$tmp/trace.jsonl"
has "--trace shows pattern steps" "$tmp/trace.jsonl" '"trace":"@actor{kind=country}:where@0'
has "--trace shows lexicon entries" "$tmp/trace.jsonl" "\"trace\":\"lexicon places: entry 'North Korea'\""
"$ASSAY" extract --rules $PACKS/basic.lua -j 2 --profile "$tmp/in/a.txt" > "$tmp/prof.jsonl" 2> "$tmp/prof"
status "extract --profile" 0 $?
"$ASSAY" extract --rules $PACKS/basic.lua "$tmp/in/a.txt" > "$tmp/plain.jsonl"
same "--profile leaves the records alone" "$tmp/prof.jsonl" "$tmp/plain.jsonl"
has "--profile heads its table" "$tmp/prof" "profile (worker time, all threads:"
# the lexicon rule found North Korean and Pyongyang: 2 matches, at its line
check "--profile counts a rule's matches at its line" \
  grep -qE '^ +[0-9.]+ +[0-9.]+ +[0-9.]+ +2  actor\.place +basic\.lua:21 \(actors\)$' "$tmp/prof"
# The news pack on the Sony articles: each rule's time splits into finding
# its matches ("match ms", at most the whole) and its Lua; run rules find
# their own (no column). Columns are fixed: ms, %, match ms, matches.
"$ASSAY" extract -j 1 --profile examples/sony > /dev/null 2> "$tmp/prof.news"
cut -c1-10 "$tmp/prof.news" | tr -d ' ' > "$tmp/p.ms"
cut -c19-28 "$tmp/prof.news" | tr -d ' ' > "$tmp/p.match"
grep -n '\.lua:[0-9]' "$tmp/prof.news" | cut -d: -f1 > "$tmp/p.rules"
check "--profile: a match time for each rule with a matcher, none above its total" \
  awk 'FNR == NR { rule[$1] = 1; next }
       FILENAME ~ /p.ms$/ { ms[FNR] = $1; next }
       FNR in rule { if ($1 == "" && ms[FNR] > 0) blank++; else if ($1 + 0 > ms[FNR] + 0.05) bad++; else sum += $1 }
       END { exit !(bad == 0 && sum > 0 && blank > 0) }' "$tmp/p.rules" "$tmp/p.ms" "$tmp/p.match"
has "--profile times the tokenizer" "$tmp/prof" "(tokenizer)"
has "--profile times the output" "$tmp/prof" "(writing records)"
has "--profile times the reading of text files" "$tmp/prof.news" "(reading input)"
# the split line: matching, the rule functions and the parts around the
# rules, which together are the whole of the time in the table
check "--profile splits the time, and the parts make the whole" \
  awk '/^split: / { gsub(/[^0-9. ]/, " "); n = split($0, v, " ");
         for (i = 1; i <= n; i++) sum += v[i]; ok = n == 6 && v[1] > 0 && v[2] > 0 }
       END { exit !(ok && sum > 99.4 && sum < 100.6) }' "$tmp/prof.news"
# a JSON line is parsed by the worker that takes it: that is reading too
"$ASSAY" extract --rules $PACKS/basic.lua -j 1 --profile "$tmp/in/c.jsonl" > /dev/null 2> "$tmp/prof.json"
has "--profile times the parsing of JSON lines" "$tmp/prof.json" "(reading input)"
# --profile=lines samples the rule functions' lines: hot.lua spends its Lua
# in a loop on line 6, called from its emit function on line 11. About a
# second of CPU in all (more under the sanitizers), sampled every few ms.
for i in $(seq 1 40); do printf '{"id": "h%d", "text": "a hot day"}\n' "$i"; done > "$tmp/hot.jsonl"
"$ASSAY" extract --rules $PACKS/hot.lua -j 2 --profile=lines "$tmp/hot.jsonl" > "$tmp/hot.out" 2> "$tmp/hot.prof"
status "extract --profile=lines" 0 $?
"$ASSAY" extract --rules $PACKS/hot.lua -j 2 "$tmp/hot.jsonl" > "$tmp/hot.plain"
same "--profile=lines leaves the records alone" "$tmp/hot.out" "$tmp/hot.plain"
has "--profile=lines keeps the rules' table" "$tmp/hot.prof" "profile (worker time, all threads:"
sed -n '/^hottest lines:/,/^lines with their callees:/p' "$tmp/hot.prof" | sed -n 3p > "$tmp/hot.top"
check "--profile=lines: the loop's line is the hottest, with most samples" \
  awk '$3 == "hot.lua:6" && $4 == "spin" && $1 >= 50 { ok = 1 } END { exit !ok }' "$tmp/hot.top"
sed -n '/^lines with their callees:/,$p' "$tmp/hot.prof" > "$tmp/hot.callers"
check "--profile=lines: the emit line holds its callee's time" \
  awk '$3 == "hot.lua:11" { t = $2 } $3 == "hot.lua:6" { s = $2 } END { exit !(t != "" && t + 0 >= s + 0 && s + 0 >= 50) }' "$tmp/hot.callers"
check "--profile=lines counts samples in rule functions" \
  grep -qE '^lines \(sampled .*: [0-9]+ samples, [1-9][0-9]* of them' "$tmp/hot.prof"
# sampling re-arms the instruction hook: the limit must still stop a loop
printf 'we loop here\n' > "$tmp/loop.txt"
"$ASSAY" extract --rules $PACKS/hostile.lua -j 1 --max-instructions 20000000 --profile=lines "$tmp/loop.txt" > "$tmp/loop.out" 2> /dev/null
status "--profile=lines: a looping rule fails its document" 1 $?
has "--profile=lines: the instruction limit still holds" "$tmp/loop.out" "instruction limit (20000000) exceeded"
"$ASSAY" extract --rules $PACKS/basic.lua --with-text "$tmp/in/a.txt" > "$tmp/text.jsonl"
has "--with-text" "$tmp/text.jsonl" '"text":"North Korean officials said that the attack came from Pyongyang.\n"'
"$ASSAY" extract --rules $PACKS/basic.lua -o "$tmp/o.jsonl" "$tmp/in/a.txt"
status "extract -o" 0 $?
lines "-o writes the file" "$tmp/o.jsonl" 1
ls "$tmp"/o.jsonl.tmp* > /dev/null 2>&1 && fail "-o leaves no temporary file" || ok
# -o through a symbolic link replaces the file it names; the link stays
ln -s o.jsonl "$tmp/link.jsonl"
"$ASSAY" extract --rules $PACKS/basic.lua -o "$tmp/link.jsonl" "$tmp/in/b.md" > /dev/null
check "-o keeps a symbolic link" test -L "$tmp/link.jsonl"
has "-o writes the file a link names" "$tmp/o.jsonl" '"stance":"denied"'
# -o to a FIFO (or a device: -o /dev/null) writes into it, not over it
mkfifo "$tmp/fifo"
timeout 20 cat "$tmp/fifo" > "$tmp/from_fifo" &
"$ASSAY" extract --rules $PACKS/basic.lua -o "$tmp/fifo" "$tmp/in/a.txt" > /dev/null
status "extract -o FIFO" 0 $?
wait
check "-o leaves a FIFO a FIFO" test -p "$tmp/fifo"
lines "-o writes into a FIFO" "$tmp/from_fifo" 1
printf '{"id": "s1", "text": "Singapore said yes."}\n' | "$ASSAY" extract --rules $PACKS/basic.lua > "$tmp/stdin.jsonl"
status "extract from stdin" 0 $?
has "JSON Lines on stdin" "$tmp/stdin.jsonl" '"doc":"s1"'
"$ASSAY" extract --rules $PACKS/basic.lua --lexicon places="$tmp/none.yaml" "$tmp/in/a.txt" > /dev/null 2> "$tmp/lexerr"
status "--lexicon with a missing file" 2 $?
has "--lexicon error names the file" "$tmp/lexerr" "none.yaml"
cat > "$tmp/extra.yaml" <<'YAML'
entries:
  - {name: Atlantis, norm: AT, kind: country}
YAML
printf 'Atlantis officials said it sank.\n' > "$tmp/atl.txt"
"$ASSAY" extract --rules $PACKS/basic.lua --lexicon places="$tmp/extra.yaml" "$tmp/atl.txt" > "$tmp/atl.jsonl"
has "--lexicon adds entries" "$tmp/atl.jsonl" '"text":"Atlantis officials"'
"$ASSAY" extract --rules $PACKS/basic.lua --lexicon nowhere="$tmp/extra.yaml" "$tmp/atl.txt" > /dev/null 2> "$tmp/nolex"
status "--lexicon for an unknown lexicon" 2 $?
has "names the lexicon" "$tmp/nolex" "no lexicon named nowhere"
"$ASSAY" extract --rules $PACKS/bad_pattern.lua "$tmp/in/a.txt" > /dev/null 2> "$tmp/bad"
status "a pack that does not compile" 2 $?
has "compile error with file, line, rule" "$tmp/bad" "bad_pattern.lua:3: error: rule bad.pattern: token pattern, column"
"$ASSAY" extract --bogus > /dev/null 2>&1
status "unknown option" 2 $?
"$ASSAY" extract --help > "$tmp/help"
status "extract --help" 0 $?
has "help names --layers" "$tmp/help" "--layers"

# --- formats --------------------------------------------------------------------
"$ASSAY" extract --format yaml --rules $PACKS/basic.lua "$tmp/in/a.txt" "$tmp/in/b.md" > "$tmp/out.yaml"
status "extract --format yaml" 0 $?
if [ "$(grep -c '^---$' "$tmp/out.yaml")" -eq 2 ]; then ok; else fail "one YAML document per record"; fi
has "yaml record" "$tmp/out.yaml" "pack: basic 2.1"
has "yaml dates stay strings" "$tmp/out.yaml" 'published: "2014-12-17"'
has "yaml annotation text" "$tmp/out.yaml" "  text: North Korean officials"
"$ASSAY" extract --format tsv --rules $PACKS/basic.lua "$tmp/in/a.txt" "$tmp/in/c.jsonl" > "$tmp/out.tsv" 2>/dev/null
status "extract --format tsv with a bad line" 1 $?
has "tsv header" "$tmp/out.tsv" "$(printf 'doc\tid\tlayer\tstart\tend\ttext\trule\tattributes')"
has "tsv annotation row" "$tmp/out.tsv" "$(printf '\tactor\t0\t22\tNorth Korean officials\tactor.officials\tcountry=North Korean; kind=anonymous')"
has "tsv error row" "$tmp/out.tsv" "$(printf '%s\t\terror' "$tmp/in/c.jsonl:2")"
"$ASSAY" extract --format xml --rules $PACKS/basic.lua "$tmp/in/a.txt" > /dev/null 2>&1
status "unknown format" 2 $?

# --- every format on examples/ with the default pack ----------------------------
"$ASSAY" extract --format yaml examples/sony > "$tmp/sony.yaml"
status "extract yaml on examples" 0 $?
if [ "$(grep -c '^---$' "$tmp/sony.yaml")" -eq 5 ]; then ok; else fail "five YAML documents"; fi
has "yaml outlet meta" "$tmp/sony.yaml" "outlet: PCMag"
"$ASSAY" extract --format tsv examples/sony > "$tmp/sony.tsv"
has "tsv actor row on examples" "$tmp/sony.tsv" "$(printf '\tactor\t')"
has "tsv claim row on examples" "$tmp/sony.tsv" "$(printf '\tclaim\t')"
"$ASSAY" extract --format html -o "$tmp/sony.html" examples/sony
status "extract html on examples" 0 $?
has "extract html is the report page" "$tmp/sony.html" 'data-proposition="KP | responsible for | Sony Pictures"'
"$ASSAY" report --format yaml examples/sony > "$tmp/rep.yaml"
has "report yaml" "$tmp/rep.yaml" "key: KP | responsible for | Sony Pictures"
"$ASSAY" report --format tsv examples/sony > "$tmp/rep.tsv"
has "report tsv header" "$tmp/rep.tsv" "$(printf 'proposition\tstance\tdoc\tdate\tsource\tvia\tcue\tcontent')"
has "report tsv denial row" "$tmp/rep.tsv" "$(printf 'KP | responsible for | Sony Pictures\tdenied\texamples/sony/000_0c653dbc88194f72.txt')"
"$ASSAY" report --format json examples/sony > "$tmp/rep.json"
has "report json proposition" "$tmp/rep.json" '"key":"KP | responsible for | Sony Pictures"'

# --- threads: the same output in the same order whatever -j -----------------
"$ASSAY" extract -j 1 --rules $PACKS/basic.lua examples/sony "$tmp/in" > "$tmp/j1.jsonl" 2>/dev/null
"$ASSAY" extract -j 4 --rules $PACKS/basic.lua examples/sony "$tmp/in" > "$tmp/j4.jsonl" 2>/dev/null
status "-j 4 keeps the exit status" 1 $?
lines "-j 4 writes every record" "$tmp/j4.jsonl" 10
if cmp -s "$tmp/j1.jsonl" "$tmp/j4.jsonl"; then ok; else fail "-j 1 and -j 4 outputs differ"; fi
"$ASSAY" extract -j 0 --rules $PACKS/basic.lua "$tmp/in/a.txt" > /dev/null 2>&1
status "-j 0 is a usage error" 2 $?

# --- limits: one bad document among good ones ---------------------------------
printf 'we loop here\n' > "$tmp/in2_1.txt"; printf 'this is fine\n' > "$tmp/in2_2.txt"
"$ASSAY" extract --rules $PACKS/hostile.lua --max-instructions 100000 "$tmp/in2_1.txt" "$tmp/in2_2.txt" > "$tmp/hostile.jsonl" 2>/dev/null
status "a looping rule fails its document" 1 $?
sed -n 1p "$tmp/hostile.jsonl" > "$tmp/h1"; sed -n 2p "$tmp/hostile.jsonl" > "$tmp/h2"
has "error names the limit and the rule" "$tmp/h1" 'instruction limit (100000) exceeded'
has "error names the rule" "$tmp/h1" 'rule loop.forever'
has "the next document is processed" "$tmp/h2" '"layer":"ok"'
"$ASSAY" extract --rules $PACKS/basic.lua --max-doc-bytes 10 "$tmp/in/a.txt" > "$tmp/big.jsonl" 2>/dev/null
status "a document over the size limit" 1 $?
has "size limit named" "$tmp/big.jsonl" 'max_doc_bytes'

# --- assay report -----------------------------------------------------------
"$ASSAY" report --rules $PACKS/basic.lua "$tmp/in/a.txt" "$tmp/in/b.md" > "$tmp/report.txt"
status "report" 0 $?
has "report counts documents" "$tmp/report.txt" "2 documents"
has "report groups by proposition" "$tmp/report.txt" "speaker | said | something"
has "report shows the stance with its sources" "$tmp/report.txt" "asserted    1 docs: North Korean officials"
has "report shows the earliest date" "$tmp/report.txt" "earliest: 2014-12-17"
has "report indexes actors with aliases" "$tmp/report.txt" "KP                             government   1 mentions, 1 docs; Pyongyang"
"$ASSAY" report --rules $PACKS/basic.lua --format json "$tmp/in/a.txt" > "$tmp/report.json"
has "report json" "$tmp/report.json" '"key":"speaker | said | something"'
"$ASSAY" report --rules $PACKS/basic.lua -o "$tmp/r.txt" "$tmp/in/a.txt"
status "report -o" 0 $?
has "report -o writes the file" "$tmp/r.txt" "1 documents"
"$ASSAY" report --rules $PACKS/basic.lua --format pdf "$tmp/in/a.txt" > /dev/null 2>&1
status "report with an unknown format" 2 $?
"$ASSAY" report --rules $PACKS/basic.lua "$tmp/in/c.jsonl" > /dev/null 2> "$tmp/rerr"
status "report with a bad input line" 1 $?

# --- assay test ---------------------------------------------------------------
cat > "$tmp/pass.yaml" <<YAML
rules: $PWD/$PACKS/basic.lua
meta: {outlet: Test Wire}
cases:
  - name: officials
    text: "North Korean officials said that it was over."
    expect:
      - {layer: actor, text: North Korean officials, kind: anonymous, country: North Korean}
      - {layer: claim, source: North Korean officials, cue: said, stance: [asserted, believed], "content~": was over}
      - {layer: claim, outlet: Test Wire}
    reject:
      - {layer: actor, text: North Korean}
YAML
cat > "$tmp/fail.yaml" <<YAML
rules: $PWD/$PACKS/basic.lua
cases:
  - name: wrong norm
    text: "Singapore said yes."
    expect:
      - {layer: actor, text: Singapore, norm: SG}
  - name: fine
    text: "Singapore said yes."
    expect:
      - {layer: actor, text: Singapore}
  - name: unexpected
    text: "Singapore said yes."
    reject:
      - {layer: actor, text: Singapore}
YAML
"$ASSAY" test "$tmp/pass.yaml" > "$tmp/pass.out"
status "assay test, all pass" 0 $?
has "summary line" "$tmp/pass.out" "1 passed, 0 failed"
"$ASSAY" test "$tmp/fail.yaml" > "$tmp/fail.out"
status "assay test, some fail" 1 $?
has "summary of failures" "$tmp/fail.out" "1 passed, 2 failed"
has "expected shown" "$tmp/fail.out" 'expected: {"layer":"actor","text":"Singapore","norm":"SG"}'
has "found shown" "$tmp/fail.out" '"text":"Singapore","rule":"actor.place"'
has "unexpected shown" "$tmp/fail.out" 'unexpected: {"layer":"actor","text":"Singapore"}'
"$ASSAY" test --rules $PACKS/bad_pattern.lua "$tmp/pass.yaml" > /dev/null 2>&1
status "assay test with a broken pack" 2 $?
printf 'cases: [\n' > "$tmp/broken.yaml"
"$ASSAY" test "$tmp/broken.yaml" > /dev/null 2> "$tmp/broken.err"
status "assay test with broken YAML" 2 $?
has "YAML error names the file and line" "$tmp/broken.err" "broken.yaml:2"

# --- assay explain --------------------------------------------------------------
"$ASSAY" explain --rules $PACKS/basic.lua --rule actor.officials "North Korean investigators left." > "$tmp/ex1"
status "explain a match" 0 $?
has "explain shows the match" "$tmp/ex1" 'match 1: bytes 0-26, tokens 0-2: "North Korean investigators"'
has "explain shows what was emitted" "$tmp/ex1" 'emitted actor annotation'
"$ASSAY" explain --rules $PACKS/basic.lua --rule actor.officials "North Korean left." > "$tmp/ex2"
has "explain says why not" "$tmp/ex2" "at token 2 'left' expected [lower=/^(officials|investigators)$/]"
"$ASSAY" explain --rules $PACKS/basic.lua --rule claim.said "Singapore said." > "$tmp/ex3"
has "explain shows where rejecting" "$tmp/ex3" "rejected by where"
"$ASSAY" explain --rules $PACKS/basic.lua --rule no.such "x" > /dev/null 2> "$tmp/ex4"
status "explain an unknown rule" 2 $?
has "names the rule" "$tmp/ex4" "no rule named no.such"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
