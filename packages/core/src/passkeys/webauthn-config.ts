/**
 * The relying party's WebAuthn settings: validated once, at `createMfa`, and frozen.
 *
 * A passkey is bound to a relying-party id (a domain) and checked against the origins the
 * browser reports, so a wrong setting either locks every user out or lets another site's
 * ceremony pass. Both are caught here rather than at the first sign-in:
 *
 * - every origin is `https://host[:port]` (or `http://localhost[:port]`, a secure context for
 *   development), with no path;
 * - the rp id is the host of each origin or a registrable suffix of it (W3C WebAuthn L3 §5.1.3,
 *   "is a registrable domain suffix of or is equal to"), and never a bare top-level label.
 *
 * User verification is required by default (a passkey is then two factors in one, and the only
 * kind a phishing-resistant policy accepts, NIST SP 800-63B §5.2.5); attestation is `none` by
 * default (no attestation statement is asked for, so no authenticator model is disclosed).
 *
 * @module
 */

import { z } from "zod";

/** The WebAuthn settings an app gives `createMfa` (`webauthn`). */
export interface WebAuthnOptions {
  /** The relying-party id: the site's domain (`contoso.com`), or `localhost` in development. */
  readonly rpId: string;
  /** The name an authenticator shows for the site ("Contoso"). */
  readonly rpName: string;
  /** Every origin a ceremony may come from, e.g. `["https://login.contoso.com"]`. */
  readonly origins: readonly string[];
  /**
   * Whether the authenticator must verify the user (PIN, biometrics) on every ceremony.
   * @default "required"
   */
  readonly userVerification?: "required" | "preferred";
  /** The attestation asked for at registration. @default "none" */
  readonly attestation?: "none" | "direct";
  /** How long a ceremony's challenge may be answered, in seconds (60 to 600). @default 300 */
  readonly challengeTtlSeconds?: number;
  /** Passkeys one user may hold (1 to 50). @default 10 */
  readonly maxPasskeys?: number;
}

/** {@link WebAuthnOptions} with every default applied, as the ceremonies use them. */
export type WebAuthnSettings = Readonly<Required<WebAuthnOptions>>;

const MAX_ORIGINS = 20;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Whether `host` is a lowercase DNS name (not an IP address). */
const isDomain = (host: string) =>
  host.length <= 253 && host.split(".").every((l) => LABEL.test(l)) && !/^[\d.]+$/.test(host);

const schema = z
  .object({
    rpId: z.string().min(1).max(253),
    rpName: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[^\p{Cc}]+$/u, "no control characters"),
    origins: z.array(z.string().min(1).max(300)).min(1).max(MAX_ORIGINS),
    userVerification: z.enum(["required", "preferred"]).default("required"),
    attestation: z.enum(["none", "direct"]).default("none"),
    challengeTtlSeconds: z.number().int().min(60).max(600).default(300),
    maxPasskeys: z.number().int().min(1).max(50).default(10),
  })
  .strict();

/** Why `origin` cannot carry a ceremony for `rpId`, or `null` when it can. */
function originProblem(origin: string, rpId: string): string | null {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return "is not a URL";
  }
  if (url.origin !== origin) return "must be an origin only (scheme, host, port; no path or slash)";
  const local = url.hostname === "localhost";
  if (url.protocol !== "https:" && !(url.protocol === "http:" && local))
    return "must be https (or http://localhost)";
  const host = url.hostname;
  if (host !== rpId && !host.endsWith(`.${rpId}`))
    return `its host is not ${rpId} or a subdomain of it`;
  return null;
}

/**
 * Checks the settings and applies their defaults: the frozen settings, or every problem found
 * (each naming its field), never both.
 */
export function resolveWebAuthn(
  input: unknown,
): { readonly settings: WebAuthnSettings } | { readonly issues: readonly string[] } {
  const parsed = schema.safeParse(input);
  if (!parsed.success)
    return {
      issues: parsed.error.issues.map((i) => `webauthn.${i.path.join(".")}: ${i.message}`),
    };
  const settings = parsed.data;
  const issues: string[] = [];
  const rpId = settings.rpId;
  // A bare label ("com") is a public suffix: a credential for it would be valid on every site.
  if (!isDomain(rpId) || (!rpId.includes(".") && rpId !== "localhost"))
    issues.push("webauthn.rpId: must be a lowercase domain name with a dot, or localhost");
  else
    for (const [i, origin] of settings.origins.entries()) {
      const problem = originProblem(origin, rpId);
      if (problem) issues.push(`webauthn.origins.${i}: ${problem}`);
    }
  if (issues.length > 0) return { issues };
  return {
    settings: Object.freeze({ ...settings, origins: Object.freeze([...settings.origins]) }),
  };
}
