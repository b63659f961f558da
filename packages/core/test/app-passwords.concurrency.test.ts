/**
 * Concurrency of app passwords, with real concurrent calls. The service uses only the Store
 * port's compare-and-set, so these run unchanged on any store: add a backend to `stores`.
 */
import { isMfaError, memoryStore, type Store } from "@mfakit/core";
import { userKey } from "@mfakit/core/adapter";
import { type CreatedAppPassword, createAppPasswordService } from "@mfakit/core/app-passwords";
import { describe, expect, it } from "vitest";
import { dump, jitteryStore, KEY_1, keyringWith } from "./app-passwords.helpers.js";

const USER = "alice@contoso.example";

const stores: Array<[string, () => Store]> = [
  ["memory", () => memoryStore()],
  ["memory, jittered (seed 7)", () => jitteryStore(memoryStore(), 7)],
  ["memory, jittered (seed 14)", () => jitteryStore(memoryStore(), 14)],
];

const serviceOn = (store: Store, cap?: number) =>
  createAppPasswordService(
    { store, keyring: keyringWith("k1", { k1: KEY_1 }) },
    cap === undefined ? {} : { cap },
  );

/** Splits settled creates into those that succeeded and the codes of those that failed. */
function outcomes(settled: PromiseSettledResult<CreatedAppPassword>[]) {
  const created = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const codes = settled.flatMap((s) =>
    s.status === "rejected" ? [isMfaError(s.reason) ? s.reason.code : String(s.reason)] : [],
  );
  return { created, codes };
}

const slotRecords = (store: Store) => dump(store, userKey(USER, "app-pw", "h:"));

describe.each(stores)("app passwords under concurrency (%s store)", (_name, makeStore) => {
  it("APP-02 / REL-01: 20 concurrent creates at 39 of 40 make exactly one more", async () => {
    const store = makeStore();
    const service = serviceOn(store);
    for (let i = 0; i < 39; i++) await service.create({ userId: USER, name: `device ${i}` });
    const settled = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => service.create({ userId: USER, name: `race ${i}` })),
    );
    const { created, codes } = outcomes(settled);
    expect(created).toHaveLength(1);
    expect(codes).toEqual(Array(19).fill("app_password_limit_reached"));
    expect(await service.list({ userId: USER })).toHaveLength(40);
    // The losers left nothing behind that could verify.
    const live = (await slotRecords(store)).filter(
      (r) => (r.value as { items: unknown[] }).items.length > 0,
    );
    expect(live).toHaveLength(40);
    expect((await service.verify({ userId: USER, password: created[0]?.password ?? "" })).ok).toBe(
      true,
    );
  });

  it("APP-02 / REL-01: 20 concurrent creates from none with a cap of 5 make exactly 5", async () => {
    const store = makeStore();
    const service = serviceOn(store, 5);
    const settled = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => service.create({ userId: USER, name: `race ${i}` })),
    );
    const { created, codes } = outcomes(settled);
    expect(created).toHaveLength(5);
    expect(codes).toEqual(Array(15).fill("app_password_limit_reached"));
    const listed = (await service.list({ userId: USER })).map((i) => i.id).sort();
    expect(listed).toEqual(created.map((c) => c.id).sort());
    for (const c of created) {
      expect((await service.verify({ userId: USER, password: c.password })).ok).toBe(true);
    }
  });

  it("BIND-08: a verify racing a revoke never brings the password back", async () => {
    const store = makeStore();
    const service = serviceOn(store);
    for (let round = 0; round < 10; round++) {
      const { id, password } = await service.create({ userId: USER, name: `round ${round}` });
      const verifies = Array.from({ length: 5 }, () => service.verify({ userId: USER, password }));
      const [revoked] = await Promise.all([service.revoke({ userId: USER, id }), ...verifies]);
      expect(revoked).toBe(true);
      expect(await service.verify({ userId: USER, password })).toEqual({
        ok: false,
        reason: "code_mismatch",
      });
    }
    expect(await service.list({ userId: USER })).toEqual([]);
    for (const r of await slotRecords(store)) {
      expect((r.value as { items: unknown[] }).items).toEqual([]);
    }
  });

  it("BIND-08: creates racing a revokeAll: a password is listed exactly when it verifies", async () => {
    const store = makeStore();
    const service = serviceOn(store);
    for (let round = 0; round < 5; round++) {
      const settled = Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => service.create({ userId: USER, name: `d${i}` })),
      );
      const revokedAll = service.revokeAll({ userId: USER });
      const { created, codes } = outcomes(await settled);
      await revokedAll;
      for (const code of codes) expect(code).toBe("store_conflict");
      const listed = new Set((await service.list({ userId: USER })).map((i) => i.id));
      for (const c of created) {
        const ok = (await service.verify({ userId: USER, password: c.password })).ok;
        expect(ok).toBe(listed.has(c.id));
      }
      await service.revokeAll({ userId: USER });
    }
  });
});
