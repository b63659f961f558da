/**
 * Finding keys by prefix with `SCAN`, for `list`.
 *
 * @module
 */

import type { Cluster, Redis } from "ioredis";

/**
 * `prefix` as a `SCAN MATCH` pattern that matches it literally, followed by `*`: the glob
 * characters `* ? [ ] \` are escaped with a backslash (`^` and `-` are special only inside
 * brackets, which can no longer open).
 *
 * @example prefixPattern("a*b") // "a\\*b*"
 */
export function prefixPattern(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, "\\$&")}*`;
}

/**
 * Every key matching `pattern`, by full `SCAN` iterations (one per master on a cluster). The
 * cost is O(all keys in the database), not O(matches): `MATCH` filters after the scan. A key
 * may be reported twice by SCAN; the result has each once.
 */
export async function scanKeys(
  client: Redis | Cluster,
  pattern: string,
  count: number,
): Promise<string[]> {
  const nodes = client.isCluster ? (client as Cluster).nodes("master") : [client as Redis];
  const keys = new Set<string>();
  await Promise.all(
    nodes.map(async (node) => {
      let cursor = "0";
      do {
        const [next, batch] = await node.scan(cursor, "MATCH", pattern, "COUNT", count);
        for (const key of batch) keys.add(key);
        cursor = next;
      } while (cursor !== "0");
    }),
  );
  return [...keys];
}
