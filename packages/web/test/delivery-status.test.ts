/**
 * Delivery status in the user pages (issue 13): the wizard's code page and the sign-in
 * challenge show what the provider's receipts say — pending, "delivered", or "not delivered:
 * call me instead / use another method" — in a live region the script polls, in all four
 * languages. Receipts are fed through `mfa.delivery.receipt`, as the webhooks do, for messages a
 * sender answered with ids; a real SQLite store.
 */

import type { Mfa } from "@mfakit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CATALOGUES, type MfaWeb } from "../src/index.ts";
import {
  type RecordingSms,
  type TestWorld,
  testBrowser,
  testWorld,
  toCodePage,
} from "./http-kit.ts";

let world: TestWorld;
let mfa: Mfa;
let web: MfaWeb;
let sms: RecordingSms;
const later = () => world.later();

beforeAll(() => {
  world = testWorld("delivery");
  ({ mfa, web, sms } = world);
});
afterAll(() => world.close());

/** A browser signed in as `user` in sign-in `signIn`, speaking `language`. */
const signedIn = (user: string, signIn = "s1", language = "en") =>
  testBrowser(web, { "x-test-user": user, "x-test-sign-in": signIn, "accept-language": language });

/** The latest message the sender took for `to`. */
const lastMessageTo = (to: string) => {
  const m = sms.sent.filter((s) => s.to === to).at(-1);
  if (!m) throw new Error(`nothing sent to ${to}`);
  return m;
};

const deliveryRegion = (page: string) =>
  /<p id="delivery-status" class="delivery ([\w-]+)" role="status" aria-live="polite"( data-poll="[^"]+")?>([^<]*)<\/p>/.exec(
    page,
  );

describe("delivery status on the wizard's code page", () => {
  it("shows 'sent, waiting' in a polled live region, then 'delivered' once the receipt comes (a polled JSON says the same)", async () => {
    const b = signedIn("wizard-ok@contoso.com");
    await toCodePage(b, "+447400100001");
    const before = deliveryRegion(await (await b.get("/mfa/enrol")).text());
    expect(before?.[1]).toBe("pending");
    expect(before?.[2]).toBe(' data-poll="/mfa/enrol/delivery"');
    expect(before?.[3]).toBe(CATALOGUES.en?.deliveryPending.replace("'", "&#39;"));

    const { messageId } = lastMessageTo("+447400100001");
    expect(
      await mfa.delivery.receipt({ provider: "test-sms", messageId, status: "delivered" }),
    ).toMatchObject({ ok: true, changed: true });
    const after = deliveryRegion(await (await b.get("/mfa/enrol")).text());
    expect(after?.[1]).toBe("delivered");
    expect(after?.[2]).toBeUndefined(); // nothing left to poll for
    expect(after?.[3]).toBe("Delivered to your phone.");
    expect(await (await b.get("/mfa/enrol/delivery")).json()).toEqual({
      delivery: { kind: "delivered", text: "Delivered to your phone." },
    });
  });

  it("says 'not delivered: call me instead / use another method' after an undelivered receipt, with both offered", async () => {
    const b = signedIn("wizard-lost@contoso.com");
    await toCodePage(b, "+447400100002");
    const { messageId } = lastMessageTo("+447400100002");
    await mfa.delivery.receipt({
      provider: "test-sms",
      messageId,
      status: "undelivered",
      errorCode: "30003",
    });
    const page = await (await b.get("/mfa/enrol")).text();
    expect(deliveryRegion(page)?.[1]).toBe("not-delivered");
    expect(page).toContain("Not delivered: your phone&#39;s network could not deliver it.");
    expect(page).toContain('value="switch-to-voice"');
    expect(page).toContain('value="different-method"');
    // The provider's error code is for the admin report, not the user's page.
    expect(page).not.toContain("30003");
  });

  it("keeps another user's page as it was: a receipt names a message, and only its own challenge moves", async () => {
    const a = signedIn("wizard-a@contoso.com");
    const other = signedIn("wizard-b@contoso.com");
    await toCodePage(a, "+447400100003");
    await toCodePage(other, "+447400100004");
    await mfa.delivery.receipt({
      provider: "test-sms",
      messageId: lastMessageTo("+447400100003").messageId,
      status: "failed",
    });
    expect(deliveryRegion(await (await a.get("/mfa/enrol")).text())?.[1]).toBe("not-delivered");
    expect(deliveryRegion(await (await other.get("/mfa/enrol")).text())?.[1]).toBe("pending");
    expect(await (await signedIn("nobody@contoso.com").get("/mfa/enrol/delivery")).json()).toEqual({
      delivery: null,
    });
  });
});

describe("delivery status on the sign-in challenge", () => {
  /** Registers `number` for `user` in one sign-in; returns a browser of a new sign-in. */
  async function registeredThenNewSignIn(user: string, number: string, language = "en") {
    const first = signedIn(user, "first");
    const csrf = await toCodePage(first, number);
    await first.post("/mfa/enrol", {
      _csrf: csrf,
      step: "verify-code",
      code: sms.lastCode(number),
    });
    expect(
      (await mfa.securityInfo.list({ userId: user, authenticatedAt: world.clock.now() })).factors,
    ).not.toHaveLength(0);
    later(); // past the cooldown of the number
    return signedIn(user, "second", language);
  }

  it("shows the text's delivery, then 'not delivered' with 'Call me instead' revealed, after a failed receipt", async () => {
    const b = await registeredThenNewSignIn("challenge@contoso.com", "+447400100005");
    const csrf = await b.csrf("/mfa/challenge");
    expect(
      (
        await b.post("/mfa/challenge/start", {
          _csrf: csrf,
          method: "authentication-phone",
          delivery: "sms",
        })
      ).status,
    ).toBe(303);
    const pending = await (await b.get("/mfa/challenge")).text();
    expect(deliveryRegion(pending)?.[1]).toBe("pending");
    expect(deliveryRegion(pending)?.[2]).toBe(' data-poll="/mfa/challenge/delivery"');
    // "Call me instead" is there for the script, hidden until a receipt says the text failed.
    expect(pending).toMatch(
      /<form method="post" action="\/mfa\/challenge\/start" class="inline" hidden data-delivery-alternative>/,
    );

    await mfa.delivery.receipt({
      provider: "test-sms",
      messageId: lastMessageTo("+447400100005").messageId,
      status: "failed",
      errorCode: "30008",
    });
    const failed = await (await b.get("/mfa/challenge")).text();
    expect(deliveryRegion(failed)?.[1]).toBe("not-delivered");
    expect(failed).toMatch(/<form method="post" action="\/mfa\/challenge\/start" class="inline">/);
    expect(failed).toContain('<input type="hidden" name="delivery" value="voice">');
    expect(await (await b.get("/mfa/challenge/delivery")).json()).toEqual({
      delivery: { kind: "not-delivered", text: CATALOGUES.en?.deliveryNotDelivered },
    });
    // The call goes out on the same phone.
    later();
    expect(
      (
        await b.post("/mfa/challenge/start", {
          _csrf: csrf,
          method: "authentication-phone",
          delivery: "voice",
        })
      ).headers.get("location"),
    ).toBe("/mfa/challenge");
    expect(world.outbox.messages().some((m) => m.to === "+447400100005")).toBe(true);
  });

  it("says it in German, French and Spanish too", async () => {
    for (const [i, language] of (["de", "fr", "es"] as const).entries()) {
      const number = `+44740010001${i}`;
      const b = await registeredThenNewSignIn(`lang-${language}@contoso.com`, number, language);
      const csrf = await b.csrf("/mfa/challenge");
      await b.post("/mfa/challenge/start", {
        _csrf: csrf,
        method: "authentication-phone",
        delivery: "sms",
      });
      await mfa.delivery.receipt({
        provider: "test-sms",
        messageId: lastMessageTo(number).messageId,
        status: "delivered",
      });
      const page = await (await b.get("/mfa/challenge")).text();
      expect(page).toContain(`<html lang="${language}">`);
      expect(deliveryRegion(page)?.[3]).toBe(CATALOGUES[language]?.deliveryDelivered);
    }
  });
});

describe("receipt webhooks mounted by the pages", () => {
  it("serves a provider's webhook at /mfa/webhooks/<name> without the pages' session, cookie or CSRF check, and its receipt moves the page", async () => {
    const hooked = testWorld("webhooks", {
      // A stand-in for an adapter's handler: it checks its own secret, then hands the receipt over.
      webhooks: (sdk) => ({
        acme: async (request) => {
          if (request.headers.get("x-acme-signature") !== "right")
            return new Response(null, { status: 403 });
          const { messageId, status } = (await request.json()) as {
            messageId: string;
            status: "delivered";
          };
          await sdk.delivery.receipt({ provider: "test-sms", messageId, status });
          return new Response(null, { status: 204 });
        },
      }),
    });
    try {
      const b = testBrowser(hooked.web, { "x-test-user": "hook@contoso.com" });
      await toCodePage(b, "+447400100009");
      const m = hooked.sms.sent.filter((s) => s.to === "+447400100009").at(-1);
      const post = (signature: string) =>
        hooked.web.fetch(
          new Request("https://app.example/mfa/webhooks/acme", {
            method: "POST",
            headers: { "content-type": "application/json", "x-acme-signature": signature },
            body: JSON.stringify({ messageId: m?.messageId, status: "delivered" }),
          }),
        );
      // No cookie, no CSRF token, another origin: the provider's own check decides.
      expect((await post("wrong")).status).toBe(403);
      expect(deliveryRegion(await (await b.get("/mfa/enrol")).text())?.[1]).toBe("pending");
      expect((await post("right")).status).toBe(204);
      expect(deliveryRegion(await (await b.get("/mfa/enrol")).text())?.[1]).toBe("delivered");
      // A name that is not mounted is an ordinary page of the pages: not found.
      const other = await hooked.web.fetch(
        new Request("https://app.example/mfa/webhooks/other", { method: "POST", body: "{}" }),
      );
      expect(other.status).not.toBe(204);
    } finally {
      hooked.close();
    }
  });

  it("refuses a webhook name that is not a path segment, at construction", () => {
    expect(() =>
      testWorld("bad-hook", { webhooks: () => ({ "../x": async () => new Response() }) }),
    ).toThrow(/webhooks/);
  });
});
