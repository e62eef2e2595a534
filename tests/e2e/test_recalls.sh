#!/usr/bin/env bash
# test_recalls.sh -- the example rule pack of another domain
# (examples/packs/recalls): its rule tests pass under `assay test`, and
# `assay extract --rules` runs it on a small recall notice with the values
# expected.  Run from the repository root with ASSAY set (ctest sets it).
. "$(dirname "$0")/lib.sh"
PACK=examples/packs/recalls

"$ASSAY" test "$PACK/recalls.tests.yaml" > "$tmp/test.out" 2>&1
check "assay test on the recalls pack exits 0" test $? = 0
check "at least 15 rule tests pass" \
  test "$(awk '/ passed, / {print $1}' "$tmp/test.out" | tail -1)" -ge 15
has "no rule test fails" "$tmp/test.out" " passed, 0 failed"

cat > "$tmp/notice.txt" <<'TXT'
Samsung recalls washing machines

Samsung is recalling 2.8 million units because the machines can overheat.
The CPSC announced a recall of 35,000 bottles of cough syrup, citing salmonella.
TXT
"$ASSAY" extract -q --rules "$PACK/recalls.lua" --layers recall --format tsv \
  "$tmp/notice.txt" > "$tmp/notice.tsv" 2> "$tmp/notice.err"
check "extract with the recalls pack exits 0" test $? = 0
has "active recall with count and hazard" "$tmp/notice.tsv" \
  "company=Samsung; count=2800000; cue=recalling; hazard=fire; product=2.8 million units; unit=units; voice=active"
has "agency recall" "$tmp/notice.tsv" \
  "agency=CPSC; cue=recall; product=35,000 bottles of cough syrup; voice=agency"
has "the headline is a recall that stops at its line" "$tmp/notice.tsv" \
  "company=Samsung; cue=recalls; product=washing machines; voice=active"
check "three recalls in the notice" test "$(grep -c '	recall	' "$tmp/notice.tsv")" = 3
check "the hidden cue layer is not written" \
  test "$("$ASSAY" extract -q --rules "$PACK/recalls.lua" "$tmp/notice.txt" | grep -c '"layer":"cue"')" = 0

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
