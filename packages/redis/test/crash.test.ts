/**
 * The crash kit on Redis: the app killed with SIGKILL before each store call and send of the
 * "Contact me" and "Verify" submits, then the user carries on over another connection
 * (REL-01, REL-04, REL-06, APP-01, APP-02). The runs write under a prefix of their own.
 */
import { testCrashes } from "@mfakit/testing";
import { sharedRedis } from "./support/redis-server.js";

const redis = sharedRedis();

testCrashes({
  name: "redis",
  store: async () => ({
    kind: "redis",
    url: (await redis).url,
    keyPrefix: `crash${Math.random().toString(36).slice(2, 8)}:`,
  }),
  cleanup: async () => (await redis).close(),
});
