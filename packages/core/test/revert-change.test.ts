/**
 * "This wasn't me": every factor change the user makes is told with a one-click link that undoes
 * it once, within its lifetime, for that user and that change only; the revert also revokes app
 * passwords and remembered devices and marks the account for review.
 */
import { isMfaError, type Mfa, type MfaEvent, type RevertOptions, type Store } from "@mfakit/core";
import { createMessageRenderer, renderEmail, renderSms, smsSegments } from "@mfakit/core/delivery";
import type { CapturedMessage, CapturingOutbox } from "@mfakit/testing";
import { describe, expect, it } from "vitest";
import {
  addAuthenticator,
  addRecoveryEmail,
  expectStep,
  phoneThroughWizard,
  seedSetup,
} from "./support/seed-setup.ts";

const USER = "ana@contoso.com";
const PHONE = "+447400123456";
const OTHER_PHONE = "+447400654321";
const EMAIL = "ana.personal@example.org";
const BASE = "https://app.example/r/";
const TTL_HOURS = 72;

const policy = {
  mfa: { methods: ["authentication-phone" as const, "authenticator-app" as const], required: 1 },
  recovery: { methods: ["email" as const, "phone" as const], required: 0 },
  appPasswords: { enabled: true, offerDuringEnrolment: false },
  phone: { allowedCountries: ["GB"] },
  rememberDeviceDays: 30,
};

/** A user with an authentication phone (wizard) and a recovery email (Security info). */
async function enrolled(options: { revert?: RevertOptions | null; userId?: string } = {}) {
  const revert =
    options.revert === null ? undefined : (options.revert ?? { url: (t: string) => BASE + t });
  const setup = seedSetup({ policy, ...(revert ? { revert } : {}) });
  const { mfa, outbox, clock } = setup;
  const userId = options.userId ?? USER;
  const session = () => ({ userId, authenticatedAt: clock.now() });
  let view = await phoneThroughWizard(mfa, outbox, session, await mfa.enrolment.start(session()));
  view = await mfa.enrolment.submit(view.id, { step: "finish", action: "finish" }, session());
  await addRecoveryEmail(mfa, outbox, session, EMAIL);
  clock.advance(31_000);
  return { ...setup, session, userId };
}

/** The revert token in a message's text, if it carries a link. */
function tokenIn(message: CapturedMessage | undefined): string | null {
  if (!message || message.channel === "voice") return null;
  return new RegExp(`${BASE.replaceAll("/", "\\/")}(\\S+)`).exec(message.text)?.[1] ?? null;
}

/** Messages and events after a mark. */
function since(outbox: CapturingOutbox, events: MfaEvent[]) {
  const m = outbox.messages.length;
  const e = events.length;
  return { messages: () => outbox.messages.slice(m), events: () => events.slice(e) };
}

/** Everything a user's actions may have changed, to compare before and after. */
async function snapshot(store: Store) {
  return JSON.stringify((await store.list("mfa:")).items);
}

/** Expects `act` to throw `code`, having changed nothing and sent nothing. */
async function refusedUnchanged(
  setup: { store: Store; outbox: CapturingOutbox; events: MfaEvent[] },
  act: () => Promise<unknown>,
  code: string,
) {
  const before = await snapshot(setup.store);
  const mark = since(setup.outbox, setup.events);
  const error = await act().then(
    () => null,
    (e: unknown) => e,
  );
  expect(isMfaError(error) ? { code: error.code, field: error.data.field } : error).toEqual({
    code,
    field: "token",
  });
  expect(await snapshot(setup.store)).toBe(before);
  expect(mark.messages()).toEqual([]);
  expect(mark.events()).toEqual([]);
}

describe("this wasn't me: the link on every notice", () => {
  it("an added factor's notices carry one link to every earlier channel; the document keeps only a keyed hash, and no event holds the token (BIND-02, GEN-05, STORE-01, STORE-06)", async () => {
    const setup = await enrolled();
    const { mfa, store, outbox, events, clock, session } = setup;
    const mark = since(outbox, events);
    await addAuthenticator(mfa, session(), clock);
    const notices = mark.messages().filter((m) => m.to === PHONE || m.to === EMAIL);
    const tokens = notices.map(tokenIn);
    expect(notices.map((m) => m.to).sort()).toEqual([EMAIL, PHONE].sort());
    expect(tokens[0]).toBeTruthy();
    expect(new Set(tokens).size).toBe(1);
    const token = tokens[0] as string;
    // 128 random bits for the id, 128 for the MAC (GEN-05).
    expect(token.split(".").map((p) => p.length)).toEqual([
      Math.ceil((USER.length * 4) / 3),
      22,
      22,
    ]);
    const email = notices.find((m) => m.channel === "email");
    if (email?.channel !== "email") throw new Error("no email notice");
    expect(email.html).toContain(`<a href="${BASE}${token}">`);
    expect(await snapshot(store)).not.toContain(token);
    expect(JSON.stringify(events)).not.toContain(token);
  });

  it("a notice SMS with a link stays within two segments for a UUID user id (SMS length)", async () => {
    const userId = "0f8fad5b-d9cb-469f-a165-70867728950e";
    const { mfa, outbox, events, clock, session } = await enrolled({ userId });
    const mark = since(outbox, events);
    await addAuthenticator(mfa, session(), clock);
    const sms = mark.messages().find((m) => m.channel === "sms");
    if (sms?.channel !== "sms") throw new Error("no SMS notice");
    expect(tokenIn(sms)).toBeTruthy();
    expect(smsSegments(sms.text)).toMatchObject({ encoding: "GSM-7" });
    expect(smsSegments(sms.text).segments).toBeLessThanOrEqual(2);
  });

  it("without revert options there is no link and no record; an admin's change carries no link (BIND-02)", async () => {
    const plain = await enrolled({ revert: null });
    let mark = since(plain.outbox, plain.events);
    await addAuthenticator(plain.mfa, plain.session(), plain.clock);
    expect(mark.messages().map(tokenIn)).toEqual(mark.messages().map(() => null));
    expect(await snapshot(plain.store)).not.toContain(":revert:");

    const linked = await enrolled();
    mark = since(linked.outbox, linked.events);
    await linked.mfa.admin.removeMethod(USER, { method: "recovery-email" });
    expect(mark.messages().length).toBeGreaterThan(0);
    expect(mark.messages().map(tokenIn)).toEqual(mark.messages().map(() => null));
  });

  it("createMfa checks the revert options once: a url that gives no http(s) URL, or ttlHours out of 1-720, is config_invalid", () => {
    for (const revert of [
      { url: () => "javascript:alert(1)" },
      { url: () => `${BASE}with space` },
      {
        url: () => {
          throw new Error("boom");
        },
      },
      { url: "https://app.example/r/" },
      { url: (t: string) => BASE + t, ttlHours: 0 },
      { url: (t: string) => BASE + t, ttlHours: 721 },
      { url: (t: string) => BASE + t, ttlHours: 1.5 },
    ]) {
      const error = (() => {
        try {
          seedSetup({ policy, revert: revert as never });
          return null;
        } catch (e) {
          return e;
        }
      })();
      expect(isMfaError(error, "config_invalid")).toBe(true);
    }
  });
});

describe("this wasn't me: the link in the templates", () => {
  const notice = (link: unknown) =>
    ({
      kind: "notice",
      appName: "Contoso",
      locale: "en",
      change: "added",
      factor: "phone",
      link,
    }) as const;

  it("a link that is not an http(s) URL of printable ASCII is invalid_input on field link, before anything is rendered (BIND-02)", () => {
    for (const link of [
      "javascript:alert(1)",
      `${BASE}a b`,
      `${BASE}\u2028`,
      42,
      `${BASE}${"a".repeat(2048)}`,
    ]) {
      const error = (() => {
        try {
          return renderSms(notice(link) as never);
        } catch (e) {
          return e;
        }
      })();
      expect(isMfaError(error, "invalid_input") && error.data.field).toBe("link");
    }
  });

  it("the HTML email escapes the link in its anchor; an override of noticeUndo must keep {link} (BIND-02)", () => {
    const link = `${BASE}"><script>x</script>`;
    const { html, text } = renderEmail(notice(link) as never);
    expect(html).not.toContain("<script>");
    expect(html).toContain('href="https://app.example/r/&quot;&gt;&lt;script&gt;');
    expect(text).toContain(link);
    expect(() => createMessageRenderer({ templates: { en: { noticeUndo: "Undo it" } } })).toThrow(
      expect.objectContaining({ code: "config_invalid" }),
    );
  });
});

describe("this wasn't me: reverting", () => {
  it("undoes an added authenticator app, revokes every app password and remembered device, marks the account for review until an admin clears it, emits change.reverted (BIND-08, LOG-01)", async () => {
    const setup = await enrolled();
    const { mfa, outbox, events, clock, session } = setup;
    await mfa.securityInfo.appPasswords.create(session(), "Thunderbird");
    const started = await mfa.challenge.start({ userId: USER, method: "authentication-phone" });
    if (!started.ok) throw new Error("not started");
    const checked = await mfa.challenge.verify({
      userId: USER,
      challengeId: started.challengeId,
      code: outbox.lastCode(PHONE),
      remember: { name: "Firefox" },
    });
    if (!checked.ok || !checked.device) throw new Error("no device");
    clock.advance(1000);
    const mark = since(outbox, events);
    await addAuthenticator(mfa, session(), clock);
    const token = tokenIn(mark.messages().find((m) => m.to === EMAIL)) as string;
    expect((await mfa.admin.listMethods(USER)).authenticators).toHaveLength(1);
    expect((await mfa.required(USER)).underReview).toBe(false);

    const after = since(outbox, events);
    expect(await mfa.revertChange({ token })).toEqual({
      change: "added",
      method: "authenticator-app",
      undone: "removed",
      appPasswordsRevoked: 1,
      devicesRevoked: 1,
    });
    const methods = await mfa.admin.listMethods(USER);
    expect(methods.authenticators).toEqual([]);
    expect(methods.appPasswords).toEqual([]);
    expect(await mfa.securityInfo.devices.list(session())).toEqual([]);
    expect(
      await mfa.challenge.recognizeDevice({ userId: USER, token: checked.device.token }),
    ).toEqual({ ok: false });
    expect((await mfa.required(USER)).underReview).toBe(true);
    const reverted = after.events().find((e) => e.type === "change.reverted");
    expect(reverted).toMatchObject({ userId: USER, change: "added", undone: "removed" });
    expect(JSON.stringify(after.events())).not.toContain(token);
    // The revert's own notices tell what it removed, and carry no link: no revert of a revert.
    expect(after.messages().length).toBeGreaterThan(0);
    expect(after.messages().map(tokenIn)).toEqual(after.messages().map(() => null));

    expect(await mfa.admin.clearReview(USER)).toBe(true);
    expect((await mfa.required(USER)).underReview).toBe(false);
    expect(await mfa.admin.clearReview(USER)).toBe(false);
  });

  it("restores a removed recovery email; the notice to the removed address itself carries no link (BIND-02, BIND-08)", async () => {
    const setup = await enrolled();
    const { mfa, outbox, events, session } = setup;
    const was = (await mfa.admin.listMethods(USER)).recoveryEmail;
    const mark = since(outbox, events);
    await mfa.securityInfo.remove(session(), "recovery-email");
    expect(tokenIn(mark.messages().find((m) => m.to === EMAIL))).toBeNull();
    const token = tokenIn(mark.messages().find((m) => m.to === PHONE));
    expect(token).toBeTruthy();
    expect((await mfa.admin.listMethods(USER)).recoveryEmail).toBeNull();
    const outcome = await mfa.revertChange({ token: token as string });
    expect(outcome).toMatchObject({
      change: "removed",
      method: "recovery-email",
      undone: "restored",
    });
    expect((await mfa.admin.listMethods(USER)).recoveryEmail).toEqual(was);
  });

  it("puts a replaced authentication phone back (BIND-04, BIND-08)", async () => {
    const setup = await enrolled();
    const { mfa, outbox, events, clock, session } = setup;
    let view = await mfa.securityInfo.replace(session(), "authentication-phone");
    view = await mfa.enrolment.submit(
      view.id,
      {
        step: "mfa-method",
        method: "authentication-phone",
        number: "07400 654321",
        country: "GB",
        delivery: "sms",
      },
      session(),
    );
    clock.advance(1000);
    const mark = since(outbox, events);
    view = await mfa.enrolment.submit(
      view.id,
      { step: "verify-code", code: outbox.lastCode(OTHER_PHONE) },
      session(),
    );
    expectStep(view, "finish");
    const token = tokenIn(mark.messages().find((m) => m.to === PHONE)) as string;
    expect(token).toBeTruthy();
    expect((await mfa.admin.listMethods(USER)).phones[0]?.display).toMatch(/21$/);
    const outcome = await mfa.revertChange({ token });
    expect(outcome).toMatchObject({ method: "authentication-phone", undone: "restored" });
    expect((await mfa.admin.listMethods(USER)).phones[0]?.display).toMatch(/56$/);
  });

  it("a link works once: a second use is revert_link_invalid, changes nothing, sends nothing (LIFE-03, REL-01)", async () => {
    const setup = await enrolled();
    const mark = since(setup.outbox, setup.events);
    await addAuthenticator(setup.mfa, setup.session(), setup.clock);
    const token = tokenIn(mark.messages().find((m) => m.to === EMAIL)) as string;
    await setup.mfa.revertChange({ token });
    await refusedUnchanged(setup, () => setup.mfa.revertChange({ token }), "revert_link_invalid");
  });

  it(`a link expires after ttlHours (${TTL_HOURS} by default): then revert_link_invalid, nothing changed (LIFE-06)`, async () => {
    const setup = await enrolled();
    const mark = since(setup.outbox, setup.events);
    await addAuthenticator(setup.mfa, setup.session(), setup.clock);
    const token = tokenIn(mark.messages().find((m) => m.to === EMAIL)) as string;
    setup.clock.advance(TTL_HOURS * 3_600_000 + 1);
    await refusedUnchanged(setup, () => setup.mfa.revertChange({ token }), "revert_link_invalid");
    expect((await setup.mfa.admin.listMethods(USER)).authenticators).toHaveLength(1);
  });

  it("a forged, tampered or other user's token is revert_link_invalid: nothing changed, nothing sent (STORE-03, LIFE-04)", async () => {
    const setup = await enrolled();
    const mark = since(setup.outbox, setup.events);
    await addAuthenticator(setup.mfa, setup.session(), setup.clock);
    const token = tokenIn(mark.messages().find((m) => m.to === EMAIL)) as string;
    const [user, id, mac] = token.split(".") as [string, string, string];
    const flip = (s: string, i: number) =>
      s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
    const otherUser = Buffer.from("bob@contoso.com").toString("base64url");
    for (const forged of [
      `${user}.${id}.${flip(mac, 3)}`,
      `${user}.${flip(id, 5)}.${mac}`,
      `${otherUser}.${id}.${mac}`,
      `${user}.${"A".repeat(22)}.${"A".repeat(22)}`,
    ]) {
      await refusedUnchanged(
        setup,
        () => setup.mfa.revertChange({ token: forged }),
        "revert_link_invalid",
      );
    }
    expect((await setup.mfa.admin.listMethods(USER)).authenticators).toHaveLength(1);
    // The real token still works afterwards: failed attempts did not consume it.
    expect((await setup.mfa.revertChange({ token })).undone).toBe("removed");
  });

  it("bad input (wrong types, a 1 MB string, emoji, lone surrogates, a user part that is no user id) is invalid_input or input_too_long on field token: nothing changed, nothing sent (REL-07)", async () => {
    const setup = await enrolled();
    const mfa: Mfa = setup.mfa;
    const b64 = (s: string) => Buffer.from(s).toString("base64url");
    const tail = `.${"A".repeat(22)}.${"A".repeat(22)}`;
    const cases: Array<[unknown, string]> = [
      [undefined, "invalid_input"],
      [null, "invalid_input"],
      [42, "invalid_input"],
      [{ token: "x" }, "invalid_input"],
      ["", "invalid_input"],
      ["x".repeat(1_000_000), "input_too_long"],
      ["😀".repeat(10), "invalid_input"],
      ["\uD800abc", "invalid_input"],
      [`${b64("a\u0000b")}${tail}`, "invalid_input"],
      [`${Buffer.from([0xff, 0xfe]).toString("base64url")}${tail}`, "invalid_input"],
      [`${b64("x".repeat(300))}${tail}`, "invalid_input"],
      [`${b64(USER)}.${"A".repeat(21)}.${"A".repeat(22)}`, "invalid_input"],
    ];
    for (const [token, code] of cases) {
      await refusedUnchanged(setup, () => mfa.revertChange({ token } as never), code);
    }
    await refusedUnchanged(setup, () => mfa.revertChange(null as never), "invalid_input");
  });

  it("50 parallel reverts of one link: exactly one undoes the change, the others are refused (REL-01, LIFE-03)", async () => {
    const setup = await enrolled();
    const mark = since(setup.outbox, setup.events);
    await addAuthenticator(setup.mfa, setup.session(), setup.clock);
    const token = tokenIn(mark.messages().find((m) => m.to === EMAIL)) as string;
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => setup.mfa.revertChange({ token })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results)
      if (r.status === "rejected")
        expect(
          isMfaError(r.reason, "revert_link_invalid") || isMfaError(r.reason, "store_conflict"),
        ).toBe(true);
    expect(setup.events.filter((e) => e.type === "change.reverted")).toHaveLength(1);
  });
});
