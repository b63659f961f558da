/**
 * "This wasn't me" in a real browser: the link in a factor-change notice opens a confirm page
 * (the GET changes nothing), its button undoes the change once, and the link is dead afterwards.
 */

import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ALEX, alexOnSecurityInfo, PHONE, shot, useBrowser } from "./browser-kit.ts";

const { withApp } = useBrowser();

const heading = async (page: Page) =>
  ((await page.locator("h1").first().textContent()) ?? "").trim();

/** The page's structure a screen reader relies on: a language, one heading, named buttons. */
async function expectAccessible(page: Page) {
  expect(await page.getAttribute("html", "lang")).toBe("en");
  expect(await page.locator("h1").count()).toBe(1);
  for (const name of await page.locator("button").allTextContents())
    expect(name.trim().length).toBeGreaterThan(0);
}

describe("this wasn't me, in a browser", () => {
  it("the notice's link shows a confirm page that changes nothing; its button undoes the change once, signs out app passwords and marks the account for review (BIND-02, LIFE-03)", async () => {
    await withApp(async (h) => {
      const { page } = h;
      await alexOnSecurityInfo(h);
      await page.fill("#name", "iPhone Mail");
      await page.click("#create-app-password");
      const notice = (await h.messagesTo(PHONE.e164)).at(-1);
      const link = notice?.text.match(/http\S+\/revert\/\S+/)?.[0];
      expect(link?.startsWith(`${h.server.url}/revert/`)).toBe(true);
      const before = await h.server.mfa.admin.listMethods(ALEX.id);
      expect(before.appPasswords).toHaveLength(2);

      // Another device, not signed in, as a phone's browser opening the SMS link.
      const phone = await h.otherDevice();
      await phone.goto(link as string);
      expect(await heading(phone)).toBe("Wasn't you?");
      await expectAccessible(phone);
      await shot(phone, "30-revert-confirm");
      expect(await h.server.mfa.admin.listMethods(ALEX.id)).toEqual(before);
      expect((await h.server.mfa.required(ALEX.id)).underReview).toBe(false);

      await phone.click("#undo");
      expect(await heading(phone)).toBe("Change undone");
      expect(await phone.locator("#revoked").textContent()).toMatch(/^2 app password/);
      await expectAccessible(phone);
      await shot(phone, "31-revert-done");
      expect((await h.server.mfa.admin.listMethods(ALEX.id)).appPasswords).toEqual([]);
      expect((await h.server.mfa.required(ALEX.id)).underReview).toBe(true);

      // The same link again: it worked once.
      await phone.goto(link as string);
      await phone.click("#undo");
      expect(await heading(phone)).toBe("This link no longer works");
      expect(await phone.locator("#banner").getAttribute("role")).toBe("alert");
    });
  }, 60_000);
});
