/**
 * Shared set-up of the codes tests: a real code service on the memory store and a fake clock,
 * with probes that count what reaches the store and the keyring (the parts it depends on,
 * never the code under test).
 */
import {
  type CodeOptions,
  createKeyring,
  type Keyring,
  type MfaEvent,
  memoryStore,
  type RandomSource,
  type Store,
} from "@mfakit/core";
import { userKey } from "@mfakit/core/adapter";
import { createCodeService } from "@mfakit/core/codes";
import type { KeyedDigest } from "@mfakit/core/crypto";
import { fakeClock } from "@mfakit/testing";

/** A keyring with one or more 32-byte keys made of a repeated byte (`k1` → 1, `k2` → 2...). */
export function testKeyring(current: string, ids: readonly string[] = [current]): Keyring {
  return createKeyring({
    current,
    keys: Object.fromEntries(ids.map((id) => [id, new Uint8Array(32).fill(Number(id.slice(1)))])),
  });
}

/** Counts calls of `keyring.key()`: each hash of a code, made or checked, asks for a key once. */
export function countingKeyring(inner: Keyring): Keyring & { lookups: number } {
  const probe = {
    lookups: 0,
    currentId: inner.currentId,
    key(id: string) {
      probe.lookups++;
      return inner.key(id);
    },
  };
  return probe;
}

/** Counts every store call by method (a proxy: generic methods stay generic). */
export function countingStore(inner: Store): Store & { calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const probe = new Proxy(inner, {
    get(target, name, receiver) {
      if (name === "calls") return calls;
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== "function" || typeof name !== "string") return value;
      return (...args: unknown[]) => {
        calls[name] = (calls[name] ?? 0) + 1;
        return value.apply(target, args);
      };
    },
  });
  return probe as Store & { calls: Record<string, number> };
}

/** Every live entry of a store, key → value (for "nothing changed" and "nothing plain" checks). */
export async function dump(store: Store): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  let cursor: string | null = null;
  do {
    const page = await store.list("mfa:", { limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const item of page.items) out[item.key] = { value: item.value, version: item.version };
    cursor = page.cursor;
  } while (cursor);
  return out;
}

/** The stored record of a live challenge of {@link USER}, read straight from the store. */
export async function storedRecord(
  store: Store,
  challengeId: string,
): Promise<Record<string, unknown> & { hash: KeyedDigest }> {
  const entry = await store.get(userKey(USER, "code", challengeId));
  if (!entry) throw new Error(`no record for ${challengeId}`);
  return entry.value as unknown as Record<string, unknown> & { hash: KeyedDigest };
}

/** A deterministic byte source (xorshift32): the same seed gives the same codes and ids. */
export function seededRandom(seed: number): RandomSource {
  let x = seed >>> 0 || 1;
  return {
    bytes(length: number) {
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i++) {
        x ^= x << 13;
        x >>>= 0;
        x ^= x >>> 17;
        x ^= x << 5;
        x >>>= 0;
        out[i] = x & 0xff;
      }
      return out;
    },
  };
}

export const USER = "user-1";
export const PHONE = "+447400123456";
export const EMAIL = "alice@example.com";

/** The `{ userId, challengeId }` of an issued code of {@link USER}. */
export const ref = (issued: { challengeId: string }) => ({
  userId: USER,
  challengeId: issued.challengeId,
});

/** A fresh code service with its parts exposed. */
export function setup(options: CodeOptions = {}, parts: { random?: RandomSource } = {}) {
  const clock = fakeClock();
  const memory = memoryStore({ clock });
  const store = countingStore(memory);
  const keyring = countingKeyring(testKeyring("k1"));
  const events: MfaEvent[] = [];
  const codes = createCodeService(
    { store, keyring, clock, events: { emit: (e) => void events.push(e) }, ...parts },
    options,
  );
  /** A wrong code of the right shape for `code`. */
  const wrong = (code: string) => code.replace(/^./, (d) => String((Number(d) + 1) % 10));
  return { clock, memory, store, keyring, events, codes, wrong };
}
