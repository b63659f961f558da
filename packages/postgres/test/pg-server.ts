/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: initdb in a temp dir, started on a
 * free loopback port, stopped and deleted at the end. Tests that restart the server use their
 * own cluster, never a shared one.
 *
 * PostgreSQL refuses to run as root, so as root the commands run as the `postgres` system user
 * (as .ci/run does); as any other user they run as that user.
 */
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);

/** A running throwaway cluster. */
export interface PgServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  readonly url: string;
  readonly port: number;
  /** `pg_ctl restart -m fast`: every connection is dropped, the data stays. */
  restart(): Promise<void>;
  /**
   * `pg_ctl stop -m fast`: connections are dropped and the server is gone until
   * {@link PgServer.start}. (Not `immediate`: with this throwaway cluster's
   * `synchronous_commit=off`, a crash may lose the last commits.)
   */
  stop(): Promise<void>;
  /** Starts a stopped server again on the same port and data. */
  start(): Promise<void>;
  /** Stops the server and deletes its files. */
  destroy(): Promise<void>;
}

/** The newest installed PostgreSQL's bin directory (TEST_PG_BIN wins). */
export function pgBin(): string {
  if (process.env.TEST_PG_BIN) return process.env.TEST_PG_BIN;
  const versions = readdirSync("/usr/lib/postgresql").sort(
    (a, b) => Number.parseInt(b, 10) - Number.parseInt(a, 10),
  );
  if (versions.length === 0) throw new Error("PostgreSQL is not installed (/usr/lib/postgresql)");
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}

/** Initialises and starts a new cluster (about half a second). */
export async function startPostgres(): Promise<PgServer> {
  const bin = pgBin();
  const root = mkdtempSync(join(tmpdir(), "mfakit-pg-"));
  chmodSync(root, 0o755); // the postgres user must be able to enter it
  const home = join(root, "pg");
  mkdirSync(home);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await exec("chown", ["postgres:postgres", home]);
  const pg = (tool: string, args: string[]) =>
    asRoot
      ? exec("runuser", ["-u", "postgres", "--", join(bin, tool), ...args])
      : exec(join(bin, tool), args);
  const data = join(home, "data");
  await pg(
    "initdb",
    ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8"].concat([
      "--locale=C.UTF-8",
      "--no-sync",
    ]),
  );
  const port = await freePort();
  // Throwaway data: no fsync. Connections: several pools of 16 at once, plus spares.
  const settings = `-p ${port} -c listen_addresses=127.0.0.1 -k ${home} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  const ctl = (...args: string[]) =>
    pg("pg_ctl", ["-D", data, "-l", join(home, "log"), "-w", "-t", "30", ...args]);
  await ctl("start", "-o", settings);
  let running = true;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async restart() {
      await ctl("restart", "-m", "fast", "-o", settings);
    },
    async stop() {
      await ctl("stop", "-m", "fast");
      running = false;
    },
    async start() {
      await ctl("start", "-o", settings);
      running = true;
    },
    async destroy() {
      if (running) await ctl("stop", "-m", "immediate").catch(() => undefined);
      running = false;
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The shared server of .ci/run (TEST_PG_URL) if there is one, else a new throwaway cluster. */
export async function sharedOrOwnPostgres(): Promise<{ url: string; release(): Promise<void> }> {
  const shared = process.env.TEST_PG_URL;
  if (shared) return { url: shared, release: async () => undefined };
  const own = await startPostgres();
  return { url: own.url, release: () => own.destroy() };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}
