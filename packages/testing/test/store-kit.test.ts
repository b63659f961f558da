// The Store kit tested against stores that are broken on purpose: each flaw below is a
// plausible adapter bug, and the kit must fail the store on exactly the case written for it
// (and pass it on every other, so the failure is for the right reason). The reference memory
// store passes every case.
import { type JsonValue, memoryStore, type Store } from "@mfakit/core";
import type { IncrementOptions } from "@mfakit/core/adapter";
import { describe, expect, it } from "vitest";
import { fakeClock, runStoreCases, type StoreCase, storeCases } from "../src/index.js";

type Flaw = "slides" | "drops-ttl" | "overflows" | "counts-anything";

/** A memory store whose `increment` has one flaw; everything else is the real memory store. */
function flawedStore(flaw: Flaw, clock = fakeClock()) {
  const inner = memoryStore({ clock });
  /** Writes the counter again as it is, with or without a TTL (what a naive SET does). */
  const rewrite = async (key: string, ttlMs: number | undefined) => {
    const entry = await inner.get(key);
    if (entry) await inner.put(key, entry.value, { ttlMs, expectVersion: entry.version });
  };
  /** Increments without the port's checks when `skipCheck` says so (read, add, write). */
  const lenient =
    (skipCheck: (held: JsonValue, next: number) => boolean) =>
    async (key: string, options?: IncrementOptions) => {
      const entry = await inner.get(key);
      const next = Number(entry?.value) + (options?.by ?? 1);
      if (entry && skipCheck(entry.value, next)) {
        await inner.put(key, next, { expectVersion: entry.version });
        return next;
      }
      return inner.increment(key, options);
    };

  const increments: Record<Flaw, Store["increment"]> = {
    // Re-applies ttlMs on every call: a rate-limit window that slides forever (FRAUD-03).
    slides: async (key, options) => {
      const n = await inner.increment(key, options);
      if (options?.ttlMs !== undefined) await rewrite(key, options.ttlMs);
      return n;
    },
    // An increment without ttlMs rewrites the counter without one: the window never closes.
    "drops-ttl": async (key, options) => {
      const n = await inner.increment(key, options);
      if (options?.ttlMs === undefined) await rewrite(key, undefined);
      return n;
    },
    // No range check: past 2^53 the counter silently stops counting (REL-02).
    overflows: lenient((held, next) => Number.isSafeInteger(held) && !Number.isSafeInteger(next)),
    // Number(held): "5", true, 1.5 and [1] all count.
    "counts-anything": lenient((held) => !Number.isSafeInteger(held)),
  };
  const store: Store = { ...inner, id: `memory-${flaw}`, increment: increments[flaw] };
  return { store, advance: (ms: number) => clock.advance(ms) };
}

const titled = (text: string): StoreCase => {
  const found = storeCases.find((c) => c.title.startsWith(text));
  if (!found) throw new Error(`no kit case titled "${text}…"`);
  return found;
};

const failedTitles = async (create: () => { store: Store; advance: (ms: number) => void }) => {
  const { store, advance } = create();
  const outcomes = await runStoreCases({ name: store.id, create: () => store, advance });
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
  ];
  for (const [flaw, what, cases] of expected) {
    it(`fails ${what} on exactly its case`, async () => {
      const failed = await failedTitles(() => flawedStore(flaw));
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
