/**
 * Policy as code: what a user must register, and how the registration campaign behaves.
 *
 * The seed's wizard (Microsoft 365) is one policy among many: {@link seedPolicy}. Everything is
 * validated once with zod when `createMfa` runs; defaults are applied here, in one place.
 *
 * @module
 */

import { z } from "zod";
import { builtInFactors, type FactorRegistry, type MfaKind } from "../factors/registry.js";

/** A second factor a user can register for sign-in: a kind of the factor registry. */
export type MfaMethod = MfaKind;

/** The built-in second factors a user can register for sign-in, read off the factor registry. */
export const MFA_METHODS: readonly MfaMethod[] = builtInFactors.mfaKinds;

/**
 * A method a user can register for self-service password reset. The email is recovery data
 * only, never an MFA method (BIND-07).
 */
export const RECOVERY_METHODS = ["email", "phone", "authenticator-app"] as const;
/** A self-service password reset method. */
export type RecoveryMethod = (typeof RECOVERY_METHODS)[number];

/** How a phone code is delivered. */
export type Delivery = "sms" | "voice";

/** Where an app-defined step sits in the flow. */
export const APP_STEP_PLACES = ["before-mfa", "after-mfa", "after-recovery"] as const;

const countryCode = z.string().regex(/^[A-Z]{2}$/, "an ISO 3166 alpha-2 code, e.g. GB");

/**
 * The zod schema of a policy over a factor registry: `mfa.methods` takes the registry's MFA kinds
 * (`createMfa` builds it with its `factors`).
 */
export function policySchemaFor(factors: FactorRegistry) {
  const kinds = factors.mfaKinds as readonly [MfaMethod, ...MfaMethod[]];
  /** Whether a method resists phishing (origin-bound), as its registry module says. */
  const resistsPhishing = (method: MfaMethod) => factors.module(method).phishingResistant === true;
  return (
    z
      .object({
        /** MFA methods offered, and how many a user must have. */
        mfa: z
          .object({
            methods: z
              .array(z.enum(kinds))
              .min(1)
              .default(["authentication-phone", "authenticator-app"]),
            required: z.number().int().min(1).max(4).default(1),
            /**
             * Only phishing-resistant factors (passkeys) satisfy the requirement and are offered:
             * `methods` keeps only those (NIST SP 800-63B §5.2.5, "verifier impersonation resistance").
             */
            phishingResistant: z.boolean().default(false),
          })
          .prefault({}),
        /** Self-service password reset methods offered, and how many (0 turns the phase off). */
        recovery: z
          .object({
            methods: z.array(z.enum(RECOVERY_METHODS)).default(["email", "phone"]),
            required: z.number().int().min(0).max(2).default(0),
            /**
             * A phone verified in this enrolment within this many seconds counts for recovery
             * without a second code; 0 always asks again (as the seed does).
             */
            phoneReverifyAfterSeconds: z.number().int().min(0).max(3600).default(600),
          })
          .prefault({}),
        /** App passwords for legacy mail clients. */
        appPasswords: z
          .object({
            enabled: z.boolean().default(false),
            /** Mint one during enrolment, right after the MFA phase (as the seed does). */
            offerDuringEnrolment: z.boolean().default(true),
            cap: z.number().int().min(1).max(1000).default(40),
            /** Revoke all app passwords when the user's password changes (Google) or keep them (Microsoft). APP-03 */
            revokeOnPasswordChange: z.boolean().default(true),
          })
          .prefault({}),
        /**
         * Recovery codes: one-time backup codes for signing in when every other factor is out of
         * reach. They never count toward `mfa.required` (a backup, as in Auth0 and Entra) and go
         * when the user's last MFA method goes.
         */
        recoveryCodes: z
          .object({
            enabled: z.boolean().default(false),
            /** Codes in a set. */
            count: z.number().int().min(5).max(20).default(10),
            /** At or below this many unused codes the user is told to make new ones. */
            fewLeft: z.number().int().min(0).max(19).default(3),
            /** Make and show a set in the wizard, right after the first MFA method (as Auth0 does). */
            offerDuringEnrolment: z.boolean().default(true),
          })
          .prefault({}),
        /** Steps the app completes itself (e.g. "change temporary password"); the SDK only places them. */
        appSteps: z
          .array(
            z.object({
              id: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/),
              place: z.enum(APP_STEP_PLACES).default("after-mfa"),
              /** Title for the UI. */
              title: z.string().min(1).max(120),
              /**
               * The step changes the user's password: app passwords minted before it are revoked
               * when `appPasswords.revokeOnPasswordChange` is on (APP-03).
               */
              changesPassword: z.boolean().default(false),
            }),
          )
          .default([]),
        /** Phones: which countries, which deliveries. */
        phone: z
          .object({
            /** ISO alpha-2 codes a number may come from (FRAUD-01: deny by default). */
            allowedCountries: z.array(countryCode).min(1),
            deliveries: z
              .array(z.enum(["sms", "voice"]))
              .min(1)
              .default(["sms", "voice"]),
          })
          .optional(),
        /** Registration campaign (Entra's "nudge"). */
        campaign: z
          .object({
            /** Days after `enabledAt` during which the user may skip registration. */
            graceDays: z.number().int().min(0).max(365).default(0),
            /** Days a snooze lasts (0 disables snoozing). */
            snoozeDays: z.number().int().min(0).max(14).default(1),
            /** Snoozes allowed before registration is forced (Entra: 3). */
            maxSnoozes: z.number().int().min(0).max(10).default(3),
            /** Ask the user to re-confirm their recovery info every N days (0 = never). */
            reconfirmDays: z.number().int().min(0).max(730).default(180),
          })
          .prefault({}),
        /**
         * "Don't ask again on this device" for this many days after a second factor was checked
         * (0 turns it off). The expiry is fixed when the device is remembered.
         */
        rememberDeviceDays: z.number().int().min(0).max(365).default(0),
        /**
         * Temporary Access Passes an admin may issue (Entra's): off unless turned on; lifetimes within
         * Entra's 10 minutes to 30 days, which a policy may narrow.
         */
        temporaryAccessPass: z
          .object({
            enabled: z.boolean().default(false),
            minLifetimeMinutes: z.number().int().min(10).max(43_200).default(10),
            maxLifetimeMinutes: z.number().int().min(10).max(43_200).default(43_200),
            defaultLifetimeMinutes: z.number().int().min(10).max(43_200).default(60),
          })
          .prefault({})
          .refine(
            (t) =>
              t.minLifetimeMinutes <= t.defaultLifetimeMinutes &&
              t.defaultLifetimeMinutes <= t.maxLifetimeMinutes,
            { message: "minLifetimeMinutes ≤ defaultLifetimeMinutes ≤ maxLifetimeMinutes" },
          ),
        /** Seconds since the last sign-in after which adding or changing a factor needs step-up (BIND-01). */
        reauthMaxAgeSeconds: z.number().int().min(30).max(86_400).default(600),
        /** How long an unfinished enrolment lives, in seconds. */
        enrolmentTtlSeconds: z
          .number()
          .int()
          .min(300)
          .max(7 * 86_400)
          .default(86_400),
      })
      .superRefine((p, ctx) => {
        const phones = p.mfa.methods.filter((m) => factors.module(m).setup === "code");
        const needsPhone = phones.length > 0 || p.recovery.methods.includes("phone");
        if (needsPhone && !p.phone) {
          ctx.addIssue({
            code: "custom",
            path: ["phone", "allowedCountries"],
            // A policy with only an authenticator app still offers a recovery phone when it leaves
            // `recovery.methods` at its default: say so, or the demand for countries is a riddle.
            message:
              phones.length > 0
                ? "phone methods are enabled → phone.allowedCountries is required (FRAUD-01)"
                : `recovery.methods includes "phone" (its default is ["email", "phone"]) → phone.allowedCountries is required (FRAUD-01); give the countries, or set recovery.methods without "phone" (e.g. ["email"] or [])`,
          });
        }
        const resistant = p.mfa.methods.filter((m) => resistsPhishing(m));
        if (p.mfa.phishingResistant && resistant.length < p.mfa.required) {
          ctx.addIssue({
            code: "custom",
            path: ["mfa", "phishingResistant"],
            message: "phishing-resistant factors are demanded → mfa.methods must offer passkey",
          });
        }
        if (p.mfa.required > p.mfa.methods.length) {
          ctx.addIssue({
            code: "custom",
            path: ["mfa", "required"],
            message: "more required than offered",
          });
        }
        if (p.recovery.required > p.recovery.methods.length) {
          ctx.addIssue({
            code: "custom",
            path: ["recovery", "required"],
            message: "more required than offered",
          });
        }
        if (p.recoveryCodes.fewLeft >= p.recoveryCodes.count) {
          ctx.addIssue({
            code: "custom",
            path: ["recoveryCodes", "fewLeft"],
            message: "must be below recoveryCodes.count",
          });
        }
        const ids = new Set<string>();
        for (const [i, step] of p.appSteps.entries()) {
          if (ids.has(step.id)) {
            ctx.addIssue({
              code: "custom",
              path: ["appSteps", i, "id"],
              message: "duplicate step id",
            });
          }
          ids.add(step.id);
        }
      })
      // A policy that demands phishing resistance offers nothing else: every path reads `methods`.
      .transform((p) =>
        p.mfa.phishingResistant
          ? { ...p, mfa: { ...p.mfa, methods: p.mfa.methods.filter((m) => resistsPhishing(m)) } }
          : p,
      )
  );
}

/** The zod schema of a policy; `z.input` is what an app writes, `z.output` what the engine uses. */
export const policySchema = policySchemaFor(builtInFactors);

/** A policy as an app writes it (defaults may be left out). */
export type PolicyInput = z.input<typeof policySchema>;
/** A policy with every default applied, as the engine uses it. */
export type Policy = z.output<typeof policySchema>;

/**
 * The seed's policy: Microsoft 365 as in `seed-office365-mfa-enrolment.txt`. One MFA method
 * (authentication phone or authenticator app), an app password shown during enrolment, the app's
 * "change temporary password" step, and two recovery methods (authentication email + phone,
 * the phone verified again as the seed does).
 */
export function seedPolicy(
  allowedCountries: readonly string[] = ["GB", "US", "DE", "FR", "ES", "IE"],
): PolicyInput {
  return {
    mfa: { methods: ["authentication-phone", "office-phone", "authenticator-app"], required: 1 },
    recovery: { methods: ["email", "phone"], required: 2, phoneReverifyAfterSeconds: 0 },
    appPasswords: { enabled: true, offerDuringEnrolment: true },
    appSteps: [
      {
        id: "change-password",
        place: "after-mfa",
        title: "Update your password",
        changesPassword: true,
      },
    ],
    phone: { allowedCountries: [...allowedCountries], deliveries: ["sms", "voice"] },
  };
}
