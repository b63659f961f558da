/**
 * The import's progress bar: one line on a terminal, redrawn in place, at most ten times a
 * second. Only for a TTY: piped into a file or CI log, carriage returns would be noise.
 *
 * @module
 */

/** What {@link progressBar} returns. */
export interface ProgressBar {
  /** Draws `done` of `total` rows (skipped when drawn less than 100 ms ago, except at the end). */
  readonly update: (progress: { readonly done: number; readonly total: number }) => void;
  /** Ends the line. */
  readonly done: () => void;
}

const WIDTH = 30;

/** A progress bar on `out` (a terminal). `now` is injectable for tests. */
export function progressBar(
  out: { write(text: string): unknown },
  now: () => number = Date.now,
): ProgressBar {
  let last = Number.NEGATIVE_INFINITY;
  let drawn = false;
  return {
    update({ done, total }) {
      const t = now();
      if (done < total && t - last < 100) return;
      last = t;
      const share = total === 0 ? 1 : done / total;
      const filled = Math.round(share * WIDTH);
      const bar = `${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}`;
      out.write(`\r[${bar}] ${Math.floor(share * 100)}% ${done}/${total} rows`);
      drawn = true;
    },
    done() {
      if (drawn) out.write("\n");
    },
  };
}
