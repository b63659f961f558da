/**
 * @mfakit/smtp: the EmailSender port over SMTP, on nodemailer.
 *
 * @packageDocumentation
 */

export { MAX_ADDRESS_LENGTH, MAX_SUBJECT_LENGTH } from "./header-safety.js";
export {
  type MailboxOption,
  type MailTransporter,
  type SmtpEmailOptions,
  type SmtpEmailSender,
  type SmtpTransportOptions,
  smtpEmail,
} from "./smtp-email.js";
export { toDeliveryError } from "./smtp-errors.js";
