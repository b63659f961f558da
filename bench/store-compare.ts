/**
 * Shared by the SQL store benchmarks (sqlite, postgres): a store call against the raw driver
 * doing the nearest single statement, and single-call latency at two data sizes.
 */
import type { Store } from "@mfakit/core";
import { userKey } from "@mfakit/core/adapter";
import { figure, type Measurement, measure, report } from "./harness.ts";

/** A store call and the raw statement it is compared with. */
export interface Case {
  readonly name: string;
  readonly subject: () => Promise<unknown>;
  readonly baseName: string;
  readonly baseline: () => unknown;
  /**
   * Run, untimed, before each round of either side: e.g. to put back the entries a consuming
   * operation used up, so that every call of both sides finds one (a side that ran dry would
   * be timed on misses).
   */
  readonly before?: () => unknown;
}

/** Seven counters in seven hash tags (as a send's rate-limit windows), cycling over 1000 sets. */
export function sendCounters(prefix: string, i: number, ttlMs?: number) {
  return Array.from({ length: 7 }, (_, j) => ({ key: `${prefix}:{w${j}}:${i % 1000}`, ttlMs }));
}

const faster = (a: Measurement | undefined, b: Measurement) =>
  a && a.opsPerSecond >= b.opsPerSecond ? a : b;

/**
 * Reports each case at each concurrency against `maxRatio`; resolves to the number of misses.
 * Subject and baseline alternate for three short rounds and the best of each is kept: other
 * processes on a small machine slow whichever side they happen to hit.
 */
export async function compareCases(
  label: string,
  cases: readonly Case[],
  options: {
    concurrencies: readonly number[];
    maxRatio: number;
    durationMs?: number;
    /** Rounds of each side. @default 3 */
    rounds?: number;
  },
): Promise<number> {
  let misses = 0;
  for (const concurrency of options.concurrencies) {
    for (const c of cases) {
      const opts = { durationMs: options.durationMs ?? 100, warmupMs: 30, concurrency };
      let s: Measurement | undefined;
      let b: Measurement | undefined;
      for (let round = 0; round < (options.rounds ?? 3); round++) {
        await c.before?.();
        s = faster(s, await measure(c.subject, opts));
        await c.before?.();
        b = faster(b, await measure(c.baseline, opts));
      }
      if (!s || !b) continue;
      const ok = report(
        `${label} ${c.name} vs ${c.baseName}, concurrency ${concurrency}`,
        { name: `store.${c.name.split(" ")[0]}`, m: s },
        { name: c.baseName, m: b },
        { maxRatio: options.maxRatio },
      );
      if (!ok) misses++;
    }
  }
  return misses;
}

/**
 * p50 and p99 in µs of `n` sequential calls of each of `ops` (after 200 untimed warm-up calls
 * each), taking turns call by call so that a slow moment of the machine hits all alike.
 */
export async function latenciesInTurn(
  n: number,
  ops: ReadonlyArray<(i: number) => unknown>,
): Promise<Array<{ p50: number; p99: number }>> {
  const times = ops.map((): number[] => []);
  for (let i = 0; i < n + 200; i++) {
    for (const [j, op] of ops.entries()) {
      const t0 = process.hrtime.bigint();
      await op(i);
      if (i >= 200) times[j]?.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
  }
  return times.map((list) => {
    list.sort((a, b) => a - b);
    const at = (q: number) => list[Math.min(list.length - 1, Math.floor(q * list.length))] ?? 0;
    return { p50: at(0.5), p99: at(0.99) };
  });
}

/** Reports p50 and p99 of one operation at a large size against a small one; resolves to misses. */
export function compareScale(
  label: string,
  small: { name: string; p50: number; p99: number },
  large: { name: string; p50: number; p99: number },
  maxRatio: number,
): number {
  let misses = 0;
  for (const q of ["p50", "p99"] as const) {
    const as = (us: number): Measurement => ({ opsPerSecond: 1e6 / us, meanMicros: us });
    const ok = report(
      `${label} ${q}`,
      { name: large.name, m: as(large[q]) },
      { name: small.name, m: as(small[q]) },
      { maxRatio },
    );
    if (!ok) misses++;
  }
  return misses;
}

/** `count` distinct random integers in [0, range), in random order (range ≥ count). */
export function distinctRandom(count: number, range: number): number[] {
  const seen = new Set<number>();
  while (seen.size < count) seen.add(Math.floor(Math.random() * range));
  return [...seen];
}

/**
 * Latency of get / put / take on a store holding 10 k users against one holding 1 M (each
 * filled with `mfa:{u<i>}:factor:f` for every user), measured call by call in turn so that load
 * from other processes hits both alike; resolves to the number of misses of `maxRatio`.
 */
export async function compareSizes(
  label: string,
  stores: readonly [{ store: Store; users: number }, { store: Store; users: number }],
  value: Record<string, number | string>,
  maxRatio = 1.2,
): Promise<number> {
  const key = (i: number) => userKey(`u${i}`, "factor", "f");
  const random = (n: number) => Math.floor(Math.random() * n);
  const takeIds = stores.map(({ users }) => distinctRandom(4200, users));
  const ops: Array<[string, (s: Store, users: number, i: number, j: number) => unknown]> = [
    ["get", (s, users) => s.get(key(random(users)))],
    [
      "put",
      (s, users) =>
        s.put(userKey(`u${random(users)}`, "challenge", "c"), value, { ttlMs: 600_000 }),
    ],
    ["take", (s, _users, i, j) => s.take(key(takeIds[j]?.[i] ?? 0))],
  ];
  let misses = 0;
  for (const [op, call] of ops) {
    // 4000 calls a side: p99 is then the 40th slowest, not the 15th, and one stall of the
    // shared machine moves it less.
    const [small, large] = await latenciesInTurn(
      4000,
      stores.map(
        ({ store, users }, j) =>
          (i: number) =>
            call(store, users, i, j),
      ),
    );
    if (!small || !large) continue;
    misses += compareScale(
      `${label} ${op} latency, 1 M vs 10 k users,`,
      { name: "10 k users", ...small },
      { name: "1 M users", ...large },
      maxRatio,
    );
  }
  return misses;
}

/**
 * Prints the raw driver's own latency of a primary-key read of a random user at the two sizes
 * (`reads[j](key)` on the store's own table of `users[j]` rows), measured as
 * {@link compareSizes} measures the store: where the store's get misses 1.2×, this shows
 * whether the B-tree (the database itself) or the store grows with the data.
 */
export async function rawSizesFloor(
  reads: readonly [(key: string) => unknown, (key: string) => unknown],
  users: readonly [number, number],
): Promise<void> {
  const key = (n: number) => userKey(`u${Math.floor(Math.random() * n)}`, "factor", "f");
  const [small, large] = await latenciesInTurn(
    4000,
    reads.map((read, j) => () => read(key(users[j] as number))),
  );
  if (!small || !large) return;
  const ratio = (q: "p50" | "p99") =>
    `${large[q].toFixed(1)} vs ${small[q].toFixed(1)} µs = ${(large[q] / small[q]).toFixed(2)}×`;
  figure(
    "raw driver's primary-key read, 1 M vs 10 k users (the floor)",
    `p50 ${ratio("p50")}, p99 ${ratio("p99")}`,
  );
}
