/**
 * The failure-cap kit on the memory store, and proof the kit can fail: the same cases against a
 * memory store whose `put` ignores `expectVersion` (a compare-and-set that does not compare)
 * must reject, because then parallel actions all commit over each other's counts (REL-02).
 */
import { memoryStore } from "@mfakit/core";
import {
  brokenCompareAndSet,
  type FailureCapCaseName,
  failureCapCases,
  fakeClock,
  testFailureCaps,
} from "@mfakit/testing";
import { describe, expect, it } from "vitest";

testFailureCaps({ name: "memory", store: (clock) => memoryStore({ clock }) });

describe("Failure caps: the kit fails on a store whose put ignores expectVersion (REL-02)", () => {
  // Each case, and the assertion that must catch the broken compare-and-set.
  const expected: Array<[FailureCapCaseName, RegExp]> = [
    ["signInSmsBurst", /compared at once/],
    ["signInSmsSpreadBurst", /compared at once/],
    ["signInTotpBurst", /compared at once/],
    ["appPasswordBurst", /compared at once/],
    ["appPasswordIpBurst", /compared at once/],
    ["wizardCodeBurst", /compared at once/],
    ["wizardAuthenticatorBurst", /compared at once/],
    ["signInSmsDisable", /compared before the one that disabled/],
    ["signInTotpDisable", /compared before the one that disabled/],
    ["wizardCodeDisable", /compared before the one that disabled/],
  ];
  for (const [name, failure] of expected) {
    it(`rejects: ${failureCapCases[name].title}`, async () => {
      const clock = fakeClock();
      await expect(
        failureCapCases[name].run({ store: brokenCompareAndSet(memoryStore({ clock })), clock }),
      ).rejects.toThrow(failure);
    });
  }
});
