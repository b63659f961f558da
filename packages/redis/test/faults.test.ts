/**
 * Faults on a Redis of this file's own (never the shared one): a restart in the middle of a
 * workload, and a connection killed in the middle of compare-and-sets and increments.
 */

import { isMfaError, type Store } from "@mfakit/core/adapter";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisStore } from "../src/index.js";
import { connect, type RedisServer, sleep, startRedisServer } from "./support/redis-server.js";

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };
const settle = <T>(p: Promise<T>): Promise<Outcome<T>> =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
const failures = <T>(outcomes: Outcome<T>[]) => outcomes.flatMap((o) => (o.ok ? [] : [o.error]));
const succeeded = <T>(outcomes: Outcome<T>[]) => outcomes.flatMap((o) => (o.ok ? [o.value] : []));

/** Waits until the store answers again (the client reconnects by itself). */
async function waitUntilBack(store: Store): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await settle(store.get("{probe}:x"))).ok) return;
    await sleep(50);
  }
  throw new Error("the store did not come back");
}

/** A stored raw value must be a whole entry: `<version>:<json>`. */
function parseRaw(raw: string | null): { version: number; value: unknown } | null {
  if (raw === null) return null;
  const match = /^(\d+):(.*)$/s.exec(raw);
  if (!match) throw new Error(`half-written value: ${raw.slice(0, 40)}`);
  return { version: Number(match[1]), value: JSON.parse(match[2] as string) };
}

describe("Redis restarts mid-run", () => {
  let server: RedisServer;
  let client: Redis;
  let admin: Redis;
  beforeAll(async () => {
    // AOF with fsync on every write: an acknowledged write must survive the restart.
    server = await startRedisServer(["--appendonly", "yes", "--appendfsync", "always"]);
    client = connect(server.url, "workload");
    admin = connect(server.url, "admin");
  });
  afterAll(async () => {
    client.disconnect();
    admin.disconnect();
    await server.destroy();
  });

  it("REL-04: calls fail with typed store_unavailable, nothing is half-written, work resumes", async () => {
    const store = redisStore({ client });
    const counter = "mfa:{restart}:attempts";
    const items = new Map<string, Outcome<unknown>>();
    const increments: Array<Outcome<number>> = [];
    let slowest = 0;
    let running = true;

    const worker = async (w: number) => {
      for (let i = 0; running; i++) {
        const key = `mfa:{restart}:item:${w}:${i}`;
        const t0 = Date.now();
        const [put, inc] = await Promise.all([
          settle(store.put(key, { w, i, pad: "x".repeat(2000) }, { expectVersion: null })),
          settle(store.increment(counter)),
        ]);
        slowest = Math.max(slowest, Date.now() - t0);
        items.set(key, put);
        increments.push(inc);
        if (!put.ok || !inc.ok) await sleep(20);
      }
    };
    const workers = Array.from({ length: 8 }, (_, w) => worker(w));
    await sleep(150);
    await server.stop();
    await sleep(400);
    await server.start();
    await waitUntilBack(store);
    await sleep(100);
    running = false;
    await Promise.all(workers);

    // Every failure is the port's typed error, and none waited long.
    const errors = [...failures(increments), ...failures([...items.values()])];
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(isMfaError(e, "store_unavailable")).toBe(true);
    expect(slowest).toBeLessThan(3000);

    // Acknowledged writes survived; failed ones are whole or absent; the counter is exact up to
    // the calls whose outcome is unknown.
    for (const [key, outcome] of items) {
      const entry = parseRaw(await admin.get(key));
      if (outcome.ok) expect(entry?.version).toBe(1);
      if (entry) expect(entry.value).toMatchObject({ pad: "x".repeat(2000) });
    }
    const count = parseRaw(await admin.get(counter))?.value as number;
    const acknowledged = succeeded(increments);
    expect(count).toBeGreaterThanOrEqual(Math.max(...acknowledged));
    expect(count).toBeLessThanOrEqual(acknowledged.length + failures(increments).length);
    expect(new Set(acknowledged).size).toBe(acknowledged.length);

    // And the same client works normally afterwards.
    const after = await store.increment(counter);
    expect(after).toBe(count + 1);
    expect(await store.put("mfa:{restart}:after", 1)).toEqual({ ok: true, version: 1 });
  });
});

describe("a connection killed in the middle of compare-and-sets", () => {
  let server: RedisServer;
  let victim: Redis;
  let admin: Redis;
  beforeAll(async () => {
    server = await startRedisServer();
    victim = connect(server.url, "victim");
    admin = connect(server.url, "admin");
    await victim.ping();
  });
  afterAll(async () => {
    victim.disconnect();
    admin.disconnect();
    await server.destroy();
  });

  it("REL-01: CLIENT KILL mid-CAS: typed errors, at most one winner, the key whole", async () => {
    const store = redisStore({ client: victim });
    const key = "mfa:{kill}:factor";
    const counter = "mfa:{kill}:count";
    const first = await store.put(key, { by: -1 });
    if (!first.ok) throw new Error("put failed");
    const id = await victim.client("ID");

    // 64 KiB values keep the connection busy long enough for the kill to land mid-stream.
    const pad = "x".repeat(64 * 1024);
    const cas = Array.from({ length: 200 }, (_, i) =>
      settle(store.put(key, { by: i, pad }, { expectVersion: first.version })),
    );
    const incs = Array.from({ length: 200 }, () => settle(store.increment(counter)));
    await admin.client("KILL", "ID", String(id));
    const [casOutcomes, incOutcomes] = await Promise.all([Promise.all(cas), Promise.all(incs)]);

    const errors = [...failures(casOutcomes), ...failures(incOutcomes)];
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(isMfaError(e, "store_unavailable")).toBe(true);

    const winners = casOutcomes.flatMap((o, i) => (o.ok && o.value.ok ? [i] : []));
    expect(winners.length).toBeLessThanOrEqual(1);
    const stored = parseRaw(await admin.get(key));
    if (winners.length === 1) {
      expect(stored).toEqual({ version: first.version + 1, value: { by: winners[0], pad } });
    } else if (stored?.version === first.version) {
      expect(stored.value).toEqual({ by: -1 });
    } else {
      // Written, but its reply was lost with the connection: a whole value of one caller.
      expect(stored?.version).toBe(first.version + 1);
      expect(stored?.value).toMatchObject({ pad });
    }

    const acknowledged = succeeded(incOutcomes);
    const count = (parseRaw(await admin.get(counter))?.value as number | undefined) ?? 0;
    expect(new Set(acknowledged).size).toBe(acknowledged.length);
    expect(count).toBeGreaterThanOrEqual(Math.max(0, ...acknowledged));
    expect(count).toBeLessThanOrEqual(200);

    await waitUntilBack(store);
    expect(await store.increment(counter)).toBe(count + 1);
  });
});
