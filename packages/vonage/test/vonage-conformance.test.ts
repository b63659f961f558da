// The sender conformance kit against the local Vonage API.
import { testSender } from "@mfakit/testing";
import { vonageSms, vonageVoice } from "../src/index.js";
import { startFakeVonage } from "./fake-vonage.js";

testSender({
  name: "vonage sms",
  channel: "sms",
  checkRedirects: true,
  create: async ({ timeoutMs }) => {
    const api = await startFakeVonage();
    const { apiKey, apiSecret } = api;
    const sender = vonageSms({
      apiKey,
      apiSecret,
      from: "Contoso",
      baseUrl: api.url,
      allowInsecureBaseUrl: true,
      timeoutMs,
    });
    return { sender, probe: api.probe, close: api.close };
  },
});

testSender({
  name: "vonage voice",
  channel: "voice",
  checkRedirects: true,
  create: async ({ timeoutMs }) => {
    const api = await startFakeVonage();
    const { applicationId, privateKey } = api;
    const sender = vonageVoice({
      applicationId,
      privateKey,
      from: "+447700900000",
      baseUrl: api.url,
      allowInsecureBaseUrl: true,
      timeoutMs,
    });
    return { sender, probe: api.probe, close: api.close };
  },
});
