/**
 * Security info offers everything `mfa.securityInfo` does, names and the default sign-in method
 * included: each change through the SDK (step-up, typed refusals), shown on the page after it.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestWorld, testBrowser, testWorld, toCodePage } from "./http-kit.ts";

let world: TestWorld;
beforeAll(() => {
  world = testWorld("security-info");
});
afterAll(() => world.close());

/** A user with an authentication phone, signed in, on Security info: the page's form token. */
async function withPhone(user: string, number: string) {
  const b = testBrowser(world.web, { "x-test-user": user });
  const csrf = await toCodePage(b, number);
  await b.post("/mfa/enrol", {
    _csrf: csrf,
    step: "verify-code",
    code: world.sms.lastCode(number),
  });
  return { b, csrf: await b.csrf("/mfa/security-info") };
}

describe("Security info: names and the default method", () => {
  it("names a sign-in method and makes it the default, through the SDK; a bad name is refused and changes nothing (BIND-01, REL-07)", async () => {
    const { b, csrf } = await withPhone("names@contoso.com", "+447400100077");
    let page = await (await b.get("/mfa/security-info")).text();
    expect(page).toContain('id="name-authentication-phone"');
    expect(page).toContain('id="prefer-authentication-phone"');

    await b.post("/mfa/security-info/rename", {
      _csrf: csrf,
      id: "authentication-phone",
      name: "Work phone",
    });
    page = await (await b.get("/mfa/security-info")).text();
    expect(page).toContain("Name saved.");
    expect(page).toMatch(/id="name-authentication-phone"[^>]*value="Work phone"/);

    await b.post("/mfa/security-info/rename", {
      _csrf: csrf,
      id: "authentication-phone",
      name: "x".repeat(65),
    });
    page = await (await b.get("/mfa/security-info")).text();
    expect(page).not.toContain("Name saved.");
    expect(page).toMatch(/id="name-authentication-phone"[^>]*value="Work phone"/);

    await b.post("/mfa/security-info/prefer", { _csrf: csrf, id: "authentication-phone" });
    page = await (await b.get("/mfa/security-info")).text();
    expect(page).toContain('id="default-authentication-phone"');
    expect(page).not.toContain('id="prefer-authentication-phone"');
    const listed = await world.mfa.securityInfo.list({
      userId: "names@contoso.com",
      authenticatedAt: world.clock.now(),
    });
    expect(listed.factors.find((f) => f.id === "authentication-phone")).toMatchObject({
      name: "Work phone",
      preferred: true,
    });
  });
});
