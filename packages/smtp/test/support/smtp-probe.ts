/**
 * A real SMTP server for the tests (smtp-server on 127.0.0.1, a free port) that parses every
 * accepted message back with mailparser, and answers the next message with a failure on demand.
 */
import type { AddressInfo } from "node:net";
import type { ProbeFailure, ProbeMessage, SenderProbe } from "@mfakit/testing";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerSession } from "smtp-server";

/** A message the server accepted, as parsed back. */
export interface ReceivedMail extends ProbeMessage {
  readonly parsed: ParsedMail;
  /** The raw message as it crossed the wire. */
  readonly raw: string;
  /** The SMTP envelope recipients. */
  readonly rcptTo: readonly string[];
  /** The user that authenticated, if any. */
  readonly user?: string;
}

/** What to answer at RCPT TO for the next message (beyond the kit's failures). */
export type RcptReply = { responseCode: number; message: string };

export interface SmtpProbeServer {
  readonly port: number;
  readonly probe: SenderProbe;
  readonly received: ReceivedMail[];
  /** Connections opened so far. */
  connections(): number;
  /** Answer the next RCPT TO with this reply. */
  rejectNextRcpt(reply: RcptReply): void;
  close(): Promise<void>;
}

export interface SmtpProbeOptions {
  /** Require AUTH with these credentials (else AUTH is optional and unchecked). */
  readonly credentials?: { user: string; pass: string };
  /** The text of the final 250 reply to DATA; `{id}` is replaced by a fresh queue id. */
  readonly dataReply?: string;
}

const smtpError = (responseCode: number, message: string) =>
  Object.assign(new Error(message), { responseCode });

export async function startSmtpProbe(options: SmtpProbeOptions = {}): Promise<SmtpProbeServer> {
  const received: ReceivedMail[] = [];
  const failures: ProbeFailure[] = [];
  const rcptReplies: RcptReply[] = [];
  const held = new Map<string, { timer: ReturnType<typeof setTimeout> }>();
  let connections = 0;
  let queueId = 0;

  const server = new SMTPServer({
    authOptional: options.credentials === undefined,
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    // No reverse DNS of 127.0.0.1: it costs ~100 ms per connection here.
    disableReverseLookup: true,
    onConnect(_session, callback) {
      connections += 1;
      if (failures[0] === "unavailable") {
        failures.shift();
        return callback(smtpError(421, "4.3.2 Service not available, closing channel"));
      }
      callback();
    },
    onAuth(auth, _session, callback) {
      const want = options.credentials;
      if (want && auth.username === want.user && auth.password === want.pass) {
        return callback(null, { user: auth.username });
      }
      callback(smtpError(535, "5.7.8 Authentication credentials invalid"));
    },
    onMailFrom(_address, session: SMTPServerSession, callback) {
      if (failures[0] === "timeout") {
        failures.shift();
        // Hold the reply until the client gives up (or 10 s): nothing is received.
        held.set(session.id, { timer: setTimeout(() => callback(), 10_000) });
        return;
      }
      callback();
    },
    onRcptTo(_address, _session, callback) {
      const reply = rcptReplies.shift();
      if (reply) return callback(smtpError(reply.responseCode, reply.message));
      const failure = failures[0];
      if (failure === "rejected") {
        failures.shift();
        return callback(smtpError(550, "5.1.1 Recipient address rejected: User unknown"));
      }
      if (failure === "throttled") {
        failures.shift();
        return callback(smtpError(451, "4.7.1 Rate limit exceeded, try again later"));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", async () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const parsed = await simpleParser(raw);
        const rcptTo = session.envelope.rcptTo.map((r) => r.address);
        received.push({
          to: rcptTo[0] ?? "",
          text: parsed.text ?? "",
          subject: parsed.subject,
          html: typeof parsed.html === "string" ? parsed.html : undefined,
          parsed,
          raw,
          rcptTo,
          user: typeof session.user === "string" ? session.user : undefined,
        });
        queueId += 1;
        const id = `Q${String(queueId).padStart(6, "0")}`;
        callback(null, (options.dataReply ?? "Ok: queued as {id}").replace("{id}", id));
      });
    },
    onClose(session) {
      const hold = held.get(session.id);
      if (hold) clearTimeout(hold.timer);
      held.delete(session.id);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;

  return {
    port,
    received,
    connections: () => connections,
    rejectNextRcpt: (reply) => rcptReplies.push(reply),
    probe: {
      received: () => received,
      failNext: (failure) => {
        failures.push(failure);
      },
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const hold of held.values()) clearTimeout(hold.timer);
        server.close(() => resolve());
      }),
  };
}
