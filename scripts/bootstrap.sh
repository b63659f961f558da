#!/usr/bin/env bash
# Idempotent setup for a fresh machine (Debian 12, Node 20, root, npm registry + Debian apt only).
# Usage: bash scripts/bootstrap.sh [apt-package ...]   (extra Debian packages to ensure)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PNPM_VERSION=12.4.2

# 1. pnpm, exact pin. Not corepack: the registry here serves no npm signatures (see TOOLING.md).
export PATH="$(npm prefix -g 2>/dev/null)/bin:$PATH"
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  npm install -g --no-fund --no-audit "pnpm@$PNPM_VERSION"
  hash -r
fi
echo "[setup] pnpm $(pnpm --version) ready (${SECONDS}s)"

# 2. Debian packages that are missing (apt-get update only when something must be installed).
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "[setup] apt packages ready: ${*:-none requested} (${SECONDS}s)"

# 3. JS dependencies from the committed lockfile. node-gyp (better-sqlite3 has no reachable
# prebuilt binary) must use the local Node headers; pnpm >= 11 ignores `nodedir` in .npmrc.
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
pnpm install --frozen-lockfile ${PNPM_FILTER:+--filter "$PNPM_FILTER"}
echo "[setup] dependencies installed (${SECONDS}s)"
