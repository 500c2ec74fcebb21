import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FirmSettings } from '../../domain/letters/firm-settings';
import {
  KIND_SPECS,
  NOTIFICATION_KINDS,
  SAMPLE_COMPLAINT_ID,
  SAMPLE_CUSTOMER,
  type NotificationKind,
} from '../../domain/letters/kinds';
import { SHIPPED_LOCALES, type TemplateSet } from '../../domain/letters/template-set';
import { renderCustomerLetter, type Letter } from '../../domain/letters/templates';
import type { ResponseKind } from '../../domain/policy/vocabulary';
import { checkRespect } from '../../domain/respect';
import { TEMPLATE_PARTS, templateParts } from '../../domain/response-parts';
import { providedParts, resolutionVars } from '../../domain/drafts/letters';
import { missingParts, type Policy } from '../../domain/policy';
import { loadPolicies } from '../../platform/policy-files';
import { loadTemplates, shippedTemplateDir } from '../../platform/template-files';

/**
 * The shipped letters, every kind in every locale, as the customer reads them: jest snapshots
 * (test/unit/__snapshots__) so a changed word shows in review, and the rules each regulated letter must
 * meet asserted in words (DISP 1 Annex 3R, DISP 1.6.1R, DISP 1.6.2R, DISP 1.6.2AR, DISP 1.5.4R).
 */

const shipped = loadTemplates({ overrideDir: null });
const ZONE: Record<string, string> = { cfpb: 'America/New_York' };
const LEAFLET = {
  name: 'Want to take your complaint further?',
  url: 'https://docs.example/fos-consumer-leaflet.pdf',
  sha256: 'a'.repeat(64),
};

function render(
  kind: NotificationKind,
  regime: string,
  locale: string,
  opts: { set?: TemplateSet; vars?: Record<string, string> } = {},
): Letter {
  const spec = KIND_SPECS[kind];
  return renderCustomerLetter(opts.set ?? shipped, {
    complaintId: SAMPLE_COMPLAINT_ID,
    kind,
    regime,
    ...(spec.audience === 'customer' ? { customer: { ...SAMPLE_CUSTOMER, locale } } : {}),
    vars: { ...spec.sample, ...opts.vars },
    timeZone: ZONE[regime] ?? 'Europe/London',
  });
}

const withFirm = (firm: Partial<FirmSettings>): TemplateSet => ({ ...shipped, firm: { ...shipped.firm, ...firm } });

/** The regimes a kind's letters differ by: its own regime files' and those whose parts it supplies. */
function regimesOf(kind: NotificationKind): readonly string[] {
  if (kind === 'cfpb-response') return ['cfpb'];
  const differs = (r: string) =>
    [...shipped.locales.values()].some((m) => m.has(`${kind}.${r}`)) ||
    (TEMPLATE_PARTS[r]?.[kind as ResponseKind] ?? []).length > 0;
  return ['default', ...['fca-disp', 'fca-payments'].filter(differs)];
}
const REGIMES = Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, regimesOf(k)])) as Record<
  NotificationKind,
  readonly string[]
>;

const customerKinds = NOTIFICATION_KINDS.filter((k) => KIND_SPECS[k].audience === 'customer');
const staffKinds = NOTIFICATION_KINDS.filter((k) => KIND_SPECS[k].audience === 'staff');

describe('the shipped letters', () => {
  it.each(
    SHIPPED_LOCALES.flatMap((locale) =>
      customerKinds.flatMap((kind) => REGIMES[kind].map((regime) => [locale, kind, regime] as const)),
    ),
  )('%s %s (%s) matches its snapshot', (locale, kind, regime) => {
    const letter = render(kind, regime, locale);
    expect(letter.locale).toBe(locale);
    expect(letter).toMatchSnapshot();
  });

  it.each(staffKinds)('staff notice %s is English and matches its snapshot', (kind) => {
    const letter = render(kind, 'default', 'cy-GB');
    expect(letter.locale).toBe('en-GB');
    expect(letter).toMatchSnapshot();
  });

  it.each(['en-GB', 'cy-GB', 'es-US'])(
    'the Annex 3R variants and the enclosed leaflet in %s match their snapshots',
    (locale) => {
      const consent = render('final-response', 'fca-disp', locale, { set: withFirm({ timeLimitWaiver: 'consent' }) });
      const outOfTime = render('final-response', 'fca-disp', locale, { vars: { outsideTimeLimits: 'yes' } });
      const enclosed = render('holding-response', 'fca-disp', locale, { set: withFirm({ ombudsmanLeaflet: LEAFLET }) });
      expect({ consent: consent.body, outOfTime: outOfTime.body, enclosed }).toMatchSnapshot();
    },
  );

  it('has its own file for every customer kind in every locale but en-US, which shares en-GB’s English', () => {
    const files = (locale: string) => readdirSync(join(shippedTemplateDir(), locale)).map((f) => f.split('.')[0]);
    for (const locale of ['en-GB', 'cy-GB', 'es-US'])
      expect(new Set(files(locale))).toEqual(new Set(customerKinds.concat(locale === 'en-GB' ? staffKinds : [])));
    expect(files('en-US')).toEqual(['apology']);
    expect(render('apology', 'cfpb', 'en-US').subject).toBe('We apologize (c-1001)');
    expect(render('final-response', 'cfpb', 'en-US').locale).toBe('en-US');
  });

  it('falls back to the language’s shipped locale, then to en-GB, and says which it used', () => {
    expect(render('question', 'default', 'es-MX')).toMatchObject({
      locale: 'es-US',
      subject: 'Una pregunta sobre su queja (c-1001)',
    });
    expect(render('question', 'default', 'en-AU').locale).toBe('en-GB');
    // A customer's locale may be a bare language (the complaint schema allows `cy`): its shipped locale.
    expect(render('question', 'default', 'cy').locale).toBe('cy-GB');
    expect(render('question', 'default', 'es').locale).toBe('es-US');
    expect(render('question', 'default', 'fr-FR')).toMatchObject({
      locale: 'en-GB',
      subject: 'A question about your complaint (c-1001)',
    });
  });
});

describe('the regulated wording', () => {
  const all = (kind: NotificationKind, regime: string) => SHIPPED_LOCALES.map((l) => render(kind, regime, l));

  it('writes every date in words: no raw instant in any customer letter of any locale or regime', () => {
    for (const locale of SHIPPED_LOCALES)
      for (const kind of customerKinds)
        for (const regime of REGIMES[kind])
          expect(render(kind, regime, locale).body).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}/);
    expect(render('acknowledgement', 'fca-disp', 'en-GB').body).toContain(
      'by 10:00 am GMT on Wednesday 27 January 2027',
    );
    expect(render('acknowledgement', 'fca-disp', 'cy-GB').body).toContain(
      'erbyn 10:00 AM GMT ddydd Mercher 27 Ionawr 2027',
    );
    expect(render('acknowledgement', 'fca-disp', 'es-US').body).toContain(
      'el miércoles, 27 de enero de 2027, a las 10:00 a.m.',
    );
  });

  it('acknowledges with the 8-week promise and the procedure (DISP 1.6.1R, DISP 1.2.1R(3)); payment services with 15 and 35 business days', () => {
    const disp = render('acknowledgement', 'fca-disp', 'en-GB').body;
    expect(disp).toMatch(
      /Within eight weeks we will send you, in writing, either our final response or a holding response/,
    );
    expect(disp).toMatch(/How we handle your complaint:[\s\S]*Financial Ombudsman Service/);
    const psd = render('acknowledgement', 'fca-payments', 'en-GB').body;
    expect(psd).toMatch(/within 15 business days[\s\S]*no later than 35 business days/);
  });

  it('gives the final response Annex 3R’s paragraph for the firm’s position, "do not consent" by default', () => {
    expect(shipped.firm.timeLimitWaiver).toBe('do-not-consent');
    const body = render('final-response', 'fca-disp', 'en-GB').body;
    expect(body).toContain(
      'You have the right to refer your complaint to the Financial Ombudsman Service, free of charge – but you must do so within six months of the date of this letter.',
    );
    expect(body).toContain('the Ombudsman will not have our permission to consider your complaint');
    const consent = render('final-response', 'fca-disp', 'en-GB', {
      set: withFirm({ timeLimitWaiver: 'consent' }),
    }).body;
    expect(consent).toContain('We consent to the Ombudsman considering your complaint');
    expect(consent).not.toContain('will not have our permission');
    // Case by case: the complaint's own position, "do not consent" when it carries none.
    const depends = withFirm({ timeLimitWaiver: 'depends' });
    expect(
      render('final-response', 'fca-disp', 'en-GB', { set: depends, vars: { waiverPosition: 'consent' } }).body,
    ).toContain('We consent');
    expect(render('final-response', 'fca-disp', 'en-GB', { set: depends }).body).toContain(
      'will not have our permission',
    );
    // Annex 3R (2): the complaint itself out of the six-year / three-year limits.
    const late = render('final-response', 'fca-disp', 'en-GB', { vars: { outsideTimeLimits: 'yes' } }).body;
    expect(late).toContain(
      'We think that your complaint was made outside of these time limits but this is a matter for the Ombudsman to decide.',
    );
  });

  it('writes to a customer in the US in US English under any regime, unless they chose a locale', () => {
    const letter = (customer: { locale?: string; jurisdiction?: string }, regime: string) =>
      renderCustomerLetter(shipped, {
        complaintId: SAMPLE_COMPLAINT_ID,
        kind: 'apology',
        regime,
        customer: { ...SAMPLE_CUSTOMER, ...customer },
        vars: { ...KIND_SPECS.apology.sample },
      });
    expect(letter({ jurisdiction: 'US-NY' }, 'default')).toMatchObject({
      locale: 'en-US',
      subject: 'We apologize (c-1001)',
    });
    expect(letter({ jurisdiction: 'US' }, 'default').locale).toBe('en-US');
    expect(letter({ jurisdiction: 'GB-ENG' }, 'default').locale).toBe('en-GB');
    expect(letter({ jurisdiction: 'GB-ENG' }, 'cfpb').locale).toBe('en-US');
    expect(letter({ jurisdiction: 'US-CA', locale: 'es-US' }, 'default').locale).toBe('es-US');
  });

  it("takes the waiver position and the out-of-time finding from the resolve action's body", () => {
    const body = {
      response: 'final-response',
      outcome: 'not-upheld',
      reasons: 'The fee was charged as agreed.',
    } as const;
    const depends = withFirm({ timeLimitWaiver: 'depends' });
    const consented = resolutionVars({ ...body, waiverPosition: 'consent' }, undefined);
    expect(render('final-response', 'fca-disp', 'en-GB', { set: depends, vars: consented }).body).toContain(
      'We consent',
    );
    const late = resolutionVars({ ...body, outsideTimeLimits: true }, undefined);
    expect(late.outsideTimeLimits).toBe('yes');
    expect(render('final-response', 'fca-disp', 'en-GB', { vars: late }).body).toContain(
      'We think that your complaint was made outside of these time limits',
    );
    expect(resolutionVars({ ...body, outsideTimeLimits: false }, undefined)).not.toHaveProperty('outsideTimeLimits');
  });

  it('says in the FCA holding response that the customer may now refer, a final response to follow, unlike the final response', () => {
    for (const l of all('holding-response', 'fca-disp'))
      expect(l.body).toMatch(/may now refer|Gallwch nawr gyfeirio|Ya puede remitir/);
    expect(render('holding-response', 'fca-disp', 'en-GB').body).toMatch(
      /we will send you our final response by 5:00 pm GMT/,
    );
    for (const l of all('final-response', 'fca-disp'))
      expect(l.body).not.toMatch(/may now refer|Gallwch nawr|Ya puede/);
    const psd = render('holding-response', 'fca-payments', 'en-GB').body;
    expect(psd).toMatch(
      /This is a holding response\. We will send you our final response by .*no later than 35 business days/,
    );
  });

  it('mentions the ombudsman and the six months in the summary resolution communication (DISP 1.5.4R)', () => {
    for (const l of all('summary-resolution', 'fca-disp')) {
      expect(l.body).toContain('Financial Ombudsman Service');
      expect(l.body).toMatch(/six months|chwe mis|seis meses/);
      expect(l.body).toContain('www.financial-ombudsman.org.uk');
    }
  });

  it('gives FCA declines no premature ombudsman paragraph', () => {
    for (const regime of ['fca-disp', 'fca-payments'])
      for (const l of all('decline', regime)) expect(l.body).not.toMatch(/Ombudsman|Ombwdsmon|Defensor/i);
  });

  it('still lets a complaint assessed before the decline correction decline: the withdrawn part counted, not printed', () => {
    const fca = loadPolicies({ overridePath: null }).find((p) => p.id === 'fca-disp')!;
    const before: Policy = {
      ...fca,
      responses: {
        ...fca.responses,
        decline: { requiredParts: ['reasons', 'alternatives', 'ombudsman-referral-right'] },
      },
    };
    const provided = providedParts('fca-disp', 'decline', { alternatives: true });
    expect(missingParts(before, 'decline', provided)).toEqual([]);
    expect(missingParts(fca, 'decline', providedParts('fca-disp', 'decline', {}))).toEqual(['alternatives']);
    expect(templateParts('fca-disp', 'decline')).toEqual([]);
  });

  it('writes the CFPB letter in plain words, never the portal’s response types', () => {
    for (const l of all('cfpb-response', 'cfpb')) {
      expect(l.body).not.toMatch(/Status:|closed with monetary relief|closed-with/i);
    }
    expect(render('cfpb-response', 'cfpb', 'en-US').body).toContain(
      'we are putting things right with a payment to you',
    );
  });

  it('encloses the leaflet only with a reference to it: the attachment on the letter, never "we enclose" without one', () => {
    const enclose = /enclose|amgáu|adjunt/i;
    for (const locale of SHIPPED_LOCALES)
      for (const kind of customerKinds)
        for (const regime of REGIMES[kind]) {
          const l = render(kind, regime, locale);
          expect(l.attachments).toEqual([]);
          expect(l.body).not.toMatch(enclose);
        }
    const set = withFirm({ ombudsmanLeaflet: LEAFLET });
    for (const locale of SHIPPED_LOCALES) {
      const l = render('final-response', 'fca-disp', locale, { set });
      expect(l.attachments).toEqual([LEAFLET]);
      expect(l.body).toContain(`"${LEAFLET.name}"`);
      expect(l.body).toMatch(enclose);
    }
    expect(render('final-response', 'default', 'en-GB', { set }).attachments).toEqual([]);
  });

  it('passes the respect check in English (the check reads English only: Welsh and Spanish are reviewed by people)', () => {
    for (const kind of customerKinds)
      for (const regime of REGIMES[kind]) {
        const l = render(kind, regime, 'en-GB');
        const severe = checkRespect(l.body).findings.filter(
          (f) => f.severity === 'severe' && f.category !== 'readability',
        );
        expect({ kind, regime, severe }).toEqual({ kind, regime, severe: [] });
      }
  });
});
