/**
 * "Don't ask again on this device" in a browser: the box on the code page, the device listed on
 * Security info, the next sign-in without a second factor, and "Forget" bringing the challenge
 * back. axe-core checks the pages the feature adds to.
 */

import { DEVICE_COOKIE } from "@mfakit/web";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  ALEX,
  alexOnSecurityInfo,
  axeViolations,
  type Harness,
  PHONE,
  shot,
  signIn,
  useBrowser,
} from "./browser-kit.ts";

const { browser, withApp } = useBrowser();

const heading = async (page: Page) =>
  ((await page.locator("h1").first().textContent()) ?? "").trim();

/** Signs out, signs in as Alex, and (if asked) proves the phone with "remember" ticked. */
async function signInAgain(h: Harness, remember: boolean | null) {
  await h.page.click("text=Sign out");
  h.clock.advance(61_000); // past the phone's resend cooldown
  await signIn(h.page, h.server.url, ALEX.id, ALEX.password);
  if (remember === null) return;
  expect(await heading(h.page)).toBe("How do you want to verify it's you?");
  await h.page.click("#sms-authentication-phone");
  const sent = (await h.messagesTo(PHONE.e164)).length;
  if (remember) await h.page.check("#remember");
  expect(await axeViolations(h.page)).toEqual([]);
  await h.page.fill("#code", await h.codeFor(PHONE.e164, sent));
  await h.page.click("#verify");
}

describe("remember this device in a browser", () => {
  it("the accessibility check can fail: an unlabelled field on a page without a language is reported", async () => {
    const context = await browser().newContext();
    try {
      const page = await context.newPage();
      await page.setContent("<html><body><main><input type=text></main></body></html>");
      const ids = (await axeViolations(page)).map((v) => v.id);
      expect(ids).toEqual(expect.arrayContaining(["label", "html-has-lang"]));
    } finally {
      await context.close();
    }
  });

  it("a ticked box skips the second factor at the next sign-in until the device is forgotten on Security info (BIND-01)", async () => {
    await withApp(async (h) => {
      await alexOnSecurityInfo(h);
      // Proven without the box: nothing remembered, no cookie.
      await signInAgain(h, false);
      expect((await h.context.cookies()).some((c) => c.name === DEVICE_COOKIE)).toBe(false);

      // Proven with the box: an HttpOnly cookie until the fixed expiry, listed on Security info.
      await signInAgain(h, true);
      const cookie = (await h.context.cookies()).find((c) => c.name === DEVICE_COOKIE);
      expect(cookie?.httpOnly).toBe(true);
      expect(cookie?.sameSite).toBe("Lax");
      await h.page.goto(h.url("/security-info"));
      const row = h.page.locator("#device-list tbody tr");
      expect(await row.count()).toBe(1);
      expect(await row.locator("th").textContent()).toMatch(/^Chrome on Linux$|^Chrome$/);
      expect(await axeViolations(h.page)).toEqual([]);
      await shot(h.page, "30-remembered-devices");

      // The next sign-in: the password alone, straight past the challenge.
      await signInAgain(h, null);
      expect(await heading(h.page)).not.toBe("How do you want to verify it's you?");
      expect(h.page.url()).not.toContain("/challenge");

      // Another browser without the cookie is asked as before.
      const other = await h.otherDevice();
      await signIn(other, h.server.url, ALEX.id, ALEX.password);
      expect(await heading(other)).toBe("How do you want to verify it's you?");

      // Forgotten on Security info (a recent sign-in: the password just now): asked again.
      await h.page.goto(h.url("/security-info"));
      await h.page.click("#forget-all");
      expect(await h.page.locator("#banner").textContent()).toMatch(/Every device will ask/);
      expect(await h.page.locator("#device-list").count()).toBe(0);
      await signInAgain(h, null);
      expect(await heading(h.page)).toBe("How do you want to verify it's you?");
    });
  });
});
