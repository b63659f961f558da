import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
  // ESM-only dependencies are bundled into the CJS build for CommonJS consumers on older Node.
  noExternal: ["@noble/hashes"],
});
