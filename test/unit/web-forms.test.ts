import { ACTION_NAMES, ACTIONS } from '../../domain/actions';
import { actionsFor } from '../../clients/web/complaint-page';
import { actionForm, fieldErrorsOf, formFields, inputFromForm } from '../../clients/web/forms';

describe('forms derived from the action registry', () => {
  it('has one control for every field of every action’s input, with its name and whether it is required', () => {
    for (const name of ACTION_NAMES) {
      const shape = (
        ACTIONS[name].input as unknown as { shape: Record<string, { safeParse(v: unknown): { success: boolean } }> }
      ).shape;
      const fields = formFields(ACTIONS[name].input);
      expect(fields.map((f) => f.name)).toEqual(Object.keys(shape));
      for (const f of fields) expect(f.required).toBe(!shape[f.name]!.safeParse(undefined).success);
    }
  });

  it('reads the schema’s kinds: choices, numbers, yes/no, lists and instants', () => {
    const remedy = Object.fromEntries(formFields(ACTIONS.proposeRemedy.input).map((f) => [f.name, f.control]));
    expect(remedy.kind).toEqual({
      kind: 'choice',
      options: ['refund', 'credit', 'replacement', 'repair', 'explanation', 'decline'],
    });
    expect(remedy.amount?.kind).toBe('number');
    expect(remedy.dueInDays).toMatchObject({ kind: 'number', integer: true });
    expect(remedy.meetsDesiredOutcome).toEqual({ kind: 'boolean' });
    expect(remedy.alternatives).toEqual({ kind: 'list' });
    expect(formFields(ACTIONS.extend.input).find((f) => f.name === 'expectedBy')?.control).toEqual({ kind: 'instant' });
  });

  it('turns a form POST back into an input the registry’s schema accepts', () => {
    const fields = formFields(ACTIONS.proposeRemedy.input);
    const input = inputFromForm(fields, {
      kind: 'refund',
      description: ' Refund of the second charge ',
      amount: '300',
      currency: 'GBP',
      dueInDays: '',
      alternatives: 'a call-back\n\nvoucher',
      meetsDesiredOutcome: 'true',
      explanation: '',
    });
    expect(input).toEqual({
      kind: 'refund',
      description: 'Refund of the second charge',
      amount: 300,
      currency: 'GBP',
      alternatives: ['a call-back', 'voucher'],
      meetsDesiredOutcome: true,
    });
    expect(ACTIONS.proposeRemedy.input.safeParse(input).success).toBe(true);
  });

  it('names the fields the schema refuses', () => {
    const fields = formFields(ACTIONS.recordAccount.input);
    const parsed = ACTIONS.recordAccount.input.safeParse(inputFromForm(fields, { account: 'x', confirmed: 'true' }));
    expect(parsed.success).toBe(false);
    expect(fieldErrorsOf(parsed.error!)).toHaveProperty('confirmedHow');
  });

  it('renders a form with the CSRF token, escaped values and errors tied to their control', () => {
    const out = actionForm(
      ACTIONS.addNote,
      'c-"1',
      'tok',
      { values: { text: '<b>hi</b>' }, errors: { text: 'must not be empty' } },
      { nonce: 'n0nce123' },
    ).value;
    expect(out).toMatch(/<input type="hidden" name="_csrf" value="tok"/);
    expect(out).toContain('action="/ui/complaints/c-%221/actions/addNote"');
    // A newline straight after <textarea> is dropped by the HTML parser (the formatter puts one there).
    expect(out).toMatch(/<textarea[^>]*>\n?&lt;b&gt;hi&lt;\/b&gt;<\/textarea/);
    expect(out).toMatch(/aria-describedby="[^"]*addNote-c-_1-text-error"/);
    expect(out).not.toContain('<b>');
  });

  it('offers a role only the actions it may take in the stage, and an auditor none', () => {
    expect(actionsFor('operator', 'remedy').map((a) => a.name)).toContain('proposeRemedy');
    expect(actionsFor('operator', 'remedy').map((a) => a.name)).not.toContain('decideRemedy');
    expect(actionsFor('supervisor', 'remedy').map((a) => a.name)).toContain('decideRemedy');
    expect(actionsFor('operator', 'listening').map((a) => a.name)).not.toContain('proposeRemedy');
    expect(actionsFor('auditor', 'remedy')).toEqual([]);
  });
});
