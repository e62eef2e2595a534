#!/usr/bin/env bash
# test_cache.sh -- end-to-end tests of the compile cache (docs/rules.md,
# "The compile cache"): the default pack gives the same records compiled
# without it, filling it, and reading it; the folder it picks; damaged and
# stale files; a folder others may write into; two processes filling it at
# once.  Run from the repository root with ASSAY=path/to/assay (ctest sets it).
. "$(dirname "$0")/lib.sh"

# The suite runs with a cache of its own; each check here names its folder.
unset ASSAY_CACHE_DIR XDG_CACHE_HOME
export HOME="$tmp/home"
cp -r rules "$tmp/rules"
in=examples/sony
x() { "$ASSAY" extract -q "$@" "$in"; }

# --- the same records, without, filling and reading the cache --------------
x --no-cache --rules "$tmp/rules/news.lua" > "$tmp/none.jsonl"
status "no cache" 0 $?
check "--no-cache writes no folder" test ! -e "$HOME/.cache"
ASSAY_CACHE_DIR="$tmp/c" x --rules "$tmp/rules/news.lua" > "$tmp/cold.jsonl"
status "cold cache" 0 $?
ASSAY_CACHE_DIR="$tmp/c" x --rules "$tmp/rules/news.lua" > "$tmp/warm.jsonl"
status "warm cache" 0 $?
same "filling the cache changes nothing" "$tmp/none.jsonl" "$tmp/cold.jsonl"
same "reading the cache changes nothing" "$tmp/none.jsonl" "$tmp/warm.jsonl"
lines "five records" "$tmp/warm.jsonl" 5
# news.lua, actors.lua, dates.lua, claims.lua and the rule-pack language;
# one image per lexicon declared from files (actors.lua declares 15,
# dates.lua and claims.lua the rest).
nlua=$(ls "$tmp/c" | grep -c '^lua-')
nlex=$(ls "$tmp/c" | grep -c '^lexicon-')
check "one bytecode file per Lua file ($nlua)" test "$nlua" -eq 5
check "an image per lexicon ($nlex)" test "$nlex" -ge 15
check "the folder is the user's alone" test "$(stat -c %a "$tmp/c")" = 700
# --profile says what the compile took from the cache and gave it
ASSAY_CACHE_DIR="$tmp/c" x --profile --rules "$tmp/rules/news.lua" 2> "$tmp/prof.warm" > /dev/null
has "--profile: all read back" "$tmp/prof.warm" "(compile cache: $((nlua + nlex)) files read back, 0 written)"
ASSAY_CACHE_DIR="$tmp/c2" x --profile --rules "$tmp/rules/news.lua" 2> "$tmp/prof.cold" > /dev/null
has "--profile: all written" "$tmp/prof.cold" "(compile cache: 0 files read back, $((nlua + nlex)) written)"
check "no temporary file is left" test -z "$(ls "$tmp/c" | grep '\.tmp$')"

# --- where it lives -----------------------------------------------------------
x > /dev/null
check "default: ~/.cache/assay" test -n "$(ls "$HOME/.cache/assay" 2>/dev/null)"
XDG_CACHE_HOME="$tmp/xdg" x > /dev/null
check "XDG_CACHE_HOME/assay" test -n "$(ls "$tmp/xdg/assay" 2>/dev/null)"
rm -rf "$HOME/.cache"
ASSAY_CACHE_DIR=off x > "$tmp/off.jsonl"
check "ASSAY_CACHE_DIR=off: no folder" test ! -e "$HOME/.cache"
ASSAY_CACHE_DIR= x > /dev/null
check "ASSAY_CACHE_DIR empty: no folder" test ! -e "$HOME/.cache"

# --- damaged files are made again, the same --------------------------------------
cp -r "$tmp/c" "$tmp/c.good"
n=0
for f in "$tmp/c"/*; do
  case $((n % 3)) in
    0) head -c 100 "$f" > "$f.x" && mv "$f.x" "$f" ;;                                # truncated
    1) printf 'X' | dd of="$f" bs=1 seek=200 conv=notrunc status=none ;;              # a byte changed
    2) printf 'garbage' > "$f" ;;                                                     # not ours
  esac
  n=$((n + 1))
done
ASSAY_CACHE_DIR="$tmp/c" x --rules "$tmp/rules/news.lua" > "$tmp/damaged.jsonl"
status "damaged cache" 0 $?
same "damaged files change nothing" "$tmp/none.jsonl" "$tmp/damaged.jsonl"
check "damaged files are written again as they were" diff -r "$tmp/c" "$tmp/c.good"

# --- an edited lexicon or rule file is not read stale ---------------------------
printf '  - {name: The Interview, norm: SPE-TEST}\n' \
  >> "$tmp/rules/lexicons/organizations.yaml"
ASSAY_CACHE_DIR="$tmp/c" x --rules "$tmp/rules/news.lua" > "$tmp/lex.jsonl"
x --no-cache --rules "$tmp/rules/news.lua" > "$tmp/lex.none.jsonl"
has "the edited lexicon is used" "$tmp/lex.jsonl" 'SPE-TEST'
same "edited lexicon: as without the cache" "$tmp/lex.none.jsonl" "$tmp/lex.jsonl"
sed -i 's/^pack { name = "news", version = "0.1" }/pack { name = "news", version = "0.1-edited" }/' \
  "$tmp/rules/news.lua"
ASSAY_CACHE_DIR="$tmp/c" x --rules "$tmp/rules/news.lua" > "$tmp/lua.jsonl"
has "the edited rule file is run" "$tmp/lua.jsonl" '"pack":"news 0.1-edited"'

# --- a folder that others may write into is not used ---------------------------------
mkdir -p "$tmp/open" && chmod 777 "$tmp/open"
ASSAY_CACHE_DIR="$tmp/open" x > "$tmp/open.jsonl" 2> "$tmp/open.err"
status "an open folder" 0 $?
has "it says why it is not used" "$tmp/open.err" "is not this user's alone"
check "nothing is written there" test -z "$(ls "$tmp/open")"
same "and the records are the same" "$tmp/off.jsonl" "$tmp/open.jsonl"

# --- two processes filling one cache at once ------------------------------------------
ASSAY_CACHE_DIR="$tmp/race" x > "$tmp/race1.jsonl" &
ASSAY_CACHE_DIR="$tmp/race" x > "$tmp/race2.jsonl"
wait $!
status "the other process" 0 $?
same "racing process 1" "$tmp/off.jsonl" "$tmp/race1.jsonl"
same "racing process 2" "$tmp/off.jsonl" "$tmp/race2.jsonl"
check "no temporary file is left after the race" test -z "$(ls "$tmp/race" | grep '\.tmp$')"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
