/**
 * @mfakit/twilio: SMS and voice senders on Twilio's REST API, and verification of Twilio's
 * webhook signatures. Provides the `SmsSender` and `VoiceSender` ports of @mfakit/core.
 *
 * @packageDocumentation
 */

// Webhooks
export {
  type TwilioWebhookParams,
  type VerifyTwilioSignatureInput,
  verifyTwilioSignature,
} from "./signature.js";
export {
  TWILIO_CALL_STATUSES,
  TWILIO_MESSAGE_STATUSES,
  type TwilioStatusWebhookOptions,
  twilioReceiptOf,
  twilioStatusWebhook,
} from "./status-webhook.js";
// Errors and options shared by both senders
export {
  TWILIO_REJECTED_CODES,
  TwilioApiError,
  type TwilioClientOptions,
} from "./twilio-api.js";
// Senders
export { type TwilioSmsOptions, twilioSms } from "./twilio-sms.js";
export { type TwilioVoiceOptions, twilioVoice } from "./twilio-voice.js";
// Voice script rendering
export {
  renderTwiml,
  sayLanguage,
  TWILIO_SAY_LANGUAGES,
  TWIML_MAX_LENGTH,
  type TwimlOptions,
  xmlEscape,
} from "./twiml.js";
