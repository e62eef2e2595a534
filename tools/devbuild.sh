#!/usr/bin/env bash
# Compiles a few sources and a test program into one binary, outside CMake,
# so that a developer can test a module while other modules are unfinished.
#   tools/devbuild.sh OUT file1.c file2.c ...
# Always adds src/mem.c; flags as in CI (-Wall -Wextra -Werror, ASan+UBSan).
set -euo pipefail
out=$1; shift
top=$(cd "$(dirname "$0")/.." && pwd)
pkgs="lua5.4 libpcre2-8 yaml-0.1 libutf8proc jansson sqlite3"
extra=()
[ -f "$top/build-dev/abbrev_builtin.c" ] || {
  mkdir -p "$top/build-dev"
  cmake -DIN="$top/src/abbreviations.yaml" -DOUT="$top/build-dev/abbrev_builtin.c" -P "$top/cmake/embed_abbreviations.cmake" 2>/dev/null || true
}
[ -f "$top/build-dev/abbrev_builtin.c" ] && extra+=("$top/build-dev/abbrev_builtin.c")
gcc -std=c11 -g -O1 -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter \
  -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
  -DASSAY_SOURCE_DIR="\"$top\"" -DASSAY_SHARED_DIR="\"$top/../shared\"" -DASSAY_INSTALL_DATADIR="\"share\"" \
  -fsanitize=address,undefined -fno-omit-frame-pointer \
  -I"$top/src" -I"$top/tests/c" $(pkg-config --cflags $pkgs) \
  -o "$out" "$top/src/mem.c" "${extra[@]}" "$@" $(pkg-config --libs $pkgs) -lpthread -lm
