#!/usr/bin/env bash
# Packs every published package (packages/*, not private) into tarballs in one folder, for an
# install from a checkout with no registry holding @mfakit/*:
#
#   bash scripts/pack.sh [OUT_DIR]                 # default OUT_DIR: packs/ (git-ignored)
#   npm install OUT_DIR/mfakit-core-0.1.0.tgz OUT_DIR/mfakit-sqlite-0.1.0.tgz …
#
# The packages depend on each other only as peers (`@mfakit/core` is a peer of every adapter),
# with ranges such as `>=0.1.0 <1`: installing the core's tarball beside an adapter's satisfies
# the adapter, so nothing asks the registry for @mfakit/*. Third-party dependencies (zod,
# better-sqlite3, …) still come from the registry or the package manager's cache.
#
# MFAKIT_PACK_SKIP_BUILD=1 packs the dist/ folders as they are (after a `pnpm build`).
set -euo pipefail

# OUT_DIR is taken relative to where the script is called from; the default is the checkout's.
out="$(realpath -m "${1:-$(dirname "${BASH_SOURCE[0]}")/../packs}")"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$(npm prefix -g 2>/dev/null)/bin:$PATH"

if [ "${MFAKIT_PACK_SKIP_BUILD:-}" != 1 ]; then
  pnpm build >/dev/null
fi

rm -rf "$out"
mkdir -p "$out"
# Only the packages that would be published: a private one (a test harness) has no tarball.
for dir in packages/*/; do
  if [ "$(node -p "require('./${dir}package.json').private === true")" = true ]; then continue; fi
  # pnpm pack rewrites `workspace:` ranges to the packages' versions (`workspace:>=0.1.0 <1` → `>=0.1.0 <1`).
  (cd "$dir" && pnpm pack --pack-destination "$out" >/dev/null)
done

# Every tarball must stand alone: no `workspace:` range left, and each @mfakit/* it names is one
# of the tarballs made here, as a peer (a regular dependency would be fetched from the registry).
node - "$out" <<'EOF'
const { execFileSync } = require("node:child_process");
const { readdirSync } = require("node:fs");
const path = require("node:path");
const out = process.argv[2];
const manifests = readdirSync(out)
  .filter((f) => f.endsWith(".tgz"))
  .map((f) => ({
    file: f,
    pkg: JSON.parse(execFileSync("tar", ["-xOzf", path.join(out, f), "package/package.json"])),
  }));
const packed = new Map(manifests.map(({ pkg }) => [pkg.name, pkg.version]));
const problems = [];
for (const { file, pkg } of manifests) {
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
    for (const [name, range] of Object.entries(pkg[field] ?? {})) {
      if (String(range).startsWith("workspace:")) problems.push(`${file}: ${field}.${name} is ${range}`);
      if (!name.startsWith("@mfakit/")) continue;
      if (field !== "peerDependencies") problems.push(`${file}: ${name} must be a peer, not in ${field}`);
      if (!packed.has(name)) problems.push(`${file}: ${name} has no tarball here`);
    }
  }
}
if (problems.length > 0) {
  console.error(`scripts/pack.sh: tarballs that would need the registry:\n- ${problems.join("\n- ")}`);
  process.exit(1);
}
for (const { file } of manifests) console.log(path.join(out, file));
EOF
