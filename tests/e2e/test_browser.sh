#!/usr/bin/env bash
# test_browser.sh -- the HTML report in a real headless Chromium: makes the
# report of examples/sony and runs tests/browser/test_report.mjs on it (playwright-core from npm, Debian's chromium).
# Skips (exit 0) only when chromium or node is absent; screenshots go to
# $ASSAY_BUILD_DIR/artifacts (build/artifacts by default).
set -u
ASSAY=${ASSAY:-build/assay}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
root=$(pwd)
artifacts=${ASSAY_BUILD_DIR:-$root/build}/artifacts

if [ ! -x "$CHROMIUM" ]; then
  echo "skipped: no chromium at $CHROMIUM (apt-get install chromium)"
  exit 0
fi
if ! command -v node > /dev/null || ! command -v npm > /dev/null; then
  echo "skipped: node or npm is not installed (apt-get install nodejs npm)"
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! "$ASSAY" report --format html -o "$tmp/report.html" examples/sony; then
  echo "FAIL: assay report --format html"
  echo "0 passed, 1 failed"
  exit 1
fi

cd tests/browser || exit 1
if [ ! -d node_modules/playwright-core ]; then
  # The version is pinned by package-lock.json.
  if ! npm ci --no-audit --no-fund --loglevel=error > "$tmp/npm.log" 2>&1; then
    cat "$tmp/npm.log"
    echo "FAIL: npm ci in tests/browser"
    echo "0 passed, 1 failed"
    exit 1
  fi
fi
CHROMIUM=$CHROMIUM node test_report.mjs "$tmp/report.html" "$artifacts"
