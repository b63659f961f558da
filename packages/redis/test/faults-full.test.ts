/**
 * Redis out of memory, caused for real: a server of this file's own (never the shared one) with
 * a small `maxmemory` and `maxmemory-policy noeviction`, filled by one filler key until writes
 * are refused with `OOM command not allowed`. Every store call and SDK call then answers the
 * truth or throws `store_unavailable` within its deadline; once the filler is deleted, what was
 * acknowledged is there (noeviction: nothing is dropped to make room), what threw changed
 * nothing, and the users carry on (the ledger of @mfakit/testing).
 */
import { isMfaError, type MfaError } from "@mfakit/core";
import { faultLedger } from "@mfakit/testing";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisStore } from "../src/index.js";
import { connect, type RedisServer, startRedisServer } from "./support/redis-server.js";

const TIMEOUT = 1000;
const ROUNDS = 8;
/** A new server uses about 1 MiB; the rest is the filler's. */
const MAX_MEMORY = "8mb";

/** The error of a write refused for want of memory (the driver's, or the port's wrapping it). */
const isOom = (error: unknown) => {
  const cause = isMfaError(error) ? (error as MfaError).cause : error;
  return cause instanceof Error && cause.message.includes("OOM command not allowed");
};

describe("redis: out of memory under noeviction (REL-01, REL-04, REL-06)", () => {
  let server: RedisServer;
  let client: Redis;
  let admin: Redis;
  beforeAll(async () => {
    server = await startRedisServer([
      "--maxmemory",
      MAX_MEMORY,
      "--maxmemory-policy",
      "noeviction",
    ]);
    client = connect(server.url, "store");
    admin = connect(server.url, "admin");
  });
  afterAll(async () => {
    client?.disconnect();
    admin?.disconnect();
    await server?.destroy();
  });

  it("REL-01/REL-04/REL-06: with maxmemory reached every call answers the truth or throws store_unavailable within timeoutMs; after the filler is deleted nothing acknowledged is lost, no code verifies twice, and the users finish with the codes they have", async () => {
    const store = redisStore({ client, timeoutMs: TIMEOUT });
    const ledger = faultLedger({
      store,
      timeoutMs: TIMEOUT,
      rounds: ROUNDS,
      exists: (keys) => Promise.all(keys.map(async (k) => (await admin.exists(k)) === 1)),
    });
    await ledger.seed();

    // Fill: one key grown 256 KiB at a time until Redis refuses the growth.
    const chunk = "x".repeat(256 * 1024);
    let full = false;
    for (let i = 0; i < 400 && !full; i++) {
      full = await admin.append("filler", chunk).then(
        () => false,
        (error: unknown) => {
          if (!isOom(error)) throw error;
          return true;
        },
      );
    }
    expect(full, "Redis refused a write at maxmemory").toBe(true);
    // Through the store: its writes are refused too, as the port's typed error.
    const refused = await store.put("mfa:{fill}:x", 1).catch((e: unknown) => e);
    expect(isMfaError(refused, "store_unavailable") && isOom(refused)).toBe(true);

    for (let i = 0; i < ROUNDS; i++) await ledger.round(i);
    const { failures, refused: calls } = ledger.tally();
    expect(failures, "the memory really was full").toBeGreaterThan(0);
    expect(
      calls.filter((c) => c.startsWith("submit") || c.startsWith("enrolment")),
      "the account document met the full memory",
    ).not.toEqual([]);

    // Room again: deleting is allowed at maxmemory, and gives the memory back.
    expect(await admin.del("filler")).toBe(1);
    await ledger.check();
    expect(await store.put("mfa:{after}:k", 1)).toEqual({ ok: true, version: 1 });
  });
});
