/**
 * A clock that only moves when a test moves it.
 *
 * @module
 */

import type { Clock } from "@mfakit/core/adapter";

/** A {@link Clock} a test controls. */
export interface FakeClock extends Clock {
  /** Moves time forward by `ms` (may be fractional; never backwards). */
  advance(ms: number): void;
  /** Sets the time to `epochMs`. */
  set(epochMs: number): void;
}

/**
 * A fake clock starting at `startMs` (default 2026-01-01T00:00:00Z).
 *
 * @example
 * ```ts
 * const clock = fakeClock();
 * const store = memoryStore({ clock });
 * clock.advance(5 * 60_000); // five minutes later, without waiting
 * ```
 */
export function fakeClock(startMs: number = Date.UTC(2026, 0, 1)): FakeClock {
  let now = startMs;
  return {
    now: () => now,
    advance(ms: number) {
      if (!(ms >= 0)) throw new RangeError("a fake clock only moves forward");
      now += ms;
    },
    set(epochMs: number) {
      now = epochMs;
    },
  };
}
