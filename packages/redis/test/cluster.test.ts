/**
 * The store on a real Redis Cluster (three masters of this file's own on loopback): the
 * conformance kit runs unchanged, and the keys of one user land on one node.
 */

import { userKey, userPrefix } from "@mfakit/core/adapter";
import { testStore } from "@mfakit/testing";
import { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisClientOptions, redisStore } from "../src/index.js";
import { keySlot } from "./support/key-slot.js";
import { sleep, startRedisCluster } from "./support/redis-server.js";

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
});

describe("redisStore on a cluster", () => {
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
