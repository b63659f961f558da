/**
 * Where mfakit's time goes in each operation of the peer comparison: runs one operation many
 * times on mfakit's side (WAL, synchronous NORMAL, the setting of the per-operation
 * goals) under V8's sampling CPU profiler, and prints the self time of the top functions and
 * of each area (the core's modules by folder, the SQLite store, zod, libphonenumber, the
 * hashes, node's crypto, V8's garbage collector), as a share of the timed actions.
 *
 *   node --conditions=source --import tsx bench/peer/profile.ts              # every operation
 *   node --conditions=source --import tsx bench/peer/profile.ts totpSignIn   # one
 *   PROFILE_RUNS=2000 PROFILE_OUT=/tmp/p node ... bench/peer/profile.ts      # .cpuprofile files too
 *
 * Only the timed action is sampled: each user is prepared first (untimed), then the profiler
 * starts and the prepared actions run one after the other.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mfakitSide } from "./mfakit-side.ts";
import { OPERATIONS, type OperationName } from "./side.ts";

const RUNS: Record<OperationName, number> = {
  totpEnrolment: 300,
  smsSendVerify: 600,
  totpSignIn: 1500,
  backupCode: 1500,
  enrolment: 150,
};
const TOP = Number(process.env.PROFILE_TOP ?? 18);

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** The area a function belongs to, by where its code lives. */
function areaOf(url: string, name: string): string {
  if (name === "(garbage collector)") return "V8 garbage collector";
  if (name === "(program)" || name === "(idle)") return "V8 / idle";
  const core = url.match(/packages\/core\/src\/([^/]+)/);
  if (core) return `core ${core[1]?.replace(/\.ts$/, "")}`;
  // The built packages (dist) are bundled: core's folders are not told apart there.
  const pkg = url.match(/packages\/([^/]+)\/(?:src|dist)/);
  if (pkg) return `@mfakit/${pkg[1]}`;
  const dep = url.match(/node_modules\/(?:\.pnpm\/)?((?:@[^/+]+[/+])?[^/@]+)/);
  if (dep) return dep[1]?.replace("+", "/") ?? "dependency";
  if (url.includes("/bench/")) return "bench driver";
  if (url.startsWith("node:")) return `node ${url.slice(5).split("/")[0]}`;
  if (url === "") return name.startsWith("(") ? name : "native / builtin";
  return url;
}

/** Self time per function and per area, and inclusive time per function, in µs. */
function summarise(profile: Profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const nameOf = (frame: ProfileNode["callFrame"]) =>
    `${frame.functionName || "(anonymous)"} ${frame.url.replace(/^.*\/(packages|node_modules|bench)\//, "$1/")}:${frame.lineNumber + 1}`;
  const functions = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const areas = new Map<string, number>();
  let total = 0;
  for (const [i, id] of profile.samples.entries()) {
    const us = profile.timeDeltas[i] ?? 0;
    const stack: ProfileNode["callFrame"][] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame) stack.push(frame);
    }
    // The profiler's own stop (its dispatch) is not the operation's time.
    if (stack.some((f) => f.url === "node:inspector")) continue;
    const frame = stack[0];
    if (!frame) continue;
    total += us;
    const name = nameOf(frame);
    functions.set(name, (functions.get(name) ?? 0) + us);
    const area = areaOf(frame.url, frame.functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
    // Inclusive: each function once per sample, however deep it recurs.
    for (const f of new Set(stack.filter((f) => f.url.includes("/packages/")).map(nameOf))) {
      inclusive.set(f, (inclusive.get(f) ?? 0) + us);
    }
  }
  const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, TOP);
  return { total, functions: top(functions), areas: top(areas), inclusive: top(inclusive) };
}

const wanted = process.argv
  .slice(2)
  .filter((a): a is OperationName => (OPERATIONS as readonly string[]).includes(a));
const dir = mkdtempSync(join(tmpdir(), "mfakit-bench-profile-"));
const session = new Session();
session.connect();
await session.post("Profiler.enable");
// 100 µs between samples: the actions are 0.1–5 ms, so each is sampled several times.
await session.post("Profiler.setSamplingInterval", { interval: 100 });
try {
  for (const op of wanted.length > 0 ? wanted : OPERATIONS) {
    const side = mfakitSide(join(dir, `${op}.db`), { journalMode: "WAL", synchronous: "NORMAL" });
    const prepare = side.operations[op];
    if (!prepare) continue;
    const runs = Number(process.env.PROFILE_RUNS ?? RUNS[op]);
    // The seed enrolment's preparation is only a new user, whose session must still be recent
    // when its turn comes: it is made inside the action (and sampled, at next to no cost).
    const inline = op === "enrolment";
    const actions: (() => Promise<void>)[] = [];
    for (let i = 0; i < runs; i++) {
      actions.push(inline ? async () => (await prepare())() : await prepare());
    }
    // A warm-up: the first calls compile; the profile is of the steady state.
    for (const act of actions.splice(0, Math.ceil(runs / 10))) await act();
    await session.post("Profiler.start");
    const t0 = process.hrtime.bigint();
    for (const act of actions) await act();
    const took = Number(process.hrtime.bigint() - t0) / 1000;
    const { profile } = (await session.post("Profiler.stop")) as unknown as { profile: Profile };
    await side.close();
    if (process.env.PROFILE_OUT) {
      writeFileSync(join(process.env.PROFILE_OUT, `${op}.cpuprofile`), JSON.stringify(profile));
    }
    const { total, functions, areas, inclusive } = summarise(profile);
    const per = (us: number) => `${((us / actions.length) * (took / total)).toFixed(1)} µs`;
    const share = (us: number) => `${((us / total) * 100).toFixed(1)}%`.padStart(6);
    console.log(
      `\n== ${op}: ${actions.length} actions, ${(took / actions.length / 1000).toFixed(3)} ms each`,
    );
    console.log("-- self time by area");
    for (const [area, us] of areas) console.log(`${share(us)}  ${per(us).padStart(9)}  ${area}`);
    console.log("-- self time by function");
    for (const [name, us] of functions)
      console.log(`${share(us)}  ${per(us).padStart(9)}  ${name}`);
    console.log("-- inclusive time of mfakit's own functions (callees included)");
    for (const [name, us] of inclusive)
      console.log(`${share(us)}  ${per(us).padStart(9)}  ${name}`);
  }
} finally {
  session.disconnect();
  rmSync(dir, { recursive: true, force: true });
}
