/** Shared set-up for the app-password tests: real store, real keyring, captured events. */
import {
  type AppPasswordOptions,
  createKeyring,
  type JsonValue,
  type Keyring,
  type MfaEvent,
  memoryStore,
  type Store,
} from "@mfakit/core";
import { createAppPasswordService } from "@mfakit/core/app-passwords";
import { fakeClock } from "@mfakit/testing";

export const KEY_1 = new Uint8Array(32).fill(1);
export const KEY_2 = new Uint8Array(32).fill(2);

export const keyringWith = (current: string, keys: Record<string, Uint8Array>): Keyring =>
  createKeyring({ current, keys });

/** A keyring that counts how often a master key is fetched, i.e. how many HMACs were run. */
export function countingKeyring(inner: Keyring): Keyring & { lookups: number } {
  const counter = {
    currentId: inner.currentId,
    lookups: 0,
    key(id: string) {
      counter.lookups++;
      return inner.key(id);
    },
  };
  return counter;
}

/** `inner` with `before(operation, key)` awaited ahead of every call. */
function interceptedStore(
  inner: Store,
  before: (operation: string, key: string) => void | Promise<void>,
): Store {
  return {
    id: inner.id,
    async get<T extends JsonValue>(key: string) {
      await before("get", key);
      return inner.get<T>(key);
    },
    async put(key, value, options) {
      await before("put", key);
      return inner.put(key, value, options);
    },
    async take<T extends JsonValue>(key: string) {
      await before("take", key);
      return inner.take<T>(key);
    },
    async increment(key, options) {
      await before("increment", key);
      return inner.increment(key, options);
    },
    async delete(key) {
      await before("delete", key);
      return inner.delete(key);
    },
    async list(prefix, options) {
      await before("list", prefix);
      return inner.list(prefix, options);
    },
  };
}

/** A store that records every call it forwards, and can be told to fail some puts. */
export function recordingStore(
  inner: Store,
  failPut: (key: string) => boolean = () => false,
): Store & { calls: string[] } {
  const calls: string[] = [];
  const store = interceptedStore(inner, (operation, key) => {
    calls.push(operation);
    if (operation === "put" && failPut(key)) throw new Error("injected store failure");
  });
  return Object.assign(store, { calls });
}

/** Every live entry under `prefix`, all pages. */
export async function dump(
  store: Store,
  prefix = "mfa:",
): Promise<Array<{ key: string; value: JsonValue; version: number }>> {
  const out: Array<{ key: string; value: JsonValue; version: number }> = [];
  let cursor: string | null = null;
  do {
    const page = await store.list(prefix, cursor === null ? {} : { cursor });
    out.push(...page.items);
    cursor = page.cursor;
  } while (cursor !== null);
  return out;
}

/** A service on a fresh memory store and fake clock, with its events captured. */
export function setup(
  options: AppPasswordOptions = {},
  keyring: Keyring = keyringWith("k1", { k1: KEY_1 }),
) {
  const clock = fakeClock();
  const memory = memoryStore({ clock });
  const events: MfaEvent[] = [];
  const service = createAppPasswordService(
    { store: memory, keyring, clock, events: { emit: (e) => void events.push(e) } },
    options,
  );
  return { clock, store: memory, keyring, events, service };
}

/** Bare letters of a displayed password. */
export const lettersOf = (password: string) => password.replace(/ /g, "");

/**
 * A store whose every call first waits a random 0-3 turns of the event loop, so that concurrent
 * operations interleave in many different orders (the store itself stays exact).
 */
export function jitteryStore(inner: Store, seed = 1): Store {
  let state = seed;
  return interceptedStore(inner, async () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    for (let turns = (state >>> 16) % 4; turns > 0; turns--) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  });
}
