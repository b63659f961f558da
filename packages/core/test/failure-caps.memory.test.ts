/**
 * The failure-cap kit on the memory store, and proof the kit can fail: the same cases against a
 * memory store whose `put` ignores `expectVersion` (a compare-and-set that does not compare)
 * must reject, because then parallel checks all reserve the same attempt (REL-02).
 */
import { memoryStore, type Store } from "@mfakit/core";
import {
  type FailureCapCaseName,
  failureCapCases,
  fakeClock,
  testFailureCaps,
} from "@mfakit/testing";
import { describe, expect, it } from "vitest";

testFailureCaps({ name: "memory", store: (clock) => memoryStore({ clock }) });

/** `store` with a broken compare-and-set: every put succeeds, whatever version it expected. */
function brokenCompareAndSet(store: Store): Store {
  return {
    ...store,
    id: `${store.id}-broken-cas`,
    put: (key, value, options) => store.put(key, value, { ...options, expectVersion: undefined }),
  };
}

describe("Failure caps: the kit fails on a store whose put ignores expectVersion (REL-02)", () => {
  const bursts: FailureCapCaseName[] = [
    "signInSmsBurst",
    "signInSmsSpreadBurst",
    "signInTotpBurst",
    "appPasswordBurst",
    "appPasswordIpBurst",
    "wizardCodeBurst",
    "wizardAuthenticatorBurst",
  ];
  for (const name of bursts) {
    it(`rejects: ${failureCapCases[name].title}`, async () => {
      const clock = fakeClock();
      await expect(
        failureCapCases[name].run({ store: brokenCompareAndSet(memoryStore({ clock })), clock }),
      ).rejects.toThrow(/compared at once|failures counted/);
    });
  }
});
