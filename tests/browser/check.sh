#!/usr/bin/env bash
# The HTML report in a real browser: installs Debian's chromium when missing, renders
# the report of testdata bundles with the release binary, and runs check.mjs
# (playwright-core driving that chromium) over it: no console errors, plots drawn,
# log names escaped, the sort script working, the page complete without JavaScript,
# nothing wider than a 1,000 px screen or an A4 page (794 px) in print, timeline
# marks linked to their kills, the task rows of the trigger and the victim marked by
# more than colour on screen and in print.
# The screenshot is saved as target/report.png.
#
# Needs: apt (root or sudo) when chromium is missing, node and npm, cargo.
# OOMSIFT_BIN=PATH checks that binary instead of building the release one.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v chromium >/dev/null 2>&1; then
  echo "== installing Debian's chromium"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
command -v chromium >/dev/null || { echo "chromium is not installed" >&2; exit 1; }
chromium --version

work=target/browser-check
mkdir -p "$work"
cp tests/browser/package.json tests/browser/check.mjs "$work/"
echo "== npm install playwright-core"
(cd "$work" && npm install --no-audit --no-fund --loglevel=error >/dev/null)

# The binary checked: OOMSIFT_BIN when set, else a release build made now — never
# whatever old build target/release happens to hold.
if [ -n "${OOMSIFT_BIN:-}" ]; then
  bin=$OOMSIFT_BIN
  [ -x "$bin" ] || { echo "OOMSIFT_BIN=$bin is not an executable" >&2; exit 1; }
else
  echo "== cargo build --release"
  cargo build --release
  bin=target/release/oomsift
fi
echo "== checking the report of $bin"
rm -rf "$work/report"
"$bin" analyze testdata/sosreport-node1 testdata/html-escape testdata/journal-json testdata/zone-watermarks \
  -o "$work/report" >/dev/null

echo "== browser check of $work/report/report.html"
CHROMIUM="$(command -v chromium)" node "$work/check.mjs" "$work/report/report.html" target/report.png
