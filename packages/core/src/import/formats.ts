/**
 * Other systems' exports, turned into the plain import schema ({@link ImportRow}).
 *
 * The parsers only move fields: every rule runs later, in `mfa.admin.import`, so a parser never
 * refuses a factor it does not understand; it passes it on with its own kind name and the import
 * reports it (`unknown_kind`), so an admin sees what did not come across. The mappings, and what
 * each source cannot export, are in docs/migration.md.
 *
 * @module
 */

import { MfaError } from "../errors.js";
import type { ImportRow } from "./rows.js";

/**
 * A row as a parser hands it on: the plain schema's fields ({@link ImportRow}), not yet
 * checked, and the row's number in the source.
 */
export type ParsedRow = { readonly row: number } & Readonly<Record<string, unknown>>;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const text = (v: unknown) => (typeof v === "string" ? v : undefined);

/**
 * JSON text as an array of records: a JSON array, one JSON object, or NDJSON (one object a
 * line, as Auth0's export jobs write). `invalid_input` with the line that does not parse.
 */
export function parseJsonRecords(input: string): unknown[] {
  const trimmed = input.trim();
  if (trimmed.startsWith("[")) return asArray(parseJson(trimmed, 1));
  const lines = input.split(/\r?\n/);
  const out: unknown[] = [];
  lines.forEach((line, i) => {
    if (line.trim() !== "") out.push(parseJson(line, i + 1));
  });
  return out;
}

function parseJson(source: string, line: number): unknown {
  try {
    return JSON.parse(source);
  } catch (e) {
    throw new MfaError("invalid_input", {
      message: "The file is not JSON (or NDJSON: one object a line).",
      data: { field: "file", line },
      cause: e,
    });
  }
}

function asArray(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  throw new MfaError("invalid_input", { data: { field: "file", reason: "not_an_array" } });
}

/** Records from text or already-parsed JSON. */
const records = (input: string | unknown): unknown[] =>
  typeof input === "string" ? parseJsonRecords(input) : Array.isArray(input) ? input : [input];

/** The plain schema as JSON (an array of rows, or NDJSON): each row numbered by its place. */
export function fromJson(input: string | unknown): ParsedRow[] {
  return records(input).map((r, i) => ({ ...(isObject(r) ? r : { kind: r }), row: i + 1 }));
}

/** Numbers each factor of each user in file order, from 1. */
function numbered(
  users: unknown[],
  factorsOf: (user: Json) => { userId: unknown; factors: unknown[] },
  map: (factor: Json, userId: unknown) => Omit<ParsedRow, "row"> | null,
): ParsedRow[] {
  const out: ParsedRow[] = [];
  let n = 0;
  for (const user of users) {
    if (!isObject(user)) {
      out.push({ row: ++n, kind: "user" });
      continue;
    }
    const { userId, factors } = factorsOf(user);
    for (const factor of factors) {
      const mapped = isObject(factor) ? map(factor, userId) : { userId, kind: "factor" };
      n++;
      if (mapped) out.push({ ...mapped, row: n });
    }
  }
  return out;
}

const ENTRA_PHONE_TYPES: Readonly<Record<string, string>> = {
  mobile: "authentication",
  alternatemobile: "alternate",
  office: "office",
};

/**
 * Microsoft Entra: per user, the Graph `authentication/methods` list
 * (`GET /users/{id}/authentication/methods`), as `[{ "userId": "…", "methods": [ … ] }]`; the
 * user may be `userPrincipalName` or `id`, the list `value` as Graph returns it.
 *
 * - `#microsoft.graph.phoneAuthenticationMethod`: `phoneNumber` (`+44 7400123456`, an office
 *   number may end `x123`) and `phoneType` (`mobile` → authentication, `alternateMobile` →
 *   alternate, `office` → office).
 * - `#microsoft.graph.emailAuthenticationMethod`: `emailAddress` → the recovery email.
 * - `#microsoft.graph.softwareOathAuthenticationMethod`: Graph always returns `secretKey` as
 *   null, so these are reported `secret_not_exported` unless the file carries the seed.
 * - `#microsoft.graph.passwordAuthenticationMethod` is the password, not a factor: skipped.
 *   Any other type is reported `unknown_kind`.
 */
export function fromEntra(input: string | unknown): ParsedRow[] {
  return numbered(
    records(input),
    (user) => ({
      userId: user.userId ?? user.userPrincipalName ?? user.id,
      factors: asList(user.methods ?? user.value),
    }),
    (m, userId) => {
      const type = text(m["@odata.type"]) ?? "";
      switch (type) {
        case "#microsoft.graph.phoneAuthenticationMethod":
          return {
            userId,
            kind: "phone",
            phoneType: ENTRA_PHONE_TYPES[(text(m.phoneType) ?? "").toLowerCase()] ?? m.phoneType,
            number: m.phoneNumber,
          };
        case "#microsoft.graph.emailAuthenticationMethod":
          return { userId, kind: "email", address: m.emailAddress };
        case "#microsoft.graph.softwareOathAuthenticationMethod":
          return { userId, kind: "totp", secret: m.secretKey };
        case "#microsoft.graph.passwordAuthenticationMethod":
          return null;
        default:
          return { userId, kind: type.replace("#microsoft.graph.", "") || "unknown" };
      }
    },
  );
}

/**
 * Okta: per user, the Factors API list (`GET /api/v1/users/{userId}/factors`), as
 * `[{ "userId": "…", "factors": [ … ] }]` (`login` is taken when there is no `userId`). Only
 * `ACTIVE` factors come across: a pending one was never proven.
 *
 * - `sms`: `profile.phoneNumber` → the authentication phone, texts.
 * - `call`: `profile.phoneNumber` → the authentication phone, calls; with
 *   `profile.phoneExtension`, the office phone.
 * - `email`: `profile.email` → the recovery email.
 * - `token:software:totp`: Okta never returns the seed (`profile.credentialId` is the account
 *   name), so these are reported `secret_not_exported` unless the file carries `secret`.
 * - Anything else (push, question, webauthn, hardware tokens) is reported `unknown_kind`.
 */
export function fromOkta(input: string | unknown): ParsedRow[] {
  return numbered(
    records(input),
    (user) => ({ userId: user.userId ?? user.login, factors: asList(user.factors) }),
    (f, userId) => {
      if (f.status !== undefined && f.status !== "ACTIVE") return null;
      const profile = isObject(f.profile) ? f.profile : {};
      switch (f.factorType) {
        case "sms":
          return {
            userId,
            kind: "phone",
            phoneType: "authentication",
            number: profile.phoneNumber,
            delivery: "sms",
          };
        case "call": {
          const extension = text(profile.phoneExtension);
          return extension
            ? { userId, kind: "phone", phoneType: "office", number: profile.phoneNumber, extension }
            : {
                userId,
                kind: "phone",
                phoneType: "authentication",
                number: profile.phoneNumber,
                delivery: "voice",
              };
        }
        case "email":
          return { userId, kind: "email", address: profile.email };
        case "token:software:totp":
          return { userId, kind: "totp", secret: f.secret, label: profile.credentialId };
        default:
          return { userId, kind: text(f.factorType) ?? "unknown" };
      }
    },
  );
}

/**
 * Auth0: users with their `mfa_factors` in the shape of Auth0's bulk user import and automatic
 * migration (a JSON array or the NDJSON of an export job): `{ "user_id" | "email",
 * "mfa_factors": [{ "totp": { "secret" } }, { "phone": { "value" } }, { "email": { "value" } }] }`.
 * `totp.secret` is unpadded base32; `phone.value` is E.164 and becomes the authentication phone
 * (texts); `email.value` becomes the recovery email (an email is never an MFA method here,
 * BIND-07).
 */
export function fromAuth0(input: string | unknown): ParsedRow[] {
  return numbered(
    records(input),
    (user) => ({ userId: user.user_id ?? user.email, factors: asList(user.mfa_factors) }),
    (factor, userId) => {
      const [kind] = Object.keys(factor);
      const body = isObject(factor[kind ?? ""]) ? (factor[kind ?? ""] as Json) : {};
      if (kind === "totp") return { userId, kind: "totp", secret: body.secret };
      if (kind === "phone")
        return { userId, kind: "phone", phoneType: "authentication", number: body.value };
      if (kind === "email") return { userId, kind: "email", address: body.value };
      return { userId, kind: kind ?? "unknown" };
    },
  );
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** CSV headers in either spelling, mapped to the plain schema's field names. */
const CSV_FIELDS: Readonly<Record<string, string>> = {
  user_id: "userId",
  userid: "userId",
  kind: "kind",
  secret: "secret",
  algorithm: "algorithm",
  digits: "digits",
  period: "periodSeconds",
  period_seconds: "periodSeconds",
  periodseconds: "periodSeconds",
  label: "label",
  phone_type: "phoneType",
  phonetype: "phoneType",
  number: "number",
  extension: "extension",
  delivery: "delivery",
  address: "address",
  hash: "hash",
  name: "name",
};

/**
 * The plain schema as CSV (RFC 4180: a header line, `"` quoting, `""` for a quote, CRLF or LF):
 * columns `user_id,kind,secret,algorithm,digits,period_seconds,label,phone_type,number,
 * extension,delivery,address,hash,name` in any order, any subset, snake_case or camelCase.
 * Empty cells are absent fields; other columns are ignored. Each row is numbered by the line it
 * starts on (the header is line 1). `invalid_input` for a quote left open (with its line).
 */
export function fromCsv(input: string): ParsedRow[] {
  const out: ParsedRow[] = [];
  let header: Array<string | undefined> | null = null;
  for (const { cells, line } of csvRecords(input)) {
    if (header === null) {
      header = cells.map((c) => CSV_FIELDS[c.trim().toLowerCase()]);
      if (!header.includes("userId") || !header.includes("kind")) {
        throw new MfaError("invalid_input", {
          message: "The CSV header needs at least user_id and kind.",
          data: { field: "file", line },
        });
      }
      continue;
    }
    if (cells.length === 1 && cells[0] === "") continue;
    const row: Record<string, unknown> = { row: line };
    header.forEach((field, i) => {
      const value = cells[i];
      if (field && value !== undefined && value !== "") row[field] = value;
    });
    out.push(row as ParsedRow);
  }
  return out;
}

/** RFC 4180 records with the line each starts on; quoted cells may span lines. */
function* csvRecords(input: string): Generator<{ cells: string[]; line: number }> {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  let line = 1;
  let start = 1;
  let cells: string[] = [];
  let cell = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"' && cell === "") {
      // A quoted cell: up to the closing quote, `""` standing for one quote.
      const opened = line;
      let j = i + 1;
      let value = "";
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) {
          throw new MfaError("invalid_input", {
            message: "A quoted CSV cell is never closed.",
            data: { field: "file", line: opened },
          });
        }
        value += text.slice(j, q);
        if (text[q + 1] === '"') {
          value += '"';
          j = q + 2;
          continue;
        }
        j = q + 1;
        break;
      }
      for (const ch of text.slice(i, j)) if (ch === "\n") line++;
      cell = value;
      i = j;
      continue;
    }
    if (c === ",") {
      cells.push(cell);
      cell = "";
    } else if (c === "\n" || c === "\r") {
      cells.push(cell);
      yield { cells, line: start };
      if (c === "\r" && text[i + 1] === "\n") i++;
      line++;
      start = line;
      cells = [];
      cell = "";
    } else {
      // Plain text up to the next delimiter, in one slice rather than character by character.
      let j = i;
      while (j < text.length && !",\r\n".includes(text[j] as string)) j++;
      cell += text.slice(i, j);
      i = j;
      continue;
    }
    i++;
  }
  if (cell !== "" || cells.length > 0) {
    cells.push(cell);
    yield { cells, line: start };
  }
}
