/**
 * @mfakit/redis: the Store port on Redis and Redis Cluster, through an injected ioredis client.
 *
 * @packageDocumentation
 */

// Client setup
export { redisClientOptions } from "./client-options.js";
// Store
export { type RedisStoreOptions, redisStore } from "./redis-store.js";
