/**
 * The local inbox page: every message newest first, the code large, HTML emails previewed in a
 * sandboxed frame; and the same list as JSON.
 *
 * Everything from a message is HTML-escaped. An HTML email is shown only inside
 * `<iframe sandbox srcdoc>`: no scripts, no forms, no same-origin access, and the page's
 * Content-Security-Policy forbids scripts and remote loads anyway, so a message cannot run code
 * in the developer's browser.
 *
 * @module
 */

import { escapeHtml } from "@mfakit/core/delivery";
import type { OutboxEntry } from "./entry.js";

const CHANNEL: Record<OutboxEntry["channel"], string> = {
  sms: "SMS",
  voice: "Call",
  email: "Email",
};

/** Headers of every answer: a dev page holding live codes is never cached, framed or sniffed. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "Content-Security-Policy":
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
});

function card(entry: OutboxEntry): string {
  const e = escapeHtml;
  const parts = [
    `<article class="msg ${e(entry.channel)}" id="${e(entry.id)}">`,
    `<header><span class="badge">${CHANNEL[entry.channel]}</span> to <b>${e(entry.to)}</b>${entry.extension ? ` ext. ${e(entry.extension)}` : ""}`,
    `<time datetime="${e(entry.at)}">${e(entry.at.replace("T", " ").replace(/\.\d+Z$/, " UTC"))}</time> <span class="meta">${e(entry.locale)}</span></header>`,
  ];
  if (entry.code !== null) parts.push(`<p class="code" title="one-time code">${e(entry.code)}</p>`);
  if (entry.subject !== undefined) parts.push(`<p class="subject">${e(entry.subject)}</p>`);
  parts.push(`<pre>${e(entry.text)}</pre>`);
  if (entry.html !== undefined) {
    parts.push(
      `<details><summary>HTML version</summary><iframe sandbox="" referrerpolicy="no-referrer" srcdoc="${e(entry.html)}" title="HTML email"></iframe></details>`,
    );
  }
  parts.push("</article>");
  return parts.join("\n");
}

/**
 * The inbox page for `entries` (already newest first).
 * @param jsonHref - Where the JSON list is, for the link.
 */
export function renderInboxPage(entries: readonly OutboxEntry[], jsonHref: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width">
<title>mfakit dev outbox (${entries.length})</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1f2328}
main{max-width:760px;margin:0 auto;padding:16px}
h1{font-size:20px;margin:8px 0 4px}
.note{color:#656d76;margin:0 0 16px}
.msg{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:12px 16px;margin:12px 0}
.msg header{display:flex;gap:8px;flex-wrap:wrap;align-items:baseline}
.badge{font-size:12px;font-weight:700;text-transform:uppercase;padding:1px 8px;border-radius:10px;background:#ddf4ff}
.email .badge{background:#fff8c5}.voice .badge{background:#dafbe1}
time,.meta{color:#656d76;font-size:13px}
.code{font:700 30px/1.2 ui-monospace,Menlo,Consolas,monospace;letter-spacing:6px;margin:8px 0}
.subject{font-weight:600;margin:4px 0}
pre{white-space:pre-wrap;word-break:break-word;background:#f6f8fa;padding:8px;border-radius:6px;margin:8px 0 0}
iframe{width:100%;height:420px;border:1px solid #d0d7de;border-radius:6px;background:#fff}
</style>
</head>
<body>
<main>
<h1>Dev outbox</h1>
<p class="note">Every SMS, call and email this app sent, newest first. Development only: nothing here was delivered. <a href="">Check for new messages</a> · <a href="${escapeHtml(jsonHref)}">JSON</a></p>
${entries.length === 0 ? '<p class="note">No messages yet.</p>' : entries.map(card).join("\n")}
</main>
</body>
</html>
`;
}
