/**
 * The web example in a real browser (Debian's Chromium through playwright-core): the seed's
 * wizard end to end, its refusals and failure paths, a reload in the middle, an authenticator
 * app and the challenge at the next sign-in. Codes come from the dev outbox's /outbox.json.
 * Screenshots of each step go to docs/screenshots/.
 */

import type { MfaError } from "@mfakit/core";
import { base32Decode, totpAt } from "@mfakit/core/totp";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  ADELE,
  ALEX,
  alexOnSecurityInfo,
  axeViolations,
  choosePhone,
  enrolAlexByPhone,
  PHONE,
  shot,
  signIn,
  useBrowser,
} from "./browser-kit.ts";

const { withApp } = useBrowser();

/** The trimmed text of the first element matching `selector`. */
const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).first().textContent()) ?? "").replace(/\s+/g, " ").trim();
const heading = (page: Page) => text(page, "h1");

/** The code of the authenticator secret shown on the page, at the app's time. */
async function totpFromPage(page: Page, now: number): Promise<string> {
  const secret = (await text(page, "#totp-secret")).replace(/\s/g, "");
  return totpAt(base32Decode(secret), Math.floor(now / 1000));
}

describe("the seed's wizard in a browser", () => {
  it("walks the seed end to end: sign in, phone by text, app password shown once, password change, recovery email and phone, finish; then the challenge at the next sign-in (APP-01, BIND-01)", async () => {
    await withApp(async (h) => {
      const { page } = h;
      await page.goto(h.url("/"));
      expect(new URL(page.url()).pathname).toBe("/sign-in");
      await shot(page, "01-sign-in");
      expect(await axeViolations(page)).toEqual([]);

      // 1–2. Sign in with the temporary password → "More information required".
      await signIn(page, h.server.url, ADELE.id, ADELE.password);
      expect(await heading(page)).toBe("More information required");
      await shot(page, "02-more-information-required");
      expect(await axeViolations(page)).toEqual([]);

      // 3–4. Method, country, number, text message → Contact me.
      await page.click("#setup");
      expect(await heading(page)).toBe("Step 1: How should we contact you?");
      await page.selectOption("#method", "authentication-phone");
      await page.selectOption("#country", "GB");
      await page.fill("#number", PHONE.national);
      await page.check('input[name="delivery"][value="sms"]');
      await shot(page, "03-method-and-number");
      expect(await axeViolations(page)).toEqual([]);
      await page.click("#contact");

      // 5. Step 2: the code was sent; the number in full, so the user can check it (the seed's
      // step 5); a countdown before a resend, the resend buttons disabled until then.
      expect(await heading(page)).toBe("Step 2: Enter your code");
      expect(await text(page, "#destination")).toBe("+44 7400 123456");
      expect(await page.locator("#resend").isDisabled()).toBe(true);
      const code = page.locator("#code");
      expect(await code.getAttribute("autocomplete")).toBe("one-time-code");
      expect(await code.getAttribute("inputmode")).toBe("numeric");
      expect(await page.locator("label[for=code]").count()).toBe(1);
      expect(await text(page, "#resend-timer")).toMatch(/new code in \d+ seconds/);
      await expect.poll(() => page.locator("#call-instead").count()).toBe(1);
      await shot(page, "04-code-sent");
      expect(await axeViolations(page)).toEqual([]);

      // 6–7. The text arrives (read from the outbox) → Verify.
      await page.fill("#code", await h.codeFor(PHONE.e164, 1));
      await page.click("#verify");

      // 8. The app password, shown once (APP-01): not after a reload.
      expect(await heading(page)).toBe("Your app password");
      const appPassword = await text(page, "#app-password");
      expect(appPassword).toMatch(/^([a-z]{4} ){5}[a-z]{4}$/);
      await shot(page, "05-app-password");
      expect(await axeViolations(page)).toEqual([]);
      await page.goto(h.url("/enrol"));
      expect(await page.locator("#app-password").count()).toBe(0);
      expect(await page.content()).not.toContain(appPassword);
      await page.click("#done");

      // 9–10. The temporary password must be changed (the app's own step).
      expect(await heading(page)).toBe("Update your password");
      await page.fill("#current", ADELE.password);
      await page.fill("#password", "short");
      await page.fill("#confirm", "short");
      await page.click("#update-password");
      expect(await text(page, "#password-error")).toMatch(/at least 12/);
      expect(await page.locator("#password").getAttribute("aria-describedby")).toContain(
        "password-error",
      );
      await shot(page, "06-change-password");
      expect(await axeViolations(page)).toEqual([]);
      const newPassword = "a new long passphrase 2026";
      await page.fill("#current", ADELE.password);
      await page.fill("#password", newPassword);
      await page.fill("#confirm", newPassword);
      await page.click("#update-password");

      // 11. Password reset needs more information → Next.
      expect(await heading(page)).toBe("Don't lose access to your account!");
      await shot(page, "07-recovery-intro");
      expect(await axeViolations(page)).toEqual([]);
      await page.click("#next");

      // 12. Authentication email → Set it up now.
      expect(await heading(page)).toBe("Set up password reset");
      await shot(page, "08-recovery-methods");
      expect(await axeViolations(page)).toEqual([]);
      await page.click("#recovery-email");

      // 13. A tenant address is refused with a clear message; a personal one → Email me.
      await page.fill("#email", "adele@Mail.CONTOSO.com");
      await page.click("#email-me");
      expect(await text(page, "#email-error")).toContain("contoso.com");
      await shot(page, "09-recovery-email-refused");
      expect(await axeViolations(page)).toEqual([]);
      await page.fill("#email", "adele.v@personal.example");
      await page.click("#email-me");

      // 14–15. The email code → verify.
      expect(await heading(page)).toBe("Verify your authentication email");
      await shot(page, "10-recovery-email-code");
      expect(await axeViolations(page)).toEqual([]);
      await page.fill("#code", await h.codeFor("adele.v@personal.example", 1));
      await page.click("#verify");

      // 16–18. Now the authentication phone → Verify → Text me (past the 30 s cooldown).
      expect(await heading(page)).toBe("Set up password reset");
      await page.click("#recovery-phone");
      expect(await heading(page)).toBe("Authentication phone");
      expect(await text(page, "#destination")).toMatch(/456$/);
      await shot(page, "11-recovery-phone");
      expect(await axeViolations(page)).toEqual([]);
      h.clock.advance(60_000);
      await page.click("#text-me");

      // 19. The code (the 4th message to the phone: code, "app password added" and "email
      // added" notices (BIND-02), this code), still in the "Password reset" section.
      expect(await heading(page)).toBe("Verify your authentication phone");
      expect(await text(page, ".kicker")).toBe("Password reset");
      await page.fill("#code", await h.codeFor(PHONE.e164, 4));
      await page.click("#verify");

      // 20. Two forms of verification and the recovery details → finish.
      expect(await heading(page)).toBe("You're almost done");
      const summary = await text(page, "#summary");
      expect(summary).toContain("Authentication phone");
      expect(summary).toContain("Authentication email (password reset)");
      await shot(page, "12-finish");
      expect(await axeViolations(page)).toEqual([]);
      await page.click("#finish");
      expect(await heading(page)).toBe("You're all set");
      await shot(page, "13-done");
      expect(await axeViolations(page)).toEqual([]);
      await page.click("#to-security-info");
      expect(await heading(page)).toBe("Security info");

      // The next sign-in (new password) asks for the registered phone.
      await page.click("text=Sign out");
      h.clock.advance(60_000);
      await signIn(page, h.server.url, ADELE.id, newPassword);
      expect(await heading(page)).toBe("How do you want to verify it's you?");
      await shot(page, "14-challenge-choose");
      expect(await axeViolations(page)).toEqual([]);
      await page.click("#sms-authentication-phone");
      expect(await heading(page)).toBe("Enter your code");
      await page.fill("#code", "000000");
      await page.click("#verify");
      expect(await text(page, "#code-error")).toMatch(/didn't work/);
      await page.fill("#code", await h.codeFor(PHONE.e164, 5));
      await page.click("#verify");
      expect(await heading(page)).toBe("Security info");
      await shot(page, "15-security-info");
      expect(await axeViolations(page)).toEqual([]);
    });
  });

  it("refuses a recovery email on the tenant's domains with a message tied to the field, before any send (MAIL-03, MAIL-04)", async () => {
    await withApp(async (h) => {
      const { page } = h;
      await enrolAlexByPhone(h);
      await page.click("#done");
      await page.click("#next");
      await page.click("#recovery-email");
      for (const address of [
        "alex@contoso.com",
        "Alex@MAIL.Contoso.COM.",
        "a@contoso.onmicrosoft.com",
      ]) {
        await page.fill("#email", address);
        await page.click("#email-me");
        expect(await heading(page)).toBe("Authentication email");
        expect(await text(page, "#email-error")).toMatch(/can't use an address at contoso\.com/);
        const input = page.locator("#email");
        expect(await input.getAttribute("aria-invalid")).toBe("true");
        expect(await input.getAttribute("aria-describedby")).toContain("email-error");
        expect(await input.inputValue()).toBe(address); // what was typed is kept
      }
      const emails = (await (await fetch(h.url("/outbox.json"))).json()) as {
        messages: Array<{ channel: string }>;
      };
      expect(emails.messages.filter((m) => m.channel === "email")).toHaveLength(0);
    });
  });

  it("counts wrong codes down to a locked code, refuses an early resend, sends a new code after the cooldown and calls instead (RATE-01, LIFE-07, FRAUD-03)", async () => {
    await withApp(async (h) => {
      const { page } = h;
      await signIn(page, h.server.url, ALEX.id, ALEX.password);
      await choosePhone(page);
      const first = await h.codeFor(PHONE.e164, 1);
      const wrong = first === "000000" ? "111111" : "000000";

      // Inside the 30 s cooldown the resend button is disabled; forced (as without the page's
      // script, after a reload), the server refuses it with the wait and sends nothing.
      expect(await page.locator("#resend").isDisabled()).toBe(true);
      await page.locator("#resend").evaluate((b) => {
        (b as HTMLButtonElement).disabled = false;
      });
      await page.click("#resend");
      expect(await text(page, "#banner")).toMatch(/Please wait \d+ seconds/);
      expect(await h.messagesTo(PHONE.e164)).toHaveLength(1);

      // After the cooldown: a new code, confirmed; the old one no longer works (LIFE-07).
      h.clock.advance(31_000);
      await page.reload();
      await page.click("#resend");
      expect(await text(page, "#banner")).toMatch(/sent a new code/);
      const second = await h.codeFor(PHONE.e164, 2);
      if (second !== first) {
        await page.fill("#code", first);
        await page.click("#verify");
        expect(await text(page, "#code-error")).toMatch(/didn't work/);
      }

      // Wrong codes until the code is dead; then even the right code is refused.
      for (let i = 0; i < 6; i++) {
        await page.fill("#code", wrong);
        await page.click("#verify");
        const error = await text(page, "#code-error");
        if (/no attempts are left|Too many wrong codes/.test(error)) break;
        expect(error).toMatch(/\(\d attempts? left\)/);
      }
      expect(await text(page, "#code-facts")).toMatch(/can't be used any more/);
      expect(await page.locator("#resend").count()).toBe(1); // a dead code can be replaced
      await shot(page, "16-wrong-code");
      expect(await axeViolations(page)).toEqual([]);
      await page.fill("#code", second);
      await page.click("#verify");
      expect(await text(page, "#code-error")).toMatch(/Ask for a new code/);
      expect(await heading(page)).toBe("Step 2: Enter your code");

      // "Call me instead": a fresh challenge by voice; its code works.
      h.clock.advance(31_000);
      await page.reload();
      await page.click("#call-instead");
      const call = (await h.messagesTo(PHONE.e164)).at(-1);
      expect(call?.channel).toBe("voice");
      await page.fill("#code", await h.codeFor(PHONE.e164, 3));
      await page.click("#verify");
      expect(await heading(page)).toBe("Your app password");
    });
  });

  it("resumes where it was after a reload and on another device (the enrolment is server-side)", async () => {
    await withApp(async (h) => {
      const { page } = h;
      await signIn(page, h.server.url, ALEX.id, ALEX.password);
      await choosePhone(page);
      const destination = await text(page, "#destination");
      await page.reload();
      expect(await heading(page)).toBe("Step 2: Enter your code");
      expect(await text(page, "#destination")).toBe(destination);

      // The same user on another browser lands on the same step of the same enrolment (the
      // number masked there: only the browser that typed it shows it in full).
      const other = await h.otherDevice();
      await signIn(other, h.server.url, ALEX.id, ALEX.password);
      expect(await heading(other)).toBe("Step 2: Enter your code");
      expect(await text(other, "#destination")).toBe("+44 ••• •••456");

      // Two tabs of one browser: the second one verifies; the first one's stale form is
      // answered with where the enrolment is now, without the app password (shown once).
      const tab = await h.context.newPage();
      await tab.goto(h.url("/enrol"));
      await tab.fill("#code", await h.codeFor(PHONE.e164, 1));
      await tab.click("#verify");
      expect(await heading(tab)).toBe("Your app password");
      await page.fill("#code", "123456");
      await page.click("#verify");
      expect(await heading(page)).toBe("Your app password");
      expect(await text(page, "#banner")).toMatch(/out of date/);
      expect(await page.locator("#app-password").count()).toBe(0);
    });
  });

  it("enrols an authenticator app from the key on the page, shows the key once, and asks for it at the next sign-in (TOTP-04, TOTP-06)", async () => {
    await withApp(async (h) => {
      const { page } = h;
      await signIn(page, h.server.url, ALEX.id, ALEX.password);
      await page.click("#setup");
      await page.selectOption("#method", "authenticator-app");
      await page.click("#contact");
      expect(await heading(page)).toBe("Set up your authenticator app");
      expect(await page.locator(".qr svg").count()).toBe(1);
      const firstKey = await text(page, "#totp-secret");

      // A reload does not show the key again; "Show a new key" makes a new one.
      await page.goto(h.url("/enrol"));
      expect(await page.locator("#totp-secret").count()).toBe(0);
      await page.click("#restart");
      const key = await text(page, "#totp-secret");
      expect(key).not.toBe(firstKey);
      await shot(page, "17-authenticator-setup");
      expect(await axeViolations(page)).toEqual([]);

      await page.fill("#code", await totpFromPage(page, h.clock.now()));
      await page.click("#verify");
      expect(await heading(page)).toBe("Your app password");
      await page.click("#done");
      expect(await heading(page)).toBe("Don't lose access to your account!");

      // Next sign-in: the app's code, from a later time step (each step is accepted once).
      await page.click("text=Sign out");
      h.clock.advance(30_000);
      await signIn(page, h.server.url, ALEX.id, ALEX.password);
      await page.click("#use-app");
      expect(await heading(page)).toBe("Enter the code from your authenticator app");
      await shot(page, "18-challenge-authenticator");
      expect(await axeViolations(page)).toEqual([]);
      const secret = base32Decode(key.replace(/\s/g, ""));
      await page.fill("#code", totpAt(secret, Math.floor(h.clock.now() / 1000) - 3600));
      await page.click("#verify");
      expect(await text(page, "#code-error")).toMatch(/didn't work/);
      await page.fill("#code", totpAt(secret, Math.floor(h.clock.now() / 1000)));
      await page.click("#verify");
      // Recovery info is still missing, so the wizard comes back after the check.
      expect(await heading(page)).toBe("Don't lose access to your account!");
    });
  });

  it("manages Security info through mfa.securityInfo: app password shown once and revoked, a method added in a scoped enrolment, removal behind a recent sign-in (APP-01, BIND-01)", async () => {
    await withApp(async (h) => {
      const { page } = h;
      await alexOnSecurityInfo(h);
      expect(await heading(page)).toBe("Security info");

      // A new app password appears once, in the answer that made it.
      await page.fill("#name", "iPhone Mail");
      await page.click("#create-app-password");
      expect(await text(page, "#app-password")).toMatch(/^([a-z]{4} ){5}[a-z]{4}$/);
      await shot(page, "19-security-info-app-password");
      expect(await axeViolations(page)).toEqual([]);
      await page.goto(h.url("/security-info"));
      expect(await page.locator("#app-password").count()).toBe(0);
      expect(await page.locator("#app-password-list tbody tr").count()).toBe(2);
      await page
        .locator("#app-password-list tr", { hasText: "iPhone Mail" })
        .locator("button")
        .click();
      expect(await text(page, "#banner")).toMatch(/revoked/);
      expect(await page.locator("#app-password-list tbody tr").count()).toBe(1);

      // "Add a method" offers what the SDK's list says may be added, sign-in and password reset.
      const offered = await page
        .locator("#kind option")
        .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
      expect(offered).toEqual([
        ...h.server.mfa.policy.mfa.methods,
        "recovery-email",
        "recovery-phone",
      ]);

      // Cancel leaves the scoped enrolment and changes nothing.
      await page.selectOption("#kind", "authenticator-app");
      await page.click("#add-method");
      expect(await heading(page)).toBe("Step 1: How should we contact you?");
      await page.click("button[value=cancel]");
      expect(await heading(page)).toBe("Security info");
      expect(await page.locator('#signin-list tr[data-kind="authenticator-app"]').count()).toBe(0);

      // The scoped enrolment starts at the method's step, offering that method only, and
      // ends back on Security info.
      await page.selectOption("#kind", "authenticator-app");
      await page.click("#add-method");
      expect(await page.locator("#method option").evaluateAll((os) => os.length)).toBe(1);
      expect(await page.locator("#method").inputValue()).toBe("authenticator-app");
      await page.click("#contact");
      expect(await heading(page)).toBe("Set up your authenticator app");
      await page.fill("#code", await totpFromPage(page, h.clock.now()));
      await page.click("#verify");
      expect(await heading(page)).toBe("Security info");
      expect(await text(page, "#banner")).toMatch(/Saved/);
      expect(await page.locator('#signin-list tr[data-kind="authenticator-app"]').count()).toBe(1);

      // Eleven minutes later a removal needs the password again (BIND-01), then goes through.
      h.clock.advance(11 * 60_000);
      await page.click("#remove-authentication-phone");
      expect(await heading(page)).toBe("Sign in to Contoso");
      expect(await text(page, "#banner")).toMatch(/sign in again/);
      await page.fill("#password", ALEX.password);
      await page.click("#sign-in");
      expect(await heading(page)).toBe("Security info");
      await page.click("#remove-authentication-phone");
      expect(await text(page, "#banner")).toMatch(/Removed/);
      expect(await page.locator("#remove-authentication-phone").count()).toBe(0);
      await page.goto(h.url("/outbox"));
      await shot(page, "20-outbox");
      expect(await axeViolations(page)).toEqual([]);
    });
  });

  it("adds a recovery email and replaces the phone from Security info, each a scoped enrolment that starts at its own step (BIND-02, MAIL-03)", async () => {
    await withApp(async (h) => {
      const { page } = h;
      await alexOnSecurityInfo(h);

      // Recovery email: straight to the address, the tenant's domains refused, then its code.
      await page.selectOption("#kind", "recovery-email");
      await page.click("#add-method");
      expect(await heading(page)).toBe("Authentication email");
      await page.fill("#email", "alex@contoso.com");
      await page.click("#email-me");
      expect(await text(page, "#email-error")).toMatch(/can't use an address at contoso\.com/);
      await page.fill("#email", "alex.w@personal.example");
      await page.click("#email-me");
      expect(await heading(page)).toBe("Verify your authentication email");
      await page.fill("#code", await h.codeFor("alex.w@personal.example", 1));
      await page.click("#verify");
      expect(await heading(page)).toBe("Security info");
      expect(await text(page, "#banner")).toMatch(/Saved/);
      expect(await text(page, '#reset-list tr[data-kind="recovery-email"]')).toContain("@");

      // Replace the phone: the new number is bound first; the old one is told (BIND-02).
      const before = (await h.messagesTo(PHONE.e164)).length;
      h.clock.advance(31_000);
      await page.click("#replace-authentication-phone");
      expect(await page.locator("#method").inputValue()).toBe("authentication-phone");
      await page.selectOption("#country", "GB");
      await page.fill("#number", "07400 654321");
      await page.click("#contact");
      await page.fill("#code", await h.codeFor("+447400654321", 1));
      await page.click("#verify");
      expect(await heading(page)).toBe("Security info");
      expect(await text(page, '#signin-list tr[data-kind="authentication-phone"]')).toMatch(/321/);
      const toOld = (await h.messagesTo(PHONE.e164)).slice(before);
      expect(toOld.length).toBeGreaterThan(0);
      expect(toOld.every((m) => !m.code)).toBe(true); // a notice, no code
    });
  });

  it("keeps no security rule of its own: a stale sign-in is sent back by the SDK's error, the only method and an unoffered kind are refused by the SDK (BIND-01)", async () => {
    await withApp(async (h) => {
      const { page } = h;
      const { mfa } = h.server;
      await alexOnSecurityInfo(h);
      const stale = () => h.clock.advance((mfa.policy.reauthMaxAgeSeconds + 1) * 1000);
      const signInAgain = async () => {
        expect(await heading(page)).toBe("Sign in to Contoso");
        expect(await text(page, "#banner")).toMatch(/sign in again/);
        await page.fill("#password", ALEX.password);
        await page.click("#sign-in");
        expect(await heading(page)).toBe("Security info");
      };
      const session = () => ({ userId: ALEX.id, authenticatedAt: h.clock.now() });

      // Past the policy's reauthMaxAgeSeconds, each change is refused by the SDK and nothing
      // happens: no app password, no enrolment, no removal.
      stale();
      await page.fill("#name", "Stale");
      await page.click("#create-app-password");
      await signInAgain();
      const names = (await mfa.securityInfo.appPasswords.list(session())).map((a) => a.name);
      expect(names).not.toContain("Stale");

      stale();
      await page.selectOption("#kind", "authenticator-app");
      await page.click("#add-method");
      await signInAgain();

      stale();
      await page.click("#remove-authentication-phone");
      await signInAgain();
      expect(await page.locator("#remove-authentication-phone").count()).toBe(1);

      // The only sign-in method: the SDK's refusal, word for word.
      const refusal = await mfa.securityInfo.remove(session(), "authentication-phone").then(
        () => null,
        (e: unknown) => e as MfaError,
      );
      expect(refusal?.code).toBe("invalid_input");
      expect(refusal?.data.reason).toBe("last_method");
      await page.click("#remove-authentication-phone");
      expect(await text(page, "#banner")).toBe(refusal?.message);
      expect(await page.locator("#remove-authentication-phone").count()).toBe(1);

      // A kind the policy does not offer, forced into the form: the SDK refuses it.
      await page
        .locator("#kind")
        .evaluate((el) =>
          el.insertAdjacentHTML("beforeend", '<option value="alternate-phone">x</option>'),
        );
      await page.selectOption("#kind", "alternate-phone");
      await page.click("#add-method");
      expect(await heading(page)).toBe("Security info");
      expect(await text(page, "#banner")).toBe("That method is not offered.");
    });
  });
});
