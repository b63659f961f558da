/**
 * The MFA admin area in Chromium, mounted by the example behind its own admin check (a demo
 * administrator who has passed their second factor): axe-core finds no serious or critical
 * violation on any admin page (registrations, activity chart, text messages and calls, a user,
 * a confirmation, a pass shown once); an action goes through its confirmation; a user who is no
 * administrator gets the not-found page. And the delivery status on the wizard's code page:
 * the page's script picks up the provider's receipt and its live region says "delivered".
 */

import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  ALEX,
  choosePhone,
  enrolAlexByPhone,
  expectNoSeriousViolations,
  type Harness,
  PHONE,
  signIn,
  textOf,
  useBrowser,
} from "./browser-kit.ts";

const MEGAN = { id: "megan@contoso.com", password: "Megan-Contoso-2026" } as const;
const MEGAN_PHONE = { national: "07400 777888", e164: "+447400777888" } as const;

const { withApp } = useBrowser();

/** Megan (a demo administrator) signs in on `page` and passes her second factor (a new phone). */
async function meganWithMfa(h: Harness, page: Page) {
  await signIn(page, h.server.url, MEGAN.id, MEGAN.password);
  await page.click("#setup");
  await page.selectOption("#method", "authentication-phone");
  await page.selectOption("#country", "GB");
  await page.fill("#number", MEGAN_PHONE.national);
  await page.click("#contact");
  await page.fill("#code", await h.codeFor(MEGAN_PHONE.e164, 1));
  await page.click("#verify");
}

describe("the admin area in a browser", () => {
  it("has no serious or critical axe violation on any admin page, and an action goes through its confirmation", async () => {
    await withApp(async (h) => {
      // Alex registers a phone on his own device: something to report on and act upon.
      await enrolAlexByPhone(h);
      const page = await h.otherDevice();
      await meganWithMfa(h, page);
      const admin = `${h.server.url}/admin`;

      await page.goto(`${admin}/`);
      expect(await textOf(page, "h1")).toBe("Registrations");
      expect(await textOf(page, 'tr[data-user="alex@contoso.com"]')).toContain(
        "Authentication phone",
      );
      await expectNoSeriousViolations(page);

      await page.click('a[href="/admin/activity"]');
      expect(await textOf(page, "h1")).toBe("Methods activity");
      expect(await page.locator('svg[role="img"]').count()).toBe(1);
      await expectNoSeriousViolations(page);

      await page.click('a[href="/admin/delivery"]');
      expect(await textOf(page, "h1")).toBe("Text messages and calls");
      expect(await textOf(page, 'tr[data-country="GB"]')).toMatch(/^United Kingdom \(GB\) ?\d+/);
      await expectNoSeriousViolations(page);

      await page.goto(`${admin}/user?id=${encodeURIComponent(ALEX.id)}`);
      expect(await textOf(page, "h1")).toBe("Alex Wilber");
      await expectNoSeriousViolations(page);

      // Issue a pass: confirmation (with its fields), then the pass, shown once.
      await page.click("#issue-pass");
      expect(await textOf(page, "h1")).toBe("Issue a Temporary Access Pass");
      await expectNoSeriousViolations(page);
      await page.fill("#lifetimeMinutes", "5");
      await page.click("#confirm");
      // A typed error, on its field, announced and focused.
      expect((await page.title()).startsWith("Error:")).toBe(true);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("error-summary");
      await expectNoSeriousViolations(page);
      await page.fill("#lifetimeMinutes", "60");
      await page.click("#confirm");
      expect(await textOf(page, "#tap-pass")).toMatch(
        /^[2-9a-hjkmnp-z]{4}(-[2-9a-hjkmnp-z]{4}){3}$/,
      );
      await expectNoSeriousViolations(page);

      // Remove Alex's phone: confirmed, then gone from the list.
      await page.click("#remove-method-authentication-phone");
      expect(await textOf(page, "h1")).toMatch(/^Remove Authentication phone/);
      await expectNoSeriousViolations(page);
      await page.click("#confirm");
      expect(await textOf(page, "#banner")).toMatch(/^Removed: Authentication phone/);
      expect(await page.locator('tr[data-kind="authentication-phone"]').count()).toBe(0);
      await expectNoSeriousViolations(page);
    });
  }, 90_000);

  it("answers a signed-in user who is no administrator with the not-found page", async () => {
    await withApp(async (h) => {
      await enrolAlexByPhone(h);
      const res = await h.page.goto(`${h.server.url}/admin/`);
      expect(res?.status()).toBe(404);
      expect(await textOf(h.page, "h1")).toBe("Page not found");
    });
  }, 60_000);
});

describe("delivery status in a browser", () => {
  it("says nothing about delivery for the development outbox, which never reports it", async () => {
    await withApp(async (h) => {
      await signIn(h.page, h.server.url, ALEX.id, ALEX.password);
      await choosePhone(h.page);
      expect(await h.page.locator("#code").count()).toBe(1);
      expect(await h.page.locator("#delivery-status").count()).toBe(0);
      expect(await h.page.content()).not.toMatch(/Waiting for your phone/);
    });
  }, 60_000);

  it("the code page's live region turns to 'delivered' when the provider's receipt comes, without a reload", async () => {
    // The outbox stands in for a provider that reports delivery; the receipt is fed by hand.
    await withApp(
      async (h) => {
        await signIn(h.page, h.server.url, ALEX.id, ALEX.password);
        await choosePhone(h.page);
        expect(await textOf(h.page, "#delivery-status")).toBe(
          "Sent. Waiting for your phone's network to confirm it arrived.",
        );
        expect(await h.page.getAttribute("#delivery-status", "aria-live")).toBe("polite");
        await expectNoSeriousViolations(h.page);
        // The provider's receipt, as its webhook would hand it over.
        const [message] = await h.messagesTo(PHONE.e164);
        await h.server.mfa.delivery.receipt({
          provider: "dev-outbox",
          messageId: message?.id ?? "",
          status: "delivered",
        });
        await h.page.waitForFunction(
          () =>
            document.getElementById("delivery-status")?.textContent === "Delivered to your phone.",
          undefined,
          { timeout: 10_000 },
        );
        expect(await h.page.getAttribute("#delivery-status", "class")).toBe("delivery delivered");
        await expectNoSeriousViolations(h.page);
      },
      { env: { MFAKIT_OUTBOX_RECEIPTS: "1" } },
    );
  }, 60_000);
});
