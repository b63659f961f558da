/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: initdb in a temp dir, started on a
 * free loopback port, stopped and deleted at the end. Tests that restart the server use their
 * own cluster, never a shared one.
 *
 * PostgreSQL refuses to run as root, so as root the commands run as the `postgres` system user
 * (as .ci/run does); as any other user they run as that user.
 *
 * A cluster can have a small disk of its own (`dataDiskMb`): its data directory on a tmpfs of
 * that size, so a test can fill it. Its WAL lives outside, on the ordinary temp disk: PostgreSQL
 * treats a failed WAL write as a PANIC (a crash and restart), while a full data disk fails only
 * the statement that needed room (`could not extend file`), which is the case under test.
 */
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
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
  /**
   * SIGSTOP to the postmaster, then to every process it started: connections stay open,
   * statements sent meanwhile wait in their sockets, new connections wait in the backlog.
   */
  pause(): Promise<void>;
  /** SIGCONT to every process {@link PgServer.pause} stopped. */
  resume(): Promise<void>;
  /**
   * SIGKILL to the postmaster and every process it started (a crash, not a shutdown); the next
   * {@link PgServer.start} runs crash recovery. What survives is what was committed with
   * `synchronous_commit=on` (set it on the connections whose commits must survive).
   */
  kill(): Promise<void>;
  /** Stops the server and deletes its files (and unmounts its disk). */
  destroy(): Promise<void>;
  /** The server's log so far (to tell a PANIC or a refused start from our own failures). */
  log(): string;
}

/** Options of {@link startPostgres}. */
export interface PgServerOptions {
  /**
   * Puts the data directory on a tmpfs of this many MiB (WAL stays outside; see the module
   * notes). Needs root (to mount). About 23 MiB are taken by a new cluster.
   * @default no disk of its own
   */
  readonly dataDiskMb?: number;
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
export async function startPostgres(settings: PgServerOptions = {}): Promise<PgServer> {
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
  const disk = settings.dataDiskMb === undefined ? null : join(home, "disk");
  if (disk) {
    if (!asRoot) throw new Error("startPostgres: dataDiskMb needs root (to mount a tmpfs)");
    mkdirSync(disk);
    await exec("mount", [
      "-t",
      "tmpfs",
      "-o",
      `size=${settings.dataDiskMb}m,mode=0700`,
      "tmpfs",
      disk,
    ]);
    await exec("chown", ["postgres:postgres", disk]);
  }
  const data = join(disk ?? home, "data");
  await pg(
    "initdb",
    ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8"].concat([
      "--locale=C.UTF-8",
      "--no-sync",
      ...(disk ? [`--waldir=${join(home, "wal")}`] : []),
    ]),
  );
  const port = await freePort();
  // Throwaway data: no fsync. Connections: several pools of 16 at once, plus spares.
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${home} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  const ctl = (...args: string[]) =>
    pg("pg_ctl", ["-D", data, "-l", join(home, "log"), "-w", "-t", "30", ...args]);
  await ctl("start", "-o", options);
  let running = true;
  let stopped: number[] = [];
  /** The postmaster's pid, then its children's (read after the postmaster is stopped). */
  const postmaster = () =>
    Number(readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0]);
  const children = async (pid: number) =>
    (
      await exec("ps", ["-o", "pid=", "--ppid", String(pid)])
        .then((r) => r.stdout)
        .catch(() => "")
    )
      .split("\n")
      .map((line) => Number(line.trim()))
      .filter((p) => p > 0);
  const signalAll = async (signal: NodeJS.Signals) => {
    const pid = postmaster();
    process.kill(pid, signal); // first, so it starts no new backend meanwhile
    const rest = await children(pid);
    for (const child of rest) process.kill(child, signal);
    return [pid, ...rest];
  };
  const resume = async () => {
    for (const pid of stopped) process.kill(pid, "SIGCONT");
    stopped = [];
  };
  /** Gone, or a zombie nobody has reaped yet (it holds no shared memory any more). */
  const gone = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.startsWith("Z") ?? true;
    } catch {
      return true;
    }
  };
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async restart() {
      await ctl("restart", "-m", "fast", "-o", options);
    },
    async pause() {
      stopped = await signalAll("SIGSTOP");
    },
    resume,
    async kill() {
      await resume();
      const pids = await signalAll("SIGKILL");
      // Until every process is gone, a new postmaster would find the old shared memory in use.
      for (let i = 0; i < 500 && !pids.every(gone); i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      // Its lock files are stale now; PostgreSQL would still honour them while the dead
      // postmaster is an unreaped zombie (its pid answers kill -0).
      rmSync(join(data, "postmaster.pid"), { force: true });
      rmSync(join(home, `.s.PGSQL.${port}.lock`), { force: true });
      running = false;
    },
    async stop() {
      await ctl("stop", "-m", "fast");
      running = false;
    },
    async start() {
      await ctl("start", "-o", options);
      running = true;
    },
    async destroy() {
      await resume();
      if (running) await ctl("stop", "-m", "immediate").catch(() => undefined);
      running = false;
      // Lazy: detaches even while a file on it is still open.
      if (disk) await exec("umount", ["-l", disk]);
      rmSync(root, { recursive: true, force: true });
    },
    log: () => readFileSync(join(home, "log"), "utf8"),
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
