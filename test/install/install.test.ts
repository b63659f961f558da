/**
 * The install a newcomer does, end to end: `scripts/pack.sh` packs every package, a fresh app
 * installs the tarballs with npm and with pnpm, strict TypeScript (no `skipLibCheck`) builds
 * against them, and the README's first enrolment runs as written, as ESM and as CommonJS.
 *
 * Third-party dependencies come from the package manager's cache first (`--prefer-offline`) and
 * the registry otherwise; no `@mfakit/*` package may come from anywhere but the tarballs.
 */

import { execFile, execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const MANAGERS = ["npm", "pnpm"] as const;
type Manager = (typeof MANAGERS)[number];

/** The README's first-enrolment block: the ```ts block right after its marker comment. */
function firstEnrolmentSnippet(readme: string): string {
  const marker = readme.indexOf("<!-- checked by test/install/install.test.ts");
  if (marker < 0) throw new Error("README.md: the first-enrolment marker is missing");
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(marker));
  if (!block?.[1]) throw new Error("README.md: no ```ts block after the first-enrolment marker");
  return block[1];
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end; never throws, so a failure is shown with its output. */
function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, env: options.env ?? env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr: stderr || (error && !stdout ? String(error) : "") });
      },
    );
  });
}

/** `result` succeeded, or the test fails with its output. */
function expectOk(result: Run, what: string): string {
  if (result.code !== 0) {
    throw new Error(`${what} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

// The global bin folder (pnpm lives there on these machines) and the Node headers that node-gyp
// uses when no prebuilt better-sqlite3 binary can be fetched.
const globalBin = join(execFileSync("npm", ["prefix", "-g"], { encoding: "utf8" }).trim(), "bin");
const env: NodeJS.ProcessEnv = {
  ...process.env,
  PATH: `${globalBin}:${process.env.PATH ?? ""}`,
  npm_config_nodedir: process.env.npm_config_nodedir ?? "/usr",
  // Never mistaken for production (the dev outbox refuses it), whatever the runner says.
  NODE_ENV: "development",
};

/** Strict settings an app may well have: every check on, and none of the libraries skipped. */
const TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    module: "nodenext",
    moduleResolution: "nodenext",
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    noImplicitOverride: true,
    skipLibCheck: false,
    types: ["node"],
    rootDir: "src",
    outDir: "out",
  },
  include: ["src"],
};

/** Each published entry point, by the name the test gives its namespace. */
const ENTRY_POINTS: Record<string, string> = {
  core: "@mfakit/core",
  coreAdapter: "@mfakit/core/adapter",
  coreAppPasswords: "@mfakit/core/app-passwords",
  coreCodes: "@mfakit/core/codes",
  coreCrypto: "@mfakit/core/crypto",
  coreDelivery: "@mfakit/core/delivery",
  coreImport: "@mfakit/core/import",
  coreLimits: "@mfakit/core/limits",
  coreRules: "@mfakit/core/rules",
  coreTotp: "@mfakit/core/totp",
  cli: "@mfakit/cli",
  devOutbox: "@mfakit/dev-outbox",
  postgres: "@mfakit/postgres",
  redis: "@mfakit/redis",
  smtp: "@mfakit/smtp",
  sqlite: "@mfakit/sqlite",
  twilio: "@mfakit/twilio",
  vonage: "@mfakit/vonage",
};

/** A file importing every entry point (the ESM one adds the ESM-only testing kit). */
function everyEntryPoint(esm: boolean): string {
  const entries = esm ? { ...ENTRY_POINTS, testing: "@mfakit/testing" } : ENTRY_POINTS;
  const imports = Object.entries(entries).map(
    ([name, spec]) => `import * as ${name} from "${spec}";`,
  );
  return `${imports.join("\n")}
const all = { ${Object.keys(entries).join(", ")} };
const empty = Object.entries(all).filter(([, exported]) => Object.keys(exported).length === 0);
if (empty.length > 0) throw new Error(\`entry points with no exports: \${empty.map(([n]) => n)}\`);
console.log(JSON.stringify(Object.keys(all)));
`;
}

/** The README's snippet as a program of its format, with the checks run after it. */
function firstEnrolmentProgram(snippet: string, esm: boolean): string {
  const lines = snippet.trimEnd().split("\n");
  const imports = lines.filter((l) => l.startsWith("import "));
  const body = lines.filter((l) => !l.startsWith("import "));
  const checks = [
    'const required = await mfa.required("alice");',
    "console.log(JSON.stringify({ step: view.step, required: required.status }));",
  ];
  if (esm) return [...lines, ...checks, ""].join("\n");
  // CommonJS has no top-level await: the same lines, in an async function.
  return [
    ...imports,
    "async function main(): Promise<void> {",
    ...body,
    ...checks,
    "}",
    "main().catch((e: unknown) => { console.error(e); process.exit(1); });",
    "",
  ].join("\n");
}

/** An error thrown by the CJS copy of the core is an MfaError to the ESM copy, and back. */
const DUAL_FORMAT = `import { createRequire } from "node:module";
import * as esm from "@mfakit/core";
const cjs = createRequire(import.meta.url)("@mfakit/core") as typeof esm;
if (cjs.MfaError === esm.MfaError) throw new Error("expected two copies of the core");
const thrown = (make: typeof esm.createKeyring): unknown => {
  try { make({ current: "k1", keys: { k1: undefined } }); } catch (e) { return e; }
  throw new Error("expected a throw");
};
const fromCjs = thrown(cjs.createKeyring);
const fromEsm = thrown(esm.createKeyring);
const answers = [
  esm.isMfaError(fromCjs, "config_invalid"),
  cjs.isMfaError(fromEsm, "config_invalid"),
  fromCjs instanceof esm.MfaError,
  fromEsm instanceof cjs.MfaError,
];
console.log(JSON.stringify(answers));
`;

let root = "";
let tarballs: string[] = [];
let snippet = "";
const installs = new Map<Manager, { dir: string; result: Run }>();

/** Installs the tarballs and the toolchain into a fresh app for `manager`. */
async function installApp(manager: Manager): Promise<{ dir: string; result: Run }> {
  const dir = join(root, `app-${manager}`);
  await mkdir(join(dir, "src"), { recursive: true });
  await writeFile(
    join(dir, "package.json"),
    `${JSON.stringify({ name: `install-check-${manager}`, private: true, version: "0.0.0" }, null, 2)}\n`,
  );
  await writeFile(join(dir, "tsconfig.json"), `${JSON.stringify(TSCONFIG, null, 2)}\n`);
  await writeFile(join(dir, "src/first-enrolment.mts"), firstEnrolmentProgram(snippet, true));
  await writeFile(join(dir, "src/first-enrolment.cts"), firstEnrolmentProgram(snippet, false));
  await writeFile(join(dir, "src/every-entry.mts"), everyEntryPoint(true));
  await writeFile(join(dir, "src/every-entry.cts"), everyEntryPoint(false));
  await writeFile(join(dir, "src/dual-format.mts"), DUAL_FORMAT);
  const toolchain = ["typescript@5.9.3", "@types/node@20.19.43"];
  if (manager === "npm") {
    const args = ["install", "--no-audit", "--no-fund", "--prefer-offline"];
    return { dir, result: await run("npm", [...args, ...tarballs, ...toolchain], { cwd: dir }) };
  }
  // pnpm 11+ fails an install whose build scripts are not allowed: the README's setting.
  await writeFile(join(dir, "pnpm-workspace.yaml"), "allowBuilds:\n  better-sqlite3: true\n");
  const args = ["add", "--prefer-offline", ...tarballs, ...toolchain];
  return { dir, result: await run("pnpm", args, { cwd: dir }) };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "mfakit-install-"));
  snippet = firstEnrolmentSnippet(readFileSync(join(repo, "README.md"), "utf8"));
  const packed = expectOk(
    await run("bash", [join(repo, "scripts/pack.sh"), join(root, "packs")], { cwd: repo }),
    "scripts/pack.sh",
  );
  tarballs = packed.split("\n").filter((l) => l.endsWith(".tgz"));
  // The two installs are independent: side by side, the wall time is the slower one's.
  await Promise.all(
    MANAGERS.map(async (manager) => installs.set(manager, await installApp(manager))),
  );
}, 600_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe("the README's first enrolment", () => {
  it("is at most 15 lines", () => {
    expect(snippet.trimEnd().split("\n").length).toBeLessThanOrEqual(15);
  });
});

describe("scripts/pack.sh", () => {
  it("packs every published package", () => {
    const published = readdirSync(join(repo, "packages")).filter((dir) => {
      const pkg = JSON.parse(readFileSync(join(repo, "packages", dir, "package.json"), "utf8"));
      return pkg.private !== true;
    });
    expect(tarballs).toHaveLength(published.length);
    for (const dir of published) expect(tarballs.some((t) => t.includes(`-${dir}-`))).toBe(true);
  });

  it("each tarball: LICENSE, README whose relative links are in the tarball, where to report", () => {
    for (const tarball of tarballs) {
      const files = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" })
        .split("\n")
        .map((f) => f.replace(/^package\//, ""));
      expect(files, tarball).toContain("LICENSE");
      expect(files, tarball).toContain("README.md");
      const read = (f: string) =>
        execFileSync("tar", ["-xOzf", tarball, `package/${f}`], { encoding: "utf8" });
      const pkg = JSON.parse(read("package.json"));
      expect(pkg.repository?.url, tarball).toMatch(/^git\+https:\/\/github\.com\//);
      expect(pkg.homepage, tarball).toMatch(/^https:\/\//);
      expect(pkg.bugs?.url, tarball).toMatch(/^https:\/\//);
      const links = [...read("README.md").matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? "");
      for (const link of links.filter((l) => !/^(https?:|mailto:|#)/.test(l))) {
        expect(files, `${tarball}: README link ${link}`).toContain(
          link.replace(/^\.\//, "").replace(/#.*$/, ""),
        );
      }
    }
  });
});

describe.each(MANAGERS)("an app installing the tarballs with %s", (manager) => {
  const app = () => {
    const install = installs.get(manager);
    if (!install) throw new Error(`no ${manager} install`);
    expectOk(install.result, `${manager} install`);
    return install.dir;
  };

  it("takes every @mfakit package from the tarballs, with one core", () => {
    const dir = app();
    const core = JSON.parse(
      readFileSync(join(dir, "node_modules/@mfakit/core/package.json"), "utf8"),
    );
    expect(core.version).toMatch(/^\d+\.\d+\.\d+/);
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    for (const [name, spec] of Object.entries(manifest.dependencies as Record<string, string>)) {
      if (name.startsWith("@mfakit/")) expect(spec, name).toMatch(/^file:.*\.tgz$/);
    }
    // npm nests a second copy under a package that could not share the app's core.
    for (const pkg of readdirSync(join(dir, "node_modules/@mfakit"))) {
      expect(existsSync(join(dir, "node_modules/@mfakit", pkg, "node_modules/@mfakit/core"))).toBe(
        false,
      );
    }
  });

  it("builds strict TypeScript against every entry point without skipLibCheck (ESM and CJS)", async () => {
    const dir = app();
    expectOk(await run(join(dir, "node_modules/.bin/tsc"), ["-p", "."], { cwd: dir }), "tsc");
    for (const file of ["every-entry.mjs", "every-entry.cjs"]) {
      const out = expectOk(await run("node", [join(dir, "out", file)], { cwd: dir }), file);
      expect(out).toContain('"sqlite"');
    }
  });

  it.each([
    ["ESM", "first-enrolment.mjs"],
    ["CJS", "first-enrolment.cjs"],
  ])("runs the README's first enrolment as written, in %s", async (format, file) => {
    const dir = app();
    const cwd = join(dir, `run-${format}`);
    await mkdir(cwd, { recursive: true });
    const key = Buffer.alloc(32, 9).toString("base64"); // what `openssl rand -base64 32` prints
    const out = expectOk(
      await run("node", [join(dir, "out", file)], { cwd, env: { ...env, MFA_KEY: key } }),
      file,
    );
    expect(out).toContain("CODE"); // the dev outbox printed the text message's code
    expect(JSON.parse(out.trim().split("\n").at(-1) ?? "")).toEqual({
      step: "finish",
      required: "none",
    });
  });

  it("recognises an MfaError from the other module format (isMfaError, instanceof)", async () => {
    const dir = app();
    const out = expectOk(
      await run("node", [join(dir, "out/dual-format.mjs")], { cwd: dir }),
      "dual-format",
    );
    expect(JSON.parse(out.trim())).toEqual([true, true, true, true]);
  });
});
