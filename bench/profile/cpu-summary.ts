import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/**
 * Reads V8 CPU profiles (`node --cpu-prof`) and prints where the process's time went: its self time by
 * part (a package of node_modules, a folder of this project, Node itself, the garbage collector, idle),
 * then the functions with the most self time. Self time, not total, so each sample is counted once.
 *
 *   node dist/bench/profile/cpu-summary.js <file.cpuprofile> [...]
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const PROJECT_FOLDERS = [
  'workflows',
  'workers',
  'activities',
  'clients',
  'platform',
  'domain',
  'store',
  'infra',
  'bench',
  'config',
];

/** The part a frame belongs to, from its script's URL. */
export function partOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1]) return pkg[1];
  // Neither a file nor Node: code evaluated from a string, as the worker evaluates its workflow bundle
  // (checked against a real worker profile before a figure of it is read).
  if (!url.startsWith('file:') && !url.startsWith('/')) return `workflow bundle (${url.split('/')[0] ?? url})`;
  const folder = PROJECT_FOLDERS.find((f) => url.includes(`/dist/${f}/`) || url.includes(`/${f}/`));
  return folder ? `redress ${folder}/` : url;
}

function summarise(file: string, top = 15): string {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfByPart = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  // timeDeltas[i] is the time before sample i; the time a sample stands for is the next delta.
  for (let i = 0; i < p.samples.length; i++) {
    const node = byId.get(p.samples[i] ?? -1);
    if (!node) continue;
    const us = p.timeDeltas[i + 1] ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    const part = partOf(url, functionName);
    selfByPart.set(part, (selfByPart.get(part) ?? 0) + us);
    const fn = `${functionName || '(anonymous)'} ${part}${url ? `:${lineNumber + 1}` : ''}`;
    selfByFunction.set(fn, (selfByFunction.get(fn) ?? 0) + us);
  }
  const total = [...selfByPart.values()].reduce((a, b) => a + b, 0);
  const busy = total - (selfByPart.get('(idle)') ?? 0);
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1)} %`;
  const ms = (us: number) => (us / 1000).toFixed(0);
  const sorted = (m: Map<string, number>) => [...m].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]);
  return [
    `### ${basename(file)}: ${ms(total)} ms profiled, ${ms(busy)} ms busy (${((100 * busy) / total).toFixed(0)} %)`,
    '',
    '| part | self ms | of busy |',
    '| --- | ---: | ---: |',
    ...sorted(selfByPart)
      .slice(0, top)
      .map(([k, v]) => `| ${k} | ${ms(v)} | ${pct(v)} |`),
    '',
    '| function | self ms | of busy |',
    '| --- | ---: | ---: |',
    ...sorted(selfByFunction)
      .slice(0, top)
      .map(([k, v]) => `| \`${k}\` | ${ms(v)} | ${pct(v)} |`),
  ].join('\n');
}

if (require.main === module) {
  const files = process.argv.slice(2);
  if (!files.length) {
    process.stderr.write('usage: node dist/bench/profile/cpu-summary.js <file.cpuprofile> [...]\n');
    process.exit(2);
  }
  process.stdout.write(files.map((f) => summarise(f)).join('\n\n') + '\n');
}
