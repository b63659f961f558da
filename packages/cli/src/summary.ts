/**
 * The import's summary table: counts per kind and outcome, then the first refused rows by
 * number, field and code (never a value: the report holds none).
 *
 * @module
 */

import type { ImportReport } from "@mfakit/core/import";

/** Refused rows listed in the table; the rest are in `--report`. */
export const SHOWN_ERRORS = 20;

/** Columns padded to their widest cell. */
function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** The report as text for a terminal or a log. */
export function summaryTable(report: ImportReport): string {
  const counts = table([
    ["", "rows"],
    ...Object.entries(report.byKind).map(([kind, n]) => [`imported ${kind}`, String(n)]),
    ["imported", String(report.imported)],
    ["unchanged", String(report.unchanged)],
    ["failed", String(report.failed)],
    ["flagged", String(report.flags.length)],
    ["total", String(report.rows)],
    ["users", String(report.users)],
  ]);
  if (report.errors.length === 0) return `${counts}\n`;
  const shown = report.errors.slice(0, SHOWN_ERRORS);
  const errors = table([
    ["row", "field", "code", "reason"],
    ...shown.map((e) => [String(e.row), e.field, e.code, e.reason ?? ""]),
  ]);
  const more =
    report.errors.length > shown.length
      ? `\n… and ${report.errors.length - shown.length} more (see --report)`
      : "";
  return `${counts}\n\nRefused rows:\n${errors}${more}\n`;
}
