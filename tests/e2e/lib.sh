# lib.sh -- what the end-to-end tests share: the set-up (strict variables,
# $ASSAY, a scratch folder $tmp removed on exit, even where a test made
# parts of it read-only), counting checks, and the "N passed, N failed"
# line ctest reads.  Sourced first by tests/e2e/test_*.sh.
set -u
ASSAY=${ASSAY:-build/assay}
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
# check NAME COMMAND...: the command succeeds.
check() { local name=$1; shift; if "$@"; then ok; else fail "$name"; fi; }
# has NAME FILE FIXED-STRING: the file holds the string (shows the file if not).
has() { if grep -qF -- "$3" "$2"; then ok; else fail "$1: '$3' not in $2"; sed 's/^/  | /' "$2" | cut -c1-300 | head -20 >&2; fi; }
# hasnt NAME FILE FIXED-STRING: the file does not hold the string.
hasnt() { if grep -qF -- "$3" "$2"; then fail "$1: '$3' in $2"; else ok; fi; }
# status NAME WANT GOT
status() { if [ "$2" = "$3" ]; then ok; else fail "$1: exit status $3, expected $2"; fi; }
# lines NAME FILE N: the file has N lines.
lines() { local n; n=$(wc -l < "$2"); if [ "$n" -eq "$3" ]; then ok; else fail "$1: $n lines, expected $3"; fi; }
# same NAME FILE1 FILE2: byte-identical files.
same() { if cmp -s "$2" "$3"; then ok; else fail "$1: $2 and $3 differ"; diff "$2" "$3" | head -10 >&2; fi; }
