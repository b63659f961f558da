/**
 * The enrolment's steps: what each one accepts (a zod schema per step) and the persisted record.
 *
 * Input is parsed by the schema of the step the enrolment is at, so an answer meant for another
 * step (a stale tab) is refused as `step_mismatch` before anything happens.
 *
 * @module
 */

import { z } from "zod";
import { builtInFactors, type CeremonyKind, type FactorKind } from "../factors/registry.js";
import {
  type Delivery,
  MFA_METHODS,
  type MfaMethod,
  RECOVERY_METHODS,
  type RecoveryMethod,
} from "../policy/policy.js";
import type { JsonValue } from "../ports/store.js";
import type { PhoneMethod } from "../registration/registration.js";

/** Every step an enrolment can be at. */
export const STEPS = [
  "intro",
  "mfa-method",
  "verify-code",
  "authenticator-setup",
  "factor-setup",
  "app-password",
  "recovery-codes",
  "app-step",
  "recovery-intro",
  "recovery-method",
  "recovery-email",
  "recovery-phone",
  "finish",
  "done",
  "cancelled",
] as const;
/** A step of the enrolment. */
export type Step = (typeof STEPS)[number];

const nav = <S extends Step>(step: S) =>
  z.object({ step: z.literal(step), action: z.enum(["back", "cancel"]) }).strict();

// Bounded sizes everywhere (REL-07): nothing reaches a parser or a hash unbounded.
const country = z
  .string()
  .regex(/^[A-Za-z]{2}$/)
  .transform((c) => c.toUpperCase());
const number = z.string().min(1).max(64);
const code = z.string().max(32);
const delivery = z.enum(["sms", "voice"]);

/**
 * A ceremony kind's name (a passkey, or a factor module's kind): any kind name but the built-in
 * kinds set up otherwise, whose branches above take them. Whether the kind exists and is offered
 * is the engine's check, against the instance's registry and policy.
 */
const ceremonyKind = z.custom<CeremonyKind>(
  (v) =>
    typeof v === "string" &&
    /^[a-z][a-z0-9-]{1,39}$/.test(v) &&
    (!builtInFactors.has(v) || builtInFactors.module(v).setup === "ceremony"),
);

/** The schema of each step's input. */
export const stepInputs = {
  intro: z.union([
    z.object({ step: z.literal("intro"), action: z.enum(["setup", "snooze"]) }).strict(),
    nav("intro"),
  ]),
  "mfa-method": z.union([
    z
      .object({
        step: z.literal("mfa-method"),
        method: z.enum(["authentication-phone", "alternate-phone"]),
        country: country.optional(),
        number,
        delivery: delivery.default("sms"),
      })
      .strict(),
    z
      .object({
        step: z.literal("mfa-method"),
        method: z.literal("office-phone"),
        country: country.optional(),
        number,
        extension: z.string().max(16).optional(),
      })
      .strict(),
    z.object({ step: z.literal("mfa-method"), method: z.literal("authenticator-app") }).strict(),
    z
      .object({
        step: z.literal("mfa-method"),
        method: ceremonyKind,
        /** What Security info calls it ("Work laptop"); checked by the kind's module. */
        name: z.string().max(256).optional(),
      })
      .strict(),
    nav("mfa-method"),
  ]),
  "verify-code": z.union([
    z.object({ step: z.literal("verify-code"), code }).strict(),
    z
      .object({
        step: z.literal("verify-code"),
        action: z.enum(["resend", "switch-to-voice", "different-method"]),
      })
      .strict(),
    nav("verify-code"),
  ]),
  "authenticator-setup": z.union([
    z.object({ step: z.literal("authenticator-setup"), code }).strict(),
    z
      .object({
        step: z.literal("authenticator-setup"),
        action: z.enum(["restart", "different-method"]),
      })
      .strict(),
    nav("authenticator-setup"),
  ]),
  // A ceremony factor's step: the answer is the module's to check (bounded and typed there).
  "factor-setup": z.union([
    z.object({ step: z.literal("factor-setup"), answer: z.unknown() }).strict(),
    z
      .object({ step: z.literal("factor-setup"), action: z.enum(["restart", "different-method"]) })
      .strict(),
    nav("factor-setup"),
  ]),
  "app-password": z.union([
    z
      .object({ step: z.literal("app-password"), action: z.enum(["done", "new-password"]) })
      .strict(),
    nav("app-password"),
  ]),
  "recovery-codes": z.union([
    z.object({ step: z.literal("recovery-codes"), action: z.enum(["done", "new-codes"]) }).strict(),
    nav("recovery-codes"),
  ]),
  "app-step": z.union([
    z
      .object({
        step: z.literal("app-step"),
        action: z.literal("done"),
        stepId: z.string().max(40),
      })
      .strict(),
    nav("app-step"),
  ]),
  "recovery-intro": z.union([
    z.object({ step: z.literal("recovery-intro"), action: z.enum(["next", "snooze"]) }).strict(),
    nav("recovery-intro"),
  ]),
  "recovery-method": z.union([
    z.object({ step: z.literal("recovery-method"), method: z.enum(RECOVERY_METHODS) }).strict(),
    nav("recovery-method"),
  ]),
  "recovery-email": z.union([
    z.object({ step: z.literal("recovery-email"), email: z.string().min(1).max(320) }).strict(),
    nav("recovery-email"),
  ]),
  "recovery-phone": z.union([
    z
      .object({
        step: z.literal("recovery-phone"),
        delivery: delivery.default("sms"),
        /** A different number than the authentication phone (optional). */
        country: country.optional(),
        number: number.optional(),
      })
      .strict(),
    nav("recovery-phone"),
  ]),
  finish: z.union([
    z.object({ step: z.literal("finish"), action: z.literal("finish") }).strict(),
    nav("finish"),
  ]),
} as const;

/** The field an invalid answer got wrong, and what to say about it. */
export interface InputFault {
  /** The field at fault (`action`, `code`, or a field the step does not take, such as `_csrf`). */
  readonly field: string;
  /** A message for the developer: what is wrong with the field. */
  readonly message: string;
}

/** Longest field name quoted back: the name comes from the request. */
const MAX_FIELD_NAME = 64;

/**
 * The field an answer got wrong, from zod's issues. A field the step does not take is named
 * (zod reports it with an empty path), so `submit(req.body)` with a form's own field such as a
 * CSRF token says which one to take out. Of a union's branches, the one with the fewest issues is
 * the answer the caller meant.
 */
export function inputFault(issues: readonly z.core.$ZodIssue[]): InputFault {
  const issue = issues[0];
  if (issue === undefined) return { field: "", message: "The input is not valid for this step." };
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    const closest = issue.errors.reduce((a, b) => (b.length < a.length ? b : a));
    return inputFault(closest);
  }
  if (issue.code === "unrecognized_keys") {
    const field = String(issue.keys[0] ?? "").slice(0, MAX_FIELD_NAME);
    return {
      field,
      message: `This step does not take the field "${field}": pass only the step's own fields (leave out the form's others, such as a CSRF token).`,
    };
  }
  return { field: issue.path.join("."), message: "The input is not valid for this step." };
}

/** Steps that accept input. */
export type InputStep = keyof typeof stepInputs;
/** What `submit` accepts: the input of any step. */
export type SubmitInput = { [S in InputStep]: z.input<(typeof stepInputs)[S]> }[InputStep];
/** A parsed input of step `S`. */
export type ParsedInput<S extends InputStep> = z.output<(typeof stepInputs)[S]>;

/** A phone waiting for its code. */
export interface PendingPhone {
  readonly kind: "phone";
  /** Registering an MFA method, or confirming the phone for password reset. */
  readonly purpose: "mfa" | "recovery";
  readonly method: PhoneMethod;
  readonly e164: string;
  readonly country: string;
  readonly extension: string | null;
  readonly delivery: Delivery;
  readonly challengeId: string;
  /** The last delivery attempt's outcome (REL-04: the user sees it and may retry or switch). */
  readonly delivered: boolean | null;
  readonly deliveryError: "delivery_rejected" | "delivery_unavailable" | null;
}

/** An email waiting for its code. */
export interface PendingEmail {
  readonly kind: "email";
  readonly address: string;
  readonly challengeId: string;
  readonly delivered: boolean | null;
  readonly deliveryError: "delivery_rejected" | "delivery_unavailable" | null;
}

/** An authenticator app waiting for its first code. */
export interface PendingTotp {
  readonly kind: "totp";
  readonly purpose: "mfa" | "recovery";
  readonly factorId: string;
}

/** A factor set up by a ceremony (a passkey), waiting for its answer. */
export interface PendingCeremony {
  readonly kind: "ceremony";
  readonly purpose: "mfa";
  /** The kind being set up: its registry module's ceremony owns `state`. */
  readonly factor: MfaMethod;
  readonly state: JsonValue;
}

/** The persisted enrolment (JSON-safe); every change is a compare-and-set on it. */
export interface EnrolmentRecord {
  readonly id: string;
  readonly userId: string;
  readonly locale: string;
  readonly status: "active" | "finished" | "cancelled";
  readonly step: Step;
  /** The app step shown when `step` is `app-step`. */
  readonly appStepId: string | null;
  readonly pending: PendingPhone | PendingEmail | PendingTotp | PendingCeremony | null;
  /** Steps visited, for "back". */
  readonly history: readonly Step[];
  readonly introDone: boolean;
  readonly recoveryIntroDone: boolean;
  /** The label an authenticator app shows for this account. */
  readonly accountName: string | null;
  /** The QR code's form in views, when not the default SVG. */
  readonly qr?: "text" | "none";
  /** When MFA was enabled for the user (the campaign's grace period starts there). */
  readonly enabledAt: number | null;
  /** App steps the app said this user must do (e.g. change a temporary password). */
  readonly pendingAppSteps: readonly string[];
  /** App steps the app has completed. */
  readonly appStepsDone: readonly string[];
  /** The app password minted in this enrolment (its id only). */
  readonly appPasswordId: string | null;
  readonly appPasswordDone: boolean;
  /** When the recovery codes shown in this enrolment were made (the set's `createdAt`). */
  readonly recoveryCodesAt?: number | null;
  /** The user said they saved the recovery codes. */
  readonly recoveryCodesDone?: boolean;
  /** What this enrolment added. */
  readonly added: readonly MfaMethod[];
  readonly recoveryAdded: readonly RecoveryMethod[];
  /** Phones verified in this enrolment and when (for the recovery re-verification rule). */
  readonly verifiedPhones: Readonly<Record<string, number>>;
  readonly createdAt: number;
  readonly expiresAt: number;
  /**
   * Security info's "add a method": an enrolment of one factor kind only (no intro, no app
   * password, no app steps), replacing factor `replaces` once the new one is confirmed.
   */
  readonly scope?: EnrolmentScope | null;
}

/** What a scoped enrolment adds (see {@link EnrolmentRecord.scope}). */
export interface EnrolmentScope {
  readonly kind: FactorKind;
  /** The id of the factor the new one replaces, if any. */
  readonly replaces?: string | null;
  /** Set once the replaced factor was removed. */
  readonly replaced?: boolean;
}

/** Every MFA method name, for views. */
export const ALL_MFA_METHODS: readonly MfaMethod[] = MFA_METHODS;
