#!/usr/bin/env bash
# The README's main job: set up a fresh machine, build the SDK, run the terminal demo (the seed's
# enrolment on the embedded SQLite store), then start the web example (the seed's wizard) and
# print its URL and demo credentials. MFAKIT_DEMO_WEB=0 stops after the terminal demo.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/bootstrap.sh
export PATH="$(npm prefix -g 2>/dev/null)/bin:$PATH"
pnpm run build
node examples/demo.mjs
if [ "${MFAKIT_DEMO_WEB:-1}" != "0" ]; then
  echo
  echo "Starting the web example (Ctrl-C to stop)…"
  exec node --conditions=source --import tsx examples/web/src/main.ts
fi
