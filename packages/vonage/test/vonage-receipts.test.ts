/**
 * Vonage's SMS delivery receipts and call events, end to end: the SDK sends through the fake
 * Vonage APIs with a `callback` / `event_url`, the fake posts real signed webhooks (`sig` for
 * SMS receipts, a signed JWT for call events) to the handlers served over HTTP, and the sign-in
 * challenge shows what they said. Duplicates, out-of-order statuses, unknown and other users'
 * ids, and bad, missing or tampered signatures change nothing.
 */
import { RECEIPT_USERS, type ReceiptTestMfa, receiptTestMfa } from "@mfakit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  vonageCallEventWebhook,
  vonageSms,
  vonageSmsReceiptWebhook,
  vonageVoice,
} from "../src/index.js";
import { type FakeVonage, startFakeVonage } from "./fake-vonage.js";

const [ALICE, BOB] = Object.keys(RECEIPT_USERS) as [string, string];

describe("Vonage receipt webhooks with the fake Vonage APIs", () => {
  let api: FakeVonage;
  let sdk: ReceiptTestMfa;
  const sms = (webhookUrl: string) =>
    vonageSms({
      baseUrl: api.url,
      allowInsecureBaseUrl: true,
      from: "447700900000",
      apiKey: api.apiKey,
      apiSecret: api.apiSecret,
      statusCallbackUrl: `${webhookUrl}/vonage/dlr`,
    });

  beforeAll(async () => {
    api = await startFakeVonage();
    sdk = await receiptTestMfa({
      senders: (url) => ({
        sms: sms(url),
        voice: vonageVoice({
          baseUrl: api.url,
          allowInsecureBaseUrl: true,
          from: "447700900000",
          applicationId: api.applicationId,
          privateKey: api.privateKey,
          eventUrl: `${url}/vonage/events`,
        }),
      }),
      webhooks: (delivery) => ({
        "/vonage/dlr": vonageSmsReceiptWebhook({
          signatureSecret: api.signatureSecret,
          method: "sha256hmac",
          delivery,
        }),
        "/vonage/events": vonageCallEventWebhook({
          signatureSecret: api.signatureSecret,
          delivery,
        }),
      }),
    });
  });
  afterAll(async () => {
    await sdk.hook.close();
    await api.close();
  });

  const signIn = async (userId: string, delivery: "sms" | "voice" = "sms") => {
    const challengeId = await sdk.signIn(userId, delivery);
    return { challengeId, id: api.ids.at(-1) as string };
  };

  it("an SMS receipt, posted as a form, a GET and JSON: accepted → delivered; duplicates and late ones change nothing", async () => {
    const { challengeId, id } = await signIn(ALICE);
    expect((await sdk.delivery(ALICE, challengeId))?.status).toBe("queued");
    expect(await api.postReceipt(id, "accepted", { as: "GET" })).toBe(204);
    expect((await sdk.delivery(ALICE, challengeId))?.status).toBe("sent");
    expect(await api.postReceipt(id, "delivered", { as: "JSON" })).toBe(204);
    expect(await api.postReceipt(id, "delivered")).toBe(204);
    expect(await api.postReceipt(id, "buffered")).toBe(204);
    expect(await sdk.delivery(ALICE, challengeId)).toEqual({
      status: "delivered",
      errorCode: null,
      offerAlternatives: false,
      failedOver: false,
    });
  });

  it("an expired SMS (err-code 27) is undelivered: the challenge offers another way", async () => {
    const { challengeId, id } = await signIn(ALICE);
    expect(await api.postReceipt(id, "expired", { errorCode: "27" })).toBe(204);
    expect(await sdk.delivery(ALICE, challengeId)).toEqual({
      status: "undelivered",
      errorCode: "27",
      offerAlternatives: true,
      failedOver: false,
    });
  });

  it("call events: ringing, answered, completed; a late 'timeout' changes nothing", async () => {
    const { challengeId, id } = await signIn(ALICE, "voice");
    expect(await api.postCallEvent(id, "started")).toBe(204);
    expect(await api.postCallEvent(id, "ringing")).toBe(204);
    expect((await sdk.delivery(ALICE, challengeId))?.status).toBe("sent");
    await api.postCallEvent(id, "answered");
    await api.postCallEvent(id, "completed");
    await api.postCallEvent(id, "timeout");
    expect((await sdk.delivery(ALICE, challengeId))?.status).toBe("delivered");
  });

  it("an unanswered call is undelivered", async () => {
    const { challengeId, id } = await signIn(BOB, "voice");
    await api.postCallEvent(id, "unanswered");
    expect(await sdk.delivery(BOB, challengeId)).toMatchObject({
      status: "undelivered",
      offerAlternatives: true,
    });
  });

  it("a receipt for another user's message changes only that user's challenge", async () => {
    const alice = await signIn(ALICE);
    const bob = await signIn(BOB);
    expect(await api.postReceipt(bob.id, "rejected", { errorCode: "6" })).toBe(204);
    expect((await sdk.delivery(ALICE, alice.challengeId))?.status).toBe("queued");
    expect((await sdk.delivery(BOB, bob.challengeId))?.status).toBe("failed");
  });

  it("bad, missing or tampered signatures: 403, nothing changes", async () => {
    const sms = await signIn(ALICE);
    expect(await api.postReceipt(sms.id, "failed", { signWith: "0".repeat(32) })).toBe(403);
    expect(await api.postReceipt(sms.id, "failed", { unsigned: true })).toBe(403);
    expect(
      await api.postReceipt(sms.id, "delivered", {
        tamper: (params) => ({ ...params, status: "failed" }),
      }),
    ).toBe(403);
    expect((await sdk.delivery(ALICE, sms.challengeId))?.status).toBe("queued");

    const call = await signIn(ALICE, "voice");
    expect(await api.postCallEvent(call.id, "busy", { signWith: "0".repeat(32) })).toBe(403);
    expect(
      await api.postCallEvent(call.id, "answered", {
        tamper: (body) => body.replace('"answered"', '"busy"'),
      }),
    ).toBe(403);
    const unsigned = await fetch(`${sdk.hook.url}/vonage/events`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ uuid: call.id, status: "busy" }),
    });
    expect(unsigned.status).toBe(403);
    expect((await sdk.delivery(ALICE, call.challengeId))?.status).toBe("queued");
  });

  it("a signed receipt for a message the SDK never sent: 204, nothing changes", async () => {
    const { challengeId } = await signIn(ALICE);
    const other = await sms(sdk.hook.url).send({
      to: "+447400999999",
      text: "hello",
      locale: "en",
      idempotencyKey: "x",
    });
    expect(await api.postReceipt(other.messageId, "failed")).toBe(204);
    expect((await sdk.delivery(ALICE, challengeId))?.status).toBe("queued");
  });
});
