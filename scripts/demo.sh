#!/usr/bin/env bash
# The README's main job: set up a fresh machine, build the SDK, run the demo.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/bootstrap.sh
export PATH="$(npm prefix -g 2>/dev/null)/bin:$PATH"
pnpm run build
node examples/demo.mjs "$@"
