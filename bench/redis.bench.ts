/**
 * The Redis Store against the raw driver doing the nearest single command, on one connection:
 * get vs GET, put vs SET, take vs GETDEL, increment vs INCR, delete vs DEL, list vs a bare
 * SCAN + MGET; at concurrency 1 and 16. The writes are scripts (each checks its deadline on the
 * server's clock first, see lua-scripts.ts), so each is also set against the raw driver calling
 * the same script by EVALSHA: a MISS against the native command that passes against its script
 * is the server's script call (physics), not the store's code. Then the latency of get / put / take with 10 k and with
 * 1 M stored users (the ratio should stay near 1: every operation is O(1) in Redis).
 *
 * Uses TEST_REDIS_URL (database 15, flushed before and after) or starts its own redis-server;
 * prints a note and skips when neither works.
 */
import { userKey } from "@mfakit/core/adapter";
import { redisClientOptions, redisStore } from "@mfakit/redis";
import {
  deleteScript,
  incrementScript,
  type LuaScript,
  putScript,
  takeScript,
} from "../packages/redis/src/lua-scripts.ts";
import { figure } from "./harness.ts";
import { type Case, compareCases, sendCounters } from "./store-compare.ts";
import { Redis, redisServer } from "./support/servers.ts";

const DB = 15;
const VALUE = { h: "k1.4f9a0c2e7b1d3a5c9e8f0a1b2c3d4e5f", t: 1767225600000, n: 0 };
const JSON_VALUE = JSON.stringify(VALUE);
/** Codes for take / delete to consume, on each side. */
const POOL = 100_000;

/**
 * Loads `count` keys server-side (a Lua loop per 20 k keys, one round trip each, well inside
 * the client's command timeout): `name(i)`
 * is a Lua expression of `i`, the value the stored form of {@link VALUE}.
 */
async function load(client: Redis, name: string, from: number, count: number): Promise<void> {
  const lua = `for i = tonumber(ARGV[1]), tonumber(ARGV[2]) do
  redis.call('SET', ${name}, ARGV[3])
end`;
  for (let start = from; start < from + count; start += 20_000) {
    const end = Math.min(from + count, start + 20_000) - 1;
    await client.eval(lua, 0, String(start), String(end), `1:${JSON_VALUE}`);
  }
}

/** Records into `times` the latency in µs of `n` sequential calls of `op(i)`; `prepare(i)` is untimed. */
async function sample(
  times: number[],
  n: number,
  op: (i: number) => Promise<unknown>,
  prepare?: (i: number) => Promise<unknown>,
): Promise<void> {
  for (let i = 0; i < n; i++) {
    await prepare?.(i);
    const t0 = process.hrtime.bigint();
    await op(i);
    times.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
}

/** p50 and p99 of `times` (sorted in place). */
function percentiles(times: number[]): { p50: number; p99: number } {
  times.sort((x, y) => x - y);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
  return { p50: at(0.5), p99: at(0.99) };
}

/** One side of the scale comparison. */
type Side = { users: number; store: ReturnType<typeof redisStore> };
type Scale = Record<"get" | "put" | "take", { p50: number; p99: number }>;

const fmt = (us: number) => `${us.toFixed(0)} µs`;

export async function run(): Promise<number> {
  const server = await redisServer();
  if (!server) return 0;
  const client = new Redis(server.url, { ...redisClientOptions, db: DB });
  const smallClient = new Redis(server.url, { ...redisClientOptions, db: DB - 1 });
  for (const c of [client, smallClient]) c.on("error", () => undefined);
  let misses = 0;
  try {
    await client.flushdb("ASYNC");
    const store = redisStore({ client });
    const user = (i: number) => userKey(`u${i}`, "factor", "f");

    // Pools for the consuming operations, so that take / delete hit a live key every time;
    // what a round used up is put back before the next (untimed).
    await load(client, "'mfa:{t'..i..'}:code:c'", 0, POOL);
    await load(client, "'raw:{t'..i..'}:code:c'", 0, POOL);
    await load(client, "'mfa:{u'..i..'}:factor:f'", 0, 10_000);
    let t = 0;
    let r = 0;
    let n = 0;
    const refill = async () => {
      const used = Math.min(POOL, Math.max(t, r));
      await load(client, "'mfa:{t'..i..'}:code:c'", 0, used);
      await load(client, "'raw:{t'..i..'}:code:c'", 0, used);
      t = 0;
      r = 0;
    };
    // The scripts as the raw driver would call them: EVALSHA with the same keys and arguments
    // (a deadline an hour ahead). What separates these from the native command is the
    // server's script call, the floor under any store that keeps the deadline check.
    const later = () => String(Date.now() + 3_600_000);
    const script = (s: LuaScript, key: string, ...args: string[]) =>
      client.evalsha(s.sha, 1, key, later(), ...args);
    for (const s of [takeScript, deleteScript, incrementScript, putScript]) {
      await client.script("LOAD", s.lua);
    }

    /** `c`, then the same store call against `floor`, the EVALSHA of the store's own script. */
    const andFloor = (c: Case, script: string, floor: () => Promise<unknown>): Case[] => [
      c,
      { ...c, baseName: `ioredis EVALSHA of the ${script} script (the floor)`, baseline: floor },
    ];
    const cases: Case[] = [
      {
        name: "get",
        subject: () => store.get(user(n++ % 10_000)),
        baseName: "ioredis GET",
        baseline: () => client.get(user(n++ % 10_000)),
      },
      ...andFloor(
        {
          name: "put",
          subject: () => store.put(user(n++ % 10_000), VALUE),
          baseName: "ioredis SET",
          baseline: () => client.set(user(n++ % 10_000), `1:${JSON.stringify(VALUE)}`),
        },
        "put",
        () => script(putScript, user(n++ % 10_000), "any", "", JSON.stringify(VALUE), ""),
      ),
      {
        name: "put (compare-and-set, with TTL)",
        subject: async () => {
          const k = `mfa:{cas${n++ % 1000}}:x`;
          const cur = await store.get(k);
          await store.put(k, VALUE, { expectVersion: cur?.version ?? null, ttlMs: 60_000 });
        },
        baseName: "ioredis GET + SET PX",
        baseline: async () => {
          const k = `raw:{cas${n++ % 1000}}:x`;
          await client.get(k);
          await client.set(k, `1:${JSON.stringify(VALUE)}`, "PX", 60_000);
        },
      },
      ...andFloor(
        {
          name: "take",
          before: refill,
          subject: () => store.take(`mfa:{t${t++}}:code:c`),
          baseName: "ioredis GETDEL",
          baseline: () => client.getdel(`raw:{t${r++}}:code:c`),
        },
        "take",
        () => script(takeScript, `raw:{t${r++}}:code:c`),
      ),
      ...andFloor(
        {
          name: "increment (with TTL)",
          subject: () => store.increment(`mfa:{c${n++ % 1000}}:n`, { ttlMs: 60_000 }),
          baseName: "ioredis INCR",
          baseline: () => client.incr(`raw:{c${n++ % 1000}}:n`),
        },
        "increment",
        () => script(incrementScript, `raw:{e${n++ % 1000}}:n`, "1", "60000"),
      ),
      {
        // The rate-limit counters of one send: one script against seven round trips.
        name: "incrementMany (7 counters, with TTL)",
        subject: () => store.incrementMany(sendCounters("mfa", n++, 60_000)),
        baseName: "ioredis INCR × 7 in turn",
        baseline: async () => {
          for (const { key } of sendCounters("raw", n++)) await client.incr(key);
        },
      },
      ...andFloor(
        {
          name: "delete",
          before: refill,
          subject: () => store.delete(`mfa:{t${t++}}:code:c`),
          baseName: "ioredis DEL",
          baseline: () => client.del(`raw:{t${r++}}:code:c`),
        },
        "delete",
        () => script(deleteScript, `raw:{t${r++}}:code:c`),
      ),
    ];
    const compare = (cases: Case[]) =>
      compareCases("redis store", cases, { concurrencies: [1, 16], maxRatio: 1.5, rounds: 5 });
    misses += await compare(cases);
    figure(
      "why a write may miss against its native command",
      "it is a script (its deadline checked on the server's clock); the line after it, the raw driver calling the same script by EVALSHA, is its floor, and the gap between those two floors (INCR vs the increment script) is the server's script call, not the store's code",
    );

    // list scans the whole database, so it is compared on a small one (10 k users).
    await client.flushdb("ASYNC");
    await load(client, "'mfa:{u'..i..'}:factor:f'", 0, 10_000);
    const listPrefix = userKey("lister", "");
    for (let i = 0; i < 10; i++) await store.put(`${listPrefix}item:${i}`, VALUE);
    misses += await compare([
      {
        name: "list (10 entries of one user)",
        subject: () => store.list(listPrefix),
        baseName: "ioredis SCAN MATCH + MGET",
        baseline: async () => {
          const keys: string[] = [];
          let cursor = "0";
          do {
            const [next, batch] = await client.scan(
              cursor,
              "MATCH",
              `${listPrefix}*`,
              "COUNT",
              1000,
            );
            keys.push(...batch);
            cursor = next;
          } while (cursor !== "0");
          await client.mget(keys);
        },
      },
    ]);
    figure(
      "round trips per call",
      "get 1 (GET), take 1 (GETDEL), delete 1 (DEL), put 1 (EVALSHA: GET + SET), increment 1 (EVALSHA: GET + SET), incrementMany of 7 keys 1 (one EVALSHA), list: one SCAN per 1000 keys in the database + one MGET per page",
    );

    // Scale: the same operations on 10 k users (database 14) and on 1 M users (database 15) of
    // one server, sampled in alternating blocks so that other processes on the machine disturb
    // both sides alike.
    await client.flushdb("ASYNC");
    await smallClient.flushdb("ASYNC");
    await load(smallClient, "'mfa:{u'..i..'}:factor:f'", 0, 10_000);
    const t0 = Date.now();
    await load(client, "'mfa:{u'..i..'}:factor:f'", 0, 1_000_000);
    figure(
      "loaded 1 M users in",
      `${((Date.now() - t0) / 1000).toFixed(1)} s (${await client.dbsize()} keys)`,
    );
    const sides = [
      { users: 10_000, store: redisStore({ client: smallClient }) },
      { users: 1_000_000, store },
    ];
    const ops = {
      get: (s: Side) => (k: number) => s.store.get(user((k * 7919) % s.users)),
      put: (s: Side) => (k: number) => s.store.put(user((k * 7919) % s.users), VALUE),
      take: (s: Side) => (k: number) => s.store.take(`mfa:{s${k}}:code:c`),
    };
    const times = { get: [[], []], put: [[], []], take: [[], []] } as Record<
      keyof typeof ops,
      [number[], number[]]
    >;
    let next = 0;
    for (let block = 0; block < 8; block++) {
      for (const [i, side] of sides.entries()) {
        for (const op of ["get", "put", "take"] as const) {
          const from = next;
          next += 400;
          // The first block warms up and is not kept.
          const into = block === 0 ? [] : times[op][i as 0 | 1];
          const prepare =
            op === "take"
              ? (k: number) => side.store.put(`mfa:{s${from + k}}:code:c`, VALUE, { ttlMs: 60_000 })
              : undefined;
          await sample(into, 400, (k) => ops[op](side)(op === "take" ? from + k : k), prepare);
        }
      }
    }
    const [small, large] = [0, 1].map((i) => ({
      get: percentiles(times.get[i as 0 | 1]),
      put: percentiles(times.put[i as 0 | 1]),
      take: percentiles(times.take[i as 0 | 1]),
    })) as [Scale, Scale];
    for (const op of ["get", "put", "take"] as const) {
      for (const q of ["p50", "p99"] as const) {
        const ratio = large[op][q] / small[op][q];
        const met = ratio <= 1.2;
        if (!met) misses++;
        console.log(
          `${met ? "ok  " : "MISS"} redis store ${op} ${q}, 1 M vs 10 k stored users\n` +
            `     1 M: ${fmt(large[op][q])}   10 k: ${fmt(small[op][q])}\n` +
            `     ratio: ${ratio.toFixed(2)}× (target ≤ 1.2×)`,
        );
      }
    }
  } catch (error) {
    // A benchmark never fails the run: say what stopped it and count it as one miss.
    console.log(`MISS redis bench stopped early: ${String(error)}`);
    misses++;
  } finally {
    // ASYNC: freeing a million keys must not block the server past the command timeout.
    await client.flushdb("ASYNC").catch(() => undefined);
    await smallClient.flushdb("ASYNC").catch(() => undefined);
    client.disconnect();
    smallClient.disconnect();
    await server.close();
  }
  return misses;
}
