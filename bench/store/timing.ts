/** Latency percentiles of repeated calls, in milliseconds. */
export interface Timing {
  runs: number;
  p50: number;
  p95: number;
}

/** Runs `call` `warmup` times unmeasured, then `runs` times, and returns p50/p95 of the measured runs. */
export async function time(call: () => Promise<unknown>, runs: number, warmup = 5): Promise<Timing> {
  for (let i = 0; i < warmup; i += 1) await call();
  const ms: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const t = process.hrtime.bigint();
    await call();
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)] ?? NaN;
  return { runs, p50: round(at(0.5)), p95: round(at(0.95)) };
}

const round = (x: number) => Math.round(x * 100) / 100;
