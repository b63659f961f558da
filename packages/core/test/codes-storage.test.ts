/**
 * What the code service writes: a keyed hash and never the code (STORE-01), digests tied to
 * the server key, and key rotation that keeps codes in flight verifiable (STORE-05).
 */
import { createHash } from "node:crypto";
import { isMfaError, memoryStore } from "@mfakit/core";
import { createCodeService } from "@mfakit/core/codes";
import { keyedHash } from "@mfakit/core/crypto";
import { fakeClock } from "@mfakit/testing";
import { describe, expect, it } from "vitest";
import {
  dump,
  EMAIL,
  ref,
  seededRandom,
  setup,
  storedRecord,
  testKeyring,
  USER,
} from "./codes-fixture.js";

const email = { userId: USER, purpose: "recovery:email", destination: EMAIL };
const sha256Hex = (text: string) => createHash("sha256").update(text).digest("hex");

describe("codes: storage (STORE-01)", () => {
  it("stores a keyed digest and the binding, never the code (STORE-01)", async () => {
    const { codes, memory, clock } = setup();
    for (let i = 0; i < 200; i++) {
      const issued = await codes.issue(email);
      const { hash, ...rest } = await storedRecord(memory, issued.challengeId);
      // Every field is accounted for: no room for the code in some other shape.
      expect(rest).toEqual({
        v: 1,
        state: "live",
        purpose: "recovery:email",
        destination: EMAIL,
        sentAt: clock.now(),
        expiresAt: issued.expiresAt,
        sendCount: 1,
      });
      expect(Object.keys(hash).sort()).toEqual(["digest", "keyId"]);
      expect(hash.keyId).toBe("k1");
      expect(hash.digest).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(rest)).not.toContain(issued.code);
      // Not a plain hash of the code, nor of the bound parts.
      expect(hash.digest).not.toBe(sha256Hex(issued.code));
      expect(hash.digest).not.toBe(
        sha256Hex(`${issued.challengeId}${email.purpose}${EMAIL}${issued.code}`),
      );
      // Exactly the documented construction, under the keyring's code-hmac sub-key.
      expect(hash).toEqual(
        keyedHash(testKeyring("k1"), "code-hmac", [
          issued.challengeId,
          email.purpose,
          EMAIL,
          issued.code,
        ]),
      );
    }
  });

  it("the digest changes when the server key changes, for the same code (STORE-01)", async () => {
    const digestUnder = async (current: string) => {
      const store = memoryStore({ clock: fakeClock() });
      const codes = createCodeService({
        store,
        keyring: testKeyring(current),
        clock: fakeClock(),
        random: seededRandom(42), // same bytes: same challenge id and code
      });
      const issued = await codes.issue(email);
      return { issued, digest: (await storedRecord(store, issued.challengeId)).hash.digest };
    };
    const a = await digestUnder("k1");
    const b = await digestUnder("k1");
    const c = await digestUnder("k2");
    expect(b.issued).toEqual(a.issued);
    expect(b.digest).toBe(a.digest);
    expect(c.issued.code).toBe(a.issued.code);
    expect(c.digest).not.toBe(a.digest);
  });

  it("the whole store holds no code after issues, resends, checks and cancels (STORE-01)", async () => {
    const { codes, memory, wrong } = setup();
    const plain: string[] = [];
    for (let i = 0; i < 50; i++) {
      const issued = await codes.issue(email);
      const resent = await codes.resend(ref(issued));
      plain.push(issued.code, resent.code);
      const check = { ...email, challengeId: issued.challengeId };
      await codes.verify({ ...check, code: wrong(resent.code) });
      if (i % 2) await codes.verify({ ...check, code: resent.code });
      else await codes.cancel(ref(issued));
    }
    const strings: string[] = [];
    const walk = (v: unknown, key?: string): void => {
      if (typeof v === "string" && key !== "digest") strings.push(v);
      else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, k);
    };
    const stored = await dump(memory);
    walk(stored);
    for (const key of Object.keys(stored)) strings.push(key);
    for (const code of plain) expect(strings.some((s) => s.includes(code))).toBe(false);
  });
});

describe("codes: key rotation (STORE-05)", () => {
  it("a code issued under k1 still verifies once the current key is k2 (k1 kept)", async () => {
    const clock = fakeClock();
    const store = memoryStore({ clock });
    const before = createCodeService({ store, clock, keyring: testKeyring("k1") });
    const issued = await before.issue(email);

    const after = createCodeService({ store, clock, keyring: testKeyring("k2", ["k1", "k2"]) });
    const check = { ...email, challengeId: issued.challengeId };
    expect(await after.verify({ ...check, code: issued.code })).toMatchObject({ ok: true });

    // New codes, including resends of old challenges, are written under k2.
    const fresh = await after.issue(email);
    const resent = await after.resend(ref(fresh));
    expect((await storedRecord(store, fresh.challengeId)).hash.keyId).toBe("k2");
    expect(
      await after.verify({ ...email, challengeId: fresh.challengeId, code: resent.code }),
    ).toMatchObject({ ok: true });
  });

  it("throws key_not_found when the code's key has left the keyring", async () => {
    const clock = fakeClock();
    const store = memoryStore({ clock });
    const before = createCodeService({ store, clock, keyring: testKeyring("k1") });
    const issued = await before.issue(email);
    const after = createCodeService({ store, clock, keyring: testKeyring("k2") });
    const error = await after
      .verify({ ...email, challengeId: issued.challengeId, code: issued.code })
      .catch((e: unknown) => e);
    expect(isMfaError(error, "key_not_found")).toBe(true);
  });
});
