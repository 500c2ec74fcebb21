import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  buildTemplateSet,
  TemplateLoadError,
  type TemplateSet,
  type TemplateSource,
} from '../domain/letters/template-set';
import { findShippedDir } from './shipped-dir';

/**
 * Reading the letter templates: the files shipped in the repository's `templates/` directory, then the
 * operator's from the directory named by `REDRESS_TEMPLATE_DIR` (same layout: `<locale>/<kind>[.<regime>].md`
 * and `firm.json`), a file there replacing the shipped file of the same path. Validated as a whole
 * (domain/letters/template-set.ts), so a bad file stops the process at start-up, naming the file and
 * the field, rather than a letter on the first complaint. Node only: the worker's activities and the
 * API render with the set; workflow code never renders.
 */

/** The environment variable naming the operator's template directory. */
export const TEMPLATE_DIR_ENV = 'REDRESS_TEMPLATE_DIR';

export interface TemplateLoadOptions {
  /** The shipped templates; defaults to the repository's `templates/` directory. */
  readonly shippedDir?: string;
  /** The operator's directory; defaults to `$REDRESS_TEMPLATE_DIR`; null for none. */
  readonly overrideDir?: string | null;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The repository's `templates/` directory, found by walking up from this file (source or dist/). */
export function shippedTemplateDir(): string {
  const dir = findShippedDir('templates');
  if (!dir) throw new TemplateLoadError([`no templates/ directory found above ${__dirname}`]);
  return dir;
}

/** `<locale>/<name>.md` → file path, for one root directory. */
function filesIn(root: string): Map<string, { file: string; locale: string; name: string }> {
  const found = new Map<string, { file: string; locale: string; name: string }>();
  for (const locale of readdirSync(root).sort()) {
    const dir = join(root, locale);
    if (!statSync(dir).isDirectory()) continue;
    for (const entry of readdirSync(dir).sort()) {
      if (!entry.endsWith('.md')) continue;
      const name = entry.slice(0, -'.md'.length);
      found.set(`${locale}/${name}`, { file: join(dir, entry), locale, name });
    }
  }
  return found;
}

/** Loads and validates the deployment's templates; throws `TemplateLoadError` listing every problem. */
export function loadTemplates(options: TemplateLoadOptions = {}): TemplateSet {
  const shipped = options.shippedDir ?? shippedTemplateDir();
  const env = options.env ?? process.env;
  const override = options.overrideDir === undefined ? env[TEMPLATE_DIR_ENV] || null : options.overrideDir;
  const roots = [shipped];
  if (override !== null) {
    const dir = resolve(override);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new TemplateLoadError([`${TEMPLATE_DIR_ENV}=${override}: no such directory`]);
    }
    roots.push(dir);
  }
  const files = new Map<string, { file: string; locale: string; name: string }>();
  let firm: string | undefined;
  for (const root of roots) {
    for (const [key, f] of filesIn(root)) files.set(key, f);
    if (existsSync(join(root, 'firm.json'))) firm = join(root, 'firm.json');
  }
  const sources: TemplateSource[] = [...files.values()].map((f) => ({ ...f, text: readFileSync(f.file, 'utf8') }));
  return buildTemplateSet(sources, firm ? { file: firm, text: readFileSync(firm, 'utf8') } : undefined);
}

let loaded: TemplateSet | undefined;

/**
 * The templates of this process, loaded on first use and kept: the notification activity and the API's
 * drafts render with the same set, read once (a change of files takes a restart, as policies do).
 */
export function deploymentTemplates(): TemplateSet {
  loaded ??= loadTemplates();
  return loaded;
}
