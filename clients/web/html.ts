/**
 * The one HTML escaper of the people's pages. Every page is built with the `html` tagged template:
 * each interpolated value is escaped unless it is already {@link SafeHtml} (the result of another
 * `html` template), so a complaint's summary, a customer's words or an agent's note can never become
 * markup. Arrays are joined, `undefined`, `null` and `false` render nothing (for `cond && html`…``).
 */

/** Markup known to be safe: made by {@link html} (or {@link trustedHtml} for a constant). */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** A value a template may interpolate. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Text as it may appear in an element or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ENTITIES[c] ?? c);
}

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value;
  if (value === undefined || value === null || value === false) return '';
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join('');
  return escapeHtml(String(value));
}

/** The tagged template: `html\`<p>${text}</p>\`` escapes `text`. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/**
 * Markup from the code itself, never from data (an SVG path built from numbers). Named so a reviewer
 * can find every use: none may take text from a request, a complaint or the store.
 */
export function trustedHtml(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
