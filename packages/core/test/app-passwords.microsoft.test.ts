/**
 * The "microsoft" format: 16 letters (75.2 bits), so salted scrypt at the OWASP minimum.
 * Each scrypt here costs about a second, so the file runs as few as it can (six).
 */
import type { RandomSource } from "@mfakit/core";
import { userKey, webCryptoRandom } from "@mfakit/core/adapter";
import {
  APP_PASSWORD_SCRYPT,
  type CreatedAppPassword,
  createAppPasswordService,
} from "@mfakit/core/app-passwords";
import { randomLetters } from "@mfakit/core/crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { lookupSlot } from "../src/app-passwords/password-hash.js";
import { dump, KEY_1, keyringWith, lettersOf, setup } from "./app-passwords.helpers.js";

const USER = "alice@contoso.example";
const keyring = keyringWith("k1", { k1: KEY_1 });
const bucketOf = (letters: string) => lookupSlot(keyring, "k1", USER, letters, "microsoft");

describe("app passwords, microsoft format (STORE-02: < 112 bits)", () => {
  const env = setup({ format: "microsoft" }, keyring);
  let created: CreatedAppPassword;
  beforeAll(async () => {
    created = await env.service.create({ userId: USER, name: "Outlook 2013" });
  });

  it("GEN-04: mints 16 lowercase letters (75.2 bits) in four groups of four", () => {
    expect(env.service.options).toEqual({ cap: 40, format: "microsoft" });
    expect(created.password).toMatch(/^[a-z]{4}( [a-z]{4}){3}$/);
  });

  it("STORE-02: stores scrypt N=2^17, r=8, p=1 with a 128-bit salt under a 16-bit bucket, never the password", async () => {
    expect(APP_PASSWORD_SCRYPT).toEqual({ N: 131_072, r: 8, p: 1 });
    const records = await dump(env.store, userKey(USER, "app-pw", "b:"));
    expect(records).toHaveLength(1);
    expect(records[0]?.key).toBe(userKey(USER, "app-pw", bucketOf(lettersOf(created.password))));
    expect(records[0]?.key).toMatch(/:app-pw:b:[0-9a-f]{4}$/);
    expect(records[0]?.value).toEqual({
      v: 1,
      items: [
        {
          id: created.id,
          lastUsedAt: null,
          scrypt: {
            N: 131_072,
            r: 8,
            p: 1,
            salt: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), // 16 bytes
            hash: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), // 32 bytes
          },
        },
      ],
    });
    const text = JSON.stringify(await dump(env.store, "mfa:"));
    const bare = lettersOf(created.password);
    for (let i = 0; i + 6 <= bare.length; i++) expect(text).not.toContain(bare.slice(i, i + 6));
  });

  it("verifies in any spacing and case, also where new passwords are minted strong", async () => {
    // Switching the format never strands existing passwords: 16 letters always mean scrypt.
    const strong = createAppPasswordService({ store: env.store, keyring, clock: env.clock });
    expect(
      await strong.verify({ userId: USER, password: ` ${created.password.toUpperCase()}\t` }),
    ).toEqual({ ok: true, id: created.id, userId: USER });
    expect((await env.service.list({ userId: USER }))[0]?.lastUsedAt).toBe(env.clock.now());
  });

  it("a wrong guess in an empty bucket is refused without running scrypt", async () => {
    const bucket = bucketOf(lettersOf(created.password));
    let guess = "a".repeat(16);
    for (let i = 0; bucketOf(guess) === bucket; i++) guess = `${"b".repeat(15)}${"abc"[i]}`;
    const started = performance.now();
    expect(await env.service.verify({ userId: USER, password: guess })).toEqual({
      ok: false,
      reason: "code_mismatch",
    });
    // One scrypt at N=2^17 takes ~1 s here; HMAC and two store reads take well under 50 ms.
    expect(performance.now() - started).toBeLessThan(250);
  });
});

/** Two 16-letter passwords whose buckets collide, found by birthday search over HMACs. */
function collidingPair(): [string, string] {
  const seen = new Map<string, string>();
  for (;;) {
    const letters = randomLetters(16);
    const bucket = bucketOf(letters);
    const other = seen.get(bucket);
    if (other && other !== letters) return [other, letters];
    seen.set(bucket, letters);
  }
}

/** A random source that hands out the given letters' indexes for the next letter draw. */
function scriptedLetters(): RandomSource & { next(letters: string): void } {
  let queued: number[] = [];
  return {
    next(letters) {
      queued = Array.from(letters, (c) => c.charCodeAt(0) - 97);
    },
    bytes(length) {
      const out = webCryptoRandom.bytes(length);
      if (queued.length > 0) {
        out.set(queued.slice(0, length));
        queued = [];
      }
      return out;
    },
  };
}

describe("app passwords, microsoft format: a shared bucket", () => {
  it("BIND-08: two passwords can share a bucket, and revoking one leaves the other working", async () => {
    const random = scriptedLetters();
    const [first, second] = collidingPair();
    const { store, service } = setup({ format: "microsoft" }, keyring);
    const withRandom = createAppPasswordService(
      { store, keyring, random },
      { format: "microsoft" },
    );
    random.next(first);
    const a = await withRandom.create({ userId: USER, name: "a" });
    random.next(second);
    const b = await withRandom.create({ userId: USER, name: "b" });
    expect([lettersOf(a.password), lettersOf(b.password)]).toEqual([first, second]);
    const records = await dump(store, userKey(USER, "app-pw", "b:"));
    expect(records).toHaveLength(1);
    expect((records[0]?.value as { items: unknown[] } | undefined)?.items).toHaveLength(2);

    expect(await service.revoke({ userId: USER, id: a.id })).toBe(true);
    expect(await service.verify({ userId: USER, password: b.password })).toEqual({
      ok: true,
      id: b.id,
      userId: USER,
    });
    expect(await service.verify({ userId: USER, password: a.password })).toEqual({
      ok: false,
      reason: "code_mismatch",
    });
  });
});
