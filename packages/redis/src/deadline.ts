/**
 * Deadlines for store calls, on the client and inside the server's own statements.
 *
 * The client gives up on a call at a local deadline (a monotonic `performance.now()` instant,
 * never the injected or wall clock). That alone is not enough: a statement already sent to a
 * server that is paused (SIGSTOP, a VM freeze, a long GC-like stall) runs when the server
 * resumes, after the caller was told the call failed. So every write also carries the
 * deadline and is a no-op if the server evaluates it too late.
 *
 * Which clock decides: the server's. The deadline is passed as a server timestamp, derived
 * from a reading of the server's clock (`TIME`, on the node that owns the key) taken earlier, plus the local
 * monotonic time elapsed since that reading arrived. Neither the app's wall clock nor any
 * app-to-database clock skew enters. A deadline computed by the server when the statement
 * starts would be useless: for a paused server "start" is after it resumes.
 *
 * Why it is safe: the reading `server` was taken by the server somewhere between the local
 * instants `sentAt` and `receivedAt`, so at any later local instant T the server's clock shows
 * at least `server + (T − receivedAt)·(1 − DRIFT)` and at most `server + (T − sentAt)·(1 + DRIFT)`
 * (clocks may run apart by `DRIFT`; a server clock stepped back after the reading is not
 * covered, which is why readings are refreshed). A write script that first checks
 * `TIME < server + (deadline − receivedAt)·(1 − DRIFT)` and otherwise refuses with an error
 * therefore only ever takes effect before the local deadline. Redis runs a script without
 * interruption, so nothing can come between that check and the write.
 *
 * @module
 */

/** How far two clocks' rates may differ: 100 ppm, far more than an NTP-disciplined clock. */
const DRIFT = 1e-4;

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

/** The `code` of the error a call's step rejects with when the call's deadline passes first. */
export const DEADLINE_EXCEEDED = "deadline_exceeded";

/** The error of a call step that did not finish within the store's `timeoutMs`. */
export function deadlineExceeded(timeoutMs: number): Error {
  const error = new Error(`No answer within the store's ${timeoutMs} ms deadline.`);
  return Object.assign(error, { code: DEADLINE_EXCEEDED });
}

/**
 * Settles as `work` does if it settles before the local `deadline`, else rejects with an
 * error whose `code` is {@link DEADLINE_EXCEEDED}. `work` keeps running: if it later succeeds, `onLate` receives its
 * value (to give back a connection nobody waits for any more); a late failure is dropped.
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
