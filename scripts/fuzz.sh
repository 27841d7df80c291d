#!/usr/bin/env bash
# Runs every Go fuzz target in backend/ for the given time (default 3s).
# Seed corpora live in each package's testdata/fuzz and run in plain
# `go test` too; this adds fresh, coverage-guided inputs on top.
set -euo pipefail
cd "$(dirname "$0")/.."
t=${1:-3s}
total=0
for pkg in $(go list ./backend/...); do
  for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
    echo "fuzz: $pkg $target for $t"
    out=$(go test -run='^$' -fuzz="^${target}\$" -fuzztime="$t" "$pkg" 2>&1) || { echo "$out"; exit 1; }
    execs=$(grep -oE 'execs: [0-9]+' <<<"$out" | tail -1 | grep -oE '[0-9]+' || echo 0)
    echo "fuzz: $target ran $execs executions"
    total=$((total + execs))
  done
done
echo "fuzz: $total executions in all, no failures"
