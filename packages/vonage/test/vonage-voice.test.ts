import { generateKeyPairSync } from "node:crypto";
import { isMfaError } from "@mfakit/core/adapter";
import { renderVoice } from "@mfakit/core/delivery";
import { codeCallScript, mfaErrorOf } from "@mfakit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderNcco, talkLanguage, vonageVoice } from "../src/index.js";
import { type FakeVonage, lastParams, parseSsml, startFakeVonage } from "./fake-vonage.js";

describe("vonageVoice against the Voice API", () => {
  let api: FakeVonage;
  const voice = (extra: Partial<Parameters<typeof vonageVoice>[0]> = {}) =>
    vonageVoice({
      applicationId: api.applicationId,
      privateKey: api.privateKey,
      from: "+447700900000",
      baseUrl: api.url,
      allowInsecureBaseUrl: true,
      timeoutMs: 2000,
      ...extra,
    });
  beforeAll(async () => {
    api = await startFakeVonage();
  });
  afterAll(() => api.close());

  it("authenticates with an RS256 application JWT and reads the code digit by digit, twice, in the user's language", async () => {
    const receipt = await voice().send({
      to: "+33612345678",
      locale: "fr",
      idempotencyKey: "k",
      segments: codeCallScript("0429", "Votre code est"),
    });
    expect(receipt.messageId).toMatch(/^[0-9a-f-]{36}$/);
    const body = lastParams(api) as {
      to: { number: string }[];
      from: { number: string };
      ncco: { action: string; language: string; text: string }[];
    };
    expect(body.to).toEqual([{ type: "phone", number: "33612345678" }]);
    expect(body.from).toEqual({ type: "phone", number: "447700900000" });
    expect(body.ncco).toHaveLength(1);
    expect(body.ncco[0]?.action).toBe("talk");
    expect(body.ncco[0]?.language).toBe("fr-FR");
    const ssml = parseSsml(body.ncco[0]?.text ?? "");
    expect(ssml.text).toBe("Votre code est 0 4 2 9 0 4 2 9 Goodbye.");
    expect(ssml.breaksMs).toEqual(Array(10).fill(1000));
  });

  it("speaks an en-GB user's call in en-GB: the renderer's voiceLocale reaches the NCCO language", async () => {
    for (const [userLocale, expected] of [
      ["en-GB", "en-GB"],
      ["en-ZA", "en-GB"],
      ["en", "en-US"],
      ["es-MX", "es-MX"],
      ["ja-JP", "en-US"],
    ]) {
      const rendered = renderVoice({
        kind: "code",
        appName: "Contoso",
        code: "0429",
        locale: userLocale as string,
        purpose: "enrol",
        ttlMinutes: 10,
      });
      await voice().send({ to: "+447700900126", idempotencyKey: "k", ...rendered });
      const body = lastParams(api) as { ncco: { language: string }[] };
      expect(body.ncco[0]?.language, userLocale).toBe(expected);
    }
  });

  it("a JWT from another key is refused (401) and reported as misconfigured", async () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 })
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString();
    const e = await mfaErrorOf(
      voice({ privateKey: other }).send({
        to: "+33612345678",
        locale: "fr",
        idempotencyKey: "k",
        segments: codeCallScript("1234", "x"),
      }),
    );
    expect(e.code).toBe("delivery_unavailable");
    expect(e.data).toMatchObject({
      providerCode: "unauthorized",
      httpStatus: 401,
      misconfigured: true,
    });
    expect(JSON.stringify(e) + e.message).not.toContain("PRIVATE KEY");
  });

  it("escapes SSML: a script cannot add tags", async () => {
    const hostile = `</speak><audio src="https://evil.example/x.mp3"/> & 'q' "r"`;
    await voice().send({
      to: "+33612345679",
      locale: "en-GB",
      idempotencyKey: "k",
      segments: [{ kind: "say", text: hostile }],
    });
    const ncco = (lastParams(api) as { ncco: { text: string; language: string }[] }).ncco;
    expect(ncco[0]?.language).toBe("en-GB");
    expect(parseSsml(ncco[0]?.text ?? "").text).toBe(hostile.replace(/\s+/g, " "));
  });

  it("dials an extension after answer (dtmf_answer 'pppp123'); a bad extension is invalid_input with no call", async () => {
    await voice().send({
      to: "+442079460000",
      extension: "123",
      locale: "en",
      idempotencyKey: "k",
      segments: codeCallScript("1234", "Code"),
    });
    expect((lastParams(api) as { to: { dtmf_answer?: string }[] }).to[0]?.dtmf_answer).toBe(
      "pppp123",
    );
    const before = api.requests.length;
    const e = await mfaErrorOf(
      voice().send({
        to: "+442079460000",
        extension: "1p2",
        locale: "en",
        idempotencyKey: "k",
        segments: codeCallScript("1234", "Code"),
      }),
    );
    expect(e.code).toBe("invalid_input");
    expect(api.requests.length).toBe(before);
  });

  it("REL-04: 400 naming 'to' is delivery_rejected; 402/403 are misconfigured; 429 and 5xx are unavailable", async () => {
    const send = () =>
      voice().send({
        to: "+442079460000",
        locale: "en",
        idempotencyKey: "k",
        segments: codeCallScript("1234", "Code"),
      });
    api.failNextWith(400, {
      type: "https://developer.nexmo.com/api-errors#invalid-params",
      title: "Bad Request",
      invalid_parameters: [{ name: "to[0].number", reason: "Invalid" }],
    });
    expect((await mfaErrorOf(send())).code).toBe("delivery_rejected");
    api.failNextWith(402, {
      type: "https://developer.nexmo.com/api-errors#low-balance",
      title: "Low balance",
    });
    expect((await mfaErrorOf(send())).data).toMatchObject({
      providerCode: "low-balance",
      misconfigured: true,
    });
    api.failNextWith(429, {
      type: "https://developer.nexmo.com/api-errors#throttled",
      title: "Throttled",
    });
    expect((await mfaErrorOf(send())).data).toMatchObject({ providerCode: "throttled" });
    api.failNextWith(500, "oops");
    expect((await mfaErrorOf(send())).data).toMatchObject({ providerCode: "http_500" });
  });

  it("picks the talk language from the locale and refuses over-long scripts", () => {
    expect(talkLanguage("de-CH")).toBe("de-DE");
    expect(talkLanguage("es-MX")).toBe("es-MX");
    expect(talkLanguage("xx")).toBe("en-US");
    expect(() =>
      renderNcco([{ kind: "say", text: "x".repeat(1600) }], { language: "en-US" }),
    ).toThrow(/longer than Vonage accepts/);
  });

  it("validates options once: a private key that is not an RSA PEM is config_invalid", () => {
    let thrown: unknown;
    try {
      vonageVoice({
        applicationId: "",
        privateKey: "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----",
        from: "Contoso",
      });
    } catch (e) {
      thrown = e;
    }
    expect(isMfaError(thrown, "config_invalid")).toBe(true);
    expect(String((thrown as Error).message)).not.toContain("nope");
  });
});
