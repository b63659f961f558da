// The unit of work's queued writes of keys of no user (putOnCommit): they ride in the
// document's commit, land only with it, and are dropped with a lost one, like countOnCommit.
import { isMfaError, memoryStore } from "@mfakit/core";
import { fakeClock, observedStore } from "@mfakit/testing";
import { describe, expect, it } from "vitest";
import { detachedUnit, openUnit } from "../src/account/unit-of-work.js";
import { guardStore } from "../src/ports/guarded-store.js";

function setup() {
  const clock = fakeClock(Date.UTC(2026, 10, 25, 9));
  const memory = memoryStore({ clock });
  const calls: string[] = [];
  const base = guardStore(
    observedStore(memory, (method, subject) => calls.push(`${method} ${subject}`)),
  );
  return { clock, memory, base, calls };
}

describe("UnitOfWork.putOnCommit", () => {
  it("REL-01: a queued write lands in the document's one putAndCount, with its TTL, only when the commit wins", async () => {
    const { clock, memory, base, calls } = setup();
    const one = await openUnit(base, clock, "u1");
    const two = await openUnit(base, clock, "u1");
    await two.store.put("mfa:{u1}:x", "two");
    await one.store.put("mfa:{u1}:x", "one");
    const counted = one.countOnCommit([{ key: "mfa:stats:n" }]);
    one.putOnCommit({ key: "mfa:index:a", value: { to: "u1" }, options: { ttlMs: 1000 } });
    one.putOnCommit({ key: "mfa:{u1}:own", value: "mine" });
    calls.length = 0;
    expect(await two.commit()).toBe(true);
    // The loser writes nothing: its document, counter and queued write are all dropped.
    expect(await one.commit()).toBe(false);
    expect(counted.counts).toBeNull();
    expect(await memory.get("mfa:index:a")).toBeNull();
    expect(await memory.get("mfa:stats:n")).toBeNull();
    // Run again on what won: one call writes the document, the counter and the index.
    await one.store.put("mfa:{u1}:x", "one");
    const again = one.countOnCommit([{ key: "mfa:stats:n" }]);
    one.putOnCommit({ key: "mfa:index:a", value: { to: "old" } });
    one.putOnCommit({ key: "mfa:index:a", value: { to: "u1" }, options: { ttlMs: 1000 } });
    one.putOnCommit({ key: "mfa:{u1}:own", value: "mine" });
    calls.length = 0;
    expect(await one.commit()).toBe(true);
    expect(calls).toEqual(["putAndCount mfa:{u1}:account"]);
    expect(again.counts).toEqual([1]);
    expect((await memory.get("mfa:index:a"))?.value).toEqual({ to: "u1" });
    // A user's own key goes into the document, not beside it.
    expect(await memory.get("mfa:{u1}:own")).toBeNull();
    expect((await one.store.get("mfa:{u1}:own"))?.value).toBe("mine");
    clock.advance(1000);
    expect(await memory.get("mfa:index:a")).toBeNull();
  });

  it("with nothing of the user's to write, and in a detached unit, each queued write is its own put", async () => {
    const { clock, memory, base, calls } = setup();
    const unit = await openUnit(base, clock, "u1");
    unit.putOnCommit({ key: "mfa:index:b", value: 1 });
    calls.length = 0;
    expect(await unit.commit()).toBe(true);
    expect(calls).toEqual(["put mfa:index:b"]);
    const detached = detachedUnit(base);
    detached.putOnCommit({ key: "mfa:index:c", value: 2 });
    expect(await memory.get("mfa:index:c")).toBeNull();
    await detached.commit();
    expect((await memory.get("mfa:index:c"))?.value).toBe(2);
    expect((await memory.get("mfa:index:b"))?.value).toBe(1);
  });

  it("refuses a queued write with a compare-and-set of its own (the commit has one, the document's)", async () => {
    const { clock, base } = setup();
    const unit = await openUnit(base, clock, "u1");
    for (const u of [unit, detachedUnit(base)]) {
      let error: unknown;
      try {
        u.putOnCommit({ key: "mfa:index:d", value: 1, options: { expectVersion: null } });
      } catch (e) {
        error = e;
      }
      expect(isMfaError(error, "store_invalid_operation")).toBe(true);
    }
  });
});

describe("UnitOfWork.commit under contention", () => {
  it("REL-02, RATE-08: 200 parallel actions on one document all commit within their 8 retries, because a lost commit backs off at random before it reloads", async () => {
    const { clock, base } = setup();
    // What inUnit does: run, commit, and on a lost commit run again on what won.
    const action = async () => {
      const unit = await openUnit(base, clock, "u1");
      for (let round = 0; round <= 8; round++) {
        const n = ((await unit.store.get<number>("mfa:{u1}:n"))?.value ?? 0) + 1;
        await unit.store.put("mfa:{u1}:n", n);
        if (await unit.commit()) return "committed";
      }
      return "store_conflict";
    };
    const outcomes = await Promise.all(Array.from({ length: 200 }, action));
    // Racing in lock step (reload and retry at once), one action commits per round: 9 of 200.
    expect(outcomes.filter((o) => o === "committed")).toHaveLength(200);
    const reader = await openUnit(base, clock, "u1");
    expect((await reader.store.get("mfa:{u1}:n"))?.value).toBe(200);
  });
});
