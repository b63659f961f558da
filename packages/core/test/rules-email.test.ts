import {
  isTenantDomain,
  MAX_EMAIL_INPUT_LENGTH,
  maskEmail,
  normaliseDomain,
  parseRecoveryEmail,
} from "@mfakit/core/rules";
import { describe, expect, it } from "vitest";
import { mfaErrorOf } from "./rules-support.js";

const tenant = { tenantDomains: ["contoso.com", "contoso.onmicrosoft.com", "fabrikam.co.uk"] };
const email = (input: string) => parseRecoveryEmail(input, tenant);

describe("parseRecoveryEmail: tenant domains (MAIL-03, MAIL-04)", () => {
  it.each([
    ["the tenant domain", "user@contoso.com", "contoso.com"],
    ["upper case", "user@CONTOSO.COM", "contoso.com"],
    ["upper case and a trailing dot", "user@CONTOSO.COM.", "contoso.com"],
    ["a subdomain", "user@mail.contoso.com", "mail.contoso.com"],
    ["a deep subdomain", "user@a.b.c.contoso.com", "a.b.c.contoso.com"],
    ["the initial onmicrosoft domain", "admin@contoso.onmicrosoft.com", "contoso.onmicrosoft.com"],
    ["full-width full stop U+FF0E", "user@contoso．com", "contoso.com"],
    ["ideographic full stop U+3002", "user@contoso。com", "contoso.com"],
    ["halfwidth ideographic full stop U+FF61", "user@contoso｡com", "contoso.com"],
    ["a trailing ideographic full stop", "user@contoso.com。", "contoso.com"],
    ["an embedded ZWSP", "user@con\u200Btoso.com", "contoso.com"],
    ["an embedded soft hyphen", "user@con\u00ADtoso.com", "contoso.com"],
    ["full-width letters", "user@ｃｏｎｔｏｓｏ.com", "contoso.com"],
    ["a multi-label tenant domain", "user@sales.FABRIKAM.co.uk", "sales.fabrikam.co.uk"],
  ])("MAIL-03: %s is refused (%s)", (_what, input, domain) => {
    expect(mfaErrorOf(() => email(input))).toEqual({
      code: "email_domain_not_allowed",
      data: { domain },
    });
  });

  it.each([
    [
      "a name that ends with the tenant's, without a label boundary",
      "user@notcontoso.com",
      "notcontoso.com",
    ],
    [
      "the tenant domain as a subdomain of another",
      "user@contoso.com.evil.org",
      "contoso.com.evil.org",
    ],
    ["a different TLD", "user@contoso.org", "contoso.org"],
    ["a parent of a tenant domain", "user@co.uk", "co.uk"],
    ["a sibling of a multi-label tenant domain", "user@fabrikam.com", "fabrikam.com"],
  ])("MAIL-03: %s is allowed (%s)", (_what, input, domain) => {
    expect(email(input).domain).toBe(domain);
  });

  it("MAIL-04: tenant domains are normalised like the address (Unicode, case, trailing dot)", () => {
    const options = { tenantDomains: ["Bücher.Example.", "CONTOSO．COM"] };
    for (const input of [
      "a@bücher.example",
      "a@xn--bcher-kva.example",
      "a@shop.BÜCHER.example",
      "a@contoso.com",
    ]) {
      expect(mfaErrorOf(() => parseRecoveryEmail(input, options)).code).toBe(
        "email_domain_not_allowed",
      );
    }
    expect(parseRecoveryEmail("a@bucher.example", options).domain).toBe("bucher.example");
  });

  it("MAIL-04: no tenant domains refuses no domain", () => {
    expect(parseRecoveryEmail("a@contoso.com", { tenantDomains: [] }).domain).toBe("contoso.com");
  });

  it("config_invalid: a tenant domain that is not a domain fails loudly", () => {
    const err = mfaErrorOf(() =>
      parseRecoveryEmail("a@example.com", { tenantDomains: ["contoso.com/x"] }),
    );
    expect(err).toEqual({ code: "config_invalid", data: { field: "tenantDomains" } });
  });
});

describe("parseRecoveryEmail: accepted forms (MAIL-02, MAIL-05)", () => {
  it("MAIL-02: keeps the local part as entered and normalises the domain", () => {
    expect(email("  Ann.Lee+MFA@Gmail.COM.\t")).toEqual({
      address: "Ann.Lee+MFA@gmail.com",
      local: "Ann.Lee+MFA",
      domain: "gmail.com",
      masked: "A•••@gmail.com",
    });
  });

  it.each([
    ["sub-addressing", "user+tag@example.com"],
    ["sub-addressing with a dash", "user-tag@example.com"],
    ["an apostrophe", "o'brien@example.ie"],
    ["every atext symbol but the backtick", "a!#$%&'*+/=?^_{|}~-z@example.com"],
    ["dots between atoms", "first.middle.last@example.com"],
    ["digits only", "12345@example.com"],
    ["a hyphenated domain", "a@my-mail.example.com"],
    ["an A-label domain", "a@xn--bcher-kva.example"],
    ["a punycode TLD", "a@example.xn--p1ai"],
  ])("MAIL-05: %s is valid", (_what, input) => {
    const r = email(input);
    expect(r.address).toBe(input);
  });

  it("MAIL-03: converts U-labels to A-labels (UTS #46)", () => {
    expect(email("a@Bücher.example").domain).toBe("xn--bcher-kva.example");
    expect(email("a@münchen.de").address).toBe("a@xn--mnchen-3ya.de");
    expect(email("a@faß.de").domain).toBe("xn--fa-hia.de");
    expect(email("a@пример.рф").domain).toBe("xn--e1afmkfd.xn--p1ai");
  });
});

describe("parseRecoveryEmail: refused syntax (MAIL-01, MAIL-03, MAIL-05)", () => {
  it.each([
    ["a display name", "Ann <ann@example.com>"],
    ["angle brackets", "<ann@example.com>"],
    ["a comment", "ann(comment)@example.com"],
    ["a quoted local part", '"ann lee"@example.com'],
    ["a quoted local part with an @", '"a@b"@example.com'],
    ["an IPv4 address literal", "ann@[192.0.2.1]"],
    ["an IPv6 address literal", "ann@[IPv6:2001:db8::1]"],
    ["a bare IPv4 address", "ann@192.0.2.1"],
    ["a hex last label (IPv4 to a URL parser)", "ann@example.0x7f"],
    ["an all-numeric TLD", "ann@example.123"],
    ["no @", "ann.example.com"],
    ["two @", "ann@lee@example.com"],
    ["an empty local part", "@example.com"],
    ["an empty domain", "ann@"],
    ["a leading dot", ".ann@example.com"],
    ["a trailing dot in the local part", "ann.@example.com"],
    ["two dots in a row", "ann..lee@example.com"],
    ["a space inside", "ann lee@example.com"],
    ["a backtick", "ann`id`@example.com"],
    ["a double quote", 'ann"@example.com'],
    ["a backslash", "ann\\@example.com"],
    ["a comma", "ann,lee@example.com"],
    ["a non-ASCII local part", "ännchen@example.com"],
    ["a full-width local part", "ａｎｎ@example.com"],
    ["CR LF header injection", "ann@example.com\r\nBcc: x@evil.org"],
    ["LF inside", "ann\n@example.com"],
    ["NUL", "ann\u0000@example.com"],
    ["DEL", "ann\u007f@example.com"],
    ["a tab inside the domain", "ann@exa\tmple.com"],
    ["a single-label domain", "ann@localhost"],
    ["an empty label", "ann@example..com"],
    ["two trailing dots", "ann@example.com.."],
    ["a leading dot in the domain", "ann@.example.com"],
    ["a label starting with a hyphen", "ann@-example.com"],
    ["a label ending with a hyphen", "ann@example-.com"],
    ["an underscore", "ann@exa_mple.com"],
    ["a path", "ann@example.com/evil.org"],
    ["a port", "ann@example.com:25"],
    ["a query", "ann@example.com?x"],
    ["a fragment", "ann@example.com#x"],
    ["a backslash in the domain", "ann@example.com\\evil.org"],
    ["percent-encoding", "ann@ex%61mple.com"],
    ["a broken A-label", "ann@xn--abc.com"],
    ["a ZWJ label (UTS #46 refuses it)", "ann@\u200D.com"],
    ["a combining mark first", "ann@\u0301a.com"],
    ["a full-width solidus (maps to /)", "ann@example.com／evil.org"],
    ["a full-width commercial at", "ann@example.com＠evil.org"],
    ["an ideographic space", "ann@exam\u3000ple.com"],
  ])("invalid_email: %s", (_what, input) => {
    expect(mfaErrorOf(() => email(input)).code).toBe("invalid_email");
  });

  it("MAIL-01: local part up to 64 octets", () => {
    const local = "a".repeat(64);
    expect(email(`${local}@example.com`).local).toBe(local);
    expect(mfaErrorOf(() => email(`a${local}@example.com`))).toEqual({
      code: "invalid_email",
      data: { field: "local", reason: "too_long" },
    });
  });

  it("MAIL-01: DNS labels up to 63 octets", () => {
    const label = "b".repeat(63);
    expect(email(`a@${label}.com`).domain).toBe(`${label}.com`);
    expect(mfaErrorOf(() => email(`a@b${label}.com`)).data.reason).toBe("labels");
  });

  it("MAIL-01: whole address up to 254 octets", () => {
    const local = "a".repeat(64);
    const domain = (last: number) => `${"d".repeat(63)}.${"d".repeat(63)}.${"d".repeat(last)}.com`;
    const fits = `${local}@${domain(57)}`;
    expect(fits).toHaveLength(254);
    expect(email(fits).address).toBe(fits);
    const over = `${local}@${domain(58)}`;
    expect(over).toHaveLength(255);
    expect(mfaErrorOf(() => email(over))).toEqual({
      code: "invalid_email",
      data: { field: "address", reason: "too_long" },
    });
  });

  it("MAIL-01: the whole-address limit applies to the A-label form", () => {
    // 20 "ü" are a 20-character U-label but a 26-octet A-label ("xn--tdaaa…").
    const u = "ü".repeat(20);
    const input = `${"a".repeat(64)}@${Array(8).fill(u).join(".")}.com`;
    expect(input.length).toBeLessThan(254);
    expect(mfaErrorOf(() => email(input))).toEqual({
      code: "invalid_email",
      data: { field: "address", reason: "too_long" },
    });
  });

  it("REL-07: input over 320 characters is refused before any work", () => {
    const padded = `a@example.com${" ".repeat(MAX_EMAIL_INPUT_LENGTH - 13)}`;
    expect(email(padded).address).toBe("a@example.com");
    expect(mfaErrorOf(() => email(`${padded} `))).toEqual({
      code: "input_too_long",
      data: { field: "email", max: 320 },
    });
    expect(mfaErrorOf(() => email("a".repeat(1_000_000))).code).toBe("input_too_long");
  });

  it("MAIL-03: only ASCII whitespace is trimmed, and only at the ends", () => {
    expect(email("\t\n\f\r a@example.com \r\n").address).toBe("a@example.com");
    expect(mfaErrorOf(() => email("\u00A0a@example.com")).code).toBe("invalid_email");
    expect(mfaErrorOf(() => email("a@example.com\u3000")).code).toBe("invalid_email");
  });
});

describe("normaliseDomain (MAIL-03)", () => {
  it.each([
    ["CONTOSO.COM.", "contoso.com"],
    ["contoso．com", "contoso.com"],
    ["contoso。com", "contoso.com"],
    ["contoso｡com", "contoso.com"],
    ["con\u200Btoso.com", "contoso.com"],
    ["con\u00ADtoso.com", "contoso.com"],
    ["Bücher.Example。", "xn--bcher-kva.example"],
    ["XN--BCHER-KVA.example", "xn--bcher-kva.example"],
    ["ab--cd.example", "ab--cd.example"],
  ])("%j → %j", (input, expected) => {
    expect(normaliseDomain(input)).toBe(expected);
    expect(normaliseDomain(expected)).toBe(expected);
  });

  it.each([
    "example.com..",
    "contoso",
    "",
    ".",
    "a@b.com",
    "a b.com",
    "[::1]",
    "1.2.3.4",
    "0x7f.1",
  ])("invalid_email: %j", (input) => {
    expect(mfaErrorOf(() => normaliseDomain(input)).code).toBe("invalid_email");
  });

  it("MAIL-01: at most 255 octets after stripping the trailing dot", () => {
    const label = "d".repeat(63);
    const d255 = `${label}.${label}.${label}.${"d".repeat(59)}.com`;
    expect(d255).toHaveLength(255);
    expect(normaliseDomain(`${d255}.`)).toBe(d255);
    expect(mfaErrorOf(() => normaliseDomain(`d${d255}`)).code).toBe("invalid_email");
  });
});

describe("isTenantDomain (MAIL-03, MAIL-04)", () => {
  it("matches equal domains and subdomains on label boundaries only", () => {
    const tenants = ["contoso.com"];
    expect(isTenantDomain("contoso.com", tenants)).toBe(true);
    expect(isTenantDomain("Mail.CONTOSO.com.", tenants)).toBe(true);
    expect(isTenantDomain("notcontoso.com", tenants)).toBe(false);
    expect(isTenantDomain("contoso.com.evil.org", tenants)).toBe(false);
    expect(isTenantDomain("xcontoso.com", tenants)).toBe(false);
    expect(isTenantDomain("contoso.co", tenants)).toBe(false);
    expect(isTenantDomain("contoso.com", [])).toBe(false);
  });

  it("throws invalid_email for a bad domain and config_invalid for a bad tenant domain", () => {
    expect(mfaErrorOf(() => isTenantDomain("contoso", ["contoso.com"])).code).toBe("invalid_email");
    expect(mfaErrorOf(() => isTenantDomain("contoso.com", ["contoso"])).code).toBe(
      "config_invalid",
    );
  });
});

describe("maskEmail", () => {
  it.each([
    ["alice@example.com", "a•••@example.com"],
    ["Ann.Lee+MFA@gmail.com", "A•••@gmail.com"],
    ["abc@example.com", "a•••@example.com"],
    ["ab@example.com", "•••@example.com"],
    ["a@example.com", "•••@example.com"],
  ])("%s → %s (fixed shape, short local parts fully hidden)", (address, masked) => {
    expect(maskEmail(address)).toBe(masked);
  });

  it("invalid_email without an @", () => {
    expect(mfaErrorOf(() => maskEmail("example.com")).code).toBe("invalid_email");
  });

  it("parseRecoveryEmail's mask is maskEmail of its address", () => {
    const r = email("someone@example.org");
    expect(r.masked).toBe(maskEmail(r.address));
  });
});
