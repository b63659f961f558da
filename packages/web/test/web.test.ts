/**
 * @mfakit/web over its Web-standard handler, on a real SQLite store: configuration checked once,
 * CSRF and cookie flags, the body limit's 413, headers, the language of the pages and the app's
 * own words, theming, the error summary after a field error, the app's gate, the outbox only in
 * development.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKeyring, createMfa, isMfaError, type Mfa, seedPolicy } from "@mfakit/core";
import { devOutbox } from "@mfakit/dev-outbox";
import { type SqliteStore, sqliteStore } from "@mfakit/sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CATALOGUES,
  createMfaWeb,
  type MfaWebOptions,
  type MfaWebSession,
  THEME_DEFAULTS,
} from "../src/index.ts";
import { ORIGIN, testBrowser, toCodePage } from "./http-kit.ts";

const dir = mkdtempSync(join(tmpdir(), "mfakit-web-pkg-"));
let store: SqliteStore;
let mfa: Mfa;
const outbox = devOutbox({ print: false });
const TENANT = { name: "Contoso", domains: ["contoso.com"] };

beforeAll(() => {
  store = sqliteStore({ path: join(dir, "web.db") });
  mfa = createMfa({
    store,
    keyring: createKeyring({ current: "k1", keys: { k1: Buffer.alloc(32, 7).toString("base64") } }),
    tenant: TENANT,
    policy: seedPolicy(["GB", "US"]),
    senders: outbox,
  });
});
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The signed-in user of a request: the test puts it in a header standing for the app's cookie. */
const sessionFrom = (request: Request): MfaWebSession | null => {
  const who = request.headers.get("x-test-user");
  return who ? { userId: who, authenticatedAt: Date.now(), sessionId: `s-${who}` } : null;
};

const web = (extra: Partial<MfaWebOptions> = {}) =>
  createMfaWeb({
    mfa,
    store,
    tenant: TENANT,
    basePath: "/mfa",
    session: { get: sessionFrom },
    log: () => {},
    ...extra,
  });

/** A browser of `handler`, signed in as `user` (a header standing for the app's cookie). */
const browser = (
  handler: ReturnType<typeof web>,
  user: string | null,
  headers: Record<string, string> = {},
) => testBrowser(handler, { ...(user ? { "x-test-user": user } : {}), ...headers });

describe("createMfaWeb's options", () => {
  it("are checked once, every gap named in one config_invalid", () => {
    const e = (() => {
      try {
        createMfaWeb({
          basePath: "mfa",
          theme: { accent: "red; } body { display: none" },
        } as unknown as MfaWebOptions);
      } catch (error) {
        return error;
      }
    })();
    expect(isMfaError(e, "config_invalid")).toBe(true);
    const message = (e as Error).message;
    for (const gap of ["mfa:", "store:", "tenant:", "session.get", "basePath:", "theme.accent"])
      expect(message).toContain(gap);
  });
});

describe("the pages' HTTP guarantees", () => {
  it("STORE-03: CSRF: refuse a POST without the form's token, with another one, or from another origin (403)", async () => {
    const b = browser(web(), "csrf@contoso.com");
    const csrf = await b.csrf("/mfa/enrol");
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await b.post("/mfa/enrol", { step: "intro" })).status).toBe(403);
    expect((await b.post("/mfa/enrol", { step: "intro", _csrf: `${csrf.slice(1)}x` })).status).toBe(
      403,
    );
    expect(
      (
        await b.post(
          "/mfa/enrol",
          { step: "intro", _csrf: csrf },
          { origin: "https://evil.example" },
        )
      ).status,
    ).toBe(403);
    expect((await b.post("/mfa/enrol", { step: "intro", _csrf: csrf })).status).toBe(303);
  });

  it("GEN-05: keep the state behind an HttpOnly, Secure, SameSite=Lax cookie of a random id; Secure can be turned off for plain-http development", async () => {
    const on = await web().fetch(new Request(`${ORIGIN}/mfa/revert/x`));
    expect(on.headers.get("set-cookie")).toMatch(/^mfakit_web=[A-Za-z0-9_-]{43};/);
    expect(on.headers.get("set-cookie")).toContain("SameSite=Lax");
    expect(on.headers.get("set-cookie")).toContain("Secure");
    expect(on.headers.get("set-cookie")).toContain("HttpOnly");
    const off = await web({ cookies: { secure: false } }).fetch(
      new Request(`${ORIGIN}/mfa/revert/x`),
    );
    expect(off.headers.get("set-cookie")).not.toContain("Secure");
  });

  it("say why every form 'expired' over plain http on a name other than localhost: the Secure cookie never came back", async () => {
    const res = await web().fetch(
      new Request("http://intranet.example:3000/mfa/revert", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "token=x&_csrf=y",
      }),
    );
    expect(res.status).toBe(403);
    const page = await res.text();
    expect(page).toContain('id="plain-http"');
    expect(page).toContain("http://intranet.example:3000");
    expect(page).toContain("cookies.secure: false");
    // On localhost the cookie does come back: no such explanation there.
    const local = await web().fetch(
      new Request("http://localhost:3000/mfa/revert", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "token=x",
      }),
    );
    expect(await local.text()).not.toContain('id="plain-http"');
  });

  it("REL-07, REL-06: answer any POST over 16 KiB with 413, anonymous or not, with or without Content-Length, and log nothing", async () => {
    const lines: string[] = [];
    const handler = web({ log: (l) => lines.push(l) });
    const big = `x=${"a".repeat(17 * 1024)}`;
    const declared = await handler.fetch(
      new Request(`${ORIGIN}/mfa/enrol`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: big,
      }),
    );
    expect(declared.status).toBe(413);
    expect(await declared.text()).toContain("That was too much to send");
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const chunked = await handler.fetch(
      new Request(`${ORIGIN}/mfa/revert`, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "transfer-encoding": "chunked",
        },
        body: stream,
        duplex: "half",
      } as RequestInit),
    );
    expect(chunked.status).toBe(413);
    expect(lines).toEqual([]);
  });

  it("send pages with no-store, a same-origin-only CSP, no framing, and no external asset", async () => {
    const res = await web().fetch(new Request(`${ORIGIN}/mfa/revert/abc`));
    expect(res.headers.get("cache-control")).toBe("no-store");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await res.text()).not.toMatch(/(src|href)="https?:/);
  });
});

describe("the pages' language", () => {
  it("follow Accept-Language through the core's negotiation (de-CH → de, es-MX → es), else English", async () => {
    const lang = async (accept: string) => {
      const res = await browser(web(), "lang@contoso.com", { "accept-language": accept }).get(
        "/mfa/enrol",
      );
      return /<html lang="(\w+)">/.exec(await res.text())?.[1];
    };
    expect(await lang("de-CH,de;q=0.9")).toBe("de");
    expect(await lang("es-MX")).toBe("es");
    expect(await lang("fr;q=0.4, tlh;q=0.9")).toBe("fr");
    expect(await lang("ja-JP")).toBe("en");
    const de = await (
      await browser(web(), "lang@contoso.com", { "accept-language": "de" }).get("/mfa/enrol")
    ).text();
    expect(de).toContain("Weitere Informationen erforderlich");
  });

  it("ship en, de, fr and es with every key, none empty, each with the placeholders of the English string", () => {
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const en = CATALOGUES.en as unknown as Record<string, unknown>;
    for (const [locale, catalogue] of Object.entries(CATALOGUES)) {
      expect(Object.keys(catalogue.errors).sort(), locale).toEqual(
        Object.keys(en.errors ?? {}).sort(),
      );
      expect(Object.keys(catalogue).sort(), locale).toEqual(
        Object.keys(CATALOGUES.en ?? {}).sort(),
      );
      for (const [key, value] of Object.entries(catalogue)) {
        if (typeof value !== "string") continue;
        expect(value.length, `${locale}.${key}`).toBeGreaterThan(0);
        expect(placeholders(value), `${locale}.${key}`).toEqual(
          placeholders(String(en[key] ?? "")),
        );
      }
    }
  });

  it("let the app override any string of any language, the SDK's error messages included", async () => {
    const handler = web({
      messages: {
        en: { introTitle: "Protect your Contoso account" },
        de: { errors: { internal: "Hoppla." } },
      },
    });
    const page = await (await browser(handler, "words@contoso.com").get("/mfa/enrol")).text();
    expect(page).toContain("Protect your Contoso account");
    expect(page).not.toContain("More information required");
  });
});

describe("theming", () => {
  it("serve the app's values as CSS custom properties, and refuse a value that could escape its declaration", async () => {
    const handler = web({
      theme: { accent: "#6b21a8", font: "Georgia, serif" },
      brand: { name: "Fabrikam", logoUrl: "/logo.svg" },
    });
    const page = await (await browser(handler, "theme@contoso.com").get("/mfa/enrol")).text();
    expect(page).toContain('href="/mfa/static/theme.css"');
    expect(page).toContain('<img src="/logo.svg" alt="" class="logo"> Fabrikam');
    const css = await (await handler.fetch(new Request(`${ORIGIN}/mfa/static/theme.css`))).text();
    expect(css).toContain("--mfa-accent: #6b21a8;");
    expect(() => web({ theme: { accent: "red;}*{x:y" } })).toThrow(/theme.accent/);
    expect(() => web({ brand: { logoUrl: "https://cdn.example/logo.svg" } })).toThrow(
      /same-origin/,
    );
  });

  it("WCAG 1.4.11: the default focus ring has at least 3:1 contrast on the page and on the card", () => {
    const luminance = (hex: string) => {
      const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255);
      const lin = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(r ?? 0) + 0.7152 * lin(g ?? 0) + 0.0722 * lin(b ?? 0);
    };
    const contrast = (a: string, b: string) => {
      const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
      return ((x ?? 0) + 0.05) / ((y ?? 0) + 0.05);
    };
    expect(contrast(THEME_DEFAULTS.focus, THEME_DEFAULTS.surface)).toBeGreaterThanOrEqual(3);
    expect(contrast(THEME_DEFAULTS.focus, THEME_DEFAULTS.page)).toBeGreaterThanOrEqual(3);
    // The old ring (#ffbf47 on white) did not: this check can fail.
    expect(contrast("#ffbf47", "#ffffff")).toBeLessThan(3);
  });
});

describe("the wizard's phone page", () => {
  it("PHONE-01, FRAUD-01: asks for the country of a national number (none assumed), with 'Error:' in the title, a focused alert summary linking to the field", async () => {
    const b = browser(web(), "country@contoso.com");
    const csrf = await b.csrf("/mfa/enrol");
    await b.post("/mfa/enrol", { _csrf: csrf, step: "intro" });
    const choose = await (await b.get("/mfa/enrol")).text();
    expect(choose).toContain('<option value="" selected>Choose a country or region</option>');
    const res = await b.post("/mfa/enrol", {
      _csrf: csrf,
      step: "mfa-method",
      method: "authentication-phone",
      number: "(201) 555-0123",
      delivery: "voice",
    });
    expect(res.status).toBe(303);
    const page = await (await b.get("/mfa/enrol")).text();
    expect(page).toMatch(/<title>Error: Step 1: How should we contact you\? – Contoso<\/title>/);
    expect(page).toMatch(
      /<div class="error-summary" id="error-summary" role="alert" tabindex="-1" autofocus/,
    );
    expect(page).toContain('<a href="#country">Choose the country or region of the number');
    expect(page).toContain('aria-describedby="country-hint country-error"');
    expect(page).toContain('value="(201) 555-0123"'); // what was typed is kept
    expect(outbox.messages().filter((m) => m.to.endsWith("5550123"))).toEqual([]); // nothing sent
  });

  it("takes a '+' number without a country and shows it in full on the code page, the resend disabled during the cooldown", async () => {
    const b = browser(web(), "plus@contoso.com");
    await toCodePage(b, "+1 201 555 0123");
    const page = await (await b.get("/mfa/enrol")).text();
    expect(page).toContain('<strong id="destination">+1 201 555 0123</strong>');
    expect(page).toMatch(
      /<button type="submit" class="secondary" name="action" value="resend" formnovalidate id="resend" disabled data-enable-after="\d+">/,
    );
  });
});

describe("the app's gate", () => {
  it("sends a signed-out visitor to sign in and a user who must register to the pages, each with the way back", async () => {
    const handler = web();
    const out = await handler.gate(new Request(`${ORIGIN}/reports?year=2026`));
    expect(out?.headers.get("location")).toBe("/sign-in?next=%2Freports%3Fyear%3D2026");
    const owing = await handler.gate(
      new Request(`${ORIGIN}/reports`, { headers: { "x-test-user": "gate@contoso.com" } }),
    );
    expect(owing?.status).toBe(303);
    expect(owing?.headers.get("location")).toBe("/mfa/?next=%2Freports");
  });
});

describe("the development outbox page", () => {
  it("is served in development only: it shows every code", async () => {
    const dev = web({ devOutbox: outbox, development: true });
    expect((await dev.fetch(new Request(`${ORIGIN}/mfa/outbox.json`))).status).toBe(200);
    const prod = web({ devOutbox: outbox, development: false });
    expect((await prod.fetch(new Request(`${ORIGIN}/mfa/outbox.json`))).status).toBe(404);
  });
});
