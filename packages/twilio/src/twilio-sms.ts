/**
 * SMS through Twilio's Messages API.
 *
 * `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` with `To`, `From` or
 * `MessagingServiceSid`, and `Body`, form-encoded
 * (https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource).
 *
 * @module
 */

import type { SmsSender } from "@mfakit/core/adapter";
import {
  checkTwilioOptions,
  type TwilioClientOptions,
  twilioPoster,
  withStatusCallback,
} from "./twilio-api.js";

/** Options of {@link twilioSms}. Give `from` or `messagingServiceSid`, not both. */
export interface TwilioSmsOptions extends TwilioClientOptions {
  /** A Twilio number in E.164 or an alphanumeric sender ID. */
  readonly from?: string;
  /**
   * A Messaging Service SID (`MG…`): Twilio picks the sender from the service's pool (and
   * handles opt-outs, geo-matching, sticky sender).
   */
  readonly messagingServiceSid?: string;
}

/**
 * An {@link SmsSender} on Twilio. The receipt's `messageId` is the Message SID (`SM…`), which
 * Twilio's status callbacks carry as `MessageSid`.
 *
 * Twilio's REST API documents no idempotency key for creating messages (`I-Twilio-Idempotency-Token`
 * is a header Twilio puts on its *webhooks*), so `message.idempotencyKey` is not sent: the core's
 * failover sender is what keeps a retry from sending twice.
 *
 * @throws MfaError `config_invalid` at construction when options are missing or contradictory.
 * @example
 * ```ts
 * const sms = twilioSms({ accountSid: env.TWILIO_ACCOUNT_SID, authToken: env.TWILIO_AUTH_TOKEN,
 *   messagingServiceSid: env.TWILIO_MESSAGING_SERVICE_SID });
 * ```
 */
export function twilioSms(options: TwilioSmsOptions): SmsSender {
  checkTwilioOptions(
    options,
    Boolean(options.from) === Boolean(options.messagingServiceSid)
      ? ["give either from or messagingServiceSid"]
      : [],
  );
  const post = twilioPoster(options, "Messages");
  const sender: SmsSender = {
    id: "twilio-sms",
    async send(message) {
      const form = new URLSearchParams({ To: message.to });
      if (options.messagingServiceSid) form.set("MessagingServiceSid", options.messagingServiceSid);
      else form.set("From", options.from as string);
      form.set("Body", message.text);
      const messageId = await post(withStatusCallback(form, options));
      return { provider: "twilio", messageId };
    },
  };
  return Object.freeze(sender);
}
