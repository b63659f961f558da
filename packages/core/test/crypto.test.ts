/**
 * The crypto building blocks: keyring, per-purpose sub-keys, keyed hashes, AES-GCM sealing with
 * associated data, constant-time comparison, unbiased random strings and ids.
 */

import { createKeyring, isMfaError, type KeyringOptions, type RandomSource } from "@mfakit/core";
import {
  constantTimeEqual,
  constantTimeEqualHex,
  derivedKey,
  keyedHash,
  open,
  randomId,
  randomString,
  seal,
  verifyKeyedHash,
} from "@mfakit/core/crypto";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { webCryptoAesGcm } from "../src/crypto/seal.ts";

const K1 = new Uint8Array(32).fill(1);
const K2 = new Uint8Array(32).fill(2);

describe("keyring (STORE-05)", () => {
  it("refuses short keys, bad ids and a current id it does not hold, in typed errors", () => {
    const cases: KeyringOptions[] = [
      { current: "a", keys: { a: new Uint8Array(31) } },
      { current: "a b", keys: { "a b": K1 } },
      { current: "b", keys: { a: K1 } },
      { current: "a", keys: { a: "not base64!" } },
    ];
    for (const options of cases) {
      const error = (() => {
        try {
          createKeyring(options);
        } catch (e) {
          return e;
        }
      })();
      expect(isMfaError(error, "config_invalid")).toBe(true);
      expect(JSON.stringify(error)).not.toContain("AQEB"); // never echoes key material
    }
  });

  it("accepts base64 and base64url strings of at least 32 bytes", () => {
    const b64 = Buffer.from(K1).toString("base64");
    const url = Buffer.from(K2).toString("base64url");
    const ring = createKeyring({ current: "b", keys: { a: b64, b: url } });
    expect(ring.key("a")).toEqual(K1);
    expect(ring.key("b")).toEqual(K2);
    expect(ring.key("c")).toBeUndefined();
  });

  it("derives one independent sub-key per purpose (HKDF), stable per master key", () => {
    const ring = createKeyring({ current: "a", keys: { a: K1 } });
    const code = derivedKey(ring, "a", "code-hmac");
    expect(code).toHaveLength(32);
    expect(bytesToHex(code)).not.toBe(bytesToHex(derivedKey(ring, "a", "totp-seal")));
    expect(derivedKey(ring, "a", "code-hmac")).toEqual(code);
    expect(bytesToHex(code)).not.toBe(bytesToHex(K1));
  });
});

describe("keyed hash (STORE-01, STORE-03)", () => {
  const ring = createKeyring({ current: "a", keys: { a: K1, b: K2 } });

  it("records its key id and differs from a plain hash and from another key's", () => {
    const d = keyedHash(ring, "code-hmac", ["ch_1", "123456"]);
    expect(d.keyId).toBe("a");
    expect(d.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(d.digest).not.toBe(bytesToHex(sha256(new TextEncoder().encode("ch_1123456"))));
    expect(keyedHash(ring, "code-hmac", ["ch_1", "123456"], "b").digest).not.toBe(d.digest);
  });

  it("length-prefixes its parts: ['ab','c'] and ['a','bc'] never collide", () => {
    expect(keyedHash(ring, "code-hmac", ["ab", "c"]).digest).not.toBe(
      keyedHash(ring, "code-hmac", ["a", "bc"]).digest,
    );
  });

  it("is HMAC-SHA-256 under the purpose's sub-key", () => {
    const key = derivedKey(ring, "a", "lookup-hmac");
    const parts = ["x"];
    const framed = new Uint8Array([0, 0, 0, 1, 0x78]);
    expect(keyedHash(ring, "lookup-hmac", parts).digest).toBe(
      bytesToHex(hmac(sha256, key, framed)),
    );
  });

  it("verifies under the key id it records, after the current key rotated (STORE-05)", () => {
    const old = createKeyring({ current: "a", keys: { a: K1 } });
    const d = keyedHash(old, "app-password-hmac", ["secret"]);
    const rotated = createKeyring({ current: "b", keys: { a: K1, b: K2 } });
    expect(verifyKeyedHash(rotated, "app-password-hmac", ["secret"], d)).toBe(true);
    expect(verifyKeyedHash(rotated, "app-password-hmac", ["Secret"], d)).toBe(false);
    const retired = createKeyring({ current: "b", keys: { b: K2 } });
    expect(() => verifyKeyedHash(retired, "app-password-hmac", ["secret"], d)).toThrow(/keyring/);
  });

  it("constant-time equality: same answers as ===, unequal lengths and bad hex are false", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (a, b) => {
        expect(constantTimeEqual(a, b)).toBe(bytesToHex(a) === bytesToHex(b));
        expect(constantTimeEqual(a, a.slice())).toBe(true);
      }),
    );
    expect(constantTimeEqualHex("abcd", "abcd")).toBe(true);
    expect(constantTimeEqualHex("abcd", "abce")).toBe(false);
    expect(constantTimeEqualHex("zz", "zz")).toBe(false);
  });
});

describe("AES-GCM seal / open (STORE-04, STORE-05)", () => {
  const ring = createKeyring({ current: "a", keys: { a: K1 } });
  const secret = new Uint8Array(20).fill(7);

  it("round-trips with a fresh 96-bit IV each time", async () => {
    const s1 = await seal(ring, secret, "mfakit:totp:alice:f1");
    const s2 = await seal(ring, secret, "mfakit:totp:alice:f1");
    expect(s1.keyId).toBe("a");
    expect(Buffer.from(s1.iv, "base64url")).toHaveLength(12);
    expect(s1.iv).not.toBe(s2.iv);
    expect(s1.ct).not.toBe(s2.ct);
    expect(await open(ring, s1, "mfakit:totp:alice:f1")).toEqual(secret);
  });

  it("refuses another owner's associated data and any altered byte", async () => {
    const sealed = await seal(ring, secret, "mfakit:totp:alice:f1");
    await expect(open(ring, sealed, "mfakit:totp:mallory:f1")).rejects.toMatchObject({
      code: "invalid_input",
    });
    const ct = Buffer.from(sealed.ct, "base64url");
    ct[0] = (ct[0] as number) ^ 1;
    await expect(
      open(ring, { ...sealed, ct: ct.toString("base64url") }, "mfakit:totp:alice:f1"),
    ).rejects.toMatchObject({
      code: "invalid_input",
    });
  });

  it("opens under an old key after rotation; fails typed once that key is gone", async () => {
    const sealed = await seal(ring, secret, "aad");
    const rotated = createKeyring({ current: "b", keys: { a: K1, b: K2 } });
    expect(await open(rotated, sealed, "aad")).toEqual(secret);
    expect((await seal(rotated, secret, "aad")).keyId).toBe("b");
    const retired = createKeyring({ current: "b", keys: { b: K2 } });
    await expect(open(retired, sealed, "aad")).rejects.toMatchObject({ code: "key_not_found" });
  });
});

describe("random strings and ids (GEN-02, GEN-05)", () => {
  it("uses rejection sampling: bytes at or above the largest multiple are skipped", () => {
    // A source that first offers the biased byte 255 (for 10 symbols, 250..255 must be skipped).
    let calls = 0;
    const source: RandomSource = {
      bytes: (n) => {
        calls++;
        return calls === 1 ? new Uint8Array(n).fill(255) : new Uint8Array(n).fill(13);
      },
    };
    expect(randomString(4, "0123456789", source)).toBe("3333");
    expect(calls).toBe(2);
  });

  it("ids carry 128 random bits (22 base64url characters) and a readable prefix", () => {
    const ids = new Set(Array.from({ length: 1000 }, () => randomId("ch_")));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^ch_[A-Za-z0-9_-]{22}$/);
  });
});

describe("AES-GCM implementations agree (STORE-04)", () => {
  it("a value sealed by Web Crypto opens with open(), and the other way round", async () => {
    const ring = createKeyring({ current: "a", keys: { a: K1 } });
    const key = derivedKey(ring, "a", "totp-seal");
    const iv = new Uint8Array(12).fill(9);
    const aad = new TextEncoder().encode("aad");
    const secret = new Uint8Array(20).fill(5);
    const ct = await webCryptoAesGcm.encrypt(key, iv, aad, secret);
    const sealed = {
      v: 1 as const,
      keyId: "a",
      iv: Buffer.from(iv).toString("base64url"),
      ct: Buffer.from(ct).toString("base64url"),
    };
    expect(await open(ring, sealed, "aad")).toEqual(secret);
    const mine = await seal(ring, secret, "aad");
    const back = await webCryptoAesGcm.decrypt(
      key,
      Buffer.from(mine.iv, "base64url"),
      aad,
      Buffer.from(mine.ct, "base64url"),
    );
    expect(back).toEqual(secret);
  });
});
