/**
 * Deadlines for a network store's calls, on the client and inside the server's own statements:
 * what lets an adapter promise that a call which timed out "happened before the deadline or
 * never" (`store_unavailable` with `data.code: "deadline_exceeded"`).
 *
 * The client gives up on a call at a local deadline (a monotonic `performance.now()` instant,
 * never the injected or wall clock). That alone is not enough: a statement already sent to a
 * server that is paused (SIGSTOP, a VM freeze, a long stall) runs when the server resumes,
 * after the caller was told the call failed. So every write also carries the deadline and is a
 * no-op if the server evaluates it too late.
 *
 * Which clock decides: the server's. The deadline is passed as a server timestamp, derived
 * from a reading of the server's clock taken earlier (PostgreSQL's `clock_timestamp()`, Redis's
 * `TIME` on the node that owns the key), plus the local monotonic time elapsed since that
 * reading arrived. Neither the app's wall clock nor any app-to-server clock skew enters. A
 * deadline computed by the server when the statement starts would be useless: for a paused
 * server "start" is after it resumes.
 *
 * Why it is safe: the reading `server` was taken by the server somewhere between the local
 * instants `sentAt` and `receivedAt`, so at any later local instant T the server's clock shows
 * at least `server + (T − receivedAt)·(1 − DRIFT)` and at most `server + (T − sentAt)·(1 + DRIFT)`
 * (clocks may run apart by `DRIFT`; a server clock stepped back after the reading is not
 * covered, which is why readings are refreshed). A write that takes effect only if the server's
 * clock is below `server + (deadline − receivedAt)·(1 − DRIFT)` at that moment (a SQL `WHERE`,
 * a Lua script's first check) therefore only ever takes effect before the local deadline.
 *
 * Used by @mfakit/postgres and @mfakit/redis; any network adapter may use it.
 *
 * @module
 */

/** How far two clocks' rates may differ: 100 ppm, far more than an NTP-disciplined clock. */
const DRIFT = 1e-4;

/** A reading of a server's clock older than this is refreshed in the background. */
const CLOCK_REFRESH_MS = 10_000;

/** The server's clock as seen from here: its time in epoch ms, and when it was asked. */
export interface ServerClockReading {
  /** The server's time (epoch ms) at some instant between `sentAt` and `receivedAt`. */
  readonly server: number;
  /** `performance.now()` just before the question was sent. */
  readonly sentAt: number;
  /** `performance.now()` when the answer arrived. */
  readonly receivedAt: number;
}

/** The server time (epoch ms) before which a write sent for local `deadline` must take effect. */
export function serverDeadline(reading: ServerClockReading, deadline: number): number {
  return reading.server + (deadline - reading.receivedAt) * (1 - DRIFT);
}

/**
 * Whether a write that answered "nothing written" at local `repliedAt` may have been refused
 * by its deadline guard rather than by its own condition (the guard's bound is conservative
 * by the reading's round trip). Then the caller must hear "unknown", not "refused". (A store
 * whose guard fails loudly, like a Lua script's error, does not need it.)
 */
export function mayHaveMissedDeadline(
  reading: ServerClockReading,
  repliedAt: number,
  deadline: number,
): boolean {
  return (
    (repliedAt - reading.sentAt) * (1 + DRIFT) >= (deadline - reading.receivedAt) * (1 - DRIFT)
  );
}

/** The `code` of the error a call's step rejects with when the call's deadline passes first. */
export const DEADLINE_EXCEEDED = "deadline_exceeded";

/** The error of a call step that did not finish within the store's `timeoutMs`. */
export function deadlineExceeded(timeoutMs: number): Error {
  const error = new Error(`No answer within the store's ${timeoutMs} ms deadline.`);
  return Object.assign(error, { code: DEADLINE_EXCEEDED });
}

/**
 * Settles as `work` does if it settles before the local `deadline`, else rejects with an
 * error whose `code` is {@link DEADLINE_EXCEEDED}. `work` keeps running: if it later succeeds,
 * `onLate` receives its value (to give back a connection nobody waits for any more); a late
 * failure is dropped.
 */
export function beforeDeadline<T>(
  work: Promise<T>,
  deadline: number,
  timeoutMs: number,
  onLate?: (value: T) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let late = false;
    const timer = setTimeout(
      () => {
        late = true;
        reject(deadlineExceeded(timeoutMs));
      },
      Math.max(0, deadline - performance.now()),
    );
    work.then(
      (value) => {
        if (late) onLate?.(value);
        else {
          clearTimeout(timer);
          resolve(value);
        }
      },
      (error: unknown) => {
        if (late) return;
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** The readings of one server's clock, kept between calls: see {@link serverClock}. */
export interface ServerClock {
  /**
   * The reading a write derives its deadline from: the kept one (refreshed in the background
   * once older than ten seconds), or, before there is one, a first reading by `read` that must
   * arrive before the local `deadline`. Concurrent calls share one pending `read`.
   */
  reading(deadline: number, read: () => Promise<ServerClockReading>): Promise<ServerClockReading>;
}

/**
 * Keeps readings of one server's clock for a store whose calls end within `timeoutMs`.
 *
 * `read` takes one reading (it measures `sentAt` itself, right before the question goes out,
 * so that waiting for a connection does not widen the reading). A fast reading replaces the
 * kept one; a slow one (a round trip over a quarter of `timeoutMs`, taken in a bad moment)
 * is kept only when there is none, because a wide round trip widens the margin in which a
 * refusal must be reported as a timeout.
 */
export function serverClock(timeoutMs: number): ServerClock {
  let kept: ServerClockReading | null = null;
  let pending: Promise<ServerClockReading> | null = null;
  const refresh = (read: () => Promise<ServerClockReading>) => {
    pending ??= read().then(
      (fresh) => {
        pending = null;
        if (!kept || fresh.receivedAt - fresh.sentAt < timeoutMs / 4) kept = fresh;
        return kept;
      },
      (error: unknown) => {
        pending = null; // the next call tries again
        throw error;
      },
    );
    return pending;
  };
  return {
    reading(deadline, read) {
      if (!kept) return beforeDeadline(refresh(read), deadline, timeoutMs);
      if (performance.now() - kept.receivedAt > CLOCK_REFRESH_MS) {
        refresh(read).catch(() => undefined); // the kept reading stays valid meanwhile
      }
      return Promise.resolve(kept);
    },
  };
}
