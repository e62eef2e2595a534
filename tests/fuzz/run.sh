#!/usr/bin/env bash
# run.sh -- runs the libFuzzer targets of a fuzz build for a bounded time
# each and prints, per target, the executions, coverage and what it found.
#
#   tests/fuzz/run.sh [-t SECONDS] [-o DIR] BUILD_DIR [TARGET...]
#
# BUILD_DIR is a build configured with CC=clang -DASSAY_FUZZ=ON and built
# with `cmake --build BUILD_DIR --target fuzz`.  -t is the time per target
# (default 60; CI uses a short one, run it longer on demand).  -o keeps the
# work folder (new corpus units, crash artifacts, logs; default: a temp
# folder, removed when nothing was found).  The seed corpora
# (tests/fuzz/corpus/<target>) are read, never written.  Exit status 1 when
# a target crashed, leaked, hung or broke an invariant.
set -u
secs=60 out=
while getopts "t:o:" opt; do
  case $opt in
    t) secs=$OPTARG ;;
    o) out=$OPTARG ;;
    *) sed -n '2,14p' "$0" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { sed -n '2,14p' "$0" >&2; exit 2; }
build=$1; shift
here=$(cd "$(dirname "$0")" && pwd)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in "$here"/fuzz_*.c; do targets+=("$(basename "$f" .c)"); done
fi
keep=1
if [ -z "$out" ]; then out=$(mktemp -d /tmp/assay-fuzzrun-XXXXXX); keep=0; fi
mkdir -p "$out"

found=0
printf '%-14s %10s %8s %8s %7s %6s  %s\n' target execs exec/s cov ft corpus result
for t in "${targets[@]}"; do
  bin=$(find "$build" -name "$t" -type f -perm -u+x | head -1)
  if [ -z "$bin" ]; then echo "$t: not built in $build" >&2; found=1; continue; fi
  seeds=$here/corpus/${t#fuzz_}
  work=$out/$t; mkdir -p "$work/corpus" "$work/artifacts"
  dict=()
  # The pattern dictionary helps the targets whose input is a pattern.
  case $t in fuzz_pattern|fuzz_extract) dict=(-dict="$here/pattern.dict") ;; esac
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$bin" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -max_len=8192 \
      -print_final_stats=1 -artifact_prefix="$work/artifacts/" "${dict[@]}" \
      "$work/corpus" "$seeds" > "$work/log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$work/log" | tail -1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<< "$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$last")
  units=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<< "$last")
  if [ $rc -eq 0 ]; then
    result=ok
  else
    found=1
    art=$(ls "$work/artifacts" 2>/dev/null | head -1)
    why=$(grep -m1 -oE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer|UndefinedBehaviorSanitizer)[^(]*|runtime error:.*' "$work/log")
    result="FOUND (exit $rc): ${why:-see log} ${art:+$work/artifacts/$art}; log $work/log"
  fi
  printf '%-14s %10s %8s %8s %7s %6s  %s\n' "$t" "${execs:-?}" "${rate:-?}" \
    "${cov:-?}" "${ft:-?}" "${units:-?}" "$result"
done
if [ $found -eq 0 ] && [ $keep -eq 0 ]; then rm -rf "$out"; else echo "work folder: $out"; fi
exit $found
