// The kit run against a reference in-memory "provider", so the kit itself is known to pass a
// correct sender on every channel. Real adapters run it against their fake provider servers.
import { MfaError, type SendReceipt, type VoiceMessage } from "@mfakit/core/adapter";
import {
  type ProbeFailure,
  type ProbeMessage,
  type SenderProbe,
  testSender,
} from "../src/index.js";

/** A provider in memory: accepts, rejects, throttles, fails or hangs as told. */
function memoryProvider(timeoutMs: number) {
  const received: ProbeMessage[] = [];
  const failures: ProbeFailure[] = [];
  let id = 0;
  const probe: SenderProbe = {
    received: () => received,
    failNext: (failure) => {
      failures.push(failure);
    },
  };
  const deliver = async (message: ProbeMessage): Promise<SendReceipt> => {
    const failure = failures.shift();
    if (failure === "timeout") {
      await new Promise((resolve) => setTimeout(resolve, timeoutMs));
      throw new MfaError("delivery_unavailable", {
        data: { provider: "memory", providerCode: "timeout" },
      });
    }
    if (failure) {
      const code = failure === "rejected" ? "delivery_rejected" : "delivery_unavailable";
      throw new MfaError(code, { data: { provider: "memory", providerCode: failure } });
    }
    received.push(message);
    id += 1;
    return { provider: "memory", messageId: `m${id}` };
  };
  const spoken = (m: VoiceMessage) =>
    m.segments.flatMap((s) => (s.kind === "say" ? [s.text] : [])).join(" ");
  return {
    probe,
    sms: { id: "memory-sms", send: (m: ProbeMessage) => deliver({ to: m.to, text: m.text }) },
    voice: {
      id: "memory-voice",
      send: (m: VoiceMessage) => deliver({ to: m.to, text: spoken(m) }),
    },
    email: {
      id: "memory-email",
      send: (m: { to: string; text: string; subject: string; html?: string }) =>
        deliver({ to: m.to, text: m.text, subject: m.subject, html: m.html }),
    },
  };
}

testSender({
  name: "memory",
  channel: "sms",
  create: ({ timeoutMs }) => {
    const p = memoryProvider(timeoutMs);
    return { sender: p.sms, probe: p.probe };
  },
});
testSender({
  name: "memory",
  channel: "voice",
  create: ({ timeoutMs }) => {
    const p = memoryProvider(timeoutMs);
    return { sender: p.voice, probe: p.probe };
  },
});
testSender({
  name: "memory",
  channel: "email",
  create: ({ timeoutMs }) => {
    const p = memoryProvider(timeoutMs);
    return { sender: p.email, probe: p.probe };
  },
});
