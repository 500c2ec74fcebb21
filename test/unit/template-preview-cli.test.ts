import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../clients/cli/main';
import { captureIo } from '../support/cli-io';
import { TEMPLATE_DIR_ENV, shippedTemplateDir } from '../../platform/template-files';

const capture = captureIo;

describe('redress template preview', () => {
  it('renders a kind for a regime and locale with its sample values, dates in words in the regime’s zone', async () => {
    const c = capture();
    const code = await main(
      ['template', 'preview', 'acknowledgement', '--regime', 'fca-disp', '--locale', 'en-GB'],
      c.io,
    );
    expect(c.err).toEqual([]);
    expect(code).toBe(0);
    const text = c.out.join('\n');
    expect(text).toMatch(
      /^kind acknowledgement, regime fca-disp, locale en-GB\nsubject: We have received your complaint \(c-1001\)/,
    );
    expect(text).toContain('Within eight weeks we will send you, in writing');
    expect(text).toContain('by 10:00 am GMT on Wednesday 27 January 2027 at the latest');
  });

  it('prints JSON with the locale used and the attachments, and takes values with --var', async () => {
    const c = capture();
    const code = await main(
      [
        'template',
        'preview',
        'final-response',
        '--regime',
        'fca-payments',
        '--locale',
        'es-MX',
        '--var',
        'outcome=not-upheld',
        '--json',
      ],
      c.io,
    );
    expect(code).toBe(0);
    const letter = JSON.parse(c.out.join('\n')) as { locale: string; body: string; attachments: unknown[] };
    expect(letter.locale).toBe('es-US');
    expect(letter.body).toContain('Nuestra decisión: no le damos la razón.');
    expect(letter.attachments).toEqual([]);
  });

  it('refuses an unknown kind or regime (exit 1) and missing options (exit 2), naming what is wrong', async () => {
    const kind = capture();
    expect(await main(['template', 'preview', 'letter', '--regime', 'fca-disp', '--locale', 'en-GB'], kind.io)).toBe(1);
    expect(kind.err.join('\n')).toMatch(/KIND: unknown kind "letter"; kinds: acknowledgement, /);
    const regime = capture();
    expect(await main(['template', 'preview', 'decline', '--regime', 'fca', '--locale', 'en-GB'], regime.io)).toBe(1);
    expect(regime.err.join('\n')).toMatch(/--regime: unknown regime "fca"; regimes: .*fca-disp/);
    const usage = capture();
    expect(await main(['template', 'preview', 'decline'], usage.io)).toBe(2);
    expect(usage.err.join('\n')).toMatch(/expected KIND, --regime and --locale/);
  });

  describe('as the installed bin, with an operator’s directory', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'redress-preview-'));
      mkdirSync(join(dir, 'cy-GB'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const bin = join(__dirname, '../../dist/clients/cli/main.js');
    const preview = () =>
      spawnSync(
        process.execPath,
        [bin, 'template', 'preview', 'progress-update', '--regime', 'fca-disp', '--locale', 'cy-GB'],
        {
          encoding: 'utf8',
          env: { ...process.env, [TEMPLATE_DIR_ENV]: dir },
        },
      );
    const shipped = readFileSync(join(shippedTemplateDir(), 'cy-GB', 'progress-update.md'), 'utf8');

    it('renders the operator’s file', () => {
      writeFileSync(
        join(dir, 'cy-GB', 'progress-update.md'),
        shipped.replace('Rydym yn dal i edrych', 'Rydym yn parhau i edrych'),
      );
      const result = preview();
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toContain('Rydym yn parhau i edrych ar eich cwyn (cyfeirnod c-1001)');
    });

    it('fails on a bad one, naming the file and the field', () => {
      const file = join(dir, 'cy-GB', 'progress-update.md');
      writeFileSync(file, shipped.replace('{{finalResponseDeadline}}', '{{deadline}}'));
      const result = preview();
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`${file}: body: unknown placeholder {{deadline}}`);
      expect(result.stderr).toContain(`${file}: body: must use {{finalResponseDeadline}}`);
    });
  });
});
