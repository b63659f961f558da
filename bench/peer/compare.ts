/**
 * The peer comparison in a process of its own, started by `peer.bench.ts` on the built packages:
 * prints its figures and exits with the number of goals it missed (at most 100).
 */
import { compareAll } from "../peer.bench.ts";

const misses = await compareAll("its built packages (dist), as published");
process.exitCode = Math.min(misses, 100);
