#!/usr/bin/env bash
# Installs what building and testing Hookline needs, and only what is
# missing, so that a second run takes seconds. Safe to run as root on a fresh
# Debian 12 machine; elsewhere it says what it would need.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1;34msetup:\033[0m %s\n' "$*"; }

# Debian packages: Wails' GTK/WebKit headers, a display for window tests, a
# screenshot tool, the browser for end-to-end tests, and PostgreSQL for the
# shared-database tests (they run it in a throwaway cluster of their own,
# see scripts/with-postgres.sh).
APT_PACKAGES=(pkg-config gcc libgtk-3-dev libwebkit2gtk-4.1-dev xvfb xauth imagemagick chromium fonts-dejavu-core postgresql)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]] && ! command -v sudo >/dev/null; then
    echo "setup: missing Debian packages: ${missing[*]} (run as root, or install them)" >&2
    exit 1
  fi
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  log "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Installing postgresql creates a "main" cluster and, where an init
  # system runs, starts it. Hookline's tests never use it (they run their
  # own throwaway cluster), so a server this install started is stopped.
  if [[ " ${missing[*]} " == *" postgresql "* ]] && command -v pg_lsclusters >/dev/null; then
    pg_lsclusters -h 2>/dev/null | awk '$2 == "main" && $4 == "online" {print $1}' | while read -r v; do
      log "stopping the PostgreSQL $v main cluster the package started"
      $SUDO pg_ctlcluster "$v" main stop || true
    done
  fi
fi

for tool in go node npm; do
  command -v "$tool" >/dev/null || { echo "setup: $tool is not installed; Hookline needs Go 1.26+ and Node.js 20+" >&2; exit 1; }
done

# Pinned developer tools, built from tools/go.mod into ./bin (never a global install).
mkdir -p bin
if [[ ! -x bin/wails || tools/go.mod -nt bin/wails ]]; then
  log "building the pinned Wails CLI"
  (cd tools && go build -o ../bin/wails github.com/wailsapp/wails/v2/cmd/wails)
fi
if [[ ! -x bin/staticcheck || tools/go.mod -nt bin/staticcheck ]]; then
  log "building the pinned staticcheck"
  (cd tools && go build -o ../bin/staticcheck honnef.co/go/tools/cmd/staticcheck)
fi

# npm dependencies, exactly as locked.
for dir in frontend e2e; do
  if [[ ! -d $dir/node_modules || $dir/package-lock.json -nt $dir/node_modules/.package-lock.json ]]; then
    log "installing npm dependencies in $dir/"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

go mod download
log "ready"
