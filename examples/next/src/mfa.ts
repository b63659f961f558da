/**
 * The MFA pages of the Next.js example: the demo (its SDK, store and sign-in session) with the
 * pages at `/mfa`. In a real app, `createMfaWeb` is given the app's own `mfa`, `store` and a
 * `session.get` reading its session cookie.
 *
 * @module
 */

import { createDemo, type Demo } from "@mfakit/example-web";
import type { MfaWeb } from "@mfakit/web";

let demo: Promise<Demo> | undefined;

/** The demo, built on first use (once per server process). */
export function nextDemo(): Promise<Demo> {
  demo ??= createDemo({ basePath: "/mfa", verbose: false, port: 0 });
  return demo;
}

/** The MFA pages. */
export async function web(): Promise<MfaWeb> {
  return (await nextDemo()).web;
}
