/**
 * The pages' stylesheet, served at `<basePath>/static/mfakit.css`: system fonts, no external
 * asset. Every colour, the font and the corner radius are CSS custom properties (`--mfa-*`) an
 * app sets in its own stylesheet, or through `createMfaWeb({ theme })`, to make the pages look
 * like the app they are mounted in.
 *
 * @module
 */

/** The custom properties the stylesheet reads, with their defaults. */
export const THEME_DEFAULTS = Object.freeze({
  ink: "#1b1b1b",
  muted: "#5c5c5c",
  line: "#d6d6d6",
  accent: "#0f5cc0",
  "accent-ink": "#ffffff",
  error: "#b3261e",
  "error-bg": "#fdecea",
  "notice-bg": "#eef4fc",
  "success-bg": "#e8f5ec",
  success: "#1e6b34",
  page: "#f5f6f8",
  surface: "#ffffff",
  focus: "#1d4ed8",
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  radius: "4px",
});

/** A themable property: `accent` is `--mfa-accent`. */
export type ThemeProperty = keyof typeof THEME_DEFAULTS;

/** The stylesheet. */
export const STYLESHEET = `:root {
  --mfa-ink: #1b1b1b;
  --mfa-muted: #5c5c5c;
  --mfa-line: #d6d6d6;
  --mfa-accent: #0f5cc0;
  --mfa-accent-ink: #ffffff;
  --mfa-error: #b3261e;
  --mfa-error-bg: #fdecea;
  --mfa-notice-bg: #eef4fc;
  --mfa-success-bg: #e8f5ec;
  --mfa-success: #1e6b34;
  --mfa-page: #f5f6f8;
  --mfa-surface: #ffffff;
  /* 6.7:1 on white and 6.2:1 on the page: WCAG 1.4.11 asks 3:1 for a focus indicator. */
  --mfa-focus: #1d4ed8;
  --mfa-font: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  --mfa-radius: 4px;
  font-family: var(--mfa-font);
  color: var(--mfa-ink);
  background: var(--mfa-page);
  line-height: 1.5;
}
* {
  box-sizing: border-box;
}
body {
  margin: 0;
}
.top {
  display: flex;
  align-items: center;
  justify-content: space-between;
  padding: 0.75rem 1.5rem;
  background: var(--mfa-surface);
  border-bottom: 1px solid var(--mfa-line);
}
.brand {
  font-weight: 700;
  font-size: 1.1rem;
  letter-spacing: 0.02em;
  color: var(--mfa-accent);
}
.signout {
  display: flex;
  gap: 0.75rem;
  align-items: center;
  margin: 0;
}
.who {
  color: var(--mfa-muted);
  font-size: 0.9rem;
}
main {
  max-width: 40rem;
  margin: 2rem auto;
  padding: 2rem;
  background: var(--mfa-surface);
  border: 1px solid var(--mfa-line);
  border-radius: 8px;
}
h1 {
  font-size: 1.5rem;
  margin: 0 0 1rem;
  line-height: 1.25;
}
h2 {
  font-size: 1.1rem;
  margin: 1.75rem 0 0.5rem;
}
.kicker {
  margin: 0 0 0.25rem;
  color: var(--mfa-muted);
  font-size: 0.85rem;
  text-transform: uppercase;
  letter-spacing: 0.05em;
}
.lead {
  margin-top: 0;
}
.small,
.hint {
  font-size: 0.875rem;
  color: var(--mfa-muted);
}
.hint {
  margin: 0 0 0.35rem;
}
.note {
  background: var(--mfa-notice-bg);
  border-left: 4px solid var(--mfa-accent);
  padding: 0.6rem 0.8rem;
  font-size: 0.9rem;
}
.field {
  margin: 0 0 1rem;
}
label {
  display: block;
  font-weight: 600;
  margin-bottom: 0.25rem;
}
input[type="text"],
input[type="tel"],
input[type="email"],
input[type="password"],
select {
  width: 100%;
  padding: 0.55rem 0.65rem;
  font: inherit;
  color: inherit;
  border: 1px solid #8a8a8a;
  border-radius: 4px;
  background: var(--mfa-surface);
}
input.code {
  font-size: 1.4rem;
  letter-spacing: 0.3em;
  max-width: 12rem;
  font-variant-numeric: tabular-nums;
}
input:focus,
select:focus,
button:focus,
a:focus {
  outline: 3px solid var(--mfa-focus);
  outline-offset: 2px;
}
.has-error input,
.has-error select {
  border-color: var(--mfa-error);
  border-width: 2px;
}
.error {
  color: var(--mfa-error);
  font-weight: 600;
  margin: 0 0 0.35rem;
}
fieldset {
  border: 1px solid var(--mfa-line);
  border-radius: 6px;
  margin: 0 0 1rem;
  padding: 0.75rem 1rem 0.25rem;
}
fieldset.radios {
  border: 0;
  padding: 0;
}
legend {
  font-weight: 600;
  padding: 0 0.25rem;
}
label.radio {
  font-weight: 400;
  display: flex;
  gap: 0.5rem;
  align-items: center;
  margin: 0.25rem 0;
}
.actions {
  display: flex;
  flex-wrap: wrap;
  gap: 0.75rem;
  align-items: center;
  margin-top: 1.25rem;
}
.secondary-actions {
  margin-top: 1.5rem;
  padding-top: 1rem;
  border-top: 1px solid var(--mfa-line);
}
.secondary-actions .countdown {
  flex-basis: 100%;
  margin: 0;
  color: var(--mfa-muted);
  font-size: 0.9rem;
}
button,
.buttonlike {
  font: inherit;
  padding: 0.55rem 1.1rem;
  border-radius: 4px;
  cursor: pointer;
  border: 1px solid var(--mfa-accent);
  text-decoration: none;
  display: inline-block;
}
button.primary,
.buttonlike {
  background: var(--mfa-accent);
  color: var(--mfa-accent-ink);
}
button.secondary,
.buttonlike.secondary {
  background: var(--mfa-surface);
  color: var(--mfa-accent);
}
button.link {
  background: none;
  border: 0;
  padding: 0;
  color: var(--mfa-accent);
  text-decoration: underline;
}
form.inline {
  display: inline;
  margin: 0;
}
form.rename {
  display: flex;
  gap: 0.5rem;
  align-items: center;
  margin-top: 0.35rem;
}
form.rename input[type="text"] {
  max-width: 12rem;
  padding: 0.2rem 0.4rem;
}
.badge {
  display: inline-block;
  padding: 0.05rem 0.5rem;
  border: 1px solid var(--mfa-accent);
  border-radius: 999px;
  color: var(--mfa-accent);
  font-size: 0.85rem;
}
.banner {
  padding: 0.75rem 1rem;
  border-radius: 4px;
  margin: 0 0 1.25rem;
  font-weight: 500;
}
.banner.error {
  background: var(--mfa-error-bg);
  color: var(--mfa-error);
  border-left: 4px solid var(--mfa-error);
}
.banner.notice {
  background: var(--mfa-notice-bg);
  border-left: 4px solid var(--mfa-accent);
}
.banner.success {
  background: var(--mfa-success-bg);
  color: var(--mfa-success);
  border-left: 4px solid var(--mfa-success);
}
.secret-box {
  border: 2px dashed var(--mfa-accent);
  border-radius: 6px;
  padding: 0.75rem 1rem;
  margin: 1rem 0;
}
.secret-box .label {
  margin: 0 0 0.25rem;
  font-size: 0.9rem;
  color: var(--mfa-muted);
}
.secret {
  font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  font-size: 1.2rem;
  letter-spacing: 0.05em;
}
output.secret {
  display: block;
  font-size: 1.4rem;
}
code {
  font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  background: #f0f0f0;
  padding: 0 0.25rem;
  border-radius: 3px;
}
.qr {
  margin: 0.75rem 0;
}
.qr svg {
  width: 180px;
  height: 180px;
  display: block;
}
.qr figcaption {
  font-size: 0.8rem;
  color: var(--mfa-muted);
}
ol.steps li {
  margin-bottom: 0.75rem;
}
ul.methods,
ul.choices {
  list-style: none;
  padding: 0;
  margin: 0;
}
ul.methods li {
  display: flex;
  justify-content: space-between;
  align-items: center;
  padding: 0.75rem 0;
  border-bottom: 1px solid var(--mfa-line);
}
ul.choices li {
  margin: 0 0 0.75rem;
}
ul.choices button,
ul.choices .buttonlike {
  width: 100%;
  text-align: left;
}
dl.summary div {
  display: flex;
  justify-content: space-between;
  gap: 1rem;
  padding: 0.5rem 0;
  border-bottom: 1px solid var(--mfa-line);
}
dl.summary dt {
  font-weight: 600;
}
dl.summary dd {
  margin: 0;
}
.tag {
  background: var(--mfa-success-bg);
  color: var(--mfa-success);
  font-size: 0.75rem;
  padding: 0.1rem 0.4rem;
  border-radius: 3px;
}
table.list {
  width: 100%;
  border-collapse: collapse;
  font-size: 0.95rem;
  margin-bottom: 1rem;
}
table.list th,
table.list td {
  text-align: left;
  padding: 0.5rem 0.4rem;
  border-bottom: 1px solid var(--mfa-line);
  vertical-align: middle;
}
table.list thead th {
  font-size: 0.8rem;
  color: var(--mfa-muted);
  text-transform: uppercase;
  letter-spacing: 0.04em;
}
aside.demo {
  margin-top: 2rem;
  padding: 1rem;
  background: var(--mfa-page);
  border-radius: 6px;
  font-size: 0.9rem;
}
aside.demo h2 {
  margin-top: 0;
  font-size: 1rem;
}
aside.demo ul {
  padding-left: 1.1rem;
}
.visually-hidden {
  position: absolute;
  width: 1px;
  height: 1px;
  overflow: hidden;
  clip: rect(0 0 0 0);
  white-space: nowrap;
}
.field.checkbox {
  display: flex;
  align-items: center;
  gap: 0.5rem;
}
.field.checkbox label {
  display: inline;
  font-weight: normal;
  margin: 0;
}
.field.checkbox input {
  width: 1.25rem;
  height: 1.25rem;
}
.brand .logo {
  height: 1.5rem;
  vertical-align: middle;
}
.skip {
  position: absolute;
  left: -999px;
}
.skip:focus {
  left: 1rem;
  top: 0.5rem;
  background: var(--mfa-surface);
  padding: 0.25rem 0.5rem;
}
.error-summary {
  border: 3px solid var(--mfa-error);
  padding: 0.75rem 1rem;
  margin: 0 0 1.25rem;
  border-radius: var(--mfa-radius);
}
.error-summary h2 {
  margin: 0 0 0.5rem;
  font-size: 1.05rem;
}
.error-summary ul {
  margin: 0;
  padding-left: 1.1rem;
}
.error-summary a {
  color: var(--mfa-error);
  font-weight: 600;
}
.error-summary:focus {
  outline: 3px solid var(--mfa-focus);
  outline-offset: 2px;
}
button:disabled {
  background: #ececec;
  color: #545454;
  border-color: #8a8a8a;
  cursor: not-allowed;
}
.status {
  font-size: 0.9rem;
  color: var(--mfa-muted);
}
.status.done {
  color: var(--mfa-success);
  font-weight: 600;
}
button.copy {
  margin-top: 0.5rem;
  padding: 0.3rem 0.8rem;
  font-size: 0.9rem;
}
/* A class's display (form.inline) would otherwise show what the page hides. */
[hidden] {
  display: none !important;
}
.delivery {
  font-size: 0.9rem;
  padding: 0.4rem 0.7rem;
  border-left: 4px solid var(--mfa-line);
}
.delivery.delivered {
  color: var(--mfa-success);
  border-left-color: var(--mfa-success);
}
.delivery.not-delivered {
  color: var(--mfa-error);
  background: var(--mfa-error-bg);
  border-left-color: var(--mfa-error);
  font-weight: 600;
}
/* The admin area */
.admin-nav {
  list-style: none;
  display: flex;
  flex-wrap: wrap;
  gap: 0.5rem 1.25rem;
  padding: 0;
  margin: 0 0 1.25rem;
  border-bottom: 1px solid var(--mfa-line);
}
.admin-nav a {
  display: inline-block;
  padding: 0.4rem 0;
}
.admin-nav a[aria-current="page"] {
  font-weight: 700;
  border-bottom: 3px solid var(--mfa-accent);
}
.table-wrap {
  overflow-x: auto;
  margin: 0 0 1.5rem;
}
.table-wrap table {
  border-collapse: collapse;
  width: 100%;
  font-size: 0.9rem;
}
.table-wrap caption {
  text-align: left;
  font-weight: 700;
  padding: 0 0 0.4rem;
}
.table-wrap th,
.table-wrap td {
  text-align: left;
  padding: 0.35rem 0.6rem 0.35rem 0;
  border-bottom: 1px solid var(--mfa-line);
  vertical-align: top;
}
.table-wrap tr.alert th,
.table-wrap tr.alert td {
  background: var(--mfa-error-bg);
}
.flag {
  color: var(--mfa-error);
}
.status-line {
  display: block;
}
.chart {
  margin: 0 0 1rem;
}
.legend {
  list-style: none;
  display: flex;
  flex-wrap: wrap;
  gap: 0.3rem 1rem;
  padding: 0;
  font-size: 0.9rem;
}
.admin-actions {
  list-style: none;
  padding: 0;
  display: flex;
  flex-wrap: wrap;
  gap: 0.5rem;
}
button.danger {
  background: var(--mfa-surface);
  color: var(--mfa-error);
  border: 2px solid var(--mfa-error);
}
`;
