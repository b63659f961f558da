/**
 * @mfakit/vonage: SMS (SMS API) and voice (Voice API) senders on Vonage, and verification of
 * Vonage's signed webhooks. Provides the `SmsSender` and `VoiceSender` ports of @mfakit/core.
 *
 * @packageDocumentation
 */

// Voice script rendering
export {
  type NccoOptions,
  renderNcco,
  ssmlEscape,
  TALK_TEXT_MAX_LENGTH,
  type TalkAction,
  talkLanguage,
  VONAGE_TALK_LANGUAGES,
} from "./ncco.js";
// Webhooks
export {
  VONAGE_CALL_STATUSES,
  VONAGE_SMS_STATUSES,
  type VonageCallEventWebhookOptions,
  type VonageSmsReceiptWebhookOptions,
  type VonageWebhookOptions,
  vonageCallEventWebhook,
  vonageSmsReceiptWebhook,
} from "./receipt-webhooks.js";
export {
  type VerifyVonageSmsSignatureInput,
  type VonageSignatureMethod,
  type VonageSmsWebhookParams,
  verifyVonageSmsSignature,
} from "./signed-sms-webhook.js";
export { type VerifyVonageSignatureInput, verifyVonageSignature } from "./signed-webhook.js";

// Errors and transport options shared by both senders
export { VonageApiError, type VonageTransportOptions } from "./vonage-http.js";
// Senders
export { VONAGE_SMS_REJECTED, type VonageSmsOptions, vonageSms } from "./vonage-sms.js";
export { type VonageVoiceOptions, vonageVoice } from "./vonage-voice.js";
