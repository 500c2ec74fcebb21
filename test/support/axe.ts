import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

/**
 * axe-core (Deque's accessibility engine) run in the page, on the WCAG 2.0 and 2.1 A and AA rules, colour
 * contrast included. The pages' Content-Security-Policy allows no inline script and no script from
 * elsewhere, so `addScriptTag` is refused; playwright's `page.evaluate` runs the engine's source through
 * the DevTools protocol, which the policy does not govern, so nothing about the page is relaxed for it.
 */
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The WCAG levels the pages must meet (issue 14: accessible, contrast included). */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] as const;

/** One failed rule, with the elements that fail it: enough to find and mend it from the test's output. */
export interface Violation {
  rule: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string; why: string }>;
}

interface AxeResult {
  violations: Array<{
    id: string;
    impact?: string | null;
    help: string;
    nodes: Array<{ target: unknown[]; failureSummary?: string }>;
  }>;
}

/** Every violation of the WCAG A/AA rules on the page as it is now (none: an empty list). */
export async function axeViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(
    async (tags: string[]) => {
      const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<unknown> } }).axe;
      return axe.run((globalThis as unknown as { document: unknown }).document, {
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations'],
      });
    },
    [...WCAG_TAGS],
  );
  return (result as AxeResult).violations.map((v) => ({
    rule: v.id,
    impact: v.impact ?? null,
    help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.map(String).join(' '), why: n.failureSummary ?? '' })),
  }));
}
