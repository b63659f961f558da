import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isMfaError } from "@mfakit/core/adapter";
import { type CodeMessageInput, renderEmail, renderSms, renderVoice } from "@mfakit/core/delivery";
import { devOutbox, findCode, type OutboxEntry, type OutputStream } from "@mfakit/dev-outbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** A stream that keeps what is written. */
function capture(isTTY = false): OutputStream & { text(): string } {
  const chunks: string[] = [];
  return { isTTY, write: (c: string) => chunks.push(c), text: () => chunks.join("") };
}

const input = (over: Partial<CodeMessageInput> = {}): CodeMessageInput => ({
  kind: "code",
  appName: "Contoso",
  code: "373318",
  locale: "en",
  purpose: "signin",
  ttlMinutes: 10,
  ...over,
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mfakit-dev-outbox-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const readLines = async (file: string) =>
  (await readFile(file, "utf8"))
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as OutboxEntry);

describe("devOutbox", () => {
  it("records SMS, calls and emails in the JSONL file and in memory, newest first, with the code", async () => {
    const file = join(dir, "nested", "outbox.jsonl");
    const outbox = devOutbox({ file, stream: capture() });
    await outbox.sms.send({ to: "+447400123456", idempotencyKey: "k1", ...renderSms(input()) });
    await outbox.voice.send({
      to: "+447400123456",
      extension: "1234",
      idempotencyKey: "k2",
      ...renderVoice(input({ code: "904512", locale: "de" })),
    });
    const mail = renderEmail(input({ code: "551177", purpose: "recovery-email" }));
    await outbox.email.send({ to: "ada@example.test", idempotencyKey: "k3", ...mail });

    const lines = await readLines(file);
    expect(lines.map((l) => [l.channel, l.to, l.code])).toEqual([
      ["sms", "+447400123456", "373318"],
      ["voice", "+447400123456", "904512"],
      ["email", "ada@example.test", "551177"],
    ]);
    expect(lines[1]).toMatchObject({ extension: "1234", locale: "de" });
    expect(lines[2]).toMatchObject({ subject: mail.subject, html: mail.html, text: mail.text });
    expect(outbox.messages().map((m) => m.code)).toEqual(["551177", "904512", "373318"]);
  });

  it("finds no code in a notice's link (a port or a revert token holds digits, never a code)", () => {
    const sms = renderSms({
      kind: "notice",
      appName: "Contoso",
      locale: "en",
      change: "added",
      factor: "phone",
      link: "http://127.0.0.1:45123/revert/YWxleA.1234567AAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA",
    });
    expect(
      findCode({ channel: "sms", to: "+447400123456", idempotencyKey: "k", ...sms }),
    ).toBeNull();
  });

  it("prints a boxed code line; no colours when the stream is not a TTY", async () => {
    const out = capture(false);
    const outbox = devOutbox({ stream: out });
    await outbox.sms.send({ to: "+447400123456", idempotencyKey: "k", ...renderSms(input()) });
    const text = out.text();
    expect(text).toContain("▶ SMS to +447400123456");
    expect(text).toMatch(/╔═+╗\n {2}║ CODE {2}373318 ║\n {2}╚═+╝/);
    expect(text).not.toContain("\u001b[");
  });

  it("LOG-01 (ASVS 16.4.1): colours only a TTY, and message text can never inject a terminal escape sequence", async () => {
    const out = capture(true);
    const outbox = devOutbox({ stream: out });
    await outbox.sms.send({
      to: "+447400123456",
      idempotencyKey: "k",
      locale: "en",
      text: "373318 is your code\u001b]0;pwned\u0007\u001b[2J",
    });
    const text = out.text();
    expect(text).toContain("\u001b[1;30;43m CODE  373318 \u001b[0m");
    expect(text).toContain("\\u001b]0;pwned\\u0007\\u001b[2J");
    expect(text).not.toContain("\u001b]0;pwned");
    expect(text).not.toContain("\u001b[2J");
  });

  it("print: false keeps the terminal quiet", async () => {
    const out = capture();
    const outbox = devOutbox({ stream: out, print: false });
    await outbox.sms.send({ to: "+447400123456", idempotencyKey: "k", ...renderSms(input()) });
    expect(out.text()).toBe("");
    expect(outbox.messages()).toHaveLength(1);
  });

  it("50 concurrent sends on three channels each land exactly once, in whole lines", async () => {
    const file = join(dir, "concurrent.jsonl");
    const outbox = devOutbox({ file, print: false });
    const codes = Array.from({ length: 50 }, (_, i) => String(100000 + i * 7919).slice(0, 6));
    await Promise.all(
      codes.map((code, i) => {
        const key = `c${i}`;
        if (i % 3 === 0)
          return outbox.sms.send({
            to: `+4474001${String(i).padStart(5, "0")}`,
            idempotencyKey: key,
            ...renderSms(input({ code })),
          });
        if (i % 3 === 1)
          return outbox.voice.send({
            to: "+447400123456",
            idempotencyKey: key,
            ...renderVoice(input({ code })),
          });
        return outbox.email.send({
          to: `u${i}@example.test`,
          idempotencyKey: key,
          ...renderEmail(input({ code })),
        });
      }),
    );
    const lines = await readLines(file);
    expect(lines).toHaveLength(50);
    expect(new Set(lines.map((l) => l.idempotencyKey)).size).toBe(50);
    expect(new Set(lines.map((l) => l.id)).size).toBe(50);
    expect(lines.map((l) => l.code).sort()).toEqual([...codes].sort());
  });

  it("refuses a non-loopback inbox host unless allowRemote is set (config_invalid)", async () => {
    const outbox = devOutbox({ print: false });
    await expect(outbox.serveOutbox({ host: "0.0.0.0" })).rejects.toSatisfy((e: unknown) =>
      isMfaError(e, "config_invalid"),
    );
  });
});

describe("the inbox page over real HTTP", () => {
  const file = () => join(dir, "page.jsonl");
  let served: { url: string; close(): Promise<void> };
  let outbox: ReturnType<typeof devOutbox>;
  beforeAll(async () => {
    outbox = devOutbox({ file: file(), stream: capture() });
    served = await outbox.serveOutbox();
    await outbox.sms.send({ to: "+447400123456", idempotencyKey: "p1", ...renderSms(input()) });
    const evil = renderEmail(input({ code: "662200", appName: `<script>alert("x")</script>` }));
    await outbox.email.send({
      to: "ada@example.test",
      idempotencyKey: "p2",
      ...evil,
      subject: `<img src=x onerror=alert(1)> ${evil.subject}`,
      html: `${evil.html}<script>alert("html body")</script>`,
    });
  });
  afterAll(() => served.close());

  it("lists every message newest first, HTML-escaped, with the code visible", async () => {
    const res = await fetch(served.url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const page = await res.text();
    expect(page.indexOf(">662200</p>")).toBeGreaterThan(0);
    expect(page.indexOf(">373318</p>")).toBeGreaterThan(page.indexOf(">662200</p>"));
    // Nothing from a message is live markup: the only tags are the page's own.
    expect(page).not.toContain("<script");
    expect(page).not.toContain("<img");
    expect(page).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(page).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    // The HTML email is previewed only in a sandboxed frame, escaped into srcdoc.
    expect(page).toMatch(
      /<iframe sandbox="" referrerpolicy="no-referrer" srcdoc="&lt;!doctype html&gt;/,
    );
    expect(page).toContain('href="/outbox.json"');
  });

  it("GET /outbox.json returns the same list as JSON", async () => {
    const res = await fetch(new URL("outbox.json", served.url));
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const body = (await res.json()) as { messages: OutboxEntry[] };
    expect(body.messages.map((m) => [m.channel, m.code])).toEqual([
      ["email", "662200"],
      ["sms", "373318"],
    ]);
  });

  it("a second process on the same file sees the first one's messages", async () => {
    const other = devOutbox({ file: file(), print: false });
    const again = await other.serveOutbox();
    const body = (await (await fetch(new URL("outbox.json", again.url))).json()) as {
      messages: OutboxEntry[];
    };
    expect(body.messages).toHaveLength(2);
    await again.close();
  });

  it("answers only GET and HEAD", async () => {
    const res = await fetch(served.url, { method: "POST", body: "x" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
  });
});

describe("outboxHandler mounted under a prefix", () => {
  it("serves the page at /outbox and the JSON at /outbox/outbox.json", async () => {
    const outbox = devOutbox({ print: false });
    await outbox.sms.send({ to: "+447400123456", idempotencyKey: "m1", ...renderSms(input()) });
    const handler = outbox.outboxHandler();
    const server = createServer((req, res) => {
      if (req.url?.startsWith("/outbox")) return handler(req, res);
      res.writeHead(404).end("app");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const page = await (await fetch(`${base}/outbox`)).text();
    expect(page).toContain('href="/outbox/outbox.json"');
    expect(page).toContain(">373318</p>");
    const json = (await (await fetch(`${base}/outbox/outbox.json`)).json()) as {
      messages: OutboxEntry[];
    };
    expect(json.messages[0]?.code).toBe("373318");
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
