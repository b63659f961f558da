/**
 * Temporary Access Pass in a real browser: the help desk issues a pass (shown once), a user who
 * lost their phone signs in with it and goes straight into the wizard to register a new phone;
 * the pass then works no more, and its session may not remove anything.
 */

import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  ALEX,
  alexOnSecurityInfo,
  axeViolations,
  type Harness,
  shot,
  signIn,
  useBrowser,
} from "./browser-kit.ts";

const NEW_PHONE = { national: "07400 654321", e164: "+447400654321" } as const;

const { withApp } = useBrowser();

const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).first().textContent()) ?? "").replace(/\s+/g, " ").trim();

/** The help desk issues a one-time pass for Alex on its own page: the pass as shown. */
async function issuePass(h: Harness): Promise<string> {
  const desk = await h.otherDevice();
  await desk.goto(h.url("/help-desk/temporary-access-pass"));
  expect(await text(desk, "h1")).toBe("Issue a Temporary Access Pass");
  await desk.selectOption("#userId", ALEX.id);
  await desk.fill("#lifetimeMinutes", "60");
  await desk.click("#issue");
  const pass = await text(desk, "#tap-pass");
  expect(pass).toMatch(/^[2-9a-hjkmnp-z]{4}(-[2-9a-hjkmnp-z]{4}){3}$/);
  await shot(desk, "tap-01-issued");
  expect(await axeViolations(desk)).toEqual([]);
  // Shown once: a reload of the page does not show it again.
  await desk.goto(h.url("/help-desk/temporary-access-pass"));
  expect(await desk.locator("#tap-pass").count()).toBe(0);
  return pass;
}

/**
 * Runs `body` on a fresh app where Alex has a phone and the help desk just issued him a pass,
 * with a new device (Alex's, without the phone) signed in with his password.
 */
async function withAlexAndPass(body: (h: Harness, pass: string, page: Page) => Promise<void>) {
  await withApp(async (h) => {
    await alexOnSecurityInfo(h);
    const pass = await issuePass(h);
    const page = await h.otherDevice();
    await signIn(page, h.server.url, ALEX.id, ALEX.password);
    await body(h, pass, page);
  });
}

describe("Temporary Access Pass in a browser", () => {
  it("a user who lost their phone signs in with a pass from the help desk, straight into the wizard, and registers a new phone; the pass is then spent (BIND-01, BIND-09, LIFE-03)", async () => {
    await withAlexAndPass(async (h, pass, page) => {
      // Alex, on a new device, without the phone: password, then the pass.
      expect(page.url()).toBe(h.url("/challenge"));
      await page.click("#use-pass-link");
      expect(await text(page, "h1")).toBe("Sign in with a Temporary Access Pass");
      await shot(page, "tap-02-sign-in");
      expect(await axeViolations(page)).toEqual([]);
      await page.fill("#pass", pass.toUpperCase());
      await page.click("#use-pass");

      // Straight into the wizard's method step, for a new phone.
      expect(page.url()).toBe(h.url("/enrol"));
      await page.selectOption("#country", "GB");
      await page.fill("#number", NEW_PHONE.national);
      await page.check('input[name="delivery"][value="sms"]');
      await shot(page, "tap-03-new-phone");
      expect(await axeViolations(page)).toEqual([]);
      await page.click("#contact");
      await page.fill("#code", await h.codeFor(NEW_PHONE.e164, 1));
      await page.click("#verify");
      expect(page.url()).toBe(h.url("/security-info"));
      expect(await page.content()).toContain("321");

      // The user was told on the phone they had, without the pass.
      const told = await h.messagesTo("+447400123456");
      expect(JSON.stringify(told)).toMatch(/Temporary Access Pass/);
      expect(JSON.stringify(told)).not.toContain(pass.replaceAll("-", ""));

      // The pass is spent: another device cannot use it.
      const again = await h.otherDevice();
      await signIn(again, h.server.url, ALEX.id, ALEX.password);
      await again.goto(h.url("/challenge/pass"));
      await again.fill("#pass", pass);
      await again.click("#use-pass");
      expect(await text(again, "#pass-error")).toMatch(/already used/);
    });
  }, 60_000);

  it("a pass session may not remove a method: the app is told to sign in again (BIND-01)", async () => {
    await withAlexAndPass(async (h, pass, page) => {
      await page.goto(h.url("/challenge/pass"));
      await page.fill("#pass", pass);
      await page.click("#use-pass");
      expect(page.url()).toBe(h.url("/enrol"));
      // Leave the wizard for Security info and try to remove the phone.
      await page.goto(h.url("/security-info"));
      const removed = await page.evaluate(async () => {
        const csrf = (document.querySelector('input[name="_csrf"]') as HTMLInputElement).value;
        const body = new URLSearchParams({ _csrf: csrf, id: "authentication-phone" });
        const res = await fetch("/security-info/remove", { method: "POST", body });
        return res.url;
      });
      expect(new URL(removed).pathname).toBe("/sign-in");
      // Nothing was removed: the phone is still listed.
      await page.goto(h.url("/security-info"));
      expect(await page.content()).toContain("456");
    });
  }, 60_000);
});
