import { inspect } from "node:util";
import { isMfaError, MfaError, type Store } from "@mfakit/core";
import { guardStore } from "@mfakit/core/adapter";
import { testStore } from "@mfakit/testing";
import { Redis, type RedisOptions } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisClientOptions, redisStore } from "../src/index.js";
import { incrementScript, putAndCountScript, putScript } from "../src/lua-scripts.js";
import { connect, sharedRedis, sleep } from "./support/redis-server.js";
import { countScriptRuns } from "./support/script-runs.js";

let redis: Awaited<ReturnType<typeof sharedRedis>>;
const clients: Redis[] = [];
const client = (name?: string) => {
  const c = connect(redis.url, name);
  clients.push(c);
  return c;
};

beforeAll(async () => {
  redis = await sharedRedis();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
  await redis.close();
});

// TTLs run on Redis's own clock, so moving time means really waiting: 200 ms units keep the
// three TTL cases near two seconds while staying far above Redis's 1 ms expiry resolution.
testStore({
  name: "redis",
  create: () => redisStore({ client: client("kit"), keyPrefix: "kit:" }),
  advance: (ms) => sleep(ms),
  ttlUnitMs: 200,
  batchAllOrNothing: true,
  putAndCountAllOrNothing: true,
});

describe("redisStore: incrementMany", () => {
  it("is one EVALSHA for all its counters on a single server, whatever their hash tags", async () => {
    const c = client("batch");
    const store = redisStore({ client: c });
    const p = unique();
    const keys = Array.from({ length: 7 }, (_, i) => `mfa:{${p}${i}}:window`);
    await store.incrementMany(keys.map((key) => ({ key })));
    const sent = countScriptRuns(c, incrementScript);
    expect(await store.incrementMany(keys.map((key) => ({ key, by: 2 })))).toEqual(
      Array(7).fill(3),
    );
    expect(sent.runs).toBe(1);
  });
});

describe("redisStore: putAndCount", () => {
  it("is one EVALSHA for the put and its counters on a single server, whatever their hash tags", async () => {
    const c = client("both");
    const store = redisStore({ client: c, keyPrefix: "both:" });
    const p = unique();
    const keys = Array.from({ length: 7 }, (_, i) => `mfa:{${p}${i}}:window`);
    const doc = `mfa:{${p}}:doc`;
    await store.put(`mfa:{${p}}:warm`, 1); // the server's clock read
    const sent = [putAndCountScript, putScript, incrementScript].map((s) => countScriptRuns(c, s));
    const won = await store.putAndCount(
      { key: doc, value: "v1", options: { expectVersion: null } },
      keys.map((key) => ({ key, ttlMs: 60_000 })),
    );
    expect(won).toEqual({ put: { ok: true, version: 1 }, counts: Array(7).fill(1) });
    const lost = await store.putAndCount(
      { key: doc, value: "v2", options: { expectVersion: null } },
      keys.map((key) => ({ key })),
    );
    expect(lost).toEqual({
      put: { ok: false, current: { value: "v1", version: 1 } },
      counts: null,
    });
    expect(sent.map((s) => s.runs)).toEqual([2, 0, 0]);
    expect(await c.pttl(`both:${keys[0]}`)).toBeGreaterThan(0);
  });

  it("a counter holding text refuses the call: nothing written, not even the put", async () => {
    const store = redisStore({ client: client("both-refused") });
    const p = unique();
    await store.put(`mfa:{${p}}:text`, "12");
    const error = await errorOf(
      store.putAndCount({ key: `mfa:{${p}}:doc`, value: 1 }, [
        { key: `mfa:{${p}}:a` },
        { key: `mfa:{${p}}:text` },
      ]),
    );
    expect(isMfaError(error, "store_invalid_operation")).toBe(true);
    expect((error as { data: unknown }).data).toMatchObject({ operation: "putAndCount" });
    expect(await store.get(`mfa:{${p}}:doc`)).toBeNull();
    expect(await store.get(`mfa:{${p}}:a`)).toBeNull();
  });
});

const unique = () => Math.random().toString(36).slice(2, 10);
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe("redisStore: configuration", () => {
  const lazy = (options: RedisOptions) => {
    const c = new Redis({ lazyConnect: true, ...options });
    clients.push(c);
    return c;
  };

  it("refuses a client with ioredis defaults, naming every gap at once (REL-01)", () => {
    const error = (() => {
      try {
        redisStore({ client: lazy({}) });
      } catch (e) {
        return e;
      }
    })();
    expect(isMfaError(error, "config_invalid")).toBe(true);
    expect((error as MfaError).message).toMatch(/autoResendUnfulfilledCommands/);
    expect((error as MfaError).message).toMatch(/maxRetriesPerRequest/);
    expect((error as MfaError).data.problems).toBe(2);
  });

  it("refuses an ioredis keyPrefix and a keyPrefix with hash-tag braces", () => {
    expect(() => redisStore({ client: lazy({ ...redisClientOptions, keyPrefix: "x:" }) })).toThrow(
      /keyPrefix/,
    );
    const ok = lazy({ ...redisClientOptions });
    expect(() => redisStore({ client: ok, keyPrefix: "{app}:" })).toThrowError(MfaError);
    expect(() => redisStore({ client: ok, scanCount: 0 })).toThrowError(MfaError);
    expect(redisStore({ client: ok, keyPrefix: "app:" }).id).toBe("redis");
  });
});

describe("redisStore: key layout and encoding", () => {
  let store: Store;
  let raw: Redis;
  beforeAll(() => {
    raw = client("raw");
    store = redisStore({ client: client(), keyPrefix: "app1:" });
  });

  it("keeps an entry as one string `<version>:<json>` under keyPrefix, hash tag intact", async () => {
    const key = `mfa:{${unique()}}:code:ch_1`;
    const first = await store.put(key, { h: "x" }, { ttlMs: 60_000 });
    const second = await store.put(key, { h: "y" }, { ttlMs: 60_000 });
    expect(first).toEqual({ ok: true, version: 1 });
    expect(second).toEqual({ ok: true, version: 2 });
    expect(await raw.get(`app1:${key}`)).toBe('2:{"h":"y"}');
    expect(await raw.type(`app1:${key}`)).toBe("string");
    expect(await raw.get(key)).toBeNull();
    const pttl = await raw.pttl(`app1:${key}`);
    expect(pttl).toBeGreaterThan(59_000);
    expect(pttl).toBeLessThanOrEqual(60_000);
  });

  it("increment keeps the creating call's expiry: later calls neither extend nor remove it", async () => {
    const key = `mfa:{${unique()}}:rate`;
    await store.increment(key, { ttlMs: 60_000 });
    await sleep(50);
    await store.increment(key, { ttlMs: 120_000 });
    await store.increment(key);
    const pttl = await raw.pttl(`app1:${key}`);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThan(59_960);
    expect(await raw.get(`app1:${key}`)).toBe("3:3");
  });

  it("stores with different prefixes over one Redis do not see each other's keys", async () => {
    const other = redisStore({ client: client(), keyPrefix: "app2:" });
    const key = `mfa:{${unique()}}:x`;
    await store.put(key, "one");
    expect(await other.get(key)).toBeNull();
    expect((await other.list(key)).items).toEqual([]);
    expect((await store.list(key)).items.map((i) => i.key)).toEqual([key]);
  });
});

describe("redisStore: refusals", () => {
  let store: Store;
  let raw: Redis;
  beforeAll(() => {
    raw = client("raw");
    store = redisStore({ client: client(), keyPrefix: "ref:" });
  });

  // The refusals themselves are guardStore's, tested once in core; here only that this store
  // comes guarded and a refused call never reaches Redis.
  it("comes wrapped in guardStore: a malformed call is store_invalid_operation and sends nothing (REL-07)", async () => {
    const idle = new Redis(redis.url, { ...redisClientOptions, lazyConnect: true });
    clients.push(idle);
    const guarded = redisStore({ client: idle });
    expect(guardStore(guarded)).toBe(guarded);
    const refused = [
      guarded.increment(`{${unique()}}:n`, { by: 1.5 }),
      guarded.put(`{${unique()}}:t`, 1, { ttlMs: Number.NaN }),
      guarded.list("{x}:", { limit: 1001 }),
    ];
    for (const call of refused) {
      expect(isMfaError(await errorOf(call), "store_invalid_operation")).toBe(true);
    }
    // A lazy client connects on its first command: still waiting means none was sent.
    expect(idle.status).toBe("wait");
  });

  it("increment refuses a non-integer number, and a result beyond the safe integers", async () => {
    const key = `{${unique()}}:f`;
    await store.put(key, 1.5);
    expect(isMfaError(await errorOf(store.increment(key)), "store_invalid_operation")).toBe(true);
    expect((await store.get(key))?.value).toBe(1.5);
    const big = `{${unique()}}:big`;
    await store.put(big, Number.MAX_SAFE_INTEGER - 1);
    expect(await store.increment(big)).toBe(Number.MAX_SAFE_INTEGER);
    expect(isMfaError(await errorOf(store.increment(big)), "store_invalid_operation")).toBe(true);
    expect((await store.get(big))?.value).toBe(Number.MAX_SAFE_INTEGER);
    expect(await store.increment(big, { by: -Number.MAX_SAFE_INTEGER })).toBe(0);
  });

  it("a key holding a value this store did not write is store_invalid_operation, unchanged", async () => {
    const key = `{${unique()}}:foreign`;
    await raw.set(`ref:${key}`, "not an entry");
    const hash = `{${unique()}}:hash`;
    await raw.hset(`ref:${hash}`, "f", "v");
    for (const call of [
      () => store.get(key),
      () => store.put(key, 1, { expectVersion: 1 }),
      () => store.increment(key),
      () => store.get(hash),
      () => store.put(hash, 1),
      () => store.increment(hash),
    ]) {
      expect(isMfaError(await errorOf(call()), "store_invalid_operation")).toBe(true);
    }
    expect(await raw.get(`ref:${key}`)).toBe("not an entry");
    expect(await raw.hget(`ref:${hash}`, "f")).toBe("v");
  });

  it("errors carry no stored value: ioredis's command arguments are stripped (STORE-06)", async () => {
    const hash = `{${unique()}}:wrongtype`;
    await raw.hset(`ref:${hash}`, "f", "v");
    const secret = "sealed-seed-7f3a9c";
    const error = await errorOf(store.put(hash, { seed: secret }));
    expect(isMfaError(error, "store_invalid_operation")).toBe(true);
    expect(inspect(error, { depth: 10 })).not.toContain(secret);
    expect(JSON.stringify(error)).not.toContain(secret);
  });
});

describe("redisStore: scripts and listing", () => {
  let raw: Redis;
  beforeAll(() => {
    raw = client("raw");
  });

  it("runs again after the server forgot its scripts (NOSCRIPT falls back to EVAL)", async () => {
    const store = redisStore({ client: client() });
    const key = `{${unique()}}:flush`;
    await store.put(key, 1);
    await raw.script("FLUSH");
    expect(await store.put(key, 2, { expectVersion: 1 })).toEqual({ ok: true, version: 2 });
    await raw.script("FLUSH");
    expect(await store.increment(`${key}:n`)).toBe(1);
  });

  it("lists hundreds of keys over many SCAN rounds: ascending, every key once, no extra page", async () => {
    const store = redisStore({ client: client(), keyPrefix: "scan:", scanCount: 7 });
    const prefix = `{${unique()}}:item:`;
    const keys = Array.from({ length: 250 }, (_, i) => `${prefix}${String(i).padStart(3, "0")}`);
    await Promise.all(keys.map((k, i) => store.put(k, i)));
    await store.put(`${prefix}gone`, 0, { ttlMs: 1 });
    await sleep(5);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.list(prefix, { limit: 100, cursor });
      seen.push(...page.items.map((i) => i.key));
      cursor = page.cursor ?? undefined;
      pages++;
    } while (cursor);
    expect(seen).toEqual(keys);
    expect(pages).toBe(3);
  });

  it("treats every glob character of the prefix literally: * ? [ ] \\", async () => {
    const store = redisStore({ client: client() });
    const p = `{${unique()}}:`;
    const names = ["a*", "a?", "a[b]", "a\\", "ab", "a]"];
    await Promise.all(names.map((n, i) => store.put(`${p}${n}`, i)));
    for (const [i, n] of names.entries()) {
      const page = await store.list(`${p}${n}`);
      expect(page.items.map((item) => item.value)).toEqual([i]);
    }
  });
});
