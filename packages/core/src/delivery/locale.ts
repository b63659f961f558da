/**
 * Locale negotiation for messages: pick the best language the templates have for the user's
 * BCP 47 tag.
 *
 * Follows the "lookup" scheme of RFC 4647 §3.4: the requested tag is shortened one subtag at a
 * time (`de-CH-1996` → `de-CH` → `de`) until a supported tag matches; if none does, the next
 * preference is tried, then the fallback. Comparison is case-insensitive and `_` counts as `-`
 * (`de_CH` from a POSIX locale works).
 *
 * @module
 */

/** Longest tag looked at; longer input is treated as unknown (REL-07). */
const MAX_TAG_LENGTH = 35;

/** Lower-cased, `_` → `-`, or `null` when the input is not a plausible BCP 47 tag. */
function normaliseTag(tag: string): string | null {
  if (tag.length === 0 || tag.length > MAX_TAG_LENGTH) return null;
  const t = tag.trim().replace(/_/g, "-").toLowerCase();
  return /^[a-z]{2,8}(?:-[a-z0-9]{1,8})*$/.test(t) ? t : null;
}

/**
 * The supported locale that best serves `requested`, or `fallback`.
 *
 * @param requested - The user's tag, or their preferences best first (e.g. parsed from
 *   `Accept-Language`).
 * @param supported - Tags the templates exist for, e.g. `["en", "de", "fr", "es"]`.
 * @param fallback - Returned when nothing matches. @default "en"
 * @returns One of `supported` exactly as spelt there, or `fallback`.
 *
 * @example
 * ```ts
 * negotiateLocale("de-CH", ["en", "de"]);        // "de"
 * negotiateLocale(["pt-BR", "es"], ["en", "es"]); // "es"
 * negotiateLocale("tlh", ["en", "de"]);          // "en"
 * ```
 */
export function negotiateLocale(
  requested: string | readonly string[],
  supported: readonly string[],
  fallback = "en",
): string {
  const byTag = new Map<string, string>();
  for (const s of supported) {
    const n = normaliseTag(s);
    if (n !== null && !byTag.has(n)) byTag.set(n, s);
  }
  for (const tag of typeof requested === "string" ? [requested] : requested) {
    let t = typeof tag === "string" ? normaliseTag(tag) : null;
    while (t) {
      const hit = byTag.get(t);
      if (hit !== undefined) return hit;
      const cut = t.lastIndexOf("-");
      // RFC 4647: also drop a single-letter subtag left dangling (e.g. the "x" of "-x-foo").
      t = cut < 0 ? null : t.slice(0, cut).replace(/-[a-z0-9]$/, "");
    }
  }
  return fallback;
}

/**
 * The user's own tag when it only narrows `rendered` (`en-GB` for a message rendered from `en`
 * strings), else `rendered`: the locale a voice speaks the message in. The strings exist per
 * language, but a voice has an accent, and an en-GB user called with an American voice hears
 * the wrong one. A tag of another language (`ja-JP` rendered in the `en` fallback) gives
 * `rendered`, so the voice always speaks the text's language. Canonical case: `en-GB`, `zh-Hant-TW`.
 *
 * @example
 * ```ts
 * spokenLocale("en_gb", "en"); // "en-GB"
 * spokenLocale("ja-JP", "en"); // "en"
 * ```
 */
export function spokenLocale(requested: string, rendered: string): string {
  const tag = typeof requested === "string" ? normaliseTag(requested) : null;
  if (tag === null || negotiateLocale(tag, [rendered], "") !== rendered) return rendered;
  return tag
    .split("-")
    .map((part, i) => {
      if (i === 0) return part;
      if (part.length === 2) return part.toUpperCase(); // region
      if (part.length === 4) return part[0]?.toUpperCase() + part.slice(1); // script
      return part;
    })
    .join("-");
}
