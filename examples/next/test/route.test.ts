/**
 * The Next.js route handler shape (app/mfa/[...path]/route.ts), called as Next.js calls it: its
 * exported GET and POST with a `Request`. Next.js itself is not installed.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const dataDir = mkdtempSync(join(tmpdir(), "mfakit-next-"));
let route: typeof import("../src/app/mfa/[...path]/route.ts");
let demo: Awaited<ReturnType<typeof import("../src/mfa.ts")["nextDemo"]>>;
beforeAll(async () => {
  process.env.MFAKIT_DATA_DIR = dataDir;
  route = await import("../src/app/mfa/[...path]/route.ts");
  demo = await (await import("../src/mfa.ts")).nextDemo();
});
afterAll(async () => {
  await demo?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const ORIGIN = "http://localhost:3000";

describe("the MFA pages as a Next.js route handler", () => {
  it("GET answers the pages under /mfa: a signed-out user is sent to sign in, with the way back", async () => {
    const res = await route.GET(new Request(`${ORIGIN}/mfa/security-info`));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/sign-in?next=%2Fmfa%2Fsecurity-info");
    const css = await route.GET(new Request(`${ORIGIN}/mfa/static/mfakit.css`));
    expect(css.headers.get("content-type")).toContain("text/css");
  });

  it("GET shows a signed-in user the wizard in their language; POST without the form's token is refused (CSRF)", async () => {
    const signInPage = await demo.app.fetch(new Request(`${ORIGIN}/sign-in`));
    const cookie = (signInPage.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await signInPage.text())?.[1] ?? "";
    const signedIn = await demo.app.fetch(
      new Request(`${ORIGIN}/sign-in`, {
        method: "POST",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          _csrf: csrf,
          username: "alex@contoso.com",
          password: "Alex-Contoso-2026",
        }),
      }),
    );
    const session = (signedIn.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const wizard = await route.GET(
      new Request(`${ORIGIN}/mfa/enrol`, {
        headers: { cookie: session, "accept-language": "fr-CH, en;q=0.5" },
      }),
    );
    const html = await wizard.text();
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain("Informations supplémentaires requises");
    const forged = await route.POST(
      new Request(`${ORIGIN}/mfa/enrol`, {
        method: "POST",
        headers: { cookie: session, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ step: "intro" }),
      }),
    );
    expect(forged.status).toBe(403);
  });
});
