/**
 * `@mfakit/core/import`: migration from another system. The parsers that turn Entra, Okta and
 * Auth0 exports and CSV into the plain import schema, and that schema's types and limits; the
 * import itself is `mfa.admin.import` (each user's rows in one unit of work, checked with the
 * enrolment rules). See docs/migration.md.
 *
 * @module import
 */

export {
  fromAuth0,
  fromCsv,
  fromEntra,
  fromJson,
  fromOkta,
  type ParsedRow,
  parseJsonRecords,
} from "../import/formats.js";
export type {
  ImportAdminApi,
  ImportedFactor,
  ImportOptions,
  ImportReport,
} from "../import/importer.js";
export {
  type AppPasswordImportRow,
  type EmailImportRow,
  type ImportErrorCode,
  type ImportRow,
  type ImportRowError,
  type ImportRowFlag,
  MAX_IMPORT_FIELD_LENGTH,
  MIN_FLAGGED_SEED_BITS,
  MIN_SEED_BITS,
  type PhoneImportRow,
  type TotpImportRow,
} from "../import/rows.js";
