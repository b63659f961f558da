/**
 * How a message looks in the terminal: a header line, the text, and the code in a box that is
 * hard to miss. Colours only when the stream is a TTY and `NO_COLOR` is not set.
 *
 * Message text comes from the app (and, through names and addresses, from users): every control
 * character is shown as `\uXXXX` so no message can move the cursor, clear the screen or
 * rewrite the terminal's title with an escape sequence.
 *
 * @module
 */

import type { OutboxEntry } from "./entry.js";

/** What the printer writes to. */
export interface OutputStream {
  write(chunk: string): unknown;
  /** True for a terminal: colours are used only then. */
  readonly isTTY?: boolean;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we neutralise
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;

/** `text` with every control character but the line feed and tab made visible and inert. */
export function inert(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

const style = (on: boolean, code: string) => (s: string) =>
  on ? `\u001b[${code}m${s}\u001b[0m` : s;

const LABEL: Record<OutboxEntry["channel"], string> = {
  sms: "SMS",
  voice: "CALL",
  email: "EMAIL",
};

/** The lines printed for one message (no trailing newline). */
export function formatEntry(entry: OutboxEntry, colour: boolean): string {
  const bold = style(colour, "1");
  const dim = style(colour, "2");
  const accent = style(colour, "1;33");
  const codeStyle = style(colour, "1;30;43");

  const to = inert(entry.to) + (entry.extension ? ` ext. ${inert(entry.extension)}` : "");
  const lines = [
    `${accent(`▶ ${LABEL[entry.channel]}`)} ${bold(`to ${to}`)} ${dim(`(${inert(entry.locale)}, ${entry.at})`)}`,
  ];
  if (entry.subject !== undefined) lines.push(`  ${bold("Subject:")} ${inert(entry.subject)}`);
  const body = entry.channel === "email" ? entry.text.trimEnd() : entry.text;
  for (const line of inert(body).split("\n")) lines.push(dim(`  │ ${line}`));
  if (entry.code !== null) {
    const label = ` CODE  ${entry.code} `;
    const bar = "═".repeat(label.length);
    lines.push(`  ╔${bar}╗`, `  ║${codeStyle(label)}║`, `  ╚${bar}╝`);
  }
  return lines.join("\n");
}

/** Whether to colour output to `stream`. */
export function wantsColour(stream: OutputStream): boolean {
  return stream.isTTY === true && !process.env.NO_COLOR;
}
