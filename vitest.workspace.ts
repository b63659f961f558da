// Vitest >= 4 no longer reads this file by itself; vitest.config.ts imports it.
// It is the list of the monorepo's test projects (same shape as `test.projects`).
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** Every package under packages/, by folder name. */
const packages = readdirSync(here("./packages"), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

/** Workspace packages resolve to their TypeScript sources in tests: no build needed. */
export const alias = Object.fromEntries(
  packages.map((name) => [`@mfakit/${name}`, here(`./packages/${name}/src/index.ts`)]),
);

const project = (name: string) =>
  defineProject({
    resolve: { alias },
    test: {
      name,
      root: `./packages/${name}`,
      include: ["test/**/*.test.ts"],
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  });

/** The web example's browser tests (Chromium; generous timeouts). */
const exampleWeb = defineProject({
  resolve: { alias },
  test: {
    name: "example-web",
    root: "./examples/web",
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

export default [...packages.map(project), exampleWeb];
