/**
 * `mfakit import` end to end on a real SQLite file: a 100 000-row file, the summary table, the
 * progress bar only on a terminal, idempotent re-runs, and imported factors that then work.
 */

import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CliIo, EXIT, main } from "@mfakit/cli";
import { createKeyring, createMfa } from "@mfakit/core";
import type { ImportReport } from "@mfakit/core/import";
import { base32Encode, totpAt } from "@mfakit/core/totp";
import { sqliteStore } from "@mfakit/sqlite";
import { capturingOutbox } from "@mfakit/testing";
import { afterAll, describe, expect, it } from "vitest";

const KEY = randomBytes(32).toString("base64");
const dir = mkdtempSync(join(tmpdir(), "mfakit-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Captured streams; `tty` makes stderr a terminal. */
function captureIo(tty = false): CliIo & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t), isTTY: tty },
    env: { MFAKIT_KEY: KEY, MFAKIT_KEY_ID: "k1" },
    out: () => out,
    err: () => err,
  };
}

const args = (db: string, file: string, ...more: string[]) => [
  "import",
  "--store",
  `sqlite:${db}`,
  "--format",
  "csv",
  "--countries",
  "GB",
  "--tenant-domains",
  "contoso.com",
  ...more,
  file,
];

/** The SDK over the imported file, as the app would open it. */
function appOver(db: string) {
  const store = sqliteStore({ path: db });
  const outbox = capturingOutbox();
  const mfa = createMfa({
    store,
    keyring: createKeyring({ current: "k1", keys: { k1: KEY } }),
    tenant: { name: "Contoso", domains: ["contoso.com"] },
    policy: {
      mfa: { methods: ["authentication-phone", "authenticator-app"], required: 1 },
      recovery: { methods: ["email"], required: 0 },
      phone: { allowedCountries: ["GB"] },
    },
    senders: { sms: outbox.sms, voice: outbox.voice, email: outbox.email },
  });
  return { mfa, outbox, close: () => store.close() };
}

describe("mfakit import", () => {
  it("imports a 100 000-row CSV into SQLite in under a minute, with a summary table and no progress bar off a terminal", async () => {
    const users = 33_334;
    const seeds = new Map<number, Uint8Array>();
    const lines = ["user_id,kind,secret,phone_type,number,address"];
    for (let i = 0; i < users; i++) {
      const seed = randomBytes(20);
      if (i % 10_000 === 7) seeds.set(i, seed);
      // Every 10 000th user's email is on the tenant's own domain: refused (MAIL-04).
      const domain = i % 10_000 === 0 ? "contoso.com" : "example.org";
      lines.push(
        `user${i},totp,${base32Encode(seed)},,,`,
        `user${i},phone,,authentication,+447400${String(i).padStart(6, "0")},`,
        `user${i},email,,,,user${i}@${domain}`,
      );
    }
    const file = join(dir, "big.csv");
    writeFileSync(file, `${lines.join("\n")}\n`);
    const db = join(dir, "big.db");
    const reportFile = join(dir, "report.json");
    const io = captureIo(false);

    const started = Date.now();
    const code = await main(args(db, file, "--report", reportFile, "--concurrency", "16"), io);
    const seconds = (Date.now() - started) / 1000;

    expect(io.err()).toBe("");
    expect(code).toBe(EXIT.rowsFailed);
    const report: ImportReport = JSON.parse(readFileSync(reportFile, "utf8"));
    expect(report).toMatchObject({
      rows: 100_002,
      imported: 99_998,
      unchanged: 0,
      failed: 4,
      users: 33_334,
      byKind: { totp: 33_334, phone: 33_334, email: 33_330 },
    });
    expect(report.errors.map((e) => [e.row, e.field, e.code])).toEqual(
      [0, 10_000, 20_000, 30_000].map((i) => [i * 3 + 4, "address", "email_domain_not_allowed"]),
    );
    expect(io.out()).toMatch(/^imported totp\s+33334$/m);
    expect(io.out()).toMatch(/^failed\s+4$/m);
    expect(io.out()).toMatch(/^4\s+address\s+email_domain_not_allowed$/m);
    expect(seconds).toBeLessThan(60);

    // The app opens the file: an imported seed verifies, an imported phone takes a code.
    const app = appOver(db);
    try {
      for (const [i, seed] of seeds) {
        const totp = totpAt(seed, Math.floor(Date.now() / 1000));
        expect(await app.mfa.challenge.verifyTotp({ userId: `user${i}`, code: totp })).toEqual({
          ok: true,
          method: "authenticator-app",
        });
      }
      const started = await app.mfa.challenge.start({
        userId: "user7",
        method: "authentication-phone",
      });
      if (!started.ok) throw new Error(JSON.stringify(started));
      const sms = app.outbox.lastCode("+447400000007");
      expect(
        await app.mfa.challenge.verify({
          userId: "user7",
          challengeId: started.challengeId,
          code: sms,
        }),
      ).toEqual({ ok: true, method: "authentication-phone" });
    } finally {
      app.close();
    }
  }, 120_000);

  it("draws a progress bar on a terminal, and a re-run leaves every row unchanged", async () => {
    const seed = base32Encode(randomBytes(20));
    const file = join(dir, "small.csv");
    writeFileSync(
      file,
      `user_id,kind,secret,phone_type,number\nann,totp,${seed},,\nann,phone,,office,+442079460000\n`,
    );
    const db = join(dir, "small.db");
    const first = captureIo(true);
    expect(await main(args(db, file), first)).toBe(EXIT.ok);
    expect(first.err()).toMatch(/\r\[#{30}\] 100% 2\/2 rows\n$/);
    const again = captureIo(true);
    expect(await main(args(db, file), again)).toBe(EXIT.ok);
    expect(again.out()).toMatch(/^unchanged\s+2$/m);
    expect(again.out()).toMatch(/^imported\s+0$/m);
  });

  it("refuses to run without a key, a known format or a sqlite store, and says why (exit 1)", async () => {
    const file = join(dir, "small.csv");
    const noKey = { ...captureIo(), env: {} };
    let err = "";
    noKey.stderr = { write: (t: string) => (err += t) };
    expect(await main(args(join(dir, "x.db"), file), noKey)).toBe(EXIT.usage);
    expect(err).toContain("MFAKIT_KEY is not set");
    const io = captureIo();
    expect(await main(["import", "--store", "sqlite:x.db", "--format", "xml", file], io)).toBe(
      EXIT.usage,
    );
    expect(io.err()).toContain("--format is csv, json, entra, okta or auth0.");
    const pg = captureIo();
    expect(await main(["import", "--store", "postgres://x", "--format", "csv", file], pg)).toBe(
      EXIT.usage,
    );
    expect(pg.err()).toContain("--store is sqlite:FILE");
  });
});
