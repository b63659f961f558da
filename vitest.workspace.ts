// Vitest >= 4 no longer reads this file by itself; vitest.config.ts imports it.
// It is the list of the monorepo's test projects (same shape as `test.projects`).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** Every package under packages/, by folder name. */
const packages = readdirSync(here("./packages"), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

/** A package's entry points (`.`, `./adapter`, …) and the source file of each (`source` condition). */
function sourceEntries(dir: string): Array<[subpath: string, file: string]> {
  const { exports } = JSON.parse(readFileSync(here(`./packages/${dir}/package.json`), "utf8"));
  return Object.entries(exports as Record<string, { source?: string } | string>).flatMap(
    ([subpath, target]) =>
      typeof target === "object" && target.source
        ? [[subpath.slice(1), here(`./packages/${dir}/${target.source}`)]]
        : [],
  );
}

/**
 * Workspace packages resolve to their TypeScript sources in tests: no build needed. Every entry
 * point in a package's `exports` with a `source` condition gets one alias, matched exactly (a
 * prefix match would send `@mfakit/core/adapter` to the root's file).
 */
export const alias = packages.flatMap((dir) =>
  sourceEntries(dir).map(([subpath, file]) => ({
    find: exactly(`@mfakit/${dir}${subpath}`),
    replacement: file,
  })),
);

/** A pattern matching `specifier` and nothing longer. */
function exactly(specifier: string): RegExp {
  return new RegExp(`^${specifier.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
}

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

/** The examples with tests (the web example's browser tests: Chromium; generous timeouts). */
const examples = readdirSync(here("./examples"), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(here(`./examples/${d.name}/test`)))
  .map((d) =>
    defineProject({
      resolve: { alias },
      test: {
        name: `example-${d.name}`,
        root: `./examples/${d.name}`,
        include: ["test/**/*.test.ts"],
        testTimeout: 60_000,
        hookTimeout: 60_000,
      },
    }),
  );

/**
 * The install from tarballs: npm and pnpm into fresh apps, strict tsc, ESM and CJS (minutes: it
 * builds and packs every package, and npm compiles better-sqlite3).
 */
const install = defineProject({
  test: {
    name: "install",
    root: "./test/install",
    include: ["**/*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 600_000,
  },
});

export default [...packages.map(project), ...examples, install];
