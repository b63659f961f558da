import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { type EmailMessage, isMfaError, type MfaErrorCode } from "@mfakit/core/adapter";
import { createFailoverSender, renderEmail } from "@mfakit/core/delivery";
import { smtpEmail } from "@mfakit/smtp";
import { testSender } from "@mfakit/testing";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SmtpProbeServer, startSmtpProbe } from "./support/smtp-probe.js";

/** A transport to the local test server: plain SMTP, no STARTTLS on loopback. */
const local = (port: number, extra: object = {}) => ({
  transport: { host: "127.0.0.1", port, secure: false, requireTLS: false, ...extra },
});

testSender({
  name: "smtp (smtp-server on 127.0.0.1)",
  channel: "email",
  // smtp-server holds every greeting 100 ms (early-talker detection): 300 ms is too tight for a
  // fresh connection plus a cold start.
  timeoutMs: 1_000,
  create: async ({ timeoutMs }) => {
    const server = await startSmtpProbe();
    const sender = smtpEmail({ ...local(server.port), from: "security@contoso.test", timeoutMs });
    return {
      sender,
      probe: server.probe,
      close: async () => {
        sender.close();
        await server.close();
      },
    };
  },
});

const mail = (over: Partial<EmailMessage> = {}): EmailMessage => {
  const rendered = renderEmail({
    kind: "code",
    appName: "Contoso",
    code: "373318",
    locale: "de-CH",
    purpose: "recovery-email",
    ttlMinutes: 10,
  });
  return {
    to: "ada@example.test",
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    locale: "de-CH",
    idempotencyKey: "ch_mail_1",
    ...over,
  };
};

async function failure(p: Promise<unknown>): Promise<{ code: MfaErrorCode; data: object }> {
  try {
    await p;
  } catch (e) {
    if (isMfaError(e)) return { code: e.code, data: e.data };
    throw e;
  }
  throw new Error("expected the send to fail");
}

describe("smtpEmail against a real SMTP server", () => {
  let server: SmtpProbeServer;
  let sender: ReturnType<typeof smtpEmail>;
  beforeAll(async () => {
    server = await startSmtpProbe();
    sender = smtpEmail({
      ...local(server.port),
      from: { name: "Contoso Sicherheit", address: "security@contoso.test" },
      replyTo: "help@contoso.test",
      timeoutMs: 2_000,
    });
  });
  afterAll(async () => {
    sender.close();
    await server.close();
  });
  const last = () => server.received[server.received.length - 1];

  it("sends headers, both bodies and the code; the receipt carries the server's queue id", async () => {
    const receipt = await sender.send(mail());
    const got = last();
    expect(receipt).toEqual({ provider: "smtp", messageId: expect.stringMatching(/^Q\d{6}$/) });
    const parsed = got?.parsed;
    expect(parsed?.from?.value).toEqual([
      { name: "Contoso Sicherheit", address: "security@contoso.test" },
    ]);
    expect(parsed?.replyTo?.value).toEqual([{ name: "", address: "help@contoso.test" }]);
    expect(got?.rcptTo).toEqual(["ada@example.test"]);
    expect(parsed?.subject).toBe("Ihr Bestätigungscode für Contoso");
    expect(parsed?.text).toContain("    373318");
    expect(parsed?.html).toContain(">373318</p>");
    expect(parsed?.headers.get("content-language")).toBe("de-CH");
    expect(parsed?.headers.get("auto-submitted")).toBe("auto-generated");
    expect(got?.raw).toMatch(/Content-Type: multipart\/alternative/i);
  });

  it.each([
    ["German umlauts", "Bestätigung für Jürgen Größe"],
    ["French accents", "Vérification — élève à l'école, garçon"],
    ["emoji", "Your code 🔐✅ is ready"],
    ["a long UTF-8 subject folded over lines", `Ünïcödé ${"ä".repeat(120)} Ende`],
  ])("UTF-8 subject: %s arrives intact", async (_label, subject) => {
    await sender.send(mail({ subject, idempotencyKey: `utf8-${subject.length}` }));
    expect(last()?.parsed.subject).toBe(subject);
    // On the wire the subject is RFC 2047-encoded ASCII: no raw 8-bit header.
    const header = last()?.raw.split(/\r?\n\r?\n/)[0] ?? "";
    expect(header).toMatch(/^Subject: =\?UTF-8\?[BQ]\?/im);
  });

  it("derives the Message-ID from the idempotency key: a retry carries the same one", async () => {
    await sender.send(mail({ idempotencyKey: "retry-me" }));
    const first = last()?.parsed.messageId;
    await sender.send(mail({ idempotencyKey: "retry-me" }));
    const second = last()?.parsed.messageId;
    await sender.send(mail({ idempotencyKey: "another" }));
    expect(first).toMatch(/^<[0-9a-f]{32}\.mfakit@contoso\.test>$/);
    expect(second).toBe(first);
    expect(last()?.parsed.messageId).not.toBe(first);
  });

  describe("no header injection possible (refused before connecting)", () => {
    it.each([
      ["subject", { subject: "Your code\r\nBcc: victim@example.test" }],
      ["subject", { subject: "Your code\nX-Evil: 1" }],
      ["subject", { subject: "Your code\rBcc: victim@example.test" }],
      ["subject", { subject: "Your code\u2028Bcc: victim@example.test" }],
      ["subject", { subject: "Your code\u0000" }],
      ["to", { to: "ada@example.test\r\nBcc: victim@example.test" }],
      ["to", { to: "ada@example.test\nSubject: spoof" }],
      ["to", { to: "ada@example.test, victim@example.test" }],
      ["to", { to: "Ada <ada@example.test>" }],
      ["to", { to: "ada@example.test;victim@example.test" }],
      ["to", { to: '"a\\"b"@example.test' }],
    ])("%s %j → invalid_input, nothing sent", async (field, over) => {
      const before = server.connections();
      const count = server.received.length;
      const err = await failure(sender.send(mail(over)));
      expect(err.code).toBe("invalid_input");
      expect(err.data).toMatchObject({ field });
      expect(server.connections()).toBe(before);
      expect(server.received.length).toBe(count);
    });

    it.each([
      [{ from: "security@contoso.test\r\nBcc: victim@example.test" }],
      [{ from: { name: "Contoso\r\nBcc: victim@example.test", address: "security@contoso.test" } }],
      [{ from: "Contoso <security@contoso.test>" }],
      [{ from: "security@contoso.test", replyTo: "help@contoso.test\nBcc: x@example.test" }],
    ])("from/replyTo %j → config_invalid at construction", (over) => {
      try {
        smtpEmail({ ...local(server.port), ...over });
        throw new Error("expected config_invalid");
      } catch (e) {
        expect(isMfaError(e, "config_invalid")).toBe(true);
      }
    });

    it("bodies may hold any line breaks: they are content, not headers", async () => {
      await sender.send(
        mail({ text: "Line 1\r\nBcc: not-a-header@example.test\r\n", html: undefined }),
      );
      expect(last()?.parsed.bcc).toBeUndefined();
      expect(last()?.rcptTo).toEqual(["ada@example.test"]);
      expect(last()?.parsed.text).toContain("Bcc: not-a-header@example.test");
    });
  });

  describe("error mapping", () => {
    it.each([
      [550, "5.1.1 User unknown"],
      [551, "5.1.6 User not local"],
      [553, "5.1.3 Mailbox name not allowed"],
      [556, "5.1.10 Domain does not accept mail"],
    ])(
      "REL-04: %i at RCPT TO → delivery_rejected with that providerCode",
      async (responseCode, message) => {
        server.rejectNextRcpt({ responseCode, message });
        const err = await failure(sender.send(mail({ idempotencyKey: `rej-${responseCode}` })));
        expect(err).toMatchObject({
          code: "delivery_rejected",
          data: { provider: "smtp", providerCode: responseCode, command: "RCPT TO" },
        });
      },
    );

    it.each([
      [450, "4.2.0 Mailbox busy"],
      [451, "4.7.1 Greylisted, try again"],
      [452, "4.5.3 Too many recipients"],
      [552, "5.2.2 Mailbox full"],
      [554, "5.7.1 Relay access denied"],
    ])(
      "REL-04: %i at RCPT TO → delivery_unavailable (retryable or not about the recipient)",
      async (responseCode, message) => {
        server.rejectNextRcpt({ responseCode, message });
        const err = await failure(sender.send(mail({ idempotencyKey: `un-${responseCode}` })));
        expect(err).toMatchObject({
          code: "delivery_unavailable",
          data: { provider: "smtp", providerCode: responseCode },
        });
      },
    );

    it("REL-04: a server that is down → delivery_unavailable, quickly", async () => {
      const port = await new Promise<number>((resolve) => {
        const s = createServer().listen(0, "127.0.0.1", () => {
          const p = (s.address() as AddressInfo).port;
          s.close(() => resolve(p));
        });
      });
      const down = smtpEmail({ ...local(port), from: "security@contoso.test", timeoutMs: 2_000 });
      const started = performance.now();
      const err = await failure(down.send(mail()));
      expect(err).toMatchObject({ code: "delivery_unavailable", data: { provider: "smtp" } });
      expect(performance.now() - started).toBeLessThan(2_000);
    });

    it("REL-05: a server that holds its reply past timeoutMs → delivery_unavailable, outcome unknown", async () => {
      const slow = smtpEmail({
        ...local(server.port),
        from: "security@contoso.test",
        timeoutMs: 300,
      });
      server.probe.failNext("timeout");
      const started = performance.now();
      const err = await failure(slow.send(mail({ idempotencyKey: "slow" })));
      expect(performance.now() - started).toBeLessThan(1_500);
      expect(err).toMatchObject({
        code: "delivery_unavailable",
        data: { reason: "timeout", outcomeUnknown: true },
      });
    });
  });
});

describe("SMTP AUTH", () => {
  let server: SmtpProbeServer;
  beforeAll(async () => {
    server = await startSmtpProbe({ credentials: { user: "apikey", pass: "s3cret-app-pass" } });
  });
  afterAll(() => server.close());

  it("authenticates with the credentials and sends", async () => {
    const sender = smtpEmail({
      ...local(server.port, { auth: { user: "apikey", pass: "s3cret-app-pass" } }),
      from: "security@contoso.test",
    });
    await sender.send(mail());
    expect(server.received.at(-1)?.user).toBe("apikey");
    sender.close();
  });

  it("STORE-06: wrong credentials → delivery_unavailable (535), and the password is in no error", async () => {
    const sender = smtpEmail({
      ...local(server.port, { auth: { user: "apikey", pass: "wrong-pass-123" } }),
      from: "security@contoso.test",
    });
    let error: unknown;
    await sender.send(mail()).catch((e: unknown) => {
      error = e;
    });
    expect(isMfaError(error, "delivery_unavailable")).toBe(true);
    expect(isMfaError(error) && error.data.providerCode).toBe(535);
    const texts = [String(error), JSON.stringify(error), String((error as Error).cause)];
    for (const t of texts) expect(t).not.toContain("wrong-pass-123");
    sender.close();
  });

  it("refuses credentials without TLS to a non-loopback host (config_invalid)", () => {
    try {
      smtpEmail({
        transport: {
          host: "smtp.example.com",
          port: 25,
          requireTLS: false,
          auth: { user: "u", pass: "p" },
        },
        from: "security@contoso.test",
      });
      throw new Error("expected config_invalid");
    } catch (e) {
      expect(isMfaError(e, "config_invalid")).toBe(true);
    }
  });
});

describe("injected transporter and message ids", () => {
  it("uses an app's own nodemailer transporter; the Message-ID is the receipt when the server names no id", async () => {
    const server = await startSmtpProbe({ dataReply: "OK" });
    const transporter = nodemailer.createTransport({
      host: "127.0.0.1",
      port: server.port,
      secure: false,
      ignoreTLS: true,
    });
    const sender = smtpEmail({ transporter, from: "security@contoso.test", id: "relay-b" });
    const receipt = await sender.send(mail({ idempotencyKey: "injected" }));
    expect(receipt.provider).toBe("relay-b");
    expect(`<${receipt.messageId}>`).not.toBe("<>");
    expect(server.received[0]?.parsed.messageId).toContain(receipt.messageId.replace(/[<>]/g, ""));
    sender.close(); // leaves the app's transporter alone
    await sender.send(mail({ idempotencyKey: "injected-2" }));
    expect(server.received).toHaveLength(2);
    transporter.close();
    await server.close();
  });
});

// The core's failover sender around this adapter keeps the port's contract (errors pass
// through typed, timeouts stay in budget, nothing leaks).
testSender({
  name: "failover sender around smtp",
  channel: "email",
  timeoutMs: 1_000,
  create: async ({ timeoutMs }) => {
    const server = await startSmtpProbe();
    const inner = smtpEmail({
      ...local(server.port),
      from: "security@contoso.test",
      timeoutMs: 5_000,
    });
    const sender = createFailoverSender({
      channel: "email",
      senders: [inner],
      timeoutMs,
      retries: 0,
    });
    return {
      sender,
      probe: server.probe,
      close: async () => {
        inner.close();
        await server.close();
      },
    };
  },
});
