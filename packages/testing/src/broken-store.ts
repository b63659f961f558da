/**
 * A deliberately broken store, for proving a kit can fail: one whose compare-and-set does not
 * compare.
 *
 * @module
 */

import type { Store } from "@mfakit/core";

/**
 * `store` with a broken compare-and-set: every put succeeds, whatever version it expected (and so
 * does the document write that carries counters). Parallel actions then all commit over each
 * other: a kit case about caps or single use must reject on it.
 */
export function brokenCompareAndSet(store: Store): Store {
  const put: Store["put"] = (key, value, options) =>
    store.put(key, value, { ...options, expectVersion: undefined });
  return {
    ...store,
    id: `${store.id}-broken-cas`,
    put,
    putAndCount: async (item, increments) => {
      const written = await put(item.key, item.value, item.options);
      const counts =
        written.ok && increments.length > 0 && store.incrementMany
          ? await store.incrementMany(increments)
          : [];
      return { put: written, counts };
    },
  };
}
