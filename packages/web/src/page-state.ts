/**
 * What the pages remember per browser, kept server-side in the app's Store.
 *
 * The cookie holds only a random 256-bit id; the state (the CSRF token, the enrolment in
 * progress, a challenge in flight, whether a second factor was proven, a one-shot flash) stays
 * on the server under the SHA-256 of the id, so a copy of the store holds no usable cookie.
 * Being in the Store, it is shared by every instance of the app, like the enrolments.
 *
 * The state is bound to the app's sign-in (`userId` and `sessionId` from the app's session):
 * when either changes — another user, a sign-out and a new sign-in — it starts afresh, so a
 * second factor proven in one sign-in never carries over to the next.
 *
 * Web Crypto only (no `node:crypto`): the package runs wherever `Request` and `Response` do.
 *
 * @module
 */

import type { JsonValue, PassSession, PhoneMethod, Store } from "@mfakit/core";
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
  /** The phone it went to (to offer a call to the same one). */
  readonly method?: PhoneMethod;
  readonly destination: string;
  readonly channel: "sms" | "voice";
  /** When the code was last sent (epoch ms), for the resend countdown. */
  readonly sentAt: number;
}

/** What the server keeps per browser. */
export interface PageStateData {
  /** The token every form carries (CSRF). */
  readonly csrf: string;
  /** The app's user this state belongs to. */
  readonly userId: string | null;
  /** The app's sign-in this state belongs to (its `sessionId`). */
  readonly sessionId: string | null;
  /** When a second factor was last proven in this sign-in (epoch ms). */
  readonly mfaAt: number | null;
  /** A Temporary Access Pass counted as a fresh sign-in at this time (epoch ms). */
  readonly passAt: number | null;
  /** Set when the second factor was a Temporary Access Pass: the SDK then lets it only register. */
  readonly via: PassSession | null;
  /** The enrolment this browser is in. */
  readonly enrolmentId: string | null;
  /**
   * `register`: the policy's wizard; `add`: a method added or replaced from Security info (an
   * enrolment the SDK scoped to that method, which ends back on Security info).
   */
  readonly enrolMode: "register" | "add";
  /** The user's methods when a scoped change began (ids and dates), to tell what it bound. */
  readonly changeFrom: string | null;
  /**
   * The number the user typed for the code in flight, in full international form, with its
   * masked form (shown in full only on a code page whose view names that masked number).
   */
  readonly fullNumber: { readonly masked: string; readonly international: string } | null;
  /** Which section the code in flight belongs to. */
  readonly section: "mfa" | "reset";
  /** The sign-in challenge in progress. */
  readonly challenge: PendingChallenge | null;
  /** Where to go when the pages are done (a local path of the app). */
  readonly next: string | null;
  readonly flash: Flash | null;
}

/** A loaded state: its cookie id and data. */
export interface PageState {
  readonly id: string;
  data: PageStateData;
}

/** The state store. */
export interface PageStateStore {
  /** A new, empty state (not yet saved). */
  create(): PageState;
  /** The state with this cookie value, or `null`. */
  load(id: string | undefined): Promise<PageState | null>;
  /** Saves (and extends) a state. */
  save(state: PageState): Promise<void>;
  /** Forgets a state. */
  destroy(id: string): Promise<void>;
}

const ID = /^[A-Za-z0-9_-]{43}$/;

/** 32 random bytes, base64url (43 characters). */
function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/** An empty state with a fresh CSRF token. */
export function emptyState(): PageStateData {
  return {
    csrf: randomToken(),
    userId: null,
    sessionId: null,
    mfaAt: null,
    passAt: null,
    via: null,
    enrolmentId: null,
    enrolMode: "register",
    changeFrom: null,
    fullNumber: null,
    section: "mfa",
    challenge: null,
    next: null,
    flash: null,
  };
}

/** The store key of a cookie id: its SHA-256, so the store never holds a usable id. */
async function keyOf(prefix: string, id: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(id)),
  );
  return `${prefix}${Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** Page states in `store`, idle for at most `ttlSeconds`. */
export function pageStateStore(store: Store, ttlSeconds: number): PageStateStore {
  const prefix = "web:state:";
  return {
    create: () => ({ id: randomToken(), data: emptyState() }),
    async load(id) {
      if (!id || !ID.test(id)) return null;
      const entry = await store.get<JsonValue>(await keyOf(prefix, id));
      return entry ? { id, data: entry.value as unknown as PageStateData } : null;
    },
    async save(state) {
      await store.put(await keyOf(prefix, state.id), state.data as unknown as JsonValue, {
        ttlMs: ttlSeconds * 1000,
      });
    },
    async destroy(id) {
      if (ID.test(id)) await store.delete(await keyOf(prefix, id));
    },
  };
}

/** Whether two strings are equal, in time independent of where they differ. */
export function sameToken(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
