import { isMfaError, type MfaError } from "@mfakit/core/adapter";
import { mfaErrorOf } from "@mfakit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { twilioSms } from "../src/index.js";
import { type FakeTwilio, startFakeTwilio } from "./fake-twilio.js";

const FROM = "+15005550006";

describe("twilioSms against the Messages API", () => {
  let api: FakeTwilio;
  const sms = (extra: Partial<Parameters<typeof twilioSms>[0]> = {}) =>
    twilioSms({
      accountSid: api.accountSid,
      authToken: api.authToken,
      from: FROM,
      baseUrl: api.url,
      allowInsecureBaseUrl: true,
      timeoutMs: 1000,
      ...extra,
    });
  const message = {
    to: "+447700900123",
    text: "Ihr Code: 123456 — nicht weitergeben & gut 😀 +1",
    locale: "de",
    idempotencyKey: "k1",
  };
  beforeAll(async () => {
    api = await startFakeTwilio();
  });
  afterAll(() => api.close());

  it("posts To/From/Body form-encoded ('+' as %2B, UTF-8 percent-encoded) with HTTP Basic auth", async () => {
    const receipt = await sms().send(message);
    expect(receipt.provider).toBe("twilio");
    expect(receipt.messageId).toMatch(/^SM[0-9a-f]{32}$/);
    const req = api.requests.at(-1);
    expect(req?.method).toBe("POST");
    expect(req?.path).toBe(`/2010-04-01/Accounts/${api.accountSid}/Messages.json`);
    expect(req?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${api.accountSid}:${api.authToken}`).toString("base64")}`,
    );
    expect(req?.rawBody).toContain("To=%2B447700900123");
    expect(req?.rawBody).toContain(`From=${encodeURIComponent(FROM)}`);
    expect(req?.rawBody).toContain("%F0%9F%98%80"); // 😀 as UTF-8
    expect(req?.form.get("Body")).toBe(message.text);
    expect(req?.form.has("MessagingServiceSid")).toBe(false);
  });

  it("sends StatusCallback when configured, and no idempotency header Twilio doesn't document", async () => {
    const sender = twilioSms({
      accountSid: api.accountSid,
      authToken: api.authToken,
      from: FROM,
      baseUrl: api.url,
      allowInsecureBaseUrl: true,
      statusCallbackUrl: "https://app.example/twilio/status?x=1",
    });
    await sender.send(message);
    const req = api.requests.at(-1);
    expect(req?.form.get("StatusCallback")).toBe("https://app.example/twilio/status?x=1");
    expect(req?.headers["i-twilio-idempotency-token"]).toBeUndefined();
  });

  it("STORE-06: wrong credentials (401, 20003) are delivery_unavailable, marked misconfigured, without the token", async () => {
    const sender = twilioSms({
      accountSid: api.accountSid,
      authToken: "0".repeat(32),
      from: FROM,
      baseUrl: api.url,
      allowInsecureBaseUrl: true,
    });
    const e = await mfaErrorOf(sender.send(message));
    expect(e.code).toBe("delivery_unavailable");
    expect(e.data).toMatchObject({
      provider: "twilio",
      providerCode: 20003,
      httpStatus: 401,
      misconfigured: true,
    });
    expect(JSON.stringify(e) + e.message + String(e.cause)).not.toContain("0".repeat(32));
  });

  const table: [number, number, string][] = [
    [400, 21211, "delivery_rejected"],
    [400, 21610, "delivery_rejected"],
    [400, 21614, "delivery_rejected"],
    [400, 21408, "delivery_rejected"],
    [400, 21268, "delivery_rejected"],
    [429, 20429, "delivery_unavailable"],
    [503, 20503, "delivery_unavailable"],
    [400, 21606, "delivery_unavailable"],
    [403, 20003, "delivery_unavailable"],
  ];
  it.each(table)("REL-04: HTTP %i with Twilio error %i is %s", async (status, code, expected) => {
    api.failNextWith(status, {
      code,
      message: `Error for +447700900123 code 123456`,
      more_info: `https://www.twilio.com/docs/errors/${code}`,
      status,
    });
    const e = await mfaErrorOf(sms().send(message));
    expect(e.code).toBe(expected);
    expect(e.data.providerCode).toBe(code);
    expect(e.data.httpStatus).toBe(status);
    // Provider text is kept in the cause with digit runs removed (the number, any code).
    expect(String((e.cause as Error).message)).not.toMatch(/123456|447700900123/);
  });

  it("REL-04: a non-JSON 502 from a proxy is delivery_unavailable (http_502)", async () => {
    api.failNextWith(502, "<html>Bad Gateway</html>");
    const e = await mfaErrorOf(sms().send(message));
    expect(e.code).toBe("delivery_unavailable");
    expect(e.data.providerCode).toBe("http_502");
  });

  it("REL-04: a refused connection is delivery_unavailable (network)", async () => {
    const closed = await startFakeTwilio();
    await closed.close();
    const sender = twilioSms({
      accountSid: closed.accountSid,
      authToken: closed.authToken,
      from: FROM,
      baseUrl: closed.url,
      allowInsecureBaseUrl: true,
    });
    const e = await mfaErrorOf(sender.send(message));
    expect(e.code).toBe("delivery_unavailable");
    expect(e.data.providerCode).toBe("network");
  });

  it("STORE-06: a redirect to its own origin is not followed either, and one a custom fetch followed anyway fails", async () => {
    const own = `${api.url}/2010-04-01/Accounts/${api.accountSid}/Messages.json`;
    api.probe.redirectNext?.(own);
    const before = api.requests.length;
    const e = await mfaErrorOf(sms().send(message));
    expect(e.data).toMatchObject({
      providerCode: "redirect",
      httpStatus: 307,
      misconfigured: true,
    });
    expect(api.requests.length - before).toBe(1);
    // A fetch that ignores redirect: "manual" still doesn't turn the redirect into a success.
    api.probe.redirectNext?.(own);
    const following: typeof fetch = (url, init) => fetch(url, { ...init, redirect: "follow" });
    const followed = await mfaErrorOf(sms({ fetch: following }).send(message));
    expect(followed.data.providerCode).toBe("redirect");
  });

  it("refuses a plain-http baseUrl unless allowInsecureBaseUrl is set: config_invalid naming baseUrl", () => {
    const options = { accountSid: api.accountSid, authToken: api.authToken, from: FROM };
    for (const baseUrl of ["http://api.twilio.com", "ftp://api.twilio.com", "api.twilio.com"]) {
      let thrown: unknown;
      try {
        twilioSms({ ...options, baseUrl });
      } catch (e) {
        thrown = e;
      }
      expect(isMfaError(thrown, "config_invalid"), baseUrl).toBe(true);
      expect(String((thrown as MfaError).data.problems)).toMatch(/^baseUrl must be/);
    }
    expect(() => twilioSms({ ...options, baseUrl: "ftp://x", allowInsecureBaseUrl: true })).toThrow(
      /baseUrl/,
    );
    expect(twilioSms({ ...options, baseUrl: "https://api.dublin.ie1.twilio.com" }).id).toBe(
      "twilio-sms",
    );
    expect(twilioSms(options).id).toBe("twilio-sms");
  });

  it("validates options once, reporting every problem in one config_invalid error without secrets", () => {
    let thrown: unknown;
    try {
      twilioSms({
        accountSid: "nope",
        authToken: "secret-token-value",
        apiKey: "SKx",
        from: FROM,
        messagingServiceSid: "MGx",
      });
    } catch (e) {
      thrown = e;
    }
    expect(isMfaError(thrown, "config_invalid")).toBe(true);
    const problems = String((thrown as MfaError).data.problems);
    expect(problems).toContain("from or messagingServiceSid");
    expect(problems).toContain("accountSid");
    expect(problems).toContain("authToken or apiKey");
    expect(problems).toContain("apiKey and apiSecret");
    expect(JSON.stringify(thrown) + (thrown as Error).message).not.toContain("secret-token-value");
  });
});
