import { KIND_SPECS, SAMPLE_COMPLAINT_ID, SAMPLE_CUSTOMER } from '../../domain/letters/kinds';
import { checkTemplate, parseTemplateText } from '../../domain/letters/template-file';
import { renderCustomerLetter } from '../../domain/letters/templates';
import { loadTemplates } from '../../platform/template-files';

/**
 * The apology for a missed holding-response date quotes the promise we broke (issue 15). That promise is
 * no agent's words but the firm's, so it comes from the letter's own template (`## holding-promise`), in
 * the customer's locale: a Welsh or Spanish letter no longer quotes an English sentence in its middle.
 */
const shipped = loadTemplates({ overrideDir: null });
const { sample } = KIND_SPECS['commitment-apology'];

/** The apology as the workflow asks for it after a holding response's date passed (`promise: holding`). */
const holdingApology = (locale: string) =>
  renderCustomerLetter(shipped, {
    complaintId: SAMPLE_COMPLAINT_ID,
    kind: 'commitment-apology',
    regime: 'fca-disp',
    customer: { ...SAMPLE_CUSTOMER, locale },
    vars: { promise: 'holding', dueAt: sample.dueAt!, newDueAt: sample.newDueAt! },
    timeZone: 'Europe/London',
  });

const ENGLISH_PROMISE = 'We will send you our final response.';

it.each([
  ['cy-GB', 'Dywedom wrthych: "Byddwn yn anfon ein hymateb terfynol atoch."'],
  ['es-US', 'Le dijimos: "Le enviaremos nuestra respuesta final."'],
])('quotes the holding promise in the letter’s own language (%s)', (locale, quoted) => {
  const letter = holdingApology(locale);
  expect(letter.locale).toBe(locale);
  expect(letter.body).toContain(quoted);
  expect(letter.body).not.toContain(ENGLISH_PROMISE);
  expect(letter).toMatchSnapshot();
});

it('quotes it in English for an English letter, as before', () => {
  expect(holdingApology('en-GB').body).toContain(`We told you: "${ENGLISH_PROMISE}"`);
});

it("quotes an agent's promise in the agent's words, whatever the locale", () => {
  const letter = renderCustomerLetter(shipped, {
    complaintId: SAMPLE_COMPLAINT_ID,
    kind: 'commitment-apology',
    regime: 'default',
    customer: { ...SAMPLE_CUSTOMER, locale: 'cy-GB' },
    vars: { ...sample },
  });
  expect(letter.body).toContain(`"${sample.words}"`);
});

it('refuses a commitment-apology template without the holding promise, naming the section', () => {
  const parsed = parseTemplateText(
    '---\nsubject: Sorry ({{complaintId}})\n---\n{{name}}: "{{words}}" {{dueAt}} {{newDueAt}}\n',
  );
  expect(parsed.ok).toBe(true);
  const problems = parsed.ok ? checkTemplate('commitment-apology', parsed.template, new Set()) : [];
  expect(problems).toEqual(['section holding-promise: missing']);
});
