/**
 * Runs every benchmark in bench/*.bench.ts (or those named on the command line) and prints each
 * figure beside its baseline. Misses are reported, not fatal: timing is not a test.
 *
 *   pnpm bench            # all
 *   pnpm bench codes totp # some
 */
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL(".", import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

let misses = 0;
for (const file of files) {
  console.log(`\n== ${file.replace(/\.bench\.ts$/, "")}`);
  const mod = (await import(new URL(file, import.meta.url).href)) as {
    run: () => Promise<number | undefined>;
  };
  misses += (await mod.run()) ?? 0;
}
console.log(`\nbench: ${files.length} suites, ${misses} figures missed their target`);
