/**
 * TOTP-07: the Key URI rules of SECURITY.md part (b), and a QR code that a real decoder
 * (librsvg → zbarimg) reads back to the exact URI.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isMfaError } from "@mfakit/core";
import {
  assertKeyUriLabelPart,
  base32Decode,
  base32Encode,
  buildKeyUri,
  MAX_KEY_URI_LABEL_PART,
  parseKeyUri,
  qrSvg,
  qrText,
} from "@mfakit/core/totp";
import { bytesToHex } from "@noble/hashes/utils.js";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
// Not yet re-exported by the package index (the lead adds it there).
import { accountLabel, MAX_KEY_URI_LENGTH } from "../src/totp/key-uri.js";

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

/** The error code `f` throws, `"ok"` if none, `"other"` for anything but an MfaError. */
const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return isMfaError(e) ? e.code : `other: ${String(e)}`;
  }
  return "ok";
};

/** Any string of code points, lone surrogates and controls included. */
const anyString = (maxLength: number) =>
  fc
    .array(
      fc.oneof(
        fc.integer({ min: 0, max: 0x10ffff }),
        fc.integer({ min: 0xd800, max: 0xdfff }),
        fc.constantFrom(0x3a, 0x20, 0x00, 0x7f, 0x1f600),
      ),
      { maxLength },
    )
    .map((points) => String.fromCodePoint(...points));

describe("label parts that cannot become a Key URI (TOTP-07, REL-07)", () => {
  const base = { issuer: "Contoso", secret: SECRET };

  it("a lone surrogate anywhere is invalid_input, never a URIError", () => {
    const emojiCut = `${"a".repeat(127)}😀`.slice(0, 128); // what a UTF-16 slice at 128 leaves
    for (const accountName of [emojiCut, "\ud800", "a\udc00b", "\udc00\ud800", "x\ud83d"]) {
      expect(codeOf(() => buildKeyUri({ ...base, accountName }))).toBe("invalid_input");
    }
    expect(codeOf(() => buildKeyUri({ ...base, issuer: "Con\udfff" } as never))).toBe(
      "invalid_input",
    );
  });

  it("any string either builds a URI or throws an MfaError (no URIError, no RangeError)", () => {
    fc.assert(
      fc.property(anyString(200), (accountName) => {
        const code = codeOf(() => buildKeyUri({ ...base, accountName }));
        expect(["ok", "invalid_input", "input_too_long"]).toContain(code);
      }),
      { numRuns: 500 },
    );
  });

  it("the 128-character limit counts code points: 128 emoji pass, 129 do not", () => {
    const emoji = "😀".repeat(MAX_KEY_URI_LABEL_PART);
    expect(parseKeyUri(buildKeyUri({ ...base, accountName: emoji })).accountName).toBe(emoji);
    expect(codeOf(() => buildKeyUri({ ...base, accountName: `${emoji}😀` }))).toBe(
      "input_too_long",
    );
  });

  it("REL-07: a 1 MB name is input_too_long, refused before it is scanned (the ':' and lone surrogate at its end are never reached)", () => {
    const huge = `${"x".repeat(1 << 20)}:\ud800`;
    const started = performance.now();
    expect(codeOf(() => assertKeyUriLabelPart(huge, "accountName"))).toBe("input_too_long");
    expect(performance.now() - started).toBeLessThan(200);
  });

  it("a URI that no QR code can hold is input_too_long", () => {
    const wide = "😀".repeat(MAX_KEY_URI_LABEL_PART);
    expect(codeOf(() => buildKeyUri({ ...base, issuer: wide, accountName: wide }))).toBe(
      "input_too_long",
    );
    const longest = buildKeyUri({ ...base, accountName: wide });
    expect(longest.length).toBeLessThanOrEqual(MAX_KEY_URI_LENGTH);
    expect(qrSvg(longest)).toMatch(/^<svg/);
  });
});

describe("accountLabel (TOTP-07)", () => {
  it("keeps an emoji at character 127 whole, where a UTF-16 slice would cut it", () => {
    const raw = `${"a".repeat(127)}😀bc`;
    expect(accountLabel(raw)).toBe(`${"a".repeat(127)}😀`);
    expect(codeOf(() => assertKeyUriLabelPart(accountLabel(raw), "accountName"))).toBe("ok");
  });

  it("replaces ':', lone surrogates and controls; trims; never returns a blank", () => {
    expect(accountLabel("alice:admin@contoso.com")).toBe("alice_admin@contoso.com");
    expect(accountLabel("a\ud800b\udc00")).toBe("a\ufffdb\ufffd");
    expect(accountLabel(" a\tb\n")).toBe("a b");
    expect(accountLabel("")).toBe("account");
    expect(accountLabel(" \u0000 ")).toBe("account");
    expect(accountLabel("alice@contoso.com")).toBe("alice@contoso.com");
  });

  it("REL-07: a 1 MB string gives a 128-character label at once", () => {
    const started = performance.now();
    const label = accountLabel("😀".repeat(1 << 19));
    expect(performance.now() - started).toBeLessThan(200);
    expect([...label]).toHaveLength(MAX_KEY_URI_LABEL_PART);
  });

  it("turns any string into a label that buildKeyUri accepts, and is idempotent", () => {
    fc.assert(
      fc.property(anyString(300), (raw) => {
        const label = accountLabel(raw);
        expect(
          codeOf(() => buildKeyUri({ issuer: "Contoso", accountName: label, secret: SECRET })),
        ).toBe("ok");
        expect(accountLabel(label)).toBe(label);
      }),
      { numRuns: 500 },
    );
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
