#!/usr/bin/env bash
# Idempotent machine and build set-up shared by scripts/run.sh and scripts/test.sh. Argument: what to build.
# Installs what is missing (Debian packages, the smtp4dev tool, npm packages of the dashboard and of the
# starknet.js suite), builds the dashboard and the solution. Safe to run again: each step checks before it acts.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

log() { printf '[setup] %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian packages: PostgreSQL server, Redis, Chromium (UI tests, report PDFs), poppler-utils. TimescaleDB is not in Debian: plain
# PostgreSQL is the tested path.
missing=()
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# pdftotext/pdftoppm: the report tests read the PDFs Chromium prints.
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The Debian package starts a cluster service of its own; Ciro runs its own servers on free ports instead.
if command -v pg_lsclusters >/dev/null 2>&1 && pg_lsclusters -h 2>/dev/null | grep -q online; then
  as_root pg_ctlcluster --mode fast "$(pg_lsclusters -h | awk '{print $1}' | head -1)" main stop >/dev/null 2>&1 || true
fi

# smtp4dev: the SMTP server that catches alert emails in the local stack.
if [ ! -x .tools/smtp4dev ]; then
  log "installing smtp4dev (dotnet tool) into .tools/"
  dotnet tool install Rnwood.Smtp4dev --version 3.15.0 --tool-path .tools >/dev/null
fi

# The dashboard: npm packages, then a build into src/Ciro.Web/wwwroot when the sources changed.
client=src/Ciro.Web/ClientApp
if [ -f "$client/package.json" ]; then
  stamp="$client/node_modules/.ciro-lock-hash"
  hash="$(sha256sum "$client/package-lock.json" | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$hash" ]; then
    log "installing dashboard npm packages"
    (cd "$client" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$hash" > "$stamp"
  fi
  if [ ! -f src/Ciro.Web/wwwroot/index.html ] || [ -n "$(find "$client/src" "$client/index.html" "$client/package.json" -newer src/Ciro.Web/wwwroot/index.html -print -quit 2>/dev/null)" ]; then
    log "building the dashboard"
    (cd "$client" && npm run build --silent >/dev/null)
  fi
fi

# The starknet.js conformance suite (tests/starknetjs): its npm packages, pinned by its lock file.
conformance=tests/starknetjs
if [ -f "$conformance/package.json" ]; then
  stamp="$conformance/node_modules/.ciro-lock-hash"
  hash="$(sha256sum "$conformance/package-lock.json" | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$hash" ]; then
    log "installing starknet.js conformance npm packages"
    (cd "$conformance" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$hash" > "$stamp"
  fi
fi

# What to build: the AppHost (and through it every service) for run.sh, the whole solution for test.sh.
target="${1:-CiroAspire.sln}"
log "building $target"
dotnet build "$target" -c Debug -nologo -v q -clp:ErrorsOnly
