import { instantInWords, isInstant, withDatesInWords } from '../../domain/letters/date-words';
import { renderNotification } from '../../activities/notifications';
import { complaintFixture } from '../support/fixtures';

describe('dates in words', () => {
  it('writes an instant in the calendar’s zone and the letter’s locale, with the zone’s name', () => {
    // Hand-written: 17:00 UTC in December is 5 pm in London (GMT), noon in New York (EST).
    expect(instantInWords('2026-12-07T17:00:00.000Z', 'en-GB', 'Europe/London')).toBe(
      '5:00 pm GMT on Monday 7 December 2026',
    );
    expect(instantInWords('2026-12-07T17:00:00.000Z', 'en-US', 'America/New_York')).toBe(
      '12:00 PM EST on Monday, December 7, 2026',
    );
    // Summer time: 16:30 UTC on 1 July is 5:30 pm in London (BST).
    expect(instantInWords('2026-07-01T16:30:00Z', 'en-GB', 'Europe/London')).toBe(
      '5:30 pm BST on Wednesday 1 July 2026',
    );
    // Across midnight: 23:30 UTC on a Sunday is Monday in Berlin.
    expect(instantInWords('2026-12-06T23:30:00.000Z', 'en-GB', 'Europe/Berlin')).toMatch(
      /^12:30 am .* on Monday 7 December 2026$/,
    );
  });

  it('writes Welsh and US Spanish in their own order and words', () => {
    // "on Monday" in Welsh takes the soft mutation (ddydd); Spanish puts the day first, one o'clock singular.
    expect(instantInWords('2026-12-07T17:00:00.000Z', 'cy-GB', 'Europe/London')).toBe(
      '5:00 PM GMT ddydd Llun 7 Rhagfyr 2026',
    );
    expect(instantInWords('2026-12-07T17:00:00.000Z', 'es-US', 'America/New_York')).toBe(
      'lunes, 7 de diciembre de 2026, a las 12:00 p.m. EST',
    );
    expect(instantInWords('2026-12-07T18:00:00.000Z', 'es-US', 'America/New_York')).toMatch(/, a la 1:00 p\.m\. EST$/);
  });

  it('turns instants into words and leaves every other value alone', () => {
    expect(isInstant('2026-12-07T17:00:00.000Z')).toBe(true);
    expect(isInstant('2026-12-07')).toBe(false);
    expect(isInstant('We will call on 2026-12-07T17:00:00Z')).toBe(false);
    expect(
      withDatesInWords({ due: '2026-12-07T17:00:00.000Z', text: 'Charged twice' }, 'en-GB', 'Europe/London'),
    ).toEqual({
      due: '5:00 pm GMT on Monday 7 December 2026',
      text: 'Charged twice',
    });
  });

  it('puts no raw instant in an acknowledgement to a customer, and keeps exact ones for staff', () => {
    const customer = complaintFixture().customer;
    const vars = {
      firstResponseDeadline: '2026-12-03T09:00:00.000Z',
      finalResponseDeadline: '2027-01-28T17:00:00.000Z',
    };
    const ack = renderNotification({
      complaintId: 'c-1',
      step: 'acknowledgement',
      kind: 'acknowledgement',
      regime: 'fca-disp',
      customer,
      channel: 'email',
      vars,
      timeZone: 'Europe/London',
    });
    expect(ack.body).toContain('9:00 am GMT on Thursday 3 December 2026');
    expect(ack.body).toContain('5:00 pm GMT on Thursday 28 January 2027');
    expect(ack.body).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    const alert = renderNotification({
      complaintId: 'c-1',
      step: 'ladder:x',
      kind: 'deadline-warning',
      regime: 'fca-disp',
      channel: 'internal',
      vars: { clock: 'final-response', deadline: vars.finalResponseDeadline, percent: '50%', lateText: '' },
      timeZone: 'Europe/London',
    });
    expect(alert.body).toContain(vars.finalResponseDeadline);
  });
});
