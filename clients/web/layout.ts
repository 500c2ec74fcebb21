import type { ApiRole } from '../../config/api-keys';
import { findRegion } from '../../domain/regions';
import { ACCESS } from '../api/auth';
import { html, type HtmlValue, type SafeHtml } from './html';
import type { Session } from './sessions';

/**
 * The page shell every page shares (landmarks, navigation by role, the sign-out form) and the ways the
 * pages write instants and time left. The one script and one style sheet come from this app
 * (/ui/static), so the Content-Security-Policy can forbid everything else.
 */

/** Who may see which page: the same role lists as the JSON routes (clients/api/auth.ts). */
export const PAGE_ACCESS = {
  queue: ACCESS.read,
  complaint: ACCESS.read,
  dashboard: ACCESS.report,
  reports: ACCESS.report,
} as const satisfies Record<string, readonly ApiRole[]>;

export const mayOpen = (page: keyof typeof PAGE_ACCESS, role: ApiRole): boolean =>
  (PAGE_ACCESS[page] as readonly ApiRole[]).includes(role);

export function page(opts: {
  title: string;
  session?: Session;
  current?: keyof typeof PAGE_ACCESS;
  body: HtmlValue;
}): SafeHtml {
  const s = opts.session;
  const link = (key: keyof typeof PAGE_ACCESS, href: string, text: string) =>
    s && mayOpen(key, s.principal.role)
      ? html`<li><a href="${href}" ${opts.current === key ? html` aria-current="page"` : ''}>${text}</a></li>`
      : '';
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${opts.title} · Redress</title>
        <link rel="stylesheet" href="/ui/static/app.css" />
        <script src="/ui/static/app.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <p class="brand"><a href="/ui/queue">Redress</a></p>
          ${
            s
              ? html`<nav aria-label="Main">
                    <ul>
                      ${link('queue', '/ui/queue', 'Queues')}${link('dashboard', '/ui/dashboard', 'Dashboard')}${link('reports', '/ui/reports', 'Reports')}
                    </ul>
                  </nav>
                  <form method="post" action="/ui/sign-out" class="sign-out">
                    <input type="hidden" name="_csrf" value="${s.csrf}" /><span class="who"
                      >${s.principal.id} (${s.principal.role})</span
                    >
                    <button type="submit">Sign out</button>
                  </form>`
              : ''
          }
        </header>
        <main id="main" tabindex="-1">
          <h1>${opts.title}</h1>
          ${opts.body}
        </main>
      </body>
    </html>`;
}

/** The zone a complaint's clocks are counted in: its region's calendar, else UTC (which the page then says). */
export function zoneOf(region: string | null | undefined): { zone: string; known: boolean } {
  const r = region ? findRegion(region) : undefined;
  return r ? { zone: r.zone, known: true } : { zone: 'UTC', known: false };
}

const formats = new Map<string, Intl.DateTimeFormat>();
/** An instant as a person reads it, in `zone` (e.g. "2 Dec 2026, 17:00 GMT"). */
export function formatInstant(iso: string, zone = 'UTC'): string {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    formats.set(zone, f);
  }
  return f.format(new Date(iso));
}

/** Time left as words: "2 d 3 h", "3 h 20 min", "4 min 10 s", or "overdue 1 h 5 min". Same rule as app.js. */
export function timeLeftText(ms: number): string {
  const a = Math.abs(ms);
  const d = Math.floor(a / 86_400_000);
  const h = Math.floor((a % 86_400_000) / 3_600_000);
  const m = Math.floor((a % 3_600_000) / 60_000);
  const s = Math.floor((a % 60_000) / 1000);
  const text = d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${m} min` : `${m} min ${s} s`;
  return ms < 0 ? `overdue ${text}` : text;
}

/** A live countdown: app.js recomputes the text from `data-deadline` every second. */
export function countdown(deadline: string, now: number): SafeHtml {
  const left = Date.parse(deadline) - now;
  return html`<time class="countdown${left < 0 ? ' overdue' : ''}" datetime="${deadline}" data-deadline="${deadline}"
    >${timeLeftText(left)}</time
  >`;
}

/** A status message after a POST: polite for success, an alert for a refusal. */
export function flashBox(flash: { message: string; kind: 'ok' | 'refused' } | undefined): HtmlValue {
  if (!flash) return '';
  return flash.kind === 'ok'
    ? html`<p class="flash ok" role="status">${flash.message}</p>`
    : html`<p class="flash refused" role="alert">${flash.message}</p>`;
}

/**
 * A data table: column headings, body rows (each a `<tr>` the page makes), an optional caption, in a box
 * that scrolls sideways on a phone unless `scroll` is false. The markup every table of the pages shares.
 */
/**
 * A box that scrolls sideways when its table is wider than a phone: focusable and named (a region), so a
 * keyboard can scroll it too (WCAG 2.1.1; axe's scrollable-region-focusable).
 */
export function scrollRegion(label: string, content: HtmlValue): SafeHtml {
  return html`<div class="scroll" role="region" tabindex="0" aria-label="${label}">${content}</div>`;
}

export function dataTable(t: {
  head: readonly HtmlValue[];
  rows: HtmlValue;
  caption?: string;
  /** The scrolling box's name (a screen reader announces it as a region); ignored with `scroll: false`. */
  label: string;
  scroll?: boolean;
}): SafeHtml {
  const table = html`<table>
    ${
      t.caption !== undefined
        ? html`<caption class="hint">
            ${t.caption}
          </caption>`
        : ''
    }
    <thead>
      <tr>
        ${t.head.map((h) => html`<th scope="col">${h}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${t.rows}
    </tbody>
  </table>`;
  return t.scroll === false ? table : scrollRegion(t.label, table);
}
