/**
 * "This wasn't me": every factor change a user makes is told with a one-click link that undoes
 * it. No peer has it; it closes the gap a notice alone leaves (BIND-02 tells the user, but an
 * attacker who just added a phone keeps it until support acts).
 *
 * **Recording.** When the gate is told of a change (inside the action's unit of work, before its
 * commit), {@link revertRecorder} writes what undoing it takes into the user's document under
 * `revert:<id>`, with the token's keyed hash, in the SAME commit as the change: a lost commit
 * leaves no link, a committed change always has its record. Only changes the user made get a
 * link (an admin's are not undone by whoever holds a removed phone), and only when the app
 * configured `revert.url`. A removal's notice to the very destination it removed carries no link:
 * a thief holding the old phone must not be able to put it back.
 *
 * **Reverting** ({@link revertChange}, `mfa.revertChange({ token })`): no session, the link is
 * the proof. In one unit of work it checks the token (shape, MAC, keyed hash, expiry), consumes
 * the record, takes the added factor away (or puts back the one replaced or removed, where its
 * data was kept: phones, the recovery email and phone; not an authenticator app, whose sealed
 * seed is deleted on removal), revokes every app password and remembered device, and marks the
 * account for review. One commit: of N parallel uses of one link exactly one commits; the others
 * find the record gone (LIFE-02, REL-01). Notices of what the revert changed carry no link.
 *
 * @module
 */

import { removeFactor } from "../admin/admin.js";
import { type KeyedDigest, keyedHash, verifyKeyedHash } from "../crypto/keyed-hash.js";
import { isNoticeLink } from "../delivery/templates.js";
import { isMfaError, MfaError } from "../errors.js";
import type { Binding, FactorKind, FactorRegistry } from "../factors/registry.js";
import type { FlowDeps } from "../flow-deps.js";
import { type FactorChange, type Gate, noticeTargets } from "../flows/gate.js";
import { userKey } from "../keys.js";
import type { Clock, RandomSource } from "../ports/clock.js";
import type { Keyring } from "../ports/keyring.js";
import type { Store } from "../ports/store.js";
import type { Registration, RegistrationStore } from "../registration/registration.js";
import { mintRevertToken, parseRevertToken, revertMacValid } from "./revert-token.js";

/** The "this wasn't me" links, as `createMfa({ revert })` takes them. */
export interface RevertOptions {
  /**
   * The page a notice links to, for a token: e.g. `(t) => \`https://app.example/r/${t}\``. An
   * absolute http(s) URL of printable ASCII, at most 2048 characters; a GET of it must only show
   * a confirm button (mail scanners follow links), its POST calls `mfa.revertChange`. Keep it
   * short: it goes into an SMS.
   */
  readonly url: (token: string) => string;
  /** How long a link works, in hours (1 to 720). @default 72 */
  readonly ttlHours?: number;
}

/** What `mfa.revertChange` did. */
export interface RevertOutcome {
  /** The change undone, and the method or kind it concerned (`authentication-phone`, …). */
  readonly change: "added" | "removed";
  readonly method: string;
  /**
   * `removed`: the added factor is gone; `restored`: the removed (or replaced) one is back;
   * `none`: there was nothing to undo any more, or it cannot be restored (an authenticator app).
   */
  readonly undone: "removed" | "restored" | "none";
  readonly appPasswordsRevoked: number;
  readonly devicesRevoked: number;
}

/** The input of `mfa.revertChange`. */
export interface RevertInput {
  /** The token from the link, as the page received it. */
  readonly token: string;
}

/** The longest link lifetime, in hours (30 days). */
export const MAX_REVERT_TTL_HOURS = 720;
const DEFAULT_TTL_HOURS = 72;

/** Options checked once, with their defaults. */
export interface ResolvedRevertOptions {
  readonly url: (token: string) => string;
  readonly ttlHours: number;
}

/**
 * Checks `revert` once, at construction (STYLE 7): the problems, for `createMfa`'s one error,
 * and the options with defaults (`null` when links are off).
 */
export function resolveRevertOptions(input: unknown): {
  options: ResolvedRevertOptions | null;
  issues: string[];
} {
  if (input === undefined) return { options: null, issues: [] };
  const given = (
    typeof input === "object" && input !== null ? input : {}
  ) as Partial<RevertOptions>;
  const issues: string[] = [];
  const ttlHours = given.ttlHours ?? DEFAULT_TTL_HOURS;
  if (!Number.isInteger(ttlHours) || ttlHours < 1 || ttlHours > MAX_REVERT_TTL_HOURS)
    issues.push(`revert.ttlHours: a whole number of hours from 1 to ${MAX_REVERT_TTL_HOURS}`);
  if (typeof given.url !== "function") issues.push("revert.url: must be a function");
  // A sample token shows a broken url function now rather than at a user's first change.
  else if (linkOf(given.url, `dXNlcg.${"A".repeat(22)}.${"A".repeat(22)}`) === null)
    issues.push("revert.url: must return an http(s) URL of printable ASCII, ≤ 2048 characters");
  if (issues.length > 0 || typeof given.url !== "function") return { options: null, issues };
  return { options: Object.freeze({ url: given.url, ttlHours }), issues };
}

/** The app's link for `token`, or `null` when its function throws or answers no usable URL. */
function linkOf(url: (token: string) => string, token: string): string | null {
  try {
    const link = url(token);
    return isNoticeLink(link) ? link : null;
  } catch {
    return null;
  }
}

/** A factor as the record keeps it: enough to find it again, or to bind it again. */
interface FactorRef {
  readonly kind: FactorKind;
  readonly id: string;
  readonly verifiedAt: number | null;
}

/** One change's record in the user's document, under `revert:<token id>`. */
interface RevertRecord {
  readonly v: 1;
  /** Keyed hash of the whole token (STORE-01): the token itself is never stored. */
  readonly hash: KeyedDigest;
  readonly change: "added" | "removed";
  readonly method: string;
  readonly expiresAt: number;
  /** The factor the change added: taken away if it is still the same one. */
  readonly added: FactorRef | null;
  /** What the change removed or replaced, with the binding that puts it back (if it can be). */
  readonly previous: (FactorRef & { readonly binding: Binding }) | null;
}

const recordKey = (userId: string, id: string) => userKey(userId, "revert", id);
const destinationOf = (b: Binding) =>
  "phone" in b ? b.phone.e164 : "address" in b ? b.address : null;

/** The registry's module of a change's method, if the method is a factor kind. */
const moduleOf = (factors: FactorRegistry, method: string) =>
  factors.has(method) ? factors.module(method) : null;

/** What undoing `change` takes, read off the registry's before/after (pure). */
function undoOf(
  factors: FactorRegistry,
  change: FactorChange,
  after: Registration,
): Pick<RevertRecord, "added" | "previous"> {
  const module = moduleOf(factors, change.method);
  if (!module) return { added: null, previous: null };
  const diff = factors.changes(change.before, after);
  const mine = (change.change === "added" ? diff.added : diff.removed).find(
    (c) => c.module === module,
  );
  if (!mine) return { added: null, previous: null };
  const { id } = mine.factor;
  const was = module.list(change.before).find((f) => f.id === id);
  const binding = module.restore?.(change.before, id) ?? null;
  const ref = (f: { id: string; verifiedAt: number | null }) => ({
    kind: module.kind,
    id: f.id,
    verifiedAt: f.verifiedAt,
  });
  return {
    added: change.change === "added" ? ref(mine.factor) : null,
    previous: was && binding ? { ...ref(was), binding } : null,
  };
}

/** What recording needs: the action's unit store and the user's registrations in it. */
export interface RevertRecorderDeps {
  readonly store: Store;
  readonly registrations: RegistrationStore;
  readonly keyring: Keyring;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly factors: FactorRegistry;
}

/**
 * Records changes for their links, inside the action's unit of work. `record` answers the change
 * as the gate should tell it: with `links` per channel when a record was written.
 */
export function revertRecorder(deps: RevertRecorderDeps, options: ResolvedRevertOptions | null) {
  const { store, registrations, keyring, clock, random } = deps;
  return {
    async record(change: FactorChange): Promise<FactorChange> {
      // A use (a Temporary Access Pass signed in) changed no factor: there is nothing to undo.
      if (!options || change.by !== "user" || change.links || change.change === "used")
        return change;
      const undo = undoOf(deps.factors, change, await registrations.get(change.userId));
      // A removal is never undone from the destination it removed (a stolen phone's holder).
      const removedTo =
        change.change === "removed" && undo.previous ? destinationOf(undo.previous.binding) : null;
      const channels = noticeTargets(change).filter((t) => t.to !== removedTo);
      if (channels.length === 0) return change;
      const { token, id } = mintRevertToken(keyring, random, change.userId);
      const link = linkOf(options.url, token);
      // The notice still goes without a link: a broken URL function must not fail the change.
      if (link === null) return change;
      const ttlMs = options.ttlHours * 3_600_000;
      const record: RevertRecord = {
        v: 1,
        hash: keyedHash(keyring, "revert-hmac", ["token", change.userId, token]),
        change: change.change,
        method: change.method,
        expiresAt: clock.now() + ttlMs,
        ...undo,
      };
      await store.put(recordKey(change.userId, id), record as never, { ttlMs });
      return { ...change, links: Object.fromEntries(channels.map((c) => [c.channel, link])) };
    },
  };
}

/** What reverting needs: the action's flows and the keyring. */
export type RevertDeps = FlowDeps & { readonly keyring: Keyring };

const invalidLink = () => new MfaError("revert_link_invalid", { data: { field: "token" } });

/**
 * Checks a revert token and undoes its change, in the caller's unit of work (see the module
 * comment). A malformed token is `invalid_input`; a forged, tampered, expired, used or other
 * user's token is `revert_link_invalid`. Either way nothing is changed and nothing is sent.
 */
export async function revertChange(deps: RevertDeps, token: unknown): Promise<RevertOutcome> {
  const parsed = parseRevertToken(token);
  const { userId } = parsed;
  const { store, keyring, clock, registrations } = deps;
  const key = recordKey(userId, parsed.id);
  const rec = (await store.get<RevertRecord & Record<string, never>>(key))?.value as
    | RevertRecord
    | undefined;
  if (!rec || rec.expiresAt <= clock.now()) throw invalidLink();
  try {
    const parts = ["token", userId, token as string];
    if (
      !revertMacValid(keyring, rec.hash.keyId, parsed) ||
      !verifyKeyedHash(keyring, "revert-hmac", parts, rec.hash)
    )
      throw invalidLink();
  } catch (e) {
    // A key that has left the keyring cannot vouch for a link: the link is dead, not the SDK.
    if (isMfaError(e, "key_not_found")) throw invalidLink();
    throw e;
  }
  // Consumed in this commit: a parallel use of the same link loses the compare-and-set.
  await store.delete(key);

  // What the revert itself changes is told without a link: a revert is not undone by link.
  const gate: Gate = {
    authorise: deps.gate.authorise,
    changed: (change) => deps.gate.changed({ ...change, links: {} }),
  };
  const quiet: FlowDeps = { ...deps, gate };
  let undone = await undo(quiet, userId, rec);

  const appPasswordsRevoked = deps.appPasswords ? await deps.appPasswords.revokeAll({ userId }) : 0;
  if (appPasswordsRevoked > 0) {
    const before = await registrations.get(userId);
    await gate.changed({
      userId,
      change: "removed",
      factor: "app-password",
      method: "app-password",
      by: "user",
      before,
    });
    if (rec.method === "app-password" && rec.change === "added") undone = "removed";
  }
  const devicesRevoked = await deps.devices.revokeAll(userId);
  const at = new Date(clock.now()).toISOString();
  if (devicesRevoked > 0)
    await deps.events.emit({ type: "device.revoked", at, userId, deviceId: "all", by: "user" });
  await registrations.update(userId, (r) => ({
    ...r,
    review: r.review ?? { since: clock.now(), reason: "change_reverted" },
  }));
  await deps.events.emit({
    type: "change.reverted",
    at,
    userId,
    change: rec.change,
    method: rec.method,
    undone,
  });
  return { change: rec.change, method: rec.method, undone, appPasswordsRevoked, devicesRevoked };
}

/** Takes the added factor away, or puts back what was removed or replaced, where it can. */
async function undo(
  deps: FlowDeps,
  userId: string,
  rec: RevertRecord,
): Promise<RevertOutcome["undone"]> {
  const { added, previous } = rec;
  if (added) {
    const module = deps.factors.module(added.kind);
    const current = await deps.registrations.get(userId);
    // Only that very factor: one the user bound since (another number, a later app) stays.
    const still = module
      .list(current)
      .some((f) => f.id === added.id && f.verifiedAt === added.verifiedAt);
    if (!still) return "none";
    if (previous && (await restore(deps, userId, previous, true))) return "restored";
    await removeFactor(deps, { userId, kind: added.kind, id: added.id, by: "user" });
    return "removed";
  }
  if (previous && (await restore(deps, userId, previous, false))) return "restored";
  return "none";
}

/**
 * Binds `previous` again with its first binding time, if that puts exactly it back: into a free
 * place (or over the factor being undone, when `replacing`), and the same destination as before.
 */
async function restore(
  deps: FlowDeps,
  userId: string,
  previous: NonNullable<RevertRecord["previous"]>,
  replacing: boolean,
): Promise<boolean> {
  const module = deps.factors.module(previous.kind);
  const at = previous.verifiedAt ?? deps.clock.now();
  let before: Registration | null = null;
  let restored = false;
  const after = await deps.registrations.update(userId, (r) => {
    before = r;
    const free = replacing || !module.list(r).some((f) => f.id === previous.id);
    const next = deps.factors.bind(r, previous.binding, at);
    const back = module.restore?.(next, previous.id);
    restored =
      free &&
      back !== null &&
      back !== undefined &&
      destinationOf(back) === destinationOf(previous.binding) &&
      deps.factors.changes(r, next).removed.length === 0;
    return restored ? next : r;
  });
  if (!restored || before === null) return false;
  const was: Registration = before;
  const to = destinationOf(previous.binding);
  for (const { module: m } of deps.factors.changes(was, after).added) {
    await deps.gate.changed({
      userId,
      change: "added",
      factor: m.notice,
      method: m.kind,
      by: "user",
      before: was,
      ...(to ? { added: to } : {}),
    });
  }
  return true;
}
