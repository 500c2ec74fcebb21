import { z } from 'zod';
import { formatIssues } from '../policy/parse';
import type { WaiverPosition } from './kinds';

/**
 * The firm's choices the letters depend on, in `templates/firm.json` (an operator's
 * `$REDRESS_TEMPLATE_DIR/firm.json` replaces it whole):
 *
 * - `timeLimitWaiver`: whether the firm consents to the ombudsman considering a complaint referred after
 *   the time limits (DISP 2.8.2R, DISP 2.8.7R), stated in DISP 1 Annex 3R's words in every final
 *   response, FCA holding response and summary resolution communication (DISP 1.6.2R(1)(e),
 *   DISP 1.5.4R(3)). `do-not-consent` (the default: the firm keeps the defence the rules give it),
 *   `consent`, or `depends`: decided per complaint, from the value `waiverPosition` the resolution
 *   carries (`consent` or `do-not-consent`), and `do-not-consent` when it carries none.
 * - `ombudsmanLeaflet`: the Financial Ombudsman Service's explanatory leaflet, by reference (DISP
 *   1.6.2R(1)(f) has the firm enclose it): attached to every letter that says it is enclosed. Without
 *   one, letters say where to read it and never "we enclose".
 */

/** A document a letter refers to as enclosed: the mailer fetches it by `url` or `documentId`, and checks it by `sha256`. */
export const AttachmentSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    url: z.url({ protocol: /^https$/, error: 'must be an https:// URL' }).optional(),
    documentId: z.string().trim().min(1).max(200).optional(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits (the SHA-256 of the document)'),
  })
  .refine((a) => (a.url === undefined) !== (a.documentId === undefined), {
    message: 'give exactly one of url and documentId',
    path: ['url'],
  });
export type Attachment = z.infer<typeof AttachmentSchema>;

export const FirmSettingsSchema = z.strictObject({
  timeLimitWaiver: z.enum(['do-not-consent', 'consent', 'depends']).default('do-not-consent'),
  ombudsmanLeaflet: AttachmentSchema.optional(),
});
export type FirmSettings = z.infer<typeof FirmSettingsSchema>;

export const DEFAULT_FIRM_SETTINGS: FirmSettings = { timeLimitWaiver: 'do-not-consent' };

/** Validates `firm.json`'s text; problems are `field: reason`. */
export function parseFirmSettings(
  text: string,
): { ok: true; settings: FirmSettings } | { ok: false; problems: string[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`(root): not valid JSON: ${(error as Error).message}`] };
  }
  const result = FirmSettingsSchema.safeParse(value);
  return result.success ? { ok: true, settings: result.data } : { ok: false, problems: formatIssues(result.error) };
}

/**
 * The Annex 3R paragraph a letter takes, from the firm's setting and the complaint's facts: the
 * complaint's own `waiverPosition` where the firm decides case by case, and Annex 3R's second paragraph
 * (`out-of-time`) where the firm does not consent and the complaint was itself made outside the
 * six-year / three-year limits (`outsideTimeLimits: "yes"`, the agent's finding).
 */
export function waiverPosition(settings: FirmSettings, vars: Readonly<Record<string, string>>): WaiverPosition {
  const decided =
    settings.timeLimitWaiver === 'depends'
      ? vars.waiverPosition === 'consent'
        ? 'consent'
        : 'do-not-consent'
      : settings.timeLimitWaiver;
  if (decided === 'consent') return 'consent';
  return vars.outsideTimeLimits === 'yes' ? 'out-of-time' : 'do-not-consent';
}
