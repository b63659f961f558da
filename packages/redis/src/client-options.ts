/**
 * The ioredis settings a Store client needs, and the check that the injected client has them.
 *
 * The port promises that a call which cannot reach the backend throws `store_unavailable`, and
 * that a call which throws has either fully happened or not at all. ioredis's defaults break
 * both when a connection drops: commands wait in an offline queue through up to 20 reconnect
 * attempts, and commands already sent are sent a second time after reconnecting
 * (`autoResendUnfulfilledCommands`), which would bump a counter twice or turn a successful
 * compare-and-set into a reported conflict. The options below make every call settle quickly
 * with an error instead.
 *
 * @module
 */

import { MfaError } from "@mfakit/core/adapter";
import type { Cluster, Redis, RedisOptions } from "ioredis";

/**
 * ioredis options for a client given to `redisStore` (spread them into `new Redis(url, {...})`,
 * or into `redisOptions` of a `Cluster`).
 *
 * - `maxRetriesPerRequest: 0`: when the connection closes, every queued and in-flight command
 *   is rejected at once (with any other number, ioredis 6 may drop in-flight commands without
 *   settling them when it reconnects before the limit is reached).
 * - `autoResendUnfulfilledCommands: false`: a command whose reply was lost is never replayed.
 * - `commandTimeout: 2000`: a command to a server that accepts the connection but does not
 *   answer (paused, overloaded) is settled by the client too, not only abandoned by the store
 *   (whose `timeoutMs` bounds every call either way).
 *
 * The offline queue stays on, so calls made while the client (re)connects wait for the next
 * connection attempt and fail if it fails.
 */
export const redisClientOptions = Object.freeze({
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
  commandTimeout: 2000,
} satisfies RedisOptions);

/**
 * Throws `config_invalid`, listing every gap at once, unless `client` is set up as
 * {@link redisClientOptions} describes and has no ioredis `keyPrefix` (SCAN patterns and the
 * keys it returns are not prefixed by ioredis, so `list` would break; use the store's
 * `keyPrefix` instead).
 */
export function assertClientOptions(client: Redis | Cluster): void {
  const problems: string[] = [];
  const cluster = client.isCluster ? (client as Cluster).options : undefined;
  // A Cluster passes `redisOptions` to its per-node connections; its own keyPrefix may sit at
  // either level.
  const options: RedisOptions = cluster
    ? { ...cluster.redisOptions, keyPrefix: cluster.keyPrefix ?? cluster.redisOptions?.keyPrefix }
    : (client as Redis).options;
  if (options.keyPrefix) {
    problems.push("the client has an ioredis keyPrefix: use redisStore's keyPrefix instead");
  }
  if (options.autoResendUnfulfilledCommands !== false) {
    problems.push(
      "autoResendUnfulfilledCommands must be false (a write whose reply was lost would run twice)",
    );
  }
  if (!cluster && options.maxRetriesPerRequest !== 0 && !(Number(options.commandTimeout) > 0)) {
    problems.push(
      "set maxRetriesPerRequest: 0 or a commandTimeout (otherwise a call may wait forever while Redis is down)",
    );
  }
  if (problems.length > 0) {
    throw new MfaError("config_invalid", {
      message: `The Redis client given to redisStore is not set up as redisClientOptions describes: ${problems.join("; ")}.`,
      data: { field: "client", problems: problems.length },
    });
  }
}
