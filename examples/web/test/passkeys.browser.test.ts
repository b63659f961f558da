/**
 * Passkeys in a real browser: Chromium's virtual authenticator (the DevTools protocol's WebAuthn
 * domain) stands in for a phone or security key. Alex adds a passkey through Security info (the
 * wizard's factor-setup step), signs out, and signs in again with "Use a passkey". Each passkey
 * page passes axe-core's WCAG checks. The app runs at http://localhost:<port> (a secure context,
 * rp id `localhost`).
 */

import { createServer } from "node:net";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ALEX, axeViolations, enrolAlexByPhone, signIn, useBrowser } from "./browser-kit.ts";

const { withApp } = useBrowser();

/** A free TCP port: the relying party's origin must name it before the app starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const heading = async (page: Page) =>
  ((await page.locator("h1").first().textContent()) ?? "").replace(/\s+/g, " ").trim();

describe("passkeys in a browser (Chromium's virtual authenticator)", () => {
  it("adds a passkey in Security info (factor-setup step) and signs in with it at the challenge, every page passing axe", async () => {
    const port = await freePort();
    const base = `http://localhost:${port}`;
    await withApp(
      async (h) => {
        const { page, context } = h;
        const cdp = await context.newCDPSession(page);
        await cdp.send("WebAuthn.enable");
        const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
          options: {
            protocol: "ctap2",
            transport: "internal",
            hasResidentKey: true,
            hasUserVerification: true,
            isUserVerified: true,
          },
        });

        // Alex registers a phone first (the wizard), then adds a passkey from Security info.
        await enrolAlexByPhone({ ...h, server: { ...h.server, url: base }, url: (p) => base + p });
        await page.click("#done");
        await page.goto(`${base}/security-info`);
        await page.selectOption("#kind", "passkey");
        await page.click("#add-method");
        expect(await heading(page)).toBe("Step 1: How should we contact you?");
        await page.fill("#passkeyName", "Virtual key");
        expect(await axeViolations(page)).toEqual([]);
        await page.click("#contact");
        expect(await heading(page)).toBe("Create a passkey");
        expect(await axeViolations(page)).toEqual([]);
        await page.click("#create-passkey");
        await page.waitForURL(`${base}/security-info`);
        expect(await page.locator('tr[data-kind="passkey"]').textContent()).toContain(
          "Virtual key",
        );
        const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
        expect(credentials).toHaveLength(1);
        expect(credentials[0]?.rpId).toBe("localhost");

        // Next sign-in: the challenge offers the passkey; the virtual authenticator signs.
        await page.click("text=Sign out");
        await signIn(page, base, ALEX.id, ALEX.password);
        expect(page.url()).toBe(`${base}/challenge`);
        expect(await axeViolations(page)).toEqual([]);
        await page.click("#use-passkey");
        expect(await heading(page)).toBe("Use your passkey");
        expect(await axeViolations(page)).toEqual([]);
        await page.click("#use-passkey");
        await page.waitForURL((url) => !url.pathname.startsWith("/challenge"));
        expect(["/enrol", "/security-info"]).toContain(new URL(page.url()).pathname);
        const after = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
        expect(after.credentials[0]?.signCount).toBeGreaterThan(0);
        const reg = await h.server.mfa.registrations.get(ALEX.id);
        expect(reg.passkeys?.[0]?.lastUsedAt).not.toBeNull();
      },
      { port },
    );
  }, 60_000);
});
