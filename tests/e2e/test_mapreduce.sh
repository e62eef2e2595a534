#!/usr/bin/env bash
# test_mapreduce.sh -- map and reduce: `assay extract` as the map step of GNU
# parallel --pipe over JSON Lines, `assay merge` as the reduce, give the
# same report as one `assay report`; and merge on records written to files.
. "$(dirname "$0")/lib.sh"
PACK=${PACK:-tests/data/packs/basic.lua}

# The corpus as JSON Lines, with its metadata.
cat > "$tmp/tojsonl.lua" <<'LUA'
for doc in assay.inputs() do
  print(assay.json_encode({ id = doc.id, text = doc.text, meta = doc.meta }))
end
LUA
"$ASSAY" run "$tmp/tojsonl.lua" examples/sony > "$tmp/docs.jsonl"
if [ "$(wc -l < "$tmp/docs.jsonl")" -eq 5 ]; then ok; else fail "five JSON lines"; fi

"$ASSAY" report --rules "$PACK" --format json "$tmp/docs.jsonl" > "$tmp/report.json"
if [ $? -eq 0 ]; then ok; else fail "report"; fi

# Map on stdin/stdout, reduce with merge.
"$ASSAY" extract --rules "$PACK" -q < "$tmp/docs.jsonl" > "$tmp/facts.jsonl"
"$ASSAY" merge --format json "$tmp/facts.jsonl" > "$tmp/merged.json"
same "merge of one extract equals report" "$tmp/report.json" "$tmp/merged.json"

# The same with the records in another order, and from stdin.
tac "$tmp/facts.jsonl" | "$ASSAY" merge --format json - > "$tmp/merged_rev.json"
same "merge does not depend on record order" "$tmp/report.json" "$tmp/merged_rev.json"

if command -v parallel > /dev/null; then
  parallel --will-cite --pipe -N 2 "$ASSAY" extract --rules "$PACK" -q -j 1 < "$tmp/docs.jsonl" > "$tmp/pfacts.jsonl"
  if [ "$(wc -l < "$tmp/pfacts.jsonl")" -eq 5 ]; then ok; else fail "parallel --pipe wrote five records"; fi
  "$ASSAY" merge --format json "$tmp/pfacts.jsonl" > "$tmp/pmerged.json"
  same "parallel --pipe then merge equals report" "$tmp/report.json" "$tmp/pmerged.json"
else
  fail "GNU parallel is not installed (apt-get install parallel)"
fi

# A bad line in the facts is named and counted; the rest is merged.
{ head -2 "$tmp/facts.jsonl"; echo "not a record"; tail -3 "$tmp/facts.jsonl"; } > "$tmp/badfacts.jsonl"
"$ASSAY" merge --format json "$tmp/badfacts.jsonl" > "$tmp/badmerged.json" 2> "$tmp/bad.err"
if [ $? -eq 1 ]; then ok; else fail "a bad record line gives exit status 1"; fi
if grep -qF "badfacts.jsonl:3" "$tmp/bad.err"; then ok; else fail "the bad line is named"; fi
same "the good records are all merged" "$tmp/report.json" "$tmp/badmerged.json"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
