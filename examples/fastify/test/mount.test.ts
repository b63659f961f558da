/**
 * The MFA pages mounted in Fastify 5 (at /mfa), over real HTTP: sign-in, then the wizard; the
 * forms' bodies reach the pages unread by Fastify; an oversized body is a 413 (REL-07).
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunningServer } from "@mfakit/example-web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFastifyServer } from "../src/app.ts";

let server: RunningServer;
let dataDir: string;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "mfakit-fastify-"));
  server = await startFastifyServer({ port: 0, dataDir, verbose: false, env: {}, log: () => {} });
});
afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const csrfOf = (page: string) => /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? "";
const cookieOf = (res: Response) => (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";

describe("the MFA pages in Fastify", () => {
  it("send a signed-out user to sign in, then into the wizard at /mfa; a form posted to the pages is read by them", async () => {
    const start = await fetch(`${server.url}/mfa/`, { redirect: "manual" });
    expect(start.status).toBe(303);
    expect(start.headers.get("location")).toBe("/sign-in?next=%2Fmfa%2F");

    const signInPage = await fetch(`${server.url}/sign-in?next=%2Fmfa%2F`);
    const cookie = cookieOf(signInPage);
    const signedIn = await fetch(`${server.url}/sign-in`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        _csrf: csrfOf(await signInPage.text()),
        username: "alex@contoso.com",
        password: "Alex-Contoso-2026",
      }),
    });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get("location")).toBe("/mfa/");
    const session = cookieOf(signedIn);

    const onward = await fetch(`${server.url}/mfa/`, {
      redirect: "manual",
      headers: { cookie: session },
    });
    expect(onward.headers.get("location")).toBe("/mfa/enrol");
    const state = cookieOf(onward);
    const cookies = `${session}; ${state}`;
    const wizard = await fetch(`${server.url}/mfa/enrol`, { headers: { cookie: cookies } });
    const html = await wizard.text();
    expect(html).toContain("More information required");
    expect(html).toContain('action="/mfa/enrol"');

    // "Set it up now", posted through Fastify to the pages: the next step.
    const setup = await fetch(`${server.url}/mfa/enrol`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie: cookies, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: csrfOf(html), step: "intro" }),
    });
    expect(setup.status).toBe(303);
    const next = await (
      await fetch(`${server.url}/mfa/enrol`, { headers: { cookie: cookies } })
    ).text();
    expect(next).toContain("Step 1: How should we contact you?");
  });

  it("REL-07: answers a form body over 16 KiB with 413, not a server error", async () => {
    const res = await fetch(`${server.url}/mfa/enrol`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `x=${"a".repeat(20 * 1024)}`,
    });
    expect(res.status).toBe(413);
  });
});
