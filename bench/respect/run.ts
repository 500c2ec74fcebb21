import { RESPECT_CATEGORIES } from '../../domain/respect';
import { evaluate, loadCorpus, type Evaluation, type Score } from './score';

/**
 * `npm run respect:eval`: the respect check's precision and recall on the labelled corpus, per category
 * and overall, for the dev split and the held-out test split apart. `--misses` also lists what it got wrong.
 */
const pct = (x: number | undefined) => (x === undefined ? '   –  ' : `${(x * 100).toFixed(1).padStart(5)}%`);
const row = (name: string, s: Score) =>
  `${name.padEnd(12)} ${pct(s.precision)}  ${pct(s.recall)}   ${String(s.truePositives).padStart(3)} ${String(s.falsePositives).padStart(3)} ${String(s.falseNegatives).padStart(3)}`;

function report(title: string, e: Evaluation, misses: boolean): void {
  console.log(`\n${title}`);
  console.log('category     precision  recall   tp  fp  fn');
  for (const c of RESPECT_CATEGORIES) console.log(row(c, e.byCategory[c]));
  console.log(row('overall', e.overall));
  console.log(`respectful sentences flagged: ${e.respectfulFlagged.flagged} of ${e.respectfulFlagged.of}`);
  if (misses)
    for (const m of e.misses)
      console.log(`  ${m.id} want [${m.labels.join(',')}] got [${m.found.join(',')}]: ${m.text}`);
}

const corpus = loadCorpus();
const showMisses = process.argv.includes('--misses');
console.log(`respect check v2 on ${corpus.length} sentences`);
report('dev split', evaluate(corpus.filter((e) => e.split === 'dev')), showMisses);
report('test split (held out)', evaluate(corpus.filter((e) => e.split === 'test')), false);
report('all', evaluate(corpus), false);
