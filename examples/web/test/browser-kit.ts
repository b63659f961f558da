/**
 * What the browser tests share: Chromium (Debian's, driven by playwright-core), a fresh app
 * per test on 127.0.0.1:0 with its own data folder and a clock the test can move, the codes
 * read from the development outbox's `/outbox.json` (the path a developer uses), and
 * screenshots for the docs.
 */

import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { OutboxEntry } from "@mfakit/dev-outbox";
import axe from "axe-core";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { type RunningServer, type StartServerOptions, startServer } from "../src/server.ts";

/** Debian's Chromium, or the one CI names. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/** Launches headless Chromium with the flags TOOLING.md §4.7 lists. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * One Chromium for the test file (launched before its tests, closed after them), and `withApp`,
 * which runs a body against a fresh app and browser context and closes both whatever happens.
 */
export function useBrowser(): {
  readonly browser: () => Browser;
  withApp(
    body: (h: Harness) => Promise<void>,
    options?: Parameters<typeof startHarness>[1],
  ): Promise<void>;
} {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  const current = () => {
    if (!browser) throw new Error("Chromium is not running (useBrowser outside a test file?)");
    return browser;
  };
  return {
    browser: current,
    async withApp(body, options) {
      const h = await startHarness(current(), options);
      try {
        await body(h);
      } finally {
        await h.close();
      }
    },
  };
}

/** A clock the test moves forward (cooldowns, TOTP steps) while real time runs too. */
export interface TestClock {
  now(): number;
  advance(ms: number): void;
}

export function testClock(): TestClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance: (ms) => {
      offset += ms;
    },
  };
}

/** One app, one browser context, one page. */
export interface Harness {
  readonly server: RunningServer;
  readonly clock: TestClock;
  readonly context: BrowserContext;
  readonly page: Page;
  /** An absolute URL of the MFA pages (under the mount's base path). */
  url(path: string): string;
  /** Messages in the outbox to `to`, oldest first (from `/outbox.json`). */
  messagesTo(to: string): Promise<OutboxEntry[]>;
  /** Waits for message number `count` (1-based) to `to` and returns its code. */
  codeFor(to: string, count: number): Promise<string>;
  /** A new page in a fresh browser context (another device). */
  otherDevice(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Starts a harness. `port` fixes the app's port (0 picks one): the app then offers passkeys for
 * `http://localhost:<port>` (its relying party must name its origin before it starts);
 * `recoveryCodesInWizard` shows recovery codes in the wizard.
 */
export async function startHarness(
  browser: Browser,
  options: {
    readonly port?: number;
    readonly recoveryCodesInWizard?: boolean;
    /** Which mount serves the demo (Hono's by default; the Express and Fastify examples'). */
    readonly start?: (options: StartServerOptions) => Promise<RunningServer>;
    /** Where the MFA pages are mounted. @default "" */
    readonly basePath?: string;
    /** The app's environment (e.g. `MFAKIT_OUTBOX_RECEIPTS: "1"`). @default {} */
    readonly env?: Readonly<Record<string, string>>;
  } = {},
): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), "mfakit-web-test-"));
  const clock = testClock();
  const { start = startServer, ...rest } = options;
  const server = await start({
    port: options.port ?? 0,
    host: "127.0.0.1",
    dataDir,
    clock,
    verbose: false,
    env: {},
    log: (line) => console.error(line), // only errors are logged when not verbose
    ...rest,
  });
  const contexts: BrowserContext[] = [];
  const newPage = async () => {
    const context = await browser.newContext({ viewport: { width: 900, height: 900 } });
    context.setDefaultTimeout(10_000);
    contexts.push(context);
    return { context, page: await context.newPage() };
  };
  const first = await newPage();
  const messagesTo = async (to: string) => {
    const res = await fetch(`${server.url}${server.basePath}/outbox.json`);
    const body = (await res.json()) as { messages: OutboxEntry[] };
    return body.messages.filter((m) => m.to === to).reverse();
  };
  return {
    server,
    clock,
    context: first.context,
    page: first.page,
    url: (path) => `${server.url}${server.basePath}${path}`,
    messagesTo,
    async codeFor(to, count) {
      const deadline = Date.now() + 5000;
      for (;;) {
        const list = await messagesTo(to);
        const message = list[count - 1];
        if (message?.code) return message.code;
        if (Date.now() > deadline)
          throw new Error(`no message #${count} with a code to ${to} (have ${list.length})`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    otherDevice: async () => (await newPage()).page,
    async close() {
      for (const c of contexts) await c.close();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Where screenshots go: `docs/screenshots/` with `MFAKIT_SCREENSHOTS=1` (to refresh the docs'
 * pictures), else a temporary folder, so a plain test run leaves the work tree as it was.
 */
const SHOTS =
  process.env.MFAKIT_SCREENSHOTS === "1"
    ? fileURLToPath(new URL("../../../docs/screenshots/", import.meta.url))
    : join(tmpdir(), "mfakit-web-screenshots");

/** Saves a full-page screenshot `<name>.png` (see {@link SHOTS}). */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** One accessibility violation axe-core found: its rule and the elements it names. */
export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly targets: readonly string[];
}

/**
 * The page's WCAG 2.1 A/AA violations, as axe-core reports them (an empty list when there is
 * none). axe runs in the page through the DevTools protocol, so the app's CSP stays as it is.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(`${axe.source};0`);
  return page.evaluate(async () => {
    const run = (window as unknown as { axe: typeof axe }).axe.run;
    const result = await run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      targets: v.nodes.map((n) => String(n.target)),
    }));
  });
}

/** Signs in on the password page. */
export async function signIn(page: Page, base: string, user: string, password: string) {
  await page.goto(`${base}/sign-in`);
  await page.fill("#username", user);
  await page.fill("#password", password);
  await page.click("#sign-in");
}

/** The demo accounts' credentials. */
export const ADELE = { id: "adele@contoso.com", password: "Temp-Contoso-2026" } as const;
export const ALEX = { id: "alex@contoso.com", password: "Alex-Contoso-2026" } as const;
/** The seed's phone (a GB mobile; 07400 is a mobile range). */
export const PHONE = { national: "07400 123456", e164: "+447400123456" } as const;

/** From "More information required" to the code page, by text message to {@link PHONE}. */
export async function choosePhone(page: Page, delivery: "sms" | "voice" = "sms") {
  await page.click("#setup");
  await page.selectOption("#method", "authentication-phone");
  await page.selectOption("#country", "GB");
  await page.fill("#number", PHONE.national);
  await page.check(`input[name="delivery"][value="${delivery}"]`);
  await page.click("#contact");
}

/** Signs in as Alex and registers the phone by text: ends on the app password page. */
export async function enrolAlexByPhone(h: Harness): Promise<void> {
  await signIn(h.page, h.server.url, ALEX.id, ALEX.password);
  await choosePhone(h.page);
  await h.page.fill("#code", await h.codeFor(PHONE.e164, 1));
  await h.page.click("#verify");
}

/** Alex with a phone (the wizard left at its recovery part), on Security info. */
export async function alexOnSecurityInfo(h: Harness): Promise<void> {
  await enrolAlexByPhone(h);
  await h.page.click("#done");
  await h.page.goto(h.url("/security-info"));
}

/** The trimmed text of the first element matching `selector`. */
export const textOf = async (page: Page, selector: string): Promise<string> =>
  ((await page.locator(selector).first().textContent()) ?? "").replace(/\s+/g, " ").trim();

/** Fails with the page's axe-core violations of impact serious or critical, if any. */
export async function expectNoSeriousViolations(page: Page): Promise<void> {
  const serious = (await axeViolations(page)).filter(
    (v) => v.impact === "serious" || v.impact === "critical",
  );
  if (serious.length) throw new Error(`${page.url()}: ${JSON.stringify(serious)}`);
}

/**
 * The seed's 20 steps through whatever mount serves `h` (its pages under `h.url`): sign in with
 * a temporary password, phone by text (number in full on the code page), app password shown
 * once, password change, recovery email and phone (still "Password reset"), finish; then the
 * challenge at the next sign-in. axe-core on every page.
 */
export async function walkTheSeed(h: Harness): Promise<void> {
  const { page } = h;
  const heading = () => textOf(page, "h1");
  const step = async (title: string) => {
    if ((await heading()) !== title)
      throw new Error(`expected "${title}", got "${await heading()}" at ${page.url()}`);
    await expectNoSeriousViolations(page);
  };
  await page.goto(h.url("/"));
  await step(`Sign in to Contoso`);
  await signIn(page, h.server.url, ADELE.id, ADELE.password);
  await step("More information required");
  await page.click("#setup");
  await step("Step 1: How should we contact you?");
  await page.selectOption("#method", "authentication-phone");
  await page.fill("#number", PHONE.national);
  await page.click("#contact");
  // No country and no "+": asked for, with the error announced and focused.
  await step("Step 1: How should we contact you?");
  if (!(await page.title()).startsWith("Error:")) throw new Error("no Error: in the title");
  if ((await page.evaluate(() => document.activeElement?.id)) !== "error-summary")
    throw new Error("the error summary does not have focus");
  await page.selectOption("#country", "GB");
  await page.click("#contact");
  await step("Step 2: Enter your code");
  if ((await textOf(page, "#destination")) !== "+44 7400 123456")
    throw new Error("number not in full");
  await page.fill("#code", await h.codeFor(PHONE.e164, 1));
  await page.click("#verify");
  await step("Your app password");
  await page.click("#done");
  await step("Update your password");
  const newPassword = "a new long passphrase 2026";
  await page.fill("#current", ADELE.password);
  await page.fill("#password", newPassword);
  await page.fill("#confirm", newPassword);
  await page.click("#update-password");
  await step("Don't lose access to your account!");
  await page.click("#next");
  await step("Set up password reset");
  await page.click("#recovery-email");
  await step("Authentication email");
  await page.fill("#email", "adele.v@personal.example");
  await page.click("#email-me");
  await step("Verify your authentication email");
  await page.fill("#code", await h.codeFor("adele.v@personal.example", 1));
  await page.click("#verify");
  // The email stays listed, with its status, beside the phone still to verify.
  await step("Set up password reset");
  if (!(await textOf(page, "#recovery-email-status")).startsWith("Verified"))
    throw new Error("the verified email is not listed with its status");
  await page.click("#recovery-phone");
  await step("Authentication phone");
  h.clock.advance(60_000);
  await page.click("#text-me");
  await step("Verify your authentication phone");
  if ((await textOf(page, ".kicker")) !== "Password reset") throw new Error("left Password reset");
  await page.fill("#code", await h.codeFor(PHONE.e164, 4));
  await page.click("#verify");
  await step("You're almost done");
  await page.click("#finish");
  await step("You're all set");
  await page.click("#to-security-info");
  await step("Security info");
  await page.click("text=Sign out");
  h.clock.advance(60_000);
  await signIn(page, h.server.url, ADELE.id, newPassword);
  await step("How do you want to verify it's you?");
  await page.click("#sms-authentication-phone");
  await step("Enter your code");
  await page.fill("#code", await h.codeFor(PHONE.e164, 5));
  await page.click("#verify");
  await step("Security info");
}
