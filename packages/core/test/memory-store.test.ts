import { isMfaError, memoryStore } from "@mfakit/core";
import { guardStore } from "@mfakit/core/adapter";
import { fakeClock, testStore } from "@mfakit/testing";
import { describe, expect, it } from "vitest";

const clock = fakeClock();

testStore({
  name: "memory",
  create: () => memoryStore({ clock }),
  advance: (ms) => clock.advance(ms),
  batchAllOrNothing: true,
  putAndCountAllOrNothing: true,
});

// The refusals themselves are guardStore's, tested in guarded-store.test.ts; here only that this
// store comes guarded and keeps its own method.
describe("memoryStore", () => {
  it("comes wrapped in guardStore, with size() kept: a malformed call is store_invalid_operation and stores nothing (REL-07)", async () => {
    const store = memoryStore();
    expect(guardStore(store)).toBe(store);
    for (const call of [
      store.put("mfa:{u}:x", undefined as never),
      store.put("mfa:{u}:x", 1, { ttlMs: Number.NaN }),
      store.increment("", { by: 1 }),
    ]) {
      expect(isMfaError(await call.catch((e: unknown) => e), "store_invalid_operation")).toBe(true);
    }
    expect(store.size()).toBe(0);
    await store.put("mfa:{u}:x", 1);
    expect(store.size()).toBe(1);
  });
});
