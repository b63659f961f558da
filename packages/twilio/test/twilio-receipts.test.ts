/**
 * Twilio's status callbacks, end to end: the SDK sends through the fake Twilio API with a
 * `StatusCallback`, the fake posts real signed callbacks to `twilioStatusWebhook` served over
 * HTTP, and the sign-in challenge shows what they said. Duplicates, out-of-order statuses,
 * unknown and other users' SIDs, and bad or tampered signatures change nothing.
 */
import { RECEIPT_USERS, type ReceiptTestMfa, receiptTestMfa } from "@mfakit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  TWILIO_CALL_STATUSES,
  TWILIO_MESSAGE_STATUSES,
  twilioSms,
  twilioStatusWebhook,
  twilioVoice,
} from "../src/index.js";
import { type FakeTwilio, startFakeTwilio } from "./fake-twilio.js";

const [ALICE, BOB] = Object.keys(RECEIPT_USERS) as [string, string];

describe("twilioStatusWebhook with the fake Twilio API", () => {
  let api: FakeTwilio;
  let sdk: ReceiptTestMfa;
  const client = (webhookUrl: string) => ({
    accountSid: api.accountSid,
    authToken: api.authToken,
    baseUrl: api.url,
    allowInsecureBaseUrl: true,
    statusCallbackUrl: `${webhookUrl}/webhooks/twilio`,
    from: "+15005550006",
  });

  beforeAll(async () => {
    api = await startFakeTwilio();
    sdk = await receiptTestMfa({
      senders: (url) => ({ sms: twilioSms(client(url)), voice: twilioVoice(client(url)) }),
      webhooks: (delivery) => ({
        "/webhooks/twilio": twilioStatusWebhook({ authToken: api.authToken, delivery }),
      }),
    });
  });
  afterAll(async () => {
    await sdk.hook.close();
    await api.close();
  });

  /** Starts a sign-in challenge; its message's SID is the fake's newest. */
  const signIn = async (userId: string, delivery: "sms" | "voice" = "sms") => {
    const challengeId = await sdk.signIn(userId, delivery);
    return { challengeId, sid: api.sids.at(-1) as string };
  };
  const delivery = (userId: string, challengeId: string) => sdk.delivery(userId, challengeId);

  it("an SMS goes queued → sent → delivered; duplicates and a late 'sent' change nothing", async () => {
    const { challengeId, sid } = await signIn(ALICE);
    expect(sid).toMatch(/^SM/);
    expect((await delivery(ALICE, challengeId))?.status).toBe("queued");
    expect(await api.postStatus(sid, "sent")).toBe(204);
    expect((await delivery(ALICE, challengeId))?.status).toBe("sent");
    expect(await api.postStatus(sid, "delivered")).toBe(204);
    expect(await api.postStatus(sid, "delivered")).toBe(204);
    expect(await api.postStatus(sid, "sent")).toBe(204);
    expect(await api.postStatus(sid, "queued")).toBe(204);
    expect(await delivery(ALICE, challengeId)).toEqual({
      status: "delivered",
      errorCode: null,
      offerAlternatives: false,
      failedOver: false,
    });
  });

  it("undelivered with ErrorCode 30003: the challenge offers another way", async () => {
    const { challengeId, sid } = await signIn(ALICE);
    expect(await api.postStatus(sid, "undelivered", { errorCode: "30003" })).toBe(204);
    expect(await delivery(ALICE, challengeId)).toEqual({
      status: "undelivered",
      errorCode: "30003",
      offerAlternatives: true,
      failedOver: false,
    });
  });

  it("a call: ringing, then answered (in-progress), then completed; no-answer after that is ignored", async () => {
    const { challengeId, sid } = await signIn(ALICE, "voice");
    expect(sid).toMatch(/^CA/);
    const call = api.requests.at(-1)?.form;
    expect(call?.getAll("StatusCallbackEvent")).toEqual([
      "initiated",
      "ringing",
      "answered",
      "completed",
    ]);
    await api.postStatus(sid, "ringing");
    expect((await delivery(ALICE, challengeId))?.status).toBe("sent");
    await api.postStatus(sid, "in-progress");
    await api.postStatus(sid, "completed");
    await api.postStatus(sid, "no-answer");
    expect((await delivery(ALICE, challengeId))?.status).toBe("delivered");
  });

  it("a busy line is undelivered", async () => {
    const { challengeId, sid } = await signIn(BOB, "voice");
    await api.postStatus(sid, "busy");
    expect(await delivery(BOB, challengeId)).toMatchObject({
      status: "undelivered",
      offerAlternatives: true,
    });
  });

  it("a callback for another user's SID changes only that user's challenge", async () => {
    const alice = await signIn(ALICE);
    const bob = await signIn(BOB);
    expect(await api.postStatus(bob.sid, "failed", { errorCode: "30005" })).toBe(204);
    expect((await delivery(ALICE, alice.challengeId))?.status).toBe("queued");
    expect((await delivery(BOB, bob.challengeId))?.status).toBe("failed");
  });

  it("a bad signature, a tampered body or no signature: 403, nothing changes", async () => {
    const { challengeId, sid } = await signIn(ALICE);
    expect(await api.postStatus(sid, "failed", { signWith: "f".repeat(32) })).toBe(403);
    expect(
      await api.postStatus(sid, "sent", {
        tamper: (body) => body.replace("MessageStatus=sent", "MessageStatus=failed"),
      }),
    ).toBe(403);
    // A forged SID in a body signed for another: the signature covers the SID.
    expect(
      await api.postStatus(sid, "undelivered", {
        tamper: (body) => body.replaceAll(sid, `SM${"0".repeat(32)}`),
      }),
    ).toBe(403);
    const unsigned = await fetch(`${sdk.hook.url}/webhooks/twilio`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ MessageSid: sid, MessageStatus: "failed" }).toString(),
    });
    expect(unsigned.status).toBe(403);
    expect((await delivery(ALICE, challengeId))?.status).toBe("queued");
  });

  it("a validly signed callback for a SID the SDK never sent: 204, nothing changes", async () => {
    const { challengeId } = await signIn(ALICE);
    // A message sent outside the SDK, through the same account and callback URL.
    const other = await twilioSms(client(sdk.hook.url)).send({
      to: "+447400999999",
      text: "hello",
      locale: "en",
      idempotencyKey: "x",
    });
    expect(await api.postStatus(other.messageId, "failed")).toBe(204);
    expect((await delivery(ALICE, challengeId))?.status).toBe("queued");
    const [row] = await sdk.mfa.admin.deliveryReport();
    expect(row?.failed).toBe(1); // Bob's failed SMS above, not this one
  });

  it("only POST is accepted", async () => {
    expect((await fetch(`${sdk.hook.url}/webhooks/twilio`)).status).toBe(405);
  });

  it("maps every documented status", () => {
    expect([...TWILIO_MESSAGE_STATUSES.keys()].sort()).toEqual(
      [
        "accepted",
        "canceled",
        "delivered",
        "failed",
        "queued",
        "read",
        "scheduled",
        "sending",
        "sent",
        "undelivered",
      ].sort(),
    );
    expect(TWILIO_CALL_STATUSES.get("no-answer")).toBe("undelivered");
  });
});
