/**
 * The failure-cap kit on Redis: the parallel guesses race on the server's scripts and still none
 * gets past a cap (RATE-01, RATE-02, RATE-08, REL-02). TTLs run on Redis's own clock, so the
 * kit's fake clock moves the SDK's time only: nothing the cases write expires meanwhile.
 */
import { testFailureCaps } from "@mfakit/testing";
import type { Redis } from "ioredis";
import { redisStore } from "../src/index.js";
import { connect, sharedRedis } from "./support/redis-server.js";

const redis = sharedRedis();
let client: Redis | undefined;

testFailureCaps({
  name: "redis",
  store: async () => {
    client = connect((await redis).url, "failure-caps");
    return redisStore({ client, keyPrefix: `caps${Math.random().toString(36).slice(2, 8)}:` });
  },
  cleanup: async () => {
    await client?.quit().catch(() => client?.disconnect());
    await (await redis).close();
  },
});
