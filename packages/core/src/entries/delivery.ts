/**
 * `@mfakit/core/delivery`: messages and their delivery, as a building block: the SMS, voice and
 * email templates (per locale, overridable), locale negotiation, SMS segment counting, and a
 * failover sender that tries the next channel or provider when one fails.
 *
 * @module delivery
 */

export {
  type ChannelMessages,
  type ChannelSenders,
  createFailoverSender,
  type DeliveryAttempt,
  type DeliveryChannel,
  type FailoverSenderOptions,
} from "../delivery/failover-sender.js";
export {
  type GuardSenderOptions,
  guardSender,
  guardSenders,
  MAX_SEND_TIMEOUT_MS,
  type MessageSender,
} from "../delivery/guarded-sender.js";
export { negotiateLocale } from "../delivery/locale.js";
export { type SmsSegmentInfo, smsSegments } from "../delivery/sms-segments.js";
export { builtInStrings, type TemplateStrings, templateStringKeys } from "../delivery/strings.js";
export {
  type CodeMessageInput,
  type CodePurpose,
  createMessageRenderer,
  escapeHtml,
  type MessageInput,
  type MessageRenderer,
  type MessageRendererOptions,
  type NoticeFactor,
  type NoticeMessageInput,
  type RenderedEmail,
  type RenderedSms,
  type RenderedVoice,
  renderEmail,
  renderSms,
  renderVoice,
  type TemplateOverrides,
} from "../delivery/templates.js";
