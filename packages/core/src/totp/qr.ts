/**
 * QR codes of a Key URI, for the enrolment screen (SVG) and for terminals (text).
 *
 * Rendered with `uqr` (pure JS, any runtime). Error correction M (15 %) survives a glare or a
 * slightly blurred phone camera at little cost in size, and the SVG has the 4-module quiet zone
 * ISO/IEC 18004 asks for, so scanners find it on any page background.
 *
 * @module
 */

import { renderSVG, renderUnicodeCompact } from "uqr";

/**
 * `text` as a standalone SVG QR code (black on white, 4-module quiet zone), ready to inline in
 * HTML. The SVG contains `text` encoded in its modules only: treat it like the secret itself.
 */
export function qrSvg(text: string): string {
  return renderSVG(text, { ecc: "M", border: 4 });
}

/**
 * `text` as a QR code in Unicode half blocks, two module rows per line, for a terminal with a
 * dark background (the blocks draw the light modules). Same error correction as {@link qrSvg}.
 */
export function qrText(text: string): string {
  return renderUnicodeCompact(text, { ecc: "M", border: 2 });
}

/** The forms a view can show a QR code in; `"none"` when the app draws its own from the URI. */
export type QrForm = "svg" | "text" | "none";

/** The QR code of one Key URI in each form, each drawn on its first read (see {@link lazyQr}). */
export interface LazyQr {
  /** The SVG QR code when the form is `"svg"`, else `null`. */
  svg(): string | null;
  /** The Unicode block QR code when the form is `"text"`, else `null`. */
  text(): string | null;
}

/**
 * The QR code of `uri` in `form`, drawn when first asked for and remembered.
 *
 * Drawing (encoding and scoring the 8 masks) is most of an authenticator setup's CPU, and many
 * apps never show it (an API that returns the `otpauth://` URI, a terminal without the SVG, a
 * retry that only needs the secret): drawn on demand, a setup whose QR code nobody reads costs
 * none, and one read many times (a page, then the JSON of the view) costs one drawing.
 */
export function lazyQr(uri: string | null, form: QrForm): LazyQr {
  const once = (want: QrForm, draw: (text: string) => string) => {
    let drawn: string | null | undefined;
    return () => {
      if (drawn === undefined) drawn = uri !== null && form === want ? draw(uri) : null;
      return drawn;
    };
  };
  return { svg: once("svg", qrSvg), text: once("text", qrText) };
}
