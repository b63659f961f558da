/**
 * App-password verify (strong format, memory store) against the two ends it sits between:
 * one raw HMAC-SHA-256 (the floor: what STORE-02 says a ≥ 112-bit secret needs) and verifying
 * a password stored with scrypt at the OWASP minimum (N=2^17, r=8, p=1), which is what a
 * 16-letter app password must pay. Both baselines use Node's native crypto, so the ratios are
 * against the fastest implementation available, not against our own.
 */
import { createHmac, randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { createKeyring, memoryStore } from "@mfakit/core";
import { createAppPasswordService } from "@mfakit/core/app-passwords";
import { figure, measure, report } from "./harness.ts";

const SCRYPT = { N: 2 ** 17, r: 8, p: 1, maxmem: 256 * 1024 * 1024 };

function scryptAsync(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, 32, SCRYPT, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function run(): Promise<number> {
  const service = createAppPasswordService({
    store: memoryStore(),
    keyring: createKeyring({ current: "k1", keys: { k1: new Uint8Array(32).fill(7) } }),
  });
  const userId = "alice@contoso.example";
  for (let i = 0; i < 39; i++) await service.create({ userId, name: `device ${i}` });
  const { password } = await service.create({ userId, name: "Thunderbird" });

  const subject = await measure(async () => {
    const r = await service.verify({ userId, password });
    if (!r.ok) throw new Error("the app password should verify");
  });

  const hmacKey = randomBytes(32);
  const hmacOnly = await measure(() =>
    createHmac("sha256", hmacKey).update(userId).update(password).digest(),
  );

  const salt = randomBytes(16);
  const stored = await scryptAsync(password, salt);
  // A few iterations only: each one takes most of a second.
  const scryptVerify = await measure(
    async () => {
      if (!timingSafeEqual(await scryptAsync(password, salt), stored)) throw new Error("mismatch");
    },
    { durationMs: 1500, warmupMs: 0 },
  );

  figure("user holds", "40 app passwords; last use recorded at most once a minute");
  let misses = 0;
  if (
    !report(
      "app-password verify (strong, memory store) vs verifying a scrypt-stored password",
      { name: "appPasswords.verify", m: subject },
      { name: "scrypt N=2^17 r=8 p=1 (node:crypto)", m: scryptVerify },
      { atLeastFaster: 1000 },
    )
  ) {
    misses++;
  }
  if (
    !report(
      "app-password verify (strong, memory store) vs one raw HMAC-SHA-256",
      { name: "appPasswords.verify", m: subject },
      { name: "HMAC-SHA-256 (node:crypto)", m: hmacOnly },
      { maxRatio: 25 },
    )
  ) {
    misses++;
  }
  return misses;
}
