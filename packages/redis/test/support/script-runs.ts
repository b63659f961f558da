/**
 * Counts the runs of one Lua script a client sends from now on, to pin how many round trips a
 * store call makes.
 */
import type { Cluster, Redis } from "ioredis";
import type { LuaScript } from "../../src/lua-scripts.js";

/**
 * Wraps `client.evalsha` (on this client object only) so that every `EVALSHA` of `script` is
 * counted; returns the counter. Other scripts (the clock readings) are not counted.
 */
export function countScriptRuns(client: Redis | Cluster, script: LuaScript): { runs: number } {
  const counter = { runs: 0 };
  const evalsha = client.evalsha.bind(client);
  client.evalsha = ((...args: Parameters<typeof evalsha>) => {
    if (args[0] === script.sha) counter.runs++;
    return evalsha(...args);
  }) as typeof client.evalsha;
  return counter;
}
