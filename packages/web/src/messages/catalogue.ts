/**
 * The message catalogue: every string the pages show, in English, German, French and Spanish,
 * chosen per request with the core's locale negotiation (RFC 4647 lookup, the same as the
 * messages the SDK sends), and any string overridable by the app.
 *
 * @module
 */

import type { MfaErrorCode } from "@mfakit/core";
import { negotiateLocale } from "@mfakit/core/delivery";
import { de } from "./de.js";
import { en } from "./en.js";
import { es } from "./es.js";
import { fr } from "./fr.js";

/** Every string of the pages, by key. `{name}` placeholders are filled in when a page is made. */
export type Messages = {
  readonly [K in keyof typeof en]: K extends "errors"
    ? Readonly<Record<MfaErrorCode, string>>
    : string;
};

/** A key of {@link Messages}. */
export type MessageKey = keyof Messages;

/** The app's own words: any string of any language, and the SDK's error messages by code. */
export type MessageOverrides = {
  readonly [K in MessageKey]?: K extends "errors"
    ? Partial<Readonly<Record<MfaErrorCode, string>>>
    : string;
};

/** The languages shipped, by tag. */
export const CATALOGUES: Readonly<Record<string, Messages>> = Object.freeze({ en, de, fr, es });

/** The tags shipped: `["en", "de", "fr", "es"]`. */
export const SHIPPED_LOCALES: readonly string[] = Object.freeze(Object.keys(CATALOGUES));

/**
 * The user's preferences from an `Accept-Language` header, best first (`q` weights honoured,
 * `*` and `q=0` left out). At most 16 entries are read.
 */
export function acceptedLanguages(header: string | null | undefined): string[] {
  if (!header) return [];
  return header
    .slice(0, 512)
    .split(",")
    .slice(0, 16)
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((l) => l.tag && l.tag !== "*" && l.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((l) => l.tag);
}

/** Options of {@link createCatalogue}. */
export interface CatalogueOptions {
  /** The languages offered, a subset of the shipped ones or added ones. @default all shipped */
  readonly locales?: readonly string[];
  /** Used when nothing the user asks for is offered. @default "en" */
  readonly fallback?: string;
  /** Whole catalogues for more languages (every key, e.g. `{ nl: {...} }`). */
  readonly extra?: Readonly<Record<string, Messages>>;
  /** The app's words, by language: `{ en: { introTitle: "…" } }`. */
  readonly overrides?: Readonly<Record<string, MessageOverrides>>;
}

/** The strings for a request, and the language they are in. */
export interface Catalogue {
  /** The offered languages. */
  readonly locales: readonly string[];
  /** The best language for the preferences (best first) and its strings. */
  pick(preferences: readonly string[]): { readonly locale: string; readonly t: Messages };
}

/** Merges `overrides` into `base` (the SDK's error messages key by key). */
function withOverrides(base: Messages, overrides: MessageOverrides | undefined): Messages {
  if (!overrides) return base;
  return Object.freeze({
    ...base,
    ...overrides,
    errors: Object.freeze({ ...base.errors, ...overrides.errors }),
  }) as Messages;
}

/**
 * The catalogue the pages speak from: the shipped languages (and `extra` ones), with the app's
 * overrides applied once, here.
 *
 * @example
 * ```ts
 * const catalogue = createCatalogue({ overrides: { en: { introTitle: "Protect your account" } } });
 * catalogue.pick(["de-CH", "en"]).locale; // "de"
 * ```
 */
export function createCatalogue(options: CatalogueOptions = {}): Catalogue {
  const all: Record<string, Messages> = { ...CATALOGUES, ...options.extra };
  const locales = options.locales ?? Object.keys(all);
  const fallback = options.fallback ?? "en";
  const merged = new Map<string, Messages>();
  for (const tag of new Set([...locales, fallback])) {
    const base = all[tag];
    if (base) merged.set(tag, withOverrides(base, options.overrides?.[tag]));
  }
  const offered = locales.filter((l) => merged.has(l));
  return {
    locales: offered,
    pick(preferences) {
      const locale = negotiateLocale(preferences, offered, fallback);
      const t = merged.get(locale) ?? merged.get(fallback) ?? withOverrides(en, undefined);
      return { locale: merged.has(locale) ? locale : "en", t };
    },
  };
}
