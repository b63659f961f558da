/**
 * `@mfakit/web` in an Express 5 app: the MFA pages are one `app.use` (through
 * `@mfakit/web/node`), mounted before any body parser since the pages read their own forms.
 *
 * The app's own part here is the demo's sign-in (a Web-standard handler too); a real app has
 * its own, and gives `createMfaWeb` a `session.get` that reads it.
 *
 * @module
 */

import type { Demo, RunningServer, StartServerOptions } from "@mfakit/example-web";
import { createDemo, serve } from "@mfakit/example-web";
import { nodeHandler } from "@mfakit/web/node";
import express, { type Express } from "express";

/** The demo in Express: the MFA pages at `demo.web.basePath`, the sign-in beside them. */
export function expressApp(demo: Demo): Express {
  const app = express();
  app.use(demo.web.basePath, nodeHandler(demo.web)); // the MFA pages
  app.use(nodeHandler(demo.app)); // the app's own sign-in
  return app;
}

/** Starts the demo on Express, with the MFA pages at `/mfa`. */
export async function startExpressServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const demo = await createDemo({ basePath: "/mfa", ...options });
  return serve(demo, expressApp(demo));
}
