#!/usr/bin/env bash
# valgrind.sh -- runs the C unit tests (the test_* programs of a build dir
# made WITHOUT sanitizers) under valgrind; fails on any memory error or leak.
#
#   tests/valgrind.sh BUILD_DIR [TEST_NAME...]
#
# Run from anywhere; the tests run from the repository root, as ctest runs
# them.  Each test's valgrind log is kept in BUILD_DIR/valgrind/NAME.log.
set -u
[ $# -ge 1 ] || { sed -n '2,8p' "$0" >&2; exit 2; }
build=$(cd "$1" && pwd) || exit 2
shift
root=$(cd "$(dirname "$0")/.." && pwd)
command -v valgrind > /dev/null || { echo "valgrind.sh: valgrind is not installed" >&2; exit 2; }
if grep -qE '^ASSAY_(SANITIZE|TSAN):BOOL=ON' "$build/CMakeCache.txt" 2> /dev/null; then
  echo "valgrind.sh: $build is a sanitizer build; give a plain one" >&2
  exit 2
fi
tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
  for src in "$root"/tests/c/test_*.c; do tests+=("$(basename "$src" .c)"); done
fi
mkdir -p "$build/valgrind"
cd "$root" || exit 2
passed=0 failed=0
for t in "${tests[@]}"; do
  bin=$build/tests/$t
  [ -x "$bin" ] || bin=$build/$t
  if [ ! -x "$bin" ]; then
    echo "FAIL: $t: not built in $build" >&2
    failed=$((failed + 1))
    continue
  fi
  log=$build/valgrind/$t.log
  # --errors-for-leak-kinds=definite,indirect: "still reachable" memory of
  # the libraries (libyaml, PCRE2 JIT) at exit is not a leak of ours.
  valgrind -q --suppressions="$root/tests/valgrind.supp" --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
    --log-file="$log" "$bin" > "$build/valgrind/$t.out" 2>&1
  rc=$?
  if [ $rc -eq 0 ] && [ ! -s "$log" ]; then
    passed=$((passed + 1))
    echo "ok   $t"
  else
    failed=$((failed + 1))
    echo "FAIL $t (exit $rc; $log)" >&2
    head -40 "$log" >&2
    tail -5 "$build/valgrind/$t.out" >&2
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
