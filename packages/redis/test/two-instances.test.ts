/**
 * Two independent instances of the core's modules, each on its own ioredis connection and
 * store, over one Redis: what two app processes behind a load balancer do, up to two whole
 * `createMfa` instances driving one user's enrolment at once.
 */

import { createKeyring, createMfa, type Mfa, type SubmitInput, seedPolicy } from "@mfakit/core";
import { isMfaError, type Keyring, type Store } from "@mfakit/core/adapter";
import { createAppPasswordService } from "@mfakit/core/app-passwords";
import { createCodeService } from "@mfakit/core/codes";
import { capturingOutbox, fakeClock } from "@mfakit/testing";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisStore } from "../src/index.js";
import { connect, sharedRedis } from "./support/redis-server.js";

let redis: Awaited<ReturnType<typeof sharedRedis>>;
let clients: Redis[] = [];
let stores: [Store, Store];
const keyring: Keyring = createKeyring({ current: "k1", keys: { k1: new Uint8Array(32).fill(7) } });
const unique = () => Math.random().toString(36).slice(2, 10);

beforeAll(async () => {
  redis = await sharedRedis();
  clients = [connect(redis.url, "instance-a"), connect(redis.url, "instance-b")];
  stores = [
    redisStore({ client: clients[0] as Redis }),
    redisStore({ client: clients[1] as Redis }),
  ];
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit()));
  await redis.close();
});

describe("one-time codes from two instances", () => {
  const services = () => stores.map((store) => createCodeService({ store, keyring }));
  const input = { purpose: "enrol:sms", destination: "+447400123456" };

  it("REL-01: 50 concurrent verifies of one correct code across both instances: exactly one ok", async () => {
    const [a, b] = services() as [
      ReturnType<typeof createCodeService>,
      ReturnType<typeof createCodeService>,
    ];
    const userId = `user-${unique()}`;
    const { challengeId, code } = await a.issue({ userId, ...input });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        (i % 2 ? a : b).verify({ userId, challengeId, code, ...input }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    // The rest are refused without a match: the challenge is used, or the attempts that raced
    // the winning one used up the allowance first.
    for (const r of results) if (!r.ok) expect(["not_found", "locked"]).toContain(r.reason);
    expect(await b.status({ userId, challengeId })).toBeNull();
  });

  it("REL-02 / RATE-01: 40 concurrent wrong guesses across both: never more than maxAttempts compared", async () => {
    const [a, b] = services() as [
      ReturnType<typeof createCodeService>,
      ReturnType<typeof createCodeService>,
    ];
    const userId = `user-${unique()}`;
    const { challengeId, code } = await a.issue({ userId, ...input });
    const wrong = code === "000000" ? "111111" : "000000";
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? a : b).verify({
          userId,
          challengeId,
          code: wrong.slice(0, code.length),
          ...input,
        }),
      ),
    );
    const mismatches = results.filter((r) => !r.ok && r.reason === "code_mismatch");
    expect(mismatches).toHaveLength(a.options.maxAttempts);
    expect(results.filter((r) => r.ok)).toHaveLength(0);
    // Locked: the right code no longer works either.
    const after = await b.verify({ userId, challengeId, code, ...input });
    expect(after.ok).toBe(false);
  });
});

describe("app passwords from two instances", () => {
  it("APP-02 / REL-01: concurrent creates at 39 of 40 across both instances end at 40, not 41", async () => {
    const [a, b] = stores.map((store) => createAppPasswordService({ store, keyring }));
    if (!a || !b) throw new Error("no services");
    const userId = `user-${unique()}`;
    for (let i = 0; i < 39; i++) await (i % 2 ? a : b).create({ userId, name: `device ${i}` });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).create({ userId, name: `race ${i}` })),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    for (const o of outcomes) {
      if (o.status === "rejected")
        expect(isMfaError(o.reason, "app_password_limit_reached")).toBe(true);
    }
    expect(await a.list({ userId })).toHaveLength(40);
    expect(await b.list({ userId })).toHaveLength(40);
  });
});

describe("enrolment: two createMfa instances drive one user's enrolment at once", () => {
  it("one transition per step, the code used once, the factor bound once (REL-01)", async () => {
    const clock = fakeClock(Date.UTC(2026, 10, 25, 9, 0, 0));
    const outbox = capturingOutbox();
    const sdk = (store: Store): Mfa =>
      createMfa({
        store,
        keyring,
        tenant: { name: "Contoso", domains: ["contoso.com"] },
        policy: seedPolicy(["GB"]),
        senders: outbox,
        clock,
      });
    const [a, b] = [sdk(stores[0]), sdk(stores[1])];
    const user = `megan-${unique()}@contoso.com`;
    const session = { userId: user, authenticatedAt: clock.now() };
    const start = await a.enrolment.start({ ...session, appSteps: ["change-password"] });
    const both = <T>(n: number, fn: (m: Mfa) => Promise<T>) =>
      Promise.all(Array.from({ length: n }, (_, i) => fn(i % 2 === 0 ? a : b)));

    const intro = await both(10, (m) =>
      m.enrolment.submit(start.id, { step: "intro", action: "setup" }, session),
    );
    expect(intro.filter((v) => v.notice === null)).toHaveLength(1);
    expect(intro.every((v) => v.step === "mfa-method")).toBe(true);

    // Resumed on the other instance (a device switch), then answered there.
    expect((await b.enrolment.start(session)).id).toBe(start.id);
    const phone = {
      step: "mfa-method",
      method: "authentication-phone",
      country: "GB",
      number: "07400 123456",
      delivery: "sms",
    } as SubmitInput;
    await b.enrolment.submit(start.id, phone, session);
    const code = outbox.lastCode("+447400123456");
    const verified = await both(20, (m) =>
      m.enrolment.submit(start.id, { step: "verify-code", code }, session),
    );
    expect(verified.filter((v) => v.step === "app-password" && v.notice === null)).toHaveLength(1);
    expect(Object.keys((await a.registrations.get(user)).phones)).toEqual(["authentication-phone"]);
    expect(await b.securityInfo.appPasswords.list(session)).toHaveLength(1);
  });
});
