/**
 * Run by the peer benchmark in a process of its own: enrols `users` users on one side
 * (`mfakit`: the seed enrolment; `peer`: sign-up and its TOTP enrolment) on a new SQLite file
 * (WAL, synchronous NORMAL), collects garbage, and prints the resident set size in bytes.
 *
 *   node --expose-gc --conditions=source --import tsx bench/peer/rss-child.ts mfakit 1000
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mfakitSide } from "./mfakit-side.ts";
import { peerSide } from "./peer-side.ts";

const [which, count] = process.argv.slice(2);
const users = Number(count);
const dir = mkdtempSync(join(tmpdir(), "mfakit-bench-rss-"));
try {
  const settings = { journalMode: "WAL", synchronous: "NORMAL" } as const;
  const path = join(dir, "rss.db");
  const side = which === "peer" ? await peerSide(path, settings) : mfakitSide(path, settings);
  const enrol = side.operations.enrolment;
  if (!enrol) throw new Error(`${which} has no enrolment`);
  for (let i = 0; i < users; i++) await (await enrol())();
  (globalThis as { gc?: () => void }).gc?.();
  console.log(JSON.stringify({ rss: process.memoryUsage().rss }));
  await side.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
