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
