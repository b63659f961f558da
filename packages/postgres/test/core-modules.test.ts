/**
 * The core on PostgreSQL, driven by two app instances at once: two `createMfa` (and two code
 * and app-password services), each on its own store instance with its own pool, over one
 * database. The guarantees the core tests on the memory store must hold across instances too.
 */
import { createKeyring, createMfa, type Mfa, type SubmitInput, seedPolicy } from "@mfakit/core";
import { isMfaError, type Keyring, userKey } from "@mfakit/core/adapter";
import { createAppPasswordService } from "@mfakit/core/app-passwords";
import { createCodeService } from "@mfakit/core/codes";
import { postgresStore } from "@mfakit/postgres";
import { capturingOutbox, fakeClock } from "@mfakit/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sharedOrOwnPostgres } from "./pg-server.js";

const server = sharedOrOwnPostgres();
const pools: pg.Pool[] = [];
const keyring: Keyring = createKeyring({ current: "k1", keys: { k1: new Uint8Array(32).fill(7) } });
const USER = "alice@contoso.example";
const PHONE = "+447400123456";

/** Two store instances ("app instances") on one table, each with its own pool of 16. */
let instances: ReturnType<typeof postgresStore>[];
beforeAll(async () => {
  const { url } = await server;
  const tableName = `core_${Math.random().toString(36).slice(2, 8)}`;
  instances = [0, 1].map(() => {
    const pool = new pg.Pool({ connectionString: url, max: 16 });
    pool.on("error", () => undefined);
    pools.push(pool);
    return postgresStore({ pool, tableName });
  });
  await Promise.all(instances.map((s) => s.migrate()));
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await (await server).release();
});

describe("one-time codes across two instances on PostgreSQL", () => {
  const services = () => instances.map((store) => createCodeService({ store, keyring }));
  const signin = { userId: USER, purpose: "signin:sms", destination: PHONE };

  it("50 concurrent verifies of one code across both: exactly 1 ok (REL-01, LIFE-03)", async () => {
    const [a, b] = services();
    if (!a || !b) throw new Error("two services");
    const issued = await a.issue(signin);
    const check = { ...signin, challengeId: issued.challengeId, code: issued.code };
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? a : b).verify(check)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    // The others are refused: "not_found" once the code is used, or "locked" for a check that
    // counted past the cap and re-read the record while the winner's write was still in
    // flight (true at that moment; on real parallel connections this interleaving happens).
    const reasons = new Set(results.flatMap((r) => (r.ok ? [] : [r.reason])));
    expect([...reasons].filter((r) => r !== "not_found" && r !== "locked")).toEqual([]);
    expect(await a.verify(check)).toEqual({ ok: false, reason: "not_found" });
  });

  it("200 concurrent wrong guesses across both: the counter is exact, at most maxAttempts compared (REL-02, RATE-01)", async () => {
    const [a, b] = instances.map((store) =>
      createCodeService({ store, keyring }, { maxAttempts: 5 }),
    );
    if (!a || !b) throw new Error("two services");
    const issued = await a.issue(signin);
    const wrong = issued.code.replace(/^./, (d) => String((Number(d) + 1) % 10));
    const check = { ...signin, challengeId: issued.challengeId, code: wrong };
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? a : b).verify(check)),
    );
    const mismatches = results.filter((r) => !r.ok && r.reason === "code_mismatch");
    expect(mismatches).toHaveLength(5);
    expect(results.filter((r) => !r.ok && r.reason === "locked")).toHaveLength(195);
    const counter = await instances[1]?.get(userKey(USER, "code-attempts", issued.challengeId));
    expect(counter?.value).toBe(200);
  });
});

describe("app passwords across two instances on PostgreSQL", () => {
  it("two concurrent creates at 39 of 40, one per instance: 40, not 41 (APP-02, REL-01)", async () => {
    const [a, b] = instances.map((store) => createAppPasswordService({ store, keyring }));
    if (!a || !b) throw new Error("two services");
    const user = `${USER}.cap`;
    for (let i = 0; i < 39; i++) await (i % 2 ? a : b).create({ userId: user, name: `d${i}` });
    for (let round = 0; round < 3; round++) {
      const settled = await Promise.allSettled([
        a.create({ userId: user, name: `race a${round}` }),
        b.create({ userId: user, name: `race b${round}` }),
      ]);
      const created = settled.filter((s) => s.status === "fulfilled");
      const refused = settled.flatMap((s) => (s.status === "rejected" ? [s.reason] : []));
      // Round 0 fills the last slot once; later rounds are refused outright.
      expect(created).toHaveLength(round === 0 ? 1 : 0);
      for (const e of refused) expect(isMfaError(e, "app_password_limit_reached")).toBe(true);
    }
    expect(await a.list({ userId: user })).toHaveLength(40);
    expect(await b.list({ userId: user })).toHaveLength(40);
  });

  it("20 concurrent creates at 39, split over both instances: exactly one more (APP-02, REL-01)", async () => {
    const [a, b] = instances.map((store) => createAppPasswordService({ store, keyring }));
    if (!a || !b) throw new Error("two services");
    const user = `${USER}.cap20`;
    for (let i = 0; i < 39; i++) await a.create({ userId: user, name: `d${i}` });
    const settled = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).create({ userId: user, name: `race ${i}` }),
      ),
    );
    expect(settled.filter((s) => s.status === "fulfilled")).toHaveLength(1);
    expect(await b.list({ userId: user })).toHaveLength(40);
  });
});

describe("enrolment: two createMfa instances drive one user's enrolment at once", () => {
  const clock = fakeClock(Date.UTC(2026, 10, 25, 9, 0, 0));
  const outbox = capturingOutbox();
  const sdk = (i: number): Mfa =>
    createMfa({
      store: instances[i] as ReturnType<typeof postgresStore>,
      keyring,
      tenant: { name: "Contoso", domains: ["contoso.com"] },
      policy: seedPolicy(["GB", "US", "DE"]),
      senders: outbox,
      clock,
    });
  const phone: SubmitInput = {
    step: "mfa-method",
    method: "authentication-phone",
    country: "GB",
    number: "07400 123456",
    delivery: "sms",
  } as SubmitInput;

  it("one transition per step, the code used once, the factor bound once (REL-01)", async () => {
    const [a, b] = [sdk(0), sdk(1)];
    const user = "megan@contoso.com";
    const session = { userId: user, authenticatedAt: clock.now() };
    const appSteps = a.policy.appSteps.map((s) => s.id);
    const start = await a.enrolment.start({ ...session, appSteps });
    const both = <T>(n: number, fn: (m: Mfa) => Promise<T>) =>
      Promise.all(Array.from({ length: n }, (_, i) => fn(i % 2 === 0 ? a : b)));

    const intro = await both(10, (m) =>
      m.enrolment.submit(start.id, { step: "intro", action: "setup" }, session),
    );
    expect(intro.filter((v) => v.notice === null)).toHaveLength(1);
    expect(intro.every((v) => v.step === "mfa-method")).toBe(true);

    await b.enrolment.submit(start.id, phone, session);
    const code = outbox.lastCode("+447400123456");
    const verified = await both(20, (m) =>
      m.enrolment.submit(start.id, { step: "verify-code", code }, session),
    );
    expect(verified.filter((v) => v.step === "app-password" && v.notice === null)).toHaveLength(1);
    const reg = await a.registrations.get(user);
    expect(Object.keys(reg.phones)).toEqual(["authentication-phone"]);
    expect(await b.securityInfo.appPasswords.list(session)).toHaveLength(1);
  });
});
