/**
 * TOTP-07: the Key URI rules of SECURITY.md part (b), and a QR code that a real decoder
 * (librsvg → zbarimg) reads back to the exact URI.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  base32Decode,
  base32Encode,
  buildKeyUri,
  parseKeyUri,
  qrSvg,
  qrText,
} from "@mfakit/core/totp";
import { bytesToHex } from "@noble/hashes/utils.js";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";

const SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

/** A printable account name or issuer without ':' (what the Key URI format allows). */
const labelPart = fc
  .string({ unit: "grapheme", minLength: 1, maxLength: 40 })
  .filter(
    (s) => !s.includes(":") && s.trim() !== "" && [...s].every((c) => c >= " " && c !== "\u007f"),
  );

describe("buildKeyUri / parseKeyUri (TOTP-07)", () => {
  it("issues SHA1 / 6 / 30 with label prefix, equal issuer parameter and unpadded secret", () => {
    const uri = buildKeyUri({
      issuer: "Contoso",
      accountName: "alice@contoso.com",
      secret: SECRET,
    });
    expect(uri).toBe(`otpauth://totp/Contoso:alice%40contoso.com?secret=${SECRET}&issuer=Contoso`);
    const parsed = parseKeyUri(uri);
    expect(parsed).toEqual({
      type: "totp",
      issuer: "Contoso",
      accountName: "alice@contoso.com",
      secret: SECRET,
      algorithm: "SHA1",
      digits: 6,
      periodSeconds: 30,
      counter: null,
    });
  });

  it("encodes spaces as %20 (never +) in the label and the issuer parameter", () => {
    const uri = buildKeyUri({ issuer: "ACME Co", accountName: "John Doe", secret: SECRET });
    expect(uri).toContain("otpauth://totp/ACME%20Co:John%20Doe?");
    expect(uri).toContain("&issuer=ACME%20Co");
    expect(uri).not.toContain("+");
  });

  it("strips base32 padding from the secret (no '=')", () => {
    const padded = base32Encode(new Uint8Array(32)).padEnd(56, "=");
    const uri = buildKeyUri({ issuer: "X", accountName: "a", secret: padded });
    expect(uri).not.toContain("=" + "=");
    expect(new URL(uri).searchParams.get("secret")).toBe(base32Encode(new Uint8Array(32)));
  });

  it("writes non-default algorithm, digits and period", () => {
    const uri = buildKeyUri({
      issuer: "X",
      accountName: "a",
      secret: SECRET,
      algorithm: "SHA256",
      digits: 8,
      periodSeconds: 60,
    });
    expect(uri).toMatch(/&algorithm=SHA256&digits=8&period=60$/);
    expect(parseKeyUri(uri)).toMatchObject({ algorithm: "SHA256", digits: 8, periodSeconds: 60 });
  });

  it("refuses an issuer or account name containing ':' with invalid_input", () => {
    for (const input of [
      { issuer: "Big:Corp", accountName: "alice" },
      { issuer: "BigCorp", accountName: "alice:admin" },
    ]) {
      expect(() => buildKeyUri({ ...input, secret: SECRET })).toThrow(
        expect.objectContaining({ code: "invalid_input", data: expect.any(Object) }),
      );
    }
  });

  it("refuses empty parts, control characters, bad secrets and unsupported digits", () => {
    const base = { issuer: "X", accountName: "a", secret: SECRET };
    for (const bad of [
      { ...base, accountName: " " },
      { ...base, issuer: "" },
      { ...base, accountName: "a\nb" },
      { ...base, secret: "not base32!" },
      { ...base, secret: "" },
      { ...base, digits: 7 },
    ]) {
      expect(() => buildKeyUri(bad)).toThrow(expect.objectContaining({ code: "invalid_input" }));
    }
    expect(() => buildKeyUri({ ...base, accountName: "a".repeat(129) })).toThrow(
      expect.objectContaining({ code: "input_too_long" }),
    );
  });

  it("round-trips any allowed issuer and account through parseKeyUri and new URL", () => {
    fc.assert(
      fc.property(
        labelPart,
        labelPart,
        fc.uint8Array({ minLength: 20, maxLength: 20 }),
        (issuer, accountName, bytes) => {
          const secret = base32Encode(bytes);
          const uri = buildKeyUri({ issuer, accountName, secret });
          const parsed = parseKeyUri(uri);
          // The wiki allows spaces after the prefix colon, so leading spaces of an account are
          // not preserved by any parser; everything else is.
          expect(parsed.accountName).toBe(accountName.replace(/^ +/, ""));
          expect(parsed.issuer).toBe(issuer);
          expect(base32Decode(parsed.secret)).toEqual(bytes);

          // A standard URL parser agrees: label prefix = issuer parameter, one literal colon.
          const url = new URL(uri);
          expect(url.protocol).toBe("otpauth:");
          expect(url.host).toBe("totp");
          const label = url.pathname.slice(1);
          expect(label.split(":")).toHaveLength(2);
          expect(decodeURIComponent(label.split(":")[0] as string)).toBe(issuer);
          expect(url.searchParams.get("issuer")).toBe(issuer);
          expect(url.searchParams.get("secret")).toBe(secret);
          expect(uri).not.toMatch(/[ +]/);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("parses the wiki's examples", () => {
    const first = parseKeyUri(
      "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
    );
    expect(first).toMatchObject({
      type: "totp",
      issuer: "Example",
      accountName: "alice@google.com",
    });
    expect(bytesToHex(base32Decode(first.secret))).toBe("48656c6c6f21deadbeef");

    const second = parseKeyUri(
      "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30",
    );
    expect(second).toMatchObject({
      issuer: "ACME Co",
      accountName: "john.doe@email.com",
      algorithm: "SHA1",
      digits: 6,
      periodSeconds: 30,
    });
    expect(base32Decode(second.secret)).toHaveLength(20);

    // Label forms of the wiki's ABNF: literal colon, %3A with spaces, no issuer at all.
    expect(parseKeyUri(`otpauth://totp/Provider1:Alice%20Smith?secret=${SECRET}`)).toMatchObject({
      issuer: "Provider1",
      accountName: "Alice Smith",
    });
    expect(
      parseKeyUri(`otpauth://totp/Big%20Corporation%3A%20alice%40bigco.com?secret=${SECRET}`),
    ).toMatchObject({ issuer: "Big Corporation", accountName: "alice@bigco.com" });
    expect(parseKeyUri(`otpauth://totp/alice?secret=${SECRET}`)).toMatchObject({
      issuer: null,
      accountName: "alice",
    });
    expect(parseKeyUri(`otpauth://hotp/X:a?secret=${SECRET}&counter=7`)).toMatchObject({
      type: "hotp",
      counter: 7,
    });
  });

  it("refuses what is not a usable Key URI", () => {
    for (const bad of [
      `https://totp/X:a?secret=${SECRET}`,
      `otpauth://motp/X:a?secret=${SECRET}`,
      "otpauth://totp/X:a?issuer=X",
      `otpauth://totp/X:?secret=${SECRET}`,
      `otpauth://totp/X:a?secret=${SECRET}&algorithm=MD5`,
      `otpauth://totp/X:a?secret=${SECRET}&digits=7`,
      `otpauth://totp/X:a?secret=${SECRET}&period=0`,
      `otpauth://totp/X:%E0%A4%A?secret=${SECRET}`,
      `otpauth://hotp/X:a?secret=${SECRET}`,
    ]) {
      expect(() => parseKeyUri(bad), bad).toThrow(
        expect.objectContaining({ code: "invalid_input" }),
      );
    }
  });
});

describe("QR code (TOTP-07)", () => {
  const dir = mkdtempSync(join(tmpdir(), "mfakit-qr-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Renders an SVG with librsvg and decodes it with zbar: a real scanner's view. */
  const decode = (svg: string, name: string): string => {
    const svgPath = join(dir, `${name}.svg`);
    const pngPath = join(dir, `${name}.png`);
    writeFileSync(svgPath, svg);
    execFileSync("rsvg-convert", ["-o", pngPath, svgPath]);
    // stdio "pipe": zbar's D-Bus chatter on stderr stays out of the test output.
    return execFileSync("zbarimg", ["--raw", "-q", pngPath], {
      encoding: "utf8",
      stdio: "pipe",
    }).replace(/\n$/, "");
  };

  it.each([
    ["plain", { issuer: "Contoso", accountName: "alice@contoso.com" }],
    ["spaces and unicode", { issuer: "ACME Co", accountName: "Zoë Ångström+test@example.org" }],
    [
      "long",
      { issuer: "Big Corporation International", accountName: `${"x".repeat(100)}@example.com` },
    ],
  ])("the SVG decodes to exactly the otpauth URI (%s)", (name, parts) => {
    const secret = base32Encode(globalThis.crypto.getRandomValues(new Uint8Array(20)));
    const uri = buildKeyUri({ ...parts, secret, algorithm: "SHA256", digits: 8 });
    expect(decode(qrSvg(uri), name.replace(/\W/g, "-"))).toBe(uri);
  });

  it("renders terminal block art with one line per two module rows", () => {
    const text = qrText("otpauth://totp/X:a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=X");
    const lines = text.split("\n").filter((l) => l.length > 0);
    expect(lines.length).toBeGreaterThan(10);
    expect(new Set(lines.map((l) => [...l].length)).size).toBe(1);
    expect(text).toMatch(/^[█▀▄ \n]+$/u);
  });
});
