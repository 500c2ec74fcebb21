import { readFileSync } from 'node:fs';

/**
 * The Temporal server's own counters over one stretch of a benchmark (issue 17's profile): two scrapes of
 * its Prometheus `/metrics`, before and after, and what each operation cost between them. Read with
 * `node dist/bench/profile/server-metrics.js before.prom after.prom [per]` to divide by a complaint count.
 */

/** Every sample of a Prometheus text exposition: `name{labels}` → value. Comments and blank lines skipped. */
export function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    // The value is the last field but one when a timestamp follows it; the server writes none.
    const m = /^([^\s{]+(?:\{.*\})?)\s+(\S+)(?:\s+\d+)?$/.exec(line.trim());
    if (!m?.[1] || m[2] === undefined) continue;
    const value = Number(m[2]);
    if (Number.isFinite(value)) samples.set(m[1], value);
  }
  return samples;
}

function label(series: string, name: string): string {
  return new RegExp(`[{,]${name}="([^"]*)"`).exec(series)?.[1] ?? '';
}

/** A family's growth between two scrapes, summed by one label's value (e.g. `operation`), largest first. */
export function growthBy(
  before: Map<string, number>,
  after: Map<string, number>,
  family: string,
  by: string,
): Array<{ key: string; delta: number }> {
  const sums = new Map<string, number>();
  for (const [series, value] of after) {
    const name = series.split('{')[0];
    if (name !== family) continue;
    const delta = value - (before.get(series) ?? 0);
    if (delta === 0) continue;
    const key = label(series, by);
    sums.set(key, (sums.get(key) ?? 0) + delta);
  }
  return [...sums].map(([key, delta]) => ({ key, delta })).sort((a, b) => b.delta - a.delta);
}

/** The families worth reading for where a complaint goes in the server, with the label each splits by. */
const FAMILIES: Array<{ family: string; by: string; what: string }> = [
  { family: 'service_requests', by: 'operation', what: 'gRPC requests the server answered' },
  { family: 'persistence_requests', by: 'operation', what: 'database operations' },
  { family: 'persistence_latency_sum', by: 'operation', what: 'database time, seconds' },
];

export function report(beforeText: string, afterText: string, per = 1, top = 12): string {
  const before = parsePrometheus(beforeText);
  const after = parsePrometheus(afterText);
  const out: string[] = [];
  for (const { family, by, what } of FAMILIES) {
    const rows = growthBy(before, after, family, by);
    const total = rows.reduce((n, r) => n + r.delta, 0);
    out.push(`\n${family} (${what}), total ${fmt(total)}, per ${per === 1 ? 'run' : 'complaint'} ${fmt(total / per)}`);
    for (const r of rows.slice(0, top)) out.push(`  ${fmt(r.delta / per).padStart(10)}  ${r.key || '(none)'}`);
  }
  return out.join('\n');
}

function fmt(n: number): string {
  return Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(3);
}

if (require.main === module) {
  const [beforeFile, afterFile, per] = process.argv.slice(2);
  if (!beforeFile || !afterFile) {
    process.stderr.write('usage: server-metrics.js before.prom after.prom [divide-by]\n');
    process.exit(2);
  }
  process.stdout.write(
    report(readFileSync(beforeFile, 'utf8'), readFileSync(afterFile, 'utf8'), Number(per ?? 1)) + '\n',
  );
}
