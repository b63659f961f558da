/**
 * The development outbox: SMS, voice and email senders that deliver nothing, print every message
 * to the terminal with its code easy to see, append it to a JSONL file, and list it on a small
 * local inbox page.
 *
 * @module
 */

import { randomUUID } from "node:crypto";
import { appendFile, mkdir, readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname } from "node:path";
import {
  type Clock,
  type EmailSender,
  MfaError,
  type SendReceipt,
  type SmsSender,
  systemClock,
  type VoiceSender,
} from "@mfakit/core/adapter";
import { type OutboxEntry, type OutgoingMessage, toEntry } from "./entry.js";
import { renderInboxPage, SECURITY_HEADERS } from "./inbox-page.js";
import { formatEntry, type OutputStream, wantsColour } from "./terminal.js";

/**
 * What {@link DevOutboxOptions.allowInProduction} must say for the outbox to start with
 * `NODE_ENV=production`: the words state the consequence, so the opt-in cannot be a stray `true`.
 */
export const DEV_OUTBOX_PRODUCTION_OPT_IN = "codes are not delivered";

/** Options of {@link devOutbox}. */
export interface DevOutboxOptions {
  /**
   * Start even though `NODE_ENV` is `production`: give exactly
   * {@link DEV_OUTBOX_PRODUCTION_OPT_IN} (`"codes are not delivered"`). Without it the outbox
   * refuses to start there, because no user would get a code and the inbox serves every code
   * to whoever reaches it. A staging copy of production is the use: real senders belong in
   * production. A one-line warning is still printed.
   * @default undefined (refused in production)
   */
  readonly allowInProduction?: typeof DEV_OUTBOX_PRODUCTION_OPT_IN;
  /**
   * A JSONL file every message is appended to (one JSON object a line; the folder is created).
   * The inbox page then lists the file, so messages from earlier runs and other processes
   * writing to it show up too.
   * @default undefined (kept in memory only)
   */
  readonly file?: string;
  /** Print every message to `stream`. @default true */
  readonly print?: boolean;
  /** Where messages (and the production warning) are printed. @default process.stdout */
  readonly stream?: OutputStream;
  /** How many messages are kept in memory and listed. @default 200 */
  readonly maxMessages?: number;
  /** Timestamps. @default systemClock */
  readonly clock?: Clock;
  /**
   * Whether its receipts say a delivery report will come. Nothing reports by itself, so by
   * default the SDK tracks no delivery status for the outbox's messages; `true` when a test or
   * a demo feeds receipts by hand (`mfa.delivery.receipt` with the entry's id).
   * @default false
   */
  readonly reportsDelivery?: boolean;
}

/** Options of {@link DevOutbox.serveOutbox}. */
export interface ServeOutboxOptions {
  /** Port to listen on; 0 picks a free one. @default 0 */
  readonly port?: number;
  /**
   * Interface to listen on. The page shows live codes, so anything but a loopback address is
   * refused unless `allowRemote` is set.
   * @default "127.0.0.1"
   */
  readonly host?: string;
  /** Allow a non-loopback `host` (a dev container reached from the host machine). @default false */
  readonly allowRemote?: boolean;
}

/** A running inbox page. */
export interface ServedOutbox {
  /** e.g. `http://127.0.0.1:54321/` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** A Node request handler, usable with `http.createServer`, Express and Connect. */
export type OutboxHandler = (
  req: IncomingMessage & { originalUrl?: string },
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => void;

/** The outbox. */
export interface DevOutbox {
  /** Records SMS. */
  readonly sms: SmsSender;
  /** Records calls. */
  readonly voice: VoiceSender;
  /** Records emails. */
  readonly email: EmailSender;
  /** Messages recorded by this process, newest first. */
  messages(): readonly OutboxEntry[];
  /** Forgets the messages in memory (the file is left as it is). */
  clear(): void;
  /**
   * A request handler for the inbox: `GET` any path → the HTML page, `GET …/outbox.json` → the
   * list as JSON. Mount it where you like (`app.use("/outbox", outbox.outboxHandler())`).
   */
  outboxHandler(): OutboxHandler;
  /** Serves the inbox on its own HTTP server. */
  serveOutbox(options?: ServeOutboxOptions): Promise<ServedOutbox>;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

let warnedProduction = false;

/**
 * A development outbox.
 *
 * @throws MfaError `config_invalid` with `NODE_ENV=production` unless `allowInProduction` says
 *   {@link DEV_OUTBOX_PRODUCTION_OPT_IN}; for a bad `maxMessages`.
 * @example
 * ```ts
 * const outbox = devOutbox({ file: ".mfakit/outbox.jsonl" });
 * const mfa = createMfa({ senders: outbox, ... });
 * const inbox = await outbox.serveOutbox({ port: 4025 });
 * console.log(`codes at ${inbox.url}`);
 * ```
 */
export function devOutbox(options: DevOutboxOptions = {}): DevOutbox {
  const stream: OutputStream = options.stream ?? process.stdout;
  const print = options.print ?? true;
  const clock = options.clock ?? systemClock;
  const maxMessages = options.maxMessages ?? 200;
  const reportsDelivery = options.reportsDelivery ?? false;
  const { file } = options;
  if (!Number.isInteger(maxMessages) || maxMessages < 1) {
    throw new MfaError("config_invalid", {
      message: "devOutbox: maxMessages is a positive integer.",
      data: { field: "maxMessages" },
    });
  }
  const production = process.env.NODE_ENV?.trim().toLowerCase() === "production";
  if (production && options.allowInProduction !== DEV_OUTBOX_PRODUCTION_OPT_IN) {
    throw new MfaError("config_invalid", {
      message: `devOutbox refuses to start with NODE_ENV=production: it delivers no SMS, call or email, and its inbox shows every code. Configure real senders, or pass allowInProduction: "${DEV_OUTBOX_PRODUCTION_OPT_IN}".`,
      data: { field: "allowInProduction" },
    });
  }
  if (production && !warnedProduction) {
    warnedProduction = true;
    stream.write(
      "[mfakit dev-outbox] WARNING: NODE_ENV=production, but SMS, calls and emails go to the dev outbox and are NOT delivered.\n",
    );
  }

  const entries: OutboxEntry[] = []; // newest first
  // Appends run one after another, so concurrent sends never interleave inside a line.
  let fileQueue: Promise<void> = file
    ? mkdir(dirname(file), { recursive: true }).then(() => {})
    : Promise.resolve();
  // A folder that can't be made fails the first send; until then it must not surface as an
  // unhandled rejection (an outbox built and closed without a send, the folder deleted).
  fileQueue.catch(() => {});

  const persist = (entry: OutboxEntry): Promise<void> => {
    if (!file) return Promise.resolve();
    const write = fileQueue.then(() => appendFile(file, `${JSON.stringify(entry)}\n`, "utf8"));
    fileQueue = write.catch(() => {});
    return write;
  };

  const record = async (message: OutgoingMessage): Promise<SendReceipt> => {
    const entry = toEntry(message, `dev_${randomUUID()}`, new Date(clock.now()));
    try {
      await persist(entry);
    } catch (e) {
      throw new MfaError("delivery_unavailable", {
        message: "The dev outbox could not write its file.",
        data: { provider: "dev-outbox", providerCode: (e as { code?: string }).code ?? "EIO" },
        cause: e,
      });
    }
    entries.unshift(entry);
    if (entries.length > maxMessages) entries.length = maxMessages;
    if (print) stream.write(`\n${formatEntry(entry, wantsColour(stream))}\n`);
    // Nothing is delivered, so no receipt comes unless fed by hand: see `reportsDelivery`.
    return { provider: "dev-outbox", messageId: entry.id, reportsDelivery };
  };

  /** Newest first: the file's last lines when there is a file, else memory. */
  const listed = async (): Promise<readonly OutboxEntry[]> => {
    if (!file) return entries;
    await fileQueue;
    let content: string;
    try {
      content = await readFile(file, "utf8");
    } catch (e) {
      if ((e as { code?: string }).code === "ENOENT") return [];
      throw e;
    }
    const out: OutboxEntry[] = [];
    const lines = content.split("\n");
    for (let i = lines.length - 1; i >= 0 && out.length < maxMessages; i--) {
      const line = lines[i]?.trim();
      if (!line) continue;
      try {
        out.push(JSON.parse(line) as OutboxEntry);
      } catch {
        // A line cut short by a crash: skip it, keep the rest readable.
      }
    }
    return out;
  };

  const outboxHandler = (): OutboxHandler => (req, res, next) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { ...SECURITY_HEADERS, Allow: "GET, HEAD" }).end();
      return;
    }
    const path = new URL(req.originalUrl ?? req.url ?? "/", "http://outbox.invalid").pathname;
    const wantsJson = path.endsWith("/outbox.json");
    listed().then(
      (list) => {
        const body = wantsJson
          ? JSON.stringify({ messages: list }, null, 2)
          : renderInboxPage(list, `${path.replace(/\/$/, "")}/outbox.json`);
        res.writeHead(200, {
          ...SECURITY_HEADERS,
          "Content-Type": wantsJson
            ? "application/json; charset=utf-8"
            : "text/html; charset=utf-8",
          "Content-Length": Buffer.byteLength(body),
        });
        res.end(req.method === "HEAD" ? undefined : body);
      },
      (error: unknown) => {
        if (next) return next(error);
        res.writeHead(500, SECURITY_HEADERS).end();
      },
    );
  };

  const serveOutbox = async (serve: ServeOutboxOptions = {}): Promise<ServedOutbox> => {
    const host = serve.host ?? "127.0.0.1";
    if (!LOOPBACK.has(host) && serve.allowRemote !== true) {
      throw new MfaError("config_invalid", {
        message:
          "serveOutbox: the inbox shows live codes; listen on a loopback host or set allowRemote.",
        data: { field: "host" },
      });
    }
    const server = createServer(outboxHandler());
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(serve.port ?? 0, host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}/`;
    if (print) stream.write(`[mfakit dev-outbox] inbox at ${url}\n`);
    return {
      url,
      port,
      close: () =>
        new Promise<void>((resolve, reject) => {
          server.close((e) => (e ? reject(e) : resolve()));
          server.closeAllConnections();
        }),
    };
  };

  return Object.freeze({
    sms: { id: "dev-outbox-sms", send: (m) => record({ channel: "sms", ...m }) },
    voice: { id: "dev-outbox-voice", send: (m) => record({ channel: "voice", ...m }) },
    email: { id: "dev-outbox-email", send: (m) => record({ channel: "email", ...m }) },
    messages: () => [...entries],
    clear: () => {
      entries.length = 0;
    },
    outboxHandler,
    serveOutbox,
  } satisfies DevOutbox);
}
