/**
 * The example's own sign-in sessions, kept server-side in the same Store as the SDK's state.
 *
 * The cookie holds only a random 256-bit id; the session (who signed in and when, the CSRF
 * token of the sign-in form, a one-shot flash) stays on the server under the SHA-256 of the
 * id. The MFA pages keep their own state (`@mfakit/web`); they learn who is signed in from
 * {@link SessionStore.load} through `createMfaWeb`'s `session.get`.
 *
 * @module
 */

import { createHash, randomBytes } from "node:crypto";
import type { JsonValue, Store } from "@mfakit/core";
import type { Banner } from "@mfakit/web";

/** A message and form values carried across one redirect (PRG). */
export interface Flash {
  readonly banner?: Banner;
  /** Field name → error. */
  readonly errors?: Readonly<Record<string, string>>;
  /** Field name → what the user typed (never a password). */
  readonly values?: Readonly<Record<string, string>>;
}

/** What the server keeps per browser. */
export interface SessionData {
  /** The token the sign-in form carries (CSRF). */
  readonly csrf: string;
  /** The user whose password was checked; `null` before sign-in. */
  readonly userId: string | null;
  /** When the password was last checked (epoch ms): the step-up clock (BIND-01). */
  readonly authenticatedAt: number | null;
  /** This sign-in's id: kept across a step-up by the same user, new at every other sign-in. */
  readonly signInId: string | null;
  /** Where to go after sign-in (a local path). */
  readonly next: string | null;
  readonly flash: Flash | null;
}

/** A loaded session: its id and data. */
export interface Session {
  readonly id: string;
  data: SessionData;
}

/** Options of {@link sessionStore}. */
export interface SessionStoreOptions {
  /** Idle lifetime in seconds. @default 28800 (8 hours) */
  readonly ttlSeconds?: number;
}

/** The session store. */
export interface SessionStore {
  /** A new, empty session (not yet saved). */
  create(): Session;
  /** The session with this cookie value, or `null`. */
  load(id: string | undefined): Promise<Session | null>;
  /** Saves (and extends) a session. */
  save(session: Session): Promise<void>;
  /** Forgets a session (sign-out, or before issuing a new id at sign-in). */
  destroy(id: string): Promise<void>;
}

const ID = /^[A-Za-z0-9_-]{43}$/;

/** A random 256-bit id, base64url. */
export const randomId = (): string => randomBytes(32).toString("base64url");

/** An empty session's data with a fresh CSRF token. */
export function emptySession(): SessionData {
  return {
    csrf: randomId(),
    userId: null,
    authenticatedAt: null,
    signInId: null,
    next: null,
    flash: null,
  };
}

/** Sessions in `store`. */
export function sessionStore(store: Store, options: SessionStoreOptions = {}): SessionStore {
  const ttlMs = (options.ttlSeconds ?? 8 * 3600) * 1000;
  const keyOf = (id: string) =>
    `app:session:${createHash("sha256").update(id).digest("base64url")}`;
  return {
    create: () => ({ id: randomId(), data: emptySession() }),
    async load(id) {
      if (!id || !ID.test(id)) return null;
      const entry = await store.get<JsonValue>(keyOf(id));
      return entry ? { id, data: entry.value as unknown as SessionData } : null;
    },
    async save(session) {
      await store.put(keyOf(session.id), session.data as unknown as JsonValue, { ttlMs });
    },
    async destroy(id) {
      if (ID.test(id)) await store.delete(keyOf(id));
    },
  };
}
