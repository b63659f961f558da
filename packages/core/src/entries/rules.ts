/**
 * `@mfakit/core/rules`: the recovery rules as a building block: phone numbers (parsing, allowed
 * line types, masking), recovery emails (not the tenant's own domains, masking) and domain names.
 *
 * @module rules
 */

export {
  isTenantDomain,
  MAX_DOMAIN_LENGTH,
  MAX_EMAIL_INPUT_LENGTH,
  MAX_LABEL_LENGTH,
  normaliseDomain,
} from "../rules/domain.js";
export {
  MAX_EMAIL_LENGTH,
  MAX_LOCAL_PART_LENGTH,
  maskEmail,
  parseRecoveryEmail,
  type RecoveryEmail,
  type RecoveryEmailOptions,
} from "../rules/email.js";
export {
  type AcceptedPhoneType,
  ALLOWED_PHONE_TYPES,
  MAX_EXTENSION_DIGITS,
  MAX_PHONE_INPUT_LENGTH,
  maskPhone,
  type ParsePhoneInput,
  type PhoneNumber,
  type PhoneRules,
  type PhoneUse,
  parsePhone,
} from "../rules/phone.js";
