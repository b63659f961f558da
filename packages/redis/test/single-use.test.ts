/**
 * The single-use kit on redis: many parallel uses of one secret, and exactly one succeeds
 * (LIFE-03, REL-01).
 */
import { testSingleUse } from "@mfakit/testing";
import type { Redis } from "ioredis";
import { redisStore } from "../src/index.js";
import { connect, sharedRedis } from "./support/redis-server.js";

const redis = sharedRedis();
let client: Redis | undefined;

testSingleUse({
  name: "redis",
  store: async () => {
    client = connect((await redis).url, "single-use");
    return redisStore({ client, keyPrefix: `single${Math.random().toString(36).slice(2, 8)}:` });
  },
  cleanup: async () => {
    await client?.quit().catch(() => client?.disconnect());
    await (await redis).close();
  },
});
