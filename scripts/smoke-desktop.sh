#!/usr/bin/env bash
# Desktop smoke test: starts the real window under Xvfb, waits until the
# frontend has called a bound Go method, screenshots the screen and checks
# the window is not blank.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${HOOKLINE_BIN:-build/bin/hookline}
OUT=${SMOKE_OUT:-build/smoke}
mkdir -p "$OUT"
work=$(mktemp -d)
cleanup() {
  [[ -n ${app:-} ]] && kill "$app" 2>/dev/null && wait "$app" 2>/dev/null || true
  [[ -n ${xvfb:-} ]] && kill "$xvfb" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# A display number nobody uses.
for n in $(seq 90 140); do [[ -e /tmp/.X11-unix/X$n || -e /tmp/.X$n-lock ]] || { disp=$n; break; }; done
Xvfb ":$disp" -screen 0 1280x860x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb=$!
for _ in $(seq 50); do [[ -e /tmp/.X11-unix/X$disp ]] && break; sleep 0.1; done

# The desktop app also serves the API on loopback (8717, or any free port if busy).
DISPLAY=":$disp" "$BIN" --data "$work/data" >"$work/app.log" 2>&1 &
app=$!
for _ in $(seq 300); do
  grep -q 'frontend connected' "$work/app.log" && break
  kill -0 "$app" 2>/dev/null || { echo "smoke: the app exited early:"; cat "$work/app.log"; exit 1; }
  sleep 0.1
done
if ! grep -q 'frontend connected' "$work/app.log"; then
  echo "smoke: the frontend never called a bound method within 30s"; cat "$work/app.log"; exit 1
fi
sleep 1 # let the first paint settle
DISPLAY=":$disp" /usr/bin/import -window root "$OUT/desktop.png"

# Not blank: the shell paints a navigation bar, text and an accent colour.
colors=$(/usr/bin/convert "$OUT/desktop.png" -format '%k' info:)
stddev=$(/usr/bin/convert "$OUT/desktop.png" -colorspace gray -format '%[fx:standard_deviation]' info:)
echo "smoke: screenshot $OUT/desktop.png has $colors colours, grey stddev $stddev"
if (( colors < 50 )); then echo "smoke: the window looks blank"; exit 1; fi
# The brand accent (#3b5bdb) appears where the active navigation item is drawn.
accent=$(/usr/bin/convert "$OUT/desktop.png" -fill black +opaque '#3b5bdb' -fill white -opaque '#3b5bdb' -format '%[fx:mean*w*h]' info:)
echo "smoke: $accent pixels in the accent colour"
if (( ${accent%.*} < 500 )); then echo "smoke: the app shell is not on screen"; exit 1; fi
echo "smoke: ok"
