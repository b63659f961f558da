/**
 * docs/security-model.md stays true: every test file it names exists and names the requirement
 * id in its text, and every requirement of SECURITY.md appears in the table.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const doc = readFileSync(`${root}docs/security-model.md`, "utf8");
// Cells may be padded (a formatter aligns the table).
const rows = [...doc.matchAll(/^\|\s*([A-Z]+-\d{2})\s*\|[^|\n]+\|([^\n]*)\|\s*$/gm)];

describe("docs/security-model.md (LOG-03)", () => {
  it("lists every requirement id", () => {
    expect(rows.length).toBeGreaterThanOrEqual(80);
    const shared = `${root}../shared/SECURITY.md`;
    if (existsSync(shared)) {
      const ids = [...readFileSync(shared, "utf8").matchAll(/^\*\*([A-Z]+-\d{2}):/gm)].map(
        (m) => m[1],
      );
      expect(rows.map((r) => r[1])).toEqual(ids);
    }
  });

  it("names only test files that exist and mention the id", () => {
    for (const [, id, cell] of rows) {
      for (const [, file] of (cell ?? "").matchAll(/`([^`]+\.test\.ts)`/g)) {
        const path = `${root}${file}`;
        expect(existsSync(path), `${file} (named for ${id})`).toBe(true);
        expect(readFileSync(path, "utf8"), `${file} should mention ${id}`).toMatch(
          new RegExp(`\\b${id}\\b`),
        );
      }
    }
  });
});
