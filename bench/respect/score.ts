import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkRespect, RESPECT_CATEGORIES, type RespectCategory } from '../../domain/respect';

/**
 * Scoring the respect check against the labelled corpus (test/fixtures/respect-corpus.jsonl): one
 * sentence each, labelled with every category it shows (none for a respectful one), in a fixed `dev`
 * split (used while writing the rules) and `test` split (held out, reported apart, never tuned on).
 * A sentence counts once per category: predicted when the check finds that category anywhere in it.
 */
export interface CorpusEntry {
  id: string;
  text: string;
  labels: RespectCategory[];
  split: 'dev' | 'test';
}

export const CORPUS_FILE = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'respect-corpus.jsonl');

/** The corpus, from the repository's checkout (this file runs from dist/bench/respect or under jest). */
export function loadCorpus(file = existingCorpusFile()): CorpusEntry[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as CorpusEntry);
}

/** Under jest this file runs from bench/respect (two levels down), compiled from dist/bench/respect (three). */
function existingCorpusFile(): string {
  const fromSource = join(__dirname, '..', '..', 'test', 'fixtures', 'respect-corpus.jsonl');
  return __dirname.includes(`${join('dist', 'bench')}`) ? CORPUS_FILE : fromSource;
}

export interface Score {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** Undefined when nothing was predicted (no precision to speak of). */
  precision: number | undefined;
  /** Undefined when nothing is labelled (no recall to speak of). */
  recall: number | undefined;
}

export interface Evaluation {
  byCategory: Record<RespectCategory, Score>;
  /** Micro-averaged over every (sentence, category) pair. */
  overall: Score;
  /** Respectful sentences (no label) on which the check found anything: the cost of a false alarm. */
  respectfulFlagged: { flagged: number; of: number };
  /** The sentences the check got wrong, to read when improving it. */
  misses: Array<{ id: string; text: string; labels: RespectCategory[]; found: RespectCategory[] }>;
}

const score = (tp: number, fp: number, fn: number): Score => ({
  truePositives: tp,
  falsePositives: fp,
  falseNegatives: fn,
  precision: tp + fp === 0 ? undefined : tp / (tp + fp),
  recall: tp + fn === 0 ? undefined : tp / (tp + fn),
});

/** Runs the check over `entries` and scores it per category and overall. */
export function evaluate(entries: readonly CorpusEntry[]): Evaluation {
  const counts = Object.fromEntries(RESPECT_CATEGORIES.map((c) => [c, { tp: 0, fp: 0, fn: 0 }])) as Record<
    RespectCategory,
    { tp: number; fp: number; fn: number }
  >;
  const misses: Evaluation['misses'] = [];
  let flagged = 0;
  let respectful = 0;
  for (const e of entries) {
    const found = [...new Set(checkRespect(e.text).findings.map((f) => f.category))].sort();
    const labels = [...e.labels].sort();
    for (const c of RESPECT_CATEGORIES) {
      const got = found.includes(c);
      const want = labels.includes(c);
      if (got && want) counts[c].tp += 1;
      else if (got) counts[c].fp += 1;
      else if (want) counts[c].fn += 1;
    }
    if (labels.length === 0) {
      respectful += 1;
      if (found.length > 0) flagged += 1;
    }
    if (found.join() !== labels.join()) misses.push({ id: e.id, text: e.text, labels, found });
  }
  const sum = (k: 'tp' | 'fp' | 'fn') => RESPECT_CATEGORIES.reduce((n, c) => n + counts[c][k], 0);
  const byCategory = Object.fromEntries(
    RESPECT_CATEGORIES.map((c) => [c, score(counts[c].tp, counts[c].fp, counts[c].fn)]),
  ) as Record<RespectCategory, Score>;
  return {
    byCategory,
    overall: score(sum('tp'), sum('fp'), sum('fn')),
    respectfulFlagged: { flagged, of: respectful },
    misses,
  };
}
