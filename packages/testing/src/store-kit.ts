/**
 * The Store conformance kit: every guarantee of the Store port, as vitest tests.
 *
 * An adapter's test file calls {@link testStore} once and adds its own backend cases. The
 * concurrency cases fire real concurrent calls at one store instance: with a pooled adapter
 * they reach the backend over many connections at once.
 *
 * @module
 */

import { isMfaError, type JsonValue, type Store } from "@mfakit/core/adapter";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

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
   * time by 1 and then 2 more units. Raise it for a backend with coarse expiry. @default 1000
   */
  readonly ttlUnitMs?: number;
  /** Closes what `create` opened (pools, clients). */
  close?(): void | Promise<void>;
}

/**
 * Registers the Store conformance suite.
 *
 * @example
 * ```ts
 * const clock = fakeClock();
 * testStore({ name: "memory", create: () => memoryStore({ clock }), advance: (ms) => clock.advance(ms) });
 * ```
 */
export function testStore(options: StoreKitOptions): void {
  const unit = options.ttlUnitMs ?? 1000;
  let store: Store;
  // Every case writes under its own random prefix, so a shared backend needs no cleanup.
  let run = 0;
  const prefix = `kit${Math.random().toString(36).slice(2, 8)}`;
  const ns = () => `${prefix}:${++run}:{u${run}}:`;

  describe(`Store conformance: ${options.name}`, () => {
    beforeAll(async () => {
      store = await options.create();
    });
    afterAll(async () => {
      await options.close?.();
    });

    it("has an id", () => {
      expect(typeof store.id).toBe("string");
      expect(store.id.length).toBeGreaterThan(0);
    });

    describe("get and put", () => {
      it("get of an absent key is null", async () => {
        expect(await store.get(`${ns()}absent`)).toBeNull();
      });

      it("round-trips JSON values exactly (objects, arrays, unicode, numbers, null)", async () => {
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
      });

      it("returns a copy: mutating what get returned changes nothing stored", async () => {
        const k = `${ns()}copy`;
        await store.put(k, { list: [1] });
        const got = await store.get<{ list: number[] }>(k);
        got?.value.list.push(2);
        expect((await store.get(k))?.value).toEqual({ list: [1] });
      });

      it("versions: a positive integer that changes on every write", async () => {
        const k = `${ns()}v`;
        const first = await store.put(k, 1);
        const second = await store.put(k, 2);
        expect(first.ok && second.ok).toBe(true);
        if (!first.ok || !second.ok) return;
        expect(Number.isInteger(first.version) && first.version > 0).toBe(true);
        expect(second.version).not.toBe(first.version);
        expect((await store.get(k))?.version).toBe(second.version);
      });

      it("put-if-absent (expectVersion null) succeeds once, then fails with the current entry", async () => {
        const k = `${ns()}absent`;
        const first = await store.put(k, "a", { expectVersion: null });
        expect(first.ok).toBe(true);
        const second = await store.put(k, "b", { expectVersion: null });
        expect(second.ok).toBe(false);
        if (!second.ok) expect(second.current?.value).toBe("a");
        expect((await store.get(k))?.value).toBe("a");
      });

      it("compare-and-set: the right version writes, a stale one fails and writes nothing", async () => {
        const k = `${ns()}cas`;
        const first = await store.put(k, "a");
        if (!first.ok) throw new Error("put failed");
        const ok = await store.put(k, "b", { expectVersion: first.version });
        expect(ok.ok).toBe(true);
        const stale = await store.put(k, "c", { expectVersion: first.version });
        expect(stale.ok).toBe(false);
        if (!stale.ok) expect(stale.current?.value).toBe("b");
        expect((await store.get(k))?.value).toBe("b");
      });

      it("compare-and-set on an absent key with a version fails with current null", async () => {
        const k = `${ns()}gone`;
        const r = await store.put(k, "x", { expectVersion: 1 });
        expect(r).toEqual({ ok: false, current: null });
        expect(await store.get(k)).toBeNull();
      });

      it("accepts keys with colons, braces, spaces and non-ASCII characters", async () => {
        const k = `${ns()}user:{é 😀}:x y`;
        await store.put(k, 1);
        expect((await store.get(k))?.value).toBe(1);
      });
    });

    describe("take", () => {
      it("returns the entry once and deletes it", async () => {
        const k = `${ns()}t`;
        await store.put(k, { secret: "hash" });
        const taken = await store.take(k);
        expect(taken?.value).toEqual({ secret: "hash" });
        expect(await store.take(k)).toBeNull();
        expect(await store.get(k)).toBeNull();
      });

      it("of an absent key is null", async () => {
        expect(await store.take(`${ns()}none`)).toBeNull();
      });
    });

    describe("increment", () => {
      it("starts an absent counter at 0, adds `by` (also negative), and get reads it", async () => {
        const k = `${ns()}n`;
        expect(await store.increment(k)).toBe(1);
        expect(await store.increment(k, { by: 5 })).toBe(6);
        expect(await store.increment(k, { by: -2 })).toBe(4);
        expect((await store.get(k))?.value).toBe(4);
      });

      it("refuses a key that holds something other than an integer", async () => {
        const k = `${ns()}obj`;
        await store.put(k, { not: "a number" });
        const error = await store.increment(k).catch((e: unknown) => e);
        expect(isMfaError(error, "store_invalid_operation")).toBe(true);
        expect((await store.get(k))?.value).toEqual({ not: "a number" });
      });
    });

    describe("delete", () => {
      it("says whether a live entry was there", async () => {
        const k = `${ns()}d`;
        await store.put(k, 1);
        expect(await store.delete(k)).toBe(true);
        expect(await store.delete(k)).toBe(false);
        expect(await store.get(k)).toBeNull();
      });
    });

    describe("list", () => {
      it("lists only the prefix, in ascending key order, a page at a time", async () => {
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
      });

      it("treats the prefix literally (no wildcards)", async () => {
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
      });
    });

    describe("TTL (on the store's clock)", () => {
      it("an entry lives for its TTL and then behaves as absent everywhere", async () => {
        const p = ns();
        const k = `${p}ttl`;
        await store.put(k, "short", { ttlMs: 2 * unit });
        await store.put(`${p}keep`, "long");
        await options.advance(unit);
        expect((await store.get(k))?.value).toBe("short");
        await options.advance(2 * unit);
        expect(await store.get(k)).toBeNull();
        expect(await store.take(k)).toBeNull();
        expect(await store.delete(k)).toBe(false);
        expect((await store.list(p)).items.map((i) => i.key)).toEqual([`${p}keep`]);
        const again = await store.put(k, "new", { expectVersion: null });
        expect(again.ok).toBe(true);
      });

      it("a put without ttlMs removes an earlier TTL", async () => {
        const k = `${ns()}persist`;
        await store.put(k, 1, { ttlMs: 2 * unit });
        await store.put(k, 2);
        await options.advance(3 * unit);
        expect((await store.get(k))?.value).toBe(2);
      });

      it("increment sets the TTL only on create: the window is fixed, it never slides", async () => {
        const k = `${ns()}window`;
        expect(await store.increment(k, { ttlMs: 2 * unit })).toBe(1);
        await options.advance(unit);
        expect(await store.increment(k, { ttlMs: 2 * unit })).toBe(2);
        await options.advance(2 * unit);
        expect(await store.get(k)).toBeNull();
        expect(await store.increment(k, { ttlMs: 2 * unit })).toBe(1);
      });
    });

    describe("concurrency (REL-01, REL-02)", () => {
      it("50 concurrent takes of one key: exactly one gets the entry", async () => {
        const k = `${ns()}race`;
        await store.put(k, "once");
        const results = await Promise.all(Array.from({ length: 50 }, () => store.take(k)));
        expect(results.filter((r) => r !== null)).toHaveLength(1);
      });

      it("200 concurrent increments: the exact count, each value once", async () => {
        const k = `${ns()}count`;
        const values = await Promise.all(Array.from({ length: 200 }, () => store.increment(k)));
        expect(new Set(values).size).toBe(200);
        expect(Math.max(...values)).toBe(200);
        expect((await store.get(k))?.value).toBe(200);
      });

      it("50 concurrent compare-and-sets on one version: exactly one winner", async () => {
        const k = `${ns()}cas-race`;
        const first = await store.put(k, -1);
        if (!first.ok) throw new Error("put failed");
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) => store.put(k, i, { expectVersion: first.version })),
        );
        const winners = results.flatMap((r, i) => (r.ok ? [i] : []));
        expect(winners).toHaveLength(1);
        expect((await store.get(k))?.value).toBe(winners[0]);
      });

      it("50 concurrent puts-if-absent: exactly one winner", async () => {
        const k = `${ns()}create-race`;
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) => store.put(k, i, { expectVersion: null })),
        );
        expect(results.filter((r) => r.ok)).toHaveLength(1);
      });
    });
  });
}
