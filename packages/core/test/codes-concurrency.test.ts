/**
 * Concurrency of the code service, with real concurrent calls on the memory store (whose
 * methods are each atomic): single use (REL-01), atomic attempt counting (REL-02) and resends
 * that lose no update (LIFE-07).
 */
import { isMfaError } from "@mfakit/core";
import { userKey } from "@mfakit/core/adapter";
import { describe, expect, it } from "vitest";
import { PHONE, ref, setup, USER } from "./codes-fixture.js";

const signin = { userId: USER, purpose: "signin:sms", destination: PHONE };

describe("codes under concurrency", () => {
  it("50 concurrent checks of the right code: exactly 1 ok, 49 not_found (REL-01, LIFE-03)", async () => {
    const { codes } = setup({ maxAttempts: 5 });
    const issued = await codes.issue(signin);
    const check = { ...signin, challengeId: issued.challengeId, code: issued.code };
    const results = await Promise.all(Array.from({ length: 50 }, () => codes.verify(check)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.reason)).toEqual(
      Array(49).fill("not_found"),
    );
    expect(await codes.verify(check)).toEqual({ ok: false, reason: "not_found" });
    expect(await codes.status(ref(issued))).toBeNull();
  });

  it("200 concurrent wrong guesses: counter is 200, only maxAttempts compared (REL-02, RATE-01)", async () => {
    const { codes, keyring, memory, wrong } = setup({ maxAttempts: 5 });
    const issued = await codes.issue(signin);
    const lookupsAfterIssue = keyring.lookups;
    const check = { ...signin, challengeId: issued.challengeId, code: wrong(issued.code) };
    const results = await Promise.all(Array.from({ length: 200 }, () => codes.verify(check)));

    // Each comparison against the stored digest derives the key once: exactly 5 happened.
    expect(keyring.lookups - lookupsAfterIssue).toBe(5);
    const counter = await memory.get(userKey(USER, "code-attempts", issued.challengeId));
    expect(counter?.value).toBe(200);
    const mismatches = results.filter((r) => !r.ok && r.reason === "code_mismatch");
    expect(mismatches.map((r) => !r.ok && r.attemptsLeft).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(results.filter((r) => !r.ok && r.reason === "locked")).toHaveLength(195);
    // The challenge is dead, even for the right code.
    expect(await codes.verify({ ...check, code: issued.code })).toEqual({
      ok: false,
      reason: "locked",
      attemptsLeft: 0,
    });
  });

  it("200 concurrent guesses including the right one: still at most maxAttempts compared (REL-02)", async () => {
    const { codes, keyring, wrong } = setup({ maxAttempts: 3 });
    const issued = await codes.issue(signin);
    const before = keyring.lookups;
    const base = { ...signin, challengeId: issued.challengeId };
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        codes.verify({ ...base, code: i === 100 ? issued.code : wrong(issued.code) }),
      ),
    );
    expect(keyring.lookups - before).toBeLessThanOrEqual(3);
    // The right code came too late to be compared: refused like every guess past the cap.
    expect(results[100]).toMatchObject({ ok: false });
  });

  it("concurrent resends lose no update and leave one live code (LIFE-07)", async () => {
    const { codes } = setup({ maxSends: 5, maxAttempts: 10 });
    const issued = await codes.issue(signin);
    const resent = await Promise.all(Array.from({ length: 4 }, () => codes.resend(ref(issued))));
    expect(resent.map((r) => r.sendCount).sort()).toEqual([2, 3, 4, 5]);
    expect(await codes.status(ref(issued))).toMatchObject({ sendCount: 5, sendsLeft: 0 });

    const last = resent.find((r) => r.sendCount === 5);
    if (!last) throw new Error("no last send");
    const check = { ...signin, challengeId: issued.challengeId };
    for (const dead of [issued, ...resent]) {
      if (dead === last || dead.code === last.code) continue; // equal by chance: 1 in 10^6
      expect(await codes.verify({ ...check, code: dead.code })).toMatchObject({
        reason: "code_mismatch",
      });
    }
    expect(await codes.verify({ ...check, code: last.code })).toMatchObject({ ok: true });
  });

  it("concurrent resends past maxSends: the excess is refused, the count is exact", async () => {
    const { codes } = setup({ maxSends: 5 });
    const issued = await codes.issue(signin);
    const settled = await Promise.allSettled(
      Array.from({ length: 8 }, () => codes.resend(ref(issued))),
    );
    const sent = settled.filter((s) => s.status === "fulfilled");
    const refused = settled.flatMap((s) => (s.status === "rejected" ? [s.reason] : []));
    expect(sent).toHaveLength(4);
    expect(refused.every((e) => isMfaError(e, "resend_limit_reached"))).toBe(true);
    expect(await codes.status(ref(issued))).toMatchObject({ sendCount: 5 });
  });

  it("a check racing a resend never lets the old code in after the new one is sent (LIFE-07)", async () => {
    for (let round = 0; round < 20; round++) {
      const { codes } = setup();
      const issued = await codes.issue(signin);
      const check = { ...signin, challengeId: issued.challengeId, code: issued.code };
      const [verified, resent] = await Promise.allSettled([
        codes.verify(check),
        codes.resend(ref(issued)),
      ]);
      const ok = verified.status === "fulfilled" && verified.value.ok;
      if (resent.status === "fulfilled") {
        // The resend wrote after the check read: the check must not have consumed anything.
        expect(ok).toBe(false);
        expect(await codes.status(ref(issued))).toMatchObject({ sendCount: 2 });
      } else {
        expect(ok).toBe(true);
        expect(isMfaError(resent.reason, "challenge_not_found")).toBe(true);
      }
    }
  });
});
