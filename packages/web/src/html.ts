/**
 * The page layout and the form pieces every page uses.
 *
 * Everything goes through Hono's `html` tag, which escapes every interpolated string; only
 * markup this package builds itself (and the core's QR SVG) is ever passed through `raw`.
 * Forms work without JavaScript: POST, then a redirect (PRG). Each field has a `<label>`, and
 * an error is tied to its field with `aria-describedby` and `aria-invalid`.
 *
 * After a field error the page says so three ways, because a redirect moves focus to the top
 * of a new page and a screen reader would otherwise hear nothing: the title starts with
 * "Error:", an error summary (`role="alert"`) lists each error with a link to its field, and
 * the summary takes focus (WCAG 3.3.1, 4.1.3; the GOV.UK error-summary pattern).
 *
 * @module
 */

import { html, raw } from "hono/html";
import type { Messages } from "./messages/catalogue.js";

/** A rendered piece of HTML. */
export type Html = ReturnType<typeof html>;

/** A message shown at the top of a page (after a redirect). */
export interface Banner {
  /** `error` is announced at once (`role="alert"`); the others politely (`role="status"`). */
  readonly kind: "error" | "notice" | "success";
  /** The sentence, already in the page's language. */
  readonly message: string;
}

/** What a form field shows: its value and its error, if any. */
export interface FieldState {
  /** What the user typed (never a code or a password). */
  readonly value?: string | undefined;
  /** The error, in the page's language. */
  readonly error?: string | undefined;
}

/** What every page is rendered with: the language, the mount point, the brand, the token. */
export interface Ui {
  /** The strings of the page's language (with the app's overrides applied). */
  readonly t: Messages;
  /** The page's language, a tag of the catalogue (`en`, `de`, …). */
  readonly locale: string;
  /** Where the pages are mounted: `""` or `/mfa` (no trailing slash). */
  readonly base: string;
  /** The CSRF token every form carries. */
  readonly csrf: string;
  /** The app's name and logo, for the header. */
  readonly brand: { readonly name: string; readonly logoUrl: string | null };
  /** Stylesheets to load after the package's own (the theme, the app's). */
  readonly stylesheets: readonly string[];
  /** Whether the header offers "Sign out" (the app gave `session.signOut`). */
  readonly signOut: boolean;
}

/** What a page with a form is rendered with: its language, who is signed in, its messages. */
export interface PageContext {
  readonly ui: Ui;
  /** The signed-in user, for the header. */
  readonly user: string;
  readonly banner: Banner | null;
  /** Field name → error, from the last post. */
  readonly errors: Readonly<Record<string, string>>;
}

/** Options of {@link page}. */
export interface PageOptions {
  /** The `<h1>` and the `<title>`. */
  readonly title: string;
  /** The heading's small print above the title (e.g. "Password reset"). */
  readonly kicker?: string | undefined;
  /** A message at the top of the page. */
  readonly banner?: Banner | null | undefined;
  /** The signed-in user, for the header. */
  readonly user?: string | null | undefined;
  /** Field name → error: listed in the error summary, linked to their fields. */
  readonly errors?: Readonly<Record<string, string>> | undefined;
}

/** `{name}` placeholders of a catalogue string filled in (values are escaped later, by `html`). */
export function fill(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (all, name: string) =>
    name in values ? String(values[name]) : all,
  );
}

/** A whole page: the layout around `body`. */
export function page(ui: Ui, options: PageOptions, body: Html): Html {
  const { t, base } = ui;
  const { title, kicker, banner, user } = options;
  const errors = Object.entries(options.errors ?? {});
  const failed = errors.length > 0 || banner?.kind === "error";
  const shownTitle = failed ? fill(t.errorTitle, { title }) : title;
  return html`<!doctype html>
<html lang="${ui.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${shownTitle} – ${ui.brand.name}</title>
<link rel="stylesheet" href="${base}/static/mfakit.css">
${ui.stylesheets.map((href) => html`<link rel="stylesheet" href="${href}">`)}
<script src="${base}/static/mfakit.js" defer></script>
</head>
<body>
<a class="skip" href="#main">${t.skipToContent}</a>
<header class="top">
  <span class="brand">${
    ui.brand.logoUrl ? html`<img src="${ui.brand.logoUrl}" alt="" class="logo"> ` : ""
  }${ui.brand.name}</span>
  ${
    user
      ? html`<div class="signout"><span class="who">${user}</span>${
          ui.signOut
            ? form(
                ui,
                "/sign-out",
                html`<button type="submit" class="link">${t.signOut}</button>`,
                { className: "inline" },
              )
            : ""
        }</div>`
      : ""
  }
</header>
<main id="main">
  ${kicker ? html`<p class="kicker">${kicker}</p>` : ""}
  <h1>${title}</h1>
  ${errors.length ? errorSummary(t, errors) : ""}
  ${banner ? bannerBox(banner) : ""}
  ${body}
</main>
</body>
</html>`;
}

/** The list of a page's field errors, each a link to its field; it takes focus on load. */
function errorSummary(t: Messages, errors: ReadonlyArray<[string, string]>): Html {
  return html`<div class="error-summary" id="error-summary" role="alert" tabindex="-1" autofocus aria-labelledby="error-summary-title">
  <h2 id="error-summary-title">${t.errorSummaryTitle}</h2>
  <ul>${errors.map(([name, message]) => html`<li><a href="#${name}">${message}</a></li>`)}</ul>
</div>`;
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

/** Hidden fields (`name` → `value`). */
export function hidden(fields: Readonly<Record<string, string>>): Html {
  return html`${Object.entries(fields).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`,
  )}`;
}

/** A labelled checkbox that posts `value` under `name` when ticked. */
export function checkbox(o: {
  name: string;
  label: string;
  value?: string;
  checked?: boolean;
}): Html {
  return html`<div class="field checkbox">
  <input id="${o.name}" name="${o.name}" type="checkbox" value="${o.value ?? "1"}"${
    o.checked ? " checked" : ""
  }>
  <label for="${o.name}">${o.label}</label>
</div>`;
}

/**
 * A POST form to `path` (under the mount point) with the CSRF field. `revealOnNotDelivered`:
 * hidden until the page's script learns the code was not delivered (a delivery alternative).
 */
export function form(
  ui: Ui,
  path: string,
  body: Html,
  options: { id?: string; className?: string; revealOnNotDelivered?: boolean } = {},
): Html {
  return html`<form method="post" action="${ui.base}${path}"${options.id ? html` id="${options.id}"` : ""}${
    options.className ? html` class="${options.className}"` : ""
  }${options.revealOnNotDelivered ? html` hidden data-delivery-alternative` : ""}>
${csrfField(ui.csrf)}
${body}
</form>`;
}

/** Options of {@link field}. */
export interface FieldOptions {
  /** The input's `name` and `id`. */
  readonly name: string;
  /** The `<label>`. */
  readonly label: string;
  /** @default "text" */
  readonly type?: "text" | "tel" | "email" | "password";
  /** Its value and error. */
  readonly state?: FieldState;
  /** A line under the label. */
  readonly hint?: string | undefined;
  /** The `autocomplete` token. */
  readonly autocomplete?: string;
  /** The `inputmode`. */
  readonly inputmode?: "numeric" | "tel" | "email" | "text";
  /** Mark it required. @default false */
  readonly required?: boolean;
  /** The longest input accepted. */
  readonly maxlength?: number;
  /** A `pattern` for the browser's own check. */
  readonly pattern?: string;
  /** Focus it on load (an error summary, earlier in the page, wins). @default false */
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

/**
 * The one-time-code input: digits, the OS's code autofill (`one-time-code`; the page's script
 * adds WebOTP where the browser has it), its error tied to it.
 */
export function codeField(
  t: Messages,
  state: FieldState,
  length: number,
  label: string = t.codeLabel,
): Html {
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
    hint: fill(t.codeHint, { length }),
  });
}

/** Options of {@link button}. */
export interface ButtonOptions {
  /** With `value`: which action the button is. */
  readonly name?: string;
  readonly value?: string;
  /** @default "primary" */
  readonly kind?: "primary" | "secondary" | "link";
  /** Skip the browser's field checks (Back, Cancel, Resend). */
  readonly skipValidation?: boolean;
  readonly id?: string;
  /**
   * Seconds the button stays disabled (a resend cooldown): the script counts down and enables
   * it; without JavaScript a reload after the wait shows it enabled.
   */
  readonly disabledForSeconds?: number;
}

/** A submit button. */
export function button(label: string, options: ButtonOptions = {}): Html {
  const kind = options.kind ?? "primary";
  const wait = options.disabledForSeconds ?? 0;
  return html`<button type="submit" class="${kind}"${options.name ? html` name="${options.name}"` : ""}${
    options.value ? html` value="${options.value}"` : ""
  }${options.skipValidation ? html` formnovalidate` : ""}${options.id ? html` id="${options.id}"` : ""}${
    wait > 0 ? html` disabled data-enable-after="${wait}"` : ""
  }>${label}</button>`;
}

/** A "Copy" button for the text of element `target` (shown only when the script runs). */
export function copyButton(t: Messages, target: string): Html {
  return html`<button type="button" class="secondary copy" data-copy="${target}" data-copied="${t.copied}" hidden>${t.copy}</button>`;
}

/** A date for people, in the page's language: "25 Nov 2026, 14:05 UTC". */
export function when(t: Messages, locale: string, epochMs: number | null | undefined): string {
  if (epochMs === null || epochMs === undefined) return t.never;
  return `${new Date(epochMs).toLocaleString(locale, {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: "UTC",
  })} UTC`;
}

/** "30 seconds", "2 minutes", "1 hour", in the page's language (`Intl` units). */
export function duration(locale: string, seconds: number): string {
  const unit = (value: number, name: "second" | "minute" | "hour") =>
    new Intl.NumberFormat(locale, { style: "unit", unit: name, unitDisplay: "long" }).format(value);
  if (seconds < 90) return unit(seconds, "second");
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return unit(minutes, "minute");
  return unit(Math.round(minutes / 60), "hour");
}

/** Markup this package made itself, passed through unescaped (the core's QR SVG). */
export const trusted = raw;
