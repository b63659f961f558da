/**
 * Throwaway redis-server processes on loopback for the tests: in-memory unless asked, an
 * ephemeral port, a temp dir, stopped by the test that started them.
 */

import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { redisClientOptions } from "../../src/index.js";

const run = promisify(execFile);

/** A redis-server this test owns. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Stops it without saving (`SHUTDOWN NOSAVE`) and waits until the port is closed. */
  stop(): Promise<void>;
  /** Starts it again on the same port and directory, and waits until it answers. */
  start(): Promise<void>;
  /** SIGSTOP: connections stay open, commands sent meanwhile wait in their sockets. */
  pause(): void;
  /** SIGCONT after {@link RedisServer.pause}. */
  resume(): void;
  /** SIGKILL (a crash: only what persistence wrote survives), and waits until the port closes. */
  kill(): Promise<void>;
  /** Stops it and removes its directory. */
  destroy(): Promise<void>;
}

/** A port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

const ping = async (port: number) =>
  run("redis-cli", ["-p", String(port), "ping"])
    .then((r) => r.stdout.trim() === "PONG")
    .catch(() => false);

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`redis-server: timed out waiting until ${what}`);
}

/** Starts a redis-server; `extraArgs` add to the in-memory defaults (e.g. turn on AOF). */
export async function startRedisServer(extraArgs: readonly string[] = []): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "mfakit-redis-"));
  const args = [
    ...["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    ...["--daemonize", "yes", "--dir", dir, "--pidfile", join(dir, "redis.pid")],
    ...["--logfile", join(dir, "redis.log")],
    ...extraArgs,
  ];
  // The pid of this server only, from its own pid file: never a signal to any other process.
  const pid = () => Number(readFileSync(join(dir, "redis.pid"), "utf8").trim());
  let paused = false;
  const resume = () => {
    if (paused) process.kill(pid(), "SIGCONT");
    paused = false;
  };
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    pause() {
      process.kill(pid(), "SIGSTOP");
      paused = true;
    },
    resume,
    async kill() {
      resume();
      process.kill(pid(), "SIGKILL");
      await waitFor(async () => !(await ping(port)), "it is gone");
    },
    async start() {
      await run("redis-server", args);
      await waitFor(() => ping(port), "it answers");
    },
    async stop() {
      await run("redis-cli", ["-p", String(port), "shutdown", "nosave"]).catch(() => undefined);
      await waitFor(async () => !(await ping(port)), "it stops");
    },
    async destroy() {
      resume();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

/** A Redis Cluster of `masters` fresh servers (no replicas), ready to serve every slot. */
export async function startRedisCluster(
  masters = 3,
): Promise<{ nodes: RedisServer[]; destroy(): Promise<void> }> {
  // The cluster bus gets its own free port: the default (port + 10000) may be taken, or above
  // 65535 for an ephemeral port.
  const node = async () =>
    startRedisServer([
      ...["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"],
      ...["--cluster-port", String(await freePort())],
    ]);
  const nodes = await Promise.all(Array.from({ length: masters }, node));
  await run("redis-cli", [
    "--cluster",
    "create",
    ...nodes.map((n) => `127.0.0.1:${n.port}`),
    ...["--cluster-replicas", "0", "--cluster-yes"],
  ]);
  const ready = async () => {
    const infos = await Promise.all(
      nodes.map((n) => run("redis-cli", ["-p", String(n.port), "cluster", "info"])),
    );
    return infos.every((i) => i.stdout.includes("cluster_state:ok"));
  };
  await waitFor(ready, "the cluster is ready");
  return { nodes, destroy: async () => void (await Promise.all(nodes.map((n) => n.destroy()))) };
}

/**
 * The Redis the tests share: `TEST_REDIS_URL` (started by .ci/run) or, when unset, a server of
 * this test file's own. `close` stops only a server this call started.
 */
export async function sharedRedis(): Promise<{ url: string; close(): Promise<void> }> {
  const url = process.env.TEST_REDIS_URL;
  if (url) return { url, close: async () => undefined };
  const server = await startRedisServer();
  return { url: server.url, close: () => server.destroy() };
}

/** A new connection set up as the store requires. */
export function connect(url: string, name = "mfakit-test"): Redis {
  const client = new Redis(url, { ...redisClientOptions, connectionName: name });
  // Connection errors reach the caller as rejected commands; without a listener ioredis would
  // also print each one ("Unhandled error event") during the fault tests.
  client.on("error", () => undefined);
  return client;
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
