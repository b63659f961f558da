/**
 * Idempotent sends over the Store (REL-03, REL-05): one logical send, one provider call, however
 * often and however concurrently it is asked for.
 *
 * A send claims its idempotency key with `put(…, { expectVersion: null })`: of any number of
 * concurrent claims, on any number of app instances sharing the store, exactly one wins. The
 * winner calls the provider and then records the outcome under the same key:
 *
 * - `sent`: the receipt, replayed to every later send with the key, with no provider call;
 * - `rejected`: the provider refused this recipient; replayed as the same `delivery_rejected`;
 * - `failed`: every provider was unavailable. Not replayed: the next send with the key claims it
 *   again and retries (with the same key, so a provider that deduplicates sends once; the
 *   outcome of a timed-out attempt is unknown, REL-05).
 *
 * A loser finds the claim `pending` and waits for the winner by polling the key (its own
 * provider call would be the duplicate SMS this module exists to prevent). It then answers as
 * the winner did: the receipt, the rejection, or `delivery_unavailable` if the winner failed.
 * If the winner has not finished within `waitMs` the loser gets `delivery_in_progress` (HTTP
 * 409 in the IETF idempotency-key draft); if the winner crashed, its claim expires after
 * `pendingTtlMs` and a later send takes over.
 *
 * The same key with a different destination is a client bug (IETF: 422) and throws
 * `idempotency_key_reused`. Records keep a truncated SHA-256 of the destination, never the
 * destination or the text (which holds the code).
 *
 * @module
 */

import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { isMfaError, MfaError } from "../errors.js";
import type { Clock } from "../ports/clock.js";
import type { SendReceipt } from "../ports/senders.js";
import type { Store, StoreEntry } from "../ports/store.js";

/** What is stored under an idempotency key. */
type SendRecord =
  | { readonly state: "pending"; readonly dest: string; readonly since: number }
  | {
      readonly state: "sent";
      readonly dest: string;
      readonly provider: string;
      readonly messageId: string;
      readonly at: number;
    }
  | {
      readonly state: "rejected";
      readonly dest: string;
      readonly provider: string;
      readonly providerCode: string | null;
      readonly at: number;
    }
  | { readonly state: "failed"; readonly dest: string; readonly at: number };

/** Settings of one {@link sendOnce} call. */
export interface SendOnceOptions {
  readonly store: Store;
  readonly clock: Clock;
  /** The store key of this send's record. */
  readonly key: string;
  /** Identifies the destination; hashed before it is stored. */
  readonly destination: string;
  /** How long a claim lives if its owner never finishes (crash). */
  readonly pendingTtlMs: number;
  /** How long an outcome is kept and replayed. */
  readonly recordTtlMs: number;
  /** How long a concurrent send waits for the claim's owner. */
  readonly waitMs: number;
}

const fingerprint = (destination: string): string =>
  bytesToHex(sha256(utf8ToBytes(destination)).subarray(0, 16));

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Real elapsed time for waiting: a fake clock in tests must not stall or skip a wait. */
const elapsedSince = (start: number) => performance.now() - start;

/** Longest claim/takeover rounds before giving up (only lost races with expiry loop). */
const MAX_ROUNDS = 5;

/**
 * Runs `deliver` at most once per key across every caller sharing `options.store`; see the
 * module comment for the protocol.
 */
export async function sendOnce(
  options: SendOnceOptions,
  deliver: () => Promise<SendReceipt>,
): Promise<SendReceipt> {
  const { store, key } = options;
  const dest = fingerprint(options.destination);
  let waited = false;

  for (let round = 0; round < MAX_ROUNDS; round++) {
    const pending: SendRecord = { state: "pending", dest, since: options.clock.now() };
    const claim = await store.put(key, pending, {
      expectVersion: null,
      ttlMs: options.pendingTtlMs,
    });
    if (claim.ok) return own(options, dest, claim.version, deliver);

    let current = claim.current as StoreEntry<SendRecord> | null;
    if (current && current.value.dest !== dest) {
      throw new MfaError("idempotency_key_reused", {
        message: "This idempotency key was already used to send to another destination.",
      });
    }
    if (current?.value.state === "pending") {
      current = await waitForOwner(options, current.version);
      waited = true;
    }
    if (current === null) continue; // absent again (expired claim): try to claim it
    const record = current.value;
    switch (record.state) {
      case "sent":
        return { provider: record.provider, messageId: record.messageId };
      case "rejected":
        throw new MfaError("delivery_rejected", {
          data: { provider: record.provider, providerCode: record.providerCode, replayed: true },
        });
      case "failed": {
        // The send we waited for failed: answer as it did. A send that comes later retries.
        if (waited) throw new MfaError("delivery_unavailable", { data: { concurrent: true } });
        const takeover = await store.put(key, pending, {
          expectVersion: current.version,
          ttlMs: options.pendingTtlMs,
        });
        if (takeover.ok) return own(options, dest, takeover.version, deliver);
        continue;
      }
      case "pending":
        throw new MfaError("delivery_in_progress", { data: { waitMs: options.waitMs } });
    }
  }
  throw new MfaError("delivery_in_progress", { data: { waitMs: options.waitMs } });
}

/** The claim's owner: deliver, then record the outcome with compare-and-set on our claim. */
async function own(
  options: SendOnceOptions,
  dest: string,
  version: number,
  deliver: () => Promise<SendReceipt>,
): Promise<SendReceipt> {
  const settle = async (record: SendRecord) => {
    try {
      await options.store.put(options.key, record, {
        expectVersion: version,
        ttlMs: options.recordTtlMs,
      });
    } catch {
      // The provider call has happened; its outcome goes to the caller even if the store is
      // down now. The claim then expires after pendingTtlMs and a retry may send again.
    }
  };
  const at = options.clock.now();
  try {
    const receipt = await deliver();
    await settle({
      state: "sent",
      dest,
      provider: receipt.provider,
      messageId: receipt.messageId,
      at,
    });
    return receipt;
  } catch (e) {
    if (isMfaError(e, "delivery_rejected")) {
      const provider = typeof e.data.provider === "string" ? e.data.provider : "unknown";
      const code = e.data.providerCode;
      await settle({
        state: "rejected",
        dest,
        provider,
        providerCode: code === undefined || code === null ? null : String(code),
        at,
      });
    } else {
      await settle({ state: "failed", dest, at });
    }
    throw e;
  }
}

/** Polls until the pending claim is settled, gone, or `waitMs` has passed. */
async function waitForOwner(
  options: SendOnceOptions,
  pendingVersion: number,
): Promise<StoreEntry<SendRecord> | null> {
  const start = performance.now();
  let interval = 5;
  while (elapsedSince(start) < options.waitMs) {
    await sleep(Math.min(interval, Math.max(1, options.waitMs - elapsedSince(start))));
    interval = Math.min(interval * 2, 200);
    const entry = await options.store.get<SendRecord>(options.key);
    if (entry === null || entry.version !== pendingVersion || entry.value.state !== "pending") {
      return entry;
    }
  }
  throw new MfaError("delivery_in_progress", { data: { waitMs: options.waitMs } });
}
