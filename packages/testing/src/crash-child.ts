/**
 * The crash kit's child process, and what it shares with the parent (the SDK's configuration,
 * the user's answers, how a store is opened from a description).
 *
 * Run as a script (`node --conditions=source --import tsx crash-child.ts <config JSON>`), it
 * opens the store the config describes, builds the SDK over it and plays one user through the
 * seed wizard, writing a journal line by line: every message the user received (codes
 * included: it is a test), every view the user saw, every audit event. At the chosen step's
 * submit it starts counting the store's calls and the senders' sends, and at call `killAt` it
 * sends itself SIGKILL, before that call reaches the backend: a crash at exactly that point.
 * The journal is written with `appendFileSync`, so every line written before the kill is there
 * for the parent to read.
 *
 * It imports `@mfakit/core` only (never vitest), so it starts in about half a second.
 *
 * @module
 */

import { appendFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import {
  type Clock,
  createKeyring,
  createMfa,
  type EnrolmentView,
  type EventSink,
  isMfaError,
  type Mfa,
  type Senders,
  type Store,
  type SubmitInput,
  seedPolicy,
} from "@mfakit/core";
import { observedStore } from "./observed-store.js";
import { openSendLimits } from "./open-send-limits.js";

/**
 * A store the child can open again from plain JSON: the backend's address and the one table,
 * prefix or file this run writes to. The adapter package (`@mfakit/sqlite`, `@mfakit/postgres`,
 * `@mfakit/redis`) must be installed next to `@mfakit/testing`; its driver (better-sqlite3, pg,
 * ioredis) is loaded from the adapter's own dependencies, so both ends run the same versions.
 */
export type CrashStoreSpec =
  | { readonly kind: "sqlite"; readonly path: string }
  | { readonly kind: "postgres"; readonly url: string; readonly tableName: string }
  | { readonly kind: "redis"; readonly url: string; readonly keyPrefix: string };

/** A store opened from a {@link CrashStoreSpec}, with what closes it. */
export interface OpenedCrashStore {
  readonly store: Store;
  close(): Promise<void>;
}

/**
 * Loads an adapter package when a spec names it. None of them is a dependency of
 * `@mfakit/testing`, so the name is a variable (bundling pulls none in) and each is typed here
 * by the little the kit uses of it.
 */
const adapter = <M>(name: string): Promise<M> => import(name) as Promise<M>;

/** A package's own `require`, so a driver is loaded from that package's dependencies. */
const requireFrom = (specifier: string) => createRequire(import.meta.resolve(specifier));

/** What the kit uses of a client (a pg pool, an ioredis client) besides closing it: its error events. */
interface ErrorEmitter {
  on(event: "error", listener: () => void): unknown;
}

/** Opens the store `spec` describes; TTLs run on `clock` where the adapter takes one. */
export async function openCrashStore(
  spec: CrashStoreSpec,
  clock: Clock,
): Promise<OpenedCrashStore> {
  switch (spec.kind) {
    case "sqlite": {
      const { sqliteStore } = await adapter<{
        sqliteStore(o: { path: string; clock: Clock }): Store & { close(): void };
      }>("@mfakit/sqlite");
      const store = sqliteStore({ path: spec.path, clock });
      return { store, close: async () => store.close() };
    }
    case "postgres": {
      const { postgresStore } = await adapter<{
        postgresStore(o: { pool: ErrorEmitter; tableName: string; clock: Clock }): Store;
      }>("@mfakit/postgres");
      const pg = requireFrom("@mfakit/postgres")("pg") as {
        Pool: new (o: {
          connectionString: string;
          max: number;
        }) => ErrorEmitter & {
          end(): Promise<void>;
        };
      };
      const pool = new pg.Pool({ connectionString: spec.url, max: 4 });
      pool.on("error", () => undefined); // a dropped idle connection: the pool replaces it
      const store = postgresStore({ pool, tableName: spec.tableName, clock });
      return { store, close: () => pool.end() };
    }
    case "redis": {
      const { redisClientOptions, redisStore } = await adapter<{
        redisClientOptions: object;
        redisStore(o: { client: ErrorEmitter; keyPrefix: string }): Store;
      }>("@mfakit/redis");
      const ioredis = requireFrom("@mfakit/redis")("ioredis") as {
        Redis: new (url: string, options: object) => ErrorEmitter & { quit(): Promise<unknown> };
      };
      const client = new ioredis.Redis(spec.url, {
        ...redisClientOptions,
        connectionName: "crash",
      });
      client.on("error", () => undefined); // failures reach the caller as rejected commands
      const store = redisStore({ client, keyPrefix: spec.keyPrefix });
      return { store, close: async () => void (await client.quit().catch(() => undefined)) };
    }
  }
}

/** The user a crash run plays: fresh for every run, so runs on one backend never meet. */
export interface CrashUser {
  readonly userId: string;
  /** The authentication phone, E.164 (a GB mobile). */
  readonly e164: string;
  /** The recovery email (outside the tenant's domains). */
  readonly email: string;
}

/** A new random user. */
export function crashUser(): CrashUser {
  const tag = Math.random().toString(36).slice(2, 10);
  const digits = String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0");
  return {
    userId: `crash-${tag}@contoso.com`,
    e164: `+447400${digits}`,
    email: `crash-${tag}@personal.example`,
  };
}

/** One message the user received. */
export interface ReceivedMessage {
  readonly channel: "sms" | "voice" | "email";
  readonly to: string;
  /** The one-time code in it, or `null` for a notice. */
  readonly code: string | null;
}

/** One line of the child's journal. */
export type JournalLine =
  | ({ readonly t: "sent" } & ReceivedMessage)
  /** A view the user saw: the answer to `submitted` (`null` for the start). */
  | {
      readonly t: "view";
      readonly submitted: SubmitInput | null;
      readonly step: EnrolmentView["step"];
      readonly notice: string | null;
      readonly password: string | null;
    }
  /** An answer the user is about to submit (the last one may never have come back). */
  | { readonly t: "submit"; readonly input: SubmitInput }
  | { readonly t: "event"; readonly type: string; readonly challengeId: string | null }
  /** A store call or send of the armed submit, about to run. */
  | { readonly t: "op"; readonly n: number; readonly label: string }
  | { readonly t: "crash"; readonly n: number; readonly label: string }
  | { readonly t: "error"; readonly typed: boolean; readonly code: string };

/**
 * Rate limits wide open: every run is a new user, all from one number prefix and country. No
 * resend cooldown: on Redis it runs on the server's clock, which the kit cannot move, and a
 * user who waits it out proves nothing about a crash.
 */
export const crashLimits = openSendLimits;

/** Senders that hand every message to `received` (a code is read as the capturing outbox does). */
export function receivingSenders(
  received: (message: ReceivedMessage) => void,
  beforeSend: (label: string) => void = () => undefined,
): Senders {
  let n = 0;
  const deliver = (channel: ReceivedMessage["channel"], to: string, text: string) => {
    beforeSend(`send ${channel}`);
    received({ channel, to, code: text.match(/\b\d{4,10}\b/)?.[0] ?? null });
    n += 1;
    return { provider: "crash-kit", messageId: `msg_${n}` };
  };
  return {
    sms: { id: "crash-sms", send: async (m) => deliver("sms", m.to, m.text) },
    email: { id: "crash-email", send: async (m) => deliver("email", m.to, m.text) },
    voice: {
      id: "crash-voice",
      send: async (m) =>
        deliver(
          "voice",
          m.to,
          m.segments
            .map((s) => (s.kind === "say" ? s.text : " "))
            .join("")
            .replace(/(\d)[\s,.]+(?=\d)/g, "$1"),
        ),
    },
  };
}

/**
 * The SDK both ends run: the seed's policy, one keyring, wide-open send limits. The parent
 * and the child must agree on all of it, or the parent could not check the child's codes.
 */
export function crashMfa(options: {
  store: Store;
  clock: Clock;
  senders: Senders;
  events: EventSink;
}): Mfa {
  return createMfa({
    store: options.store,
    keyring: createKeyring({ current: "k1", keys: { k1: "d".repeat(43) } }),
    tenant: { name: "Contoso", domains: ["contoso.com"] },
    policy: seedPolicy(["GB"]),
    senders: options.senders,
    limits: crashLimits,
    clock: options.clock,
    events: options.events,
  });
}

/**
 * What the user answers at `view`, or `null` when the wizard is done. At a code step they type
 * `codeFor(destination)`, the newest code they received there and have not typed yet, and ask
 * for a new one only when they have none.
 */
export function answerOf(
  view: EnrolmentView,
  user: CrashUser,
  codeFor: (to: string) => string | null,
): SubmitInput | null {
  switch (view.step) {
    case "intro":
      return { step: "intro", action: "setup" };
    case "mfa-method":
      return {
        step: "mfa-method",
        method: "authentication-phone",
        country: "GB",
        number: user.e164,
        delivery: "sms",
      };
    case "verify-code": {
      const code = codeFor(view.channel === "email" ? user.email : user.e164);
      return code ? { step: "verify-code", code } : { step: "verify-code", action: "resend" };
    }
    case "app-password":
      // A step shown without its password (it was minted in a commit whose answer was lost):
      // the user asks for a new one, as the UI offers; the unseen one is revoked.
      return { step: "app-password", action: view.password === null ? "new-password" : "done" };
    case "app-step":
      return { step: "app-step", action: "done", stepId: view.stepId };
    case "recovery-intro":
      return { step: "recovery-intro", action: "next" };
    case "recovery-method":
      return { step: "recovery-method", method: view.methods[0] ?? "email" };
    case "recovery-email":
      return { step: "recovery-email", email: user.email };
    case "recovery-phone":
      return { step: "recovery-phone", delivery: "sms" };
    case "finish":
      return { step: "finish", action: "finish" };
    default:
      return null;
  }
}

/** The app steps the user starts the wizard with (the seed's temporary password). */
export const CRASH_APP_STEPS = ["change-password"] as const;

/** A store key's kind, for a crash point's label: `mfa:{user}:enrolment:…` → `enrolment`. */
export function keyKind(key: string): string {
  const rest = key.startsWith("mfa:{") ? key.slice(key.indexOf("}:") + 2) : key.slice(4);
  return rest.split(":")[0] ?? "";
}

/** What the parent passes to the child (as one JSON argument). */
export interface CrashChildConfig {
  readonly store: CrashStoreSpec;
  readonly user: CrashUser;
  /** The journal file (JSON lines, appended). */
  readonly journal: string;
  /** The step whose submit is counted and cut. */
  readonly submit: EnrolmentView["step"];
  /** The counted call (1-based) before which the child kills itself; `null`: never. */
  readonly killAt: number | null;
  /** The clock's time, epoch ms (frozen for the child's whole life). */
  readonly now: number;
}

/** A store whose every call first passes `before(label)` (which may end the process). */
function countedStore(inner: Store, before: (label: string) => void): Store {
  return observedStore(inner, (method, subject) =>
    before(`${method} ${method === "incrementMany" ? subject : keyKind(subject)}`),
  );
}

/** The child: plays the user up to the chosen submit, and dies where it was told to. */
async function runChild(config: CrashChildConfig): Promise<void> {
  const write = (line: JournalLine) => appendFileSync(config.journal, `${JSON.stringify(line)}\n`);
  const clock: Clock = { now: () => config.now };
  let armed = false;
  let n = 0;
  const before = (label: string) => {
    if (!armed) return;
    n += 1;
    write({ t: "op", n, label });
    if (n === config.killAt) {
      write({ t: "crash", n, label });
      process.kill(process.pid, "SIGKILL");
    }
  };
  const received: ReceivedMessage[] = [];
  const typed = new Set<string>();
  const opened = await openCrashStore(config.store, clock);
  const mfa = crashMfa({
    store: countedStore(opened.store, before),
    clock,
    senders: receivingSenders((m) => {
      received.push(m);
      write({ t: "sent", ...m });
    }, before),
    events: {
      emit: (e) =>
        write({
          t: "event",
          type: e.type,
          challengeId: "challengeId" in e ? String(e.challengeId) : null,
        }),
    },
  });
  const codeFor = (to: string) => {
    const code = received.filter((m) => m.to === to && m.code !== null).at(-1)?.code ?? null;
    return code && !typed.has(code) ? code : null;
  };
  const session = () => ({ userId: config.user.userId, authenticatedAt: clock.now() });
  const seen = (submitted: SubmitInput | null, view: EnrolmentView) =>
    write({
      t: "view",
      submitted,
      step: view.step,
      notice: view.notice?.code ?? null,
      password: view.step === "app-password" ? view.password : null,
    });
  try {
    let view = await mfa.enrolment.start({ ...session(), appSteps: [...CRASH_APP_STEPS] });
    seen(null, view);
    for (let i = 0; i < 30 && !armed; i++) {
      const input = answerOf(view, config.user, codeFor);
      if (!input) break;
      if ("code" in input) typed.add(input.code);
      armed = view.step === config.submit;
      write({ t: "submit", input });
      view = await mfa.enrolment.submit(view.id, input, session());
      seen(input, view);
    }
  } catch (e) {
    write({ t: "error", typed: isMfaError(e), code: isMfaError(e) ? e.code : "untyped" });
    process.exit(1);
  }
  // Not closed gracefully on purpose: the parent only needs the journal, and exit is instant.
  process.exit(armed ? 0 : 2);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void runChild(JSON.parse(process.argv[2] ?? "{}") as CrashChildConfig);
}
