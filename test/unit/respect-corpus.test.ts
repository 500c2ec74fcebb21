import { RESPECT_CATEGORIES, type RespectCategory } from '../../domain/respect';
import { evaluate, loadCorpus } from '../../bench/respect/score';

/**
 * The respect check's precision and recall on the labelled corpus may not fall below these floors, set a
 * little under what `npm run respect:eval` measures on the held-out test split (README "The respect
 * check"). The dev split is what the rules were written against, so its floors are higher.
 */
const FLOORS: Record<'dev' | 'test', Record<RespectCategory | 'overall', { precision: number; recall: number }>> = {
  dev: {
    blame: { precision: 0.93, recall: 0.95 },
    argument: { precision: 0.92, recall: 0.92 },
    dismissal: { precision: 0.95, recall: 0.92 },
    threat: { precision: 0.95, recall: 0.9 },
    sarcasm: { precision: 0.95, recall: 0.95 },
    jargon: { precision: 0.95, recall: 0.95 },
    readability: { precision: 0.95, recall: 0.95 },
    overall: { precision: 0.95, recall: 0.95 },
  },
  test: {
    blame: { precision: 0.88, recall: 0.7 },
    argument: { precision: 0.95, recall: 0.75 },
    dismissal: { precision: 0.88, recall: 0.88 },
    threat: { precision: 0.95, recall: 0.85 },
    sarcasm: { precision: 0.95, recall: 0.85 },
    jargon: { precision: 0.95, recall: 0.95 },
    readability: { precision: 0.95, recall: 0.95 },
    overall: { precision: 0.94, recall: 0.84 },
  },
};

const corpus = loadCorpus();

describe('the respect corpus', () => {
  it('has at least 300 sentences, every category labelled in both splits, and as many respectful as not', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(300);
    const respectful = corpus.filter((e) => e.labels.length === 0).length;
    expect(respectful).toBeGreaterThanOrEqual(corpus.length - respectful);
    for (const split of ['dev', 'test'] as const) {
      const labels = new Set(corpus.filter((e) => e.split === split).flatMap((e) => e.labels));
      expect([...labels].sort()).toEqual([...RESPECT_CATEGORIES].sort());
    }
    expect(new Set(corpus.map((e) => e.id)).size).toBe(corpus.length);
  });
});

describe.each(['dev', 'test'] as const)('respect check v2 on the %s split', (split) => {
  const result = evaluate(corpus.filter((e) => e.split === split));
  it.each([...RESPECT_CATEGORIES, 'overall' as const])('%s stays at or above its precision and recall floors', (c) => {
    const s = c === 'overall' ? result.overall : result.byCategory[c];
    expect(s.precision ?? 0).toBeGreaterThanOrEqual(FLOORS[split][c].precision);
    expect(s.recall ?? 0).toBeGreaterThanOrEqual(FLOORS[split][c].recall);
  });
});
