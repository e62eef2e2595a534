#!/usr/bin/env bash
# test_install.sh -- libassay as a package: installs the build into a
# temporary prefix, builds examples/embed/claims.c against it through
# pkg-config and through CMake find_package, runs both on examples/sony/,
# requires the installed Lua module from the stock lua5.4, and runs the
# installed assay from another working directory.  ctest sets ASSAY and
# ASSAY_BUILD_DIR; run from the repository root.
. "$(dirname "$0")/lib.sh"
SRC=$(pwd)
BUILD=${ASSAY_BUILD_DIR:-build}
SONY="$SRC/examples/sony"
finish() { echo "$passed passed, $failed failed"; [ "$failed" = 0 ]; exit $?; }

if [ ! -f "$BUILD/assayConfig.cmake" ]; then
  fail "the build has no package: CMakeLists.txt must include(cmake/package.cmake)"
  finish
fi

# A sanitizer build installs a library that needs its runtime: build the
# example with the same flags and let the runtime load into lua5.4.
cache=$BUILD/CMakeCache.txt
SAN_FLAGS="" SAN_PRELOAD=""
if grep -q '^ASSAY_SANITIZE:BOOL=ON' "$cache" 2>/dev/null; then
  SAN_FLAGS="-fsanitize=address,undefined"
  SAN_PRELOAD=$(${CC:-cc} -print-file-name=libasan.so)
  export ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0
elif grep -q '^ASSAY_TSAN:BOOL=ON' "$cache" 2>/dev/null; then
  SAN_FLAGS="-fsanitize=thread"
  SAN_PRELOAD=$(${CC:-cc} -print-file-name=libtsan.so)
fi

# --- install ---------------------------------------------------------------
P=$tmp/prefix
cmake --install "$BUILD" --prefix "$P" > "$tmp/install.log" 2>&1
check "cmake --install succeeds" test $? = 0
for f in bin/assay include/assay.h share/assay/rules/news.lua \
         share/lua/5.4/assay/report.lua; do
  check "installed $f" test -f "$P/$f"
done
pc=$(find "$P" -name assay.pc | head -1)
cfg=$(find "$P" -name assayConfig.cmake | head -1)
luamod=$(find "$P" -path '*/lua/5.4/assay.so' | head -1)
check "installed assay.pc" test -n "$pc"
check "installed assayConfig.cmake" test -n "$cfg"
check "installed the Lua module" test -n "$luamod"
libdir=$(dirname "$(dirname "$pc")")
check "installed libassay.a" test -f "$libdir/libassay.a"
check "libassay.so carries its soname" \
  test "$(objdump -p "$libdir/libassay.so" 2>/dev/null | awk '/SONAME/{print $2}')" = libassay.so.0

# Every function the header declares is exported by the shared library and
# called by the link test (tests/c/test_api.c).
grep -oE '\bassay_[a-z0-9_]+ *\(' "$P/include/assay.h" | tr -d ' (' | sort -u > "$tmp/declared"
nm -D --defined-only "$libdir/libassay.so" | awk '{print $3}' | sort -u > "$tmp/exported"
missing=$(comm -23 "$tmp/declared" "$tmp/exported" | grep -vx 'assay_allocator' | tr '\n' ' ')
check "libassay.so exports every declared function (missing: $missing)" test -z "$missing"
untested=$(while read -r f; do grep -q "\b$f(" "$SRC/tests/c/test_api.c" || echo "$f"; done < "$tmp/declared" |
  grep -vx 'assay_allocator' | tr '\n' ' ')
check "test_api.c calls every declared function (not: $untested)" test -z "$untested"
check "the header declares over 100 functions" test "$(wc -l < "$tmp/declared")" -gt 100

# --- claims.c through pkg-config ---------------------------------------------
mkdir -p "$tmp/mk"
cp "$SRC/examples/embed/claims.c" "$SRC/examples/embed/Makefile" "$tmp/mk/"
PKG_CONFIG_PATH=$(dirname "$pc") make -s -C "$tmp/mk" \
  CFLAGS="-O1 -Wall -Wextra -Werror $SAN_FLAGS" > "$tmp/mk.log" 2>&1
check "claims builds with pkg-config" test -x "$tmp/mk/claims"
check "claims.c is under 100 lines" test "$(wc -l < "$SRC/examples/embed/claims.c")" -lt 100

# --- claims.c through CMake find_package --------------------------------------
cmake -S "$SRC/examples/embed" -B "$tmp/cm" -DCMAKE_PREFIX_PATH="$P" \
  -DCMAKE_C_FLAGS="$SAN_FLAGS" > "$tmp/cm.log" 2>&1 &&
  cmake --build "$tmp/cm" > "$tmp/cm.log" 2>&1
check "claims builds with find_package(assay)" test -x "$tmp/cm/claims"

# Both run from elsewhere, on the installed default pack, in two threads.
cd "$tmp"
./mk/claims "$SONY"/*.txt > mk.out 2> mk.err
check "claims (pkg-config) exits 0" test $? = 0
./cm/claims "$SONY"/*.txt > cm.out 2> cm.err
check "claims (cmake) exits 0" test $? = 0
check "claims finds claims" test "$(wc -l < mk.out)" -ge 30
check "both builds print the same claims" cmp -s mk.out cm.out
check "every line is source<TAB>stance<TAB>content" \
  test "$(awk -F'\t' 'NF != 3' mk.out | wc -l)" = 0
has "believed claim" mk.out "$(printf 'U.S. officials\tbelieved\tPyongyang’s hacking team orchestrated the cyberattack')"
has "suspected claim" mk.out "$(printf 'U.S. investigators\tsuspected\tthe attack was carried out by a North Korean government-backed hacking group')"
check "stances are the pack's" \
  test "$(cut -f2 mk.out | grep -cvE '^(asserted|believed|suspected|denied|doubted|unconfirmed)$')" = 0
./mk/claims "$SONY/000_0c653dbc88194f72.txt" "$tmp/missing.txt" > one.out 2> one.err
check "a missing file exits 1" test $? = 1
has "a missing file is named" one.err "missing.txt: cannot read"
check "the other file is still scanned" test "$(wc -l < one.out)" -ge 5

# --- the Lua module from the stock interpreter ---------------------------------
cat > "$tmp/req.lua" <<'LUA'
local assay = require "assay"
assert(assay.version == "0.1.0", assay.version)
-- one Lua in the process: the module must not bring liblua5.4.so
for l in io.lines("/proc/self/maps") do
  assert(not l:find("liblua", 1, true), "second Lua mapped: " .. l)
end
local toks = assay.tokenize("U.S. officials said it.")
assert(#toks == 5 and toks[1].text == "U.S.", "tokens")
local report = require "assay.report" -- a Lua module of the package
assert(type(report) == "table")
-- the same claims as claims.c: source, stance, content per claim
local rules = assay.rules(arg[1])
local function flat(s) return (s:gsub("[\t\r\n]", " ")) end
for i = 2, #arg do
  local f = assert(io.open(arg[i], "rb"))
  local doc = assay.document{id = arg[i], text = f:read("a")}
  f:close()
  rules:scan(doc)
  for _, a in ipairs(doc:annotations("claim")) do
    print(flat(a.source and a.source.text or "") .. "\t" .. a.stance .. "\t" ..
          flat(a.content and a.content.text or ""))
  end
end
LUA
LUA_CPATH="$(dirname "$luamod")/?.so;;" LUA_PATH="$P/share/lua/5.4/?.lua;;" \
  LD_PRELOAD=$SAN_PRELOAD lua5.4 "$tmp/req.lua" "$P/share/assay/rules/news.lua" \
  "$SONY"/*.txt > lua.out 2> lua.err
check "lua5.4 requires the installed module" test $? = 0
[ -s lua.err ] && sed 's/^/  | /' lua.err >&2
check "the Lua module finds the same claims as the C API" cmp -s lua.out mk.out

# --- the installed assay finds its rules from anywhere -------------------------
"$P/bin/assay" extract -q "$SONY/001_d74339bb62a7fb22.txt" > extract.out 2> extract.err
check "installed assay extract exits 0" test $? = 0
has "installed assay uses the news pack" extract.out '"pack":"news 0.1"'
has "installed assay finds a claim" extract.out '"layer":"claim"'
echo 'print(require("assay.report") ~= nil, assay.version)' > run.lua
"$P/bin/assay" run run.lua > run.out 2>&1
has "installed assay run finds its Lua modules" run.out "$(printf 'true\t0.1.0')"
cd "$SRC"
finish
