import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts"],
  // ESM only: vitest, which the kits register their tests with, refuses to be require()d, so a
  // CommonJS build could never load.
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
  external: ["vitest", "@mfakit/core"],
});
