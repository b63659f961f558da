#!/usr/bin/env node
import { randomBytes } from "node:crypto";
/**
 * The terminal demo: the seed's enrolment (Microsoft 365's "more information required" wizard)
 * driven through mfakit on the embedded default store (SQLite) with the development outbox,
 * then an authenticator app enrolled from its QR code and checked at sign-in.
 *
 * Run from the repository root: `bash scripts/demo.sh` (installs, builds, runs this).
 * Data lives in .mfakit-demo/ (delete it to start over).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createKeyring, createMfa, seedPolicy } from "@mfakit/core";
import { base32Decode, qrText, totpAt } from "@mfakit/core/totp";
import { devOutbox } from "@mfakit/dev-outbox";
import { sqliteStore } from "@mfakit/sqlite";

const dir = ".mfakit-demo";
mkdirSync(dir, { recursive: true });
const keyFile = `${dir}/dev-key`;
// A development key, made once. In production the key comes from your secret manager.
if (!existsSync(keyFile))
  writeFileSync(keyFile, randomBytes(32).toString("base64url"), { mode: 0o600 });

const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const step = (n, text) => console.log(`\n${bold(`[${n}]`)} ${text}`);
const show = (view) => {
  const { id, version, locale, notice, canGoBack, ...rest } = view;
  const shown = { ...rest };
  if (shown.qrSvg) shown.qrSvg = `<svg …${shown.qrSvg.length} bytes>`;
  if (shown.summary) shown.summary = JSON.stringify(shown.summary);
  console.log(
    `    view: ${JSON.stringify(shown)}${notice ? `  notice: ${JSON.stringify(notice)}` : ""}`,
  );
};

const store = sqliteStore({ path: `${dir}/mfa.db` });
const outbox = devOutbox({ file: `${dir}/outbox.jsonl` });
const mfa = createMfa({
  store,
  keyring: createKeyring({ current: "dev", keys: { dev: readFileSync(keyFile, "utf8") } }),
  tenant: { name: "Contoso", domains: ["contoso.com", "contoso.onmicrosoft.com"] },
  policy: seedPolicy(["GB", "US", "DE", "FR", "ES", "IE"]),
  senders: outbox,
  // The demo sends twice to one number within seconds; a real deployment keeps the 30 s cooldown.
  limits: { destinationCooldownSeconds: 0 },
});
const lastCode = (to) => {
  const entry = outbox.messages().find((m) => m.to === to && m.code); // newest first
  if (!entry) throw new Error(`no code was sent to ${to}`);
  return entry.code;
};

const run = Date.now().toString(36);
const user = `adele.${run}@contoso.com`;
const phone = "+447400123456";
const session = { userId: user, authenticatedAt: Date.now(), ip: "127.0.0.1" };

console.log(bold(`mfakit demo: enrolling ${user} (store: SQLite ${dir}/mfa.db)`));
step(1, "The user signs in; the app asks mfakit whether more information is required.");
console.log(`    required: ${JSON.stringify(await mfa.required(user))}`);

step(2, '"More information required" → Set it up now.');
let view = await mfa.enrolment.start({ ...session, appSteps: ["change-password"] });
show(view);
view = await mfa.enrolment.submit(view.id, { step: "intro", action: "setup" }, session);
show(view);

step(4, "Authentication phone, United Kingdom, 07400 123456, send me a code by text message.");
view = await mfa.enrolment.submit(
  view.id,
  {
    step: "mfa-method",
    method: "authentication-phone",
    country: "GB",
    number: "07400 123456",
    delivery: "sms",
  },
  session,
);
show(view);

step(7, "The code from the text message → Verify.");
view = await mfa.enrolment.submit(view.id, { step: "verify-code", code: lastCode(phone) }, session);
show(view);
console.log(`    ${bold("App password (shown once):")} ${view.password}`);

step(8, "Done → the app's own step: change the temporary password.");
view = await mfa.enrolment.submit(view.id, { step: "app-password", action: "done" }, session);
show(view);
view = await mfa.enrolment.submit(
  view.id,
  { step: "app-step", action: "done", stepId: "change-password" },
  session,
);
show(view);

step(11, "Self-service password reset needs more information → Next → Authentication email.");
view = await mfa.enrolment.submit(view.id, { step: "recovery-intro", action: "next" }, session);
view = await mfa.enrolment.submit(view.id, { step: "recovery-method", method: "email" }, session);
show(view);

step(13, "An address on the organisation's own domain is refused:");
try {
  await mfa.enrolment.submit(
    view.id,
    { step: "recovery-email", email: "adele@mail.contoso.com" },
    session,
  );
} catch (e) {
  console.log(`    refused: ${e.code}: ${e.message}`);
}
const personal = `adele.${run}@personal.example`;
view = await mfa.enrolment.submit(view.id, { step: "recovery-email", email: personal }, session);
show(view);
step(15, "The code from the email → verify.");
view = await mfa.enrolment.submit(
  view.id,
  { step: "verify-code", code: lastCode(personal) },
  session,
);
show(view);

step(16, "Verify the authentication phone for password reset → text me → the code → verify.");
view = await mfa.enrolment.submit(view.id, { step: "recovery-method", method: "phone" }, session);
view = await mfa.enrolment.submit(view.id, { step: "recovery-phone", delivery: "sms" }, session);
view = await mfa.enrolment.submit(view.id, { step: "verify-code", code: lastCode(phone) }, session);
show(view);

step(20, "Finish.");
view = await mfa.enrolment.submit(view.id, { step: "finish", action: "finish" }, session);
show(view);

const appUser = `megan.${run}@contoso.com`;
const appSession = { userId: appUser, authenticatedAt: Date.now() };
console.log(bold(`\nAuthenticator app: enrolling ${appUser}`));
let v = await mfa.enrolment.start(appSession);
v = await mfa.enrolment.submit(v.id, { step: "intro", action: "setup" }, appSession);
v = await mfa.enrolment.submit(
  v.id,
  { step: "mfa-method", method: "authenticator-app" },
  appSession,
);
console.log(`    Scan this with an authenticator app (or enter ${v.secret}):\n`);
console.log(qrText(v.uri));
console.log(`    ${v.uri}`);
const secret = base32Decode(v.secret);
const code = totpAt(secret, Math.floor(Date.now() / 1000));
console.log(`    the app now shows ${code}; confirming it activates the factor.`);
v = await mfa.enrolment.submit(v.id, { step: "authenticator-setup", code }, appSession);
show(v);

console.log(bold("\nNext sign-in:"));
const replay = await mfa.challenge.verifyTotp({ userId: appUser, code });
console.log(`    the same code again: ${JSON.stringify(replay)} (each time step is accepted once)`);
const started = await mfa.challenge.start({ userId: user, method: "authentication-phone" });
const signin = await mfa.challenge.verify({
  userId: user,
  challengeId: started.challengeId,
  code: lastCode(phone),
});
console.log(`    ${user} by text message: ${JSON.stringify(signin)}`);
console.log(`\nEverything the outbox "sent" is in ${dir}/outbox.jsonl.`);
store.close?.();
