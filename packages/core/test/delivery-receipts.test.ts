/**
 * Delivery receipts through the core API (`mfa.delivery.receipt`): the sign-in challenge's and
 * the wizard's `delivery`, duplicates and out-of-order receipts, unknown and other users'
 * messages, failover on silence (once per challenge), and the admin's delivery report. The
 * adapters' tests post real signed webhooks from the fake providers; these pin the core rules.
 */
import {
  type ChallengeStarted,
  type DeliveryStatus,
  isMfaError,
  type Mfa,
  memoryStore,
  type Senders,
  type Store,
} from "@mfakit/core";
import type { SendReceipt } from "@mfakit/core/adapter";
import {
  capturingOutbox,
  type FakeClock,
  fakeClock,
  observedStore,
  type StoreMethod,
  WRITE_METHODS,
} from "@mfakit/testing";
import { describe, expect, it } from "vitest";
import { expectStep, phoneCodeSent, seedSetup } from "./support/seed-setup.ts";

const ALICE = "alice@contoso.com";
const BOB = "bob@contoso.com";
const PHONES: Record<string, string> = {
  [ALICE]: "+447400123456",
  [BOB]: "+447400654321",
};
const policy = {
  mfa: { methods: ["authentication-phone" as const, "authenticator-app" as const], required: 1 },
  appPasswords: { enabled: false },
  phone: { allowedCountries: ["GB"] },
};

/** Senders that remember each receipt they gave, by destination (what a provider's ids are). */
function receipting(senders: Required<Pick<Senders, "sms" | "voice">>, provider: string) {
  const sent: Array<{ to: string; receipt: SendReceipt }> = [];
  let n = 0;
  const wrap = <M extends { to: string }>(send: (m: M) => Promise<SendReceipt>) => {
    return async (message: M) => {
      await send(message);
      const receipt = { provider, messageId: `${provider}-${++n}` };
      sent.push({ to: message.to, receipt });
      return receipt;
    };
  };
  return {
    sms: { id: `${provider}-sms`, send: wrap(senders.sms.send) },
    voice: { id: `${provider}-voice`, send: wrap(senders.voice.send) },
    sent,
    /** The newest message id sent to `to`. */
    last(to: string): string {
      const hit = sent.filter((s) => s.to === to).at(-1);
      if (!hit) throw new Error(`nothing sent to ${to}`);
      return hit.receipt.messageId;
    },
  };
}

function setup(options: { failoverAfterSeconds?: number; store?: Store } = {}) {
  const primaryOutbox = capturingOutbox();
  const primary = receipting(primaryOutbox, "acme");
  const backupOutbox = capturingOutbox();
  const backup = receipting(backupOutbox, "backup");
  const s = seedSetup({
    policy,
    ...(options.store ? { store: options.store } : {}),
    senders: { sms: primary.sms, voice: primary.voice },
    ...(options.failoverAfterSeconds
      ? {
          delivery: {
            failover: {
              afterSeconds: options.failoverAfterSeconds,
              senders: { sms: backup.sms, voice: backup.voice },
            },
          },
        }
      : {}),
  });
  return { ...s, primary, primaryOutbox, backup, backupOutbox };
}

/** Registers the user's phone directly: these tests are about sign-in sends. */
async function withPhone(mfa: Mfa, userId: string) {
  await mfa.registrations.update(userId, (r) => ({
    ...r,
    phones: {
      ...r.phones,
      "authentication-phone": {
        e164: PHONES[userId] as string,
        country: "GB",
        extension: null,
        delivery: "sms",
        verifiedAt: 0,
      },
    },
  }));
}

async function signIn(mfa: Mfa, userId: string) {
  const started = await mfa.challenge.start({ userId, method: "authentication-phone" });
  if (!started.ok) throw new Error(JSON.stringify(started));
  return started as Extract<ChallengeStarted, { ok: true }>;
}

async function statusOf(mfa: Mfa, userId: string, challengeId: string) {
  const status = await mfa.challenge.status({ userId, challengeId });
  if (!status.ok) throw new Error(JSON.stringify(status));
  return status.delivery;
}

const receipt = (messageId: string, status: DeliveryStatus, errorCode?: string) => ({
  provider: messageId.split("-")[0] as string,
  messageId,
  status,
  ...(errorCode ? { errorCode } : {}),
});

describe("delivery receipts on the sign-in challenge", () => {
  it("tracks nothing for a sender whose provider never reports delivery (reportsDelivery: false)", async () => {
    const outbox = capturingOutbox();
    const { mfa } = seedSetup({
      policy,
      senders: {
        sms: {
          id: "quiet-sms",
          send: async (m) => {
            await outbox.sms.send(m);
            return { provider: "quiet", messageId: "q-1", reportsDelivery: false };
          },
        },
        voice: outbox.voice,
      },
    });
    await withPhone(mfa, ALICE);
    const started = await signIn(mfa, ALICE);
    expect(started.delivery).toBeNull();
    expect(await mfa.delivery.receipt(receipt("q-1", "delivered"))).toEqual({
      ok: false,
      reason: "unknown_message",
    });
  });

  it("shows queued, then sent, then delivered; duplicates and older statuses change nothing", async () => {
    const { mfa, primary } = setup();
    await withPhone(mfa, ALICE);
    const started = await signIn(mfa, ALICE);
    expect(started.delivery).toEqual({
      status: "queued",
      errorCode: null,
      offerAlternatives: false,
      failedOver: false,
    });
    const id = primary.last(PHONES[ALICE] as string);
    expect(await mfa.delivery.receipt(receipt(id, "sent"))).toEqual({
      ok: true,
      changed: true,
      status: "sent",
    });
    expect((await statusOf(mfa, ALICE, started.challengeId))?.status).toBe("sent");
    expect(await mfa.delivery.receipt(receipt(id, "delivered"))).toMatchObject({ changed: true });
    // The same receipt again, and a carrier's late "sent": harmless.
    expect(await mfa.delivery.receipt(receipt(id, "delivered"))).toEqual({
      ok: true,
      changed: false,
      status: "delivered",
    });
    expect(await mfa.delivery.receipt(receipt(id, "sent"))).toMatchObject({ changed: false });
    expect(await mfa.delivery.receipt(receipt(id, "queued"))).toMatchObject({ changed: false });
    expect(await statusOf(mfa, ALICE, started.challengeId)).toEqual({
      status: "delivered",
      errorCode: null,
      offerAlternatives: false,
      failedOver: false,
    });
  });

  it("a delivery report outranks an earlier failure (delivered beats undelivered), not the reverse", async () => {
    const { mfa, primary } = setup();
    await withPhone(mfa, ALICE);
    const started = await signIn(mfa, ALICE);
    const id = primary.last(PHONES[ALICE] as string);
    await mfa.delivery.receipt(receipt(id, "undelivered", "30003"));
    expect(await statusOf(mfa, ALICE, started.challengeId)).toEqual({
      status: "undelivered",
      errorCode: "30003",
      offerAlternatives: true,
      failedOver: false,
    });
    await mfa.delivery.receipt(receipt(id, "failed", "30008"));
    expect((await statusOf(mfa, ALICE, started.challengeId))?.errorCode).toBe("30003");
    await mfa.delivery.receipt(receipt(id, "delivered"));
    expect(await statusOf(mfa, ALICE, started.challengeId)).toMatchObject({
      status: "delivered",
      offerAlternatives: false,
    });
  });

  it("a receipt for an unknown message changes nothing", async () => {
    const { mfa, store } = setup();
    await withPhone(mfa, ALICE);
    const started = await signIn(mfa, ALICE);
    const before = await store.get(`mfa:{${encodeURIComponent(ALICE)}}:account`);
    expect(await mfa.delivery.receipt(receipt("acme-999", "failed", "30003"))).toEqual({
      ok: false,
      reason: "unknown_message",
    });
    expect(
      await mfa.delivery.receipt({ ...receipt("acme-1", "failed"), provider: "other" }),
    ).toEqual({ ok: false, reason: "unknown_message" });
    expect(await store.get(`mfa:{${encodeURIComponent(ALICE)}}:account`)).toEqual(before);
    expect((await statusOf(mfa, ALICE, started.challengeId))?.status).toBe("queued");
  });

  it("a receipt for another user's message changes only that user's challenge", async () => {
    const { mfa, primary } = setup();
    await withPhone(mfa, ALICE);
    await withPhone(mfa, BOB);
    const alice = await signIn(mfa, ALICE);
    const bob = await signIn(mfa, BOB);
    await mfa.delivery.receipt(receipt(primary.last(PHONES[BOB] as string), "failed", "30005"));
    expect((await statusOf(mfa, ALICE, alice.challengeId))?.status).toBe("queued");
    expect((await statusOf(mfa, BOB, bob.challengeId))?.status).toBe("failed");
    // Bob's challenge id is nobody else's to read.
    expect(await mfa.challenge.status({ userId: ALICE, challengeId: bob.challengeId })).toEqual({
      ok: false,
      reason: "not_found",
    });
  });

  it("after a resend, receipts for the replaced message no longer speak for the challenge", async () => {
    const { mfa, primary, clock } = setup();
    await withPhone(mfa, ALICE);
    const started = await signIn(mfa, ALICE);
    const first = primary.last(PHONES[ALICE] as string);
    clock.advance(61_000);
    const again = await mfa.challenge.resend({ userId: ALICE, challengeId: started.challengeId });
    expect(again.ok).toBe(true);
    await mfa.delivery.receipt(receipt(first, "undelivered", "30003"));
    expect((await statusOf(mfa, ALICE, started.challengeId))?.status).toBe("queued");
    await mfa.delivery.receipt(receipt(primary.last(PHONES[ALICE] as string), "delivered"));
    expect((await statusOf(mfa, ALICE, started.challengeId))?.status).toBe("delivered");
  });

  it("refuses a malformed receipt before any work (REL-07)", async () => {
    const { mfa } = setup();
    for (const bad of [
      { provider: "Twilio!", messageId: "x", status: "sent" },
      { provider: "acme", messageId: "", status: "sent" },
      { provider: "acme", messageId: "x".repeat(257), status: "sent" },
      { provider: "acme", messageId: "x", status: "read" },
      { provider: "acme", messageId: "x", status: "failed", errorCode: "<script>" },
    ]) {
      const error = await mfa.delivery.receipt(bad as never).catch((e: unknown) => e);
      expect(isMfaError(error, "invalid_input")).toBe(true);
    }
  });
});

describe("delivery receipts in the wizard", () => {
  it("the verify-code view carries the delivery status and offers alternatives when undelivered", async () => {
    const { mfa, primary, clock } = setup();
    const session = { userId: ALICE, authenticatedAt: clock.now() };
    const view = await phoneCodeSent(mfa, () => session, await mfa.enrolment.start(session));
    expect(expectStep(view, "verify-code").delivery).toMatchObject({ status: "queued" });
    await mfa.delivery.receipt(
      receipt(primary.last(PHONES[ALICE] as string), "undelivered", "30003"),
    );
    const polled = expectStep(await mfa.enrolment.get(view.id, session), "verify-code");
    expect(polled.delivery).toEqual({
      status: "undelivered",
      errorCode: "30003",
      offerAlternatives: true,
      failedOver: false,
    });
    // "Call me instead" (after the destination's cooldown): a call is a new message.
    clock.advance(61_000);
    const called = expectStep(
      await mfa.enrolment.submit(
        view.id,
        { step: "verify-code", action: "switch-to-voice" },
        session,
      ),
      "verify-code",
    );
    expect(called.channel).toBe("voice");
    expect(called.delivery?.status).toBe("queued");
  });
});

describe("failover when no delivery receipt comes in time", () => {
  async function silentChallenge(clock: FakeClock, mfa: Mfa) {
    await withPhone(mfa, ALICE);
    const started = await signIn(mfa, ALICE);
    clock.advance(45_000);
    return started;
  }

  it("sends the next code through the failover senders once, however many polls race", async () => {
    const { mfa, clock, backup, backupOutbox, primaryOutbox } = setup({ failoverAfterSeconds: 30 });
    const started = await silentChallenge(clock, mfa);
    const polls = await Promise.all(
      Array.from({ length: 12 }, () =>
        mfa.challenge.status({ userId: ALICE, challengeId: started.challengeId }),
      ),
    );
    expect(polls.every((p) => p.ok)).toBe(true);
    expect(backup.sent).toHaveLength(1);
    clock.advance(60_000);
    await mfa.challenge.status({ userId: ALICE, challengeId: started.challengeId });
    expect(backup.sent).toHaveLength(1);
    expect(await statusOf(mfa, ALICE, started.challengeId)).toEqual({
      status: "queued",
      errorCode: null,
      offerAlternatives: false,
      failedOver: true,
    });
    // The failover's code replaced the first one (it is a resend: the old code is dead).
    const phone = PHONES[ALICE] as string;
    const old = primaryOutbox.lastCode(phone);
    const fresh = backupOutbox.lastCode(phone);
    const wrong = await mfa.challenge.verify({
      userId: ALICE,
      challengeId: started.challengeId,
      code: old === fresh ? "000000" : old,
    });
    expect(wrong.ok).toBe(false);
    expect(
      await mfa.challenge.verify({ userId: ALICE, challengeId: started.challengeId, code: fresh }),
    ).toMatchObject({ ok: true });
  });

  it("does not fail over a delivered message, nor before the time", async () => {
    const { mfa, clock, primary, backup } = setup({ failoverAfterSeconds: 30 });
    await withPhone(mfa, ALICE);
    const started = await signIn(mfa, ALICE);
    clock.advance(10_000);
    await mfa.challenge.status({ userId: ALICE, challengeId: started.challengeId });
    expect(backup.sent).toHaveLength(0);
    await mfa.delivery.receipt(receipt(primary.last(PHONES[ALICE] as string), "delivered"));
    clock.advance(60_000);
    await mfa.challenge.status({ userId: ALICE, challengeId: started.challengeId });
    expect(backup.sent).toHaveLength(0);
  });

  it("fails over on an undelivered receipt without waiting, within the limits (FRAUD-03)", async () => {
    const { mfa, primary, backup, clock } = setup({ failoverAfterSeconds: 300 });
    await withPhone(mfa, ALICE);
    const started = await signIn(mfa, ALICE);
    await mfa.delivery.receipt(
      receipt(primary.last(PHONES[ALICE] as string), "undelivered", "30003"),
    );
    // The destination's cooldown holds the failover send back; it does not use it up.
    await mfa.challenge.status({ userId: ALICE, challengeId: started.challengeId });
    expect(backup.sent).toHaveLength(0);
    expect((await statusOf(mfa, ALICE, started.challengeId))?.failedOver).toBe(false);
    clock.advance(61_000);
    await mfa.challenge.status({ userId: ALICE, challengeId: started.challengeId });
    expect(backup.sent).toHaveLength(1);
    await mfa.delivery.receipt(receipt(backup.last(PHONES[ALICE] as string), "delivered"));
    expect(await statusOf(mfa, ALICE, started.challengeId)).toMatchObject({
      status: "delivered",
      failedOver: true,
    });
  });

  it("is refused with a bad configuration, every problem at once", () => {
    expect(() =>
      seedSetup({ policy, delivery: { failover: { afterSeconds: 1, senders: {} } } }),
    ).toThrow(
      /afterSeconds[\s\S]*at least one of sms, voice|at least one of sms, voice[\s\S]*afterSeconds/,
    );
  });
});

describe("the delivery report (FRAUD-06)", () => {
  it("counts sent, delivered, failed and undelivered per provider and country", async () => {
    const { mfa, primary, backup, clock } = setup({ failoverAfterSeconds: 30 });
    await withPhone(mfa, ALICE);
    await withPhone(mfa, BOB);
    const alice = await signIn(mfa, ALICE);
    const bob = await signIn(mfa, BOB);
    const alicePhone = PHONES[ALICE] as string;
    await mfa.delivery.receipt(receipt(primary.last(alicePhone), "undelivered", "30003"));
    await mfa.delivery.receipt(receipt(primary.last(PHONES[BOB] as string), "delivered"));
    await mfa.delivery.receipt(receipt(primary.last(PHONES[BOB] as string), "delivered"));
    // Alice's failover (after the destination's cooldown) goes through the backup provider.
    clock.advance(61_000);
    await mfa.challenge.status({ userId: ALICE, challengeId: alice.challengeId });
    await mfa.delivery.receipt(receipt(backup.last(alicePhone), "delivered"));
    expect(backup.sent.map((s) => s.receipt.messageId)).toEqual(["backup-1"]);
    const report = await mfa.admin.deliveryReport();
    expect(report).toEqual([
      {
        day: "2026-11-25",
        provider: "acme",
        country: "GB",
        sent: 2,
        delivered: 1,
        failed: 0,
        undelivered: 1,
        verified: 0,
        deliveryRate: 0.5,
        conversionRate: 0,
      },
      {
        day: "2026-11-25",
        provider: "backup",
        country: "GB",
        sent: 1,
        delivered: 1,
        failed: 0,
        undelivered: 0,
        verified: 0,
        deliveryRate: 1,
        conversionRate: 0,
      },
    ]);
    expect(bob.ok).toBe(true);
  });

  it("moves a failure to delivered when a late delivery report comes, and counts verified codes", async () => {
    const { mfa, primary, primaryOutbox } = setup();
    await withPhone(mfa, ALICE);
    const started = await signIn(mfa, ALICE);
    const id = primary.last(PHONES[ALICE] as string);
    await mfa.delivery.receipt(receipt(id, "failed", "30008"));
    await mfa.delivery.receipt(receipt(id, "delivered"));
    await mfa.challenge.verify({
      userId: ALICE,
      challengeId: started.challengeId,
      code: primaryOutbox.lastCode(PHONES[ALICE] as string),
    });
    const [row] = await mfa.admin.deliveryReport({ from: "2026-11-25", to: "2026-11-25" });
    expect(row).toMatchObject({ sent: 1, delivered: 1, failed: 0, verified: 1, conversionRate: 1 });
    expect(await mfa.admin.deliveryReport({ from: "2026-11-24", to: "2026-11-24" })).toEqual([]);
  });

  it("refuses a malformed or too long range", async () => {
    const { mfa } = setup();
    for (const range of [
      { from: "2026-13-01" },
      { from: "2026-11-26", to: "2026-11-25" },
      { from: "2026-01-01", to: "2026-11-25" },
    ]) {
      const error = await mfa.admin.deliveryReport(range).catch((e: unknown) => e);
      expect(isMfaError(error, "invalid_input")).toBe(true);
    }
  });
});

/**
 * A memory store (on the setup's start time) that records every call as `method subject`, and
 * the extra puts of each `putAndCount`; `fail` may refuse a call before it is made.
 */
function recordedStore(fail: (method: StoreMethod, subject: string) => boolean = () => false) {
  const calls: string[] = [];
  const extraPuts: string[][] = [];
  const inner = memoryStore({ clock: fakeClock(Date.UTC(2026, 10, 25, 9, 0, 0)) });
  const observed = observedStore(inner, (method, subject) => {
    if (fail(method, subject)) throw new Error(`stopped before ${method} ${subject}`);
    calls.push(`${method} ${subject}`);
  });
  const store: Store = {
    ...observed,
    putAndCount: (put, increments, puts) => {
      extraPuts.push((puts ?? []).map((p) => p.key));
      return observed.putAndCount?.(put, increments, puts) as never;
    },
  };
  const since = (n: number) => calls.slice(n);
  const writes = (n: number) =>
    since(n).filter((c) => WRITE_METHODS.has(c.split(" ")[0] as StoreMethod));
  return { store, calls, extraPuts, since, writes };
}

describe("what an SMS send costs (issue 12)", () => {
  it("REL-04: a sign-in send by SMS is 2 commits: the claim before the provider call, then the record, its index and the day's figure together", async () => {
    const recorded = recordedStore();
    const { mfa, primary } = setup({ store: recorded.store });
    await withPhone(mfa, ALICE);
    await withPhone(mfa, BOB);
    // Alice's send is the day's first of its provider and country: it names the pair (one
    // read and one write, once per pair and day) after its two commits.
    let mark = recorded.calls.length;
    await signIn(mfa, ALICE);
    expect(recorded.writes(mark)).toEqual([
      "putAndCount mfa:{alice%40contoso.com}:account",
      "putAndCount mfa:{alice%40contoso.com}:account",
      "put mfa:stats:delivery-pairs:2026-11-25",
    ]);
    // Every later send of the pair that day: 2 commits, no read of the pairs.
    mark = recorded.calls.length;
    const puts = recorded.extraPuts.length;
    const bob = await signIn(mfa, BOB);
    expect(recorded.writes(mark)).toEqual([
      "putAndCount mfa:{bob%40contoso.com}:account",
      "putAndCount mfa:{bob%40contoso.com}:account",
    ]);
    expect(recorded.since(mark).filter((c) => c.includes("delivery-pairs"))).toEqual([]);
    // The claim carries no extra put; the record carries the message index.
    const ref = recorded.extraPuts.slice(puts);
    expect(ref).toEqual([[], [expect.stringMatching(/^mfa:delivery:msg:[0-9a-f]{32}$/)]]);
    // The index written with the record is the one a receipt follows to Bob's challenge.
    const id = primary.last(PHONES[BOB] as string);
    expect(await mfa.delivery.receipt(receipt(id, "delivered"))).toMatchObject({ changed: true });
    expect((await statusOf(mfa, BOB, bob.challengeId))?.status).toBe("delivered");
    const [row] = await mfa.admin.deliveryReport();
    expect(row).toMatchObject({ provider: "acme", country: "GB", sent: 2, delivered: 1 });
  });

  it("a sender that stops after its commit, before naming the day's pair: the pair's first receipt names it, so the report keeps the row", async () => {
    let stop = true;
    const recorded = recordedStore((method, subject) => {
      if (!(stop && method === "get" && subject.includes("delivery-pairs"))) return false;
      stop = false;
      return true;
    });
    const { mfa, primary } = setup({ store: recorded.store });
    await withPhone(mfa, ALICE);
    const started = await signIn(mfa, ALICE);
    expect(stop, "the naming was stopped").toBe(false);
    expect(started.delivery?.status).toBe("queued");
    expect(await mfa.admin.deliveryReport()).toEqual([]);
    await mfa.delivery.receipt(receipt(primary.last(PHONES[ALICE] as string), "delivered"));
    expect(await mfa.admin.deliveryReport()).toEqual([
      expect.objectContaining({ provider: "acme", country: "GB", sent: 1, delivered: 1 }),
    ]);
  });
});
