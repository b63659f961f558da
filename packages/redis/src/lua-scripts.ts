/**
 * The Lua scripts behind the writes that must compare before they write, and how they run.
 *
 * Redis runs a script atomically: no other command runs between its read and its write, so a
 * compare-and-set or a counter bump needs no WATCH/retry loop and cannot lose an update
 * (REL-01, REL-02). Each script touches one key, `KEYS[1]`, except the counter script and the
 * put-and-count script, which take several keys that the caller keeps in one hash slot; so on
 * Redis Cluster a script always runs inside one hash slot and never fails with CROSSSLOT.
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
 * The compare-and-set check of the put scripts: `cas(key, mode, expected)` with mode `any` |
 * `absent` | `version`. Returns `true, newVersion` when the put may be written, `false,
 * currentRawValueOrFalse` when its condition fails, or `nil, nil, error` for a value this
 * adapter did not write. Writes nothing.
 */
const CAS = `local function cas(key, mode, expected)
  local current = redis.call('GET', key)
  local version = 0
  if current then
    version = tonumber(string.match(current, '^(%d+):'))
    if not version then return nil, nil, '${FOREIGN_VALUE}' end
  end
  if (mode == 'absent' and current) or (mode == 'version' and (not current or version ~= tonumber(expected))) then
    return false, current
  end
  return true, version + 1
end
`;

/**
 * The counter steps of the counting scripts, checked before any is written so that a refusal
 * (a key holding anything but a safe integer, a result outside the safe-integer range) writes
 * nothing. `plan(first, last, base)` reads the counters `KEYS[first..last]`; the j-th of them adds
 * `ARGV[base + 2j]`, with the TTL in ms `ARGV[base + 2j + 1]` ("" for none) if it creates the
 * counter. Returns the steps, or `nil, error`. `apply(steps)` writes them (the TTL only on
 * create: a fixed window that never slides) and returns the new counts as decimal strings
 * (ioredis 6 rounds integer replies near 2^53, a bulk string is exact). A script that failed
 * between two writes would keep the first (Redis has no rollback); past the checks only SETs
 * of well-formed strings remain.
 */
const COUNT = `local function plan(first, last, base)
  local max = 9007199254740991
  local steps = {}
  for i = first, last do
    local j = i - first + 1
    local current = redis.call('GET', KEYS[i])
    local version, count = 0, 0
    if current then
      local v, body = string.match(current, '^(%d+):(.*)$')
      if not v then return nil, '${FOREIGN_VALUE}' end
      count = string.match(body, '^%-?%d+$') and tonumber(body)
      if not count or math.abs(count) > max then return nil, '${NOT_INTEGER}' end
      version = tonumber(v)
    end
    count = count + tonumber(ARGV[base + 2 * j])
    if math.abs(count) > max then return nil, '${NOT_INTEGER}' end
    local text = string.format('%d', count)
    steps[j] = {KEYS[i], (version + 1) .. ':' .. text, not current, ARGV[base + 2 * j + 1], text}
  end
  return steps
end
local function apply(steps)
  local texts = {}
  for j, step in ipairs(steps) do
    if step[3] then
      write(step[1], step[2], step[4])
    else
      redis.call('SET', step[1], step[2], 'KEEPTTL')
    end
    texts[j] = step[5]
  end
  return texts
end
`;

/**
 * Compare-and-set.
 * KEYS[1] the key. ARGV[1] the deadline; ARGV[2] `any` | `absent` | `version`; ARGV[3] the
 * expected version; ARGV[4] the JSON value; ARGV[5] the TTL in ms, or "" for none.
 * Returns `{1, newVersion}` or `{0, currentRawValueOrNil}`.
 */
export const putScript = script(
  "put",
  `${CAS}local ok, result, err = cas(KEYS[1], ARGV[2], ARGV[3])
if err then return redis.error_reply(err) end
if not ok then return {0, result} end
write(KEYS[1], result .. ':' .. ARGV[4], ARGV[5])
return {1, result}`,
);

/**
 * Counter bumps, one key or a batch, with a TTL set only on create (a fixed window that never
 * slides). KEYS the counters (distinct, one hash slot). ARGV[1] the deadline; then for the
 * i-th key ARGV[2i] the integer to add and ARGV[2i+1] the TTL in ms if this call creates the
 * counter, or "" for none. Returns the new counts in the keys' order, as decimal strings.
 * All or nothing: every counter is checked before any is written (see {@link COUNT}).
 */
export const incrementScript = script(
  "increment",
  `${COUNT}local steps, err = plan(1, #KEYS, 0)
if err then return redis.error_reply(err) end
return apply(steps)`,
);

/**
 * A compare-and-set and, only if it holds, counter bumps and unconditional extra puts:
 * `putAndCount` in one script, so in one hash slot (or on a single server) one atomic step.
 * KEYS[1] the put's key, KEYS[2..1+n] the n counters, KEYS[2+n..] the extra puts (every key
 * distinct). ARGV[1] the deadline; ARGV[2..5] as {@link putScript}; ARGV[6] n; then for the
 * j-th counter ARGV[5 + 2j] the integer to add and ARGV[6 + 2j] its TTL on create; then for
 * the k-th extra put ARGV[5 + 2n + 2k] its JSON and ARGV[6 + 2n + 2k] its TTL ("" for none).
 * The condition, every counter and every extra key (one this adapter wrote, or none) are
 * checked before anything is written, so a lost compare-and-set counts and writes nothing
 * more, and a refused counter leaves the put and the extra puts unwritten too.
 * Returns `{1, newVersion, count…}` (decimal strings) or `{0, currentRawValueOrNil}`.
 */
export const putAndCountScript = script(
  "putAndCount",
  `${CAS}${COUNT}local ok, result, err = cas(KEYS[1], ARGV[2], ARGV[3])
if err then return redis.error_reply(err) end
if not ok then return {0, result} end
local n = tonumber(ARGV[6])
local steps, refused = plan(2, 1 + n, 5)
if refused then return redis.error_reply(refused) end
local puts = {}
for i = 2 + n, #KEYS do
  local current = redis.call('GET', KEYS[i])
  local version = 0
  if current then
    version = tonumber(string.match(current, '^(%d+):'))
    if not version then return redis.error_reply('${FOREIGN_VALUE}') end
  end
  local a = 5 + 2 * n + 2 * (i - 1 - n)
  puts[#puts + 1] = {KEYS[i], (version + 1) .. ':' .. ARGV[a], ARGV[a + 1]}
end
write(KEYS[1], result .. ':' .. ARGV[4], ARGV[5])
local reply = {1, result}
for j, text in ipairs(apply(steps)) do reply[j + 2] = text end
for _, p in ipairs(puts) do write(p[1], p[2], p[3]) end
return reply`,
);

/**
 * Runs `s` on `keys` (one hash slot): `EVALSHA` (the script body is not resent on every call), falling back to
 * `EVAL` once when the server does not have the script cached (after a restart, a failover or
 * `SCRIPT FLUSH`; on a cluster, per node). `EVAL` also caches it for the next `EVALSHA`.
 *
 * This is what ioredis's `defineCommand` does too (its `Script` sends `EVALSHA` and resends as
 * `EVAL` on `NOSCRIPT`), without adding commands to a client the application owns.
 */
export function runScript(
  client: Redis | Cluster,
  s: LuaScript,
  keys: readonly string[],
  args: readonly string[],
): Promise<unknown> {
  return client.evalsha(s.sha, keys.length, ...keys, ...args).then(undefined, (error: unknown) => {
    if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
    return client.eval(s.lua, keys.length, ...keys, ...args);
  });
}
