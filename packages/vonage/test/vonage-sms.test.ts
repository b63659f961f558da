import { isMfaError, type MfaError } from "@mfakit/core/adapter";
import { mfaErrorOf } from "@mfakit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { vonageSms, vonageVoice } from "../src/index.js";
import { type FakeVonage, startFakeVonage } from "./fake-vonage.js";

describe("vonageSms against the SMS API", () => {
  let api: FakeVonage;
  const smsOptions = () => ({
    apiKey: api.apiKey,
    apiSecret: api.apiSecret,
    from: "+447700900000",
  });
  const sms = (extra: Partial<Parameters<typeof vonageSms>[0]> = {}) =>
    vonageSms({
      ...smsOptions(),
      baseUrl: api.url,
      allowInsecureBaseUrl: true,
      timeoutMs: 1000,
      ...extra,
    });
  const message = {
    to: "+447700900123",
    text: "Your code: 123456 & don't share it +1",
    locale: "en",
    idempotencyKey: "idem-1",
  };
  beforeAll(async () => {
    api = await startFakeVonage();
  });
  afterAll(() => api.close());

  it("posts api_key, api_secret, from and to without '+', text, client-ref, form-encoded", async () => {
    const receipt = await sms().send(message);
    expect(receipt.provider).toBe("vonage");
    expect(receipt.messageId).toMatch(/^[0-9A-F]{16}$/);
    const req = api.requests.at(-1);
    expect(req?.path).toBe("/sms/json");
    expect(req?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(req?.params).toMatchObject({
      to: "447700900123",
      from: "447700900000",
      text: message.text,
      "client-ref": "idem-1",
    });
    expect(req?.params.type).toBeUndefined();
    expect(req?.rawBody).toContain("%2B1"); // the '+' in the text survives form encoding
  });

  it("sends type=unicode when the text is not GSM-7, so it arrives intact", async () => {
    await sms().send({
      ...message,
      to: "+447700900124",
      text: "Votre code : 123456 — ne le partagez pas 😀",
    });
    expect(api.requests.at(-1)?.params.type).toBe("unicode");
    const got = (await api.probe.received()).find((m) => m.to === "+447700900124");
    expect(got?.text).toBe("Votre code : 123456 — ne le partagez pas 😀");
  });

  it("leaves out client-ref when the key is longer than Vonage's 40 characters", async () => {
    await sms().send({ ...message, idempotencyKey: "k".repeat(41) });
    expect(api.requests.at(-1)?.params["client-ref"]).toBeUndefined();
  });

  it("STORE-06: wrong credentials (status 4) are delivery_unavailable, marked misconfigured, without the secret", async () => {
    const e = await mfaErrorOf(sms({ apiSecret: "wrong-secret-value" }).send(message));
    expect(e.code).toBe("delivery_unavailable");
    expect(e.data).toMatchObject({ provider: "vonage", providerCode: "4", misconfigured: true });
    expect(JSON.stringify(e) + e.message + String(e.cause)).not.toContain("wrong-secret-value");
  });

  const table: [string, string][] = [
    ["1", "delivery_unavailable"],
    ["5", "delivery_unavailable"],
    ["6", "delivery_rejected"],
    ["7", "delivery_rejected"],
    ["9", "delivery_unavailable"],
    ["15", "delivery_unavailable"],
    ["33", "delivery_rejected"],
  ];
  it.each(table)("REL-04: SMS API status %s is %s", async (status, expected) => {
    api.failNextWith(200, {
      "message-count": "1",
      messages: [{ status, "error-text": "Error for 447700900123: 123456" }],
    });
    const e = await mfaErrorOf(sms().send(message));
    expect(e.code).toBe(expected);
    expect(e.data.providerCode).toBe(status);
    expect(String((e.cause as Error).message)).not.toMatch(/123456|447700900123/);
  });

  it("REL-04: a multi-part send fails if any part failed; HTTP 429 and 5xx are delivery_unavailable", async () => {
    api.failNextWith(200, {
      "message-count": "2",
      messages: [
        { status: "0", "message-id": "A1" },
        { status: "7", "error-text": "Number barred." },
      ],
    });
    expect((await mfaErrorOf(sms().send(message))).code).toBe("delivery_rejected");
    api.failNextWith(429, "");
    expect((await mfaErrorOf(sms().send(message))).data).toMatchObject({
      providerCode: "http_429",
    });
    api.failNextWith(502, "<html>Bad Gateway</html>");
    expect((await mfaErrorOf(sms().send(message))).code).toBe("delivery_unavailable");
  });

  it("STORE-06: a redirect (even to its own origin) is not followed: api_secret is not sent again", async () => {
    api.probe.redirectNext?.(`${api.url}/sms/json`);
    const before = api.requests.length;
    const e = await mfaErrorOf(sms().send(message));
    expect(e.code).toBe("delivery_unavailable");
    expect(e.data).toMatchObject({
      providerCode: "redirect",
      httpStatus: 307,
      misconfigured: true,
    });
    expect(api.requests.length - before).toBe(1);
  });

  it("refuses a plain-http baseUrl for SMS and voice unless allowInsecureBaseUrl: config_invalid naming baseUrl", () => {
    const problemsOf = (build: () => unknown) => {
      try {
        build();
      } catch (e) {
        if (isMfaError(e, "config_invalid")) return String(e.data.problems);
      }
      return "";
    };
    const baseUrl = "http://rest.nexmo.com";
    expect(problemsOf(() => vonageSms({ ...smsOptions(), baseUrl }))).toMatch(/^baseUrl must be/);
    expect(
      problemsOf(() =>
        vonageVoice({
          applicationId: api.applicationId,
          privateKey: api.privateKey,
          from: "+447700900000",
          baseUrl,
        }),
      ),
    ).toMatch(/^baseUrl must be/);
    expect(
      problemsOf(() => vonageSms({ ...smsOptions(), baseUrl, allowInsecureBaseUrl: true })),
    ).toBe("");
    expect(
      problemsOf(() => vonageSms({ ...smsOptions(), baseUrl: "https://rest.nexmo.com" })),
    ).toBe("");
  });

  it("validates options once, reporting every problem in one config_invalid error", () => {
    let thrown: unknown;
    try {
      vonageSms({ apiKey: "", apiSecret: "", from: "Much too long sender" });
    } catch (e) {
      thrown = e;
    }
    expect(isMfaError(thrown, "config_invalid")).toBe(true);
    expect(String((thrown as MfaError).data.problems).split("; ")).toHaveLength(3);
  });
});
