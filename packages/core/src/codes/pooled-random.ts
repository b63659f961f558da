/**
 * A RandomSource that reads its source in blocks and hands the bytes out in order.
 *
 * Each `crypto.getRandomValues` call costs a round trip into the platform's CSPRNG that
 * dominates small draws: an issue draws twice (16 bytes of challenge id, about a dozen for
 * the code). Reading 512 bytes at a time and serving draws from that block is what Node does
 * itself for `crypto.randomInt` (a 6 KiB cache) and `crypto.randomUUID`. Every byte served is
 * the source's and is served once (the tail of a block too short for a draw is dropped): the
 * randomness is exactly the source's (GEN-01), and a deterministic source stays deterministic.
 *
 * @module
 */

import type { RandomSource } from "../ports/clock.js";

/** Bytes read from the source at a time. */
const BLOCK_BYTES = 512;

/** `source`, read `BLOCK_BYTES` at a time; draws larger than a block go straight through. */
export function pooledRandom(source: RandomSource): RandomSource {
  let block: Uint8Array = new Uint8Array(0);
  let used = 0;
  return {
    bytes(length: number): Uint8Array {
      if (length > BLOCK_BYTES) return source.bytes(length);
      if (block.length - used < length) {
        block = source.bytes(BLOCK_BYTES);
        used = 0;
      }
      const out = block.slice(used, used + length);
      // Served bytes are wiped from the block so that they live only in the caller's copy.
      block.fill(0, used, used + length);
      used += length;
      return out;
    },
  };
}
