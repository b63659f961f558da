/**
 * Masking of destinations for events, logs and UI ("code sent to +•••••••••456").
 *
 * @module
 */

const MASK = "•";

/**
 * A destination with most of it hidden, for audit events and screens (LOG-01).
 *
 * - a phone number keeps its `+` and its last 3 characters: `+447400123456` → `+•••••••••456`;
 * - an email address keeps the first character and the domain: `alice@example.com` →
 *   `a•••@example.com` (always three dots, so the length of the local part does not show; a
 *   local part of one or two characters shows none: `ab@example.com` → `•••@example.com`);
 * - anything else is masked whole: `•••`.
 *
 * @example maskDestination("+447400123456") // "+•••••••••456"
 */
export function maskDestination(destination: string): string {
  const at = destination.lastIndexOf("@");
  if (at > 0) {
    // Code points, not code units: an astral first letter stays whole. A local part of one or
    // two characters shows none of them, as that would be half of it or more.
    const local = Array.from(destination.slice(0, at));
    return `${local.length > 2 ? local[0] : ""}${MASK.repeat(3)}${destination.slice(at)}`;
  }
  const digits = destination.startsWith("+") ? destination.slice(1) : destination;
  if (/^[0-9]{4,}$/.test(digits)) {
    const sign = digits === destination ? "" : "+";
    return sign + MASK.repeat(digits.length - 3) + digits.slice(-3);
  }
  return MASK.repeat(3);
}
