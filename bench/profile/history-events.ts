import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { repoRoot } from '../../infra/paths';

/**
 * Where a complaint's history events go: reads recorded histories of the replay corpus and prints, for
 * each, its events by type and its workflow tasks one a line (what woke the task, what it wrote), so a
 * change that means to save events can be judged against the events it would save.
 *
 *   node dist/bench/profile/history-events.js [history.json ...]   (default: the happy path)
 */
const EventType = temporal.api.enums.v1.EventType;
type Event = temporal.api.history.v1.IHistoryEvent;

const short = (e: Event): string =>
  (EventType[e.eventType ?? 0] ?? 'UNKNOWN')
    .replace('EVENT_TYPE_', '')
    .replace('WORKFLOW_EXECUTION_', '')
    .toLowerCase();

/** A local activity's marker says which activity it recorded; every other event is its type. */
function label(e: Event): string {
  const marker = e.markerRecordedEventAttributes;
  if (marker?.markerName === 'core_local_activity') {
    const data = marker.details?.data?.payloads?.[0]?.data;
    const recorded = data ? (JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type?: string }) : {};
    return `local activity ${recorded.activity_type ?? '?'}`;
  }
  if (marker) return `marker ${marker.markerName ?? '?'}`;
  return short(e);
}

const TASK = new Set(['workflow_task_scheduled', 'workflow_task_started', 'workflow_task_completed']);
/** What wakes a task, as opposed to what a task writes. */
const INPUTS = new Set(['started', 'signaled', 'timer_fired']);

function breakdown(file: string): string {
  const text = JSON.parse(readFileSync(file, 'utf8')) as { scenario: string; history: string };
  const events = temporal.api.history.v1.History.decode(Buffer.from(text.history, 'base64')).events;
  const byType = new Map<string, number>();
  for (const e of events) byType.set(label(e), (byType.get(label(e)) ?? 0) + 1);
  // A task is what happened since the last task completed (its inputs) and what it wrote (its commands).
  const tasks: { inputs: string[]; commands: string[] }[] = [];
  let inputs: string[] = [];
  let current: string[] | undefined;
  for (const e of events) {
    const l = label(e);
    if (l === 'workflow_task_completed') {
      current = [];
      tasks.push({ inputs, commands: current });
      inputs = [];
    } else if (TASK.has(l)) continue;
    // An update is accepted by the task that ran its handler, so its event follows that task's completion.
    else if (l === 'update_accepted' && current) tasks[tasks.length - 1]?.inputs.push(l);
    else if (current && !INPUTS.has(l)) current.push(l);
    else inputs.push(l);
  }
  const lines = [
    `### ${text.scenario} (${basename(file)}): ${events.length} events, ${tasks.length} workflow tasks`,
    '',
    '| events | type |',
    '| ---: | --- |',
    ...[...byType].sort((a, b) => b[1] - a[1]).map(([t, n]) => `| ${n} | ${t} |`),
    '',
    '| task | woken by | wrote |',
    '| ---: | --- | --- |',
    ...tasks.map((t, i) => `| ${i + 1} | ${t.inputs.join(', ') || '—'} | ${t.commands.join(', ') || '(nothing)'} |`),
  ];
  return lines.join('\n');
}

const files = process.argv.slice(2);
const chosen = files.length
  ? files
  : [join(repoRoot(), 'test', 'replay', 'histories', 'happy-path@outbox-engine.json')];
process.stdout.write(chosen.map(breakdown).join('\n\n') + '\n');
