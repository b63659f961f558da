// The sender conformance kit, once per way of configuring the Twilio senders.
import { testSender } from "@mfakit/testing";
import { twilioSms, twilioVoice } from "../src/index.js";
import { type FakeTwilio, startFakeTwilio } from "./fake-twilio.js";

const FROM = "+15005550006";

/** Where the senders reach the fake: plain http on loopback, which they accept only when told. */
const local = (api: FakeTwilio) => ({ baseUrl: api.url, allowInsecureBaseUrl: true });

testSender({
  name: "twilio sms, From number + Auth Token",
  channel: "sms",
  checkRedirects: true,
  create: async ({ timeoutMs }) => {
    const api = await startFakeTwilio();
    const { accountSid, authToken } = api;
    const sender = twilioSms({
      accountSid,
      authToken,
      from: FROM,
      ...local(api),
      timeoutMs,
    });
    return { sender, probe: api.probe, close: api.close };
  },
});

testSender({
  name: "twilio sms, Messaging Service + API key",
  channel: "sms",
  checkRedirects: true,
  create: async ({ timeoutMs }) => {
    const api = await startFakeTwilio();
    const { accountSid, apiKey, apiSecret } = api;
    const messagingServiceSid = `MG${"a".repeat(32)}`;
    const sender = twilioSms({
      accountSid,
      apiKey,
      apiSecret,
      messagingServiceSid,
      ...local(api),
      timeoutMs,
    });
    return { sender, probe: api.probe, close: api.close };
  },
});

testSender({
  name: "twilio voice",
  channel: "voice",
  checkRedirects: true,
  create: async ({ timeoutMs }) => {
    const api = await startFakeTwilio();
    const { accountSid, authToken } = api;
    const sender = twilioVoice({
      accountSid,
      authToken,
      from: FROM,
      ...local(api),
      timeoutMs,
    });
    return { sender, probe: api.probe, close: api.close };
  },
});
