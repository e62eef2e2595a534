#!/usr/bin/env bash
# test_show.sh -- `assay show`: plain text with bracket markers and a legend
# through a pipe or with NO_COLOR; ANSI colours on a terminal or with --color=always.
. "$(dirname "$0")/lib.sh"
DOC=examples/sony/001_d74339bb62a7fb22.txt
has() { if grep -q -F -e "$2" "$3"; then ok; else fail "$1: no '$2' in $3"; fi; }
hasnt() { if grep -q -F -e "$2" "$3"; then fail "$1: '$2' in $3"; else ok; fi; }
ESC=$'\033['

# Through a pipe: plain, with markers and the legend first.
"$ASSAY" show "$DOC" | cat > "$tmp/pipe.txt"
[ "${PIPESTATUS[0]}" -eq 0 ] && ok || fail "show exits 0"
if head -1 "$tmp/pipe.txt" | grep -q '^legend: \[actor\]{actor NORM}'; then ok; else fail "the legend comes first"; fi
hasnt "no ANSI through a pipe" "$ESC" "$tmp/pipe.txt"
has "the document header" "== D1 | $DOC | Re/code | 2014-12-17" "$tmp/pipe.txt"
has "an actor marker" '[North Korea]{actor KP}' "$tmp/pipe.txt"
has "a date marker" '[Nov. 28]{date 2014-11-28}' "$tmp/pipe.txt"
has "a cue marker" 'denied]{cue #' "$tmp/pipe.txt"
has "a source marker" ']{source #' "$tmp/pipe.txt"
has "a content marker" ']{content #' "$tmp/pipe.txt"
has "the claims list" 'denied: The country | denied |' "$tmp/pipe.txt"
has "propositions in the claims list" '-> KP | responsible for | Sony Pictures' "$tmp/pipe.txt"
# The markers balance: as many [ opened as ]{ closed beyond the text's own.
plain_open=$(tr -cd '[' < "$DOC" | wc -c)
open=$(sed -n '3,/^claims$/p' "$tmp/pipe.txt" | tr -cd '[' | wc -c)
close=$(sed -n '3,/^claims$/p' "$tmp/pipe.txt" | grep -o ']{' | wc -l)
[ $((open - plain_open)) -eq "$close" ] && ok || fail "markers balance: $open [ ($plain_open in the text), $close ]{"
# Without markers the text is the document's own.
sed -n '3,/^claims$/p' "$tmp/pipe.txt" | sed '$d' | sed -E 's/\]\{[^}]*\}//g; s/\[//g' > "$tmp/stripped.txt"
if grep -q -F 'have concluded that North Korea was involved' "$tmp/stripped.txt"; then ok; else fail "stripped text reads as the article"; fi

# NO_COLOR, even on a terminal, and TERM=dumb: plain.
if command -v script > /dev/null; then
  NO_COLOR=1 script -qec "$ASSAY show $DOC" /dev/null > "$tmp/nocolor.txt"
  hasnt "NO_COLOR on a terminal: no ANSI" "$ESC" "$tmp/nocolor.txt"
  has "NO_COLOR on a terminal: markers" '[North Korea]{actor KP}' "$tmp/nocolor.txt"
  # A terminal: colours, no markers.
  TERM=xterm script -qec "$ASSAY show $DOC" /dev/null > "$tmp/tty.txt"
  has "a terminal gets ANSI" "$ESC" "$tmp/tty.txt"
  has "a terminal gets the coloured legend" "legend: ${ESC}1;34mactor${ESC}0m" "$tmp/tty.txt"
  hasnt "a terminal gets no markers" ']{actor KP}' "$tmp/tty.txt"
else
  echo "note: script (util-linux) absent, terminal cases not run"
fi
NO_COLOR=1 "$ASSAY" show "$DOC" > "$tmp/nc.txt"
hasnt "NO_COLOR: no ANSI" "$ESC" "$tmp/nc.txt"

# --color=always forces colours through a pipe, and wins over NO_COLOR.
TERM=xterm "$ASSAY" show --color=always "$DOC" | cat > "$tmp/always.txt"
has "--color=always: ANSI" "$ESC" "$tmp/always.txt"
has "--color=always: actors in blue" "${ESC}1;34mNorth Korea${ESC}0m" "$tmp/always.txt"
has "--color=always: an actor inside a content keeps the underline" "${ESC}4;32;1;34mNorth Korea" "$tmp/always.txt"
NO_COLOR=1 "$ASSAY" show --color always "$DOC" > "$tmp/always2.txt"
has "--color always wins over NO_COLOR" "$ESC" "$tmp/always2.txt"
"$ASSAY" show --color=never "$DOC" > "$tmp/never.txt"
cmp -s "$tmp/never.txt" "$tmp/pipe.txt" && ok || fail "--color=never equals the pipe output"

# An article with escape sequences cannot drive the terminal.
printf 'North Korea denied it.\033[2J\033]0;pwned\007 U.S. officials said.\n' > "$tmp/esc.txt"
"$ASSAY" show --color=always "$tmp/esc.txt" > "$tmp/esc.out"
if grep -q -F $'\033[2J' "$tmp/esc.out" || grep -q -F $'\033]0' "$tmp/esc.out"; then
  fail "the article's escape sequences are neutralised"
else ok; fi

# Errors: no input, a bad option, a bad --color.
"$ASSAY" show > /dev/null 2>&1; [ $? -eq 2 ] && ok || fail "no input is a usage error"
"$ASSAY" show --bogus "$DOC" > /dev/null 2> "$tmp/err"; [ $? -eq 2 ] && ok || fail "a bad option is a usage error"
"$ASSAY" show --color=sometimes "$DOC" > /dev/null 2>&1; [ $? -eq 2 ] && ok || fail "a bad --color is a usage error"
"$ASSAY" show --help | grep -q 'usage: assay show' && ok || fail "show --help"
"$ASSAY" show examples/sony > "$tmp/all.txt"
n=$(grep -c '^== D' "$tmp/all.txt")
[ "$n" -eq 5 ] && ok || fail "a folder shows its five documents, got $n"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
