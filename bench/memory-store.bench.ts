/** The memory store's put + take against a bare Map set + delete (the floor it builds on). */
import { memoryStore } from "@mfakit/core";
import { measure, report } from "./harness.ts";

export async function run(): Promise<number> {
  const store = memoryStore();
  const map = new Map<string, string>();
  let i = 0;
  const subject = await measure(async () => {
    const k = `k${i++}`;
    await store.put(k, { h: "x" }, { ttlMs: 60_000 });
    await store.take(k);
  });
  const baseline = await measure(async () => {
    const k = `k${i++}`;
    map.set(k, JSON.stringify({ h: "x" }));
    map.delete(k);
  });
  const ok = report(
    "memory store put + take vs Map set + delete (JSON copy included)",
    { name: "memoryStore", m: subject },
    { name: "Map", m: baseline },
    { maxRatio: 20 },
  );
  return ok ? 0 : 1;
}
