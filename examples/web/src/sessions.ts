/**
 * Server-side sessions kept in the same Store as the SDK's state.
 *
 * The cookie holds only a random 256-bit id; the session itself (who signed in and when, the
 * CSRF token, the enrolment in progress, a one-shot flash message) stays on the server, under
 * a key made from the SHA-256 of the id, so a copy of the store holds no usable session id.
 * Being in the Store, sessions are shared by every instance of the app, like the enrolments.
 *
 * @module
 */

import { createHash, randomBytes } from "node:crypto";
import type { JsonValue, PassSession, Store } from "@mfakit/core";
import type { Banner } from "./html.js";

/** A message and form values carried across one redirect (PRG). */
export interface Flash {
  readonly banner?: Banner;
  /** Field name → error, for the form the user came from. */
  readonly errors?: Readonly<Record<string, string>>;
  /** Field name → what the user typed (never a code or a password). */
  readonly values?: Readonly<Record<string, string>>;
}

/** A phone challenge started at sign-in. */
export interface PendingChallenge {
  readonly id: string;
  readonly destination: string;
  readonly channel: "sms" | "voice";
  readonly sentAt: number;
}

/** What the server keeps per browser. */
export interface SessionData {
  /** The token every form must carry (CSRF). */
  readonly csrf: string;
  /** The user whose password was checked; `null` before sign-in. */
  readonly userId: string | null;
  /** When the password was last checked (epoch ms): the step-up clock (BIND-01). */
  readonly authenticatedAt: number | null;
  /** When a second factor was last proven in this session (epoch ms). */
  readonly mfaAt: number | null;
  /** The enrolment this browser is in. */
  readonly enrolmentId: string | null;
  /**
   * `register`: the policy's wizard; `add`: a method added or replaced from Security info (an
   * enrolment the SDK scoped to that method, which ends back on Security info).
   */
  readonly enrolMode: "register" | "add";
  /** The sign-in challenge in progress. */
  readonly challenge: PendingChallenge | null;
  /** Set when the second factor was a Temporary Access Pass: the SDK then lets it only register. */
  readonly via?: PassSession | null;
  /** Where to go after sign-in. */
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

/** An empty session's data with a fresh CSRF token. */
export function emptySession(): SessionData {
  return {
    csrf: randomBytes(32).toString("base64url"),
    userId: null,
    authenticatedAt: null,
    mfaAt: null,
    enrolmentId: null,
    enrolMode: "register",
    challenge: null,
    via: null,
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
    create: () => ({ id: randomBytes(32).toString("base64url"), data: emptySession() }),
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
