/**
 * How many SMS segments a text costs.
 *
 * Providers bill per segment. A text in the GSM 03.38 default alphabet fits 160 characters in
 * one segment (153 per segment once split, the rest carries the concatenation header); one
 * character outside it (`ó`, `ç`, an emoji) switches the whole message to UCS-2: 70 per
 * segment, 67 once split. Characters of the GSM extension table (`€ [ ] { } | ^ ~ \`) count
 * twice. See 3GPP TS 23.038 §6.2.1 and Twilio's "What the Heck is a Segment?".
 *
 * @module
 */

const GSM7_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM7_EXTENSION = "\f^{}\\[~]|€";
const basic = new Set(GSM7_BASIC);
const extension = new Set(GSM7_EXTENSION);

/** The encoding and cost of one SMS text. */
export interface SmsSegmentInfo {
  /** `"GSM-7"` when every character is in the GSM 03.38 alphabet, else `"UCS-2"`. */
  readonly encoding: "GSM-7" | "UCS-2";
  /** Length in the encoding's units (septets for GSM-7, UTF-16 code units for UCS-2). */
  readonly units: number;
  /** Segments the provider will bill. */
  readonly segments: number;
}

/**
 * The encoding, length and segment count of `text`.
 *
 * @example
 * ```ts
 * smsSegments("123456 is your code").segments; // 1
 * smsSegments("Tu código es 123456").encoding;  // "UCS-2"
 * ```
 */
export function smsSegments(text: string): SmsSegmentInfo {
  let septets = 0;
  let gsm = true;
  for (const ch of text) {
    if (basic.has(ch)) septets += 1;
    else if (extension.has(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) {
    return {
      encoding: "GSM-7",
      units: septets,
      segments: septets <= 160 ? 1 : Math.ceil(septets / 153),
    };
  }
  const units = text.length;
  return { encoding: "UCS-2", units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}
