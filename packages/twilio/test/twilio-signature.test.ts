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
});
