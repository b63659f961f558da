/**
 * What a newcomer trips on in the first hour, said plainly: a missing or malformed key, a policy
 * whose recovery defaults need phone countries, a form field the step does not take, and an
 * error thrown by the other module format's copy of the core.
 */

import {
  createKeyring,
  createMfa,
  isMfaError,
  MfaError,
  memoryStore,
  type PolicyInput,
} from "@mfakit/core";
import { capturingOutbox } from "@mfakit/testing";
import { describe, expect, it, vi } from "vitest";
import { seedSetup } from "./support/seed-setup.js";

/** The error `run` throws (the test fails if it throws none). */
function thrown(run: () => unknown): MfaError {
  try {
    run();
  } catch (e) {
    if (isMfaError(e)) return e;
    throw e;
  }
  throw new Error("expected an MfaError");
}

describe("keyring messages name the key and say how to make one (STORE-05, STORE-06)", () => {
  it("STORE-05: an unset environment variable is 'missing', not 'at least 32 bytes'", () => {
    const env: Record<string, string | undefined> = {};
    const error = thrown(() => createKeyring({ current: "2026-11", keys: { "2026-11": env.X } }));
    expect(error.code).toBe("config_invalid");
    expect(error.message).toContain('Key "2026-11"');
    expect(error.message).toContain("missing");
    expect(error.message).toContain("environment variable");
    expect(error.message).toContain("openssl rand -base64 32");
    expect(error.data).toMatchObject({ keyId: "2026-11" });
  });

  it("STORE-05: an empty string is missing too", () => {
    const error = thrown(() => createKeyring({ current: "k", keys: { k: "  " } }));
    expect(error.message).toContain("missing");
  });

  it.each([
    ["a character outside base64", "not*base64*at*all*but*long*enough*to*be*a*key*xx"],
    ["a length no base64 has (4n+1)", "A".repeat(45)],
  ])("STORE-06: %s: names the key, never echoes it", (_what, bad) => {
    const error = thrown(() => createKeyring({ current: "k1", keys: { k1: bad } }));
    expect(error.message).toContain('Key "k1"');
    expect(error.message).toContain("not base64 or base64url");
    expect(error.message).toContain("openssl rand -base64 32");
    expect(error.message).not.toMatch(/Invalid character/);
    expect(JSON.stringify(error)).not.toContain(bad.slice(0, 12));
  });

  it("STORE-05: a short key says how many bytes it has and how to make a long one", () => {
    const error = thrown(() => createKeyring({ current: "k1", keys: { k1: "AAAA" } }));
    expect(error.message).toContain("has 3 bytes");
    expect(error.message).toContain("at least 32");
    expect(error.message).toContain("openssl rand -base64 32");
    expect(error.data).toMatchObject({ keyId: "k1", bytes: 3, minBytes: 32 });
  });

  it("the output of `openssl rand -base64 32` is accepted", () => {
    const key = Buffer.alloc(32, 7).toString("base64");
    expect(createKeyring({ current: "k1", keys: { k1: key } }).key("k1")).toHaveLength(32);
  });
});

describe("policy: an authenticator-only policy's recovery defaults (FRAUD-01)", () => {
  const outbox = capturingOutbox();
  const configure = (policy: PolicyInput) =>
    thrown(() =>
      createMfa({
        store: memoryStore(),
        keyring: createKeyring({ current: "k1", keys: { k1: "a".repeat(43) } }),
        tenant: { name: "Contoso", domains: ["contoso.com"] },
        policy,
        senders: { sms: outbox.sms, voice: outbox.voice, email: outbox.email },
      }),
    );

  it("FRAUD-01: says the default recovery methods include the phone, and how to change that", () => {
    const error = configure({ mfa: { methods: ["authenticator-app"] } });
    expect(error.code).toBe("config_invalid");
    expect(error.message).toContain('recovery.methods includes "phone"');
    expect(error.message).toContain('its default is ["email", "phone"]');
    expect(error.message).toContain("phone.allowedCountries is required");
  });

  it("FRAUD-01: a phone MFA method keeps the plain message", () => {
    const error = configure({
      mfa: { methods: ["authentication-phone"] },
      recovery: { methods: ["email"] },
    });
    expect(error.message).toContain("phone methods are enabled → phone.allowedCountries");
    expect(error.message).not.toContain("recovery.methods includes");
  });

  it("an authenticator-only policy with recovery by email alone needs no countries", () => {
    const mfa = createMfa({
      store: memoryStore(),
      keyring: createKeyring({ current: "k1", keys: { k1: "a".repeat(43) } }),
      tenant: { name: "Contoso", domains: ["contoso.com"] },
      policy: { mfa: { methods: ["authenticator-app"] }, recovery: { methods: ["email"] } },
      senders: { email: outbox.email },
    });
    expect(mfa.policy.phone).toBeUndefined();
  });
});

describe("submit with a field the step does not take (REL-07)", () => {
  const session = { userId: "u-csrf", authenticatedAt: Date.UTC(2026, 10, 25, 9, 0, 0) };

  it("REL-07: a form's CSRF token is named in invalid_input, and changes nothing", async () => {
    const { mfa } = seedSetup();
    const start = await mfa.enrolment.start(session);
    const error = await mfa.enrolment
      .submit(start.id, { step: "intro", action: "setup", _csrf: "t0k3n" } as never, session)
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(isMfaError(error, "invalid_input")).toBe(true);
    expect((error as MfaError).data).toMatchObject({ field: "_csrf", step: "intro" });
    expect((error as MfaError).message).toContain('"_csrf"');
    expect((error as MfaError).message).toContain("CSRF");
    expect((await mfa.enrolment.get(start.id, session)).step).toBe("intro");
  });

  it("REL-07: within a union of answers, the field of the closest one is named", async () => {
    const { mfa } = seedSetup();
    const start = await mfa.enrolment.start(session);
    const error = await mfa.enrolment
      .submit(start.id, { step: "intro", action: "jump" } as never, session)
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect((error as MfaError).data).toMatchObject({ field: "action" });
  });

  it("REL-07: a long field name is quoted back cut to 64 characters", async () => {
    const { mfa } = seedSetup();
    const start = await mfa.enrolment.start(session);
    const long = "x".repeat(5000);
    const error = await mfa.enrolment
      .submit(start.id, { step: "intro", action: "setup", [long]: "1" } as never, session)
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect((error as MfaError).data.field).toBe("x".repeat(64));
  });
});

describe("isMfaError across copies of the core (ESM and CJS builds)", () => {
  it("an error from another copy of the errors module is recognised, by code too", async () => {
    vi.resetModules();
    // A second evaluation of the module: its own MfaError class, as the other build would have.
    const secondCopy = "../src/errors.ts?second-copy";
    const other = (await import(
      /* @vite-ignore */ secondCopy
    )) as typeof import("../src/errors.js");
    expect(other.MfaError).not.toBe(MfaError);
    const foreign = new other.MfaError("invalid_phone");
    expect(isMfaError(foreign)).toBe(true);
    expect(isMfaError(foreign, "invalid_phone")).toBe(true);
    expect(isMfaError(foreign, "invalid_email")).toBe(false);
    expect(foreign instanceof MfaError).toBe(true);
    expect(other.isMfaError(new MfaError("internal"), "internal")).toBe(true);
  });

  it("a look-alike without the brand is not an MfaError", () => {
    const lookAlike = Object.assign(new Error("x"), { name: "MfaError", code: "internal" });
    expect(isMfaError(lookAlike)).toBe(false);
    expect(lookAlike instanceof MfaError).toBe(false);
    expect(isMfaError(null)).toBe(false);
  });

  it("the brand is not an own property: logs and JSON show only name, code, message, data", () => {
    const error = new MfaError("invalid_input", { data: { field: "x" } });
    expect(Object.getOwnPropertySymbols(error)).toEqual([]);
    expect(Object.keys(JSON.parse(JSON.stringify(error)))).toEqual([
      "name",
      "code",
      "message",
      "data",
    ]);
  });

  it("a subclass keeps the ordinary instanceof", () => {
    class Special extends MfaError {}
    expect(new Special("internal") instanceof Special).toBe(true);
    expect(new MfaError("internal") instanceof Special).toBe(false);
    expect(new Special("internal") instanceof MfaError).toBe(true);
  });
});
