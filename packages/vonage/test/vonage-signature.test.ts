import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  type VonageSignatureMethod,
  verifyVonageSignature,
  verifyVonageSmsSignature,
} from "../src/index.js";

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

  it("refuses a token over a body when rawBody is left out: a tampered body must not verify", () => {
    const token = sign(body);
    // The token carries payload_hash, so the request had a body that nobody hashed.
    expect(verifyVonageSignature({ signatureSecret: secret, authorization: token })).toBe(false);
    const withBody = (rawBody: string) =>
      verifyVonageSignature({ signatureSecret: secret, authorization: token, rawBody });
    expect(withBody(body.replace("answered", "completed"))).toBe(false);
    expect(withBody(body)).toBe(true);
    // A token without payload_hash (a request without a body) and an empty body.
    const bodiless = sign("", { payload_hash: undefined });
    expect(
      verifyVonageSignature({ signatureSecret: secret, authorization: bodiless, rawBody: "" }),
    ).toBe(true);
  });
});

describe("verifyVonageSmsSignature (SMS API signed webhooks, sig)", () => {
  // The vectors of Vonage's Python SDK (tests/test_vonage.py / test_signature*): parameters
  // a=1, b=2, timestamp=1461605396, signature secret "secret".
  const nowMs = 1461605396_000;
  const base = { a: "1", b: "2", timestamp: "1461605396" };
  const vectors: Record<VonageSignatureMethod, string> = {
    md5hash: "6af838ef94998832dbfc29020b564830",
    md5hmac: "c15c21ced558c93a226c305f58f902f2",
    sha1hmac: "3e19a4e6880fdc2c1426bfd0587c98b9532f0210",
    sha256hmac: "a321e824b9b816be7c3f28859a31749a098713d39f613c80d455bbaffae1cd24",
    sha512hmac:
      "812a18f76680fa0fe1b8bd9ee1625466ceb1bd96242e4d050d2cfd9a7b40166c63ed26ec9702168781b6edcf1633db8ff95af9341701004eec3fcf9550572ee8",
  };
  const methods = Object.keys(vectors) as VonageSignatureMethod[];
  const verify = (
    method: VonageSignatureMethod,
    params: Record<string, string> | URLSearchParams,
    extra: { maxAgeSeconds?: number; nowMs?: number; signatureSecret?: string } = {},
  ) => verifyVonageSmsSignature({ signatureSecret: "secret", method, params, nowMs, ...extra });

  it.each(methods)("STORE-03: accepts Vonage's %s vector (lower or upper case hex)", (method) => {
    expect(verify(method, { ...base, sig: vectors[method] })).toBe(true);
    expect(verify(method, { ...base, sig: vectors[method].toUpperCase() })).toBe(true);
    expect(verify(method, new URLSearchParams({ ...base, sig: vectors[method] }))).toBe(true);
  });

  it.each(methods)(
    "refuses %s with a changed value, an added parameter, another secret or method",
    (method) => {
      const sig = vectors[method];
      expect(verify(method, { ...base, b: "3", sig })).toBe(false);
      expect(verify(method, { ...base, c: "", sig })).toBe(false);
      expect(verify(method, { ...base, sig }, { signatureSecret: "secreT" })).toBe(false);
      // Each method only accepts its own digest: no trying the others (no downgrade to md5hash).
      for (const other of methods) {
        if (other !== method) expect(verify(other, { ...base, sig })).toBe(false);
      }
      expect(verify(method, { ...base, sig: sig.slice(0, -1) })).toBe(false);
      expect(verify(method, { ...base, sig: "" })).toBe(false);
      expect(verify(method, base)).toBe(false);
    },
  );

  it("refuses a stale or future timestamp (replay window), a missing one, and a repeated name", () => {
    const sig = vectors.sha256hmac;
    expect(verify("sha256hmac", { ...base, sig }, { nowMs: nowMs + 301_000 })).toBe(false);
    expect(verify("sha256hmac", { ...base, sig }, { nowMs: nowMs - 301_000 })).toBe(false);
    expect(verify("sha256hmac", { ...base, sig }, { nowMs: nowMs + 299_000 })).toBe(true);
    expect(
      verify("sha256hmac", { ...base, sig }, { nowMs: nowMs + 61_000, maxAgeSeconds: 60 }),
    ).toBe(false);
    const { timestamp: _, ...noTimestamp } = base;
    expect(verify("sha256hmac", { ...noTimestamp, sig })).toBe(false);
    const repeated = new URLSearchParams({ ...base, sig });
    repeated.append("b", "2");
    expect(verify("sha256hmac", repeated)).toBe(false);
    expect(verify("nonsense" as VonageSignatureMethod, { ...base, sig })).toBe(false);
  });

  it("signs '&' and '=' inside values as '_', as Vonage documents", () => {
    const params = { text: "a&b=c", timestamp: "1461605396", to: "447700900001" };
    // Written out by hand from the documentation's rules, not by the code under test.
    const signed = "&text=a_b_c&timestamp=1461605396&to=447700900001";
    const sig = createHmac("sha256", "secret").update(signed).digest("hex");
    expect(verify("sha256hmac", { ...params, sig })).toBe(true);
    const md5 = createHash("md5").update(`${signed}secret`).digest("hex");
    expect(verify("md5hash", { ...params, sig: md5 })).toBe(true);
    expect(verify("sha256hmac", { ...params, text: "a_b_c", sig })).toBe(true);
    expect(verify("sha256hmac", { ...params, text: "a&b=d", sig })).toBe(false);
  });
});
