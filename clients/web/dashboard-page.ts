import { ACTIONS, type ActionSpec } from '../../domain/actions';
import type { DashboardFigures, DashboardTrends } from '../../store/workspace';
import { lineChart } from './charts';
import { formNonce } from './complaint-page';
import { actionForm } from './forms';
import { html, type SafeHtml } from './html';
import { dataTable, flashBox, scrollRegion } from './layout';
import { queueHref, queueTable } from './queue-page';
import type { Flash, Session } from './sessions';

/**
 * The supervisor's dashboard: open complaints by stage and regime, what is due in the next 24 hours,
 * the complaints that breached a deadline today and this month (UTC; closed ones too), the remedies waiting for approval (approved from here, with
 * the registry's decideRemedy form, for a role that may), workload per agent, and CSAT and breach-rate
 * trends. Every number links into the queue behind it.
 */

const month = (m: string) => new Date(`${m}-01T00:00:00Z`).toLocaleString('en-GB', { month: 'short', timeZone: 'UTC' });

function stageRegimeTable(d: DashboardFigures): SafeHtml {
  const regimes = [...new Set(d.openByStageAndRegime.map((r) => r.regime))].sort();
  const stages = [...new Set(d.openByStageAndRegime.map((r) => r.stage))];
  const count = new Map(d.openByStageAndRegime.map((r) => [`${r.stage} ${r.regime}`, r.open]));
  return scrollRegion(
    'Open by stage and regime',
    html`<table>
      <thead>
        <tr>
          <th scope="col">Stage</th>
          ${regimes.map((r) => html`<th scope="col">${r}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${stages.map(
          (s) =>
            html`<tr>
              <th scope="row"><a href="${queueHref({ view: 'open', stage: s })}">${s}</a></th>
              ${regimes.map((r) => {
                const n = count.get(`${s} ${r}`) ?? 0;
                return html`<td>
                  ${n > 0 ? html`<a href="${queueHref({ view: 'open', stage: s, regime: r })}">${n}</a>` : '0'}
                </td>`;
              })}
            </tr>`,
        )}
      </tbody>
    </table>`,
  );
}

export async function renderDashboard(
  figures: () => Promise<DashboardFigures>,
  trends: () => Promise<DashboardTrends>,
  session: Session,
  flash: Flash | undefined,
  now: number,
): Promise<SafeHtml> {
  const d = { ...(await figures()), ...(await trends()) };
  const open = d.openByStageAndRegime.reduce((n, r) => n + r.open, 0);
  const decide = ACTIONS.decideRemedy as ActionSpec;
  const mayDecide = (decide.roles as readonly string[]).includes(session.principal.role);
  const pct = (v: number) => `${Math.round(v * 100)}%`;
  return html`${flashBox(flash)}
    <section aria-labelledby="h-figures">
      <h2 id="h-figures" class="visually-hidden">Today</h2>
      <ul class="figures">
        <li>
          <a href="${queueHref({ view: 'open' })}"><span class="n" id="n-open">${open}</span> open</a>
        </li>
        <li>
          <a href="${queueHref({ view: 'at-risk', within: '24h' })}"
            ><span class="n" id="n-due">${d.dueWithin24h}</span> due in 24 hours</a
          >
        </li>
        <li>
          <a href="${queueHref({ view: 'breached', breachedSince: d.breachesSince.today })}"
            ><span class="n" id="n-breaches-today">${d.breachesToday}</span> breached today</a
          >
        </li>
        <li>
          <a href="${queueHref({ view: 'breached', breachedSince: d.breachesSince.month })}"
            ><span class="n" id="n-breaches-month">${d.breachesThisMonth}</span> breached this month</a
          >
        </li>
        <li>
          <a href="${queueHref({ view: 'awaiting-approval' })}"
            ><span class="n" id="n-approvals"
              >${d.approvalsWaiting.length}${d.approvalsWaiting.length >= 20 ? '+' : ''}</span
            >
            approvals waiting</a
          >
        </li>
      </ul>
      <p class="hint">Days and months in UTC; breached counts complaints, closed ones included.</p>
    </section>
    <section aria-labelledby="h-approvals">
      <h2 id="h-approvals">Approvals waiting</h2>
      ${
        d.approvalsWaiting.length === 0
          ? html`<p>No remedy is waiting for approval.</p>`
          : queueTable(
              d.approvalsWaiting,
              now,
              'Remedies above the policy threshold, soonest deadline first.',
              mayDecide
                ? (r) =>
                    actionForm(
                      decide,
                      r.complaintId,
                      session.csrf,
                      {},
                      {
                        nonce: formNonce(),
                        back: 'dashboard',
                        fixed: { approve: 'true' },
                        label: `Approve the remedy of ${r.complaintId}`,
                      },
                    )
                : undefined,
            )
      }
    </section>
    <section aria-labelledby="h-stage">
      <h2 id="h-stage">Open by stage and regime</h2>
      ${stageRegimeTable(d)}
    </section>
    <section aria-labelledby="h-workload">
      <h2 id="h-workload">Workload</h2>
      ${dataTable({
        label: 'Workload',
        head: ['Agent', 'Open', 'Due in 24 h', 'Breached'],
        rows: d.workload.map((w) => {
          const href =
            w.assignee === null ? queueHref({ view: 'unassigned' }) : queueHref({ view: 'open', assignee: w.assignee });
          return html`<tr>
            <th scope="row"><a href="${href}">${w.assignee ?? 'unassigned'}</a></th>
            <td>${w.open}</td>
            <td>${w.dueWithin24h}</td>
            <td>${w.breached}</td>
          </tr>`;
        }),
      })}
    </section>
    <section aria-labelledby="h-trends">
      <h2 id="h-trends">Trends</h2>
      <div class="grid">
        <div class="card">
          <h3>CSAT (mean score, 1–5)</h3>
          ${lineChart({
            id: 'csat',
            title: 'Mean CSAT by month',
            description: d.csatByMonth
              .map((p) => `${p.month}: ${p.mean === null ? 'no answers' : p.mean.toFixed(2)}`)
              .join('; '),
            points: d.csatByMonth.map((p) => ({ label: month(p.month), value: p.mean })),
            min: 1,
            max: 5,
            format: (v) => v.toFixed(0),
          })}
          ${dataTable({
            caption: 'The same figures',
            label: 'CSAT by month',
            head: ['Month', 'Answers', 'Mean'],
            rows: d.csatByMonth.map(
              (p) =>
                html`<tr>
                  <td>${p.month}</td>
                  <td>${p.answers}</td>
                  <td>${p.mean === null ? '—' : p.mean.toFixed(2)}</td>
                </tr>`,
            ),
            scroll: false,
          })}
        </div>
        <div class="card">
          <h3>Breach rate (deadline clocks decided)</h3>
          ${lineChart({
            id: 'breach-rate',
            title: 'Breach rate by month',
            description: d.breachRateByMonth
              .map((p) => `${p.month}: ${p.rate === null ? 'no clocks' : pct(p.rate)}`)
              .join('; '),
            points: d.breachRateByMonth.map((p) => ({ label: month(p.month), value: p.rate })),
            min: 0,
            max: 1,
            format: pct,
          })}
          ${dataTable({
            caption: 'The same figures',
            label: 'Breach rate by month',
            head: ['Month', 'Clocks', 'Breached', 'Rate'],
            rows: d.breachRateByMonth.map(
              (p) =>
                html`<tr>
                  <td>${p.month}</td>
                  <td>${p.clocks}</td>
                  <td>${p.breached}</td>
                  <td>${p.rate === null ? '—' : pct(p.rate)}</td>
                </tr>`,
            ),
            scroll: false,
          })}
        </div>
      </div>
    </section>`;
}
