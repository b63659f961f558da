/**
 * Property tests (fast-check) of the code service: input that is not exactly N ASCII digits is
 * refused before any state changes (REL-07), and a code verifies once for its own binding and
 * never for another (LIFE-03, LIFE-04).
 */
import { isMfaError } from "@mfakit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dump, PHONE, setup, USER } from "./codes-fixture.js";

const purposeArb = fc.stringMatching(/^[a-z0-9:._-]{1,64}$/);
const phoneArb = fc.stringMatching(/^\+[1-9][0-9]{1,14}$/);
const emailArb = fc
  .tuple(
    fc.stringMatching(/^[a-z0-9._+-]{1,20}$/),
    fc.stringMatching(/^[a-z0-9-]{1,20}\.[a-z]{2,6}$/),
  )
  .map(([local, domain]) => `${local}@${domain}`);
const destinationArb = fc.oneof(phoneArb, emailArb);

/** Strings that look like codes and are not: near-misses built from digit-like characters. */
const nearMissArb = fc.string({
  unit: fc.constantFrom(..."0123456789０１２３４٠١٢ +-.eExX\t\n\u00a0\u200b".split("")),
  minLength: 0,
  maxLength: 9,
});

describe("codes: properties", () => {
  it("anything but exactly 6 ASCII digits is refused with no state change (REL-07)", async () => {
    const { codes, store, memory } = setup();
    const issued = await codes.issue({ userId: USER, purpose: "signin:sms", destination: PHONE });
    const before = await dump(memory);
    const callsBefore = { ...store.calls };
    await fc.assert(
      fc.asyncProperty(
        fc
          .oneof(fc.string(), fc.string({ unit: "grapheme" }), nearMissArb, fc.anything())
          .filter((v) => !(typeof v === "string" && /^[0-9]{6}$/.test(v))),
        async (code) => {
          const error = await codes
            .verify({
              userId: USER,
              purpose: "signin:sms",
              destination: PHONE,
              challengeId: issued.challengeId,
              code: code as string,
            })
            .then(
              () => null,
              (e: unknown) => e,
            );
          expect(isMfaError(error, "invalid_code_format")).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
    expect(store.calls).toEqual(callsBefore);
    expect(await dump(memory)).toEqual(before);
  });

  it("an issued code verifies once for its binding and never for another (LIFE-03, LIFE-04)", async () => {
    await fc.assert(
      fc.asyncProperty(
        purposeArb,
        destinationArb,
        purposeArb,
        destinationArb,
        fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 40 }),
        async (purpose, destination, otherPurpose, otherDestination, otherUser) => {
          fc.pre(otherPurpose !== purpose && otherDestination !== destination);
          fc.pre(otherUser !== USER);
          const { codes } = setup({ maxAttempts: 10 });
          const issued = await codes.issue({ userId: USER, purpose, destination });
          const right = { userId: USER, purpose, destination, challengeId: issued.challengeId };
          const code = issued.code;
          const other = await codes.issue({ userId: USER, purpose, destination });

          const wrongBindings = [
            { ...right, purpose: otherPurpose },
            { ...right, destination: otherDestination },
            { ...right, userId: otherUser },
            ...(other.code === code ? [] : [{ ...right, challengeId: other.challengeId }]),
          ];
          for (const binding of wrongBindings) {
            expect((await codes.verify({ ...binding, code })).ok).toBe(false);
          }
          expect(await codes.verify({ ...right, code })).toEqual({
            ok: true,
            challengeId: issued.challengeId,
          });
          for (const binding of [right, ...wrongBindings]) {
            expect((await codes.verify({ ...binding, code })).ok).toBe(false);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
