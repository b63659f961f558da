/**
 * The pages' one script, served at `<basePath>/static/mfakit.js`. Progressive enhancement only:
 * every page works without it (the server refuses an early resend with the wait, a key can be
 * selected and copied by hand), except the passkey ceremony, which only a browser can run.
 *
 * - the resend countdown, and the resend buttons enabled when it reaches zero;
 * - "Copy" buttons beside the app password, the authenticator key and the recovery codes;
 * - the delivery status: the code page asks the server again (`data-poll`) until the text or
 *   call is reported delivered, updates its live region, and shows "Call me instead" when the
 *   provider says it was not delivered;
 * - WebOTP: on a phone, the code from the SMS is offered for the code field (the OS's
 *   `autocomplete="one-time-code"` does the same without it);
 * - the passkey ceremonies (WebAuthn): the options are a JSON block in the page, the credential
 *   goes back in the form's hidden field.
 *
 * Strings come from the page (data attributes written from the catalogue), so the script has
 * no words of its own. A strict CSP (`script-src 'self'`) allows it: no inline script.
 *
 * @module
 */

/** The script. */
export const SCRIPT = `"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // The resend countdown: counts "in N seconds" down; at zero, the line says a new code can be
  // asked for and the buttons the server disabled for the cooldown are enabled.
  for (const el of document.querySelectorAll("[data-countdown]")) {
    const span = el.querySelector("span");
    let left = Number(el.getAttribute("data-countdown"));
    if (!span || !Number.isFinite(left)) continue;
    const timer = setInterval(() => {
      left -= 1;
      if (left <= 0) {
        clearInterval(timer);
        el.textContent = el.getAttribute("data-done") || "";
        return;
      }
      span.textContent = String(left);
    }, 1000);
  }
  for (const b of document.querySelectorAll("button[data-enable-after]")) {
    const wait = Number(b.getAttribute("data-enable-after"));
    if (Number.isFinite(wait)) setTimeout(() => { b.disabled = false; }, wait * 1000);
  }

  // Copy buttons: hidden without JavaScript (and without the Clipboard API).
  if (navigator.clipboard) {
    for (const b of document.querySelectorAll("button[data-copy]")) {
      const target = document.getElementById(b.getAttribute("data-copy"));
      if (!target) continue;
      const label = b.textContent;
      b.hidden = false;
      b.addEventListener("click", async () => {
        const text = target.matches("ul") ? [...target.querySelectorAll("li")].map((li) => li.textContent.trim()).join("\\n") : target.textContent.trim();
        await navigator.clipboard.writeText(text);
        b.textContent = b.getAttribute("data-copied") || label;
        setTimeout(() => { b.textContent = label; }, 2000);
      });
    }
  }

  // Delivery receipts arrive after the page: ask again every few seconds (about two minutes in
  // all) until delivered. The live region reads a change out; the same text is not set again,
  // so nothing is repeated.
  const delivery = document.getElementById("delivery-status");
  const poll = delivery && delivery.getAttribute("data-poll");
  if (poll) {
    let tries = 0;
    const ask = async () => {
      tries += 1;
      try {
        const res = await fetch(poll, { credentials: "same-origin", headers: { accept: "application/json" } });
        const news = res.ok ? (await res.json()).delivery : null;
        if (news) {
          if (delivery.textContent !== news.text) delivery.textContent = news.text;
          delivery.className = "delivery " + news.kind;
          if (news.kind === "not-delivered")
            for (const el of document.querySelectorAll("[data-delivery-alternative]")) el.hidden = false;
          if (news.kind === "delivered") return;
        }
      } catch {}
      if (tries < 40) setTimeout(ask, 3000);
    };
    setTimeout(ask, 3000);
  }

  // WebOTP: the browser reads the code from an SMS bound to this origin, with the user's consent.
  const otp = document.querySelector('input[autocomplete="one-time-code"]');
  if (otp && "OTPCredential" in window) {
    const ac = new AbortController();
    otp.form?.addEventListener("submit", () => ac.abort());
    navigator.credentials.get({ otp: { transport: ["sms"] }, signal: ac.signal }).then((c) => {
      if (c && c.code && !otp.value) otp.value = c.code;
    }, () => {});
  }

  // The passkey ceremony: the browser's WebAuthn prompt; other buttons of the form (start
  // again, another method) post as they are.
  for (const block of document.querySelectorAll("script[data-passkey-form]")) {
    const form = document.getElementById(block.getAttribute("data-passkey-form"));
    const field = form && form.querySelector("input[data-passkey-field]");
    const status = document.getElementById("passkey-status");
    if (!form || !field) continue;
    const create = block.getAttribute("data-passkey-mode") === "create";
    form.addEventListener("submit", async (event) => {
      if (event.submitter && event.submitter.name === "action") return;
      event.preventDefault();
      if (status) status.textContent = block.getAttribute("data-prompt") || "";
      try {
        const json = JSON.parse(block.textContent);
        const credential = create
          ? await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(json) })
          : await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(json) });
        field.value = JSON.stringify(credential.toJSON());
        form.submit();
      } catch {
        if (status) status.textContent = block.getAttribute("data-failed") || "";
      }
    });
  }
});
`;
