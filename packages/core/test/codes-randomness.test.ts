/**
 * The codes the service issues are uniform digits from the CSPRNG (GEN-01) with no modulo bias
 * (GEN-02): chi-square over 10^6 digits of issued codes, overall and per position, with a check
 * that the same test does catch the bias of a naive `byte % 10`.
 */
import { webCryptoRandom } from "@mfakit/core/adapter";
import { describe, expect, it } from "vitest";
import { pooledRandom } from "../src/codes/pooled-random.js";
import { EMAIL, seededRandom, setup, USER } from "./codes-fixture.js";

/** Chi-square with 9 degrees of freedom exceeds this with probability 10^-6 under uniformity. */
const CHI2_9DF_P1E6 = 44.84;

function chiSquare(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
}

describe("codes: randomness of issued codes (GEN-01, GEN-02)", () => {
  it("10^6 digits of issued codes are uniform overall and at every position; leading zeros occur", async () => {
    const length = 10;
    const { codes } = setup({ length });
    const issues = 100_000; // 100,000 codes × 10 digits = 10^6 digits
    const overall = Array<number>(10).fill(0);
    const byPosition = Array.from({ length }, () => Array<number>(10).fill(0));
    let leadingZeros = 0;
    const input = { userId: USER, purpose: "enrol:email", destination: EMAIL };
    for (let i = 0; i < issues; i++) {
      const { code } = await codes.issue(input);
      if (!/^[0-9]{10}$/.test(code)) throw new Error("not 10 ASCII digits");
      for (let p = 0; p < length; p++) {
        const d = code.charCodeAt(p) - 48;
        (overall[d] as number)++;
        (byPosition[p] as number[])[d] = ((byPosition[p] as number[])[d] as number) + 1;
      }
      if (code[0] === "0") leadingZeros++;
    }
    expect(chiSquare(overall)).toBeLessThan(CHI2_9DF_P1E6);
    for (const counts of byPosition) expect(chiSquare(counts)).toBeLessThan(CHI2_9DF_P1E6);
    // About 10,000 codes start with 0 (binomial sd ≈ 95).
    expect(leadingZeros).toBeGreaterThan(9_000);
    expect(leadingZeros).toBeLessThan(11_000);
  }, 60_000);

  it("the same test catches the modulo bias of `byte % 10` over 10^6 digits (GEN-02)", () => {
    const counts = Array<number>(10).fill(0);
    const bytes = webCryptoRandom.bytes(1_000_000);
    for (const b of bytes) (counts[b % 10] as number)++;
    // 0-5 come up 26 times in 256, 6-9 only 25: the expected statistic is about 366.
    expect(chiSquare(counts)).toBeGreaterThan(CHI2_9DF_P1E6);
  });

  it("6-digit codes include leading zeros and every digit (GEN-01)", async () => {
    const { codes } = setup();
    const input = { userId: USER, purpose: "enrol:email", destination: EMAIL };
    const seen = new Set<string>();
    let leadingZero = false;
    for (let i = 0; i < 2_000; i++) {
      const { code } = await codes.issue(input);
      expect(code).toMatch(/^[0-9]{6}$/);
      for (const d of code) seen.add(d);
      if (code.startsWith("0")) leadingZero = true;
    }
    expect(leadingZero).toBe(true);
    expect(seen.size).toBe(10);
  });

  it("the block-reading random source serves the source's bytes, each once (GEN-01)", () => {
    const pooled = pooledRandom(seededRandom(7));
    const stream = seededRandom(7).bytes(2048);
    const slice = (from: number, to: number) => stream.slice(from, to);
    // Blocks are 512 bytes, served in order.
    expect([16, 12, 1, 300].map((n) => pooled.bytes(n))).toEqual([
      slice(0, 16),
      slice(16, 28),
      slice(28, 29),
      slice(29, 329),
    ]);
    // A draw that does not fit what is left starts a new block; the rest is never served.
    expect(pooled.bytes(200)).toEqual(slice(512, 712));
    // A draw larger than a block goes straight to the source.
    expect(pooled.bytes(600)).toEqual(slice(1024, 1624));
    expect(pooled.bytes(5)).toEqual(slice(712, 717));
  });
});
