/**
 * Faults that make SQLite refuse a commit, caused for real: a full disk (a 1 MiB tmpfs), a
 * rollback-journal file whose reader in another connection keeps the writer from committing,
 * and a write lock held by another connection. Every call must either answer the truth or throw
 * `store_unavailable`; what was acknowledged must be on disk afterwards and what threw must have
 * changed nothing.
 *
 * (`PRAGMA max_page_count` would not do: it fails inside the statement, before the commit.)
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKeyring } from "@mfakit/core";
import { type GuardedStore, isMfaError } from "@mfakit/core/adapter";
import { type CodeService, createCodeService } from "@mfakit/core/codes";
import { type SqliteStore, sqliteStore } from "@mfakit/sqlite";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "mfakit-sqlite-faults-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const keyring = createKeyring({ current: "k1", keys: { k1: new Uint8Array(32).fill(7) } });
const MAX_ATTEMPTS = 10;

type Settled<T> = { readonly acked: true; readonly value: T } | { readonly acked: false };

/** Runs one call: its answer, or that it threw `store_unavailable`; any other throw fails. */
async function settle<T>(call: () => Promise<T>): Promise<Settled<T>> {
  try {
    return { acked: true, value: await call() };
  } catch (error) {
    if (!isMfaError(error, "store_unavailable")) throw error;
    expect(error.cause, "the driver error is the cause").toBeInstanceOf(Error);
    return { acked: false };
  }
}

/**
 * A ledger of store and code-service calls made while commits may fail, and the checks of
 * what they acknowledged against what the file holds afterwards (REL-01, REL-02).
 */
function commitLedger(store: GuardedStore, rounds: number) {
  const codes: CodeService = createCodeService({ store, keyring }, { maxAttempts: MAX_ATTEMPTS });
  const target = { userId: "u1", purpose: "signin:sms", destination: "+447400123456" };
  let right = { challengeId: "", code: "" };
  let guessed = { challengeId: "", code: "" };
  const acked = { puts: new Set<number>(), deletes: new Set<number>(), takes: new Set<number>() };
  let increments = 0;
  let batches = 0;
  let both = 0;
  let docVersion: number | null = null;
  let verified = 0;
  let mismatches = 0;
  let failures = 0;
  let successes = 0;

  const count = <T>(s: Settled<T>): Settled<T> => {
    if (s.acked) successes++;
    else failures++;
    return s;
  };

  return {
    /** Opens the two challenges and the rows the rounds delete and take (commits must work). */
    async seed() {
      const issue = async () => {
        const { challengeId, code } = await codes.issue(target);
        return { challengeId, code };
      };
      right = await issue();
      const other = await issue();
      guessed = {
        challengeId: other.challengeId,
        code: other.code === "000000" ? "111111" : "000000",
      };
      for (let i = 0; i < rounds; i++) {
        await store.put(`d:${i}`, { d: i });
        await store.put(`t:${i}`, { t: i });
      }
    },

    /**
     * One of every write: put, delete, take, increment, incrementMany, putAndCount and the two
     * code checks.
     */
    async round(i: number) {
      const put = count(await settle(() => store.put(`p:${i}`, { p: i })));
      if (put.acked) {
        expect(put.value).toEqual({ ok: true, version: 1 });
        acked.puts.add(i);
      }
      const deleted = count(await settle(() => store.delete(`d:${i}`)));
      if (deleted.acked) {
        expect(deleted.value, "the row was there").toBe(true);
        acked.deletes.add(i);
      }
      const taken = count(await settle(() => store.take(`t:${i}`)));
      if (taken.acked) {
        expect(taken.value).toEqual({ value: { t: i }, version: 1 });
        acked.takes.add(i);
      }
      const n = count(await settle(() => store.increment("n")));
      if (n.acked) {
        // Calls run one after another: an acknowledged increment counts every earlier
        // acknowledged one and nothing that threw.
        increments++;
        expect(n.value, "REL-02: no acknowledged increment lost").toBe(increments);
      }
      const batch = count(
        await settle(() => store.incrementMany([{ key: "b1" }, { key: "b2", by: 2 }])),
      );
      if (batch.acked) {
        // One transaction: an acknowledged batch wrote both counters, one that threw neither.
        batches++;
        expect(batch.value, "REL-02: no acknowledged batch lost").toEqual([batches, 2 * batches]);
      }
      // The document's compare-and-set and its counter: one transaction, so an acknowledged
      // call moved both and one that threw neither (the next call's expectVersion still holds).
      const doc = { key: "pc:doc", value: { i }, options: { expectVersion: docVersion } };
      const together = count(await settle(() => store.putAndCount(doc, [{ key: "pc:n" }])));
      if (together.acked) {
        both++;
        expect(together.value.put.ok, "REL-01: the compare-and-set held").toBe(true);
        if (together.value.put.ok) docVersion = together.value.put.version;
        expect(together.value.counts, "REL-02: no acknowledged count lost").toEqual([both]);
      }
      const ok = await settle(() => codes.verify({ ...target, ...right }));
      if (ok.acked && ok.value.ok) verified++;
      expect(verified, "REL-01: the code verified at most once").toBeLessThanOrEqual(1);
      const wrong = await settle(() => codes.verify({ ...target, ...guessed }));
      if (wrong.acked && !wrong.value.ok && wrong.value.reason === "code_mismatch") {
        mismatches++;
        // REL-02: every acknowledged wrong guess is counted, one more each time.
        expect(wrong.value.attemptsLeft).toBe(MAX_ATTEMPTS - mismatches);
      } else if (wrong.acked) {
        expect(wrong.value).toMatchObject({ ok: false, reason: "locked" });
        expect(mismatches).toBe(MAX_ATTEMPTS);
      }
    },

    /** How many store writes (put, delete, take, increment) were acknowledged and how many threw. */
    tally: () => ({ successes, failures }),

    /** With commits working again: the file holds exactly what was acknowledged. */
    async check(path: string) {
      const probe = new Database(path, { readonly: true });
      const keys = new Set(probe.prepare("SELECT key FROM mfa_store").pluck().all() as string[]);
      probe.close();
      for (let i = 0; i < rounds; i++) {
        expect(keys.has(`p:${i}`), `p:${i} stored iff acknowledged`).toBe(acked.puts.has(i));
        expect(keys.has(`d:${i}`), `d:${i} gone iff acknowledged`).toBe(!acked.deletes.has(i));
        expect(keys.has(`t:${i}`), `t:${i} gone iff acknowledged`).toBe(!acked.takes.has(i));
      }
      expect((await store.get("n"))?.value ?? 0).toBe(increments);
      expect((await store.get("b1"))?.value ?? 0).toBe(batches);
      expect((await store.get("b2"))?.value ?? 0).toBe(2 * batches);
      expect((await store.get("pc:doc"))?.version ?? null).toBe(docVersion);
      expect((await store.get("pc:n"))?.value ?? 0).toBe(both);
      // The right code once more: it may verify now only if it never did.
      const last = await codes.verify({ ...target, ...right });
      expect(verified + (last.ok ? 1 : 0), "REL-01: never verified twice").toBeLessThanOrEqual(1);
      // No acknowledged wrong guess was un-counted, and none that threw was counted.
      const status = await codes.status({
        userId: target.userId,
        challengeId: guessed.challengeId,
      });
      expect(status?.attemptsLeft).toBe(MAX_ATTEMPTS - mismatches);
    },
  };
}

/** Mounts a 1 MiB tmpfs; `null` where this process may not mount (not root, no CAP_SYS_ADMIN). */
function mountSmallTmpfs(): string | null {
  const mountPoint = join(dir, "tmpfs");
  mkdirSync(mountPoint);
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint], {
      stdio: "ignore",
    });
    return mountPoint;
  } catch {
    return null;
  }
}

describe("sqlite: a commit that fails is never acknowledged (REL-01, REL-02)", () => {
  it("REL-01/REL-02: on a full disk (1 MiB tmpfs) every write answers the truth or throws store_unavailable; the file holds exactly what was acknowledged", async () => {
    const mountPoint = mountSmallTmpfs();
    if (mountPoint === null) {
      // Mounting needs root. The journal test below still fails commits for real; CI runs as
      // root so this variant is never lost there unnoticed.
      expect(process.env.CI, "CI must run the tmpfs variant: run the tests as root").toBeFalsy();
      console.warn("faults.test.ts: cannot mount a tmpfs (not root); disk-full variant not run");
      return;
    }
    // Ballast, deleted at the end to give the disk its space back.
    const ballast = join(mountPoint, "ballast");
    const path = join(mountPoint, "full.db");
    let store: SqliteStore | undefined;
    try {
      writeFileSync(ballast, Buffer.alloc(256 * 1024));
      store = sqliteStore({ path });
      const rounds = 12;
      const ledger = commitLedger(store, rounds);
      await ledger.seed();

      // Fill the disk through the store until a put fails.
      const filled: number[] = [];
      let full = false;
      for (let j = 0; j < 1000 && !full; j++) {
        const put = await settle(() => (store as SqliteStore).put(`fill:${j}`, "x".repeat(3000)));
        if (put.acked) filled.push(j);
        full = !put.acked;
      }
      for (let i = 0; i < rounds; i++) await ledger.round(i);
      expect(ledger.tally().failures, "the disk really was full").toBeGreaterThan(0);

      rmSync(ballast);
      await ledger.check(path);
      for (const j of filled) expect((await store.get(`fill:${j}`))?.version).toBe(1);
      expect(full, "a put failed once the disk was full").toBe(true);
      // Space back: the store works again.
      expect(await store.put("after", 1)).toEqual({ ok: true, version: 1 });
    } finally {
      store?.close();
      // Lazy: detaches even if a failed assertion left a file open.
      execFileSync("umount", ["-l", mountPoint]);
    }
  });

  it("REL-01/REL-02: a rollback-journal file whose reader (another connection) blocks the COMMIT: every write answers the truth or throws store_unavailable", async () => {
    const path = join(dir, "journal.db");
    const db = new Database(path, { timeout: 20 });
    db.pragma("journal_mode = DELETE");
    const store = sqliteStore({ database: db });
    const rounds = 12;
    const ledger = commitLedger(store, rounds);
    await ledger.seed();

    const reader = new Database(path);
    for (let i = 0; i < rounds; i++) {
      // Every other round a reader holds its SHARED lock: the writer's statement runs, and its
      // COMMIT (which needs EXCLUSIVE) fails with SQLITE_BUSY after the busy timeout.
      const locked = i % 2 === 0;
      if (locked) {
        reader.exec("BEGIN");
        reader.prepare("SELECT count(*) FROM mfa_store").get();
      }
      const before = ledger.tally();
      await ledger.round(i);
      if (locked) {
        reader.exec("COMMIT");
        expect(ledger.tally().successes - before.successes, "no write commits past a reader").toBe(
          0,
        );
      }
    }
    expect(ledger.tally().failures).toBeGreaterThan(0);
    expect(ledger.tally().successes).toBeGreaterThan(0);
    reader.close();
    await ledger.check(path);
    db.close();
  });
});

describe("sqlite: a write lock held by another connection", () => {
  it("every write fails with store_unavailable (SQLITE_BUSY) within the default wait, changing nothing, and works once the lock is gone", async () => {
    const path = join(dir, "busy.db");
    const store: SqliteStore = sqliteStore({ path });
    await store.put("k", 1);
    await store.put("t", 1);
    const other = new Database(path);
    other.exec("BEGIN IMMEDIATE");
    const writes: Record<string, () => Promise<unknown>> = {
      put: () => store.put("k", 2),
      take: () => store.take("t"),
      increment: () => store.increment("n"),
      incrementMany: () => store.incrementMany([{ key: "n" }, { key: "m" }]),
      putAndCount: () => store.putAndCount({ key: "k", value: 3 }, [{ key: "n" }]),
      delete: () => store.delete("k"),
      sweep: () => store.sweep(),
    };
    for (const [name, write] of Object.entries(writes)) {
      const started = performance.now();
      const error = await write().catch((e: unknown) => e);
      const waited = performance.now() - started;
      expect(isMfaError(error, "store_unavailable"), name).toBe(true);
      expect((error as { data: { code?: string } }).data.code, name).toBe("SQLITE_BUSY");
      // The default wait is 200 ms: it did wait, and far less than the old 5 s (the event
      // loop is blocked meanwhile). Generous bounds for a busy machine.
      expect(waited, name).toBeGreaterThanOrEqual(150);
      expect(waited, name).toBeLessThan(1500);
    }
    other.exec("ROLLBACK");
    other.close();
    expect(await store.get("k")).toEqual({ value: 1, version: 1 });
    expect(await store.take("t")).toEqual({ value: 1, version: 1 });
    expect(await store.incrementMany([{ key: "n" }, { key: "m" }])).toEqual([1, 1]);
    store.close();
  });

  it("honours a configured busyTimeoutMs", async () => {
    const path = join(dir, "busy-configured.db");
    const store = sqliteStore({ path, busyTimeoutMs: 30 });
    const other = new Database(path);
    other.exec("BEGIN IMMEDIATE");
    const started = performance.now();
    const error = await store.increment("k").catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(150);
    expect(isMfaError(error, "store_unavailable")).toBe(true);
    other.exec("ROLLBACK");
    other.close();
    expect(await store.increment("k")).toBe(1);
    store.close();
  });
});
