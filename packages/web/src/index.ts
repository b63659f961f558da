/**
 * @mfakit/web: the MFA pages for any app — the enrolment wizard, Security info, the sign-in
 * challenge, the "this wasn't me" link and the development outbox — server-rendered, accessible,
 * working without JavaScript, on the Web-standard `Request → Response`.
 *
 * @example
 * ```ts
 * import { createMfaWeb } from "@mfakit/web";
 *
 * const web = createMfaWeb({
 *   mfa,
 *   store,
 *   tenant: { name: "Contoso", domains: ["contoso.com"] },
 *   basePath: "/mfa",
 *   session: { get: (request) => mySession(request) }, // { userId, authenticatedAt, sessionId }
 * });
 * // Hono: app.all("/mfa/*", (c) => web.fetch(c.req.raw));
 * // Next.js (app/mfa/[...path]/route.ts): export const GET = web.fetch, POST = web.fetch;
 * // Express, Fastify, node:http: nodeHandler(web) from "@mfakit/web/node".
 * ```
 *
 * @packageDocumentation
 */

// Theming
export { STYLESHEET, THEME_DEFAULTS, type ThemeProperty } from "./assets/stylesheet.js";
// The layout, for the app's own pages (its sign-in) to look the same
export {
  type Banner,
  type ButtonOptions,
  button,
  checkbox,
  type FieldOptions,
  type FieldState,
  field,
  fill,
  form,
  type Html,
  type PageOptions,
  page,
  type Ui,
} from "./html.js";
// Messages
export {
  acceptedLanguages,
  CATALOGUES,
  type Catalogue,
  type CatalogueOptions,
  createCatalogue,
  type MessageKey,
  type MessageOverrides,
  type Messages,
  SHIPPED_LOCALES,
} from "./messages/catalogue.js";
// The admin area
export {
  ADMIN_STATE_COOKIE,
  createMfaAdmin,
  type MfaAdmin,
  type MfaAdminOptions,
} from "./mfa-admin.js";
// The handler
export {
  createMfaWeb,
  DEVICE_COOKIE,
  deviceNameOf,
  type MfaWeb,
  SECURE_HEADERS,
  STATE_COOKIE,
} from "./mfa-web.js";
export type {
  MfaPagesOptions,
  MfaWebAppSteps,
  MfaWebHelpDesk,
  MfaWebOptions,
  MfaWebOutbox,
  MfaWebSession,
  MfaWebSessionSource,
} from "./options.js";
// Security helpers, for the app's own forms beside the pages
export { sameToken } from "./page-state.js";
