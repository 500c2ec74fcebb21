import { checkRespect, fleschReadingEase, SEVERITY_OF, type RespectCategory } from '../../domain/respect';
import { clauseStart, negatedAt, quotedRanges } from '../../domain/respect/context';

/** The categories found in `text`, each once, sorted. */
const categories = (text: string): RespectCategory[] =>
  [...new Set(checkRespect(text).findings.map((f) => f.category))].sort();

describe('respect check v2: negation', () => {
  it.each([
    'We did not say you were wrong.',
    'This is not your fault.',
    'We never suggested you should have checked the address.',
    'No one is saying you made a mistake.',
    "We won't take legal action against you.",
  ])('a phrase the agent negates is not a finding: %s', (text) => {
    expect(checkRespect(text).findings).toEqual([]);
  });

  it.each([
    ['You are wrong about the date.', 'argument'],
    ['This is your fault.', 'blame'],
    ['You should have checked the address.', 'blame'],
  ])('the same phrase without the negation is: %s', (text, category) => {
    expect(categories(text)).toEqual([category]);
  });

  it('a phrase carrying its own negation is matched as written', () => {
    expect(categories('You did not read the terms.')).toEqual(['blame']);
    expect(categories('It is not our fault.')).toEqual(['argument']);
  });

  it('a negation does not reach past a clause boundary', () => {
    expect(categories('We are not perfect, but you should have called us.')).toEqual(['blame']);
    const low = 'we are not perfect, but you should have called';
    expect(clauseStart(low, low.indexOf('you'))).toBeGreaterThan(low.indexOf('not'));
    expect(negatedAt(low, low.indexOf('you'))).toBe(false);
    expect(negatedAt('we did not say you were wrong', 'we did not say '.length)).toBe(true);
  });
});

describe('respect check v2: quotation', () => {
  it("the customer's words quoted back are not the agent's", () => {
    expect(checkRespect('You wrote "you should have fixed this weeks ago", and you are right.').findings).toEqual([]);
    expect(checkRespect('Our agent told you to \u201ccalm down\u201d, and I apologise.').findings).toEqual([]);
    expect(checkRespect('You felt \u2018blamed for our mistake\u2019 and I am sorry.').findings).toEqual([]);
  });

  it('the same words outside the quotation marks are found', () => {
    expect(categories('You should have fixed this weeks ago, and calm down.')).toEqual(['blame', 'dismissal']);
  });

  it('an apostrophe does not open a quotation', () => {
    expect(quotedRanges("We don't think it's your fault you couldn't see it.")).toEqual([]);
    expect(categories("Don't worry, it's your fault.")).toEqual(['blame']);
  });

  it('an unclosed quotation ends at the paragraph, not at the end of the text', () => {
    const text = 'You wrote "calm down and wait\n\nPolicy is policy.';
    expect(quotedRanges(text)).toEqual([{ start: 10, end: text.indexOf('\n\n') + 1 }]);
    expect(categories(text)).toEqual(['dismissal']);
  });

  it("scare quotes around the customer's words are the agent's sarcasm", () => {
    expect(categories('Your "urgent" request is in the queue.')).toEqual(['sarcasm']);
  });
});

describe('respect check v2: spans, severities and suggestions', () => {
  it('a span gives the offsets of the words as written in the original text', () => {
    const text = 'Thank you.  As I\nsaid, you FAILED to pay on time.';
    const { findings } = checkRespect(text);
    expect(findings.map((f) => [f.category, f.span.text])).toEqual([
      ['argument', 'As I\nsaid'],
      ['blame', 'you FAILED to'],
    ]);
    for (const f of findings) expect(text.slice(f.span.start, f.span.end)).toBe(f.span.text);
  });

  it('findings come in the order they appear, one per overlapping phrase of a category', () => {
    const { findings } = checkRespect('Policy is policy. There is nothing we can do. Calm down.');
    expect(findings.map((f) => f.span.text)).toEqual(['Policy is policy', 'There is nothing we can do', 'Calm down']);
  });

  it('severe for blame, argument, dismissal and threat; mild for sarcasm, jargon and readability', () => {
    expect(SEVERITY_OF).toEqual({
      blame: 'severe',
      argument: 'severe',
      dismissal: 'severe',
      threat: 'severe',
      sarcasm: 'mild',
      jargon: 'mild',
      readability: 'mild',
    });
    expect(checkRespect('If you do not pay by Friday, we will take legal action.').severe).toBe(true);
    expect(checkRespect('Obviously the refund takes a few days.').severe).toBe(false);
    expect(checkRespect('Thank you for your patience.').severe).toBe(false);
  });

  it('every finding says why and how to say it better', () => {
    const { findings } = checkRespect(
      'You should have read it. As I said, that is not true. Calm down. We will report you. Obviously. Per our records, the SLA applies.',
    );
    expect(new Set(findings.map((f) => f.category))).toEqual(
      new Set(['blame', 'argument', 'dismissal', 'threat', 'sarcasm', 'jargon']),
    );
    for (const f of findings) {
      expect(f.why.length).toBeGreaterThan(10);
      expect(f.suggestion.length).toBeGreaterThan(20);
    }
    // Each category's advice is its own, not one generic line.
    const byCategory = new Map(findings.map((f) => [f.category, f.suggestion]));
    expect(new Set(byCategory.values()).size).toBe(byCategory.size);
  });

  it('an acronym the customer may not know is jargon; everyday ones and shouting are not', () => {
    expect(checkRespect('The SLA is two days.').findings.map((f) => f.span.text)).toEqual(['SLA']);
    expect(checkRespect('Your UK bank will show the VAT on the PDF.').findings).toEqual([]);
    expect(checkRespect('PLEASE READ THIS LETTER.').findings).toEqual([]);
  });

  it('the company\'s duty ("you should have received") is not blame', () => {
    expect(checkRespect('You should have received our letter by now.').findings).toEqual([]);
    expect(checkRespect('You were not told, and you should have been.').findings).toEqual([]);
  });
});

describe('respect check v2: readability', () => {
  it('is Flesch reading ease: 206.835 − 1.015 × words per sentence − 84.6 × syllables per word', () => {
    expect(fleschReadingEase(100, 5, 150)).toBeCloseTo(206.835 - 1.015 * 20 - 84.6 * 1.5, 10);
    // "The cat sat on the mat." has 6 one-syllable words in one sentence.
    expect(checkRespect('The cat sat on the mat.').readingEase).toBeCloseTo(206.835 - 1.015 * 6 - 84.6, 10);
    expect(checkRespect('').readingEase).toBeUndefined();
  });

  it('plain text scores higher than officialese, and only a long hard sentence is a finding', () => {
    const plain = 'We got this wrong. I have refunded the £25 today. You will see it in three days.';
    const hard =
      'Notwithstanding the contractual provisions applicable to your subscription agreement, the organisation has determined that reimbursement of the disputed administrative charges is appropriate in these particular circumstances.';
    expect(checkRespect(plain).readingEase!).toBeGreaterThan(70);
    expect(checkRespect(hard).readingEase!).toBeLessThan(0);
    expect(categories(plain)).toEqual([]);
    expect(
      checkRespect(hard)
        .findings.filter((f) => f.category === 'readability')
        .map((f) => f.span.text),
    ).toEqual([hard]);
    expect(categories('Your reimbursement is authorised.')).toEqual([]);
  });
});
