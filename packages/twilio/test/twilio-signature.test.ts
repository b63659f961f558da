import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyTwilioSignature } from "../src/index.js";

// The example request of Twilio's request-validation docs (twilio-php's usage/validation page,
// the same example as https://www.twilio.com/docs/usage/security): Auth Token 12345.
const vector = {
  authToken: "12345",
  url: "https://mycompany.com/myapp.php?foo=1&bar=2",
  params: {
    CallSid: "CA1234567890ABCDE",
    Caller: "+14158675309",
    Digits: "1234",
    From: "+14158675309",
    To: "+18005551212",
  },
  signature: "RSOYDt4T1cUTdK1PDd93/VVr8B8=",
};

describe("verifyTwilioSignature (X-Twilio-Signature)", () => {
  it("accepts Twilio's documented example", () => {
    expect(verifyTwilioSignature(vector)).toBe(true);
    expect(verifyTwilioSignature({ ...vector, params: new URLSearchParams(vector.params) })).toBe(
      true,
    );
  });

  it("accepts the URL with or without the scheme's default port (proxies add or drop it)", () => {
    expect(
      verifyTwilioSignature({ ...vector, url: "https://mycompany.com:443/myapp.php?foo=1&bar=2" }),
    ).toBe(true);
    expect(
      verifyTwilioSignature({ ...vector, url: "https://mycompany.com:8443/myapp.php?foo=1&bar=2" }),
    ).toBe(false);
  });

  it("refuses a changed parameter, an added parameter, a changed URL, another token, or no signature", () => {
    expect(verifyTwilioSignature({ ...vector, params: { ...vector.params, Digits: "1235" } })).toBe(
      false,
    );
    expect(
      verifyTwilioSignature({
        ...vector,
        params: { ...vector.params, MessageStatus: "delivered" },
      }),
    ).toBe(false);
    expect(
      verifyTwilioSignature({ ...vector, url: "https://mycompany.com/myapp.php?foo=1&bar=3" }),
    ).toBe(false);
    expect(
      verifyTwilioSignature({ ...vector, url: "http://mycompany.com/myapp.php?foo=1&bar=2" }),
    ).toBe(false);
    expect(verifyTwilioSignature({ ...vector, authToken: "12346" })).toBe(false);
    expect(verifyTwilioSignature({ ...vector, signature: undefined })).toBe(false);
    expect(verifyTwilioSignature({ ...vector, signature: "" })).toBe(false);
    expect(verifyTwilioSignature({ ...vector, signature: "RSOYDt4T1cUTdK1PDd93/VVr8B8" })).toBe(
      false,
    );
    expect(verifyTwilioSignature({ ...vector, authToken: "" })).toBe(false);
  });

  it("signs a repeated parameter as each name+value pair, values sorted (Twilio's array vectors)", () => {
    // twilio-node spec/validation.spec.js: the order of the values does not matter…
    for (const addresses of [
      ["+1325xxxxxxx", "+1415xxxxxxx"],
      ["+1415xxxxxxx", "+1325xxxxxxx"],
    ]) {
      expect(
        verifyTwilioSignature({
          ...vector,
          params: { "MessagingBinding.Address": addresses },
          signature: "83O6e2vORAoJHUNzJjDWN1jz+BA=",
        }),
      ).toBe(true);
    }
    // …and a value repeated is signed once, as Twilio's validators do.
    const form = new URLSearchParams([
      ["Sid", "CA123"],
      ["SidAccount", "AC123"],
      ["Digits", "5678"],
      ["Digits", "1234"],
      ["Digits", "1234"],
    ]);
    expect(
      verifyTwilioSignature({ ...vector, params: form, signature: "IK+Dwps556ElfBT0I3Rgjkr1wJU=" }),
    ).toBe(true);
    expect(
      verifyTwilioSignature({
        ...vector,
        rawBody: form.toString(),
        params: undefined,
        signature: "IK+Dwps556ElfBT0I3Rgjkr1wJU=",
      }),
    ).toBe(true);
    form.set("Digits", "1234");
    expect(
      verifyTwilioSignature({ ...vector, params: form, signature: "IK+Dwps556ElfBT0I3Rgjkr1wJU=" }),
    ).toBe(false);
  });

  it("signs a repeated parameter as each name+value pair, values sorted", () => {
    const url = "https://app.example/status";
    const params = new URLSearchParams([
      ["MessageSid", "SM1"],
      ["Tag", "b"],
      ["Tag", "a"],
    ]);
    const signature = createHmac("sha1", "tok")
      .update(`${url}MessageSidSM1TagaTagb`)
      .digest("base64");
    expect(verifyTwilioSignature({ authToken: "tok", url, params, signature })).toBe(true);
    expect(
      verifyTwilioSignature({
        authToken: "tok",
        url,
        params: { MessageSid: "SM1", Tag: ["b", "a"] },
        signature,
      }),
    ).toBe(true);
  });

  describe("bodySHA256 (JSON webhooks): the URL carries the body's hash, the signature covers the URL", () => {
    // twilio-node spec/validation.spec.js, token 12345.
    const body = '{"property": "value", "boolean": true}';
    const bodyHash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
    const json = {
      authToken: "12345",
      url: `${vector.url}&bodySHA256=${bodyHash}`,
      rawBody: body,
      signature: "a9nBmqA0ju/hNViExpshrM61xv4=",
    };

    it("accepts Twilio's vectors: the body, an empty body ({}), a URL with only bodySHA256", () => {
      expect(verifyTwilioSignature(json)).toBe(true);
      expect(verifyTwilioSignature({ ...json, rawBody: new TextEncoder().encode(body) })).toBe(
        true,
      );
      const emptyHash = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
      expect(
        verifyTwilioSignature({
          ...json,
          url: `${vector.url}&bodySHA256=${emptyHash}`,
          rawBody: "{}",
          // Twilio's vector for this one is the URL signed with the default port (:443).
          signature: "Ldidvp12m26NI7eqEvxnEpkd9Hc=",
        }),
      ).toBe(true);
      expect(
        verifyTwilioSignature({
          ...json,
          url: `https://mycompany.com/myapp.php?bodySHA256=${bodyHash}`,
          signature: "y77kIzt2vzLz71DgmJGsen2scGs=",
        }),
      ).toBe(true);
    });

    it("refuses a tampered body, a missing body, a changed hash, a repeated bodySHA256", () => {
      expect(verifyTwilioSignature({ ...json, rawBody: body.replace("true", "false") })).toBe(
        false,
      );
      expect(verifyTwilioSignature({ ...json, rawBody: undefined })).toBe(false);
      // Passing parsed parameters instead of the body does not make it verify either.
      expect(
        verifyTwilioSignature({ ...json, rawBody: undefined, params: { property: "value" } }),
      ).toBe(false);
      expect(verifyTwilioSignature({ ...json, url: json.url.slice(0, -1) })).toBe(false);
      expect(verifyTwilioSignature({ ...json, url: `${json.url}&bodySHA256=${bodyHash}` })).toBe(
        false,
      );
      expect(verifyTwilioSignature({ ...json, signature: vector.signature })).toBe(false);
    });

    it("accepts an upper-case hash (hex compared, not text) and still refuses another body", () => {
      const upper = `${vector.url}&bodySHA256=${bodyHash.toUpperCase()}`;
      const signature = createHmac("sha1", "12345").update(upper).digest("base64");
      expect(verifyTwilioSignature({ ...json, url: upper, signature })).toBe(true);
      expect(verifyTwilioSignature({ ...json, url: upper, signature, rawBody: "{}" })).toBe(false);
    });
  });
});
