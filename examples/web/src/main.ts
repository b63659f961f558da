#!/usr/bin/env node
/**
 * Runs the example: `node --conditions=source --import tsx examples/web/src/main.ts`
 * (from the repository root, no build needed). `PORT` and `HOST` choose where it listens.
 *
 * @module
 */

import { startServer } from "./server.js";

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "127.0.0.1";

const server = await startServer({ port, host });
// Passkeys' relying party is `localhost` (a secure context over plain http): open that name.
const url = server.url.replace("//127.0.0.1:", "//localhost:");

const lines = [
  "",
  "  mfakit example: the Microsoft 365 MFA enrolment wizard",
  "",
  `  Open ${url}`,
  "",
  "  Demo accounts:",
  ...server.demoAccounts.map(
    (a) =>
      `    ${a.id.padEnd(20)} ${a.password}${a.temporary ? "   (temporary password)" : ""}${
        a.admin ? `   (administrator: ${url}/admin)` : ""
      }`,
  ),
  "",
  ...(server.outbox ? [`  Codes: in this terminal and on ${url}/outbox`] : []),
  ...server.summary.map((s) => `  ${s}`),
  ...server.warnings.map((w) => `\n  WARNING: ${w}`),
  "",
  "  Press Ctrl+C to stop.",
  "",
];
console.log(lines.join("\n"));

const stop = async () => {
  await server.close();
  process.exit(0);
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
