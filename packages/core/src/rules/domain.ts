/**
 * Domain names for the recovery-email rules: normalising to one comparable form and testing
 * membership of the tenant's domains on label boundaries.
 *
 * The tenant-domain test is only as good as the normalisation in front of it (MAIL-03): a
 * refused `contoso.com` must also refuse `CONTOSO.COM.`, `contoso．com`, `con\u200Btoso.com` and
 * `mail.contoso.com`, while `notcontoso.com` and `contoso.com.evil.org` stay allowed.
 *
 * IDNA (UTS #46) comes from the WHATWG URL parser, which every runtime the core targets has
 * (browsers, Node, Deno, Bun, workers), so the core needs no Node-only module and no Unicode
 * tables of its own. The parser is fed only characters that cannot change how it splits a URL.
 *
 * @module
 */

import { MfaError } from "../errors.js";

/** Longest email or domain input accepted before any work, in UTF-16 code units (REL-07). */
export const MAX_EMAIL_INPUT_LENGTH = 320;

/** Longest normalised domain, in octets (RFC 5321 §4.5.3.1.2; MAIL-01). */
export const MAX_DOMAIN_LENGTH = 255;

/** Longest DNS label, in octets (RFC 1035 §2.3.4; MAIL-01). */
export const MAX_LABEL_LENGTH = 63;

// ASCII allowed in a domain before IDNA: letters, digits, hyphen, dot. Any other ASCII —
// '/', '\\', '@', ':', '?', '#', '%', '[', ']', space, controls — would either be refused later
// or, worse, change what the URL parser treats as the host ("a.com/x" → "a.com",
// "ex%61mple.com" → "example.com", a TAB is silently removed).
// biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is what we filter
const FORBIDDEN_ASCII = /[\u0000-\u002c\u002f\u003a-\u0040\u005b-\u0060\u007b-\u007f]/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
// The top-level label is letters or an A-label: an all-numeric or "0x…" last label would make
// the host an IPv4 address to the URL parser, and no such TLD exists (RFC 3696 §2).
const TOP_LABEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/**
 * Normalises a domain to the form it is compared in (MAIL-03): UTS #46 mapping (lower case,
 * width folding, U+3002 / U+FF0E / U+FF61 to ".", default-ignorables such as ZWSP and the soft
 * hyphen removed) and conversion to A-labels, then one trailing "." stripped. The result must be
 * a host name: at least two labels of letters, digits and inner hyphens, each at most 63 octets,
 * at most 255 octets in all, with an alphabetic (or A-label) top-level label.
 *
 * @throws {MfaError} `input_too_long` over {@link MAX_EMAIL_INPUT_LENGTH} characters;
 *   `invalid_email` when it is not such a domain (`data.reason`).
 * @example normaliseDomain("Bücher.Example。") // "xn--bcher-kva.example"
 */
export function normaliseDomain(domain: string): string {
  if (typeof domain !== "string") {
    throw new MfaError("invalid_input", { data: { field: "domain" } });
  }
  if (domain.length > MAX_EMAIL_INPUT_LENGTH) {
    throw new MfaError("input_too_long", {
      data: { field: "domain", max: MAX_EMAIL_INPUT_LENGTH },
    });
  }
  if (domain === "" || FORBIDDEN_ASCII.test(domain)) {
    throw invalidDomain("characters");
  }
  let host: string;
  try {
    host = new URL(`http://${domain}`).hostname;
  } catch (e) {
    throw invalidDomain("idna", e);
  }
  if (host.endsWith(".")) host = host.slice(0, -1);
  // The length and label checks run on the A-label form: that is what DNS and SMTP see.
  if (host.length > MAX_DOMAIN_LENGTH) {
    throw invalidDomain("too_long");
  }
  const labels = host.split(".");
  const top = labels[labels.length - 1] ?? "";
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)) || !TOP_LABEL.test(top)) {
    throw invalidDomain("labels");
  }
  return host;
}

/**
 * True when `domain` is one of `tenantDomains` or a subdomain of one, compared on label
 * boundaries after normalising both sides with {@link normaliseDomain} (MAIL-03, MAIL-04):
 * `mail.contoso.com` is a tenant domain of `contoso.com`; `notcontoso.com` and
 * `contoso.com.evil.org` are not. Subdomains count because a verified root domain verifies its
 * subdomains (Microsoft Graph).
 *
 * @throws {MfaError} `invalid_email` when `domain` is not a domain; `config_invalid` when a
 *   tenant domain is not.
 * @example isTenantDomain("Mail.CONTOSO.com.", ["contoso.com"]) // true
 */
export function isTenantDomain(domain: string, tenantDomains: readonly string[]): boolean {
  return isNormalisedTenantDomain(normaliseDomain(domain), tenantDomains);
}

/** {@link isTenantDomain} for a domain that is already normalised. @internal */
export function isNormalisedTenantDomain(
  normalised: string,
  tenantDomains: readonly string[],
): boolean {
  return tenantDomains.some((tenant) => {
    const t = normaliseTenantDomain(tenant);
    return normalised === t || normalised.endsWith(`.${t}`);
  });
}

function normaliseTenantDomain(tenant: string): string {
  try {
    return normaliseDomain(tenant);
  } catch (e) {
    throw new MfaError("config_invalid", {
      message: "tenantDomains has an entry that is not a domain name.",
      data: { field: "tenantDomains" },
      cause: e,
    });
  }
}

function invalidDomain(reason: string, cause?: unknown): MfaError {
  return new MfaError("invalid_email", { data: { field: "domain", reason }, cause });
}
