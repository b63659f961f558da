import { isMfaError } from "@mfakit/core";
import {
  assertStoreKey,
  assertUserId,
  MAX_STORE_KEY_BYTES,
  MAX_USER_ID_LENGTH,
  prefixUpperBound,
  userKey,
} from "@mfakit/core/adapter";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return isMfaError(e) ? e.code : "other";
  }
  return "ok";
};

describe("store keys for adapters (REL-07)", () => {
  it("accepts well-formed keys up to 512 UTF-8 bytes, counted exactly", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 300 }), (key) => {
        const clean = key.replaceAll("\u0000", "");
        const fits = Buffer.byteLength(clean) <= MAX_STORE_KEY_BYTES;
        expect(codeOf(() => assertStoreKey(clean, "key"))).toBe(fits ? "ok" : "input_too_long");
      }),
    );
    expect(codeOf(() => assertStoreKey("😀".repeat(128), "key"))).toBe("ok");
    expect(codeOf(() => assertStoreKey(`${"😀".repeat(128)}a`, "key"))).toBe("input_too_long");
  });

  it("refuses what a SQL backend cannot keep as itself: lone surrogates, NUL, non-strings", () => {
    for (const key of ["a\ud800", "\udc00b", "a\u0000", 42]) {
      expect(codeOf(() => assertStoreKey(key, "key"))).toBe("invalid_input");
    }
  });

  it("prefixUpperBound bounds exactly the strings that start with the prefix (code point order)", () => {
    const byCodePoint = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b)); // UTF-8 bytes: the SQL collations' order
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 4 }),
        fc.string({ unit: "grapheme", maxLength: 6 }),
        (prefix, key) => {
          const upper = prefixUpperBound(prefix);
          const inRange =
            byCodePoint(key, prefix) >= 0 && (upper === null || byCodePoint(key, upper) < 0);
          expect(inRange).toBe(key.startsWith(prefix));
        },
      ),
    );
    expect(prefixUpperBound("")).toBeNull();
    expect(prefixUpperBound("\u{10ffff}")).toBeNull();
    expect(prefixUpperBound("a\u{10ffff}")).toBe("b");
    expect(prefixUpperBound("a\ud7ff")).toBe("a\ue000");
  });
});

describe("user ids (REL-07)", () => {
  it("refuses a lone surrogate anywhere with invalid_input on userId, never a URIError", () => {
    for (const id of [
      "\ud800",
      "alice\udfff",
      "\udc00\ud800",
      `${"a".repeat(127)}😀`.slice(0, 128),
    ]) {
      expect(codeOf(() => assertUserId(id))).toBe("invalid_input");
      expect(codeOf(() => userKey(id, "totp", "x"))).toBe("invalid_input");
    }
    expect(() => assertUserId("a\ud800")).toThrow(
      expect.objectContaining({ data: { field: "userId" } }),
    );
  });

  it("accepts well-formed ids, astral characters included, up to the length limit", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 1, maxLength: 60 }), (id) => {
        const clean = Array.from(id, (c) => (c < " " || c === "\u007f" ? "x" : c)).join("");
        const fits = clean.length <= MAX_USER_ID_LENGTH;
        expect(codeOf(() => assertUserId(clean))).toBe(fits ? "ok" : "input_too_long");
      }),
    );
    expect(userKey("😀", "totp")).toBe("mfa:{%F0%9F%98%80}:totp");
    expect(codeOf(() => assertUserId("x".repeat(MAX_USER_ID_LENGTH + 1)))).toBe("input_too_long");
    expect(codeOf(() => assertUserId(`${"x".repeat(1 << 20)}\ud800`))).toBe("input_too_long");
  });
});
