/**
 * The public surface of @mfakit/core, pinned: every entry point's runtime exports, by name. A new
 * export (or a lost one) fails here, so it is a deliberate change made in this file too.
 *
 * Imports go through the package's own specifiers (`@mfakit/core/adapter`, …), which the test
 * config resolves to the `source` condition of package.json's `exports`: what is pinned is what
 * the package map publishes.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const manifest: {
  sideEffects: boolean;
  exports: Record<string, unknown>;
  typesVersions: Record<string, Record<string, string[]>>;
} = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

/** Each entry point's runtime exports, sorted. Types are erased and not listed. */
const pinned: Record<string, readonly string[]> = {
  "@mfakit/core": [
    "APP_STEP_PLACES",
    "MFA_METHODS",
    "MIN_KEY_BYTES",
    "MfaError",
    "RECOVERY_METHODS",
    "STEPS",
    "assertRecentAuth",
    "createKeyring",
    "createMfa",
    "errorMessages",
    "isMfaError",
    "memoryStore",
    "mfaMethodsOf",
    "noEvents",
    "seedPolicy",
  ],
  "@mfakit/core/adapter": [
    "DEADLINE_EXCEEDED",
    "MAX_STORE_KEY_BYTES",
    "MAX_STORE_LIST_LIMIT",
    "MAX_STORE_TTL_MS",
    "MAX_STORE_VALUE_DEPTH",
    "MAX_USER_ID_LENGTH",
    "MAX_WEBHOOK_BODY_BYTES",
    "MfaError",
    "assertStoreKey",
    "assertUserId",
    "baseUrlProblems",
    "beforeDeadline",
    "deadlineExceeded",
    "deliverReceipt",
    "globalKey",
    "guardStore",
    "isMfaError",
    "isRedirectResponse",
    "mayHaveMissedDeadline",
    "prefixUpperBound",
    "readWebhookBody",
    "serverClock",
    "serverDeadline",
    "systemClock",
    "userKey",
    "userPrefix",
    "webCryptoRandom",
    "webhookAnswer",
  ],
  "@mfakit/core/app-passwords": [
    "APP_PASSWORD_LENGTH",
    "APP_PASSWORD_SCRYPT",
    "DEFAULT_APP_PASSWORD_CAP",
    "MAX_APP_PASSWORD_CAP",
    "MAX_APP_PASSWORD_INPUT_LENGTH",
    "MAX_APP_PASSWORD_NAME_LENGTH",
    "createAppPasswordService",
    "displayAppPassword",
    "normaliseAppPassword",
  ],
  "@mfakit/core/codes": [
    "MAX_CHALLENGE_ID_LENGTH",
    "MAX_DESTINATION_LENGTH",
    "MAX_PURPOSE_LENGTH",
    "assertChallengeId",
    "assertCodeFormat",
    "assertDestination",
    "assertPurpose",
    "codeOptionLimits",
    "createCodeService",
    "defaultCodeOptions",
    "maskDestination",
    "resolveCodeOptions",
  ],
  "@mfakit/core/crypto": [
    "DIGITS",
    "LOWERCASE",
    "constantTimeEqual",
    "constantTimeEqualHex",
    "derivedKey",
    "fromBase64Url",
    "keyedHash",
    "needsReseal",
    "open",
    "randomDigits",
    "randomId",
    "randomLetters",
    "randomString",
    "seal",
    "toBase64Url",
    "verifyKeyedHash",
  ],
  "@mfakit/core/delivery": [
    "MAX_SEND_TIMEOUT_MS",
    "builtInStrings",
    "createFailoverSender",
    "createMessageRenderer",
    "escapeHtml",
    "guardSender",
    "guardSenders",
    "negotiateLocale",
    "renderEmail",
    "renderSms",
    "renderVoice",
    "smsSegments",
    "templateStringKeys",
  ],
  "@mfakit/core/import": [
    "MAX_IMPORT_FIELD_LENGTH",
    "MIN_FLAGGED_SEED_BITS",
    "MIN_SEED_BITS",
    "fromAuth0",
    "fromCsv",
    "fromEntra",
    "fromJson",
    "fromOkta",
    "parseJsonRecords",
  ],
  "@mfakit/core/limits": [
    "IPV6_BUCKET_PREFIX_BITS",
    "MAX_IP_LENGTH",
    "createLimiter",
    "destinationBucket",
    "ipBucket",
    "resolveLimits",
  ],
  "@mfakit/core/rules": [
    "ALLOWED_PHONE_TYPES",
    "MAX_DOMAIN_LENGTH",
    "MAX_EMAIL_INPUT_LENGTH",
    "MAX_EMAIL_LENGTH",
    "MAX_EXTENSION_DIGITS",
    "MAX_LABEL_LENGTH",
    "MAX_LOCAL_PART_LENGTH",
    "MAX_PHONE_INPUT_LENGTH",
    "isTenantDomain",
    "maskEmail",
    "maskPhone",
    "normaliseDomain",
    "parsePhone",
    "parseRecoveryEmail",
  ],
  "@mfakit/core/totp": [
    "MAX_KEY_URI_LABEL_PART",
    "MAX_KEY_URI_LENGTH",
    "TOTP_ALGORITHMS",
    "TOTP_MAX_CONFIRM_ATTEMPTS",
    "TOTP_SECRET_BYTES",
    "accountLabel",
    "assertKeyUriLabelPart",
    "base32Decode",
    "base32Encode",
    "buildKeyUri",
    "codeFromDigest",
    "createTotpService",
    "dynamicTruncate",
    "hotp",
    "hotpHmac",
    "keyedHotp",
    "parseKeyUri",
    "qrSvg",
    "qrText",
    "totpAt",
    "totpStep",
  ],
};

/**
 * The entry points, loaded by their package specifiers. Literal `import()` calls, not a loop over
 * strings, so the resolver sees each specifier as a consumer writes it.
 */
const loaders: Record<string, () => Promise<Record<string, unknown>>> = {
  "@mfakit/core": () => import("@mfakit/core"),
  "@mfakit/core/adapter": () => import("@mfakit/core/adapter"),
  "@mfakit/core/app-passwords": () => import("@mfakit/core/app-passwords"),
  "@mfakit/core/codes": () => import("@mfakit/core/codes"),
  "@mfakit/core/crypto": () => import("@mfakit/core/crypto"),
  "@mfakit/core/delivery": () => import("@mfakit/core/delivery"),
  "@mfakit/core/import": () => import("@mfakit/core/import"),
  "@mfakit/core/limits": () => import("@mfakit/core/limits"),
  "@mfakit/core/rules": () => import("@mfakit/core/rules"),
  "@mfakit/core/totp": () => import("@mfakit/core/totp"),
};

/** The engine's internals: reached only through `createMfa`, never exported. */
const internals = [
  "createEnrolmentEngine",
  "createChallenge",
  "createAdmin",
  "createGate",
  "createMessenger",
  "checkFactor",
  "screenSend",
  "deliverCode",
  "registrationStore",
  "registrationRequirement",
  "emptyRegistration",
  "removeFactor",
  "emitEvent",
  "allowAllSends",
  "deliveryOutcome",
  "stepInputs",
  "policySchema",
  "limitsSchema",
  "FACTORS",
  "createImportApi",
  "checkRow",
];

describe("public surface of @mfakit/core", () => {
  it("package.json exports exactly the pinned entry points (and package.json)", () => {
    const subpaths = Object.keys(pinned).map((s) => `.${s.slice("@mfakit/core".length)}`);
    expect(Object.keys(manifest.exports).sort()).toEqual([...subpaths, "./package.json"].sort());
    expect(Object.keys(loaders).sort()).toEqual(Object.keys(pinned).sort());
  });

  it.each(Object.keys(pinned))("%s exports exactly its pinned runtime names", async (spec) => {
    const loaded = await loaders[spec]?.();
    expect(Object.keys(loaded ?? {}).sort()).toEqual(pinned[spec]);
  });

  it("no entry point exports the engine's internals", async () => {
    for (const spec of Object.keys(pinned)) {
      const names = Object.keys((await loaders[spec]?.()) ?? {});
      expect(
        names.filter((n) => internals.includes(n)),
        spec,
      ).toEqual([]);
    }
  });

  it("a name on two entry points is one binding (isMfaError holds whichever was imported)", async () => {
    const root = await loaders["@mfakit/core"]?.();
    const adapter = await loaders["@mfakit/core/adapter"]?.();
    expect(root?.MfaError).toBeTypeOf("function");
    expect(adapter?.MfaError).toBe(root?.MfaError);
    expect(adapter?.isMfaError).toBe(root?.isMfaError);
  });

  it("every entry point has types per condition, a source file and a node10 types mapping", () => {
    expect(manifest.sideEffects).toBe(false);
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      if (subpath === "./package.json") continue;
      const name = subpath === "." ? "index" : subpath.slice(2);
      expect(target, subpath).toEqual({
        source: subpath === "." ? "./src/index.ts" : `./src/entries/${name}.ts`,
        import: { types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` },
        require: { types: `./dist/${name}.d.cts`, default: `./dist/${name}.cjs` },
      });
      if (subpath !== ".")
        expect(manifest.typesVersions["*"]?.[name], subpath).toEqual([`./dist/${name}.d.ts`]);
    }
  });
});
