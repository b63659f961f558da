/**
 * `@mfakit/core/totp`: authenticator apps, as a building block: the enrolment service (sealed
 * seeds, confirmation, replay protection), HOTP/TOTP (RFC 4226/6238), `otpauth://` key URIs,
 * Base32 and the QR code.
 *
 * @module totp
 */

export { base32Decode, base32Encode } from "../totp/base32.js";
export {
  codeFromDigest,
  dynamicTruncate,
  hotp,
  hotpHmac,
  keyedHotp,
  TOTP_ALGORITHMS,
  type TotpAlgorithm,
  totpAt,
  totpStep,
} from "../totp/hotp.js";
export {
  accountLabel,
  assertKeyUriLabelPart,
  buildKeyUri,
  type KeyUriInput,
  MAX_KEY_URI_LABEL_PART,
  MAX_KEY_URI_LENGTH,
  type ParsedKeyUri,
  parseKeyUri,
} from "../totp/key-uri.js";
export { qrSvg, qrText } from "../totp/qr.js";
export type { AdoptedSeed, TotpBeginInput, TotpQrCode, TotpQrForm } from "../totp/service.js";
export {
  createTotpService,
  TOTP_MAX_CONFIRM_ATTEMPTS,
  TOTP_SECRET_BYTES,
  type TotpEnrolment,
  type TotpFactorInfo,
  type TotpOptions,
  type TotpService,
  type TotpServiceDeps,
  type TotpVerifyResult,
} from "../totp/service.js";
