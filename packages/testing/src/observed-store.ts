/**
 * A Store that tells an observer of every call before it is made, and forwards it as it is:
 * the optional batch methods only when the wrapped store has them. Benches count calls with it;
 * the crash kit ends the process at a chosen call.
 *
 * @module
 */

import type { Store } from "@mfakit/core";

/** The Store methods a call can be of. */
export type StoreMethod = Exclude<keyof Store, "id">;

/**
 * The Store methods that write: on a durable store each call is one durable commit (a batch,
 * `incrementMany` or `putAndCount` with its extra puts, included), whether or not it won.
 */
export const WRITE_METHODS: ReadonlySet<StoreMethod> = new Set<StoreMethod>([
  "put",
  "take",
  "increment",
  "incrementMany",
  "putAndCount",
  "delete",
]);

/**
 * Wraps `inner` so that `before(method, subject)` runs before each call (`subject`: the call's key,
 * the put's key for `putAndCount`, the prefix for `list`, the item count for `incrementMany`).
 * `before` may throw or end the process: the call is then not made.
 */
export function observedStore(
  inner: Store,
  before: (method: StoreMethod, subject: string) => void,
): Store {
  const run = <T>(method: StoreMethod, subject: string, call: () => Promise<T>): Promise<T> => {
    before(method, subject);
    return call();
  };
  const { incrementMany, putAndCount } = inner;
  return {
    id: inner.id,
    get: (key) => run("get", key, () => inner.get(key)),
    put: (key, value, options) => run("put", key, () => inner.put(key, value, options)),
    take: (key) => run("take", key, () => inner.take(key)),
    increment: (key, options) => run("increment", key, () => inner.increment(key, options)),
    ...(incrementMany
      ? {
          incrementMany: (items) =>
            run("incrementMany", String(items.length), () => incrementMany.call(inner, items)),
        }
      : {}),
    ...(putAndCount
      ? {
          putAndCount: (put, increments, puts) =>
            run("putAndCount", put.key, () => putAndCount.call(inner, put, increments, puts)),
        }
      : {}),
    delete: (key) => run("delete", key, () => inner.delete(key)),
    list: (prefix, options) => run("list", prefix, () => inner.list(prefix, options)),
  } satisfies Store;
}
