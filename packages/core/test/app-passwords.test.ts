import { isMfaError, type MfaError, memoryStore } from "@mfakit/core";
import { userKey } from "@mfakit/core/adapter";
import {
  APP_PASSWORD_LENGTH,
  createAppPasswordService,
  MAX_APP_PASSWORD_INPUT_LENGTH,
} from "@mfakit/core/app-passwords";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  countingKeyring,
  dump,
  KEY_1,
  KEY_2,
  keyringWith,
  lettersOf,
  recordingStore,
  setup,
} from "./app-passwords.helpers.js";

const USER = "alice@contoso.example";

/** The error `fn` throws (fails the test if it resolves). */
async function thrown(fn: () => Promise<unknown>): Promise<MfaError> {
  try {
    await fn();
  } catch (e) {
    if (isMfaError(e)) return e;
    throw e;
  }
  throw new Error("expected an MfaError");
}

/** `letters` with the letter at `index` moved `delta` (1..25) places round the alphabet. */
const changeOneLetter = (letters: string, index: number, delta: number) =>
  letters.slice(0, index) +
  String.fromCharCode(97 + ((((letters.charCodeAt(index) - 97 + delta) % 26) + 26) % 26)) +
  letters.slice(index + 1);

describe("app passwords: minting and format (GEN-04)", () => {
  it("GEN-04: mints 24 lowercase letters (112.8 bits) shown in six groups of four", async () => {
    const { service } = setup();
    const created = await service.create({ userId: USER, name: "Thunderbird" });
    expect(created.password).toMatch(/^[a-z]{4}( [a-z]{4}){5}$/);
    expect(lettersOf(created.password)).toHaveLength(APP_PASSWORD_LENGTH.strong);
    expect(APP_PASSWORD_LENGTH.strong * Math.log2(26)).toBeGreaterThanOrEqual(112);
    expect(created).toMatchObject({ name: "Thunderbird", lastUsedAt: null });
    expect(created.id).toMatch(/^ap_[A-Za-z0-9_-]{22}$/);
  });

  it("GEN-04: passwords are unique and use the whole alphabet", async () => {
    const { service } = setup({ cap: 200 });
    const seen = new Set<string>();
    const letters = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const { password } = await service.create({ userId: USER, name: `device ${i}` });
      seen.add(password);
      for (const c of lettersOf(password)) letters.add(c);
    }
    expect(seen.size).toBe(200);
    expect(letters.size).toBe(26);
  });

  it("APP-02: options default to a cap of 40 and the strong format, frozen", () => {
    const { service } = setup();
    expect(service.options).toEqual({ cap: 40, format: "strong" });
    expect(Object.isFrozen(service.options)).toBe(true);
  });

  it("config is validated once, every problem in one config_invalid error", () => {
    const store = memoryStore();
    const keyring = keyringWith("k1", { k1: KEY_1 });
    for (const cap of [0, 1001, 2.5, Number.NaN]) {
      expect(() => createAppPasswordService({ store, keyring }, { cap })).toThrow(/cap must be/);
    }
    try {
      // @ts-expect-error: a JavaScript caller may pass anything
      createAppPasswordService({ store, keyring }, { cap: 0, format: "weak" });
      expect.unreachable();
    } catch (e) {
      expect(isMfaError(e, "config_invalid")).toBe(true);
      expect((e as Error).message).toMatch(/cap must be.*format must be/);
    }
  });
});

describe("app passwords: verify", () => {
  it("accepts the display form, bare letters, upper case and any whitespace", async () => {
    const { service } = setup();
    const { id, password } = await service.create({ userId: USER, name: "Outlook" });
    const bare = lettersOf(password);
    for (const typed of [
      password,
      bare,
      password.toUpperCase(),
      ` ${bare.slice(0, 7)}\t${bare.slice(7)}\n`,
      bare.split("").join("\u00a0"), // no-break spaces from a copied web page
    ]) {
      expect(await service.verify({ userId: USER, password: typed })).toEqual({
        ok: true,
        id,
        userId: USER,
      });
    }
  });

  it("STORE-02: is bound to its user: another user cannot use it", async () => {
    const { service } = setup();
    const { password } = await service.create({ userId: USER, name: "Outlook" });
    expect(await service.verify({ userId: "bob", password })).toEqual({
      ok: false,
      reason: "code_mismatch",
    });
  });

  it("refuses anything that is not 16 or 24 ASCII letters as code_mismatch", async () => {
    const { service } = setup();
    const { password } = await service.create({ userId: USER, name: "Outlook" });
    const bare = lettersOf(password);
    for (const typed of [
      "",
      "   ",
      bare.slice(0, 23),
      `${bare}a`,
      `${bare.slice(0, 23)}1`,
      `${bare.slice(0, 23)}\u212a`, // Kelvin sign: toLowerCase() would make it "k"
      `${bare.slice(0, 23)}é`,
      password.split(" ").join("-"),
    ]) {
      expect(await service.verify({ userId: USER, password: typed })).toEqual({
        ok: false,
        reason: "code_mismatch",
      });
    }
  });

  it("REL-07: input over 64 characters is refused before any hashing or store call", async () => {
    const keyring = countingKeyring(keyringWith("k1", { k1: KEY_1 }));
    const store = recordingStore(memoryStore());
    const service = createAppPasswordService({ store, keyring });
    const { password } = await service.create({ userId: USER, name: "Outlook" });
    keyring.lookups = 0;
    store.calls.length = 0;
    const padded = `${password}${" ".repeat(MAX_APP_PASSWORD_INPUT_LENGTH + 1 - password.length)}`;
    expect(padded).toHaveLength(65);
    expect(await service.verify({ userId: USER, password: padded })).toEqual({
      ok: false,
      reason: "code_mismatch",
    });
    expect(await service.verify({ userId: USER, password: "x".repeat(100_000) })).toEqual({
      ok: false,
      reason: "code_mismatch",
    });
    expect(keyring.lookups).toBe(0);
    expect(store.calls).toEqual([]);
    // 64 characters of the same password and spaces still verify.
    expect((await service.verify({ userId: USER, password: padded.slice(0, -1) })).ok).toBe(true);
  });

  it("a password that is not a string, or a bad user id, is misuse: invalid_input", async () => {
    const { service } = setup();
    // @ts-expect-error: a JavaScript caller may pass anything
    expect((await thrown(() => service.verify({ userId: USER, password: 42 }))).code).toBe(
      "invalid_input",
    );
    expect((await thrown(() => service.verify({ userId: "", password: "x" }))).code).toBe(
      "invalid_input",
    );
  });

  it("property: any spacing and case of a created password verifies; one changed letter never does", async () => {
    const { service } = setup();
    const { password } = await service.create({ userId: USER, name: "Outlook" });
    const bare = lettersOf(password);
    const whitespace = fc.constantFrom("", "", "", " ", "\t", "\u00a0", "  ");
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(whitespace, fc.boolean()), { minLength: 24, maxLength: 24 }),
        async (layout) => {
          const typed = layout
            .map(([ws, upper], i) => ws + (upper ? bare[i]?.toUpperCase() : bare[i]))
            .join("");
          fc.pre(typed.length <= MAX_APP_PASSWORD_INPUT_LENGTH);
          expect((await service.verify({ userId: USER, password: typed })).ok).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 1, max: 25 }),
        async (index, delta) => {
          const typed = changeOneLetter(bare, index, delta);
          expect(await service.verify({ userId: USER, password: typed })).toEqual({
            ok: false,
            reason: "code_mismatch",
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("O(1): a correct password costs one store read and an incorrect one two, whatever the count", async () => {
    const keyring = keyringWith("k1", { k1: KEY_1 });
    const store = recordingStore(memoryStore());
    const service = createAppPasswordService({ store, keyring });
    const created = [];
    for (let i = 0; i < 40; i++) {
      created.push(await service.create({ userId: USER, name: `device ${i}` }));
    }
    const last = created[39]?.password ?? "";
    await service.verify({ userId: USER, password: last }); // records the first use
    store.calls.length = 0;
    expect((await service.verify({ userId: USER, password: last })).ok).toBe(true);
    expect(store.calls).toEqual(["get"]);
    store.calls.length = 0;
    const wrong = changeOneLetter(lettersOf(last), 0, 1);
    expect((await service.verify({ userId: USER, password: wrong })).ok).toBe(false);
    expect(store.calls).toEqual(["get", "get"]); // the slot, then the index for older key ids
  });
});

describe("app passwords: storage (STORE-02, APP-01)", () => {
  it("STORE-02: a dump of the whole store holds neither the password nor a reversible form", async () => {
    const { service, store } = setup();
    const created = [];
    for (const name of ["Outlook", "iPhone Mail", "Thunderbird"]) {
      const c = await service.create({ userId: USER, name });
      await service.verify({ userId: USER, password: c.password });
      created.push(c);
    }
    await service.revoke({ userId: USER, id: created[2]?.id ?? "" });
    const text = JSON.stringify(await dump(store, "mfa:"));
    expect(text).toContain("Outlook"); // the dump is real
    for (const { password } of created) {
      const bare = lettersOf(password);
      const bytes = new TextEncoder().encode(bare);
      const forms = [
        password,
        bare,
        bare.toUpperCase(),
        [...bare].reverse().join(""),
        Buffer.from(bytes).toString("hex"),
        Buffer.from(bytes).toString("base64").replace(/=+$/, ""),
        Buffer.from(bytes).toString("base64url"),
      ];
      for (const form of forms) expect(text.toLowerCase()).not.toContain(form.toLowerCase());
      // Not even a third of it, anywhere (hex digests and salts included).
      for (let i = 0; i + 8 <= bare.length; i++) expect(text).not.toContain(bare.slice(i, i + 8));
    }
  });

  it("APP-01: list returns metadata only, oldest first", async () => {
    const { service, clock } = setup();
    const a = await service.create({ userId: USER, name: "Outlook" });
    clock.advance(1000);
    const b = await service.create({ userId: USER, name: "  iPhone Mail  " });
    const listed = await service.list({ userId: USER });
    expect(listed).toEqual([
      { id: a.id, name: "Outlook", createdAt: a.createdAt, lastUsedAt: null },
      { id: b.id, name: "iPhone Mail", createdAt: a.createdAt + 1000, lastUsedAt: null },
    ]);
    for (const info of listed) {
      expect(Object.keys(info).sort()).toEqual(["createdAt", "id", "lastUsedAt", "name"]);
    }
    expect(JSON.stringify(listed)).not.toContain(lettersOf(a.password).slice(0, 8));
    expect(await service.list({ userId: "bob" })).toEqual([]);
  });

  it("records the last use, at most once a minute, without writing the shared index", async () => {
    const { service, store, clock } = setup();
    const { id, password, createdAt } = await service.create({ userId: USER, name: "Outlook" });
    const index = userKey(USER, "app-pw", "index");
    const indexVersion = (await store.get(index))?.version;
    clock.advance(5000);
    await service.verify({ userId: USER, password });
    expect((await service.list({ userId: USER }))[0]?.lastUsedAt).toBe(createdAt + 5000);
    clock.advance(30_000);
    await service.verify({ userId: USER, password });
    expect((await service.list({ userId: USER }))[0]?.lastUsedAt).toBe(createdAt + 5000);
    clock.advance(31_000);
    await service.verify({ userId: USER, password });
    expect(await service.list({ userId: USER })).toEqual([
      { id, name: "Outlook", createdAt, lastUsedAt: createdAt + 66_000 },
    ]);
    expect((await store.get(index))?.version).toBe(indexVersion);
  });
});

describe("app passwords: names (APP-06, REL-07)", () => {
  it("names are trimmed, 1 to 64 characters, without control characters; a refusal writes nothing", async () => {
    const { service, store } = setup();
    expect((await service.create({ userId: USER, name: "x".repeat(64) })).name).toHaveLength(64);
    const before = store.size();
    const cases: Array<[unknown, string]> = [
      ["", "invalid_input"],
      ["   ", "invalid_input"],
      ["x".repeat(65), "input_too_long"],
      ["Out\nlook", "invalid_input"],
      ["Out\u0007look", "invalid_input"],
      ["Out\u009blook", "invalid_input"],
      [42, "invalid_input"],
    ];
    for (const [name, code] of cases) {
      const e = await thrown(() => service.create({ userId: USER, name: name as string }));
      expect(e.code).toBe(code);
      expect(e.data.field).toBe("name");
    }
    expect(store.size()).toBe(before);
  });
});

describe("app passwords: cap (APP-02)", () => {
  it("APP-02: the 41st app password is refused with app_password_limit_reached and writes nothing", async () => {
    const { service, store } = setup();
    for (let i = 0; i < 40; i++) await service.create({ userId: USER, name: `device ${i}` });
    const before = await dump(store);
    const e = await thrown(() => service.create({ userId: USER, name: "one more" }));
    expect(e.code).toBe("app_password_limit_reached");
    expect(e.data).toEqual({ cap: 40 });
    expect(await dump(store)).toEqual(before);
    // The cap is per user.
    expect((await service.create({ userId: "bob", name: "Outlook" })).name).toBe("Outlook");
  });

  it("APP-02: a configured cap applies, and revoking makes room again", async () => {
    const { service } = setup({ cap: 2 });
    const a = await service.create({ userId: USER, name: "a" });
    await service.create({ userId: USER, name: "b" });
    await expect(service.create({ userId: USER, name: "c" })).rejects.toMatchObject({
      code: "app_password_limit_reached",
    });
    await service.revoke({ userId: USER, id: a.id });
    expect((await service.create({ userId: USER, name: "c" })).name).toBe("c");
  });
});

describe("app passwords: revocation (BIND-08, APP-03)", () => {
  it("BIND-08: a revoked app password fails at the next verify; the others keep working", async () => {
    const { service } = setup();
    const a = await service.create({ userId: USER, name: "a" });
    const b = await service.create({ userId: USER, name: "b" });
    expect(await service.revoke({ userId: USER, id: a.id })).toBe(true);
    expect(await service.verify({ userId: USER, password: a.password })).toEqual({
      ok: false,
      reason: "code_mismatch",
    });
    expect((await service.verify({ userId: USER, password: b.password })).ok).toBe(true);
    expect((await service.list({ userId: USER })).map((i) => i.id)).toEqual([b.id]);
    expect(await service.revoke({ userId: USER, id: a.id })).toBe(false);
    expect(await service.revoke({ userId: USER, id: "ap_unknown" })).toBe(false);
    expect(await service.revoke({ userId: USER, id: "x".repeat(10_000) })).toBe(false);
    // Ids are per user: bob cannot revoke alice's.
    expect(await service.revoke({ userId: "bob", id: b.id })).toBe(false);
    expect((await service.verify({ userId: USER, password: b.password })).ok).toBe(true);
    // @ts-expect-error: a JavaScript caller may pass anything
    expect((await thrown(() => service.revoke({ userId: USER, id: 7 }))).code).toBe(
      "invalid_input",
    );
  });

  it("APP-03: revokeAll revokes every app password at once and returns how many", async () => {
    const { service, store } = setup();
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await service.create({ userId: USER, name: `d${i}` }));
    const bob = await service.create({ userId: "bob", name: "Outlook" });
    expect(await service.revokeAll({ userId: USER })).toBe(5);
    for (const { password } of created) {
      expect((await service.verify({ userId: USER, password })).ok).toBe(false);
    }
    expect(await service.list({ userId: USER })).toEqual([]);
    expect(await service.revokeAll({ userId: USER })).toBe(0);
    expect((await service.verify({ userId: "bob", password: bob.password })).ok).toBe(true);
    expect(await dump(store, userKey(USER, "app-pw", "h:"))).toEqual([]);
  });

  it("BIND-08: revokeAll also removes orphan hash records left by a create that failed half-way", async () => {
    const memory = memoryStore();
    let failIndex = true;
    const store = recordingStore(memory, (key) => failIndex && key.endsWith(":app-pw:index"));
    const service = createAppPasswordService({
      store,
      keyring: keyringWith("k1", { k1: KEY_1 }),
    });
    await expect(service.create({ userId: USER, name: "Outlook" })).rejects.toThrow(
      "injected store failure",
    );
    failIndex = false;
    const orphans = await dump(memory, userKey(USER, "app-pw", "h:"));
    expect(orphans).toHaveLength(1);
    expect(await service.list({ userId: USER })).toEqual([]);
    expect(await service.revokeAll({ userId: USER })).toBe(0);
    expect(await dump(memory, userKey(USER, "app-pw", "h:"))).toEqual([]);
  });
});

describe("app passwords: key rotation (STORE-05)", () => {
  it("a password made under k1 verifies after k2 becomes current, and not once k1 is gone", async () => {
    const store = memoryStore();
    const old = createAppPasswordService({ store, keyring: keyringWith("k1", { k1: KEY_1 }) });
    const made1 = await old.create({ userId: USER, name: "made under k1" });

    const rotated = createAppPasswordService({
      store,
      keyring: keyringWith("k2", { k1: KEY_1, k2: KEY_2 }),
    });
    const made2 = await rotated.create({ userId: USER, name: "made under k2" });
    expect((await rotated.verify({ userId: USER, password: made1.password })).ok).toBe(true);
    expect((await rotated.verify({ userId: USER, password: made2.password })).ok).toBe(true);
    expect((await rotated.list({ userId: USER })).map((i) => i.name)).toEqual([
      "made under k1",
      "made under k2",
    ]);

    const retired = createAppPasswordService({ store, keyring: keyringWith("k2", { k2: KEY_2 }) });
    expect(await retired.verify({ userId: USER, password: made1.password })).toEqual({
      ok: false,
      reason: "code_mismatch",
    });
    expect((await retired.verify({ userId: USER, password: made2.password })).ok).toBe(true);
    // Revocation still works for a password whose key is gone.
    expect(await retired.revoke({ userId: USER, id: made1.id })).toBe(true);
  });

  it("a wrong guess tries each older key id once, not once per password", async () => {
    const store = memoryStore();
    const old = createAppPasswordService({ store, keyring: keyringWith("k1", { k1: KEY_1 }) });
    for (let i = 0; i < 10; i++) await old.create({ userId: USER, name: `d${i}` });
    const keyring = countingKeyring(keyringWith("k2", { k1: KEY_1, k2: KEY_2 }));
    const rotated = createAppPasswordService({ store, keyring });
    keyring.lookups = 0;
    await rotated.verify({ userId: USER, password: "a".repeat(24) });
    expect(keyring.lookups).toBeLessThanOrEqual(3); // k2 HMAC, the k1 presence check, k1 HMAC
  });
});

describe("app passwords: events (LOG-01, STORE-06)", () => {
  it("emits created, used and revoked, never the password; a failing sink fails nothing", async () => {
    const { service, events } = setup();
    const a = await service.create({ userId: USER, name: "Outlook" });
    await service.verify({ userId: USER, password: a.password });
    await service.verify({ userId: USER, password: "wrong" });
    await service.revoke({ userId: USER, id: a.id });
    await service.create({ userId: USER, name: "Mail" });
    await service.revokeAll({ userId: USER });
    expect(events.map((e) => e.type)).toEqual([
      "app_password.created",
      "app_password.used",
      "app_password.revoked",
      "app_password.created",
      "app_password.revoked",
    ]);
    expect(events[0]).toEqual({
      type: "app_password.created",
      userId: USER,
      appPasswordId: a.id,
      name: "Outlook",
      at: "2026-01-01T00:00:00.000Z",
    });
    expect(events[4]).toMatchObject({ appPasswordId: "all" });
    expect(JSON.stringify(events)).not.toContain(lettersOf(a.password).slice(0, 8));

    const failing = createAppPasswordService({
      store: memoryStore(),
      keyring: keyringWith("k1", { k1: KEY_1 }),
      events: {
        emit() {
          throw new Error("SIEM down");
        },
      },
    });
    const b = await failing.create({ userId: USER, name: "Outlook" });
    expect((await failing.verify({ userId: USER, password: b.password })).ok).toBe(true);
  });
});
