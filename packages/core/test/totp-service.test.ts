/**
 * The TOTP service on the memory store and a fake clock: enrolment and activation (TOTP-06),
 * window (TOTP-03), replay under real concurrency (TOTP-04, LIFE-03, LOG-02), attempt caps
 * (RATE-01), sealed storage with bound associated data (STORE-04) and key rotation (STORE-05).
 */
import {
  createKeyring,
  type JsonValue,
  type Keyring,
  type MfaEvent,
  memoryStore,
  type RandomSource,
  type Store,
  type TotpOptions,
} from "@mfakit/core";
import { userKey, webCryptoRandom } from "@mfakit/core/adapter";
import {
  base32Decode,
  createTotpService,
  parseKeyUri,
  TOTP_MAX_CONFIRM_ATTEMPTS,
  type TotpService,
  totpAt,
} from "@mfakit/core/totp";
import { type FakeClock, fakeClock } from "@mfakit/testing";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { generate } from "otplib";
import { describe, expect, it } from "vitest";
// Not yet re-exported by the package index (the lead adds it there).
import { accountLabel } from "../src/totp/key-uri.js";

type JsonRecord = { readonly [key: string]: JsonValue };

const K1 = "a".repeat(43);
const K2 = "b".repeat(43);
const RFC_SEED = utf8ToBytes("12345678901234567890");

interface Setup {
  totp: TotpService;
  store: ReturnType<typeof memoryStore>;
  clock: FakeClock;
  events: MfaEvent[];
  keyring: Keyring;
  /** A service over the same store and clock with another keyring or options. */
  again(options?: Partial<TotpOptions>, keyring?: Keyring): TotpService;
}

function setup(
  options: Partial<TotpOptions> = {},
  extra: { random?: RandomSource; startMs?: number; keyring?: Keyring } = {},
): Setup {
  const clock = fakeClock(extra.startMs ?? Date.UTC(2026, 10, 25, 9, 0, 0));
  const store = memoryStore({ clock });
  const events: MfaEvent[] = [];
  const keyring = extra.keyring ?? createKeyring({ current: "k1", keys: { k1: K1 } });
  const make = (opts: Partial<TotpOptions>, ring: Keyring) =>
    createTotpService(
      {
        store,
        keyring: ring,
        clock,
        random: extra.random,
        events: { emit: (e) => void events.push(e) },
      },
      { issuer: "Contoso", ...opts },
    );
  return {
    totp: make(options, keyring),
    store,
    clock,
    events,
    keyring,
    again: (opts = options, ring = keyring) => make(opts, ring),
  };
}

/** The code an authenticator app holding `secret` shows at `ms` (+ `steps` time steps). */
function codeAt(secret: string, ms: number, steps = 0, period = 30): string {
  return totpAt(base32Decode(secret), ms / 1000 + steps * period, { periodSeconds: period });
}

/** Begins and confirms a factor; returns its id and secret, the clock one step later. */
async function activeFactor(s: Setup, userId = "alice") {
  const e = await s.totp.begin({ userId, accountName: `${userId}@contoso.com` });
  const r = await s.totp.confirm({
    userId,
    factorId: e.factorId,
    code: codeAt(e.secret, s.clock.now()),
  });
  expect(r.ok).toBe(true);
  s.clock.advance(30_000);
  return e;
}

/** Every stored entry, as the JSON a database dump would hold. */
async function dump(store: Store): Promise<string> {
  return JSON.stringify((await store.list("mfa:", { limit: 1000 })).items);
}

/** A random source that hands out the RFC 4226 seed as the 20-byte secret. */
const rfcSeedRandom: RandomSource = {
  bytes: (n) => (n === 20 ? RFC_SEED.slice() : webCryptoRandom.bytes(n)),
};

describe("enrolment (GEN-03, TOTP-06, TOTP-07)", () => {
  it("begin returns a 160-bit secret from the injected RandomSource, its Key URI and QR codes", async () => {
    const drawn: Uint8Array[] = [];
    const random: RandomSource = {
      bytes: (n) => {
        const b = webCryptoRandom.bytes(n);
        drawn.push(b.slice());
        return b;
      },
    };
    const s = setup({}, { random });
    const e = await s.totp.begin({ userId: "alice", accountName: "alice@contoso.com" });
    expect(e.factorId).toMatch(/^totp_[A-Za-z0-9_-]{22}$/);
    expect(e.secret).toMatch(/^[A-Z2-7]{32}$/);
    const secretBytes = base32Decode(e.secret);
    expect(secretBytes).toHaveLength(20);
    expect(drawn.some((b) => bytesToHex(b) === bytesToHex(secretBytes))).toBe(true);
    expect(parseKeyUri(e.uri)).toMatchObject({
      issuer: "Contoso",
      accountName: "alice@contoso.com",
      secret: e.secret,
      algorithm: "SHA1",
      digits: 6,
      periodSeconds: 30,
    });
    expect(e.qrSvg).toMatch(/^<svg/);
    expect(e).not.toHaveProperty("qrText");
    expect(e.expiresAt).toBe(s.clock.now() + 900_000);
  });

  it("begin draws only the QR code asked for: svg by default, text, or none", async () => {
    const s = setup();
    const text = await s.totp.begin({ userId: "alice", accountName: "a", qr: "text" });
    expect(text.qrText.length).toBeGreaterThan(100);
    expect(text).not.toHaveProperty("qrSvg");
    const none = await s.totp.begin({ userId: "alice", accountName: "a", qr: "none" });
    expect(Object.keys(none).sort()).toEqual(["expiresAt", "factorId", "secret", "uri"]);
    const svg = await s.totp.begin({ userId: "alice", accountName: "a", qr: "svg" });
    expect(svg.qrSvg).toMatch(/^<svg/);
    expect(svg).not.toHaveProperty("qrText");
    // The type follows the form: reading a form that was not asked for does not compile.
    // @ts-expect-error qrSvg exists only for qr: "svg"
    expect(none.qrSvg).toBeUndefined();
    // @ts-expect-error qrText exists only for qr: "text"
    expect(svg.qrText).toBeUndefined();
    await expect(
      s.totp.begin({ userId: "alice", accountName: "a", qr: "png" as "svg" }),
    ).rejects.toMatchObject({ code: "invalid_input", data: { field: "qr" } });
    expect(await s.totp.list({ userId: "alice" })).toHaveLength(3);
  });

  it("GEN-03: every factor gets its own secret", async () => {
    const s = setup();
    const secrets = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const e = await s.totp.begin({ userId: i % 2 ? "alice" : "bob", accountName: "a" });
      secrets.add(e.secret);
    }
    expect(secrets.size).toBe(20);
  });

  it("TOTP-06: the factor is pending until a first code is confirmed; verify refuses it", async () => {
    const s = setup();
    const e = await s.totp.begin({ userId: "alice", accountName: "alice@contoso.com" });
    const code = codeAt(e.secret, s.clock.now());
    expect(await s.totp.verify({ userId: "alice", factorId: e.factorId, code })).toEqual({
      ok: false,
      reason: "not_found",
    });
    expect((await s.totp.get({ userId: "alice", factorId: e.factorId }))?.status).toBe("pending");

    const r = await s.totp.confirm({ userId: "alice", factorId: e.factorId, code });
    expect(r).toEqual({ ok: true, factorId: e.factorId, step: Math.floor(s.clock.now() / 30_000) });
    const info = await s.totp.get({ userId: "alice", factorId: e.factorId });
    expect(info).toMatchObject({ status: "active", activatedAt: s.clock.now(), expiresAt: null });
    expect(s.events.map((ev) => ev.type)).toEqual([
      "totp.enrolment_started",
      "totp.failed",
      "totp.activated",
    ]);
  });

  it("TOTP-06: the secret is never shown again: get and list return metadata only", async () => {
    const s = setup();
    const e = await activeFactor(s);
    const pending = await s.totp.begin({ userId: "alice", accountName: "second phone" });
    const list = await s.totp.list({ userId: "alice" });
    expect(list.map((f) => [f.factorId, f.status, f.label])).toEqual([
      [e.factorId, "active", "alice@contoso.com"],
      [pending.factorId, "pending", "second phone"],
    ]);
    const shown = JSON.stringify([
      list,
      await s.totp.get({ userId: "alice", factorId: e.factorId }),
    ]);
    for (const secret of [e.secret, pending.secret]) {
      expect(shown).not.toContain(secret);
      expect(shown).not.toContain(bytesToHex(base32Decode(secret)));
    }
    expect(Object.keys(list[0] ?? {}).sort()).toEqual(
      [
        "activatedAt",
        "confirmAttemptsLeft",
        "createdAt",
        "expiresAt",
        "factorId",
        "label",
        "lastUsedAt",
        "status",
      ].sort(),
    );
    expect(await s.totp.list({ userId: "bob" })).toEqual([]);
  });

  it("a pending enrolment expires after pendingTtlSeconds", async () => {
    const s = setup({ pendingTtlSeconds: 120 });
    const e = await s.totp.begin({ userId: "alice", accountName: "a" });
    s.clock.advance(120_000);
    const code = codeAt(e.secret, s.clock.now());
    expect(await s.totp.confirm({ userId: "alice", factorId: e.factorId, code })).toEqual({
      ok: false,
      reason: "expired",
    });
    expect(await s.totp.get({ userId: "alice", factorId: e.factorId })).toBeNull();
    expect(await s.totp.list({ userId: "alice" })).toEqual([]);
    s.clock.advance(2 * 3600_000); // past the grace period the store drops it
    expect(s.store.size()).toBe(0);
    expect(await s.totp.confirm({ userId: "alice", factorId: e.factorId, code })).toEqual({
      ok: false,
      reason: "not_found",
    });
  });

  it("begin with a pending factor's id restarts it with a new secret; an active one throws", async () => {
    const s = setup();
    const first = await s.totp.begin({ userId: "alice", accountName: "a" });
    const again = await s.totp.begin({
      userId: "alice",
      accountName: "a",
      factorId: first.factorId,
    });
    expect(again.factorId).toBe(first.factorId);
    expect(again.secret).not.toBe(first.secret);
    const oldCode = codeAt(first.secret, s.clock.now());
    const newCode = codeAt(again.secret, s.clock.now());
    if (oldCode !== newCode) {
      expect(
        await s.totp.confirm({ userId: "alice", factorId: first.factorId, code: oldCode }),
      ).toMatchObject({ ok: false, reason: "code_mismatch" });
    }
    expect(
      await s.totp.confirm({ userId: "alice", factorId: first.factorId, code: newCode }),
    ).toMatchObject({ ok: true });
    await expect(
      s.totp.begin({ userId: "alice", accountName: "a", factorId: first.factorId }),
    ).rejects.toMatchObject({ code: "factor_not_pending" });
    await expect(
      s.totp.confirm({ userId: "alice", factorId: first.factorId, code: newCode }),
    ).rejects.toMatchObject({ code: "factor_not_pending" });
  });

  it("TOTP-07: an account name with ':' is refused with invalid_input and nothing is stored", async () => {
    const s = setup();
    await expect(
      s.totp.begin({ userId: "alice", accountName: "alice:admin" }),
    ).rejects.toMatchObject({ code: "invalid_input" });
    await expect(
      s.totp.begin({ userId: "alice", accountName: "a", factorId: "bad:id" }),
    ).rejects.toMatchObject({ code: "invalid_input" });
    expect(s.store.size()).toBe(0);
  });

  it("REL-07: an account name cut inside an emoji (UTF-16 slice at 128) is refused before anything is stored, on every retry", async () => {
    const s = setup();
    const accountName = `${"a".repeat(127)}😀`.slice(0, 128);
    for (let retry = 0; retry < 3; retry++) {
      await expect(s.totp.begin({ userId: "alice", accountName })).rejects.toMatchObject({
        code: "invalid_input",
        data: { field: "accountName" },
      });
    }
    expect(await s.totp.list({ userId: "alice" })).toEqual([]);
    expect(s.store.size()).toBe(0);
    expect(s.events).toEqual([]);
  });

  it("REL-07: lone surrogates in the account name or the user id are invalid_input and leave no record", async () => {
    const s = setup();
    for (const accountName of ["\ud800", "a\udc00b", "alice\ud83d@contoso.com"]) {
      await expect(s.totp.begin({ userId: "alice", accountName })).rejects.toMatchObject({
        code: "invalid_input",
        data: { field: "accountName" },
      });
    }
    for (const userId of ["\ud800", "alice\udfff", "\udc00\ud800"]) {
      await expect(s.totp.begin({ userId, accountName: "a" })).rejects.toMatchObject({
        code: "invalid_input",
        data: { field: "userId" },
      });
      await expect(s.totp.list({ userId })).rejects.toMatchObject({ code: "invalid_input" });
    }
    expect(await s.totp.list({ userId: "alice" })).toEqual([]);
    expect(s.store.size()).toBe(0);
  });

  it("REL-07: a 1 MB account name is input_too_long and leaves no record; its accountLabel enrols", async () => {
    const s = setup();
    const huge = "😀".repeat(1 << 19);
    await expect(s.totp.begin({ userId: "alice", accountName: huge })).rejects.toMatchObject({
      code: "input_too_long",
      data: { field: "accountName" },
    });
    expect(s.store.size()).toBe(0);
    const e = await s.totp.begin({ userId: "alice", accountName: accountLabel(huge) });
    expect(parseKeyUri(e.uri).accountName).toBe("😀".repeat(128));
    expect(e.qrSvg).toMatch(/^<svg/);
    expect((await s.totp.list({ userId: "alice" })).map((f) => f.label)).toEqual([
      "😀".repeat(128),
    ]);
  });

  it("an issuer too long for a QR code beside the longest account name is config_invalid", () => {
    expect(() => setup({ issuer: "😀".repeat(128) })).toThrow(
      expect.objectContaining({
        code: "config_invalid",
        data: expect.objectContaining({ fields: "issuer" }),
      }),
    );
    expect(() => setup({ issuer: "😀".repeat(20) })).not.toThrow();
  });

  it("remove deletes the factor", async () => {
    const s = setup();
    const e = await activeFactor(s);
    expect(await s.totp.remove({ userId: "alice", factorId: e.factorId })).toBe(true);
    expect(await s.totp.remove({ userId: "alice", factorId: e.factorId })).toBe(false);
    const code = codeAt(e.secret, s.clock.now());
    expect(await s.totp.verify({ userId: "alice", factorId: e.factorId, code })).toMatchObject({
      reason: "not_found",
    });
  });
});

describe("window (TOTP-03, TOTP-05, LIFE-05)", () => {
  it("with window 1, codes for T-1, T and T+1 are accepted; T-2 and T+2 are refused", async () => {
    const s = setup();
    const e = await activeFactor(s);
    s.clock.advance(10 * 30_000);
    const now = s.clock.now();
    const T = Math.floor(now / 30_000);
    for (const steps of [-2, 2]) {
      const code = codeAt(e.secret, now, steps);
      expect(await s.totp.verify({ userId: "alice", factorId: e.factorId, code })).toMatchObject({
        ok: false,
        reason: "code_mismatch",
      });
    }
    // Ascending, so that the replay rule (only later steps) does not interfere.
    for (const steps of [-1, 0, 1]) {
      const code = codeAt(e.secret, now, steps);
      expect(await s.totp.verify({ userId: "alice", factorId: e.factorId, code })).toEqual({
        ok: true,
        factorId: e.factorId,
        step: T + steps,
      });
    }
  });

  it.each([
    [0, [0], [-1, 1]],
    [2, [-2, -1, 0, 1, 2], [-3, 3]],
  ] as const)("window %i accepts steps %j and refuses %j", async (window, accepted, refused) => {
    const s = setup({ window });
    const e = await activeFactor(s);
    s.clock.advance(10 * 30_000);
    const now = s.clock.now();
    for (const steps of refused) {
      const code = codeAt(e.secret, now, steps);
      expect(await s.totp.verify({ userId: "alice", factorId: e.factorId, code })).toMatchObject({
        reason: "code_mismatch",
      });
    }
    for (const steps of accepted) {
      const code = codeAt(e.secret, now, steps);
      expect(await s.totp.verify({ userId: "alice", factorId: e.factorId, code })).toMatchObject({
        ok: true,
      });
    }
  });

  it("boundary vectors: the RFC seed's 755224 (T=0) is accepted at t=31 once, then refused", async () => {
    const s = setup({}, { random: rfcSeedRandom, startMs: 0 });
    const e = await s.totp.begin({ userId: "alice", accountName: "a" });
    expect(e.secret).toBe("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    s.clock.set(31_000); // T = 1; 755224 is T = 0, inside the ±1 window
    expect(
      await s.totp.confirm({ userId: "alice", factorId: e.factorId, code: "755224" }),
    ).toMatchObject({ ok: true, step: 0 });
    expect(
      await s.totp.verify({ userId: "alice", factorId: e.factorId, code: "755224" }),
    ).toMatchObject({ ok: false, reason: "replayed" });
    // 287082 is T = 1, 359152 is T = 2 (SECURITY.md part b).
    expect(
      await s.totp.verify({ userId: "alice", factorId: e.factorId, code: "359152" }),
    ).toMatchObject({ ok: true, step: 2 });
    expect(
      await s.totp.verify({ userId: "alice", factorId: e.factorId, code: "287082" }),
    ).toMatchObject({ ok: false, reason: "replayed" });
  });

  it("TOTP-05: time comes from the injected clock only, not the machine's", async () => {
    const s = setup({}, { startMs: Date.UTC(2001, 0, 1) });
    const e = await s.totp.begin({ userId: "alice", accountName: "a" });
    const machineCode = codeAt(e.secret, Date.now());
    const clockCode = codeAt(e.secret, s.clock.now());
    expect(machineCode).not.toBe(clockCode);
    expect(
      await s.totp.confirm({ userId: "alice", factorId: e.factorId, code: machineCode }),
    ).toMatchObject({ ok: false, reason: "code_mismatch" });
    expect(
      await s.totp.confirm({ userId: "alice", factorId: e.factorId, code: clockCode }),
    ).toMatchObject({ ok: true });
  });

  it("8 digits, SHA256 and 60 s periods work end to end (codes from otplib)", async () => {
    const s = setup({ digits: 8, algorithm: "SHA256", periodSeconds: 60 });
    const e = await s.totp.begin({ userId: "alice", accountName: "a" });
    expect(parseKeyUri(e.uri)).toMatchObject({ digits: 8, algorithm: "SHA256", periodSeconds: 60 });
    const code = await generate({
      secret: e.secret,
      epoch: s.clock.now() / 1000,
      digits: 8,
      period: 60,
      algorithm: "sha256",
    });
    expect(await s.totp.confirm({ userId: "alice", factorId: e.factorId, code })).toMatchObject({
      ok: true,
      step: Math.floor(s.clock.now() / 60_000),
    });
  });
});

describe("replay (TOTP-04, LIFE-03, LOG-02)", () => {
  it("a code is accepted once; a second use is refused as replayed and logged", async () => {
    const s = setup();
    const e = await activeFactor(s);
    const code = codeAt(e.secret, s.clock.now());
    expect(await s.totp.verify({ userId: "alice", factorId: e.factorId, code })).toMatchObject({
      ok: true,
    });
    s.events.length = 0;
    const before = await s.store.get(userKey("alice", "totp", e.factorId));
    expect(await s.totp.verify({ userId: "alice", factorId: e.factorId, code })).toEqual({
      ok: false,
      reason: "replayed",
    });
    expect(s.events).toEqual([
      {
        type: "totp.failed",
        at: new Date(s.clock.now()).toISOString(),
        userId: "alice",
        factorId: e.factorId,
        reason: "replayed",
      },
    ]);
    // A replay proves the code, not a guess; it writes nothing.
    expect(await s.store.get(userKey("alice", "totp", e.factorId))).toEqual(before);
  });

  it("the code for T, then the code for T-1, fails with replayed", async () => {
    const s = setup();
    const e = await activeFactor(s);
    const now = s.clock.now();
    expect(
      await s.totp.verify({ userId: "alice", factorId: e.factorId, code: codeAt(e.secret, now) }),
    ).toMatchObject({ ok: true });
    expect(
      await s.totp.verify({
        userId: "alice",
        factorId: e.factorId,
        code: codeAt(e.secret, now, -1),
      }),
    ).toEqual({ ok: false, reason: "replayed" });
  });

  it("the confirming code counts as accepted: it cannot be used again to verify", async () => {
    const s = setup();
    const e = await s.totp.begin({ userId: "alice", accountName: "a" });
    const code = codeAt(e.secret, s.clock.now());
    expect(await s.totp.confirm({ userId: "alice", factorId: e.factorId, code })).toMatchObject({
      ok: true,
    });
    s.clock.advance(20_000); // may cross into the next step; the code stays in the window
    expect(await s.totp.verify({ userId: "alice", factorId: e.factorId, code })).toEqual({
      ok: false,
      reason: "replayed",
    });
  });

  it("20 concurrent verifies of one valid code: exactly 1 succeeds", async () => {
    const s = setup();
    const e = await activeFactor(s);
    const code = codeAt(e.secret, s.clock.now());
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        s.totp.verify({ userId: "alice", factorId: e.factorId, code }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === "replayed")).toHaveLength(19);
    expect(s.events.filter((ev) => ev.type === "totp.failed")).toHaveLength(19);
  });

  it("REL-01: 20 concurrent confirms of one valid code: exactly 1 activates; the rest are told it is active or out of attempts", async () => {
    const s = setup();
    const e = await s.totp.begin({ userId: "alice", accountName: "a" });
    const code = codeAt(e.secret, s.clock.now());
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        s.totp.confirm({ userId: "alice", factorId: e.factorId, code }),
      ),
    );
    const ok = results.filter((r) => r.status === "fulfilled" && r.value.ok);
    expect(ok).toHaveLength(1);
    for (const r of results) {
      if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "factor_not_pending" });
      // Confirmations in flight count against the 5 (RATE-01): the sixth on is locked out.
      else if (!r.value.ok)
        expect(r.value).toEqual({ ok: false, reason: "locked", attemptsLeft: 0 });
    }
    expect(s.events.filter((ev) => ev.type === "totp.activated")).toHaveLength(1);
    expect(await s.totp.get({ userId: "alice", factorId: e.factorId })).toMatchObject({
      status: "active",
      confirmAttemptsLeft: null,
    });
  });
});

describe("attempts (RATE-01, RATE-02's counter)", () => {
  const wrong = (code: string) => (code === "000000" ? "000001" : "000000");

  it("5 wrong codes end a pending enrolment: attemptsLeft counts down, then locked even for the right code", async () => {
    const s = setup();
    const e = await s.totp.begin({ userId: "alice", accountName: "a" });
    const right = codeAt(e.secret, s.clock.now());
    const left: Array<number | undefined> = [];
    for (let i = 0; i < TOTP_MAX_CONFIRM_ATTEMPTS; i++) {
      const r = await s.totp.confirm({ userId: "alice", factorId: e.factorId, code: wrong(right) });
      expect(r).toMatchObject({ ok: false, reason: "code_mismatch" });
      if (!r.ok) left.push(r.attemptsLeft);
    }
    expect(left).toEqual([4, 3, 2, 1, 0]);
    expect(await s.totp.confirm({ userId: "alice", factorId: e.factorId, code: right })).toEqual({
      ok: false,
      reason: "locked",
      attemptsLeft: 0,
    });
    // Starting again gives a new secret and a fresh budget.
    const again = await s.totp.begin({ userId: "alice", accountName: "a", factorId: e.factorId });
    expect(
      await s.totp.confirm({
        userId: "alice",
        factorId: e.factorId,
        code: codeAt(again.secret, s.clock.now()),
      }),
    ).toMatchObject({ ok: true });
  });

  it("20 concurrent wrong confirms: exactly 5 are counted, the rest are locked", async () => {
    const s = setup();
    const e = await s.totp.begin({ userId: "alice", accountName: "a" });
    const code = wrong(codeAt(e.secret, s.clock.now()));
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        s.totp.confirm({ userId: "alice", factorId: e.factorId, code }),
      ),
    );
    const mismatches = results.filter((r) => !r.ok && r.reason === "code_mismatch");
    expect(mismatches.map((r) => (r.ok ? -1 : r.attemptsLeft)).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(results.filter((r) => !r.ok && r.reason === "locked")).toHaveLength(15);
  });

  it("RATE-02: verify keeps no failure count of its own: a wrong code writes nothing, the limiter alone counts", async () => {
    const s = setup();
    const e = await activeFactor(s);
    const key = userKey("alice", "totp", e.factorId);
    const before = await s.store.get(key);
    const right = codeAt(e.secret, s.clock.now());
    for (let i = 0; i < 3; i++) {
      const r = await s.totp.verify({ userId: "alice", factorId: e.factorId, code: wrong(right) });
      expect(r).toEqual({ ok: false, reason: "code_mismatch" });
    }
    expect(await s.store.get(key)).toEqual(before);
    const info = await s.totp.get({ userId: "alice", factorId: e.factorId });
    expect(info).not.toHaveProperty("consecutiveFailures");
    expect(info?.confirmAttemptsLeft).toBeNull();
    await s.totp.verify({ userId: "alice", factorId: e.factorId, code: right });
    expect(await s.totp.get({ userId: "alice", factorId: e.factorId })).toMatchObject({
      lastUsedAt: s.clock.now(),
    });
  });

  it("RATE-02: an active record written with the old failure count drops it on the next success", async () => {
    const s = setup();
    const e = await activeFactor(s);
    const key = userKey("alice", "totp", e.factorId);
    const stored = (await s.store.get(key))?.value as JsonRecord;
    await s.store.put(key, { ...stored, failures: 3 });
    expect((await s.totp.get({ userId: "alice", factorId: e.factorId }))?.confirmAttemptsLeft).toBe(
      null,
    );
    const r = await s.totp.verify({
      userId: "alice",
      factorId: e.factorId,
      code: codeAt(e.secret, s.clock.now()),
    });
    expect(r.ok).toBe(true);
    expect((await s.store.get(key))?.value).not.toHaveProperty("failures");
  });

  it("confirmAttemptsLeft counts down a pending enrolment's wrong confirmations", async () => {
    const s = setup();
    const e = await s.totp.begin({ userId: "alice", accountName: "a" });
    const left = async () =>
      (await s.totp.get({ userId: "alice", factorId: e.factorId }))?.confirmAttemptsLeft;
    expect(await left()).toBe(TOTP_MAX_CONFIRM_ATTEMPTS);
    const code = wrong(codeAt(e.secret, s.clock.now()));
    await s.totp.confirm({ userId: "alice", factorId: e.factorId, code });
    await s.totp.confirm({ userId: "alice", factorId: e.factorId, code });
    expect(await left()).toBe(TOTP_MAX_CONFIRM_ATTEMPTS - 2);
  });

  it("REL-02: 200 concurrent wrong confirms: 5 are counted and compared, no more; the rest are locked without opening the seed", async () => {
    const s = setup();
    // The service's keyring, watched: each seed opened (one code compared) reads its key once.
    let keyReads = 0;
    const watched: Keyring = {
      get currentId() {
        return s.keyring.currentId;
      },
      key: (id) => {
        keyReads++;
        return s.keyring.key(id);
      },
    };
    const totp = s.again({}, watched);
    const e = await totp.begin({ userId: "alice", accountName: "a" });
    keyReads = 0;
    const code = wrong(codeAt(e.secret, s.clock.now()));
    const results = await Promise.all(
      Array.from({ length: 200 }, () =>
        totp.confirm({ userId: "alice", factorId: e.factorId, code }),
      ),
    );
    const mismatches = results.filter((r) => !r.ok && r.reason === "code_mismatch");
    expect(mismatches.map((r) => (r.ok ? -1 : r.attemptsLeft)).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(results.filter((r) => !r.ok && r.reason === "locked")).toHaveLength(195);
    expect(keyReads).toBe(TOTP_MAX_CONFIRM_ATTEMPTS);
    expect((await totp.get({ userId: "alice", factorId: e.factorId }))?.confirmAttemptsLeft).toBe(
      0,
    );
  });

  it("malformed codes throw invalid_code_format before any store work", async () => {
    const s = setup();
    const e = await activeFactor(s);
    let calls = 0;
    const counting = new Proxy(s.store, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        return typeof value === "function"
          ? (...args: unknown[]) => {
              calls++;
              return value.apply(target, args);
            }
          : value;
      },
    });
    const totp = createTotpService(
      { store: counting, keyring: s.keyring, clock: s.clock },
      {
        issuer: "Contoso",
      },
    );
    for (const code of [
      "12345",
      "1234567",
      "123 456",
      "12345a",
      "١٢٣٤٥٦",
      "１２３４５６",
      "",
      "123456789",
    ]) {
      await expect(
        totp.verify({ userId: "alice", factorId: e.factorId, code }),
        JSON.stringify(code),
      ).rejects.toMatchObject({ code: "invalid_code_format" });
      await expect(
        totp.confirm({ userId: "alice", factorId: e.factorId, code }),
      ).rejects.toMatchObject({ code: "invalid_code_format" });
    }
    expect(calls).toBe(0);
    // An 8-digit code passes the first check but is refused for this 6-digit factor, unchanged.
    const before = await s.store.get(userKey("alice", "totp", e.factorId));
    await expect(
      totp.verify({ userId: "alice", factorId: e.factorId, code: "12345678" }),
    ).rejects.toMatchObject({ code: "invalid_code_format" });
    expect(await s.store.get(userKey("alice", "totp", e.factorId))).toEqual(before);
  });
});

describe("sealed storage (STORE-04) and rotation (STORE-05)", () => {
  it("the store holds no base32 secret and no raw seed bytes, only an AES-GCM envelope", async () => {
    const s = setup();
    const active = await activeFactor(s);
    const pending = await s.totp.begin({ userId: "alice", accountName: "a" });
    const json = await dump(s.store);
    for (const secret of [active.secret, pending.secret]) {
      const bytes = base32Decode(secret);
      expect(json).not.toContain(secret);
      expect(json).not.toContain(secret.toLowerCase());
      expect(json).not.toContain(bytesToHex(bytes));
      expect(json).not.toContain(Buffer.from(bytes).toString("base64").replace(/=+$/, ""));
      expect(json).not.toContain(Buffer.from(bytes).toString("base64url"));
    }
    const stored = await s.store.get<{ seed: { [k: string]: JsonValue } }>(
      userKey("alice", "totp", active.factorId),
    );
    expect(Object.keys(stored?.value.seed ?? {}).sort()).toEqual(["ct", "iv", "keyId", "v"]);
    expect(stored?.value.seed.keyId).toBe("k1");
  });

  it("a sealed seed copied into another user's or factor's record fails to open", async () => {
    const s = setup();
    const alice = await activeFactor(s, "alice");
    const bob = await activeFactor(s, "bob");
    const aliceKey = userKey("alice", "totp", alice.factorId);
    const aliceRecord = (await s.store.get(aliceKey))?.value as JsonRecord;
    const code = codeAt(alice.secret, s.clock.now());

    // Alice's whole record under Bob's key, same factor id: the user id in the AAD differs.
    await s.store.put(userKey("bob", "totp", alice.factorId), aliceRecord);
    await expect(
      s.totp.verify({ userId: "bob", factorId: alice.factorId, code }),
    ).rejects.toMatchObject({ code: "invalid_input" });

    // Alice's seed inside Bob's own record: the factor id and user id differ.
    const bobKey = userKey("bob", "totp", bob.factorId);
    const bobRecord = (await s.store.get(bobKey))?.value as JsonRecord;
    await s.store.put(bobKey, { ...bobRecord, seed: aliceRecord.seed ?? null });
    await expect(
      s.totp.verify({ userId: "bob", factorId: bob.factorId, code }),
    ).rejects.toMatchObject({ code: "invalid_input" });

    // Alice's seed under another factor id of Alice's own.
    await s.store.put(userKey("alice", "totp", "totp_copy"), aliceRecord);
    await expect(
      s.totp.verify({ userId: "alice", factorId: "totp_copy", code }),
    ).rejects.toMatchObject({ code: "invalid_input" });

    // Alice's record with its parameters edited (6 → 8 digits) no longer opens either.
    await s.store.put(aliceKey, { ...aliceRecord, digits: 8 });
    await expect(
      s.totp.verify({ userId: "alice", factorId: alice.factorId, code: "12345678" }),
    ).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("a seed sealed under k1 still verifies once k2 is current; reseal moves it to k2", async () => {
    const s = setup();
    const e = await activeFactor(s);
    const key = userKey("alice", "totp", e.factorId);
    const both = createKeyring({ current: "k2", keys: { k1: K1, k2: K2 } });
    const rotated = s.again({}, both);

    expect(
      await rotated.verify({
        userId: "alice",
        factorId: e.factorId,
        code: codeAt(e.secret, s.clock.now()),
      }),
    ).toMatchObject({ ok: true });
    expect((await s.store.get<{ seed: { keyId: string } }>(key))?.value.seed.keyId).toBe("k1");

    expect(await rotated.reseal({ userId: "alice", factorId: e.factorId })).toBe(true);
    expect((await s.store.get<{ seed: { keyId: string } }>(key))?.value.seed.keyId).toBe("k2");
    expect(await rotated.reseal({ userId: "alice", factorId: e.factorId })).toBe(false);
    expect(await rotated.reseal({ userId: "alice", factorId: "totp_absent" })).toBe(false);

    // k1 can now leave the keyring.
    const k2Only = s.again({}, createKeyring({ current: "k2", keys: { k2: K2 } }));
    s.clock.advance(30_000);
    expect(
      await k2Only.verify({
        userId: "alice",
        factorId: e.factorId,
        code: codeAt(e.secret, s.clock.now()),
      }),
    ).toMatchObject({ ok: true });
    // Replay state survived the reseal.
    expect(
      await k2Only.verify({
        userId: "alice",
        factorId: e.factorId,
        code: codeAt(e.secret, s.clock.now()),
      }),
    ).toMatchObject({ reason: "replayed" });
  });

  it("a seed whose key left the keyring throws key_not_found", async () => {
    const s = setup();
    const e = await activeFactor(s);
    const k2Only = s.again({}, createKeyring({ current: "k2", keys: { k2: K2 } }));
    await expect(
      k2Only.verify({
        userId: "alice",
        factorId: e.factorId,
        code: codeAt(e.secret, s.clock.now()),
      }),
    ).rejects.toMatchObject({ code: "key_not_found" });
  });

  it("events never carry the secret or the code", async () => {
    const s = setup();
    const e = await activeFactor(s);
    const code = codeAt(e.secret, s.clock.now());
    await s.totp.verify({ userId: "alice", factorId: e.factorId, code });
    await s.totp.verify({ userId: "alice", factorId: e.factorId, code });
    await s.totp.verify({
      userId: "alice",
      factorId: e.factorId,
      code: code === "111111" ? "222222" : "111111",
    });
    const json = JSON.stringify(s.events);
    expect(json).not.toContain(e.secret);
    expect(json).not.toContain(code);
    expect(new Set(s.events.map((ev) => ev.type))).toEqual(
      new Set(["totp.enrolment_started", "totp.activated", "totp.verified", "totp.failed"]),
    );
  });
});

describe("options", () => {
  it("applies and freezes the defaults (window 1, SHA1/6/30, 900 s)", () => {
    const { totp } = setup();
    expect(totp.options).toEqual({
      issuer: "Contoso",
      window: 1,
      digits: 6,
      periodSeconds: 30,
      algorithm: "SHA1",
      pendingTtlSeconds: 900,
    });
    expect(Object.isFrozen(totp.options)).toBe(true);
  });

  it("reports every invalid option in one config_invalid error", () => {
    const store = memoryStore();
    const keyring = createKeyring({ current: "k1", keys: { k1: K1 } });
    const bad = {
      issuer: "Big:Corp",
      window: 3,
      digits: 7,
      periodSeconds: 45,
      algorithm: "MD5",
      pendingTtlSeconds: 10,
    } as unknown as TotpOptions;
    try {
      createTotpService({ store, keyring }, bad);
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({
        code: "config_invalid",
        data: { fields: "issuer,window,digits,periodSeconds,algorithm,pendingTtlSeconds" },
      });
    }
    expect(() => createTotpService({ store, keyring }, { issuer: "Contoso" })).not.toThrow();
  });

  it("malformed user or factor ids throw invalid_input", async () => {
    const { totp } = setup();
    await expect(totp.get({ userId: "alice", factorId: "a:b" })).rejects.toMatchObject({
      code: "invalid_input",
    });
    await expect(totp.list({ userId: "" })).rejects.toMatchObject({ code: "invalid_input" });
    await expect(
      totp.verify({ userId: "alice", factorId: "x".repeat(65), code: "123456" }),
    ).rejects.toMatchObject({ code: "invalid_input" });
  });
});
