/**
 * The Store conformance kit: every guarantee of the Store port, as vitest tests.
 *
 * An adapter's test file calls {@link testStore} once and adds its own backend cases. The
 * concurrency cases fire real concurrent calls at one store instance: with a pooled adapter
 * they reach the backend over many connections at once.
 *
 * The cases are data ({@link storeCases}), so the kit can also be run outside vitest's
 * registration with {@link runStoreCases}: that is how the kit's own tests prove that each case
 * catches a deliberately broken adapter (a kit that passes everything checks nothing).
 *
 * The kit calls the adapter directly, not through the core's `guardStore`: it checks what only
 * the adapter can do (atomicity, TTLs, refusals that depend on the stored data). Refusing a
 * malformed argument (a bad key, `NaN` TTL, fractional `by`) is the core wrapper's job. The one
 * exceptions: a store without the optional `incrementMany` or `putAndCount` has those cases run
 * through `guardStore`'s fallback (over its `increment`, or its `put` and batch), which is what
 * the SDK runs over it.
 *
 * @module
 */

import type { JsonValue, Store } from "@mfakit/core";
import {
  guardStore,
  type IncrementItem,
  type PutAndCountResult,
  type PutItem,
} from "@mfakit/core/adapter";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mfaErrorOf } from "./sender-kit.js";

/** How {@link testStore} gets a store and moves its time. */
export interface StoreKitOptions {
  /** Shown in the suite's title, e.g. `"postgres"`. */
  readonly name: string;
  /** Returns the store under test (called once, before the cases). */
  create(): Store | Promise<Store>;
  /**
   * Moves time forward by `ms` as the store sees it: advance the store's fake clock, or
   * really wait for a store whose TTLs run on the backend's own clock.
   */
  advance(ms: number): void | Promise<void>;
  /**
   * The TTL unit the TTL cases use, in ms: they put entries with 2 units of life and move
   * time in steps of half a unit to two units, so an expiry off by half a unit is caught.
   * Raise it for a backend with coarse expiry. @default 1000
   */
  readonly ttlUnitMs?: number;
  /**
   * The store promises that a refused `incrementMany` whose keys share one `{…}` hash tag
   * writes nothing of the batch (the packaged stores do; a store behind `guardStore`'s
   * fallback of parallel increments does not). When set, the refusal case checks that the
   * batch's other counters are untouched too. @default false
   */
  readonly batchAllOrNothing?: boolean;
  /**
   * The store promises that a `putAndCount` whose counters and extra puts share the put's
   * `{…}` hash tag and is refused by a counter writes nothing, not even the put (the packaged
   * stores do; a store behind `guardStore`'s fallback of `put` then `incrementMany` does not).
   * When set, the refusal case checks that the put, the other counters and the extra puts are
   * untouched too. @default false
   */
  readonly putAndCountAllOrNothing?: boolean;
  /** Closes what `create` opened (pools, clients). */
  close?(): void | Promise<void>;
}

/** What a {@link StoreCase} runs against. */
export interface StoreCaseContext {
  /** The store under test. */
  readonly store: Store;
  /** A fresh key prefix for one case (`kit…:n:{un}:`), so a shared backend needs no cleanup. */
  ns(): string;
  /** Moves the store's time forward by `ms`. */
  advance(ms: number): Promise<void>;
  /** The TTL unit in ms ({@link StoreKitOptions.ttlUnitMs}). */
  readonly unit: number;
  /** The store's `incrementMany`, or `guardStore`'s fallback when it has none. */
  incrementMany(items: ReadonlyArray<IncrementItem>): Promise<number[]>;
  /** {@link StoreKitOptions.batchAllOrNothing}. */
  readonly batchAllOrNothing: boolean;
  /** The store's `putAndCount`, or `guardStore`'s fallback when it has none. */
  putAndCount(
    put: PutItem,
    increments: ReadonlyArray<IncrementItem>,
    puts?: ReadonlyArray<PutItem>,
  ): Promise<PutAndCountResult>;
  /** {@link StoreKitOptions.putAndCountAllOrNothing}. */
  readonly putAndCountAllOrNothing: boolean;
}

/** One guarantee of the Store port, runnable against any store. */
export interface StoreCase {
  /** The group it is registered under, e.g. `"increment"`. */
  readonly group: string;
  /** What it checks; unique within the kit. */
  readonly title: string;
  /** Throws (an assertion error or the store's error) when the store breaks the guarantee. */
  run(context: StoreCaseContext): Promise<void>;
}

/** The result of one case in {@link runStoreCases}. */
export interface StoreCaseOutcome {
  /** The case's group. */
  readonly group: string;
  /** The case's title. */
  readonly title: string;
  /** What the case threw; `undefined` when it passed. */
  readonly error: unknown;
}

/** Fails unless `call` is refused with `store_invalid_operation`. */
async function expectRefused(call: Promise<unknown>, why: string): Promise<void> {
  expect((await mfaErrorOf(call)).code, why).toBe("store_invalid_operation");
}

/** The current version of `key`, or fails the case if it is absent. */
async function versionOf(store: Store, key: string): Promise<number> {
  const entry = await store.get(key);
  expect(entry).not.toBeNull();
  return entry?.version ?? 0;
}

/** Defines a group's cases. */
const group = (name: string, cases: Record<string, StoreCase["run"]>): StoreCase[] =>
  Object.entries(cases).map(([title, run]) => ({ group: name, title, run }));

/**
 * Every case of the kit, in the order {@link testStore} registers them. Exported so a test can
 * run one case against a store that is expected to fail it.
 */
export const storeCases: readonly StoreCase[] = Object.freeze([
  ...group("id", {
    "has an id": async ({ store }) => {
      expect(typeof store.id).toBe("string");
      expect(store.id.length).toBeGreaterThan(0);
    },
  }),

  ...group("get and put", {
    "get of an absent key is null": async ({ store, ns }) => {
      expect(await store.get(`${ns()}absent`)).toBeNull();
    },

    "round-trips JSON values exactly (objects, arrays, unicode, numbers, null)": async ({
      store,
      ns,
    }) => {
      const k = ns();
      const values: JsonValue[] = [
        { a: 1, b: [true, false, null], c: { d: "ü€😀\u0000'\"\\" } },
        [1, -2.5, 1e21, "x"],
        "plain string",
        0,
        true,
        null,
      ];
      for (const [i, value] of values.entries()) {
        const put = await store.put(`${k}${i}`, value);
        expect(put.ok).toBe(true);
        const got = await store.get(`${k}${i}`);
        expect(got?.value).toEqual(value);
      }
    },

    "returns a copy: mutating what get returned changes nothing stored": async ({ store, ns }) => {
      const k = `${ns()}copy`;
      await store.put(k, { list: [1] });
      const got = await store.get<{ list: number[] }>(k);
      got?.value.list.push(2);
      expect((await store.get(k))?.value).toEqual({ list: [1] });
    },

    "versions: a positive integer that changes on every write": async ({ store, ns }) => {
      const k = `${ns()}v`;
      const first = await store.put(k, 1);
      const second = await store.put(k, 2);
      expect(first.ok && second.ok).toBe(true);
      if (!first.ok || !second.ok) return;
      expect(Number.isInteger(first.version) && first.version > 0).toBe(true);
      expect(second.version).not.toBe(first.version);
      expect((await store.get(k))?.version).toBe(second.version);
    },

    "put-if-absent (expectVersion null) succeeds once, then fails with the current entry": async ({
      store,
      ns,
    }) => {
      const k = `${ns()}absent`;
      const first = await store.put(k, "a", { expectVersion: null });
      expect(first.ok).toBe(true);
      const second = await store.put(k, "b", { expectVersion: null });
      expect(second.ok).toBe(false);
      if (!second.ok) expect(second.current?.value).toBe("a");
      expect((await store.get(k))?.value).toBe("a");
    },

    "compare-and-set: the right version writes, a stale one fails and writes nothing": async ({
      store,
      ns,
    }) => {
      const k = `${ns()}cas`;
      const first = await store.put(k, "a");
      if (!first.ok) throw new Error("put failed");
      const ok = await store.put(k, "b", { expectVersion: first.version });
      expect(ok.ok).toBe(true);
      const stale = await store.put(k, "c", { expectVersion: first.version });
      expect(stale.ok).toBe(false);
      if (!stale.ok) expect(stale.current?.value).toBe("b");
      expect((await store.get(k))?.value).toBe("b");
    },

    "compare-and-set on an absent key with a version fails with current null": async ({
      store,
      ns,
    }) => {
      const k = `${ns()}gone`;
      const r = await store.put(k, "x", { expectVersion: 1 });
      expect(r).toEqual({ ok: false, current: null });
      expect(await store.get(k)).toBeNull();
    },

    "accepts keys with colons, braces, spaces and non-ASCII characters": async ({ store, ns }) => {
      const k = `${ns()}user:{é 😀}:x y`;
      await store.put(k, 1);
      expect((await store.get(k))?.value).toBe(1);
    },
  }),

  ...group("take", {
    "returns the entry once and deletes it": async ({ store, ns }) => {
      const k = `${ns()}t`;
      await store.put(k, { secret: "hash" });
      const taken = await store.take(k);
      expect(taken?.value).toEqual({ secret: "hash" });
      expect(await store.take(k)).toBeNull();
      expect(await store.get(k)).toBeNull();
    },

    "of an absent key is null": async ({ store, ns }) => {
      expect(await store.take(`${ns()}none`)).toBeNull();
    },
  }),

  ...group("increment", {
    "starts an absent counter at 0, adds `by` (also negative), and get reads it": async ({
      store,
      ns,
    }) => {
      const k = `${ns()}n`;
      expect(await store.increment(k)).toBe(1);
      expect(await store.increment(k, { by: 5 })).toBe(6);
      expect(await store.increment(k, { by: -2 })).toBe(4);
      expect((await store.get(k))?.value).toBe(4);
    },

    "refuses a key that holds something other than an integer": async ({ store, ns }) => {
      const k = `${ns()}obj`;
      await store.put(k, { not: "a number" });
      await expectRefused(store.increment(k), "holding an object");
      expect((await store.get(k))?.value).toEqual({ not: "a number" });
    },

    "refuses a number that is not a safe integer, a numeric string and a boolean, writing nothing":
      async ({ store, ns }) => {
        const p = ns();
        const held: JsonValue[] = [1.5, -0.5, 2 ** 60, "5", true, [1]];
        for (const [i, value] of held.entries()) {
          const k = `${p}${i}`;
          await store.put(k, value);
          const version = await versionOf(store, k);
          await expectRefused(store.increment(k), `holding ${JSON.stringify(value)}`);
          expect(await store.get(k)).toEqual({ value, version });
        }
      },

    "refuses a result beyond the safe integers either way (REL-02), writing nothing": async ({
      store,
      ns,
    }) => {
      const k = `${ns()}edge`;
      await store.put(k, Number.MAX_SAFE_INTEGER - 1);
      expect(await store.increment(k)).toBe(Number.MAX_SAFE_INTEGER);
      const version = await versionOf(store, k);
      for (const by of [1, Number.MAX_SAFE_INTEGER]) {
        await expectRefused(store.increment(k, { by }), `MAX_SAFE_INTEGER + ${by}`);
      }
      expect(await store.get(k)).toEqual({ value: Number.MAX_SAFE_INTEGER, version });
      const low = `${ns()}low`;
      expect(await store.increment(low, { by: -Number.MAX_SAFE_INTEGER })).toBe(
        -Number.MAX_SAFE_INTEGER,
      );
      await expectRefused(store.increment(low, { by: -1 }), "-MAX_SAFE_INTEGER - 1");
      expect((await store.get(low))?.value).toBe(-Number.MAX_SAFE_INTEGER);
      expect(await store.increment(k, { by: -Number.MAX_SAFE_INTEGER })).toBe(0);
    },
  }),

  ...group("incrementMany", {
    "gives what separate increments give, in the items' order, and get reads each": async ({
      store,
      ns,
      incrementMany,
    }) => {
      // The same three batches as batches on one namespace and as separate increments on
      // another, over counters that exist and counters that do not, with positive, negative
      // and default steps, the items in no particular key order.
      const one = ns();
      const other = ns();
      const batches: Array<Array<{ name: string; by?: number }>> = [
        [{ name: "c", by: 5 }, { name: "a" }, { name: "b", by: -3 }],
        [{ name: "b", by: 10 }, { name: "d" }, { name: "a", by: 2 }, { name: "c", by: -5 }],
        [{ name: "a" }],
      ];
      await store.put(`${one}a`, 40);
      await store.put(`${other}a`, 40);
      for (const batch of batches) {
        const batched = await incrementMany(batch.map((i) => ({ key: one + i.name, by: i.by })));
        const separate: number[] = [];
        for (const i of batch) separate.push(await store.increment(other + i.name, { by: i.by }));
        expect(batched).toEqual(separate);
      }
      for (const name of ["a", "b", "c", "d"]) {
        expect((await store.get(one + name))?.value).toBe((await store.get(other + name))?.value);
      }
      expect((await store.get(`${one}a`))?.value).toBe(44);
    },

    "sets each counter's TTL only when the batch creates it (FRAUD-03)": async ({
      store,
      ns,
      advance,
      unit,
      incrementMany,
    }) => {
      const p = ns();
      const ttlMs = 2 * unit;
      expect(await store.increment(`${p}old`, { ttlMs })).toBe(1);
      await store.increment(`${p}forever`);
      await advance(unit);
      // `old` keeps its window (ends at 2 units), `new` opens one (ends at 3 units), `forever`
      // stays without a TTL, `bare` is created without one.
      const items = ["old", "new", "forever"].map((name) => ({ key: p + name, ttlMs }));
      expect(await incrementMany([...items, { key: `${p}bare` }])).toEqual([2, 1, 2, 1]);
      await advance(unit / 2);
      expect((await store.get(`${p}old`))?.value).toBe(2);
      await advance(unit);
      expect(await store.get(`${p}old`)).toBeNull();
      expect((await store.get(`${p}new`))?.value).toBe(1);
      await advance(unit);
      expect(await store.get(`${p}new`)).toBeNull();
      expect((await store.get(`${p}forever`))?.value).toBe(2);
      expect((await store.get(`${p}bare`))?.value).toBe(1);
    },

    "50 concurrent batches over overlapping keys: each counter exact, each value once (REL-02)":
      async ({ store, ns, incrementMany }) => {
        // Batch i bumps 3 of 5 keys, starting at key i mod 5 and going up or down, so batches
        // share keys in opposite orders (a store that locks in the order given deadlocks).
        const p = ns();
        const names = ["a", "b", "c", "d", "e"];
        const batches = Array.from({ length: 50 }, (_, i) =>
          [0, 1, 2].map((j) => names[(i + (i % 2 === 0 ? j : 5 - j)) % 5] as string),
        );
        const results = await Promise.all(
          batches.map((batch) => incrementMany(batch.map((name) => ({ key: p + name })))),
        );
        for (const name of names) {
          const seen = batches.flatMap((batch, i) =>
            batch.flatMap((n, j) => (n === name ? [results[i]?.[j]] : [])),
          );
          const expected = Array.from({ length: seen.length }, (_, i) => i + 1);
          expect(
            [...seen].sort((x, y) => (x ?? 0) - (y ?? 0)),
            name,
          ).toEqual(expected);
          expect((await store.get(p + name))?.value).toBe(seen.length);
        }
      },

    "refuses a batch with a counter that holds a non-integer or would overflow (REL-02)": async ({
      store,
      ns,
      incrementMany,
      batchAllOrNothing,
    }) => {
      const p = ns();
      await store.put(`${p}float`, 1.5);
      await store.put(`${p}edge`, Number.MAX_SAFE_INTEGER);
      await store.put(`${p}ok`, 7);
      const before = {
        float: await store.get(`${p}float`),
        edge: await store.get(`${p}edge`),
        ok: await store.get(`${p}ok`),
      };
      for (const bad of ["float", "edge"]) {
        const items = [{ key: `${p}ok` }, { key: p + bad }, { key: `${p}fresh` }];
        await expectRefused(incrementMany(items), `a batch with the ${bad} counter`);
        expect(await store.get(p + bad)).toEqual(before[bad as "float" | "edge"]);
        if (batchAllOrNothing) {
          expect(await store.get(`${p}ok`), "the batch's other counters").toEqual(before.ok);
          expect(await store.get(`${p}fresh`)).toBeNull();
        }
      }
    },
  }),

  ...group("putAndCount", {
    "gives what put then incrementMany give when the compare-and-set wins (none to count: [])":
      async ({ store, ns, putAndCount, incrementMany }) => {
        // The same calls on one namespace as putAndCount and on another as put then
        // incrementMany: a create, a version check, an unconditional write, nothing to count.
        const one = ns();
        const other = ns();
        await store.put(`${one}c`, 10);
        await store.put(`${other}c`, 10);
        const calls: Array<[string, PutItem["options"], Array<{ name: string; by?: number }>]> = [
          ["create", { expectVersion: null }, [{ name: "c", by: 5 }, { name: "a" }]],
          ["check", { expectVersion: 1 }, [{ name: "a", by: -3 }, { name: "b" }]],
          ["any", undefined, [{ name: "b", by: 2 }]],
          ["quiet", { expectVersion: 3 }, []],
        ];
        for (const [value, options, counters] of calls) {
          const together = await putAndCount(
            { key: `${one}doc`, value, options },
            counters.map((c) => ({ key: one + c.name, by: c.by })),
          );
          const put = await store.put(`${other}doc`, value, options);
          const counts =
            counters.length === 0
              ? []
              : await incrementMany(counters.map((c) => ({ key: other + c.name, by: c.by })));
          expect(together, value).toEqual({ put, counts });
        }
        for (const name of ["doc", "a", "b", "c"]) {
          expect(await store.get(one + name), name).toEqual(await store.get(other + name));
        }
        expect((await store.get(`${one}doc`))?.value).toBe("quiet");
      },

    "a lost compare-and-set counts nothing: counts null, current as put reports it": async ({
      store,
      ns,
      putAndCount,
    }) => {
      const p = ns();
      await store.put(`${p}doc`, "held");
      await store.increment(`${p}n`);
      const before = { doc: await store.get(`${p}doc`), n: await store.get(`${p}n`) };
      const counters = [{ key: `${p}n` }, { key: `${p}fresh` }];
      for (const expectVersion of [null, 99]) {
        const lost = await putAndCount(
          { key: `${p}doc`, value: "new", options: { expectVersion } },
          counters,
        );
        expect(lost, `expectVersion ${expectVersion}`).toEqual({
          put: { ok: false, current: before.doc },
          counts: null,
        });
      }
      const absent = await putAndCount(
        { key: `${p}none`, value: "new", options: { expectVersion: 1 } },
        counters,
      );
      expect(absent).toEqual({ put: { ok: false, current: null }, counts: null });
      expect(await store.get(`${p}doc`)).toEqual(before.doc);
      expect(await store.get(`${p}n`)).toEqual(before.n);
      expect(await store.get(`${p}fresh`)).toBeNull();
      expect(await store.get(`${p}none`)).toBeNull();
    },

    "refuses a counter that holds a non-integer or would overflow (REL-02)": async ({
      store,
      ns,
      putAndCount,
      putAndCountAllOrNothing,
    }) => {
      const p = ns();
      await store.put(`${p}float`, 1.5);
      await store.put(`${p}edge`, Number.MAX_SAFE_INTEGER);
      await store.put(`${p}ok`, 7);
      await store.put(`${p}doc`, "old");
      const before = {
        float: await store.get(`${p}float`),
        edge: await store.get(`${p}edge`),
        ok: await store.get(`${p}ok`),
        doc: await store.get(`${p}doc`),
      };
      for (const bad of ["float", "edge"] as const) {
        const version = putAndCountAllOrNothing ? before.doc?.version : undefined;
        const call = putAndCount(
          { key: `${p}doc`, value: `new ${bad}`, options: { expectVersion: version } },
          [{ key: `${p}ok` }, { key: p + bad }, { key: `${p}fresh` }],
          [{ key: `${p}also`, value: bad }],
        );
        await expectRefused(call, `a call with the ${bad} counter`);
        expect(await store.get(p + bad)).toEqual(before[bad]);
        if (putAndCountAllOrNothing) {
          expect(await store.get(`${p}doc`), "the put").toEqual(before.doc);
          expect(await store.get(`${p}ok`), "the call's other counters").toEqual(before.ok);
          expect(await store.get(`${p}fresh`)).toBeNull();
          expect(await store.get(`${p}also`), "the call's extra put").toBeNull();
        }
      }
    },

    "50 concurrent calls with one expectVersion: one put wins, only its counters move (REL-01, REL-02)":
      async ({ store, ns, putAndCount }) => {
        const p = ns();
        const first = await store.put(`${p}doc`, -1);
        if (!first.ok) throw new Error("put failed");
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            putAndCount({ key: `${p}doc`, value: i, options: { expectVersion: first.version } }, [
              { key: `${p}shared` },
              { key: `${p}own${i}`, by: i + 1 },
            ]),
          ),
        );
        const winners = results.flatMap((r, i) => (r.put.ok ? [i] : []));
        expect(winners).toHaveLength(1);
        const winner = winners[0] as number;
        const won = results[winner]?.put;
        expect(results[winner]?.counts).toEqual([1, winner + 1]);
        for (const [i, r] of results.entries()) {
          if (i !== winner) expect(r.counts, `loser ${i}`).toBeNull();
          expect((await store.get(`${p}own${i}`))?.value ?? null).toBe(
            i === winner ? winner + 1 : null,
          );
        }
        expect(await store.get(`${p}doc`)).toEqual({
          value: winner,
          version: won?.ok ? won.version : "a version",
        });
        expect((await store.get(`${p}shared`))?.value).toBe(1);
      },

    "TTLs: the put's as put sets it, each counter's only when the call creates it (FRAUD-03)":
      async ({ store, ns, advance, unit, putAndCount }) => {
        const p = ns();
        const ttlMs = 2 * unit;
        expect(await store.increment(`${p}old`, { ttlMs })).toBe(1);
        await store.put(`${p}doc`, "v1", { ttlMs });
        await advance(unit);
        // `doc` gets a fresh TTL (ends at 3 units); `old` keeps its window (ends at 2 units);
        // `new` opens one (ends at 3 units). A second call later, without ttlMs, makes `kept`
        // a document that never expires.
        const r = await putAndCount({ key: `${p}doc`, value: "v2", options: { ttlMs } }, [
          { key: `${p}old`, ttlMs },
          { key: `${p}new`, ttlMs },
        ]);
        expect(r.counts).toEqual([2, 1]);
        await putAndCount({ key: `${p}kept`, value: 1, options: { ttlMs } }, []);
        await putAndCount({ key: `${p}kept`, value: 2 }, [{ key: `${p}new` }]);
        await advance(unit / 2);
        expect((await store.get(`${p}old`))?.value).toBe(2);
        await advance(unit);
        expect(await store.get(`${p}old`)).toBeNull();
        expect((await store.get(`${p}new`))?.value).toBe(2);
        expect((await store.get(`${p}doc`))?.value).toBe("v2");
        await advance(unit);
        expect(await store.get(`${p}new`)).toBeNull();
        expect(await store.get(`${p}doc`)).toBeNull();
        expect((await store.get(`${p}kept`))?.value).toBe(2);
      },
  }),

  ...group("putAndCount with extra puts", {
    "the extra puts land with a winning compare-and-set, as put writes them, each with its TTL":
      async ({ store, ns, advance, unit, putAndCount }) => {
        // The same writes on one namespace as putAndCount's extra puts and on another as
        // plain puts: a fresh key with a TTL, one without, an overwrite that drops a TTL and
        // one that sets a TTL, next to a create with a counter.
        const one = ns();
        const other = ns();
        const ttlMs = 2 * unit;
        for (const p of [one, other]) {
          await store.put(`${p}held`, "old", { ttlMs });
          await store.put(`${p}kept`, "old");
        }
        const puts = (p: string): PutItem[] => [
          { key: `${p}short`, value: { v: 1 }, options: { ttlMs } },
          { key: `${p}long`, value: [1, "x"] },
          { key: `${p}held`, value: "new" },
          { key: `${p}kept`, value: "new", options: { ttlMs } },
        ];
        const r = await putAndCount(
          { key: `${one}doc`, value: "d", options: { expectVersion: null } },
          [{ key: `${one}n` }],
          puts(one),
        );
        expect(r.put.ok).toBe(true);
        expect(r.counts).toEqual([1]);
        for (const item of puts(other)) await store.put(item.key, item.value, item.options);
        for (const name of ["short", "long", "held", "kept"]) {
          expect(await store.get(one + name), name).toEqual(await store.get(other + name));
        }
        expect((await store.get(`${one}short`))?.value).toEqual({ v: 1 });
        await advance(3 * unit);
        expect(await store.get(`${one}short`), "an extra put's TTL").toBeNull();
        expect(await store.get(`${one}kept`), "an overwrite's new TTL").toBeNull();
        expect((await store.get(`${one}long`))?.value).toEqual([1, "x"]);
        expect((await store.get(`${one}held`))?.value, "an overwrite without ttlMs").toBe("new");
      },

    "a lost compare-and-set writes none of the extra puts": async ({ store, ns, putAndCount }) => {
      const p = ns();
      await store.put(`${p}doc`, "held");
      await store.put(`${p}old`, "before");
      const before = { doc: await store.get(`${p}doc`), old: await store.get(`${p}old`) };
      const puts: PutItem[] = [
        { key: `${p}old`, value: "after" },
        { key: `${p}fresh`, value: "after" },
      ];
      for (const expectVersion of [null, 99]) {
        const lost = await putAndCount(
          { key: `${p}doc`, value: "new", options: { expectVersion } },
          [{ key: `${p}n` }],
          puts,
        );
        expect(lost, `expectVersion ${expectVersion}`).toEqual({
          put: { ok: false, current: before.doc },
          counts: null,
        });
      }
      expect(await store.get(`${p}old`)).toEqual(before.old);
      expect(await store.get(`${p}fresh`)).toBeNull();
      expect(await store.get(`${p}n`)).toBeNull();
    },

    "100 concurrent calls with one expectVersion and extra puts: one winner, exactly its puts visible (REL-01)":
      async ({ store, ns, putAndCount }) => {
        const p = ns();
        const first = await store.put(`${p}doc`, -1);
        if (!first.ok) throw new Error("put failed");
        const results = await Promise.all(
          Array.from({ length: 100 }, (_, i) =>
            putAndCount(
              { key: `${p}doc`, value: i, options: { expectVersion: first.version } },
              [{ key: `${p}shared` }],
              [
                { key: `${p}index`, value: { by: i } },
                { key: `${p}own${i}`, value: i },
              ],
            ),
          ),
        );
        const winners = results.flatMap((r, i) => (r.put.ok ? [i] : []));
        expect(winners).toHaveLength(1);
        const winner = winners[0] as number;
        expect((await store.get(`${p}doc`))?.value).toBe(winner);
        expect((await store.get(`${p}shared`))?.value).toBe(1);
        expect((await store.get(`${p}index`))?.value, "the shared extra put").toEqual({
          by: winner,
        });
        const own = await store.list(`${p}own`, { limit: 1000 });
        expect(own.items.map((item) => item.key)).toEqual([`${p}own${winner}`]);
      },
  }),

  ...group("delete", {
    "says whether a live entry was there": async ({ store, ns }) => {
      const k = `${ns()}d`;
      await store.put(k, 1);
      expect(await store.delete(k)).toBe(true);
      expect(await store.delete(k)).toBe(false);
      expect(await store.get(k)).toBeNull();
    },
  }),

  ...group("list", {
    "lists only the prefix, in ascending key order, a page at a time": async ({ store, ns }) => {
      const p = ns();
      const keys = ["b", "a", "d", "c", "e"].map((s) => `${p}item:${s}`);
      for (const k of keys) await store.put(k, k);
      await store.put(`${p}other`, "no");
      const first = await store.list(`${p}item:`, { limit: 2 });
      expect(first.items.map((i) => i.key)).toEqual([`${p}item:a`, `${p}item:b`]);
      expect(first.items[0]?.value).toBe(`${p}item:a`);
      expect(first.cursor).not.toBeNull();
      const second = await store.list(`${p}item:`, {
        limit: 2,
        cursor: first.cursor ?? undefined,
      });
      expect(second.items.map((i) => i.key)).toEqual([`${p}item:c`, `${p}item:d`]);
      const third = await store.list(`${p}item:`, {
        limit: 2,
        cursor: second.cursor ?? undefined,
      });
      expect(third.items.map((i) => i.key)).toEqual([`${p}item:e`]);
      expect(third.cursor).toBeNull();
    },

    "treats the prefix literally (no wildcards)": async ({ store, ns }) => {
      const p = ns();
      await store.put(`${p}a%b`, 1);
      await store.put(`${p}a*b`, 2);
      await store.put(`${p}a_b`, 3);
      await store.put(`${p}axb`, 4);
      const page = await store.list(`${p}a%`);
      expect(page.items.map((i) => i.value)).toEqual([1]);
      const star = await store.list(`${p}a*`);
      expect(star.items.map((i) => i.value)).toEqual([2]);
      const under = await store.list(`${p}a_`);
      expect(under.items.map((i) => i.value)).toEqual([3]);
    },
  }),

  ...group("TTL (on the store's clock)", {
    "an entry lives for its TTL and then behaves as absent everywhere": async ({
      store,
      ns,
      advance,
      unit,
    }) => {
      const p = ns();
      const k = `${p}ttl`;
      await store.put(k, "short", { ttlMs: 2 * unit });
      await store.put(`${p}keep`, "long");
      await advance(unit);
      expect((await store.get(k))?.value).toBe("short");
      await advance(2 * unit);
      expect(await store.get(k)).toBeNull();
      expect(await store.take(k)).toBeNull();
      expect(await store.delete(k)).toBe(false);
      expect((await store.list(p)).items.map((i) => i.key)).toEqual([`${p}keep`]);
      const again = await store.put(k, "new", { expectVersion: null });
      expect(again.ok).toBe(true);
    },

    "a put without ttlMs removes an earlier TTL": async ({ store, ns, advance, unit }) => {
      const k = `${ns()}persist`;
      await store.put(k, 1, { ttlMs: 2 * unit });
      await store.put(k, 2);
      await advance(3 * unit);
      expect((await store.get(k))?.value).toBe(2);
    },

    // The checks fall half a unit from both candidate expiries (the fixed one at 2 units, a
    // slid one at 3), so a store that re-applies ttlMs on every increment cannot pass by
    // luck of the boundary.
    "increment sets the TTL only on create: the window is fixed, it never slides (FRAUD-03)":
      async ({ store, ns, advance, unit }) => {
        const k = `${ns()}window`;
        expect(await store.increment(k, { ttlMs: 2 * unit })).toBe(1);
        await advance(unit);
        expect(await store.increment(k, { ttlMs: 2 * unit })).toBe(2);
        await advance(unit / 2);
        expect((await store.get(k))?.value).toBe(2);
        await advance(unit);
        expect(await store.get(k)).toBeNull();
        expect(await store.increment(k, { ttlMs: 2 * unit })).toBe(1);
      },

    "an increment without ttlMs keeps the counter's TTL": async ({ store, ns, advance, unit }) => {
      const k = `${ns()}kept`;
      expect(await store.increment(k, { ttlMs: 2 * unit })).toBe(1);
      await advance(unit);
      expect(await store.increment(k)).toBe(2);
      await advance(1.5 * unit);
      expect(await store.get(k)).toBeNull();
    },
  }),

  ...group("concurrency (REL-01, REL-02)", {
    "50 concurrent takes of one key: exactly one gets the entry": async ({ store, ns }) => {
      const k = `${ns()}race`;
      await store.put(k, "once");
      const results = await Promise.all(Array.from({ length: 50 }, () => store.take(k)));
      expect(results.filter((r) => r !== null)).toHaveLength(1);
    },

    "200 concurrent increments: the exact count, each value once": async ({ store, ns }) => {
      const k = `${ns()}count`;
      const values = await Promise.all(Array.from({ length: 200 }, () => store.increment(k)));
      expect(new Set(values).size).toBe(200);
      expect(Math.max(...values)).toBe(200);
      expect((await store.get(k))?.value).toBe(200);
    },

    "50 concurrent compare-and-sets on one version: exactly one winner": async ({ store, ns }) => {
      const k = `${ns()}cas-race`;
      const first = await store.put(k, -1);
      if (!first.ok) throw new Error("put failed");
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => store.put(k, i, { expectVersion: first.version })),
      );
      const winners = results.flatMap((r, i) => (r.ok ? [i] : []));
      expect(winners).toHaveLength(1);
      expect((await store.get(k))?.value).toBe(winners[0]);
    },

    "50 concurrent puts-if-absent: exactly one winner": async ({ store, ns }) => {
      const k = `${ns()}create-race`;
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => store.put(k, i, { expectVersion: null })),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
    },
  }),
]);

/** The context the cases share: one random prefix per run, a fresh namespace per case. */
function caseContext(store: Store, options: StoreKitOptions): StoreCaseContext {
  let run = 0;
  const prefix = `kit${Math.random().toString(36).slice(2, 8)}`;
  const incrementMany =
    store.incrementMany === undefined
      ? guardStore(store).incrementMany
      : store.incrementMany.bind(store);
  const putAndCount =
    store.putAndCount === undefined ? guardStore(store).putAndCount : store.putAndCount.bind(store);
  return {
    store,
    unit: options.ttlUnitMs ?? 1000,
    incrementMany,
    batchAllOrNothing: options.batchAllOrNothing ?? false,
    putAndCount,
    putAndCountAllOrNothing: options.putAndCountAllOrNothing ?? false,
    ns: () => {
      run += 1;
      return `${prefix}:${run}:{u${run}}:`;
    },
    advance: async (ms) => {
      await options.advance(ms);
    },
  };
}

/**
 * Registers the Store conformance suite: one vitest test per {@link storeCases} entry, grouped.
 *
 * @example
 * ```ts
 * const clock = fakeClock();
 * testStore({ name: "memory", create: () => memoryStore({ clock }), advance: (ms) => clock.advance(ms) });
 * ```
 */
export function testStore(options: StoreKitOptions): void {
  let context: StoreCaseContext;

  describe(`Store conformance: ${options.name}`, () => {
    beforeAll(async () => {
      context = caseContext(await options.create(), options);
    });
    afterAll(async () => {
      await options.close?.();
    });

    for (const name of new Set(storeCases.map((c) => c.group))) {
      describe(name, () => {
        for (const c of storeCases) if (c.group === name) it(c.title, () => c.run(context));
      });
    }
  });
}

/**
 * Runs every case (or those `only` selects) against one store, in order, and reports each
 * outcome instead of failing: for testing the kit itself against a deliberately broken store,
 * or for a quick conformance report outside a vitest suite.
 *
 * @example
 * ```ts
 * const outcomes = await runStoreCases({ name: "broken", create, advance });
 * expect(outcomes.filter((o) => o.error !== undefined).map((o) => o.title)).toEqual([...]);
 * ```
 */
export async function runStoreCases(
  options: StoreKitOptions,
  only: (c: StoreCase) => boolean = () => true,
): Promise<StoreCaseOutcome[]> {
  const context = caseContext(await options.create(), options);
  const outcomes: StoreCaseOutcome[] = [];
  try {
    for (const c of storeCases) {
      if (!only(c)) continue;
      const error = await c.run(context).then(
        () => undefined,
        (e: unknown) => e ?? new Error("the case threw undefined"),
      );
      outcomes.push({ group: c.group, title: c.title, error });
    }
  } finally {
    await options.close?.();
  }
  return outcomes;
}
