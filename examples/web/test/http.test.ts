/**
 * The example's HTTP guarantees, checked over real HTTP without a browser: the session
 * cookie's attributes, CSRF refusals, the password throttle, headers that keep pages out of
 * caches and frames.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../src/server.ts";
import { ALEX } from "./browser-kit.ts";

let server: RunningServer;
let dataDir: string;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "mfakit-web-http-"));
  server = await startServer({ port: 0, dataDir, verbose: false, env: {}, log: () => {} });
});
afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A browser-less client: one session cookie and the page's CSRF token. */
async function client() {
  const res = await fetch(`${server.url}/sign-in`);
  const setCookie = res.headers.get("set-cookie") ?? "";
  const cookie = setCookie.split(";")[0] ?? "";
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await res.text())?.[1] ?? "";
  const post = (
    path: string,
    fields: Record<string, string>,
    headers: Record<string, string> = {},
  ) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(fields),
    });
  const get = async (path: string) =>
    (await fetch(`${server.url}${path}`, { headers: { cookie } })).text();
  return { setCookie, cookie, csrf, post, get };
}

describe("the web example over HTTP", () => {
  it("keeps the session server-side behind an HttpOnly, Secure, SameSite=Lax cookie holding only a random id", async () => {
    const { setCookie } = await client();
    expect(setCookie).toMatch(/^mfakit_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("Secure");
    expect(setCookie).toContain("SameSite=Lax");
  });

  it("refuses a POST without the session's CSRF token, with a wrong one, or from another origin", async () => {
    const c = await client();
    const fields = { username: ALEX.id, password: ALEX.password };
    expect((await c.post("/sign-in", fields)).status).toBe(403);
    expect((await c.post("/sign-in", { ...fields, _csrf: `${c.csrf.slice(1)}x` })).status).toBe(
      403,
    );
    const foreign = await c.post(
      "/sign-in",
      { ...fields, _csrf: c.csrf },
      { origin: "https://evil.example" },
    );
    expect(foreign.status).toBe(403);
    const ok = await c.post("/sign-in", { ...fields, _csrf: c.csrf });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/");
    // A new session id at sign-in (no fixation).
    expect(ok.headers.get("set-cookie")?.split(";")[0]).not.toBe(c.cookie);
  });

  it("pauses sign-in for an account after 10 wrong passwords, even for the right one", async () => {
    const c = await client();
    const attempt = async (password: string) => {
      const res = await c.post("/sign-in", { username: ALEX.id, password, _csrf: c.csrf });
      expect(res.status).toBe(303);
      return c.get("/sign-in");
    };
    for (let i = 0; i < 10; i++)
      expect(await attempt(`wrong-${i}`)).toContain("The email address or password is not correct");
    expect(await attempt(ALEX.password)).toContain("Too many wrong passwords");
  });

  it("sends pages with no-store, a same-origin-only CSP and no framing", async () => {
    const res = await fetch(`${server.url}/sign-in`);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const page = await res.text();
    expect(page).not.toMatch(/https?:\/\//); // no external asset
  });
});
