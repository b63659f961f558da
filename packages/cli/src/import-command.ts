/**
 * `mfakit import`: one file of factors from another system into a store, through
 * `mfa.admin.import` (every row checked with the enrolment rules, each user one unit of work).
 *
 * The keyring comes from the environment, as the web example's wiring does: `MFAKIT_KEY`
 * (base64 of ≥ 32 random bytes) under `MFAKIT_KEY_ID` (default `k1`), and older keys in
 * `MFAKIT_OLD_KEYS` (`id:base64,…`, for app passwords made under them). There is no made-up
 * development key here: seeds sealed under a key the app does not have would never verify.
 *
 * @module
 */

import { readFile, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import {
  createKeyring,
  createMfa,
  isMfaError,
  type Keyring,
  MfaError,
  type PolicyInput,
  type Senders,
} from "@mfakit/core";
import {
  fromAuth0,
  fromCsv,
  fromEntra,
  fromJson,
  fromOkta,
  type ImportReport,
  type ParsedRow,
} from "@mfakit/core/import";
import { sqliteStore } from "@mfakit/sqlite";
import { progressBar } from "./progress.js";
import { summaryTable } from "./summary.js";

/** Where the command writes, and the environment it reads. */
export interface CliIo {
  /** The summary table. */
  readonly stdout: { write(text: string): unknown };
  /** Errors and, on a terminal only, the progress bar. */
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The formats `--format` takes, and the parser of each. */
export const IMPORT_FORMATS: Readonly<Record<string, (text: string) => ParsedRow[]>> = {
  csv: fromCsv,
  json: fromJson,
  entra: fromEntra,
  okta: fromOkta,
  auth0: fromAuth0,
};

/** Exit codes: every row imported or unchanged; some rows refused; the command could not run. */
export const EXIT = Object.freeze({ ok: 0, usage: 1, rowsFailed: 2 });

const USAGE = `Usage: mfakit import --store sqlite:FILE --format csv|json|entra|okta|auth0 [options] FILE

Options:
  --store sqlite:FILE        the store to import into (SQLite file, created if absent)
  --format NAME              the file's format
  --policy FILE              the app's policy as JSON (what may be imported); else all methods,
                             phones only from --countries
  --countries GB,US          countries phones may come from (FRAUD-01)
  --tenant NAME              the organisation's name (MFAKIT_TENANT_NAME)
  --tenant-domains a.com,b   the organisation's own email domains (MFAKIT_TENANT_DOMAINS)
  --source NAME              kept with each imported factor (default: the format)
  --allow-short-seeds        import 80-127-bit TOTP seeds with a flag instead of refusing them
  --no-verify-at-next-use    do not mark imported factors "verify at next use"
  --concurrency N            users imported at once (default 8)
  --report FILE              write the full report (row errors included) as JSON

Environment: MFAKIT_KEY (base64, >= 32 bytes), MFAKIT_KEY_ID (default k1),
MFAKIT_OLD_KEYS (id:base64,... for app passwords made under older keys).`;

/** A usage error: told with the usage text, exit 1. */
class UsageError extends Error {}

/** The keyring from the environment (see the module comment). */
function keyringFrom(env: CliIo["env"]): Keyring {
  const current = env.MFAKIT_KEY_ID ?? "k1";
  if (!env.MFAKIT_KEY)
    throw new UsageError("MFAKIT_KEY is not set (base64 of >= 32 random bytes).");
  const keys: Record<string, string> = { [current]: env.MFAKIT_KEY };
  for (const pair of (env.MFAKIT_OLD_KEYS ?? "").split(",").filter(Boolean)) {
    const at = pair.indexOf(":");
    if (at < 1) throw new UsageError("MFAKIT_OLD_KEYS is id:base64,id:base64,…");
    keys[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return createKeyring({ current, keys });
}

const list = (value: string | undefined) =>
  (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** The policy: the app's own file, or every method with phones from `countries`. */
async function policyFrom(file: string | undefined, countries: string[]): Promise<PolicyInput> {
  if (file) return JSON.parse(await readFile(file, "utf8")) as PolicyInput;
  if (countries.length === 0) {
    return {
      mfa: { methods: ["authenticator-app"], required: 1 },
      recovery: { methods: ["email"], required: 0 },
      appPasswords: { enabled: true },
    };
  }
  return {
    mfa: {
      methods: ["authentication-phone", "office-phone", "alternate-phone", "authenticator-app"],
      required: 1,
    },
    recovery: { methods: ["email", "phone"], required: 0 },
    appPasswords: { enabled: true },
    phone: { allowedCountries: countries.map((c) => c.toUpperCase()) },
  };
}

/**
 * An import sends nothing, but `createMfa` asks for the senders the policy's features need:
 * these refuse, so a send could never happen by mistake.
 */
const refuse = {
  id: "mfakit-import-sends-nothing",
  send: async () => {
    throw new MfaError("delivery_unavailable", { message: "mfakit import sends nothing." });
  },
};
const NO_SENDERS: Senders = { sms: refuse, voice: refuse, email: refuse };

/** Runs `mfakit import …` (the arguments after `import`); the exit code. */
export async function importCommand(args: readonly string[], io: CliIo): Promise<number> {
  let close = () => {};
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        store: { type: "string" },
        format: { type: "string" },
        policy: { type: "string" },
        countries: { type: "string" },
        tenant: { type: "string" },
        "tenant-domains": { type: "string" },
        source: { type: "string" },
        "allow-short-seeds": { type: "boolean", default: false },
        "no-verify-at-next-use": { type: "boolean", default: false },
        concurrency: { type: "string" },
        report: { type: "string" },
        help: { type: "boolean", default: false },
      },
    });
    if (values.help) {
      io.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    }
    const [file, ...extra] = positionals;
    if (!file || extra.length > 0) throw new UsageError("Give exactly one FILE to import.");
    const format = values.format ?? "";
    const parse = Object.hasOwn(IMPORT_FORMATS, format) ? IMPORT_FORMATS[format] : undefined;
    if (!parse) throw new UsageError("--format is csv, json, entra, okta or auth0.");
    const storeSpec = values.store ?? "";
    if (!storeSpec.startsWith("sqlite:") || storeSpec.length === "sqlite:".length)
      throw new UsageError("--store is sqlite:FILE (use mfa.admin.import from code for others).");
    const concurrency = values.concurrency === undefined ? 8 : Number(values.concurrency);

    const keyring = keyringFrom(io.env);
    const policy = await policyFrom(values.policy, list(values.countries));
    const rows = parse(await readFile(file, "utf8"));
    // NORMAL rather than FULL: in WAL mode a crash may lose the last commits but never corrupts
    // the file, and an import is idempotent, so running it again finishes the job. It spares an
    // fsync per user, which is most of a large import's time.
    const store = sqliteStore({ path: storeSpec.slice("sqlite:".length), synchronous: "NORMAL" });
    close = () => store.close();
    const mfa = createMfa({
      store,
      keyring,
      tenant: {
        name: values.tenant ?? io.env.MFAKIT_TENANT_NAME ?? "mfakit",
        domains: list(values["tenant-domains"] ?? io.env.MFAKIT_TENANT_DOMAINS),
      },
      policy,
      senders: NO_SENDERS,
    });

    const bar = io.stderr.isTTY ? progressBar(io.stderr) : null;
    const report: ImportReport = await mfa.admin.import(rows, {
      source: values.source ?? format,
      allowShortSeeds: values["allow-short-seeds"],
      verifyAtNextUse: !values["no-verify-at-next-use"],
      concurrency,
      ...(bar ? { onProgress: bar.update } : {}),
    });
    bar?.done();
    if (values.report) await writeFile(values.report, `${JSON.stringify(report, null, 2)}\n`);
    io.stdout.write(summaryTable(report));
    return report.failed > 0 ? EXIT.rowsFailed : EXIT.ok;
  } catch (e) {
    if (e instanceof UsageError || (e instanceof TypeError && "code" in e)) {
      io.stderr.write(`mfakit import: ${e.message}\n\n${USAGE}\n`);
      return EXIT.usage;
    }
    // A typed error says what is wrong without a stack trace, and never holds a secret.
    const message = isMfaError(e)
      ? `${e.code}: ${e.message} ${JSON.stringify(e.data)}`
      : String((e as Error)?.message ?? e);
    io.stderr.write(`mfakit import: ${message}\n`);
    return EXIT.usage;
  } finally {
    close();
  }
}

/**
 * The `mfakit` command line: `mfakit import …` (see `mfakit import --help`).
 *
 * @example
 * ```sh
 * MFAKIT_KEY=$(cat key.b64) mfakit import --store sqlite:./mfa.db --format okta --countries GB factors.json
 * ```
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "import") return importCommand(rest, io);
  io.stderr.write(`mfakit: unknown command ${JSON.stringify(command ?? "")}\n\n${USAGE}\n`);
  return EXIT.usage;
}
