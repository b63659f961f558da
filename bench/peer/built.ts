/**
 * Which build of mfakit the peer comparison times. The peer runs its published JavaScript, so
 * ours should too: `pnpm bench` runs the workspace's TypeScript sources through tsx, whose
 * `keepNames` adds a `__name` call to every closure made (a TOTP check took about twice as
 * long from the sources as from `dist` in one process, one after the other). So the comparison
 * runs in a child process on the built packages whenever they are up to date (CI builds them
 * before the bench), and on the sources, saying so, when they are not.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The packages mfakit's side loads. */
const PACKAGES = ["core", "sqlite", "testing"];

/** The newest modification time (ms) of the files under `dir`, or 0 if there are none. */
function newest(dir: string): number {
  let latest = 0;
  let entries: string[];
  try {
    entries = readdirSync(dir, { recursive: true }) as string[];
  } catch {
    return 0;
  }
  for (const entry of entries) latest = Math.max(latest, statSync(join(dir, entry)).mtimeMs);
  return latest;
}

/** Why the built packages cannot be timed (missing, or older than their sources), or null. */
export function staleBuild(): string | null {
  for (const name of PACKAGES) {
    const pkg = join(ROOT, "packages", name);
    const built = newest(join(pkg, "dist"));
    if (built === 0) return `packages/${name}/dist is missing`;
    if (newest(join(pkg, "src")) > built) return `packages/${name}/dist is older than its src`;
  }
  return null;
}

/** Whether this process runs the built packages (set by {@link builtNodeArgs}' environment). */
export const runningBuilt = (): boolean => process.env.MFAKIT_BENCH_BUILT === "1";

/** Node's arguments and environment for a child that runs `script` on the built packages. */
export function builtNodeArgs(script: string): { args: string[]; env: NodeJS.ProcessEnv } {
  return {
    // No `--conditions=source` and no tsconfig `paths`: `@mfakit/*` resolve to their `dist`.
    args: ["--import", "tsx", script],
    env: {
      ...process.env,
      MFAKIT_BENCH_BUILT: "1",
      TSX_TSCONFIG_PATH: join(ROOT, "bench", "tsconfig.built.json"),
    },
  };
}

/** Node's arguments and environment for a child that runs `script` as this process runs. */
export function sameNodeArgs(script: string): { args: string[]; env: NodeJS.ProcessEnv } {
  return runningBuilt()
    ? builtNodeArgs(script)
    : { args: ["--conditions=source", "--import", "tsx", script], env: process.env };
}
