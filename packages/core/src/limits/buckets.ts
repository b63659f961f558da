/**
 * Rate-limit buckets: the one canonical string each limited thing is counted under.
 *
 * A limit keyed on raw input is a limit per spelling. `Ann@example.com` and `ann@example.com`
 * are one mailbox to every mail server that matters; `2001:db8::1` and `2001:DB8:0::1` are one
 * address; `::ffff:192.0.2.1` is `192.0.2.1` arriving over an IPv6 socket. And one IPv6
 * subscriber is routinely given a whole /64 (RFC 6177, RIPE-690), so counting single IPv6
 * addresses gives every attacker 2^64 fresh buckets. Counting per bucket closes all of these
 * (FRAUD-03, RATE-06, PHONE-06: keys are built only after canonicalisation).
 *
 * Everything here is pure: no clock, no store, no Node-only module (the core also runs in
 * browsers and workers), so the rules are property-tested on their own.
 *
 * @module
 */

import { MfaError } from "../errors.js";
import { normaliseDomain } from "../rules/domain.js";
import { MAX_EMAIL_LENGTH } from "../rules/email.js";

/**
 * Longest IP text accepted: a full IPv6 address with an IPv4 tail is 45 characters
 * (`ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255`). Checked before any parsing (REL-07).
 */
export const MAX_IP_LENGTH = 45;

/** How many leading bits of an IPv6 address one bucket covers: a subscriber's /64. */
export const IPV6_BUCKET_PREFIX_BITS = 64;

const E164 = /^\+[1-9]\d{1,14}$/;
// Dotted decimal only, no leading zeros: "010.1.1.1" is octal to inet_aton and decimal to
// others, so an ambiguous spelling is refused rather than guessed.
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/**
 * The rate-limit bucket of a client IP address (RATE-06, FRAUD-03).
 *
 * - IPv4: the address in dotted decimal (`"192.0.2.1"`); leading zeros are refused.
 * - IPv4-mapped IPv6 (`::ffff:192.0.2.1`, `::FFFF:c000:201`): the IPv4 address, so a
 *   dual-stack server counts one client once.
 * - Any other IPv6: its /64 network in RFC 5952 form with the prefix length
 *   (`"2001:db8:0:1::/64"`): lower case, no leading zeros, the longest run of zero groups
 *   compressed.
 *
 * Only a bare address is accepted: no brackets, port, zone (`%eth0`) or prefix length.
 *
 * @throws {MfaError} `invalid_input` with `data.field: "ip"` when `ip` is not such an address.
 * @example
 * ```ts
 * ipBucket("2001:DB8:0:1:aaaa::1") // "2001:db8:0:1::/64"
 * ipBucket("::ffff:192.0.2.1")     // "192.0.2.1"
 * ```
 */
export function ipBucket(ip: string): string {
  if (typeof ip !== "string" || ip.length > MAX_IP_LENGTH) throw invalidIp();
  if (IPV4.test(ip)) return ip;
  const groups = ipv6Groups(ip);
  if (groups === null) throw invalidIp();
  // ::ffff:0:0/96 is an IPv4 address seen through an IPv6 socket (RFC 4291 §2.5.5.2).
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [high = 0, low = 0] = groups.slice(6);
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".");
  }
  const network = groups.map((g, i) => (i < IPV6_BUCKET_PREFIX_BITS / 16 ? g : 0));
  return `${formatIpv6(network)}/${IPV6_BUCKET_PREFIX_BITS}`;
}

/**
 * The rate-limit bucket of a send's destination (FRAUD-03).
 *
 * - A phone number must already be E.164 (PHONE-01): it is its own bucket.
 * - An email address is counted case-insensitively: the local part lower-cased (RFC 5321
 *   calls it case-sensitive, but no mainstream provider treats it so, and for a limit merging
 *   two spellings is the safe error), the domain normalised as the email rules do (A-labels,
 *   lower case, no trailing dot), so `Ann@Bücher.Example` and `ann@xn--bcher-kva.example`
 *   share one bucket.
 *
 * @throws {MfaError} `invalid_input` with `data.field: "destination"` for anything else.
 * @example
 * ```ts
 * destinationBucket("Ann+MFA@Example.COM") // "ann+mfa@example.com"
 * destinationBucket("+447400123456")       // "+447400123456"
 * ```
 */
export function destinationBucket(destination: string): string {
  if (typeof destination !== "string" || destination.length > MAX_EMAIL_LENGTH) {
    throw invalidDestination();
  }
  if (E164.test(destination)) return destination;
  const at = destination.indexOf("@");
  if (at < 1 || destination.lastIndexOf("@") !== at) throw invalidDestination();
  let domain: string;
  try {
    domain = normaliseDomain(destination.slice(at + 1));
  } catch (e) {
    throw invalidDestination(e);
  }
  return `${destination.slice(0, at).toLowerCase()}@${domain}`;
}

/** The eight 16-bit groups of an IPv6 address, or null when it is not one. */
function ipv6Groups(text: string): number[] | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const parse = (half: string): number[] | null => {
    if (half === "") return [];
    const parts = half.split(":");
    const groups: number[] = [];
    for (const [i, part] of parts.entries()) {
      if (HEX_GROUP.test(part)) groups.push(Number.parseInt(part, 16));
      else if (i === parts.length - 1 && IPV4.test(part)) {
        const [a = 0, b = 0, c = 0, d = 0] = part.split(".").map(Number);
        groups.push((a << 8) | b, (c << 8) | d);
      } else return null;
    }
    return groups;
  };
  const head = parse(halves[0] ?? "");
  const tail = halves.length === 2 ? parse(halves[1] ?? "") : [];
  if (head === null || tail === null) return null;
  // An IPv4 tail belongs at the very end of the address.
  if (halves.length === 2 && /\./.test(halves[0] ?? "")) return null;
  const explicit = head.length + tail.length;
  if (halves.length === 1) return explicit === 8 ? head : null;
  // "::" stands for at least one zero group (RFC 4291 §2.2).
  if (explicit > 7) return null;
  return [...head, ...new Array<number>(8 - explicit).fill(0), ...tail];
}

/** RFC 5952 §4: lower-case hex, no leading zeros, the first longest run (≥ 2) of zeros as "::". */
function formatIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) j += 1;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  const left = hex.slice(0, bestStart).join(":");
  const right = hex.slice(bestStart + bestLength).join(":");
  return `${left}::${right}`;
}

function invalidIp(): MfaError {
  return new MfaError("invalid_input", {
    message: "The client IP is not an IPv4 or IPv6 address.",
    data: { field: "ip" },
  });
}

function invalidDestination(cause?: unknown): MfaError {
  return new MfaError("invalid_input", {
    message: "A send's destination is an E.164 number or an email address.",
    data: { field: "destination" },
    cause,
  });
}
