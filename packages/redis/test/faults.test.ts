/**
 * Faults on a Redis of this file's own (never the shared one): a restart in the middle of a
 * workload, and a connection killed in the middle of compare-and-sets and increments. Then
 * deadlines: a paused server (SIGSTOP) and a killed one (SIGKILL): every call ends within
 * `timeoutMs`, and a write the caller was told failed never happens later.
 */

import { createKeyring, isMfaError, type MfaError, type Store } from "@mfakit/core";
import type { GuardedStore } from "@mfakit/core/adapter";
import { createCodeService } from "@mfakit/core/codes";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
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

describe("Redis restarts and crashes mid-run", () => {
  let server: RedisServer;
  let client: Redis;
  let admin: Redis;
  beforeAll(async () => {
    // AOF with fsync on every write: an acknowledged write must survive a restart or a crash.
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

  it("REL-01/REL-05: a killed server (SIGKILL): calls fail within timeoutMs while it is dead; after recovery nothing acknowledged is lost and nothing is taken twice", async () => {
    const TIMEOUT = 800;
    const store = redisStore({ client, timeoutMs: TIMEOUT });
    const codes = Array.from({ length: 400 }, (_, i) => `mfa:{kill}:code:${i}`);
    for (const key of codes) await store.put(key, key);
    const taken = new Map<string, number>();
    const puts = new Map<string, boolean>();
    const increments: Array<number | null> = [];
    const untyped: unknown[] = [];
    let slowest = 0;
    let stop = false;
    let next = 0;
    const attempt = async <T>(p: Promise<T>): Promise<T | null> => {
      const started = performance.now();
      try {
        return await p;
      } catch (error) {
        if (!isMfaError(error, "store_unavailable")) untyped.push(error);
        await sleep(20);
        return null;
      } finally {
        slowest = Math.max(slowest, performance.now() - started);
      }
    };
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const key = codes[next++ % codes.length] as string;
        const entry = await attempt(store.take(key));
        if (entry) taken.set(key, (taken.get(key) ?? 0) + 1);
        const item = `mfa:{kill}:item:${w}:${i}`;
        const put = await attempt(store.put(item, { w, i }, { expectVersion: null }));
        puts.set(item, put?.ok === true);
        increments.push(await attempt(store.increment("mfa:{kill}:count")));
      }
    };
    const workers = Array.from({ length: 8 }, (_, w) => worker(w));
    await sleep(300);
    await server.kill();
    await sleep(400);
    await server.start();
    await waitUntilBack(store);
    await sleep(100);
    stop = true;
    await Promise.all(workers);

    expect(untyped).toEqual([]);
    expect(slowest).toBeLessThan(TIMEOUT + 400);
    expect(increments.filter((v) => v === null).length).toBeGreaterThan(0); // the crash was felt
    // Acknowledged puts survived; an acknowledged take stays taken; no code was taken twice.
    for (const [item, acknowledged] of puts) {
      if (acknowledged) expect(parseRaw(await admin.get(item))?.version).toBe(1);
    }
    for (const [key, times] of taken) {
      expect(times).toBe(1);
      expect(await admin.get(key)).toBeNull();
    }
    // Retrying every code now: each one is taken at most once in all.
    for (const key of codes) {
      if (await store.take(key)) taken.set(key, (taken.get(key) ?? 0) + 1);
    }
    expect([...taken.values()].every((t) => t === 1)).toBe(true);
    const acknowledged = increments.filter((v): v is number => v !== null);
    const count = (parseRaw(await admin.get("mfa:{kill}:count"))?.value as number) ?? 0;
    expect(new Set(acknowledged).size).toBe(acknowledged.length);
    expect(count).toBeGreaterThanOrEqual(Math.max(...acknowledged));
    expect(count).toBeLessThanOrEqual(increments.length);
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

/** A call's outcome and how long it took (`performance.now()` ms). */
const timed = async <T>(p: Promise<T>) => {
  const started = performance.now();
  const outcome = await settle(p);
  return {
    error: outcome.ok ? new Error("expected a rejection") : outcome.error,
    ms: performance.now() - started,
  };
};
/** `error` is the port's timeout: store_unavailable with data.code "deadline_exceeded". */
const expectDeadline = (error: unknown) => {
  expect(isMfaError(error, "store_unavailable")).toBe(true);
  expect((error as MfaError).data.code).toBe("deadline_exceeded");
  expect((error as MfaError).cause).toBeInstanceOf(Error);
};

describe("deadlines: a paused Redis (SIGSTOP) (REL-01, REL-05)", () => {
  const TIMEOUT = 600;
  // Generous for a busy 2-core machine; a call without a deadline would take the whole pause.
  const MARGIN = 400;
  let server: RedisServer;
  let client: Redis;
  let admin: Redis;
  let store: GuardedStore;
  beforeAll(async () => {
    server = await startRedisServer();
    client = connect(server.url, "paused");
    admin = connect(server.url, "admin");
    store = redisStore({ client, timeoutMs: TIMEOUT });
    await store.put("mfa:{warm}:x", 1); // the server's clock is read once
  });
  afterEach(() => server.resume()); // never leave it stopped, even when an assertion failed
  afterAll(async () => {
    client.disconnect();
    admin.disconnect();
    await server.destroy();
  });
  /** After SIGCONT: until the queued commands have run and the store answers again. */
  const afterResume = async () => {
    await waitUntilBack(store);
    await sleep(100);
  };

  /** A store that pauses the server just before the first call `when` picks, then makes it. */
  const pausingBefore = (when: (operation: string, key: string) => boolean): Store => {
    let armed = true;
    const gate = async (operation: string, key: string) => {
      if (armed && when(operation, key)) {
        armed = false;
        server.pause();
      }
    };
    return {
      id: store.id,
      get: (key) => gate("get", key).then(() => store.get(key)),
      put: (key, value, o) => gate("put", key).then(() => store.put(key, value, o)),
      take: (key) => gate("take", key).then(() => store.take(key)),
      increment: (key, o) => gate("increment", key).then(() => store.increment(key, o)),
      delete: (key) => gate("delete", key).then(() => store.delete(key)),
      list: (prefix, o) => gate("list", prefix).then(() => store.list(prefix, o)),
    };
  };

  it("REL-05: every call to a paused server throws store_unavailable within timeoutMs, and none of the writes happens when it resumes", async () => {
    const k = (name: string) => `mfa:{paused}:${name}`;
    await store.put(k("cas"), "old");
    await store.put(k("any"), "old");
    await store.put(k("code"), { h: "digest" });
    await store.put(k("del"), "here");
    await store.increment(k("count"));
    await store.increment(k("batched"));
    const names = ["cas", "any", "code", "del", "count", "batched", "fresh", "absent", "also"];
    const before = await admin.mget(names.map(k));
    // A client connected only now: its connection waits in the paused server's backlog and
    // its commands in ioredis's offline queue.
    const cold = connect(server.url, "cold");
    const coldStore = redisStore({ client: cold, timeoutMs: TIMEOUT });

    server.pause();
    const calls = await Promise.all([
      timed(store.put(k("cas"), "new", { expectVersion: 1 })),
      timed(store.put(k("any"), "new")),
      timed(store.take(k("code"))),
      timed(store.increment(k("count"))),
      timed(store.incrementMany([{ key: k("batched") }, { key: k("fresh") }])),
      timed(
        store.putAndCount(
          { key: k("absent"), value: "new" },
          [{ key: k("batched") }],
          [{ key: k("also"), value: "new" }],
        ),
      ),
      timed(store.delete(k("del"))),
      timed(store.put(k("absent"), "new", { expectVersion: null })),
      timed(store.get(k("cas"))),
      timed(store.list("mfa:{paused}:")),
      timed(coldStore.get(k("cas"))),
      timed(coldStore.put(k("any"), "cold")),
    ]);
    await sleep(200); // well past every deadline
    server.resume();
    await afterResume();

    for (const { error, ms } of calls) {
      expectDeadline(error);
      expect(ms).toBeGreaterThanOrEqual(TIMEOUT - 20);
      expect(ms).toBeLessThan(TIMEOUT + MARGIN);
    }
    // The writes above sat in the socket and ran on resuming: each script checked its deadline
    // first, so none changed anything.
    expect(await admin.mget(names.map(k))).toEqual(before);
    // And the retries succeed, once.
    expect(await store.put(k("cas"), "new", { expectVersion: 1 })).toEqual({
      ok: true,
      version: 2,
    });
    expect(await store.take(k("code"))).toEqual({ value: { h: "digest" }, version: 1 });
    expect(await store.take(k("code"))).toBeNull();
    expect(await store.increment(k("count"))).toBe(2);
    expect(await coldStore.get(k("any"))).toEqual({ value: "old", version: 1 });
    cold.disconnect();
  });

  describe("a one-time code checked while Redis is paused (createCodeService)", () => {
    const keyring = createKeyring({ current: "k1", keys: { k1: new Uint8Array(32).fill(9) } });
    const signin = {
      userId: "alice@contoso.example",
      purpose: "signin:sms",
      destination: "+447400123456",
    };
    const service = (pausedAt?: (operation: string, key: string) => boolean) =>
      createCodeService({ store: pausedAt ? pausingBefore(pausedAt) : store, keyring });

    it("REL-01/REL-05: paused before the consume: the check times out, the late consume is a no-op, the retry verifies exactly once", async () => {
      const issued = await service().issue(signin);
      const check = { ...signin, challengeId: issued.challengeId, code: issued.code };
      const paused = service((op, key) => op === "put" && key.includes(":code:"));
      const { error, ms } = await timed(paused.verify(check));
      expectDeadline(error);
      expect(ms).toBeLessThan(TIMEOUT + MARGIN);
      await sleep(200);
      server.resume();
      await afterResume();
      const retry = service();
      expect(await retry.verify(check)).toEqual({ ok: true, challengeId: issued.challengeId });
      expect(await retry.verify(check)).toEqual({ ok: false, reason: "not_found" });
    });

    it("REL-05: paused before the attempt is counted: the late increment is a no-op, no attempt is lost", async () => {
      const codes = service();
      const issued = await codes.issue(signin);
      const ref = { userId: signin.userId, challengeId: issued.challengeId };
      const paused = service((op, key) => op === "increment" && key.includes(":code-attempts:"));
      expectDeadline((await timed(paused.verify({ ...signin, ...ref, code: issued.code }))).error);
      await sleep(200);
      server.resume();
      await afterResume();
      expect((await codes.status(ref))?.attemptsLeft).toBe(codes.options.maxAttempts);
      expect(await codes.verify({ ...signin, ...ref, code: issued.code })).toEqual({
        ok: true,
        challengeId: issued.challengeId,
      });
    });
  });
});
