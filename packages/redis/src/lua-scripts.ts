/**
 * The Lua scripts behind the writes that must compare before they write, and how they run.
 *
 * Redis runs a script atomically: no other command runs between its read and its write, so a
 * compare-and-set or a counter bump needs no WATCH/retry loop and cannot lose an update
 * (REL-01, REL-02). Each script touches one key, `KEYS[1]`, except the counter script, which
 * takes one or more keys that the caller groups by hash slot; so on Redis Cluster a script
 * always runs inside one hash slot and never fails with CROSSSLOT.
 *
 * Values are kept as `<version>:<json>` (see `envelope.ts`).
 *
 * Every write is a script, even the ones a native command could do (`GETDEL`, `DEL`), because
 * each first checks its deadline on the server's clock: a script the server runs after the
 * caller gave up (the server was paused with it in its socket) refuses with
 * {@link DEADLINE_PASSED} and writes nothing (see `serverDeadline` in @mfakit/core).
 *
 * @module
 */

import { createHash } from "node:crypto";
import type { Cluster, Redis } from "ioredis";

/** A Lua script with its SHA-1, for `EVALSHA`. */
export interface LuaScript {
  readonly name: string;
  readonly lua: string;
  readonly sha: string;
}

/**
 * Shared by the write scripts: writes an entry with a TTL in whole ms ("" for none, which also
 * removes an earlier one). The core's guard lets only a positive integer TTL reach a script.
 */
const WRITE = `local function write(key, payload, ttl)
  if ttl == '' then
    redis.call('SET', key, payload)
  else
    redis.call('SET', key, payload, 'PX', ttl)
  end
end
`;

/** The error a script raises when the key holds something this adapter did not write. */
export const FOREIGN_VALUE = "MFA_FOREIGN_VALUE";
/** The error the increment script raises when the key holds no (safe) integer. */
export const NOT_INTEGER = "MFA_NOT_INTEGER";
/** The error a write script raises, writing nothing, when the server runs it past its deadline. */
export const DEADLINE_PASSED = "MFA_DEADLINE_PASSED";

/**
 * Refuses a script run at or after ARGV[1], the deadline in server epoch milliseconds. `TIME`
 * is the server's clock (scripts are replicated by their effects, so reading it is allowed).
 */
const GUARD = `local now = redis.call('TIME')
if tonumber(now[1]) * 1000 + tonumber(now[2]) / 1000 >= tonumber(ARGV[1]) then
  return redis.error_reply('${DEADLINE_PASSED}')
end
`;

/** A script from its body; `write` scripts get the deadline guard and the `write` helper. */
const script = (name: string, body: string, kind: "write" | "read" = "write"): LuaScript => {
  const lua = kind === "write" ? WRITE + GUARD + body : body;
  return { name, lua, sha: createHash("sha1").update(lua).digest("hex") };
};

/** The server's clock: `{seconds, microseconds}`. On the key's node, for a cluster. */
export const timeScript = script("time", "return redis.call('TIME')", "read");

/** Atomic read-and-delete (`GETDEL`) with a deadline. ARGV[1] the deadline. */
export const takeScript = script("take", "return redis.call('GETDEL', KEYS[1])");

/** Delete with a deadline; returns how many keys were deleted. ARGV[1] the deadline. */
export const deleteScript = script("delete", "return redis.call('DEL', KEYS[1])");

/**
 * Compare-and-set.
 * KEYS[1] the key. ARGV[1] the deadline; ARGV[2] `any` | `absent` | `version`; ARGV[3] the
 * expected version; ARGV[4] the JSON value; ARGV[5] the TTL in ms, or "" for none.
 * Returns `{1, newVersion}` or `{0, currentRawValueOrNil}`.
 */
export const putScript = script(
  "put",
  `local current = redis.call('GET', KEYS[1])
local version = 0
if current then
  version = tonumber(string.match(current, '^(%d+):'))
  if not version then return redis.error_reply('${FOREIGN_VALUE}') end
end
local mode = ARGV[2]
if (mode == 'absent' and current) or (mode == 'version' and (not current or version ~= tonumber(ARGV[3]))) then
  return {0, current}
end
version = version + 1
write(KEYS[1], version .. ':' .. ARGV[4], ARGV[5])
return {1, version}`,
);

/**
 * Counter bumps, one key or a batch, with a TTL set only on create (a fixed window that never
 * slides). KEYS the counters (distinct, one hash slot). ARGV[1] the deadline; then for the
 * i-th key ARGV[2i] the integer to add and ARGV[2i+1] the TTL in ms if this call creates the
 * counter, or "" for none. Returns the new counts in the keys' order, as decimal strings
 * (ioredis 6 rounds integer replies near 2^53, a bulk string is exact).
 *
 * All or nothing: every counter is read and checked before any is written, so a refusal (a
 * key holding anything but a safe integer, a result outside the safe-integer range) writes
 * nothing of the batch. A script that fails between two writes would keep the first (Redis
 * has no rollback); past the checks only SETs of well-formed strings remain.
 */
export const incrementScript = script(
  "increment",
  `local max = 9007199254740991
local texts, payloads, fresh = {}, {}, {}
for i, key in ipairs(KEYS) do
  local current = redis.call('GET', key)
  local version, count = 0, 0
  if current then
    local v, body = string.match(current, '^(%d+):(.*)$')
    if not v then return redis.error_reply('${FOREIGN_VALUE}') end
    count = string.match(body, '^%-?%d+$') and tonumber(body)
    if not count or math.abs(count) > max then return redis.error_reply('${NOT_INTEGER}') end
    version = tonumber(v)
  end
  count = count + tonumber(ARGV[2 * i])
  if math.abs(count) > max then return redis.error_reply('${NOT_INTEGER}') end
  texts[i] = string.format('%d', count)
  payloads[i] = (version + 1) .. ':' .. texts[i]
  fresh[i] = not current
end
for i, key in ipairs(KEYS) do
  if fresh[i] then
    write(key, payloads[i], ARGV[2 * i + 1])
  else
    redis.call('SET', key, payloads[i], 'KEEPTTL')
  end
end
return texts`,
);

/**
 * Runs `s` on `keys` (one hash slot): `EVALSHA` (the script body is not resent on every call), falling back to
 * `EVAL` once when the server does not have the script cached (after a restart, a failover or
 * `SCRIPT FLUSH`; on a cluster, per node). `EVAL` also caches it for the next `EVALSHA`.
 */
export async function runScript(
  client: Redis | Cluster,
  s: LuaScript,
  keys: readonly string[],
  args: readonly string[],
): Promise<unknown> {
  try {
    return await client.evalsha(s.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
    return await client.eval(s.lua, keys.length, ...keys, ...args);
  }
}
