/**
 * A Store wrapper that counts the calls made through it, for the cost benchmarks.
 *
 * It sits between the core and a real store and sees exactly what the core asks of the store,
 * whatever the core's internals look like: the count is of the port, not of any module.
 */
import type { Store } from "@mfakit/core";
import { observedStore, WRITE_METHODS } from "@mfakit/testing";

/** Calls counted so far (or between two points, see {@link callsBetween}). */
export interface CallCount {
  /** Every call, of any method. */
  readonly calls: number;
  /** Calls that write (`put`, `take`, `increment`, `incrementMany`, `delete`), failed compare-and-sets included. */
  readonly commits: number;
  /** Calls by method name. */
  readonly byMethod: Readonly<Record<string, number>>;
}

/** A store that counts, and its counter. */
export interface CountingStore {
  /** Pass this to `createMfa`: it forwards every call to the wrapped store. */
  readonly store: Store;
  /** A snapshot of the counts since the wrapper was made. */
  count(): CallCount;
}

/** The calls made between two snapshots of {@link CountingStore.count}. */
export function callsBetween(before: CallCount, after: CallCount): CallCount {
  const byMethod: Record<string, number> = {};
  for (const [method, n] of Object.entries(after.byMethod)) {
    const d = n - (before.byMethod[method] ?? 0);
    if (d > 0) byMethod[method] = d;
  }
  return {
    calls: after.calls - before.calls,
    commits: after.commits - before.commits,
    byMethod,
  };
}

/**
 * Wraps `inner` so that every call is counted by method. A call is counted when it is made,
 * whether it succeeds, loses its compare-and-set or throws: each is one round trip either way.
 *
 * @example
 * ```ts
 * const counted = countingStore(memoryStore());
 * const mfa = createMfa({ store: counted.store, ... });
 * const before = counted.count();
 * await mfa.enrolment.submit(id, input, session);
 * const { calls, commits } = callsBetween(before, counted.count());
 * ```
 */
export function countingStore(inner: Store): CountingStore {
  const byMethod: Record<string, number> = {};
  let calls = 0;
  let commits = 0;
  // A batch (incrementMany, putAndCount) is one round trip and, on the SQL stores, one commit.
  const store: Store = {
    ...observedStore(inner, (method) => {
      byMethod[method] = (byMethod[method] ?? 0) + 1;
      calls++;
      if (WRITE_METHODS.has(method)) commits++;
    }),
    id: `counting(${inner.id})`,
  };
  return { store, count: () => ({ calls, commits, byMethod: { ...byMethod } }) };
}
