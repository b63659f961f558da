// guardStore: every bad call is refused before it reaches the adapter (a recording spy in front
// of a real memory store proves it), adapter failures come out typed, and a guarded memory store
// still passes the whole Store conformance kit.
import { isMfaError, type JsonValue, MfaError, memoryStore, type Store } from "@mfakit/core";
import type { GuardedStore } from "@mfakit/core/adapter";
import { fakeClock, testStore } from "@mfakit/testing";
import { describe, expect, it } from "vitest";
import {
  guardStore,
  MAX_INCREMENT_MANY_ITEMS,
  MAX_PUT_AND_COUNT_PUTS,
  MAX_STORE_LIST_LIMIT,
  MAX_STORE_TTL_MS,
  MAX_STORE_VALUE_DEPTH,
} from "../src/ports/guarded-store.js";

const clock = fakeClock();

testStore({
  name: "memory, guarded",
  create: () => guardStore(memoryStore({ clock })),
  advance: (ms) => clock.advance(ms),
  batchAllOrNothing: true,
  putAndCountAllOrNothing: true,
});

/** A copy of the memory store without its native `incrementMany` and `putAndCount`. */
function withoutBatch(store: Store): Store {
  const { incrementMany: _batch, putAndCount: _both, ...rest } = store;
  return rest;
}

/** A copy of the memory store without its native `putAndCount` (its batch kept). */
function withoutPutAndCount(store: Store): Store {
  const { putAndCount: _both, ...rest } = store;
  return rest;
}

// The guard's fallbacks (parallel increments; put then the batch) are exact per counter and
// count nothing for a lost compare-and-set, but are not all or nothing.
testStore({
  name: "memory without incrementMany and putAndCount, guarded (the guard's fallbacks)",
  create: () => guardStore(withoutBatch(memoryStore({ clock }))),
  advance: (ms) => clock.advance(ms),
});
testStore({
  name: "memory without putAndCount, guarded (the guard's fallback over the native batch)",
  create: () => guardStore(withoutPutAndCount(memoryStore({ clock }))),
  advance: (ms) => clock.advance(ms),
  batchAllOrNothing: true,
});

/**
 * A real memory store behind a recorder of every call that reached it; without `incrementMany`
 * unless `batch`, and without `putAndCount` unless `both` (so the guard's fallbacks run).
 */
function spiedStore(batch = false, both = false) {
  const inner = memoryStore({ clock: fakeClock() });
  const calls: Array<{ method: string; args: unknown[] }> = [];
  const seen = <R>(method: string, args: unknown[], run: () => R): R => {
    calls.push({ method, args });
    return run();
  };
  const store: Store = {
    id: "spy",
    get: (key) => seen("get", [key], () => inner.get(key)),
    put: (key, value, options) =>
      seen("put", [key, value, options], () => inner.put(key, value, options)),
    take: (key) => seen("take", [key], () => inner.take(key)),
    increment: (key, options) =>
      seen("increment", [key, options], () => inner.increment(key, options)),
    delete: (key) => seen("delete", [key], () => inner.delete(key)),
    list: (prefix, options) => seen("list", [prefix, options], () => inner.list(prefix, options)),
    ...(batch && {
      incrementMany: (items) => seen("incrementMany", [items], () => inner.incrementMany(items)),
    }),
    ...(both && {
      putAndCount: (put, increments, puts) =>
        seen("putAndCount", [put, increments, puts], () =>
          inner.putAndCount(put, increments, puts),
        ),
    }),
  };
  return { store, calls, guarded: guardStore(store) };
}

const errorOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

/** Expects `run` to be refused with store_invalid_operation for `field`, the adapter untouched. */
async function expectRefused(
  run: (store: Store) => Promise<unknown>,
  field: string,
  max?: number,
): Promise<void> {
  const { calls, guarded } = spiedStore();
  const error = await errorOf(run(guarded));
  expect(isMfaError(error, "store_invalid_operation"), String(error)).toBe(true);
  expect((error as MfaError).data.field).toBe(field);
  if (max !== undefined) expect((error as MfaError).data.max).toBe(max);
  expect(calls).toEqual([]);
}

/** `incrementMany` on the guarded store (the spy's adapter has none: the fallback runs). */
const batch = (s: Store, items: Parameters<GuardedStore["incrementMany"]>[0]) =>
  guardStore(s).incrementMany(items);

/** `putAndCount` on the guarded store of `put` (a put of 1 at `k` unless given) and `items`. */
const both = (
  s: Store,
  items: Parameters<GuardedStore["putAndCount"]>[1],
  put: Parameters<GuardedStore["putAndCount"]>[0] = { key: k, value: 1 },
) => guardStore(s).putAndCount(put, items);

/** Builds a value nested `depth` arrays deep around a number. */
const nested = (depth: number): JsonValue => {
  let value: JsonValue = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

const k = "mfa:{u1}:x";

describe("guardStore: refused calls never reach the adapter (REL-07)", () => {
  const badKeys: Array<[string, unknown, number?]> = [
    ["not a string", 42],
    ["empty", ""],
    ["a lone high surrogate", "mfa:\ud800"],
    ["a lone low surrogate", "\udc00mfa"],
    ["NUL", "mfa:\u0000"],
    ["513 ASCII bytes", "a".repeat(513), 512],
    ["514 bytes of two-byte characters", "é".repeat(257), 512],
  ];
  const byKey: Array<[string, (s: Store, key: string) => Promise<unknown>]> = [
    ["get", (s, key) => s.get(key)],
    ["put", (s, key) => s.put(key, 1)],
    ["take", (s, key) => s.take(key)],
    ["increment", (s, key) => s.increment(key)],
    ["incrementMany", (s, key) => guardStore(s).incrementMany([{ key: "mfa:{u}:ok" }, { key }])],
    ["putAndCount's put", (s, key) => both(s, [], { key, value: 1 })],
    ["putAndCount's counters", (s, key) => both(s, [{ key: "mfa:{u}:ok" }, { key }])],
    ["delete", (s, key) => s.delete(key)],
  ];
  for (const [what, key, max] of badKeys) {
    it(`a key with ${what}, in every method`, async () => {
      for (const [, call] of byKey) await expectRefused((s) => call(s, key as string), "key", max);
    });
  }

  it("accepts a key of exactly 512 UTF-8 bytes and a surrogate pair", async () => {
    const { calls, guarded } = spiedStore();
    for (const key of ["a".repeat(512), "é".repeat(256), "😀".repeat(128), "mfa:{é 😀}:x"]) {
      expect((await guarded.put(key, 1)).ok).toBe(true);
      expect((await guarded.get(key))?.value).toBe(1);
    }
    expect(calls).toHaveLength(8);
  });

  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  class Point {
    x = 1;
  }
  const badValues: Array<[string, unknown]> = [
    ["undefined", undefined],
    ["a function", () => 1],
    ["a symbol", Symbol("s")],
    ["a bigint", 1n],
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["-Infinity inside an object", { n: Number.NEGATIVE_INFINITY }],
    ["undefined in an array", [1, undefined]],
    ["a hole in an array", new Array(2)],
    ["an undefined property", { a: 1, b: undefined }],
    ["a function property", { f: () => 1 }],
    ["a Date", new Date(0)],
    ["a Map", new Map([["a", 1]])],
    ["a class instance", new Point()],
    ["a Uint8Array", new Uint8Array(2)],
    [`nesting deeper than ${MAX_STORE_VALUE_DEPTH}`, nested(MAX_STORE_VALUE_DEPTH + 1)],
    ["a circular object", cyclic],
  ];
  for (const [what, value] of badValues) {
    it(`a value that is ${what}`, async () => {
      await expectRefused((s) => s.put(k, value as JsonValue), "value");
    });
  }

  it("accepts JSON at the depth limit and a null-prototype object, passed on uncloned", async () => {
    const { calls, guarded } = spiedStore();
    const deep = nested(MAX_STORE_VALUE_DEPTH);
    expect((await guarded.put(k, deep)).ok).toBe(true);
    const bare = Object.assign(Object.create(null) as Record<string, JsonValue>, { a: [1, "b"] });
    const options = { ttlMs: 1000 };
    expect((await guarded.put(k, bare, options)).ok).toBe(true);
    expect((await guarded.get(k))?.value).toEqual({ a: [1, "b"] });
    // The very objects the caller passed reach the adapter: no copy on the hot path.
    expect(calls[0]?.args[1]).toBe(deep);
    expect(calls[1]?.args[1]).toBe(bare);
    expect(calls[1]?.args[2]).toBe(options);
  });

  it("the refusal names the field, never the value (STORE-06)", async () => {
    const { guarded } = spiedStore();
    const error = await errorOf(guarded.put(k, { seed: "sealed-7f3a9c", n: Number.NaN }));
    expect(isMfaError(error, "store_invalid_operation")).toBe(true);
    expect((error as MfaError).data).toMatchObject({ field: "value", operation: "put" });
    expect(JSON.stringify(error)).not.toContain("sealed-7f3a9c");
    expect(String((error as Error).stack)).not.toContain("sealed-7f3a9c");
  });

  for (const expectVersion of [0, -1, 1.5, Number.NaN, 2 ** 53, "1"]) {
    it(`expectVersion ${String(expectVersion)}`, async () => {
      await expectRefused((s) => s.put(k, 1, { expectVersion } as never), "expectVersion");
    });
  }

  it("accepts expectVersion undefined, null and a positive integer", async () => {
    const { guarded } = spiedStore();
    expect(await guarded.put(k, 1, { expectVersion: null })).toEqual({ ok: true, version: 1 });
    expect(await guarded.put(k, 2, { expectVersion: 1 })).toEqual({ ok: true, version: 2 });
    expect(await guarded.put(k, 3, { expectVersion: undefined })).toEqual({ ok: true, version: 3 });
  });

  for (const ttlMs of [
    0,
    -1,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    MAX_STORE_TTL_MS + 1,
    "1000",
  ]) {
    it(`ttlMs ${String(ttlMs)}, in put, increment and an incrementMany item`, async () => {
      await expectRefused((s) => s.put(k, 1, { ttlMs } as never), "ttlMs", MAX_STORE_TTL_MS);
      await expectRefused((s) => s.increment(k, { ttlMs } as never), "ttlMs", MAX_STORE_TTL_MS);
      await expectRefused(
        (s) => batch(s, [{ key: k }, { key: `${k}2`, ttlMs } as never]),
        "ttlMs",
        MAX_STORE_TTL_MS,
      );
    });
  }

  it("accepts ttlMs from 1 to the ten-year bound", async () => {
    const { guarded } = spiedStore();
    expect((await guarded.put(k, 1, { ttlMs: 1 })).ok).toBe(true);
    expect((await guarded.put(k, 1, { ttlMs: MAX_STORE_TTL_MS })).ok).toBe(true);
    expect(await guarded.increment(`${k}n`, { ttlMs: MAX_STORE_TTL_MS })).toBe(1);
  });

  for (const by of [1.5, Number.NaN, 2 ** 53, -(2 ** 53), Number.POSITIVE_INFINITY, "1"]) {
    it(`increment by ${String(by)}, alone and in an incrementMany item`, async () => {
      await expectRefused((s) => s.increment(k, { by } as never), "by");
      await expectRefused((s) => batch(s, [{ key: `${k}2` }, { key: k, by } as never]), "by");
    });
  }

  for (const limit of [0, -1, MAX_STORE_LIST_LIMIT + 1, 1.5, Number.NaN, "10"]) {
    it(`list limit ${String(limit)}`, async () => {
      await expectRefused((s) => s.list("mfa:", { limit } as never), "limit");
    });
  }

  it("a list prefix or cursor that is not a storable key string", async () => {
    for (const bad of [5, "mfa:\ud800", "mfa:\u0000", "a".repeat(513)]) {
      await expectRefused((s) => s.list(bad as string), "prefix");
      await expectRefused((s) => s.list("mfa:", { cursor: bad as string }), "cursor");
    }
  });

  it("accepts an empty prefix and the largest page", async () => {
    const { guarded } = spiedStore();
    await guarded.put(k, 1);
    const page = await guarded.list("", { limit: MAX_STORE_LIST_LIMIT, cursor: "" });
    expect(page.items.map((i) => i.key)).toEqual([k]);
  });

  it("incrementMany items that are not an array of 1 to 64 counters", async () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `${k}${i}` }));
    for (const items of [
      [],
      many(MAX_INCREMENT_MANY_ITEMS + 1),
      undefined,
      "mfa:{u}:x",
      { 0: 1 },
    ]) {
      await expectRefused((s) => batch(s, items as never), "items", MAX_INCREMENT_MANY_ITEMS);
    }
    await expectRefused((s) => batch(s, [{ key: k }, null] as never), "options");
    await expectRefused((s) => batch(s, [{ key: k }, 5] as never), "options");
  });

  it("an incrementMany with one key twice (a backend would count it twice, or fail)", async () => {
    await expectRefused(
      (s) => batch(s, [{ key: k }, { key: `${k}2` }, { key: k, by: 2 }]),
      "items",
    );
  });

  it("accepts 64 counters, and passes the items as they are to a native incrementMany", async () => {
    const { calls, guarded } = spiedStore(true);
    const items = Array.from({ length: MAX_INCREMENT_MANY_ITEMS }, (_, i) => ({
      key: `${k}${i}`,
      by: i,
      ttlMs: MAX_STORE_TTL_MS,
    }));
    expect(await guarded.incrementMany(items)).toEqual(items.map((item) => item.by));
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0]).toBe(items);
  });

  it("putAndCount: its put as put is checked, and a put that is not an object", async () => {
    await expectRefused((s) => both(s, [], { key: k, value: undefined as never }), "value");
    await expectRefused((s) => both(s, [], { key: k, value: Number.NaN }), "value");
    await expectRefused(
      (s) => both(s, [], { key: k, value: 1, options: { expectVersion: 0 } }),
      "expectVersion",
    );
    await expectRefused(
      (s) => both(s, [], { key: k, value: 1, options: { ttlMs: 1.5 } }),
      "ttlMs",
      MAX_STORE_TTL_MS,
    );
    await expectRefused((s) => both(s, [], { key: k, value: 1, options: 5 as never }), "options");
    for (const put of [null, undefined, "mfa:{u}:x"]) {
      await expectRefused((s) => guardStore(s).putAndCount(put as never, []), "put");
    }
  });

  it("putAndCount counters: more than 64, not an array, a key twice, the put's key, a bad item", async () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `${k}${i}` }));
    for (const items of [many(MAX_INCREMENT_MANY_ITEMS + 1), undefined, { 0: 1 }]) {
      await expectRefused((s) => both(s, items as never), "increments", MAX_INCREMENT_MANY_ITEMS);
    }
    await expectRefused((s) => both(s, [{ key: `${k}2` }, { key: `${k}2` }]), "increments");
    // One statement cannot both write the document and count it.
    await expectRefused((s) => both(s, [{ key: `${k}2` }, { key: k }]), "increments");
    await expectRefused((s) => both(s, [{ key: `${k}2`, by: 0.5 }]), "by");
    await expectRefused((s) => both(s, [{ key: `${k}2`, ttlMs: 0 }]), "ttlMs", MAX_STORE_TTL_MS);
    await expectRefused((s) => both(s, [null] as never), "options");
  });

  it("putAndCount accepts 0 to 64 counters, passing put and counters as they are to a native one", async () => {
    const { calls, guarded } = spiedStore(true, true);
    const put = { key: k, value: { doc: 1 }, options: { expectVersion: null } };
    const items = Array.from({ length: MAX_INCREMENT_MANY_ITEMS }, (_, i) => ({
      key: `${k}${i}`,
      by: i,
    }));
    const result = await guarded.putAndCount(put, items);
    expect(result).toEqual({ put: { ok: true, version: 1 }, counts: items.map((i) => i.by) });
    expect(await guarded.putAndCount({ key: k, value: 2 }, [])).toEqual({
      put: { ok: true, version: 2 },
      counts: [],
    });
    expect(calls.map((c) => c.method)).toEqual(["putAndCount", "putAndCount"]);
    expect(calls[0]?.args[0]).toBe(put);
    expect(calls[0]?.args[1]).toBe(items);
  });

  it("putAndCount extra puts: more than 16, not an array, a condition, a key twice or of the put or a counter, a bad put", async () => {
    const puts = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ key: `mfa:other:${i}`, value: i }));
    const withPuts = (s: Store, extra: unknown, items = [{ key: `${k}n` }]) =>
      guardStore(s).putAndCount({ key: k, value: 1 }, items, extra as never);
    for (const extra of [puts(MAX_PUT_AND_COUNT_PUTS + 1), null, { 0: 1 }]) {
      await expectRefused((s) => withPuts(s, extra), "puts", MAX_PUT_AND_COUNT_PUTS);
    }
    // One condition per call: an extra put's own could fail after the put had won.
    for (const expectVersion of [null, 1]) {
      await expectRefused(
        (s) => withPuts(s, [{ key: "mfa:other:a", value: 1, options: { expectVersion } }]),
        "puts",
      );
    }
    const twice = [
      { key: "mfa:other:a", value: 1 },
      { key: "mfa:other:a", value: 2 },
    ];
    await expectRefused((s) => withPuts(s, twice), "puts");
    await expectRefused((s) => withPuts(s, [{ key: k, value: 2 }]), "puts");
    await expectRefused((s) => withPuts(s, [{ key: `${k}n`, value: 2 }]), "puts");
    await expectRefused((s) => withPuts(s, [null]), "puts");
    await expectRefused((s) => withPuts(s, [{ key: "", value: 1 }]), "key");
    await expectRefused((s) => withPuts(s, [{ key: "mfa:other:a", value: Number.NaN }]), "value");
    await expectRefused(
      (s) => withPuts(s, [{ key: "mfa:other:a", value: 1, options: { ttlMs: -1 } }]),
      "ttlMs",
      MAX_STORE_TTL_MS,
    );
  });

  it("putAndCount passes up to 16 extra puts as they are to a native one; the fallback writes them only after a won put", async () => {
    const native = spiedStore(true, true);
    const put = { key: k, value: 1, options: { expectVersion: null } };
    const extra = Array.from({ length: MAX_PUT_AND_COUNT_PUTS }, (_, i) => ({
      key: `mfa:other:${i}`,
      value: i,
      options: { ttlMs: 1000 },
    }));
    expect(await native.guarded.putAndCount(put, [{ key: `${k}n` }], extra)).toEqual({
      put: { ok: true, version: 1 },
      counts: [1],
    });
    expect(native.calls.map((c) => c.method)).toEqual(["putAndCount"]);
    expect(native.calls[0]?.args[2]).toBe(extra);
    expect((await native.guarded.get("mfa:other:15"))?.value).toBe(15);

    const fallback = spiedStore(true, false);
    const lost = await fallback.guarded.putAndCount(
      { key: k, value: 1, options: { expectVersion: 3 } },
      [{ key: `${k}n` }],
      extra.slice(0, 2),
    );
    expect(lost.counts).toBeNull();
    expect(fallback.calls.map((c) => c.method)).toEqual(["put"]);
    await fallback.guarded.putAndCount(put, [{ key: `${k}n` }], extra.slice(0, 2));
    expect(fallback.calls.map((c) => c.method)).toEqual([
      "put",
      "put",
      "incrementMany",
      "put",
      "put",
    ]);
    expect(fallback.calls.at(-1)?.args).toEqual(["mfa:other:1", 1, { ttlMs: 1000 }]);
  });

  it("options that are not an object", async () => {
    await expectRefused((s) => s.put(k, 1, "fast" as never), "options");
    await expectRefused((s) => s.increment(k, 5 as never), "options");
    await expectRefused((s) => s.list("mfa:", null as never), "options");
  });
});

/** A store whose every method fails with `error`, thrown at once or as a rejection. */
function failingStore(error: unknown, how: "throw" | "reject"): Store {
  const fail = (): never => {
    throw error;
  };
  const method = how === "throw" ? fail : async () => fail();
  return {
    id: "failing",
    get: method,
    put: method,
    take: method,
    increment: method,
    incrementMany: method,
    putAndCount: method,
    delete: method,
    list: method,
  };
}

const everyCall: Array<[string, (s: Store) => Promise<unknown>]> = [
  ["get", (s) => s.get(k)],
  ["put", (s) => s.put(k, 1)],
  ["take", (s) => s.take(k)],
  ["increment", (s) => s.increment(k)],
  ["incrementMany", (s) => batch(s, [{ key: k }])],
  ["putAndCount", (s) => both(s, [{ key: `${k}2` }])],
  ["delete", (s) => s.delete(k)],
  ["list", (s) => s.list("mfa:")],
];

describe("guardStore: adapter failures come out typed (REL-06)", () => {
  const failures: Array<[string, unknown, "throw" | "reject"]> = [
    ["a TypeError thrown synchronously", new TypeError("socket closed"), "throw"],
    ["a TypeError rejected", new TypeError("socket closed"), "reject"],
    ["a thrown string", "connection reset", "throw"],
    ["a rejected string", "connection reset", "reject"],
  ];
  for (const [what, failure, how] of failures) {
    it(`${what} becomes store_unavailable with it as cause, in every method`, async () => {
      const store = guardStore(failingStore(failure, how));
      for (const [operation, call] of everyCall) {
        const error = await errorOf(call(store));
        expect(isMfaError(error, "store_unavailable")).toBe(true);
        expect((error as Error).cause).toBe(failure);
        expect((error as MfaError).data).toMatchObject({ store: "failing", operation });
      }
    });
  }

  it("a failing increment behind the incrementMany fallback is store_unavailable too", async () => {
    const failure = new TypeError("socket closed");
    const store = guardStore(withoutBatch(failingStore(failure, "reject")));
    const error = await errorOf(store.incrementMany([{ key: k }, { key: `${k}2` }]));
    expect(isMfaError(error, "store_unavailable")).toBe(true);
    expect((error as Error).cause).toBe(failure);
    expect((error as MfaError).data).toMatchObject({ operation: "incrementMany" });
  });

  it("a failing put or increment behind the putAndCount fallback is store_unavailable too", async () => {
    const failure = new TypeError("socket closed");
    const failing = failingStore(failure, "reject");
    const { incrementMany: _batch, putAndCount: _both, ...rest } = failing;
    const wonPut: Store = { ...rest, put: async () => ({ ok: true, version: 1 }) };
    for (const store of [guardStore(withoutBatch(failing)), guardStore(wonPut)]) {
      const error = await errorOf(both(store, [{ key: `${k}2` }]));
      expect(isMfaError(error, "store_unavailable")).toBe(true);
      expect((error as Error).cause).toBe(failure);
      expect((error as MfaError).data).toMatchObject({ operation: "putAndCount" });
    }
  });

  it("an adapter's MfaError passes through as the same object", async () => {
    const own = new MfaError("store_invalid_operation", { data: { operation: "increment" } });
    const store = guardStore(failingStore(own, "reject"));
    for (const [, call] of everyCall) expect(await errorOf(call(store))).toBe(own);
  });

  const malformed: Array<[string, Partial<Store>, (s: Store) => Promise<unknown>]> = [
    [
      "a put result without a version",
      { put: async () => ({ ok: true }) as never },
      (s) => s.put(k, 1),
    ],
    [
      "a put result with version 0",
      { put: async () => ({ ok: true, version: 0 }) },
      (s) => s.put(k, 1),
    ],
    [
      "a refused put without current",
      { put: async () => ({ ok: false }) as never },
      (s) => s.put(k, 1),
    ],
    ["a put result that is undefined", { put: async () => undefined as never }, (s) => s.put(k, 1)],
    ["an entry without a version", { get: async () => ({ value: 1 }) as never }, (s) => s.get(k)],
    ["an entry without a value", { take: async () => ({ version: 1 }) as never }, (s) => s.take(k)],
    ["an increment of 1.5", { increment: async () => 1.5 }, (s) => s.increment(k)],
    ["an increment of NaN", { increment: async () => Number.NaN }, (s) => s.increment(k)],
    ["an increment as a string", { increment: async () => "3" as never }, (s) => s.increment(k)],
    [
      "a batch with one count fewer than items",
      { incrementMany: async () => [1] },
      (s) => batch(s, [{ key: k }, { key: `${k}2` }]),
    ],
    [
      "a batch with a count of NaN",
      { incrementMany: async () => [1, Number.NaN] },
      (s) => batch(s, [{ key: k }, { key: `${k}2` }]),
    ],
    [
      "a batch answering a number",
      { incrementMany: async () => 1 as never },
      (s) => batch(s, [{ key: k }]),
    ],
    [
      "a putAndCount whose put won with counts null",
      { putAndCount: async () => ({ put: { ok: true, version: 1 }, counts: null }) },
      (s) => both(s, [{ key: `${k}2` }]),
    ],
    [
      "a putAndCount whose put lost with counts",
      { putAndCount: async () => ({ put: { ok: false, current: null }, counts: [1] }) },
      (s) => both(s, [{ key: `${k}2` }]),
    ],
    [
      "a putAndCount with one count fewer than counters",
      { putAndCount: async () => ({ put: { ok: true, version: 1 }, counts: [1] }) },
      (s) => both(s, [{ key: `${k}2` }, { key: `${k}3` }]),
    ],
    [
      "a putAndCount with a malformed put",
      { putAndCount: async () => ({ put: { ok: true }, counts: [] }) as never },
      (s) => both(s, []),
    ],
    ["a delete answering 1", { delete: async () => 1 as never }, (s) => s.delete(k)],
    [
      "a page longer than the limit",
      {
        list: async () => ({
          items: [1, 2, 3].map((n) => ({ key: `mfa:${n}`, value: n, version: 1 })),
          cursor: null,
        }),
      },
      (s) => s.list("mfa:", { limit: 2 }),
    ],
    [
      "a page item without a key",
      { list: async () => ({ items: [{ value: 1, version: 1 }], cursor: null }) as never },
      (s) => s.list("mfa:"),
    ],
    [
      "a page with a numeric cursor",
      { list: async () => ({ items: [], cursor: 5 }) as never },
      (s) => s.list("mfa:"),
    ],
  ];
  for (const [what, overrides, call] of malformed) {
    it(`${what} is store_unavailable (malformed_result)`, async () => {
      const store = guardStore({ ...memoryStore(), id: "odd", ...overrides });
      const error = await errorOf(call(store));
      expect(isMfaError(error, "store_unavailable")).toBe(true);
      expect((error as MfaError).data).toMatchObject({ store: "odd", reason: "malformed_result" });
    });
  }
});

describe("guardStore: incrementMany without a native batch", () => {
  it("runs one increment per item, at once, and answers in the items' order", async () => {
    const { calls, guarded } = spiedStore();
    await guarded.put(`${k}b`, 10);
    calls.length = 0;
    const items = [
      { key: `${k}a`, by: 2 },
      { key: `${k}b`, by: -3, ttlMs: 1000 },
      { key: `${k}c` },
    ];
    expect(await guarded.incrementMany(items)).toEqual([2, 7, 1]);
    expect(calls.map((c) => [c.method, c.args[0]])).toEqual(
      items.map((item) => ["increment", item.key]),
    );
    // Each increment gets its item's by and ttlMs.
    expect(calls[1]?.args[1]).toMatchObject({ by: -3, ttlMs: 1000 });
  });

  it("a refused item is store_invalid_operation; the other items may have been applied", async () => {
    const { guarded } = spiedStore();
    await guarded.put(`${k}obj`, { not: "a counter" });
    const error = await errorOf(guarded.incrementMany([{ key: `${k}n` }, { key: `${k}obj` }]));
    expect(isMfaError(error, "store_invalid_operation")).toBe(true);
    expect((await guarded.get(`${k}obj`))?.value).toEqual({ not: "a counter" });
  });
});

describe("guardStore: putAndCount without a native one", () => {
  it("runs put, then (only if it won and there is something to count) the batch", async () => {
    const { calls, guarded } = spiedStore(true);
    const items = [{ key: `${k}a`, by: 2 }, { key: `${k}b` }];
    const won = await guarded.putAndCount({ key: k, value: "v1" }, items);
    expect(won).toEqual({ put: { ok: true, version: 1 }, counts: [2, 1] });
    expect(calls.map((c) => c.method)).toEqual(["put", "incrementMany"]);
    expect(calls[1]?.args[0]).toBe(items);
    calls.length = 0;
    const lost = await guarded.putAndCount(
      { key: k, value: "v2", options: { expectVersion: null } },
      items,
    );
    expect(lost).toEqual({
      put: { ok: false, current: { value: "v1", version: 1 } },
      counts: null,
    });
    expect(await guarded.putAndCount({ key: k, value: "v3" }, [])).toEqual({
      put: { ok: true, version: 2 },
      counts: [],
    });
    expect(calls.map((c) => c.method)).toEqual(["put", "put"]);
    expect((await guarded.get(`${k}a`))?.value).toBe(2);
  });

  it("a refused counter is store_invalid_operation, and the put stays written", async () => {
    const { guarded } = spiedStore();
    await guarded.put(`${k}obj`, { not: "a counter" });
    const error = await errorOf(guarded.putAndCount({ key: k, value: 1 }, [{ key: `${k}obj` }]));
    expect(isMfaError(error, "store_invalid_operation")).toBe(true);
    expect(await guarded.get(k)).toEqual({ value: 1, version: 1 });
  });
});

describe("guardStore: identity", () => {
  it("keeps the adapter's id, and guarding a guarded store returns it as is", () => {
    const { store: inner } = spiedStore();
    const guarded = guardStore(inner);
    expect(guarded).not.toBe(inner);
    expect(guarded.id).toBe("spy");
    expect(guardStore(guarded)).toBe(guarded);
    expect(Object.isFrozen(guarded)).toBe(true);
  });

  it("extras sit on the wrapper as they are, never in place of a port method; the result is guarded once", async () => {
    const { store, calls } = spiedStore();
    const sweep = () => Promise.resolve(0);
    const bypass = () => Promise.resolve(null);
    const guarded = guardStore(store, { sweep, get: bypass });
    expect(guarded.sweep).toBe(sweep);
    expect(guardStore(guarded)).toBe(guarded);
    expect(Object.isFrozen(guarded)).toBe(true);
    // The port's get is the guarded one, not the extra: a bad key is refused, a good one reaches
    // the adapter.
    expect(isMfaError(await errorOf(guarded.get("")), "store_invalid_operation")).toBe(true);
    await guarded.get(k);
    expect(calls.map((c) => c.method)).toEqual(["get"]);
  });

  it("guarding the same adapter twice gives two wrappers around it, not one around the other", async () => {
    const { store, calls } = spiedStore();
    const a = guardStore(store);
    const b = guardStore(store);
    await guardStore(a).put(k, 1);
    await b.get(k);
    expect(calls.map((c) => c.method)).toEqual(["put", "get"]);
  });
});
