import type { ResponseKind } from '../policy/vocabulary';
import { RESPONSE_KINDS } from '../policy/vocabulary';
import { TEMPLATE_PARTS, templateParts } from '../response-parts';
import { DEFAULT_FIRM_SETTINGS, parseFirmSettings, type FirmSettings } from './firm-settings';
import { isNotificationKind, KIND_SPECS, NOTIFICATION_KINDS, type NotificationKind } from './kinds';
import { checkTemplate, parseTemplateText, type TemplateText } from './template-file';

/**
 * Every letter template of a deployment, validated as a whole: the files shipped in `templates/` with
 * the operator's from `$REDRESS_TEMPLATE_DIR` over them (platform/template-files.ts reads them; this is
 * pure). Files are `<locale>/<kind>.md`, or `<locale>/<kind>.<regime>.md` where a regime words a kind
 * its own way (the FCA's holding response says the customer may now refer to the ombudsman).
 */

/** The locale every letter can fall back to: it must hold every kind. */
export const BASE_LOCALE = 'en-GB';

/** The locales shipped, in the order a same-language fallback prefers them. */
export const SHIPPED_LOCALES = ['en-GB', 'en-US', 'cy-GB', 'es-US'] as const;

export interface TemplateSet {
  /** locale → `kind` or `kind.regime` → template. */
  readonly locales: ReadonlyMap<string, ReadonlyMap<string, TemplateText>>;
  readonly firm: FirmSettings;
}

/** A file to build the set from: its path (for messages), where it sits, and its text. */
export interface TemplateSource {
  readonly file: string;
  /** The locale directory (`en-GB`). */
  readonly locale: string;
  /** The file name without `.md` (`final-response`, `holding-response.fca-disp`). */
  readonly name: string;
  readonly text: string;
}

/** Loading failed; every problem found is listed, each naming the file and the field. */
export class TemplateLoadError extends Error {
  override readonly name = 'TemplateLoadError';
  constructor(readonly problems: readonly string[]) {
    super(`could not load letter templates:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

const LOCALE = /^[a-z]{2,3}-[A-Z]{2}$/;

/** The regimes whose template parts are declared (response-parts.ts), and any a file is named for. */
function regimesOf(names: Iterable<string>): string[] {
  const named = [...names].flatMap((n) => (n.includes('.') ? [n.slice(n.indexOf('.') + 1)] : []));
  return [...new Set([...Object.keys(TEMPLATE_PARTS), ...named])];
}

const isResponseKind = (kind: string): kind is ResponseKind => (RESPONSE_KINDS as readonly string[]).includes(kind);

/** The parts a file must supply: those of each regime it is the template for in its locale. */
function partsFor(name: string, names: ReadonlySet<string>, regimes: readonly string[]): Set<string> {
  const [kind = '', regime] = name.split('.');
  if (!isResponseKind(kind)) return new Set();
  const users = regime !== undefined ? [regime] : regimes.filter((r) => !names.has(`${kind}.${r}`));
  return new Set(users.flatMap((r) => templateParts(r, kind)));
}

/** Validates every file and the firm settings; throws `TemplateLoadError` listing each problem. */
export function buildTemplateSet(
  sources: readonly TemplateSource[],
  firm?: { file: string; text: string },
): TemplateSet {
  const problems: string[] = [];
  const locales = new Map<string, Map<string, TemplateText>>();
  const files = new Map<string, string>();
  for (const s of sources) {
    if (!LOCALE.test(s.locale)) {
      problems.push(`${s.file}: (path): "${s.locale}" is not a locale directory like en-GB`);
      continue;
    }
    const kind = s.name.split('.')[0] ?? '';
    if (!isNotificationKind(kind) || s.name.split('.').length > 2) {
      problems.push(
        `${s.file}: (path): "${s.name}" is not <kind> or <kind>.<regime> (kinds: ${NOTIFICATION_KINDS.join(', ')})`,
      );
      continue;
    }
    const parsed = parseTemplateText(s.text);
    if (!parsed.ok) {
      problems.push(...parsed.problems.map((p) => `${s.file}: ${p}`));
      continue;
    }
    const byName = locales.get(s.locale) ?? new Map<string, TemplateText>();
    byName.set(s.name, parsed.template);
    locales.set(s.locale, byName);
    files.set(`${s.locale}/${s.name}`, s.file);
  }
  for (const [locale, byName] of locales) {
    const names = new Set(byName.keys());
    const regimes = regimesOf(names);
    for (const [name, template] of byName) {
      const kind = name.split('.')[0] as NotificationKind;
      const found = checkTemplate(kind, template, partsFor(name, names, regimes));
      problems.push(...found.map((p) => `${files.get(`${locale}/${name}`) ?? name}: ${p}`));
    }
  }
  const base = locales.get(BASE_LOCALE);
  for (const kind of NOTIFICATION_KINDS) {
    if (!base?.has(kind)) problems.push(`${BASE_LOCALE}/${kind}.md: missing (every kind falls back to ${BASE_LOCALE})`);
  }
  let settings = DEFAULT_FIRM_SETTINGS;
  if (firm) {
    const parsed = parseFirmSettings(firm.text);
    if (parsed.ok) settings = parsed.settings;
    else problems.push(...parsed.problems.map((p) => `${firm.file}: ${p}`));
  }
  if (problems.length > 0) throw new TemplateLoadError(problems);
  return { locales, firm: settings };
}

const language = (locale: string): string => locale.split('-')[0] ?? locale;

/**
 * The template for a kind, regime and locale, and the locale of its words: the locale's own file (the
 * regime's, else the kind's), else one of the same language (`es-MX` → `es-US`), else en-GB's. The
 * locale reported is the one asked for while the words are in its language (an en-US letter in words
 * en-GB and en-US share), else the fallback's (a staff kind asked for in Welsh is English).
 */
export function resolveTemplate(
  set: TemplateSet,
  kind: NotificationKind,
  regime: string,
  locale: string,
): { template: TemplateText; locale: string } {
  const sameLanguage = [...set.locales.keys()].filter((l) => language(l) === language(locale));
  const preferred = [...SHIPPED_LOCALES, ...set.locales.keys()].filter((l) => sameLanguage.includes(l));
  const chain = [...new Set([locale, ...preferred, BASE_LOCALE])];
  for (const l of chain) {
    const byName = set.locales.get(l);
    const template = byName?.get(`${kind}.${regime}`) ?? byName?.get(kind);
    if (!template) continue;
    const asked = set.locales.has(locale) ? locale : l;
    return { template, locale: language(l) === language(locale) ? asked : l };
  }
  // buildTemplateSet refuses a set without every kind in en-GB.
  throw new TemplateLoadError([`${BASE_LOCALE}/${kind}.md: missing`]);
}

/** Whether the kind is written to customers (and so in every locale). */
export const isCustomerKind = (kind: NotificationKind): boolean => KIND_SPECS[kind].audience === 'customer';
