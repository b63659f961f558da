/**
 * Races over real parallel connections: each "client" below is its own ioredis connection with
 * its own store instance, as separate app processes would be.
 */

import type { Store } from "@mfakit/core/adapter";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisStore } from "../src/index.js";
import { connect, sharedRedis } from "./support/redis-server.js";

const CLIENTS = 50;
let redis: Awaited<ReturnType<typeof sharedRedis>>;
let connections: Redis[] = [];
let stores: Store[] = [];
const unique = () => Math.random().toString(36).slice(2, 10);

beforeAll(async () => {
  redis = await sharedRedis();
  connections = Array.from({ length: CLIENTS }, (_, i) => connect(redis.url, `race-${i}`));
  await Promise.all(connections.map((c) => c.ping()));
  stores = connections.map((client) => redisStore({ client, keyPrefix: "race:" }));
});
afterAll(async () => {
  await Promise.all(connections.map((c) => c.quit()));
  await redis.close();
});

describe(`${CLIENTS} concurrent clients on one key`, () => {
  it("REL-01: take of one key from 50 connections: exactly one gets it", async () => {
    for (let round = 0; round < 5; round++) {
      const key = `mfa:{${unique()}}:code:ch`;
      await stores[0]?.put(key, { hash: "h" }, { ttlMs: 60_000 });
      const results = await Promise.all(stores.map((s) => s.take(key)));
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      expect(await stores[1]?.get(key)).toBeNull();
    }
  });

  it("REL-01: compare-and-set of one version from 50 connections: exactly one winner, its value kept", async () => {
    const key = `mfa:{${unique()}}:factor`;
    const first = await stores[0]?.put(key, { state: "pending" });
    if (!first?.ok) throw new Error("put failed");
    const results = await Promise.all(
      stores.map((s, i) =>
        s.put(key, { state: "active", by: i }, { expectVersion: first.version }),
      ),
    );
    const winners = results.flatMap((r, i) => (r.ok ? [i] : []));
    expect(winners).toHaveLength(1);
    const stored = await stores[2]?.get(key);
    expect(stored?.value).toEqual({ state: "active", by: winners[0] });
    for (const r of results) if (!r.ok) expect(r.current?.version).toBe(stored?.version);
  });

  it("REL-01: put-if-absent from 50 connections: exactly one creates", async () => {
    const key = `mfa:{${unique()}}:idem`;
    const results = await Promise.all(stores.map((s, i) => s.put(key, i, { expectVersion: null })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it("REL-02: 4 increments from each of 50 connections: 1..200, each once, one TTL", async () => {
    const key = `mfa:{${unique()}}:attempts`;
    const values = await Promise.all(
      stores.flatMap((s) => Array.from({ length: 4 }, () => s.increment(key, { ttlMs: 60_000 }))),
    );
    expect([...values].sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect((await stores[3]?.get(key))?.value).toBe(200);
  });
});

describe("two independent store instances over one Redis driving the same keys", () => {
  it("REL-02: read-modify-write loops with compare-and-set lose no update", async () => {
    const [a, b] = [stores[10], stores[11]] as [Store, Store];
    const key = `mfa:{${unique()}}:profile`;
    await a.put(key, { n: 0, log: [] });
    // Each writer adds 40 entries, retrying on conflict as the core does.
    const writer = async (store: Store, name: string) => {
      for (let i = 0; i < 40; i++) {
        for (;;) {
          const cur = await store.get<{ n: number; log: string[] }>(key);
          if (!cur) throw new Error("vanished");
          const next = { n: cur.value.n + 1, log: [...cur.value.log, `${name}${i}`] };
          if ((await store.put(key, next, { expectVersion: cur.version })).ok) break;
        }
      }
    };
    await Promise.all([writer(a, "a"), writer(b, "b"), writer(a, "c"), writer(b, "d")]);
    const final = await b.get<{ n: number; log: string[] }>(key);
    expect(final?.value.n).toBe(160);
    expect(new Set(final?.value.log).size).toBe(160);
  });

  it("REL-01: 100 one-time values taken by both at once: each taken exactly once", async () => {
    const [a, b] = [stores[20], stores[21]] as [Store, Store];
    const user = unique();
    const keys = Array.from({ length: 100 }, (_, i) => `mfa:{${user}}:code:${i}`);
    await Promise.all(keys.map((k, i) => a.put(k, i, { ttlMs: 60_000 })));
    const [fromA, fromB] = await Promise.all([
      Promise.all(keys.map((k) => a.take(k))),
      Promise.all(keys.map((k) => b.take(k))),
    ]);
    const taken = keys.map((_, i) => [fromA[i], fromB[i]].filter((r) => r !== null));
    expect(taken.every((t) => t.length === 1)).toBe(true);
    expect((await a.list(`mfa:{${user}}:`)).items).toEqual([]);
  });
});
