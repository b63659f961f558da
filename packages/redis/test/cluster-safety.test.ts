/**
 * Cluster safety without a cluster: every command the store sends is recorded with MONITOR,
 * and each one's keys must hash to a single slot, the one of the user's `{id}` tag, with a key
 * prefix in front.
 */

import { userKey, userPrefix } from "@mfakit/core/adapter";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisStore } from "../src/index.js";
import { crc16, keySlot } from "./support/key-slot.js";
import { connect, sharedRedis, sleep } from "./support/redis-server.js";

let redis: Awaited<ReturnType<typeof sharedRedis>>;
let client: Redis;
let admin: Redis;
beforeAll(async () => {
  redis = await sharedRedis();
  client = connect(redis.url, "slots");
  admin = connect(redis.url, "monitor");
});
afterAll(async () => {
  client.disconnect();
  admin.disconnect();
  await redis.close();
});

describe("the slot function of this test", () => {
  it("matches the Redis Cluster specification's vectors", () => {
    expect(crc16(new TextEncoder().encode("123456789"))).toBe(0x31c3);
    expect(keySlot("foo")).toBe(12182);
    expect(keySlot("foo{hash_tag}")).toBe(keySlot("hash_tag"));
    expect(keySlot("{user1000}.following")).toBe(keySlot("{user1000}.followers"));
    // An empty tag means the whole key is hashed; the tag ends at the first "}".
    const whole = (s: string) => crc16(new TextEncoder().encode(s)) % 16384;
    expect(keySlot("foo{}{bar}")).toBe(whole("foo{}{bar}"));
    expect(keySlot("foo{{bar}}zap")).toBe(whole("{bar"));
    expect(keySlot("foo{bar}{zap}")).toBe(whole("bar"));
  });
});

describe("cluster safety (one user, one slot)", () => {
  it("every command's keys, scripts included, hash to the user's slot behind a key prefix", async () => {
    const keyPrefix = `slots${Math.random().toString(36).slice(2, 8)}:`;
    const store = redisStore({ client, keyPrefix });
    const users = ["alice@example.com", "bob}:{x", "ünï 😀"];

    const seen: string[][] = [];
    const monitor = await admin.monitor();
    monitor.on("monitor", (_time: string, args: string[]) => {
      if (args.some((a) => a.startsWith(keyPrefix))) seen.push(args);
    });
    await sleep(50);

    for (const user of users) {
      const k = (...parts: string[]) => userKey(user, ...parts);
      const put = await store.put(k("code", "ch1"), { h: "x" }, { ttlMs: 60_000 });
      if (!put.ok) throw new Error("put failed");
      await store.put(k("code", "ch1"), { h: "y" }, { expectVersion: put.version });
      await store.put(k("factor", "f1"), { s: "p" }, { expectVersion: null });
      await store.increment(k("attempts", "ch1"), { ttlMs: 60_000 });
      await store.get(k("factor", "f1"));
      await store.list(userPrefix(user));
      await store.take(k("code", "ch1"));
      await store.delete(k("factor", "f1"));
    }
    await sleep(100);
    monitor.disconnect();

    // Redis's own answer to "which arguments are keys" (COMMAND GETKEYS), for every recorded
    // command, including those the scripts ran (MONITOR shows them too).
    const keysOf = new Map<string[], string[]>();
    for (const args of seen) {
      const keys = (await admin.call("COMMAND", "GETKEYS", ...args).catch(() => [])) as string[];
      keysOf.set(args, keys);
    }
    const scripts = seen.filter((a) => /^eval/i.test(a[0] ?? ""));
    expect(scripts.length).toBeGreaterThanOrEqual(4 * users.length);
    for (const args of scripts) expect(args[2]).toBe("1");

    for (const user of users) {
      const slot = keySlot(userPrefix(user));
      const mine = seen.filter((args) =>
        (keysOf.get(args) ?? []).some((key) => key.includes(userPrefix(user))),
      );
      expect(mine.length).toBeGreaterThanOrEqual(8);
      for (const args of mine) {
        const keys = keysOf.get(args) ?? [];
        expect(keys.every((key) => key.startsWith(keyPrefix))).toBe(true);
        expect(new Set(keys.map(keySlot))).toEqual(new Set([slot]));
      }
    }
  });
});
