/**
 * Which store, which senders, which keys: everything that differs between a laptop and
 * production, chosen from environment variables in this one module.
 *
 * Defaults need nothing: a SQLite file in the data folder and the development outbox (codes in
 * the terminal, in `outbox.jsonl` and on `/outbox`). Set variables to switch a part:
 *
 * | variable | effect |
 * | --- | --- |
 * | `MFAKIT_KEY` | base64 of ≥ 32 random bytes: the server key (else a dev key is made and kept in the data folder) |
 * | `MFAKIT_KEY_ID` | its id (default `k1`) |
 * | `MFAKIT_DATA_DIR` | the data folder (default: `<tmp>/mfakit-example-web`) |
 * | `MFAKIT_PG_URL` | store in PostgreSQL |
 * | `MFAKIT_REDIS_URL` | store in Redis |
 * | `TWILIO_ACCOUNT_SID`, `TWILIO_AUTH_TOKEN`, `TWILIO_FROM` | SMS and calls through Twilio |
 * | `VONAGE_API_KEY`, `VONAGE_API_SECRET`, `VONAGE_FROM` | SMS through Vonage |
 * | `VONAGE_APPLICATION_ID`, `VONAGE_PRIVATE_KEY_FILE` (+ `VONAGE_FROM`) | calls through Vonage |
 * | `MFAKIT_SMTP_HOST`, `MFAKIT_SMTP_PORT`, `MFAKIT_SMTP_USER`, `MFAKIT_SMTP_PASS`, `MFAKIT_SMTP_FROM` | email through SMTP |
 *
 * With `NODE_ENV=production` every channel needs a real sender: {@link wire} fails closed with an
 * error naming the channels (and variables) that are missing, rather than start on the
 * development outbox, which delivers no code and shows every code on `/outbox`.
 *
 * @module
 */

import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Clock, createKeyring, type Keyring, MfaError, type Store } from "@mfakit/core";
import type { EmailSender, SmsSender, VoiceSender } from "@mfakit/core/adapter";
import { type DevOutbox, devOutbox } from "@mfakit/dev-outbox";
import { sqliteStore } from "@mfakit/sqlite";

/** The environment this module reads (a subset of `process.env`). */
export type Env = Readonly<Record<string, string | undefined>>;

/** What {@link wire} builds. */
export interface Wiring {
  readonly store: Store;
  readonly keyring: Keyring;
  readonly senders: { sms: SmsSender; voice: VoiceSender; email: EmailSender };
  /** The development outbox, when any channel uses it (then `/outbox` serves it). */
  readonly outbox: DevOutbox | null;
  /** The data folder (SQLite file, dev key, outbox file). */
  readonly dataDir: string;
  /** One line per choice, for the start-up banner ("store: SQLite at …"). */
  readonly summary: readonly string[];
  /** Warnings to print (a generated key). */
  readonly warnings: readonly string[];
  /** Closes the store's connections. */
  close(): Promise<void>;
}

/** Options of {@link wire}. */
export interface WireOptions {
  /** @default process.env */
  readonly env?: Env;
  /** Overrides `MFAKIT_DATA_DIR`. */
  readonly dataDir?: string;
  /** The clock of the SQLite store and the outbox (tests move time). @default systemClock */
  readonly clock?: Clock;
  /** Print outbox messages to the terminal. @default true */
  readonly printOutbox?: boolean;
}

/** The keyring from `MFAKIT_KEY`, or a development key kept (0600) in the data folder. */
function keyringFrom(env: Env, dataDir: string, warnings: string[]): Keyring {
  const id = env.MFAKIT_KEY_ID ?? "k1";
  if (env.MFAKIT_KEY) return createKeyring({ current: id, keys: { [id]: env.MFAKIT_KEY } });
  // Kept on disk so that sealed TOTP seeds and hashed codes still verify after a restart.
  const file = join(dataDir, "dev-key.b64");
  let key: string;
  try {
    key = readFileSync(file, "utf8").trim();
  } catch {
    key = randomBytes(32).toString("base64");
    writeFileSync(file, `${key}\n`, { mode: 0o600 });
  }
  warnings.push(
    `MFAKIT_KEY is not set: using a development key kept in ${file}. In production set MFAKIT_KEY to base64 of 32 random bytes (openssl rand -base64 32) from your secret manager.`,
  );
  return createKeyring({ current: id, keys: { [id]: key } });
}

async function storeFrom(
  env: Env,
  dataDir: string,
  clock: Clock | undefined,
): Promise<{ store: Store; line: string; close: () => Promise<void> }> {
  if (env.MFAKIT_PG_URL) {
    const [{ default: pg }, { postgresStore }] = await Promise.all([
      import("pg"),
      import("@mfakit/postgres"),
    ]);
    const pool = new pg.Pool({ connectionString: env.MFAKIT_PG_URL, max: 10 });
    pool.on("error", () => {}); // an idle connection dropped: the pool replaces it
    const store = postgresStore({ pool, ...(clock ? { clock } : {}) });
    return { store, line: "store: PostgreSQL (MFAKIT_PG_URL)", close: () => pool.end() };
  }
  if (env.MFAKIT_REDIS_URL) {
    const [{ Redis }, { redisClientOptions, redisStore }] = await Promise.all([
      import("ioredis"),
      import("@mfakit/redis"),
    ]);
    const client = new Redis(env.MFAKIT_REDIS_URL, { ...redisClientOptions });
    const store = redisStore({ client, keyPrefix: "example-web:" });
    return {
      store,
      line: "store: Redis (MFAKIT_REDIS_URL)",
      close: async () => {
        client.disconnect();
      },
    };
  }
  const path = join(dataDir, "mfakit.db");
  const store = sqliteStore({ path, ...(clock ? { clock } : {}) });
  return {
    store,
    line: `store: SQLite at ${path}`,
    close: async () => store.close(),
  };
}

async function smsFrom(env: Env): Promise<{ sender: SmsSender; line: string } | null> {
  if (env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_FROM) {
    const { twilioSms } = await import("@mfakit/twilio");
    const sender = twilioSms({
      accountSid: env.TWILIO_ACCOUNT_SID,
      authToken: env.TWILIO_AUTH_TOKEN,
      from: env.TWILIO_FROM,
    });
    return { sender, line: "SMS: Twilio" };
  }
  if (env.VONAGE_API_KEY && env.VONAGE_API_SECRET && env.VONAGE_FROM) {
    const { vonageSms } = await import("@mfakit/vonage");
    const sender = vonageSms({
      apiKey: env.VONAGE_API_KEY,
      apiSecret: env.VONAGE_API_SECRET,
      from: env.VONAGE_FROM,
    });
    return { sender, line: "SMS: Vonage" };
  }
  return null;
}

async function voiceFrom(env: Env): Promise<{ sender: VoiceSender; line: string } | null> {
  if (env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_FROM) {
    const { twilioVoice } = await import("@mfakit/twilio");
    const sender = twilioVoice({
      accountSid: env.TWILIO_ACCOUNT_SID,
      authToken: env.TWILIO_AUTH_TOKEN,
      from: env.TWILIO_FROM,
    });
    return { sender, line: "calls: Twilio" };
  }
  if (env.VONAGE_APPLICATION_ID && env.VONAGE_PRIVATE_KEY_FILE && env.VONAGE_FROM) {
    const { vonageVoice } = await import("@mfakit/vonage");
    const sender = vonageVoice({
      applicationId: env.VONAGE_APPLICATION_ID,
      privateKey: readFileSync(env.VONAGE_PRIVATE_KEY_FILE, "utf8"),
      from: env.VONAGE_FROM,
    });
    return { sender, line: "calls: Vonage" };
  }
  return null;
}

async function emailFrom(env: Env): Promise<{ sender: EmailSender; line: string } | null> {
  if (!env.MFAKIT_SMTP_HOST || !env.MFAKIT_SMTP_FROM) return null;
  const { smtpEmail } = await import("@mfakit/smtp");
  const port = Number(env.MFAKIT_SMTP_PORT ?? 587);
  const sender = smtpEmail({
    transport: {
      host: env.MFAKIT_SMTP_HOST,
      port,
      secure: port === 465,
      ...(env.MFAKIT_SMTP_USER
        ? { auth: { user: env.MFAKIT_SMTP_USER, pass: env.MFAKIT_SMTP_PASS ?? "" } }
        : {}),
    },
    from: env.MFAKIT_SMTP_FROM,
  });
  return { sender, line: `email: SMTP via ${env.MFAKIT_SMTP_HOST}:${port}` };
}

/** What each channel needs for a real sender, for the production error. */
const REAL_SENDER_VARIABLES = {
  sms: "SMS (TWILIO_ACCOUNT_SID + TWILIO_AUTH_TOKEN + TWILIO_FROM, or VONAGE_API_KEY + VONAGE_API_SECRET + VONAGE_FROM)",
  voice:
    "calls (TWILIO_ACCOUNT_SID + TWILIO_AUTH_TOKEN + TWILIO_FROM, or VONAGE_APPLICATION_ID + VONAGE_PRIVATE_KEY_FILE + VONAGE_FROM)",
  email: "email (MFAKIT_SMTP_HOST + MFAKIT_SMTP_FROM)",
} as const;

/**
 * In production, fails closed when a channel has no real sender (REL-04): the outbox would
 * accept every send, deliver nothing and serve the codes on `/outbox`.
 */
function assertRealSendersInProduction(
  env: Env,
  found: Record<keyof typeof REAL_SENDER_VARIABLES, unknown>,
) {
  if (env.NODE_ENV?.trim().toLowerCase() !== "production") return;
  const missing = (
    Object.keys(REAL_SENDER_VARIABLES) as (keyof typeof REAL_SENDER_VARIABLES)[]
  ).filter((channel) => !found[channel]);
  if (missing.length === 0) return;
  throw new MfaError("config_invalid", {
    message: `NODE_ENV=production, but these channels have no real sender: ${missing
      .map((channel) => REAL_SENDER_VARIABLES[channel])
      .join("; ")}. The development outbox delivers no code, so the app does not start on it.`,
    data: { field: "senders", missing: missing.join(",") },
  });
}

/**
 * Builds the store, keyring and senders from the environment.
 *
 * @throws MfaError `config_invalid` with `NODE_ENV=production` when SMS, calls or email has no
 *   real sender (`data.missing`: `"sms"`, `"voice"`, `"email"`, comma-separated), before
 *   anything is opened or written.
 */
export async function wire(options: WireOptions = {}): Promise<Wiring> {
  const env = options.env ?? process.env;
  const [sms, voice, email] = await Promise.all([smsFrom(env), voiceFrom(env), emailFrom(env)]);
  assertRealSendersInProduction(env, { sms, voice, email });
  const dataDir = options.dataDir ?? env.MFAKIT_DATA_DIR ?? join(tmpdir(), "mfakit-example-web");
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const warnings: string[] = [];
  const keyring = keyringFrom(env, dataDir, warnings);
  const store = await storeFrom(env, dataDir, options.clock);
  const outboxFile = join(dataDir, "outbox.jsonl");
  const outbox =
    sms && voice && email
      ? null
      : devOutbox({
          file: outboxFile,
          print: options.printOutbox ?? true,
          // Receipts fed by hand (a test of the delivery status): MFAKIT_OUTBOX_RECEIPTS=1.
          reportsDelivery: env.MFAKIT_OUTBOX_RECEIPTS === "1",
          ...(options.clock ? { clock: options.clock } : {}),
        });
  const dev = (channel: string) => `${channel}: development outbox (${outboxFile}, /outbox)`;
  return {
    store: store.store,
    keyring,
    senders: {
      sms: sms?.sender ?? (outbox as DevOutbox).sms,
      voice: voice?.sender ?? (outbox as DevOutbox).voice,
      email: email?.sender ?? (outbox as DevOutbox).email,
    },
    outbox,
    dataDir,
    summary: [
      store.line,
      sms?.line ?? dev("SMS"),
      voice?.line ?? dev("calls"),
      email?.line ?? dev("email"),
    ],
    warnings,
    close: store.close,
  };
}
