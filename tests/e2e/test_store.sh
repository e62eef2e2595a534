#!/usr/bin/env bash
# test_store.sh -- end-to-end tests of the persistent store: `assay extract
# --store` (round trip, incremental skips and re-runs, a run killed with -9
# then completed, readers during a write), `assay query`, `assay report
# --store`, and the schema version errors.
# Run from the repository root with ASSAY=path/to/assay (ctest sets it).
. "$(dirname "$0")/lib.sh"
PACK=tests/data/packs/basic.lua
eq() { if [ "$2" = "$3" ]; then ok; else fail "$1: got '$2', expected '$3'"; fi; }
count() { "$ASSAY" query "$1" "SELECT count(*) AS n FROM docs" | sed -n 2p; }

mkdir -p "$tmp/in"
printf 'North Korean officials said that the attack came from Pyongyang.\n' > "$tmp/in/a.txt"
printf -- '---\noutlet: Example News\npublished: 2014-12-17\n---\nSingapore denied it.\n' > "$tmp/in/b.md"
printf '{"id": "j1", "text": "Pyongyang said nothing.", "meta": {"outlet": "Wire"}}\n{"id": "j2", "text": "Korea."}\n' > "$tmp/in/c.jsonl"
db=$tmp/c.db

# --- round trip: a stored run and a re-run write what a plain run writes ----
"$ASSAY" extract -q --rules $PACK "$tmp/in" > "$tmp/plain.jsonl"
status "plain run" 0 $?
"$ASSAY" extract --rules $PACK --store "$db" "$tmp/in" > "$tmp/s1.jsonl" 2> "$tmp/err1"
status "stored run" 0 $?
same "stored run output" "$tmp/plain.jsonl" "$tmp/s1.jsonl"
has "all analysed" "$tmp/err1" "4 analysed and stored, 0 unchanged"
eq "docs stored" "$(count "$db")" 4
"$ASSAY" extract --rules $PACK --store "$db" "$tmp/in" > "$tmp/s2.jsonl" 2> "$tmp/err2"
status "re-run" 0 $?
same "re-run output, nothing analysed" "$tmp/plain.jsonl" "$tmp/s2.jsonl"
has "all unchanged" "$tmp/err2" "0 analysed and stored, 4 unchanged"
"$ASSAY" extract -q --rules $PACK --offsets chars --with-text --store "$db" "$tmp/in" > "$tmp/s3.jsonl"
"$ASSAY" extract -q --rules $PACK --offsets chars --with-text "$tmp/in" > "$tmp/p3.jsonl"
same "stored records with other output options" "$tmp/p3.jsonl" "$tmp/s3.jsonl"

# --- incremental: a changed document, then a changed pack --------------------
printf 'Singapore officials denied it.\n' > "$tmp/in/b.md"
"$ASSAY" extract --rules $PACK --store "$db" "$tmp/in" > "$tmp/s4.jsonl" 2> "$tmp/err4"
has "only the changed document" "$tmp/err4" "1 analysed and stored, 3 unchanged"
"$ASSAY" extract -q --rules $PACK "$tmp/in" > "$tmp/p4.jsonl"
same "output after a change" "$tmp/p4.jsonl" "$tmp/s4.jsonl"
"$ASSAY" query "$db" "SELECT text FROM docs WHERE id LIKE '%b.md'" > "$tmp/q4"
has "the stored text follows" "$tmp/q4" "Singapore officials denied it."
mkdir -p "$tmp/pack"
cp tests/data/packs/basic.lua "$tmp/pack/"
cp -r tests/data/packs/* "$tmp/pack/" 2>/dev/null
"$ASSAY" extract --rules "$tmp/pack/basic.lua" --store "$db" "$tmp/in" > /dev/null 2> "$tmp/err5"
eq "another copy of the pack is the same pack" "$(grep -c '0 analysed' "$tmp/err5")" 1
printf '\n-- an edit\n' >> "$tmp/pack/basic.lua"
"$ASSAY" extract --rules "$tmp/pack/basic.lua" --store "$db" "$tmp/in" > "$tmp/s6.jsonl" 2> "$tmp/err6"
has "an edited pack re-runs everything" "$tmp/err6" "4 analysed and stored, 0 unchanged"
same "output after a pack edit" "$tmp/p4.jsonl" "$tmp/s6.jsonl"
"$ASSAY" query "$db" "SELECT count(DISTINCT pack_hash) FROM docs" > "$tmp/q6"
eq "one pack hash" "$(sed -n 2p "$tmp/q6")" 1

# --- query: SQL, FTS5, JSON rows ------------------------------------------------
"$ASSAY" query --json "$db" "SELECT d.id FROM docs_fts JOIN docs d ON d.num = docs_fts.rowid WHERE docs_fts MATCH 'pyongyang' ORDER BY d.id" > "$tmp/q7"
has "fts finds a.txt" "$tmp/q7" "{\"id\":\"$tmp/in/a.txt\"}"
has "fts finds j1" "$tmp/q7" '{"id":"j1"}'
eq "fts rows" "$(wc -l < "$tmp/q7")" 2
"$ASSAY" query "$db" "SELECT layer, text, json_extract(attrs, '\$.stance') FROM ann WHERE layer = 'claim' AND doc_id = 'j1'" > "$tmp/q8"
has "claim row" "$tmp/q8" "claim	Pyongyang said nothing."
"$ASSAY" query "$db" "SELECT nope FROM docs" 2> "$tmp/q9"
status "bad SQL" 2 $?
has "bad SQL message" "$tmp/q9" "no such column: nope"
"$ASSAY" query "$db" "DELETE FROM docs" 2> "$tmp/q10"
status "query is read-only" 2 $?
eq "nothing deleted" "$(count "$db")" 4

# --- report --store: the same report without running rules ------------------
"$ASSAY" report --rules $PACK --format json "$tmp/in" > "$tmp/r1.json"
"$ASSAY" report --format json --store "$db" > "$tmp/r2.json"
status "report --store" 0 $?
same "report from the store" "$tmp/r1.json" "$tmp/r2.json"

# --- a run killed with -9 leaves a consistent store that the next completes -
mkdir -p "$tmp/big"
for i in $(seq 1 3000); do
  printf '{"id": "n%04d", "text": "Officials in Seoul said on Monday that North Korean hackers attacked bank %d, according to Yonhap. Pyongyang denied it."}\n' "$i" "$i"
done > "$tmp/big/news.jsonl"
big=$tmp/big.db
"$ASSAY" extract -q -j 1 --rules $PACK --store "$big" "$tmp/big" > /dev/null &
pid=$!
n=0
for _ in $(seq 1 400); do
  n=$(count "$big" 2>/dev/null); n=${n:-0}
  [ "$n" -gt 0 ] && break
  sleep 0.02
done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
n=$(count "$big")
if [ "$n" -gt 0 ] && [ "$n" -lt 3000 ]; then ok; else fail "killed mid-run: $n documents stored"; fi
eq "integrity after kill" "$("$ASSAY" query "$big" "PRAGMA integrity_check" | sed -n 2p)" ok
eq "no annotations without their document" "$("$ASSAY" query "$big" "SELECT count(*) FROM annotations WHERE doc NOT IN (SELECT num FROM docs)" | sed -n 2p)" 0
eq "no document without its annotations" "$("$ASSAY" query "$big" "SELECT count(*) FROM docs WHERE num NOT IN (SELECT doc FROM annotations)" | sed -n 2p)" 0
"$ASSAY" extract -j 2 --rules $PACK --store "$big" "$tmp/big" > "$tmp/big1.jsonl" 2> "$tmp/bigerr"
status "the next run completes" 0 $?
n2=$(count "$big")
eq "all stored after the next run" "$n2" 3000
has "the next run skips what was stored" "$tmp/bigerr" "$((3000 - n)) analysed and stored, $n unchanged"
"$ASSAY" extract -q -j 2 --rules $PACK "$tmp/big" > "$tmp/big2.jsonl"
same "completed run output" "$tmp/big2.jsonl" "$tmp/big1.jsonl"

# --- readers while one writer writes (WAL) -----------------------------------
rm -f "$big" "$big-wal" "$big-shm"
"$ASSAY" extract -q -j 1 --rules $PACK --store "$big" "$tmp/big" > /dev/null &
pid=$!
reads=0 bad=0 last=0
while kill -0 $pid 2>/dev/null; do
  n=$("$ASSAY" query "$big" "SELECT count(*) FROM docs" 2>"$tmp/rerr" | sed -n 2p)
  if [ -n "$n" ]; then
    reads=$((reads + 1))
    [ "$n" -lt "$last" ] && bad=$((bad + 1))
    last=$n
  elif [ -s "$tmp/rerr" ] && ! grep -q "empty database\|No such file" "$tmp/rerr"; then
    bad=$((bad + 1)); cat "$tmp/rerr" >&2
  fi
done
wait $pid
status "writer with readers" 0 $?
eq "reader failures or counts going back" "$bad" 0
if [ "$reads" -gt 0 ]; then ok; else fail "no read happened during the write"; fi
eq "all written" "$(count "$big")" 3000

# --- schema versions -----------------------------------------------------------
if command -v sqlite3 > /dev/null; then
  sqlite3 "$db" "UPDATE meta SET value = '9' WHERE key = 'schema_version'"
  "$ASSAY" extract --rules $PACK --store "$db" "$tmp/in" > /dev/null 2> "$tmp/v1"
  status "newer schema" 2 $?
  has "newer schema message" "$tmp/v1" "schema version 9 is newer than this assay reads (1)"
  sqlite3 "$db" "UPDATE meta SET value = '0' WHERE key = 'schema_version'"
  "$ASSAY" query "$db" "SELECT 1" 2> "$tmp/v2"
  status "older schema" 2 $?
  has "older schema message" "$tmp/v2" "schema version 0 is older than this assay reads (1)"
fi
printf 'not a database at all, but text long enough for a header .........\n' > "$tmp/bad.db"
"$ASSAY" extract --rules $PACK --store "$tmp/bad.db" "$tmp/in" > /dev/null 2> "$tmp/v3"
status "not a database" 2 $?
has "not a database message" "$tmp/v3" "$tmp/bad.db"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
