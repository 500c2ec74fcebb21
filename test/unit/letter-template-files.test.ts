import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TemplateLoadError } from '../../domain/letters/template-set';
import { renderCustomerLetter } from '../../domain/letters/templates';
import { KIND_SPECS } from '../../domain/letters/kinds';
import { loadTemplates, shippedTemplateDir, TEMPLATE_DIR_ENV } from '../../platform/template-files';

/**
 * Template files as an operator edits them: each broken on purpose in an override directory (real files
 * on disk, read by the real loader), the load refused with the file and the field named.
 */

const SHIPPED = shippedTemplateDir();
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'redress-templates-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `<dir>/<path>`: the shipped file of the same path edited by `edit`, or `text` as given. */
function override(path: string, edit: (shipped: string) => string): string {
  const file = join(dir, path);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, edit(readFileSync(join(SHIPPED, path), 'utf8')));
  return file;
}

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof TemplateLoadError) return [...error.problems];
    throw error;
  }
  throw new Error('the templates loaded, but a problem was expected');
}

const load = () => loadTemplates({ env: { [TEMPLATE_DIR_ENV]: dir } });

describe('the template loader', () => {
  it('loads the shipped set with no override', () => {
    expect(() => loadTemplates({ overrideDir: null })).not.toThrow();
  });

  it('refuses a file that lacks a regulated part the regime needs, naming the file, the section and the part', () => {
    const file = override('en-GB/final-response.md', (t) => t.replace(/## annex-3r: consent[\s\S]*?(?=\n## )/, ''));
    expect(problemsOf(load)).toEqual([
      `${file}: section annex-3r: consent: missing (it supplies ombudsman-referral-right, ombudsman-time-limit-6-months, time-limit-waiver-position)`,
    ]);
  });

  it('refuses the Welsh holding response without the leaflet, and a regime file without the contact details', () => {
    const cy = override('cy-GB/holding-response.fca-disp.md', (t) =>
      t.replace(/## ombudsman-leaflet: online[\s\S]*$/, ''),
    );
    const es = override('es-US/holding-response.fca-disp.md', (t) =>
      t.replace(/## ombudsman-contact-details[\s\S]*?(?=\n## )/, ''),
    );
    expect(problemsOf(load).sort()).toEqual(
      [
        `${cy}: section ombudsman-leaflet: online: missing (it supplies ombudsman-leaflet)`,
        `${es}: section ombudsman-contact-details: missing (it supplies ombudsman-contact-details)`,
      ].sort(),
    );
  });

  it('refuses a placeholder the kind does not know, and a body that leaves out what it must say', () => {
    const typo = override('en-GB/acknowledgement.md', (t) => t.replace('Dear {{name}}', 'Dear {{nmae}}'));
    const noReasons = override('es-US/decline.md', (t) => t.replace('{{reasons}}', 'porque sí'));
    const problems = problemsOf(load);
    expect(problems).toContain(
      `${typo}: body: unknown placeholder {{nmae}} (acknowledgement knows {{complaintId}}, {{name}}, {{firstResponseDeadline}}, {{finalResponseDeadline}})`,
    );
    expect(problems).toContain(`${noReasons}: body: must use {{reasons}}`);
    expect(problems).toHaveLength(2);
  });

  it('refuses the leaflet’s name where no leaflet is enclosed (it would have no value to render)', () => {
    const file = override('en-GB/final-response.md', (t) =>
      t.replace('You can read the ombudsman', 'You can read "{{leafletName}}", the ombudsman'),
    );
    expect(problemsOf(load)).toEqual([
      `${file}: section ombudsman-leaflet: online: unknown placeholder {{leafletName}} (final-response knows {{complaintId}}, {{name}})`,
    ]);
  });

  it('refuses a broken front matter, an unknown section and an unknown kind', () => {
    const noSubject = override('cy-GB/question.md', (t) => t.replace(/^subject: .*$/m, 'subjet: Cwestiwn'));
    const stray = override('en-GB/survey.md', (t) => `${t}\n## annex-3r: consent\nWe consent.\n`);
    writeFileSync(join(dir, 'en-GB', 'complaint-letter.md'), '---\nsubject: x\n---\nbody\n');
    const problems = problemsOf(load);
    expect(problems).toEqual(
      expect.arrayContaining([
        `${noSubject}: subjet: unknown field (the front matter has only "subject")`,
        `${noSubject}: subject: missing or empty`,
        `${stray}: section annex-3r: consent: not a section of survey (it has none)`,
        expect.stringMatching(/complaint-letter\.md: \(path\): "complaint-letter" is not <kind> or <kind>\.<regime>/),
      ]),
    );
  });

  it('refuses a firm.json whose leaflet reference is not one (a hash, one of url or documentId)', () => {
    const firm = join(dir, 'firm.json');
    writeFileSync(
      firm,
      JSON.stringify({ timeLimitWaiver: 'sometimes', ombudsmanLeaflet: { name: 'Leaflet', sha256: 'abc' } }),
    );
    expect(problemsOf(load)).toEqual([
      `${firm}: timeLimitWaiver: Invalid option: expected one of "do-not-consent"|"consent"|"depends"`,
      `${firm}: ombudsmanLeaflet.sha256: must be 64 lower-case hex digits (the SHA-256 of the document)`,
      `${firm}: ombudsmanLeaflet.url: give exactly one of url and documentId`,
    ]);
  });

  it('refuses a REDRESS_TEMPLATE_DIR that does not exist', () => {
    expect(problemsOf(() => loadTemplates({ env: { [TEMPLATE_DIR_ENV]: join(dir, 'nope') } }))).toEqual([
      `${TEMPLATE_DIR_ENV}=${join(dir, 'nope')}: no such directory`,
    ]);
  });

  it('renders an operator’s wording and firm settings over the shipped ones, the rest as shipped', () => {
    override('en-GB/final-response.md', (t) =>
      t.replace('This is our final response to your complaint.', 'Here is our final answer.'),
    );
    const leaflet = { name: 'Your complaint and the ombudsman', documentId: 'doc-fos-2026', sha256: 'b'.repeat(64) };
    writeFileSync(join(dir, 'firm.json'), JSON.stringify({ timeLimitWaiver: 'consent', ombudsmanLeaflet: leaflet }));
    const set = load();
    const letter = renderCustomerLetter(set, {
      complaintId: 'c-7',
      kind: 'final-response',
      regime: 'fca-disp',
      customer: { name: 'Ada' },
      vars: { ...KIND_SPECS['final-response'].sample },
      timeZone: 'Europe/London',
    });
    expect(letter.body).toContain('Here is our final answer.');
    expect(letter.body).toContain('We consent to the Ombudsman considering your complaint');
    expect(letter.body).toContain(
      'We enclose the ombudsman\'s explanatory leaflet, "Your complaint and the ombudsman".',
    );
    expect(letter.attachments).toEqual([leaflet]);
    // Not overridden: as shipped.
    const shipped = loadTemplates({ overrideDir: null });
    expect(set.locales.get('cy-GB')?.get('final-response')).toEqual(
      shipped.locales.get('cy-GB')?.get('final-response'),
    );
  });

  it('takes a whole new locale from the override directory', () => {
    const fr = join(dir, 'fr-FR', 'question.md');
    cpSync(join(SHIPPED, 'en-GB', 'question.md'), fr);
    writeFileSync(fr, readFileSync(fr, 'utf8').replace('To put this right', 'Pour corriger cela'));
    const letter = renderCustomerLetter(load(), {
      complaintId: 'c-8',
      kind: 'question',
      regime: 'default',
      customer: { name: 'Ada', locale: 'fr-FR' },
      vars: { question: 'Quelle carte ?' },
    });
    expect(letter.locale).toBe('fr-FR');
    expect(letter.body).toContain('Pour corriger cela');
  });
});
