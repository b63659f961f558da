/**
 * The deadline arithmetic on its own (the fault tests show it on a real server): whatever the
 * server's clock really showed within a reading's round trip, a write whose server-side guard
 * passes ran before the caller's local deadline, and a refusal that may have been the guard's is
 * recognised as such (REL-05).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  beforeDeadline,
  DEADLINE_EXCEEDED,
  mayHaveMissedDeadline,
  serverDeadline,
} from "../src/store/server-deadline.js";

/**
 * A consistent world: the server's clock is `offset` ahead of the local monotonic clock and runs
 * at `rate` of its speed; the reading was answered at local `answeredAt` within its round trip.
 */
const world = fc
  .record({
    sentAt: fc.double({ min: 0, max: 1e6, noNaN: true }),
    rtt: fc.double({ min: 0, max: 500, noNaN: true }),
    answeredWithin: fc.double({ min: 0, max: 1, noNaN: true }),
    offset: fc.double({ min: -1e12, max: 1e12, noNaN: true }),
    rate: fc.double({ min: 1 - 1e-4, max: 1 + 1e-4, noNaN: true }),
    budget: fc.double({ min: 1, max: 60_000, noNaN: true }),
    at: fc.double({ min: 0, max: 2, noNaN: true }),
  })
  .map((w) => {
    const receivedAt = w.sentAt + w.rtt;
    const answeredAt = w.sentAt + w.rtt * w.answeredWithin;
    const serverAt = (t: number) => w.offset + answeredAt + (t - answeredAt) * w.rate;
    const deadline = receivedAt + w.budget;
    return {
      reading: { server: serverAt(answeredAt), sentAt: w.sentAt, receivedAt },
      serverAt,
      deadline,
      /** A local instant after the reading arrived, before or after the deadline. */
      t: receivedAt + w.budget * w.at,
    };
  });

/** Float rounding at epoch-millisecond magnitudes: a microsecond is far below any real effect. */
const EPSILON = 1e-3;

describe("the write deadline on the server's clock (REL-05)", () => {
  it("a guard that passes on the server means the write ran before the local deadline, whatever the skew", () => {
    fc.assert(
      fc.property(world, ({ reading, serverAt, deadline, t }) => {
        if (serverAt(t) < serverDeadline(reading, deadline)) {
          expect(t).toBeLessThan(deadline + EPSILON);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it("a refusal the guard may have caused is recognised: reported as a timeout, not as a lost race", () => {
    fc.assert(
      fc.property(world, ({ reading, serverAt, deadline, t }) => {
        // The statement was evaluated at t and answered no later than t.
        if (serverAt(t) >= serverDeadline(reading, deadline) + EPSILON) {
          expect(mayHaveMissedDeadline(reading, t, deadline)).toBe(true);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it("a reply well before the deadline is trusted", () => {
    const reading = { server: 1_000_000, sentAt: 0, receivedAt: 2 };
    expect(mayHaveMissedDeadline(reading, 500, 2000)).toBe(false);
    expect(mayHaveMissedDeadline(reading, 1999, 2000)).toBe(true);
  });
});

describe("beforeDeadline", () => {
  it("passes a result that comes in time through", async () => {
    expect(await beforeDeadline(Promise.resolve(7), performance.now() + 100, 100)).toBe(7);
    await expect(
      beforeDeadline(Promise.reject(new Error("boom")), performance.now() + 100, 100),
    ).rejects.toThrow("boom");
  });

  it("rejects at the deadline with deadline_exceeded; a late value goes to onLate, a late failure is dropped", async () => {
    let late: number | undefined;
    const slow = new Promise<number>((r) => setTimeout(() => r(1), 80));
    const started = performance.now();
    const error = await beforeDeadline(slow, performance.now() + 30, 30, (v) => {
      late = v;
    }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe(DEADLINE_EXCEEDED);
    expect(performance.now() - started).toBeLessThan(75);
    await slow;
    expect(late).toBe(1);
    // Would fail the run as an unhandled rejection if it were not dropped.
    const failing = new Promise<number>((_, reject) =>
      setTimeout(() => reject(new Error("x")), 20),
    );
    await beforeDeadline(failing, performance.now(), 1).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 40));
  });
});
