#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine and runs every test tier: unit, integration (real /proc,
# real criu, real pkexec/polkitd/dbus) and e2e (Chromium against `icebox serve`).
# Needs root for the system packages and for CRIU.
set -euo pipefail
cd "$(dirname "$0")/.."
# One command for everyone: a user runs it as is and it asks for root through sudo; CI (root, no
# sudo installed) runs it directly.
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then exec sudo "$0" "$@"; fi
  echo "test-all.sh: needs root (system packages, CRIU) and sudo is not installed; run it as root." >&2
  exit 1
fi

step() { printf '\n=== %s ===\n' "$*"; }

step "system packages"
bash scripts/setup-system.sh

step "npm ci"
npm ci --no-audit --no-fund

step "build (type-check + bundle)"
npm run build

step "lint"
npm run lint

step "unit tests"
npm run test:unit

step "integration tests"
npm run test:integration

step "end-to-end tests"
npm run test:e2e
