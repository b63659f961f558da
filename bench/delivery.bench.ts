/**
 * The delivery module's own cost, next to what it wraps:
 * - the failover sender (key claim + receipt record on the memory store, timeout race) against
 *   calling the provider directly: what REL-03 idempotency costs before any network;
 * - 20 concurrent sends with one key: one provider call, the other 19 wait for its receipt;
 * - rendering an SMS and an email from the templates against a template literal.
 * A real provider call takes 100–1000 ms, so the absolute figures matter more than the ratios.
 */
import { memoryStore } from "@mfakit/core";
import type { SmsSender } from "@mfakit/core/adapter";
import { createFailoverSender, renderEmail, renderSms } from "@mfakit/core/delivery";
import { capturingOutbox } from "@mfakit/testing";
import { figure, measure, report } from "./harness.ts";

export async function run(): Promise<number> {
  let misses = 0;
  const outbox = capturingOutbox();
  let n = 0;
  const message = () => ({
    to: "+447400123456",
    text: "373318 is your Contoso code to sign in. It expires in 10 min. Don't share it with anyone.",
    locale: "en",
    idempotencyKey: `bench_${n++}`,
  });
  const direct: SmsSender = outbox.sms;
  const failover = createFailoverSender({
    channel: "sms",
    senders: [direct],
    store: memoryStore(),
  });

  const wrapped = await measure(async () => {
    await failover.send(message());
    if (outbox.messages.length > 10_000) outbox.clear();
  });
  // The floor of REL-03 idempotency: the provider call plus the claim and the record writes.
  const floorStore = memoryStore();
  const floor = await measure(async () => {
    const m = message();
    const key = `mfa:idem:send:sms:${m.idempotencyKey}`;
    const claim = await floorStore.put(
      key,
      { state: "pending" },
      { expectVersion: null, ttlMs: 30_000 },
    );
    const receipt = await direct.send(m);
    await floorStore.put(key, { state: "sent", ...receipt }, { ttlMs: 86_400_000 });
    if (!claim.ok) throw new Error("unexpected");
    if (outbox.messages.length > 10_000) outbox.clear();
  });
  const bare = await measure(async () => {
    await direct.send(message());
    if (outbox.messages.length > 10_000) outbox.clear();
  });
  figure("bare provider call (an array push)", `${bare.meanMicros.toFixed(1)} µs`);
  // On top of the floor: checks, a SHA-256 of the destination, the timeout timer, routing.
  if (
    !report(
      "failover sender with idempotency vs provider call + claim + record (memory store)",
      { name: "createFailoverSender", m: wrapped },
      { name: "send + 2 store writes", m: floor },
      { maxRatio: 10 },
    )
  )
    misses++;

  // REL-03 under load: 20 concurrent sends with one key make one provider call.
  let calls = 0;
  const counted: SmsSender = {
    id: "counted",
    send: async (m) => {
      calls++;
      await new Promise((r) => setTimeout(r, 2));
      return outbox.sms.send(m);
    },
  };
  const deduped = createFailoverSender({
    channel: "sms",
    senders: [counted],
    store: memoryStore(),
  });
  let rounds = 0;
  const burst = await measure(
    async () => {
      rounds++;
      const m = message();
      await Promise.all(Array.from({ length: 20 }, () => deduped.send(m)));
    },
    { durationMs: 300 },
  );
  figure(
    "20 concurrent sends, one key",
    `${Math.round(burst.meanMicros / 1000)} ms per burst (incl. a 2 ms provider), ${calls} provider calls for ${rounds} bursts`,
  );
  if (calls !== rounds) misses++;

  const input = {
    kind: "code",
    appName: "Contoso",
    code: "373318",
    locale: "de-CH",
    purpose: "signin",
    ttlMinutes: 10,
  } as const;
  const rendered = await measure(() => renderSms(input));
  const literal = await measure(
    () =>
      `${input.code} ist Ihr ${input.appName}-Code zur Anmeldung. ${input.ttlMinutes} Min. gültig. Geben Sie ihn niemandem weiter.`,
  );
  if (
    !report(
      "renderSms (checks, locale negotiation, placeholders) vs a template literal",
      { name: "renderSms", m: rendered },
      { name: "literal", m: literal },
      { maxRatio: 200 },
    )
  )
    misses++;
  const email = await measure(() => renderEmail(input));
  figure("renderEmail (subject, text, escaped HTML)", `${email.meanMicros.toFixed(1)} µs`);
  return misses;
}
