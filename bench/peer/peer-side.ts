/**
 * The peer: better-auth 1.7.25 with its two-factor plugin, on a better-sqlite3 connection
 * opened with the settings under test, called through its server API (`auth.api.*`) the way
 * an app's route handlers call it, cookies carried from one call to the next.
 *
 * Its password hashing is replaced by the identity (its documented `password.hash/verify`
 * options): the operations compared are second-factor ones, and a scrypt in the peer's
 * sign-up or re-authentication would only bury them.
 */
import { base32Decode, totpAt } from "@mfakit/core/totp";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { twoFactor } from "better-auth/plugins/two-factor";
import type { Side } from "./side.ts";
import { openProbed, type SqliteSettings } from "./sqlite-probe.ts";

const PASSWORD = "correct horse battery staple";

/** The `cookie` header a browser would send back after a response with these headers. */
function cookiesOf(headers: Headers, previous?: Headers): Headers {
  const jar = new Map<string, string>();
  for (const c of previous?.get("cookie")?.split("; ") ?? []) {
    const at = c.indexOf("=");
    if (at > 0) jar.set(c.slice(0, at), c.slice(at + 1));
  }
  for (const set of headers.getSetCookie()) {
    const pair = set.split(";")[0] ?? "";
    const at = pair.indexOf("=");
    if (at <= 0) continue;
    const value = pair.slice(at + 1);
    if (value === "") jar.delete(pair.slice(0, at));
    else jar.set(pair.slice(0, at), value);
  }
  return new Headers({ cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") });
}

/** Opens the peer on a new SQLite file at `path` (its tables made by its own migrations). */
export async function peerSide(path: string, settings: SqliteSettings): Promise<Side> {
  const probe = openProbed(path, settings);
  const sent = new Map<string, string>();
  const options = {
    database: probe.db,
    secret: "a-bench-secret-of-at-least-32-characters",
    baseURL: "http://localhost:3000",
    emailAndPassword: {
      enabled: true,
      password: {
        hash: async (password: string) => password,
        verify: async ({ hash, password }: { hash: string; password: string }) => hash === password,
      },
    },
    plugins: [
      twoFactor({
        otpOptions: {
          sendOTP: ({ user, otp }: { user: { email: string }; otp: string }) => {
            sent.set(user.email, otp);
          },
        },
      }),
    ],
    logger: { disabled: true },
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
  };
  await (await getMigrations(options)).runMigrations();
  const auth = betterAuth(options);
  const api = auth.api;

  let users = 0;
  /** A new user, signed up: its session cookie. */
  const signUp = async () => {
    const email = `peer${users++}@contoso.com`;
    const r = await api.signUpEmail({
      body: { email, password: PASSWORD, name: email },
      returnHeaders: true,
    });
    return { email, session: cookiesOf(r.headers) };
  };
  /** The peer's TOTP enrolment: enable (secret and backup codes made), then confirm a code. */
  const enrolTotp = async (session: Headers) => {
    const enabled = await api.enableTwoFactor({
      body: { password: PASSWORD },
      headers: session,
      returnHeaders: true,
    });
    const made = enabled.response;
    if (made.method !== "totp") throw new Error("peer: enableTwoFactor made no TOTP secret");
    const secret = new URL(made.totpURI).searchParams.get("secret") ?? "";
    const code = totpAt(base32Decode(secret), Date.now() / 1000);
    await api.verifyTOTP({ body: { code }, headers: cookiesOf(enabled.headers, session) });
    return { secret, backupCodes: made.backupCodes };
  };
  /** A password sign-in that stops at the second factor: the two-factor cookie. */
  const signIn = async (email: string) => {
    const r = await api.signInEmail({ body: { email, password: PASSWORD }, returnHeaders: true });
    if (!("twoFactorRedirect" in r.response)) throw new Error("peer: no second factor asked");
    return cookiesOf(r.headers);
  };
  const enrolledSignIn = async () => {
    const { email, session } = await signUp();
    const totp = await enrolTotp(session);
    return { email, totp, pending: await signIn(email) };
  };
  const expectToken = (r: { token?: string | null }, what: string) => {
    if (!r.token) throw new Error(`peer: ${what} was refused`);
  };
  const enrolment = async () => {
    const { session } = await signUp();
    return async () => {
      await enrolTotp(session);
    };
  };

  return {
    does: {
      totpEnrolment: "enableTwoFactor + verifyTOTP (session)",
      smsSendVerify: "sendTwoFactorOTP + verifyTwoFactorOTP (at sign-in)",
      totpSignIn: "verifyTOTP (at sign-in)",
      backupCode: "verifyBackupCode (at sign-in)",
      enrolment: "enableTwoFactor + verifyTOTP (its whole enrolment: one factor)",
    },
    operations: {
      totpEnrolment: enrolment,
      smsSendVerify: async () => {
        const { email, pending } = await enrolledSignIn();
        return async () => {
          await api.sendTwoFactorOTP({ body: {}, headers: pending });
          const code = sent.get(email) ?? "";
          expectToken(await api.verifyTwoFactorOTP({ body: { code }, headers: pending }), "OTP");
        };
      },
      totpSignIn: async () => {
        const { totp, pending } = await enrolledSignIn();
        const seed = base32Decode(totp.secret);
        return async () => {
          const code = totpAt(seed, Date.now() / 1000);
          expectToken(await api.verifyTOTP({ body: { code }, headers: pending }), "TOTP");
        };
      },
      backupCode: async () => {
        const { totp, pending } = await enrolledSignIn();
        const code = totp.backupCodes[0] ?? "";
        return async () => {
          expectToken(await api.verifyBackupCode({ body: { code }, headers: pending }), "backup");
        };
      },
      enrolment,
    },
    probe,
    storeCalls: () => null,
    async close() {
      probe.db.close();
    },
  };
}
