/**
 * The single-use kit on the memory store, and proof the kit can fail: every case against a memory
 * store whose compare-and-set does not compare must reject, because then parallel uses of one
 * secret all commit (LIFE-03, REL-01).
 */
import { memoryStore } from "@mfakit/core";
import { brokenCompareAndSet, fakeClock, singleUseCases, testSingleUse } from "@mfakit/testing";
import { describe, expect, it } from "vitest";

testSingleUse({ name: "memory", store: (clock) => memoryStore({ clock }) });

describe("Single use: the kit fails on a store whose put ignores expectVersion (REL-01)", () => {
  for (const [name, kase] of Object.entries(singleUseCases)) {
    it(`rejects: ${kase.title} [${name}]`, async () => {
      const clock = fakeClock();
      await expect(
        kase.run({ store: brokenCompareAndSet(memoryStore({ clock })), clock }),
      ).rejects.toThrow();
    });
  }
});
