/**
 * The page layout and the form pieces every page uses.
 *
 * Everything goes through Hono's `html` tag, which escapes every interpolated string; only
 * markup this app builds itself (and the core's QR SVG) is ever passed through `raw`.
 * Forms work without JavaScript: POST, then a redirect (PRG). Each field has a `<label>`, and
 * an error is tied to its field with `aria-describedby` and `aria-invalid`, so a screen reader
 * reads it with the field.
 *
 * @module
 */

import { html } from "hono/html";

/** A rendered piece of HTML. */
export type Html = ReturnType<typeof html>;

/** A message shown at the top of a page (after a redirect). */
export interface Banner {
  readonly kind: "error" | "notice" | "success";
  readonly message: string;
}

/** What a form field shows: its value and its error, if any. */
export interface FieldState {
  readonly value?: string;
  readonly error?: string;
}

/** Options of {@link page}. */
export interface PageOptions {
  readonly title: string;
  /** The heading's small print above the title (e.g. "Step 2 of 3"). */
  readonly kicker?: string;
  readonly banner?: Banner | null;
  /** The signed-in user, for the header. */
  readonly user?: string | null;
  /** The CSRF token, for the header's sign-out form. */
  readonly csrf?: string;
}

/** A whole page: the layout around `body`. */
export function page(options: PageOptions, body: Html): Html {
  const { title, kicker, banner, user, csrf } = options;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} – mfakit example</title>
<link rel="stylesheet" href="/static/app.css">
<script src="/static/countdown.js" defer></script>
</head>
<body>
<header class="top">
  <span class="brand" aria-label="Contoso">Contoso</span>
  ${
    user
      ? html`<form method="post" action="/sign-out" class="signout">
    <span class="who">${user}</span>
    ${csrfField(csrf ?? "")}
    <button type="submit" class="link">Sign out</button>
  </form>`
      : ""
  }
</header>
<main id="main">
  ${kicker ? html`<p class="kicker">${kicker}</p>` : ""}
  <h1>${title}</h1>
  ${banner ? bannerBox(banner) : ""}
  ${body}
</main>
</body>
</html>`;
}

/** The message box at the top of a page; errors are announced (`role="alert"`). */
function bannerBox(banner: Banner): Html {
  const role = banner.kind === "error" ? "alert" : "status";
  return html`<div class="banner ${banner.kind}" role="${role}" id="banner">${banner.message}</div>`;
}

/** The hidden CSRF field every form carries. */
export function csrfField(token: string): Html {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

/** A labelled checkbox that posts `value` under `name` when ticked. */
export function checkbox(o: { name: string; label: string; value?: string }): Html {
  return html`<div class="field checkbox">
  <input id="${o.name}" name="${o.name}" type="checkbox" value="${o.value ?? "1"}">
  <label for="${o.name}">${o.label}</label>
</div>`;
}

/** A POST form with the CSRF field. */
export function form(
  action: string,
  csrf: string,
  body: Html,
  options: { id?: string; className?: string } = {},
): Html {
  return html`<form method="post" action="${action}"${options.id ? html` id="${options.id}"` : ""}${
    options.className ? html` class="${options.className}"` : ""
  }>
${csrfField(csrf)}
${body}
</form>`;
}

/** Options of {@link field}. */
export interface FieldOptions {
  readonly name: string;
  readonly label: string;
  readonly type?: "text" | "tel" | "email" | "password";
  readonly state?: FieldState;
  readonly hint?: string;
  readonly autocomplete?: string;
  readonly inputmode?: "numeric" | "tel" | "email" | "text";
  readonly required?: boolean;
  readonly maxlength?: number;
  readonly pattern?: string;
  readonly autofocus?: boolean;
  /** Classes for the input. */
  readonly className?: string;
}

/**
 * A labelled input with its hint and error. The error's id is in the input's
 * `aria-describedby`, and `aria-invalid` is set, so assistive technology ties them together.
 */
export function field(o: FieldOptions): Html {
  const id = o.name;
  const error = o.state?.error;
  const described = [o.hint ? `${id}-hint` : "", error ? `${id}-error` : ""]
    .filter(Boolean)
    .join(" ");
  return html`<div class="field${error ? " has-error" : ""}">
  <label for="${id}">${o.label}</label>
  ${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ""}
  ${error ? html`<p class="error" id="${id}-error">${error}</p>` : ""}
  <input id="${id}" name="${o.name}" type="${o.type ?? "text"}"${
    o.className ? html` class="${o.className}"` : ""
  }${o.state?.value ? html` value="${o.state.value}"` : ""}${
    o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ""
  }${o.inputmode ? html` inputmode="${o.inputmode}"` : ""}${
    o.maxlength ? html` maxlength="${o.maxlength}"` : ""
  }${o.pattern ? html` pattern="${o.pattern}"` : ""}${o.required ? html` required` : ""}${
    o.autofocus ? html` autofocus` : ""
  }${described ? html` aria-describedby="${described}"` : ""}${error ? html` aria-invalid="true"` : ""}>
</div>`;
}

/** The one-time-code input: digits, the OS's code autofill, its error tied to it. */
export function codeField(state: FieldState, length: number, label = "Verification code"): Html {
  return field({
    name: "code",
    label,
    state: { error: state.error },
    autocomplete: "one-time-code",
    inputmode: "numeric",
    pattern: "[0-9 ]*",
    maxlength: length + 2,
    required: true,
    autofocus: true,
    className: "code",
    hint: `${length} digits`,
  });
}

/** A submit button; `name`/`value` say which action it is. */
export function button(
  label: string,
  options: {
    name?: string;
    value?: string;
    kind?: "primary" | "secondary" | "link";
    skipValidation?: boolean;
    id?: string;
  } = {},
): Html {
  const kind = options.kind ?? "primary";
  return html`<button type="submit" class="${kind}"${options.name ? html` name="${options.name}"` : ""}${
    options.value ? html` value="${options.value}"` : ""
  }${options.skipValidation ? html` formnovalidate` : ""}${options.id ? html` id="${options.id}"` : ""}>${label}</button>`;
}

/** A date for people: "25 Nov 2026, 14:05 UTC". */
export function when(epochMs: number | null | undefined): string {
  if (epochMs === null || epochMs === undefined) return "never";
  return `${new Date(epochMs).toLocaleString("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: "UTC",
  })} UTC`;
}

/** "30 seconds", "2 minutes", "1 hour". */
export function duration(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  return `${hours} hour${hours === 1 ? "" : "s"}`;
}
