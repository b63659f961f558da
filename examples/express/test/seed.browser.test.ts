/**
 * The seed's wizard through the Express 5 mount (pages at /mfa), in Chromium, axe-core on
 * every page; and the same walk through Hono's, so at least two mounts run the whole flow.
 */

import { describe, it } from "vitest";
import { startHarness, useBrowser, walkTheSeed } from "../../web/test/browser-kit.ts";
import { startExpressServer } from "../src/app.ts";

const { browser } = useBrowser();

describe("the MFA pages mounted in Express 5", () => {
  it("walk the seed's 20 steps at /mfa, no serious or critical axe violation on any page (APP-01, BIND-01, MAIL-03)", async () => {
    const h = await startHarness(browser(), { start: startExpressServer, basePath: "/mfa" });
    try {
      await walkTheSeed(h);
    } finally {
      await h.close();
    }
  });

  it("walk the same steps in the Hono mount at the root (the same pages, another mount)", async () => {
    const h = await startHarness(browser());
    try {
      await walkTheSeed(h);
    } finally {
      await h.close();
    }
  });
});
