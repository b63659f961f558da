/**
 * A tiny benchmark harness: measure a subject and its baseline in the same process, print both
 * and their ratio next to the target. Ratios hold on a noisy machine; absolute times do not.
 */

/** Result of one measurement. */
export interface Measurement {
  /** Operations per second. */
  readonly opsPerSecond: number;
  /** Mean time per operation, microseconds. */
  readonly meanMicros: number;
  /** Percentiles of single-operation time, microseconds (only when `percentiles` was asked). */
  readonly p50Micros?: number;
  readonly p99Micros?: number;
}

/** Options of {@link measure}. */
export interface MeasureOptions {
  /** How long to run, after warm-up. @default 400 ms */
  readonly durationMs?: number;
  /** Warm-up time. @default 100 ms */
  readonly warmupMs?: number;
  /** Operations run at once (each `fn` call awaited in `concurrency` parallel lanes). @default 1 */
  readonly concurrency?: number;
  /** Record each operation's time for p50 / p99. @default false */
  readonly percentiles?: boolean;
}

const nowMicros = () => Number(process.hrtime.bigint()) / 1000;

/** Runs `fn` repeatedly for a while and reports its throughput (and optionally latency). */
export async function measure(
  fn: () => unknown | Promise<unknown>,
  options: MeasureOptions = {},
): Promise<Measurement> {
  const { durationMs = 400, warmupMs = 100, concurrency = 1, percentiles = false } = options;
  const lane = async (until: number, times: number[] | null) => {
    let n = 0;
    while (nowMicros() < until) {
      const t0 = times ? nowMicros() : 0;
      await fn();
      if (times) times.push(nowMicros() - t0);
      n++;
    }
    return n;
  };
  const warmEnd = nowMicros() + warmupMs * 1000;
  await Promise.all(Array.from({ length: concurrency }, () => lane(warmEnd, null)));
  const times: number[] | null = percentiles ? [] : null;
  const start = nowMicros();
  const counts = await Promise.all(
    Array.from({ length: concurrency }, () => lane(start + durationMs * 1000, times)),
  );
  const elapsed = nowMicros() - start;
  const ops = counts.reduce((a, b) => a + b, 0);
  const result: Measurement = {
    opsPerSecond: (ops / elapsed) * 1e6,
    meanMicros: (elapsed / ops) * concurrency,
  };
  if (!times) return result;
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
  return { ...result, p50Micros: at(0.5), p99Micros: at(0.99) };
}

const fmt = (n: number) =>
  n >= 100 ? Math.round(n).toLocaleString("en") : n.toPrecision(3).replace(/\.?0+$/, "");

/**
 * Prints one comparison: subject vs baseline, the ratio of their mean times, and whether it
 * meets `target` (the largest acceptable ratio subject/baseline; for "at least N× faster"
 * pass `{ atLeastFaster: N }`).
 */
export function report(
  label: string,
  subject: { name: string; m: Measurement },
  baseline: { name: string; m: Measurement },
  target: { maxRatio: number } | { atLeastFaster: number },
): boolean {
  const ratio = subject.m.meanMicros / baseline.m.meanMicros;
  const met = "maxRatio" in target ? ratio <= target.maxRatio : 1 / ratio >= target.atLeastFaster;
  const goal =
    "maxRatio" in target
      ? `target ≤ ${target.maxRatio}×`
      : `target ≥ ${target.atLeastFaster}× faster`;
  const shown = ratio >= 1 ? `${fmt(ratio)}× the baseline's time` : `${fmt(1 / ratio)}× faster`;
  console.log(
    `${met ? "ok  " : "MISS"} ${label}\n` +
      `     ${subject.name}: ${fmt(subject.m.opsPerSecond)} ops/s (${fmt(subject.m.meanMicros)} µs)\n` +
      `     ${baseline.name}: ${fmt(baseline.m.opsPerSecond)} ops/s (${fmt(baseline.m.meanMicros)} µs)\n` +
      `     ratio: ${shown} (${goal})`,
  );
  return met;
}

/** Prints a plain figure with no baseline (e.g. store calls per step). */
export function figure(label: string, value: string): void {
  console.log(`     ${label}: ${value}`);
}
