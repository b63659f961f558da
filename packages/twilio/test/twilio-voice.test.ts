import { renderVoice } from "@mfakit/core/delivery";
import { codeCallScript, mfaErrorOf } from "@mfakit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderTwiml, sayLanguage, twilioVoice } from "../src/index.js";
import { type FakeTwilio, parseTwiml, startFakeTwilio } from "./fake-twilio.js";

const FROM = "+15005550006";

describe("twilioVoice against the Calls API", () => {
  let api: FakeTwilio;
  const voice = (extra: Partial<Parameters<typeof twilioVoice>[0]> = {}) =>
    twilioVoice({
      accountSid: api.accountSid,
      authToken: api.authToken,
      from: FROM,
      baseUrl: api.url,
      allowInsecureBaseUrl: true,
      ...extra,
    });
  beforeAll(async () => {
    api = await startFakeTwilio();
  });
  afterAll(() => api.close());

  it("reads the code digit by digit with pauses, twice, in the user's language", async () => {
    const receipt = await voice().send({
      to: "+4915112345678",
      locale: "de",
      idempotencyKey: "k",
      segments: codeCallScript("042917", "Ihr Code lautet"),
    });
    expect(receipt.messageId).toMatch(/^CA[0-9a-f]{32}$/);
    const req = api.requests.at(-1);
    expect(req?.path).toBe(`/2010-04-01/Accounts/${api.accountSid}/Calls.json`);
    expect(req?.form.get("To")).toBe("+4915112345678");
    expect(req?.form.get("From")).toBe(FROM);
    expect(req?.form.has("SendDigits")).toBe(false);
    const twiml = parseTwiml(req?.form.get("Twiml") ?? "");
    const says = twiml.verbs.filter((v) => v.verb === "Say");
    expect(new Set(says.map((v) => v.verb === "Say" && v.language))).toEqual(new Set(["de-DE"]));
    const digitSays = says.flatMap((v) =>
      v.verb === "Say" && /^\d$/.test(v.text) ? [v.text] : [],
    );
    expect(digitSays.join("")).toBe("042917042917");
    // A one-second pause before every digit, and one more between the two readings and before the outro.
    const pauses = twiml.verbs.filter((v) => v.verb === "Pause");
    expect(pauses.every((p) => p.verb === "Pause" && p.length === 1)).toBe(true);
    expect(pauses.length).toBe(6 + 1 + 6 + 1);
  });

  it("picks <Say language> from the locale: region first, then language, then en-US; overrides win", () => {
    expect(sayLanguage("en-GB")).toBe("en-GB");
    expect(sayLanguage("en")).toBe("en-US");
    expect(sayLanguage("fr-CH")).toBe("fr-FR");
    expect(sayLanguage("es_MX")).toBe("es-MX");
    expect(sayLanguage("tlh")).toBe("en-US");
    expect(sayLanguage("de-CH", { "de-ch": "de-AT" })).toBe("de-AT");
  });

  it("reads an en-GB user's call with a British voice: the renderer's voiceLocale reaches <Say language>", async () => {
    for (const [userLocale, expected] of [
      ["en-GB", "en-GB"],
      ["en-AU", "en-AU"],
      ["en-IE", "en-GB"],
      ["en-NZ", "en-AU"],
      ["en", "en-US"],
      ["fr-CA", "fr-CA"],
      ["es-MX", "es-MX"],
      ["ja-JP", "en-US"], // no Japanese strings: English text, English voice
    ]) {
      const rendered = renderVoice({
        kind: "code",
        appName: "Contoso",
        code: "042917",
        locale: userLocale as string,
        purpose: "signin",
        ttlMinutes: 10,
      });
      await voice().send({ to: "+447700900125", idempotencyKey: "k", ...rendered });
      const says = parseTwiml(api.requests.at(-1)?.form.get("Twiml") ?? "").verbs;
      const languages = new Set(says.map((v) => (v.verb === "Say" ? v.language : "")));
      expect([...languages].filter(Boolean), userLocale).toEqual([expected]);
    }
  });

  it("XML-escapes every text and attribute: a script cannot inject TwiML verbs", async () => {
    const hostile = `</Say><Dial>+19005550100</Dial><Say language="en-US">& 'x' "y"`;
    await voice({ voice: `Polly.Amy"/><Dial>1</Dial>` }).send({
      to: "+447700900124",
      locale: "en-GB",
      idempotencyKey: "k",
      segments: [
        { kind: "say", text: hostile },
        { kind: "say", text: "bell\u0007" },
      ],
    });
    const raw = api.requests.at(-1)?.form.get("Twiml") ?? "";
    expect(raw).not.toContain("<Dial>");
    const twiml = parseTwiml(raw); // would throw on any verb other than Say/Pause
    expect(twiml.verbs).toEqual([
      { verb: "Say", language: "en-GB", voice: `Polly.Amy"/><Dial>1</Dial>`, text: hostile },
      { verb: "Say", language: "en-GB", voice: `Polly.Amy"/><Dial>1</Dial>`, text: "bell" },
    ]);
  });

  it("dials an office phone's extension after the call connects (SendDigits 'wwww123')", async () => {
    await voice().send({
      to: "+442079460000",
      extension: "123",
      locale: "en",
      idempotencyKey: "k",
      segments: codeCallScript("1234"),
    });
    expect(api.requests.at(-1)?.form.get("SendDigits")).toBe("wwww123");
    await voice({ extensionDelaySeconds: 0 }).send({
      to: "+442079460000",
      extension: "9#",
      locale: "en",
      idempotencyKey: "k",
      segments: codeCallScript("1234"),
    });
    expect(api.requests.at(-1)?.form.get("SendDigits")).toBe("9#");
  });

  it("refuses a bad extension or an over-long script with invalid_input, before any provider call", async () => {
    const before = api.requests.length;
    const bad = await mfaErrorOf(
      voice().send({
        to: "+442079460000",
        extension: "12w9",
        locale: "en",
        idempotencyKey: "k",
        segments: codeCallScript("1234"),
      }),
    );
    expect(bad.code).toBe("invalid_input");
    expect(bad.data.field).toBe("extension");
    const long = await mfaErrorOf(
      voice().send({
        to: "+442079460000",
        locale: "en",
        idempotencyKey: "k",
        segments: [{ kind: "say", text: "x".repeat(4000) }],
      }),
    );
    expect(long.code).toBe("invalid_input");
    expect(JSON.stringify(long)).not.toContain("xxxx");
    expect(api.requests.length).toBe(before);
  });

  it("renders pauses in whole seconds (zero as nothing, sub-second as 1) and keeps the document well-formed", () => {
    const twiml = renderTwiml(
      [
        { kind: "pause", seconds: 0 },
        { kind: "say", text: "a<b" },
        { kind: "pause", seconds: 0.4 },
        { kind: "pause", seconds: 2.6 },
      ],
      { language: "en-US" },
    );
    expect(twiml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Say language="en-US">a&lt;b</Say><Pause length="1"/><Pause length="3"/></Response>',
    );
  });
});
