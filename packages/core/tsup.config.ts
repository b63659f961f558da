import { readFileSync } from "node:fs";
import { defineConfig } from "tsup";

/**
 * One build entry per `exports` subpath, read from package.json's `source` conditions, so the
 * published entry points and the built files cannot drift apart.
 */
const exportsMap: Record<string, { source?: string } | string> = JSON.parse(
  readFileSync(new URL("./package.json", import.meta.url), "utf8"),
).exports;
const entry = Object.fromEntries(
  Object.entries(exportsMap).flatMap(([subpath, target]) =>
    typeof target === "object" && target.source
      ? [[subpath === "." ? "index" : subpath.slice(2), target.source]]
      : [],
  ),
);

export default defineConfig({
  entry,
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
  // Entry points share chunks in both formats, so there is one `MfaError` class per format however
  // a program reaches it. Without this, each CJS entry would carry its own copy. (Across the two
  // formats `isMfaError` still holds: it checks a `Symbol.for` brand, not the class.)
  splitting: true,
  // ESM-only dependencies are bundled into the CJS build for CommonJS consumers on older Node.
  noExternal: ["@noble/hashes"],
});
