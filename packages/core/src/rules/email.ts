/**
 * Recovery (authentication) email rules: strict syntax, length limits, and never an address on
 * one of the tenant's own domains.
 *
 * A recovery address exists for when the organisation's account is unusable, so an address the
 * organisation hosts defeats its purpose (Microsoft Entra refuses them too). Syntax is kept
 * strict but minimal (MAIL-05): the address must later prove itself with a code, so the rules
 * only keep out what is ambiguous or dangerous — display names, comments, quoted local parts,
 * address literals, control characters — and never second-guess sub-addressing.
 *
 * @module
 */

import { MfaError } from "../errors.js";
import { isNormalisedTenantDomain, MAX_EMAIL_INPUT_LENGTH, normaliseDomain } from "./domain.js";

/** Longest local part, in octets (RFC 5321 §4.5.3.1.1; MAIL-01). */
export const MAX_LOCAL_PART_LENGTH = 64;

/** Longest whole address, in octets (RFC 3696 erratum 1690; MAIL-01). */
export const MAX_EMAIL_LENGTH = 254;

/** Options of {@link parseRecoveryEmail}. */
export interface RecoveryEmailOptions {
  /**
   * Every verified and accepted domain of the tenant, including the initial one (MAIL-04).
   * Subdomains are refused too, so list roots only. Any form is fine (Unicode, upper case,
   * trailing dot): entries are normalised like the address's domain.
   */
  tenantDomains: readonly string[];
}

/** An address that passed the recovery-email rules. */
export interface RecoveryEmail {
  /** `local@domain`: the local part as entered, the domain normalised (A-label, lower case). */
  address: string;
  /** The local part exactly as entered: it is case-sensitive by the RFC (MAIL-02). */
  local: string;
  /** The domain as A-labels, lower case, with no trailing dot. */
  domain: string;
  /** Masked form for messages and lists (`"a•••@example.com"`); see {@link maskEmail}. */
  masked: string;
}

// ASCII whitespace per WHATWG Infra: TAB, LF, FF, CR, SPACE.
const ENDS_WHITESPACE = /^[\t\n\f\r ]+|[\t\n\f\r ]+$/g;
// RFC 5322 dot-atom of atext, ASCII only (no SMTPUTF8 local parts), without the backtick
// (OWASP lists it among dangerous characters; no real mailbox needs it). The apostrophe stays:
// o'brien@example.com is common.
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_{|}~-]+";
const DOT_ATOM = new RegExp(`^${ATOM}(?:\\.${ATOM})*$`);

/**
 * Parses and checks a recovery email address.
 *
 * In order (MAIL-03): input size; ASCII whitespace trimmed at the ends; exactly one "@"; a
 * dot-atom local part of at most 64 octets; the domain normalised with
 * {@link normaliseDomain}; the whole address at most 254 octets; then the tenant-domain test
 * on label boundaries. Sub-addressing (`user+tag@`) is kept (MAIL-05).
 *
 * @throws {MfaError} `input_too_long` over {@link MAX_EMAIL_INPUT_LENGTH} characters;
 *   `invalid_email` (`data.field`, `data.reason`); `email_domain_not_allowed` (`data.domain`,
 *   the user's own domain, normalised); `config_invalid` when a tenant domain is not a domain.
 * @example
 * ```ts
 * parseRecoveryEmail(" Ann+mfa@Gmail.COM ", { tenantDomains: ["contoso.com"] });
 * // { address: "Ann+mfa@gmail.com", local: "Ann+mfa", domain: "gmail.com", masked: "A•••@gmail.com" }
 * ```
 */
export function parseRecoveryEmail(input: string, options: RecoveryEmailOptions): RecoveryEmail {
  if (typeof input !== "string") {
    throw new MfaError("invalid_input", { data: { field: "email" } });
  }
  if (input.length > MAX_EMAIL_INPUT_LENGTH) {
    throw new MfaError("input_too_long", { data: { field: "email", max: MAX_EMAIL_INPUT_LENGTH } });
  }
  const parts = input.replace(ENDS_WHITESPACE, "").split("@");
  if (parts.length !== 2) {
    throw invalidEmail("address", "at_sign");
  }
  const [local = "", rawDomain = ""] = parts;
  // The dot-atom pattern is ASCII-only, so characters are octets here.
  if (local.length > MAX_LOCAL_PART_LENGTH) {
    throw invalidEmail("local", "too_long");
  }
  if (!DOT_ATOM.test(local)) {
    throw invalidEmail("local", "syntax");
  }
  const domain = normaliseDomain(rawDomain);
  const address = `${local}@${domain}`;
  if (address.length > MAX_EMAIL_LENGTH) {
    throw invalidEmail("address", "too_long");
  }
  if (isNormalisedTenantDomain(domain, options.tenantDomains)) {
    throw new MfaError("email_domain_not_allowed", { data: { domain } });
  }
  return { address, local, domain, masked: maskEmail(address) };
}

/**
 * Masks an address for messages, lists and logs: the first character of the local part (only
 * when it has more than two) and a fixed "•••" that does not give away its length; the domain
 * stays readable so the user can tell which address is meant.
 *
 * @throws {MfaError} `invalid_email` when there is no "@".
 * @example maskEmail("alice@example.com") // "a•••@example.com"
 */
export function maskEmail(address: string): string {
  const at = typeof address === "string" ? address.lastIndexOf("@") : -1;
  if (at < 0) {
    throw invalidEmail("address", "at_sign");
  }
  const local = Array.from(address.slice(0, at));
  return `${local.length > 2 ? local[0] : ""}•••${address.slice(at)}`;
}

function invalidEmail(field: string, reason: string): MfaError {
  return new MfaError("invalid_email", { data: { field, reason } });
}
