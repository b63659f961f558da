import {
  isTenantDomain,
  MAX_EMAIL_LENGTH,
  MAX_LOCAL_PART_LENGTH,
  type PhoneUse,
  parsePhone,
  parseRecoveryEmail,
} from "@mfakit/core/rules";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { acceptedOrNull, mfaErrorOf } from "./rules-support.js";

const runs = { numRuns: 2_000 };

// --- domains -------------------------------------------------------------------------------

const letters = "abcdefghijklmnopqrstuvwxyz";
const ldh = `${letters}0123456789-`;
const label = fc
  .tuple(
    fc.constantFrom(...letters),
    fc.string({ unit: fc.constantFrom(...ldh), maxLength: 10 }),
    fc.constantFrom(...letters, ..."0123456789"),
  )
  .map(([a, middle, z]) => a + middle + z);
const tld = fc.string({ unit: fc.constantFrom(...letters), minLength: 2, maxLength: 6 });
const tenantDomain = fc
  .tuple(fc.array(label, { minLength: 1, maxLength: 3 }), tld)
  .map(([labels, top]) => [...labels, top].join("."));
/** The dots UTS #46 maps to "." (MAIL-03). */
const dot = fc.constantFrom(".", "\u3002", "\uFF0E", "\uFF61");

/** Random case, random dots, maybe a ZWSP or soft hyphen inside, maybe one trailing dot. */
const disguise = (domain: string) =>
  fc
    .tuple(
      fc.array(fc.boolean(), { minLength: domain.length, maxLength: domain.length }),
      fc.array(dot, { minLength: domain.length, maxLength: domain.length }),
      fc.constantFrom("", "\u200B", "\u00AD"),
      fc.nat(),
      fc.boolean(),
    )
    .map(([upper, dots, ignorable, at, trailingDot]) => {
      const chars = [...domain].map((c, i) =>
        c === "." ? (dots[i] ?? ".") : upper[i] ? c.toUpperCase() : c,
      );
      chars.splice(1 + (at % (chars.length - 1)), 0, ignorable);
      return chars.join("") + (trailingDot ? "." : "");
    });

describe("tenant-domain test, properties (MAIL-03, MAIL-04)", () => {
  it("MAIL-03: any subdomain of a tenant domain, however written, is refused", () => {
    fc.assert(
      fc.property(
        tenantDomain,
        fc.array(label, { maxLength: 3 }),
        fc.string({ unit: fc.constantFrom(...letters), minLength: 1, maxLength: 8 }),
        (tenant, sub, local) =>
          fc.assert(
            fc.property(disguise([...sub, tenant].join(".")), (written) => {
              expect(isTenantDomain(written, [tenant])).toBe(true);
              const refused = mfaErrorOf(() =>
                parseRecoveryEmail(`${local}@${written}`, { tenantDomains: [tenant] }),
              );
              expect(refused.code).toBe("email_domain_not_allowed");
            }),
            { numRuns: 3 },
          ),
      ),
      { numRuns: 500 },
    );
  });

  it("MAIL-03: a domain that only ends with the same characters, off a label boundary, is allowed", () => {
    fc.assert(
      fc.property(
        tenantDomain,
        label,
        fc.array(label, { maxLength: 2 }),
        fc.constantFrom("", "-"),
        (tenant, prefix, more, joiner) => {
          // "notcontoso.com", "not-contoso.com", "a.notcontoso.com": same suffix, no boundary.
          const lookalike = [...more, `${prefix}${joiner}${tenant}`].join(".");
          expect(isTenantDomain(lookalike, [tenant])).toBe(false);
          // The tenant domain as a subdomain of someone else's is not the tenant's either.
          expect(isTenantDomain(`${tenant}.${prefix}.org`, [tenant])).toBe(false);
          expect(parseRecoveryEmail(`a@${lookalike}`, { tenantDomains: [tenant] }).domain).toBe(
            lookalike,
          );
        },
      ),
      runs,
    );
  });
});

// --- phones --------------------------------------------------------------------------------

const phoneChars = fc.constantFrom(
  ..."0123456789+-. ()/#;=xX",
  ..."extEXT:tel",
  "\uFF0B",
  "\uFF11",
  "\u0664",
  "\u06F4",
  "\u200B",
  "\u00AD",
  "\u00A0",
  "\u0000",
  "\n",
  "\uD83D",
  "😀",
);
/** Numbers that are mostly valid: a real prefix, random digits, random separators and scripts. */
const digitScripts = ["0", "\uFF10", "\u0660", "\u06F0"].map((zero) => zero.codePointAt(0) ?? 48);
const plausible = fc
  .tuple(
    fc.constantFrom(
      ["+44 7400", 6],
      ["+44 20 7946", 4],
      ["+1 213", 7],
      ["+1 800", 7],
      ["+33 6", 8],
      ["+33 1", 8],
      ["+49 151", 8],
      ["+81 90", 8],
      ["+61 4", 8],
      ["+91 98", 8],
      ["+870 77", 7],
    ),
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 9 }),
    fc.array(fc.constantFrom("", "", " ", "-", ".", "\u200B"), { minLength: 9, maxLength: 9 }),
    fc.constantFrom(...digitScripts),
    fc.constantFrom("", "", " x12", " ext. 3", ";ext=4567890123"),
  )
  .map(([[prefix, count], digits, separators, zero, extension]) => {
    const rest = digits
      .slice(0, Number(count))
      .map((d, i) => (separators[i] ?? "") + String.fromCodePoint(zero + d))
      .join("");
    return prefix + rest + extension;
  });
const phoneLike = fc.oneof(
  fc.string({ unit: phoneChars, maxLength: 100 }),
  fc.string({ maxLength: 100 }),
  fc.string({ unit: "grapheme", maxLength: 100 }),
  fc
    .tuple(
      fc.constantFrom("+1", "+44", "+33", "+49", "+81", "+870", "+800", "+"),
      fc.stringMatching(/^[0-9 ]{0,20}$/),
    )
    .map(([cc, rest]) => cc + rest),
  { arbitrary: plausible, weight: 4 },
);
const use = fc.constantFrom<PhoneUse>("sms", "voice", "office");
const country = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 4 },
  { arbitrary: fc.constantFrom("GB", "US", "FR", "DE", "JP", "gb"), weight: 3 },
  { arbitrary: fc.constantFrom("XX", "001", "", "GBR"), weight: 1 },
);
const extensionField = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 6 },
  { arbitrary: fc.stringMatching(/^\d{0,11}$/), weight: 1 },
  { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
);
const E164 = /^\+[1-9]\d{1,14}$/;

describe("parsePhone, properties (PHONE-01, REL-07)", () => {
  it("PHONE-01: never throws anything but MfaError; what it accepts is E.164 and re-parses to itself", () => {
    let accepted = 0;
    fc.assert(
      fc.property(phoneLike, country, use, extensionField, (number, c, u, extension) => {
        const p = acceptedOrNull(() => parsePhone({ number, country: c, use: u, extension }));
        if (p === null) return;
        accepted++;
        expect(p.e164).toMatch(E164);
        expect(parsePhone({ number: p.e164, use: u }).e164).toBe(p.e164);
        expect(parsePhone({ number: p.international, use: u }).e164).toBe(p.e164);
        expect(parsePhone({ number: p.national, country: p.country, use: u }).e164).toBe(p.e164);
        if (u !== "office") expect(p.extension).toBeNull();
        if (p.extension !== null) expect(p.extension).toMatch(/^\d{1,10}$/);
      }),
      { numRuns: 5_000 },
    );
    // The property says something only if a fair share of inputs is accepted.
    expect(accepted).toBeGreaterThan(500);
  });
});

// --- emails --------------------------------------------------------------------------------

const emailChars = fc.constantFrom(
  ..."abcXYZ019.+-_@\"'`()<>[]:;,\\/ %#?!",
  "\r",
  "\n",
  "\t",
  "\u0000",
  "\u007f",
  "\u00A0",
  "\u200B",
  "\u00AD",
  "\u3002",
  "\uFF0E",
  "\uFF20",
  "\uFF0F",
  "ü",
  "ß",
  "ς",
  "\u0301",
  "\uD800",
  "😀",
);
const emailLike = fc.oneof(
  fc.string({ unit: emailChars, maxLength: 120 }),
  fc.string({ maxLength: 340 }),
  fc.string({ unit: "grapheme", maxLength: 120 }),
  fc.emailAddress(),
  fc
    .tuple(fc.emailAddress(), fc.array(fc.constantFrom(..."Ü.。．\u200B-"), { maxLength: 5 }))
    .map(([e, extra]) => e + extra.join("")),
);
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we look for
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

describe("parseRecoveryEmail, properties (MAIL-01, MAIL-03, REL-07)", () => {
  it("MAIL-01: never throws anything but MfaError; what it accepts fits the limits", () => {
    let accepted = 0;
    fc.assert(
      fc.property(emailLike, (input) => {
        const r = acceptedOrNull(() =>
          parseRecoveryEmail(input, { tenantDomains: ["contoso.com"] }),
        );
        if (r === null) return;
        accepted++;
        const octets = (s: string) => new TextEncoder().encode(s).length;
        expect(octets(r.local)).toBeLessThanOrEqual(MAX_LOCAL_PART_LENGTH);
        expect(octets(r.address)).toBeLessThanOrEqual(MAX_EMAIL_LENGTH);
        expect(r.address).not.toMatch(CONTROL);
        expect(r.address).not.toMatch(/\s/);
        expect(r.address).toBe(`${r.local}@${r.domain}`);
        expect(r.domain).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
        // Accepting is stable: the normalised address parses to itself.
        expect(parseRecoveryEmail(r.address, { tenantDomains: ["contoso.com"] })).toEqual(r);
      }),
      { numRuns: 5_000 },
    );
    expect(accepted).toBeGreaterThan(500);
  });
});
