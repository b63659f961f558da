/**
 * Runs every benchmark in bench/*.bench.ts (or those named on the command line) and prints each
 * figure beside its baseline. Misses are reported, not fatal: timing is not a test.
 *
 *   pnpm bench            # all
 *   pnpm bench codes totp # some
 *
 * Each suite runs in a process of its own: run one after another in one process, a suite's
 * code was shaped by the ones before it (V8's inline caches at the guard saw four stores' shapes
 * and the guard's cost per call read 0.34–0.41 µs, against 0.11–0.16 µs on its own).
 */
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL(".", import.meta.url));
const [first] = process.argv.slice(2);

if (first === "--suite") {
  // In the child: one suite; its misses are the exit code (at most 100).
  const file = process.argv[3] ?? "";
  const mod = (await import(new URL(file, import.meta.url).href)) as {
    run: () => Promise<number | undefined>;
  };
  process.exitCode = Math.min((await mod.run()) ?? 0, 100);
} else {
  const wanted = process.argv.slice(2);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".bench.ts"))
    .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
    .sort();
  let misses = 0;
  for (const file of files) {
    console.log(`\n== ${file.replace(/\.bench\.ts$/, "")}`);
    const child = spawn(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), "--suite", file],
      { stdio: "inherit" },
    );
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on("error", reject);
      child.on("exit", resolve);
    });
    if (code === null || code > 100) console.log(`MISS ${file}: the suite ended with ${code}`);
    misses += code === null || code > 100 ? 1 : code;
  }
  console.log(`\nbench: ${files.length} suites, ${misses} figures missed their target`);
}
