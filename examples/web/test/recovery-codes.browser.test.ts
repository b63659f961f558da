/**
 * Recovery codes in a browser: the wizard's step shows them once after the first sign-in
 * method; the next sign-in uses one ("Use a recovery code"), typed as a person would; Security
 * info shows how many are left and makes a new set behind the SDK's step-up.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ALEX, axeViolations, enrolAlexByPhone, shot, signIn, useBrowser } from "./browser-kit.ts";

const { withApp } = useBrowser();

const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).first().textContent()) ?? "").replace(/\s+/g, " ").trim();
const heading = (page: Page) => text(page, "h1");
const codesOn = async (page: Page) =>
  (await page.locator("#recovery-codes li").allTextContents()).map((c) => c.trim());

/** Every form field on the page has a label, and the page has one h1 (a WCAG smoke check). */
async function accessible(page: Page) {
  expect(await page.locator("h1").count()).toBe(1);
  expect(await page.locator("html[lang]").count()).toBe(1);
  for (const input of await page.locator("input:not([type=hidden])").all()) {
    const id = await input.getAttribute("id");
    expect(id, "an input without an id").toBeTruthy();
    expect(await page.locator(`label[for="${id}"]`).count()).toBe(1);
  }
}

describe("recovery codes in the web example", () => {
  it("shows the codes once in the wizard, signs in with one at the next sign-in, and counts them down in Security info (GEN-05, LIFE-03, BIND-01)", async () => {
    await withApp(
      async (h) => {
        const { page } = h;
        await enrolAlexByPhone(h);
        expect(await heading(page)).toBe("Save your recovery codes");
        const codes = await codesOn(page);
        expect(codes).toHaveLength(10);
        for (const c of codes) expect(c).toMatch(/^[0-9a-z]{5}-[0-9a-z]{5}$/);
        await accessible(page);
        expect(await axeViolations(page)).toEqual([]);
        await shot(page, "30-recovery-codes");
        // Shown once: a reload offers new codes instead of showing them again.
        await page.goto(h.url("/enrol"));
        expect(await page.locator("#recovery-codes").count()).toBe(0);
        expect(await page.content()).not.toContain(codes[0]);
        expect(await page.locator("#new-codes").count()).toBe(1);
        await page.click("#saved");
        expect(await heading(page)).toBe("Your app password");
        await page.click("#done");

        // The next sign-in: "Use a recovery code", typed in capitals without the dash.
        await page.goto(h.url("/security-info"));
        await page.click("text=Sign out");
        h.clock.advance(60_000);
        await signIn(page, h.server.url, ALEX.id, ALEX.password);
        expect(await heading(page)).toBe("How do you want to verify it's you?");
        expect(await text(page, "#use-recovery-code")).toBe("Use a recovery code");
        await page.click("#use-recovery-code");
        expect(await heading(page)).toBe("Use a recovery code");
        await accessible(page);
        expect(await axeViolations(page)).toEqual([]);
        await shot(page, "31-recovery-code-sign-in");
        await page.fill("#code", "zzzzz-zzzzz");
        await page.click("#verify-recovery-code");
        expect(await text(page, "#code-error")).not.toBe("");
        await page.fill("#code", (codes[0] as string).replace("-", "").toUpperCase());
        await page.click("#verify-recovery-code");
        await page.goto(h.url("/security-info"));
        expect(await heading(page)).toBe("Security info");
        expect(await text(page, "#recovery-codes-status")).toMatch(/^9 of 10 left/);

        // Used once: the same code no longer signs in.
        await page.click("text=Sign out");
        h.clock.advance(60_000);
        await signIn(page, h.server.url, ALEX.id, ALEX.password);
        await page.goto(h.url("/challenge/recovery-code"));
        await page.fill("#code", codes[0] as string);
        await page.click("#verify-recovery-code");
        expect(await heading(page)).toBe("Use a recovery code");
        expect(await text(page, "#code-error")).not.toBe("");
        await page.fill("#code", codes[1] as string);
        await page.click("#verify-recovery-code");

        // A new set from Security info: shown once, the old codes replaced.
        await page.goto(h.url("/security-info"));
        await page.click("#new-recovery-codes");
        const fresh = await codesOn(page);
        expect(fresh).toHaveLength(10);
        expect(fresh.some((c) => codes.includes(c))).toBe(false);
        expect(await text(page, "#recovery-codes-status")).toMatch(/^10 of 10 left/);
        await accessible(page);
        expect(await axeViolations(page)).toEqual([]);
        await shot(page, "32-security-info-recovery-codes");
      },
      { recoveryCodesInWizard: true },
    );
  });
});
