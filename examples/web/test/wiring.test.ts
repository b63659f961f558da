/**
 * The example fails closed in production: without real senders it refuses to start (REL-04)
 * instead of running on the development outbox, which delivers no code and shows every code.
 */

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isMfaError } from "@mfakit/core";
import { afterAll, describe, expect, it } from "vitest";
import { startServer } from "../src/server.ts";
import { wire } from "../src/wiring.ts";

const root = mkdtempSync(join(tmpdir(), "mfakit-web-wiring-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** What `wire` rejects with (fails the test when it resolves). */
async function refusal(env: Record<string, string>, dataDir: string) {
  const outcome = await wire({ env, dataDir, printOutbox: false }).then(
    async (w) => {
      await w.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(outcome, "wire refused").toBeDefined();
  return outcome;
}

const TWILIO = {
  TWILIO_ACCOUNT_SID: `AC${"0".repeat(32)}`,
  TWILIO_AUTH_TOKEN: "test-token",
  TWILIO_FROM: "+15005550006",
};

describe("the web example in production", () => {
  it("REL-04: refuses to start without real senders, naming every missing channel and its variables, before writing anything", async () => {
    const dataDir = join(root, "none");
    const e = await refusal({ NODE_ENV: "production" }, dataDir);
    expect(isMfaError(e, "config_invalid")).toBe(true);
    expect(isMfaError(e) && e.data.missing).toBe("sms,voice,email");
    const message = (e as Error).message;
    for (const variable of ["TWILIO_FROM", "VONAGE_APPLICATION_ID", "MFAKIT_SMTP_HOST"]) {
      expect(message).toContain(variable);
    }
    // Failing closed happens before the data folder, the dev key or the store are created.
    expect(existsSync(dataDir)).toBe(false);
    await expect(
      startServer({ port: 0, dataDir, verbose: false, env: { NODE_ENV: "production" } }),
    ).rejects.toThrow(/no real sender/);
  });

  it("REL-04: names only what is missing: Twilio covers SMS and calls, email still lacks SMTP", async () => {
    const e = await refusal({ NODE_ENV: "production", ...TWILIO }, join(root, "twilio"));
    expect(isMfaError(e) && e.data.missing).toBe("email");
    expect((e as Error).message).toContain("MFAKIT_SMTP_HOST");
    expect((e as Error).message).not.toContain("TWILIO_FROM");
  });

  it("starts on real senders in production, and on the outbox outside production", async () => {
    const real = await wire({
      env: {
        NODE_ENV: "production",
        ...TWILIO,
        MFAKIT_SMTP_HOST: "127.0.0.1",
        MFAKIT_SMTP_FROM: "mfa@example.test",
      },
      dataDir: join(root, "real"),
      printOutbox: false,
    });
    expect(real.outbox).toBeNull();
    expect(real.summary).toContain("SMS: Twilio");
    await real.close();
    const dev = await wire({ env: {}, dataDir: join(root, "dev"), printOutbox: false });
    expect(dev.outbox).not.toBeNull();
    await dev.close();
  });
});
