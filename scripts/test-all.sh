#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine and runs every test tier: unit, integration (real /proc,
# real criu, real pkexec/polkitd/dbus) and e2e (Chromium against `icebox serve`).
# Needs root for the system packages and for CRIU (CI runs as root).
set -euo pipefail
cd "$(dirname "$0")/.."

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
