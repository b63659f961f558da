import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyVonageSignature } from "../src/index.js";

const secret = "signature-secret-of-at-least-32-chars";
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

/** Signs a webhook as Vonage does: HS256 JWT with the body's SHA-256 in payload_hash. */
function sign(
  body: string,
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = { alg: "HS256", typ: "JWT" },
  key = secret,
) {
  const payload = {
    iat: Math.floor(Date.now() / 1000),
    jti: "j1",
    api_key: "abcd1234",
    application_id: "app",
    payload_hash: createHash("sha256").update(body).digest("hex"),
    ...claims,
  };
  const unsigned = `${b64(header)}.${b64(payload)}`;
  return `${unsigned}.${createHmac("sha256", key).update(unsigned).digest("base64url")}`;
}

describe("verifyVonageSignature (signed webhooks)", () => {
  const body = JSON.stringify({ uuid: "63f61863-4a51-4f6b-86e1-46edebcf9356", status: "answered" });

  it("accepts a fresh HS256 token over this body, with or without 'Bearer '", () => {
    const token = sign(body);
    expect(
      verifyVonageSignature({
        signatureSecret: secret,
        authorization: `Bearer ${token}`,
        rawBody: body,
      }),
    ).toBe(true);
    expect(
      verifyVonageSignature({
        signatureSecret: secret,
        authorization: token,
        rawBody: Buffer.from(body),
      }),
    ).toBe(true);
  });

  it("refuses another secret, a changed body, a changed claim, a missing header", () => {
    const token = sign(body);
    expect(
      verifyVonageSignature({ signatureSecret: `${secret}x`, authorization: token, rawBody: body }),
    ).toBe(false);
    expect(
      verifyVonageSignature({
        signatureSecret: secret,
        authorization: token,
        rawBody: body.replace("answered", "completed"),
      }),
    ).toBe(false);
    const [h, , s] = token.split(".");
    const forged = `${h}.${b64({ iat: Math.floor(Date.now() / 1000), payload_hash: "00" })}.${s}`;
    expect(verifyVonageSignature({ signatureSecret: secret, authorization: forged })).toBe(false);
    expect(verifyVonageSignature({ signatureSecret: secret, authorization: undefined })).toBe(
      false,
    );
    expect(verifyVonageSignature({ signatureSecret: secret, authorization: "Bearer a.b" })).toBe(
      false,
    );
  });

  it("refuses alg 'none' and other algorithms, even with a matching HMAC", () => {
    expect(
      verifyVonageSignature({
        signatureSecret: secret,
        authorization: sign(body, {}, { alg: "none" }),
        rawBody: body,
      }),
    ).toBe(false);
    expect(
      verifyVonageSignature({
        signatureSecret: secret,
        authorization: sign(body, {}, { alg: "HS512" }),
        rawBody: body,
      }),
    ).toBe(false);
  });

  it("refuses stale and expired tokens, and a body check without payload_hash", () => {
    const now = Date.now();
    expect(
      verifyVonageSignature({
        signatureSecret: secret,
        authorization: sign(body, { iat: Math.floor(now / 1000) - 301 }),
        rawBody: body,
      }),
    ).toBe(false);
    expect(
      verifyVonageSignature({
        signatureSecret: secret,
        authorization: sign(body, { iat: Math.floor(now / 1000) - 120 }),
        rawBody: body,
        maxAgeSeconds: 60,
      }),
    ).toBe(false);
    expect(
      verifyVonageSignature({
        signatureSecret: secret,
        authorization: sign(body, { exp: Math.floor(now / 1000) - 1 }),
        rawBody: body,
      }),
    ).toBe(false);
    expect(
      verifyVonageSignature({
        signatureSecret: secret,
        authorization: sign(body, { payload_hash: undefined }),
        rawBody: body,
      }),
    ).toBe(false);
    expect(
      verifyVonageSignature({
        signatureSecret: secret,
        authorization: sign(body, { payload_hash: undefined }),
      }),
    ).toBe(true);
  });
});
