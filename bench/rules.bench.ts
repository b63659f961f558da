/**
 * Recovery rules against the library work they are built on: parsePhone against
 * libphonenumber's own parse + isValid + getType, and parseRecoveryEmail against one WHATWG URL
 * host parse (the IDNA step). What the rules add — bounds, allow-list, extension and type rules,
 * syntax and the tenant test — should cost little next to that floor.
 */
import { createRequire } from "node:module";
import { parsePhone, parseRecoveryEmail } from "@mfakit/core/rules";
import { figure, type Measurement, measure, report } from "./harness.ts";

// libphonenumber-js is a dependency of @mfakit/core, not of the workspace root: load it from
// there, typed with just what the baseline calls.
interface LibPhoneNumber {
  parsePhoneNumberWithError(
    text: string,
    options: { defaultCountry?: string; extract: boolean },
  ): {
    isValid(): boolean;
    getType(): string | undefined;
    formatNational(): string;
    formatInternational(): string;
  };
}
const fromCore = createRequire(new URL("../packages/core/package.json", import.meta.url));
const libphonenumber = (await import(fromCore.resolve("libphonenumber-js/max"))) as LibPhoneNumber;

const numbers = ["07400 123456", "+44 20 7946 0018", "(213) 373-4253", "+33 6 12 34 56 78"];
const countries = ["GB", undefined, "US", undefined] as const;
const allowedCountries = ["GB", "US", "FR", "DE"];
const tenantDomains = ["contoso.com", "contoso.onmicrosoft.com", "fabrikam.co.uk"];
const emails = [
  "Ann+mfa@Gmail.COM",
  "someone@bücher.example",
  "a.b@outlook.com.",
  "x@mail.example.org",
];

/**
 * Measures subject and baseline in alternating rounds and keeps each one's best round: on a
 * shared, loaded machine a single back-to-back pair can land on either side of a load spike.
 */
async function bestOf(
  rounds: number,
  subject: () => unknown,
  baseline: () => unknown,
): Promise<[Measurement, Measurement]> {
  let best: [Measurement, Measurement] | null = null;
  for (let r = 0; r < rounds; r++) {
    const s = await measure(subject, { durationMs: 200 });
    const b = await measure(baseline, { durationMs: 200 });
    best = best
      ? [
          s.meanMicros < best[0].meanMicros ? s : best[0],
          b.meanMicros < best[1].meanMicros ? b : best[1],
        ]
      : [s, b];
  }
  if (!best) throw new Error("rounds must be at least 1");
  return best;
}

export async function run(): Promise<number> {
  let i = 0;
  const [phone, phoneFloor] = await bestOf(
    5,
    () => {
      const k = i++ % numbers.length;
      return parsePhone(
        { number: numbers[k] ?? "", country: countries[k], use: "voice" },
        { allowedCountries },
      );
    },
    () => {
      const k = i++ % numbers.length;
      const p = libphonenumber.parsePhoneNumberWithError(numbers[k] ?? "", {
        defaultCountry: countries[k],
        extract: false,
      });
      return [p.isValid(), p.getType(), p.formatNational(), p.formatInternational()];
    },
  );
  const phoneOk = report(
    "parsePhone (voice, 4-country allow-list) vs libphonenumber parse + isValid + getType + 2 formats",
    { name: "parsePhone", m: phone },
    { name: "libphonenumber-js/max", m: phoneFloor },
    { maxRatio: 2 },
  );

  const [email, emailFloor] = await bestOf(
    5,
    () => parseRecoveryEmail(emails[i++ % emails.length] ?? "", { tenantDomains }),
    () => new URL(`http://${(emails[i++ % emails.length] ?? "").split("@")[1]}`).hostname,
  );
  const emailOk = report(
    "parseRecoveryEmail (3 tenant domains) vs one WHATWG URL host parse",
    { name: "parseRecoveryEmail", m: email },
    { name: "new URL().hostname", m: emailFloor },
    { maxRatio: 8 },
  );
  figure(
    "URL host parses per parseRecoveryEmail",
    `${1 + tenantDomains.length} (the address's domain + each tenant domain)`,
  );
  return (phoneOk ? 0 : 1) + (emailOk ? 0 : 1);
}
