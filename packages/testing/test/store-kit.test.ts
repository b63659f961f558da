// The Store kit tested against stores that are broken on purpose: each flaw below is a
// plausible adapter bug, and the kit must fail the store on exactly the case written for it
// (and pass it on every other, so the failure is for the right reason). The reference memory
// store passes every case.
import { type JsonValue, memoryStore, type Store } from "@mfakit/core";
import type { IncrementOptions } from "@mfakit/core/adapter";
import { describe, expect, it } from "vitest";
import {
  brokenExtraPuts,
  type ExtraPutsFlaw,
  fakeClock,
  runStoreCases,
  type StoreCase,
  storeCases,
} from "../src/index.js";

type Flaw =
  | "slides"
  | "drops-ttl"
  | "overflows"
  | "counts-anything"
  | "batch-slides"
  | "batch-piecemeal"
  | "batch-stale"
  | "batch-key-order"
  | "both-counts-first"
  | "both-piecemeal"
  | "both-slides";

/**
 * A memory store whose `increment`, `incrementMany` or `putAndCount` has one flaw; everything
 * else is the real memory store.
 */
function flawedStore(flaw: Flaw, clock = fakeClock()) {
  const inner = memoryStore({ clock });
  /** Writes the counter again as it is, with or without a TTL (what a naive SET does). */
  const rewrite = async (key: string, ttlMs: number | undefined) => {
    const entry = await inner.get(key);
    if (entry) await inner.put(key, entry.value, { ttlMs, expectVersion: entry.version });
  };
  /**
   * Increments without the port's checks when `skipCheck` says so (read, add, write; what is
   * not a number counts from 0, since the guarded memory store would refuse to write a NaN).
   */
  const lenient =
    (skipCheck: (held: JsonValue, next: number) => boolean) =>
    async (key: string, options?: IncrementOptions) => {
      const entry = await inner.get(key);
      const next = (Number(entry?.value) || 0) + (options?.by ?? 1);
      if (entry && skipCheck(entry.value, next)) {
        await inner.put(key, next, { expectVersion: entry.version });
        return next;
      }
      return inner.increment(key, options);
    };

  const flaws: Record<Flaw, Partial<Store>> = {
    // Re-applies ttlMs on every call: a rate-limit window that slides forever (FRAUD-03).
    slides: {
      increment: async (key, options) => {
        const n = await inner.increment(key, options);
        if (options?.ttlMs !== undefined) await rewrite(key, options.ttlMs);
        return n;
      },
    },
    // An increment without ttlMs rewrites the counter without one: the window never closes.
    "drops-ttl": {
      increment: async (key, options) => {
        const n = await inner.increment(key, options);
        if (options?.ttlMs === undefined) await rewrite(key, undefined);
        return n;
      },
    },
    // No range check: past 2^53 the counter silently stops counting (REL-02).
    overflows: {
      increment: lenient((held, next) => Number.isSafeInteger(held) && !Number.isSafeInteger(next)),
    },
    // Number(held): "5", true, 1.5 and [1] all count.
    "counts-anything": { increment: lenient((held) => !Number.isSafeInteger(held)) },
    // A batch that re-applies each item's ttlMs (an upsert that always sets expires_at).
    "batch-slides": {
      incrementMany: async (items) => {
        const counts = await inner.incrementMany(items);
        for (const item of items) if (item.ttlMs !== undefined) await rewrite(item.key, item.ttlMs);
        return counts;
      },
    },
    // One increment after another, no transaction: a refused item leaves the earlier applied.
    "batch-piecemeal": {
      incrementMany: async (items) => {
        const counts: number[] = [];
        for (const item of items) counts.push(await inner.increment(item.key, item));
        return counts;
      },
    },
    // The counts read before the write (a SELECT, then an UPDATE without RETURNING): exact
    // totals, but concurrent batches are told the same count.
    "batch-stale": {
      incrementMany: async (items) => {
        const before = await Promise.all(items.map((item) => inner.get(item.key)));
        await inner.incrementMany(items);
        return items.map((item, i) => Number(before[i]?.value ?? 0) + (item.by ?? 1));
      },
    },
    // The counts in the order the backend returned its rows (by key), not the items' order.
    "batch-key-order": {
      incrementMany: async (items) =>
        inner.incrementMany([...items].sort((a, b) => (a.key < b.key ? -1 : 1))),
    },
    // Counts before it knows whether its put wins: a lost compare-and-set still moves the
    // counters (a send refused as a conflict would spend the user's rate limit).
    "both-counts-first": {
      putAndCount: async (put, increments, puts) => {
        const counts = increments.length > 0 ? await inner.incrementMany(increments) : [];
        const result = await inner.putAndCount(put, [], puts);
        return { put: result.put, counts: result.put.ok ? counts : null };
      },
    },
    // Two commits while promising one: a refused counter leaves the put written.
    "both-piecemeal": {
      putAndCount: async (put, increments, puts = []) => {
        const result = await inner.put(put.key, put.value, put.options);
        if (!result.ok) return { put: result, counts: null };
        const counts = increments.length > 0 ? await inner.incrementMany(increments) : [];
        for (const item of puts) await inner.put(item.key, item.value, item.options);
        return { put: result, counts };
      },
    },
    // Re-applies each counter's ttlMs (an upsert that always sets expires_at, FRAUD-03).
    "both-slides": {
      putAndCount: async (put, increments, puts) => {
        const result = await inner.putAndCount(put, increments, puts);
        for (const item of increments) {
          if (item.ttlMs !== undefined) await rewrite(item.key, item.ttlMs);
        }
        return result;
      },
    },
  };
  const store: Store = { ...inner, id: `memory-${flaw}`, ...flaws[flaw] };
  return { store, advance: (ms: number) => clock.advance(ms) };
}

const titled = (text: string): StoreCase => {
  const found = storeCases.find((c) => c.title.startsWith(text));
  if (!found) throw new Error(`no kit case titled "${text}…"`);
  return found;
};

const failedTitles = async (create: () => { store: Store; advance: (ms: number) => void }) => {
  const { store, advance } = create();
  const outcomes = await runStoreCases({
    name: store.id,
    create: () => store,
    advance,
    batchAllOrNothing: true,
    putAndCountAllOrNothing: true,
  });
  expect(outcomes).toHaveLength(storeCases.length);
  return outcomes.filter((o) => o.error !== undefined).map((o) => o.title);
};

describe("the Store kit catches broken adapters", () => {
  it("the reference memory store passes every case", async () => {
    const clock = fakeClock();
    expect(
      await failedTitles(() => ({ store: memoryStore({ clock }), advance: clock.advance })),
    ).toEqual([]);
  });

  const expected: Array<[Flaw, string, string[]]> = [
    [
      "slides",
      "an increment that re-applies its TTL (a sliding window, FRAUD-03)",
      ["increment sets the TTL only on create"],
    ],
    [
      "drops-ttl",
      "an increment without ttlMs that drops the counter's TTL",
      ["an increment without ttlMs keeps the counter's TTL"],
    ],
    [
      "overflows",
      "an increment past Number.MAX_SAFE_INTEGER (REL-02)",
      ["refuses a result beyond the safe integers"],
    ],
    [
      "counts-anything",
      "an increment of a string, boolean, float or array",
      [
        "refuses a key that holds something other than an integer",
        "refuses a number that is not a safe integer",
      ],
    ],
    [
      "batch-slides",
      "an incrementMany that re-applies each item's TTL (FRAUD-03)",
      ["sets each counter's TTL only when the batch creates it"],
    ],
    [
      "batch-piecemeal",
      "an incrementMany that promises all or nothing and applies items one by one",
      ["refuses a batch with a counter that holds a non-integer"],
    ],
    [
      "batch-stale",
      "an incrementMany that reports counts read before its write (REL-02)",
      ["50 concurrent batches over overlapping keys"],
    ],
    [
      "batch-key-order",
      "an incrementMany that answers in key order, not the items' order",
      [
        "gives what separate increments give",
        "sets each counter's TTL only when the batch creates it",
        "50 concurrent batches over overlapping keys",
        // That case compares putAndCount with put then incrementMany.
        "gives what put then incrementMany give",
      ],
    ],
    [
      "both-counts-first",
      "a putAndCount that counts before its compare-and-set is known to win (REL-02)",
      [
        "a lost compare-and-set counts nothing",
        "50 concurrent calls with one expectVersion",
        // The extra-put cases check that a lost call moved no counter either.
        "a lost compare-and-set writes none of the extra puts",
        "100 concurrent calls with one expectVersion and extra puts",
      ],
    ],
    [
      "both-piecemeal",
      "a putAndCount that promises all or nothing and writes the put before the counters",
      ["refuses a counter that holds a non-integer or would overflow"],
    ],
    [
      "both-slides",
      "a putAndCount that re-applies each counter's TTL (FRAUD-03)",
      ["TTLs: the put's as put sets it"],
    ],
  ];
  for (const [flaw, what, cases] of expected) {
    it(`fails ${what} on exactly its case`, async () => {
      const failed = await failedTitles(() => flawedStore(flaw));
      expect(failed).toEqual(cases.map((text) => titled(text).title));
    });
  }

  const extraPuts: Array<[ExtraPutsFlaw, string, string[]]> = [
    [
      "written-when-lost",
      "a putAndCount that writes its extra puts before its compare-and-set is known to win",
      [
        // A refused call is a lost one for its extra puts too.
        "refuses a counter that holds a non-integer or would overflow",
        "a lost compare-and-set writes none of the extra puts",
        "100 concurrent calls with one expectVersion and extra puts",
      ],
    ],
    [
      "dropped",
      "a putAndCount that drops its extra puts",
      [
        "the extra puts land with a winning compare-and-set",
        "100 concurrent calls with one expectVersion and extra puts",
      ],
    ],
  ];
  for (const [flaw, what, cases] of extraPuts) {
    it(`fails ${what} on exactly its cases (brokenExtraPuts "${flaw}")`, async () => {
      const clock = fakeClock();
      const failed = await failedTitles(() => ({
        store: brokenExtraPuts(memoryStore({ clock }), flaw),
        advance: clock.advance,
      }));
      expect(failed).toEqual(cases.map((text) => titled(text).title));
    });
  }

  it("runs one case alone: the sliding counter outlives its fixed window", async () => {
    const { store, advance } = flawedStore("slides");
    const window = titled("increment sets the TTL only on create");
    const [outcome] = await runStoreCases(
      { name: "slides", create: () => store, advance },
      (c) => c === window,
    );
    expect(outcome?.title).toBe(window.title);
    // The entry was still there half a unit after its fixed window closed.
    expect(String(outcome?.error)).toMatch(/expected .* to be null/i);
  });
});
