/**
 * The store on a real Redis Cluster (three masters of this file's own on loopback): the
 * conformance kit runs unchanged, and the keys of one user land on one node.
 */

import { isMfaError, userKey, userPrefix } from "@mfakit/core/adapter";
import { testStore } from "@mfakit/testing";
import { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisClientOptions, redisStore } from "../src/index.js";
import { incrementScript, putAndCountScript, putScript } from "../src/lua-scripts.js";
import { keySlot } from "./support/key-slot.js";
import { sleep, startRedisCluster } from "./support/redis-server.js";
import { countScriptRuns } from "./support/script-runs.js";

let cluster: Awaited<ReturnType<typeof startRedisCluster>>;
const clients: Cluster[] = [];
const connectCluster = () => {
  const port = cluster.nodes[0]?.port ?? 0;
  const client = new Cluster([{ host: "127.0.0.1", port }], { redisOptions: redisClientOptions });
  client.on("error", () => undefined);
  clients.push(client);
  return client;
};

beforeAll(async () => {
  cluster = await startRedisCluster(3);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
  await cluster.destroy();
});

testStore({
  name: "redis cluster",
  create: () => redisStore({ client: connectCluster(), keyPrefix: "kit:" }),
  advance: (ms) => sleep(ms),
  ttlUnitMs: 200,
  // The kit's batches share one hash tag, so one script: all or nothing even on a Cluster.
  batchAllOrNothing: true,
  putAndCountAllOrNothing: true,
});

describe("redisStore on a cluster", () => {
  it("incrementMany over many slots: one script per slot, the counts in the items' order; a refusal leaves its own slot untouched", async () => {
    const client = connectCluster();
    const store = redisStore({ client });
    const users = Array.from({ length: 6 }, (_, i) => `batch${i}@example.com`);
    // Two counters per user, interleaved: each slot's pair is one script.
    const items = [...users, ...users].map((user, i) => ({
      key: userKey(user, i < users.length ? "a" : "b"),
      by: i + 1,
    }));
    expect(await store.incrementMany(items)).toEqual(items.map((item) => item.by));
    const sent = countScriptRuns(client, incrementScript);
    expect(await store.incrementMany(items)).toEqual(items.map((item) => 2 * item.by));
    const slots = new Set(users.map((user) => keySlot(userPrefix(user))));
    expect(slots.size).toBeGreaterThan(1);
    expect(sent.runs).toBe(slots.size);

    // users[0]'s "b" counter holds text: its slot's script refuses before writing anything.
    await store.put(userKey(users[0] as string, "b"), "text");
    const refused = await store.incrementMany(items).catch((e: unknown) => e);
    expect(isMfaError(refused, "store_invalid_operation")).toBe(true);
    expect((await store.get(userKey(users[0] as string, "a")))?.value).toBe(2);
    expect((await store.get(userKey(users[0] as string, "b")))?.value).toBe("text");
  });

  it("putAndCount with every key in one slot is one script; across slots the put's script first, then one per counters' slot", async () => {
    const client = connectCluster();
    const store = redisStore({ client });
    const user = "both@example.com";
    const others = Array.from({ length: 4 }, (_, i) => `both${i}@example.com`);
    const doc = userKey(user, "doc");
    const sent = [putAndCountScript, putScript, incrementScript].map((s) =>
      countScriptRuns(client, s),
    );
    // One slot: the user's own counters.
    const own = [{ key: userKey(user, "a") }, { key: userKey(user, "b") }];
    expect(await store.putAndCount({ key: doc, value: 1 }, own)).toEqual({
      put: { ok: true, version: 1 },
      counts: [1, 1],
    });
    expect(sent.map((s) => s.runs)).toEqual([1, 0, 0]);

    // Several slots: not one script; a lost compare-and-set runs the put's script alone.
    const spread = [...own, ...others.map((other) => ({ key: userKey(other, "n") }))];
    const slots = new Set(spread.map((item) => keySlot(item.key)));
    expect(slots.size).toBeGreaterThan(1);
    const lost = await store.putAndCount(
      { key: doc, value: 2, options: { expectVersion: 9 } },
      spread,
    );
    expect(lost).toEqual({ put: { ok: false, current: { value: 1, version: 1 } }, counts: null });
    expect(sent.map((s) => s.runs)).toEqual([1, 1, 0]);
    const won = await store.putAndCount(
      { key: doc, value: 2, options: { expectVersion: 1 } },
      spread,
    );
    expect(won).toEqual({ put: { ok: true, version: 2 }, counts: [2, 2, 1, 1, 1, 1] });
    expect(sent.map((s) => s.runs)).toEqual([1, 2, slots.size]);

    // Not atomic across slots, as documented: a refused counter leaves the put written.
    await store.put(userKey(others[0] as string, "n"), "text");
    const refused = await store
      .putAndCount({ key: doc, value: 3, options: { expectVersion: 2 } }, spread)
      .catch((e: unknown) => e);
    expect(isMfaError(refused, "store_invalid_operation")).toBe(true);
    expect(await store.get(doc)).toEqual({ value: 3, version: 3 });
  });

  it("putAndCount's extra puts: in the put's slot one script with it; in other slots their own scripts after the counters, none when the compare-and-set loses", async () => {
    const client = connectCluster();
    const store = redisStore({ client });
    const user = "extra@example.com";
    const doc = userKey(user, "doc");
    const sent = [putAndCountScript, putScript, incrementScript].map((s) =>
      countScriptRuns(client, s),
    );
    const own = { key: userKey(user, "index"), value: { to: user }, options: { ttlMs: 60_000 } };
    expect(await store.putAndCount({ key: doc, value: 1 }, [], [own])).toEqual({
      put: { ok: true, version: 1 },
      counts: [],
    });
    expect(sent.map((s) => s.runs)).toEqual([1, 0, 0]);
    expect((await store.get(own.key))?.value).toEqual({ to: user });
    expect(Number(await client.pttl(own.key))).toBeGreaterThan(0);

    // A message index is a key of no user: another slot than the user's document.
    const index = { key: "mfa:delivery:msg:0123", value: { to: user } };
    expect(keySlot(index.key)).not.toBe(keySlot(doc));
    const lost = await store.putAndCount(
      { key: doc, value: 2, options: { expectVersion: 9 } },
      [{ key: "mfa:stats:sent" }],
      [index],
    );
    expect(lost.counts).toBeNull();
    expect(await store.get(index.key)).toBeNull();
    expect(sent.map((s) => s.runs)).toEqual([1, 1, 0]);
    const won = await store.putAndCount(
      { key: doc, value: 2, options: { expectVersion: 1 } },
      [{ key: "mfa:stats:sent" }],
      [index],
    );
    expect(won).toEqual({ put: { ok: true, version: 2 }, counts: [1] });
    expect(sent.map((s) => s.runs)).toEqual([1, 3, 1]);
    expect(await store.get(index.key)).toEqual({ value: { to: user }, version: 1 });
  });

  it("keeps each user's keys in one slot, spreads users over the masters, lists across them", async () => {
    const client = connectCluster();
    const store = redisStore({ client, keyPrefix: "app:" });
    const users = Array.from({ length: 30 }, (_, i) => `user${i}@example.com`);
    for (const user of users) {
      await store.put(userKey(user, "factor", "f1"), { s: "active" });
      await store.increment(userKey(user, "attempts"), { ttlMs: 60_000 });
      await store.put(userKey(user, "code", "c1"), { h: "x" }, { expectVersion: null });
    }
    const keysPerNode = await Promise.all(
      client.nodes("master").map(async (node) => (await node.keys("app:*")).length),
    );
    expect(keysPerNode.filter((n) => n > 0)).toHaveLength(3);
    for (const user of users) {
      const slot = keySlot(`app:${userPrefix(user)}`);
      expect(Number(await client.cluster("KEYSLOT", `app:${userKey(user, "attempts")}`))).toBe(
        slot,
      );
      const page = await store.list(userPrefix(user));
      expect(page.items.map((i) => i.key)).toEqual([
        userKey(user, "attempts"),
        userKey(user, "code", "c1"),
        userKey(user, "factor", "f1"),
      ]);
      expect(await store.take(userKey(user, "code", "c1"))).not.toBeNull();
    }
  });
});
