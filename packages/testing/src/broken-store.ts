/**
 * Deliberately broken stores, for proving a kit can fail: one whose compare-and-set does not
 * compare, and ones whose `putAndCount` mishandles its extra puts.
 *
 * @module
 */

import type { Store } from "@mfakit/core";
import type { PutItem } from "@mfakit/core/adapter";

/** Writes each of `puts` as a plain put. */
const writeAll = (store: Store, puts: ReadonlyArray<PutItem> = []) =>
  Promise.all(puts.map((item) => store.put(item.key, item.value, item.options)));

/**
 * `store` with a broken compare-and-set: every put succeeds, whatever version it expected (and so
 * does the document write that carries counters and extra puts). Parallel actions then all
 * commit over each other: a kit case about caps or single use must reject on it.
 */
export function brokenCompareAndSet(store: Store): Store {
  const put: Store["put"] = (key, value, options) =>
    store.put(key, value, { ...options, expectVersion: undefined });
  return {
    ...store,
    id: `${store.id}-broken-cas`,
    put,
    putAndCount: async (item, increments, puts) => {
      const written = await put(item.key, item.value, item.options);
      const counts =
        written.ok && increments.length > 0 && store.incrementMany
          ? await store.incrementMany(increments)
          : [];
      if (written.ok) await writeAll(store, puts);
      return { put: written, counts };
    },
  };
}

/**
 * How {@link brokenExtraPuts} mishandles `putAndCount`'s extra puts:
 * - `"written-when-lost"`: writes them before it knows whether the compare-and-set won, so a
 *   lost call still moves them (a message index pointing at a challenge that was never saved);
 * - `"dropped"`: never writes them (an adapter written before they existed).
 */
export type ExtraPutsFlaw = "written-when-lost" | "dropped";

/**
 * `store` (which must have `putAndCount`) whose `putAndCount` mishandles its extra puts as
 * `flaw` says; the put and the counters are the store's own. The Store kit's extra-put cases
 * must fail on it.
 *
 * @example
 * ```ts
 * const outcomes = await runStoreCases({
 *   name: "dropped",
 *   create: () => brokenExtraPuts(memoryStore({ clock }), "dropped"),
 *   advance: clock.advance,
 * });
 * ```
 */
export function brokenExtraPuts(store: Store, flaw: ExtraPutsFlaw): Store {
  const native = store.putAndCount;
  if (native === undefined) throw new Error("brokenExtraPuts: the store has no putAndCount");
  return {
    ...store,
    id: `${store.id}-extra-puts-${flaw}`,
    putAndCount: async (put, increments, puts) => {
      if (flaw === "written-when-lost") await writeAll(store, puts);
      return native.call(store, put, increments);
    },
  };
}
