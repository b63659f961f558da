/**
 * TOTP-01 / TOTP-02: the official RFC 4226 and RFC 6238 vectors, the derived 6-digit and
 * boundary vectors of SECURITY.md part (b), and agreement with two independent implementations
 * (otplib and Debian's oathtool) on random secrets and times.
 */
import { execFileSync } from "node:child_process";
import {
  base32Decode,
  base32Encode,
  dynamicTruncate,
  hotp,
  hotpHmac,
  type TotpAlgorithm,
  totpAt,
  totpStep,
} from "@mfakit/core/totp";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import fc from "fast-check";
import { generate } from "otplib";
import { describe, expect, it } from "vitest";

const RFC4226_SEED = utf8ToBytes("12345678901234567890");

/** RFC 6238 Appendix A: one seed per mode, of the hash's output length. */
const SEEDS: Record<TotpAlgorithm, Uint8Array> = {
  SHA1: utf8ToBytes("12345678901234567890"),
  SHA256: utf8ToBytes("12345678901234567890123456789012"),
  SHA512: utf8ToBytes(`${"1234567890".repeat(6)}1234`),
};

// RFC 4226 Appendix D: count → [HMAC-SHA-1, truncated (hex), truncated (dec), HOTP].
const RFC4226: ReadonlyArray<readonly [string, string, number, string]> = [
  ["cc93cf18508d94934c64b65d8ba7667fb7cde4b0", "4c93cf18", 1284755224, "755224"],
  ["75a48a19d4cbe100644e8ac1397eea747a2d33ab", "41397eea", 1094287082, "287082"],
  ["0bacb7fa082fef30782211938bc1c5e70416ff44", "82fef30", 137359152, "359152"],
  ["66c28227d03a2d5529262ff016a1e6ef76557ece", "66ef7655", 1726969429, "969429"],
  ["a904c900a64b35909874b33e61c5938a8e15ed1c", "61c5938a", 1640338314, "338314"],
  ["a37e783d7b7233c083d4f62926c7a25f238d0316", "33c083d4", 868254676, "254676"],
  ["bc9cd28561042c83f219324d3c607256c03272ae", "7256c032", 1918287922, "287922"],
  ["a4fb960c0bc06e1eabb804e5b397cdc4b45596fa", "4e5b397", 82162583, "162583"],
  ["1b3c89f65e6c9e883012052823443f048b4332db", "2823443f", 673399871, "399871"],
  ["1637409809a679dc698207310c8c7fc07290d9e5", "2679dc69", 645520489, "520489"],
];

// RFC 6238 Appendix B, all 18 rows: time, T (hex), then the 8-digit TOTP per mode.
const RFC6238: ReadonlyArray<readonly [number, string, Record<TotpAlgorithm, string>]> = [
  [59, "0000000000000001", { SHA1: "94287082", SHA256: "46119246", SHA512: "90693936" }],
  [1111111109, "00000000023523EC", { SHA1: "07081804", SHA256: "68084774", SHA512: "25091201" }],
  [1111111111, "00000000023523ED", { SHA1: "14050471", SHA256: "67062674", SHA512: "99943326" }],
  [1234567890, "000000000273EF07", { SHA1: "89005924", SHA256: "91819424", SHA512: "93441116" }],
  [2000000000, "0000000003F940AA", { SHA1: "69279037", SHA256: "90698825", SHA512: "38618901" }],
  [20000000000, "0000000027BC86AA", { SHA1: "65353130", SHA256: "77737706", SHA512: "47863826" }],
];

// SECURITY.md part (b), derived 6-digit values (the last 6 digits of the RFC's 8).
const DERIVED6: ReadonlyArray<readonly [number, Record<TotpAlgorithm, string>]> = [
  [59, { SHA1: "287082", SHA256: "119246", SHA512: "693936" }],
  [1111111109, { SHA1: "081804", SHA256: "084774", SHA512: "091201" }],
  [1111111111, { SHA1: "050471", SHA256: "062674", SHA512: "943326" }],
  [1234567890, { SHA1: "005924", SHA256: "819424", SHA512: "441116" }],
  [2000000000, { SHA1: "279037", SHA256: "698825", SHA512: "618901" }],
  [20000000000, { SHA1: "353130", SHA256: "737706", SHA512: "863826" }],
];

const ALGORITHMS: readonly TotpAlgorithm[] = ["SHA1", "SHA256", "SHA512"];

describe("RFC 4226 HOTP vectors (TOTP-01)", () => {
  it.each(RFC4226.map((row, count) => [count, ...row] as const))(
    "count %i: HMAC, truncation and HOTP",
    (count, mac, truncatedHex, truncatedDec, code) => {
      const digest = hotpHmac(RFC4226_SEED, count);
      expect(bytesToHex(digest)).toBe(mac);
      expect(dynamicTruncate(digest)).toBe(truncatedDec);
      expect(dynamicTruncate(digest).toString(16)).toBe(truncatedHex);
      expect(hotp(RFC4226_SEED, count)).toBe(code);
      expect(hotp(RFC4226_SEED, BigInt(count))).toBe(code);
    },
  );

  it("dynamic truncation worked example of §5.4 gives 872921", () => {
    const digest = hexToBytes("1f8698690e02ca16618550ef7f19da8e945b555a");
    expect(dynamicTruncate(digest).toString(16)).toBe("50ef7f19");
    expect(String(dynamicTruncate(digest) % 1_000_000)).toBe("872921");
  });

  it("the seed's unpadded base32 is the one in SECURITY.md", () => {
    expect(base32Encode(RFC4226_SEED)).toBe("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    expect(base32Decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")).toEqual(RFC4226_SEED);
  });
});

describe("RFC 6238 TOTP vectors, all 18 rows with per-algorithm seeds (TOTP-01)", () => {
  const rows = RFC6238.flatMap(([time, hexT, codes]) =>
    ALGORITHMS.map((algorithm) => [time, algorithm, hexT, codes[algorithm]] as const),
  );
  it.each(rows)("t=%i %s → T=%s, TOTP %s", (time, algorithm, hexT, code) => {
    expect(totpStep(time).toString(16).toUpperCase().padStart(16, "0")).toBe(hexT);
    expect(totpAt(SEEDS[algorithm], time, { digits: 8, algorithm })).toBe(code);
  });

  it("the seeds' base32 forms are the ones in SECURITY.md (padding ignored on decode)", () => {
    expect(base32Decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA====")).toEqual(
      SEEDS.SHA256,
    );
    expect(base32Encode(SEEDS.SHA512)).toBe(
      "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA",
    );
  });
});

describe("derived 6-digit and boundary vectors (TOTP-01, TOTP-02)", () => {
  const rows = DERIVED6.flatMap(([time, codes]) =>
    ALGORITHMS.map((algorithm) => [time, algorithm, codes[algorithm]] as const),
  );
  it.each(rows)("t=%i %s → %s", (time, algorithm, code) => {
    expect(totpAt(SEEDS[algorithm], time, { algorithm })).toBe(code);
  });

  it.each([
    [0, "755224"],
    [29, "755224"],
    [29.999, "755224"],
    [30, "287082"],
    [59, "287082"],
    [60, "359152"],
  ] as const)("TOTP-02 floor: t=%d → %s", (time, code) => {
    expect(totpAt(SEEDS.SHA1, time)).toBe(code);
  });

  it("TOTP-02: counters beyond 32 bits are encoded as 8 big-endian bytes", () => {
    // t = 20000000000 gives T = 0x27BC86AA, past int32; a counter past 2^32 and a bigint one
    // past 2^53 must match the same arithmetic done in BigInt.
    expect(totpStep(20000000000)).toBe(0x27bc86aa);
    const big = 2 ** 40 + 5;
    expect(hotp(SEEDS.SHA1, big)).toBe(hotp(SEEDS.SHA1, BigInt(big)));
    expect(hotp(SEEDS.SHA1, 2n ** 64n - 1n)).toMatch(/^\d{6}$/);
    expect(() => hotp(SEEDS.SHA1, 2n ** 64n)).toThrow(/2\^64/);
    expect(() => hotp(SEEDS.SHA1, -1)).toThrow();
    expect(() => hotp(SEEDS.SHA1, 2 ** 53)).toThrow();
    expect(() => totpAt(SEEDS.SHA1, -1)).toThrow();
  });
});

describe("base32", () => {
  it("round-trips any bytes and never pads", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const text = base32Encode(bytes);
        expect(text).not.toContain("=");
        expect(base32Decode(text)).toEqual(bytes);
        expect(base32Decode(text.toLowerCase().replace(/(.{4})/g, "$1 "))).toEqual(bytes);
      }),
    );
  });

  it("refuses characters outside the alphabet and impossible lengths with invalid_input", () => {
    for (const bad of ["GEZ1", "GEZDGNB!", "A", "ABC", "ABCDEF"]) {
      expect(() => base32Decode(bad)).toThrow(expect.objectContaining({ code: "invalid_input" }));
    }
  });
});

describe("independent implementations agree (TOTP-01)", () => {
  const secretArb = fc.uint8Array({ minLength: 20, maxLength: 20 });
  // Times up to year 2603, past 2^32 seconds, to cover TOTP-02 as well.
  const timeArb = fc.integer({ min: 0, max: 20_000_000_000 });

  it("otplib generates the same codes (SHA1/SHA256/SHA512, 6 and 8 digits, 30/60 s)", async () => {
    await fc.assert(
      fc.asyncProperty(
        secretArb,
        timeArb,
        fc.constantFrom(...ALGORITHMS),
        fc.constantFrom(6 as const, 8 as const),
        fc.constantFrom(30, 60),
        async (secret, epoch, algorithm, digits, period) => {
          const theirs = await generate({
            secret: base32Encode(secret),
            epoch,
            digits,
            period,
            algorithm: algorithm.toLowerCase() as "sha1" | "sha256" | "sha512",
          });
          expect(totpAt(secret, epoch, { algorithm, digits, periodSeconds: period })).toBe(theirs);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("oathtool --totp agrees on our secrets at random times (SHA1, -d 8, sha256)", () => {
    const modes = [
      { args: ["--totp"], algorithm: "SHA1", digits: 6, periodSeconds: 30 },
      { args: ["--totp", "-d", "8"], algorithm: "SHA1", digits: 8, periodSeconds: 30 },
      { args: ["--totp=sha256"], algorithm: "SHA256", digits: 6, periodSeconds: 30 },
      {
        args: ["--totp=sha512", "-d", "8", "-s", "60"],
        algorithm: "SHA512",
        digits: 8,
        periodSeconds: 60,
      },
    ] as const;
    fc.assert(
      fc.property(secretArb, timeArb, fc.constantFrom(...modes), (secret, epoch, mode) => {
        const theirs = execFileSync(
          "oathtool",
          [...mode.args, "--base32", "-N", `@${epoch}`, base32Encode(secret)],
          { encoding: "utf8" },
        ).trim();
        const { algorithm, digits, periodSeconds } = mode;
        const ours = totpAt(secret, epoch, { algorithm, digits, periodSeconds });
        expect(ours).toBe(theirs);
      }),
      { numRuns: 40 },
    );
  });
});
