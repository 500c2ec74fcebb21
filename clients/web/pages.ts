import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import cookie from '@fastify/cookie';
import type { UpdateDefinition } from '@temporalio/common';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { ApiKeyStore } from '../../config/api-keys';
import { ACTIONS, type ActionName, type ActionSpec } from '../../domain/actions';
import type { Policy } from '../../domain/policy/schema';
import type { TextSeal } from '../../domain/sealed-text';
import { loadPolicies } from '../../platform/policy-files';
import type { SearchIndex } from '../../platform/search-index';
import type { Queryable } from '../../store/db';
import { ACTION_UPDATES, type ComplaintStatus } from '../../workflows/messages';
import { ACCESS } from '../api/auth';
import type { Complaints } from '../api/complaints';
import { ApiError } from '../api/errors';
import { cachedFor } from '../api/operations';
import { dashboardFigures, dashboardTrends } from '../../store/workspace';
import { draftCheckRoute } from './drafts-panel';
import { readComplaintPage, renderComplaint } from './complaint-page';
import { renderDashboard } from './dashboard-page';
import { fieldErrorsOf, readActionForm, type FormBody } from './forms';
import { html, type SafeHtml } from './html';
import { mayOpen, page, type PAGE_ACCESS } from './layout';
import { QueueQuerySchema, renderQueue } from './queue-page';
import { PeriodQuerySchema, periodOf, renderReports, REPORTS, type ReportName } from './reports-page';
import { renderSignIn, SIGN_IN_COOKIE, signInRoutes } from './sign-in';
import { StoreSessions } from './store-sessions';
import { DEFAULT_SESSION_LIMITS, SessionStore, sameToken, type Flash, type Session, type Sessions } from './sessions';
import { WebUserStore } from './users';

/**
 * The people's pages (issue 14), on the API process: server-rendered HTML under /ui, signed in with an
 * API key for a session cookie, on the same Complaints class, store queries, action registry and roles
 * as the JSON routes. Registered in their own Fastify scope, so the form-body parser, the cookie parser,
 * the HTML error page and the Content-Security-Policy apply to these routes and never to the JSON API.
 */

export interface WebDeps {
  complaints: Complaints;
  keys: ApiKeyStore;
  logger: Logger;
  store?: Queryable | undefined;
  /** Opens the letter bodies the store keeps sealed (the complaint page shows them), with the payload key ring. */
  seal: TextSeal;
  search?: SearchIndex | undefined;
  policies?: readonly Policy[] | undefined;
  /** Whether the session cookie is `Secure`: `auto` (default) when the request came over TLS (as a trusted proxy says). */
  secureCookies?: 'auto' | 'always';
  /** Default: in the complaint store when there is one (shared by every API process), else in memory. */
  sessions?: Sessions;
  /** People who sign in with a username and password (default: REDRESS_WEB_USERS / REDRESS_WEB_USERS_FILE). */
  users?: WebUserStore;
  /** How long the dashboard's figures are shared (default 5 s; REDRESS_WEB_DASHBOARD_CACHE_MS; 0: only concurrent views share). */
  dashboardCacheMs?: number;
}

export const SESSION_COOKIE = 'redress_session';

/** No inline script, no other origin: the one script and style sheet are /ui/static's. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** A page that cannot be shown: its status and a sentence saying why (or where to go instead). */
export class PageError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly location?: string,
  ) {
    super(message);
  }
}

/** Where the static files are, from the sources (tests) or from dist/ (the process). */
function staticDir(): string {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    const candidate = join(dir, 'clients', 'web', 'static');
    if (existsSync(join(candidate, 'app.js'))) return candidate;
  }
  throw new Error(`no clients/web/static directory found above ${__dirname}`);
}

const send = (reply: FastifyReply, body: SafeHtml, status = 200) =>
  reply.status(status).type('text/html; charset=utf-8').send(body.value);

export function registerWebPages(app: FastifyInstance, deps: WebDeps): void {
  const sessions =
    deps.sessions ?? (deps.store ? new StoreSessions(deps.store, DEFAULT_SESSION_LIMITS) : new SessionStore());
  const users = deps.users ?? WebUserStore.fromEnv(process.env);
  const regimes = [...new Set((deps.policies ?? loadPolicies()).map((p) => p.id))].sort();
  const dir = staticDir();
  // The trends move by the month: computed at most once a minute, shared by every dashboard view.
  // The figures scan every open complaint (tens of ms at 20,000 on PGlite): shared for a few seconds by
  // every supervisor looking, as /metrics is. The store is already a moment behind the workflows.
  const figuresMs = deps.dashboardCacheMs ?? Number(process.env.REDRESS_WEB_DASHBOARD_CACHE_MS ?? 5_000);
  const figures = cachedFor(figuresMs, () =>
    deps.store ? dashboardFigures(deps.store, Date.now()) : Promise.reject(new Error('no store')),
  );
  const trends = cachedFor(60_000, () =>
    deps.store ? dashboardTrends(deps.store, Date.now()) : Promise.reject(new Error('no store')),
  );
  const assets = new Map(
    [
      ['app.js', 'text/javascript; charset=utf-8'],
      ['app.css', 'text/css; charset=utf-8'],
    ].map(([name, type]) => [name!, { type: type!, body: readFileSync(join(dir, name!), 'utf8') }]),
  );
  const sweep = setInterval(() => {
    Promise.resolve(sessions.sweep()).catch((err: unknown) => deps.logger.warn({ err }, 'session sweep failed'));
  }, 60_000);
  sweep.unref();
  app.addHook('onClose', (_instance, done) => {
    clearInterval(sweep);
    done();
  });

  void app.register(async (scope) => {
    await scope.register(cookie);
    await scope.register(formbody, { bodyLimit: 256 * 1024 });

    // Read once a request (a store round trip), before the handlers: they and the hooks use req.session.
    const sessionOf = (req: FastifyRequest): Session | undefined => sessionByRequest.get(req);
    const sessionByRequest = new WeakMap<FastifyRequest, Session>();
    scope.addHook('preHandler', async (req) => {
      const s = await sessions.get(req.cookies[SESSION_COOKIE]);
      if (s) sessionByRequest.set(req, s);
    });
    // REDRESS_WEB_SECURE_COOKIES=always for a TLS terminator the API is not told about (no trusted proxy).
    const always = (deps.secureCookies ?? process.env.REDRESS_WEB_SECURE_COOKIES) === 'always';
    const secure = (req: { protocol: string }) => always || req.protocol === 'https';
    /** The caller's session, allowed to open `what`; else a redirect to sign in, or a 403 page. */
    const need = (req: FastifyRequest, what: keyof typeof PAGE_ACCESS): Session => {
      const s = sessionOf(req);
      if (!s) throw new PageError(303, 'sign in first', '/ui/sign-in');
      if (!mayOpen(what, s.principal.role))
        throw new PageError(403, `the ${s.principal.role} role cannot open this page`);
      return s;
    };
    const needStore = (): Queryable => {
      if (!deps.store)
        throw new PageError(503, 'this page needs the complaint store (DATABASE_URL), and this API has none');
      return deps.store;
    };

    scope.addHook('onSend', async (_req, reply, payload) => {
      reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
      reply.header('x-frame-options', 'DENY');
      return payload;
    });
    // Every POST but the sign-in (which has a token of its own, sign-in.ts) carries the session's token.
    scope.addHook('preHandler', (req, _reply, done) => {
      if (req.method !== 'POST' || req.routeOptions.url === '/ui/sign-in') return done();
      const s = sessionOf(req);
      const token = (req.body as FormBody | undefined)?._csrf;
      if (!s || !sameToken(typeof token === 'string' ? token : undefined, s.csrf)) {
        return done(
          new PageError(403, 'this form has expired or did not come from this site: reload the page and try again'),
        );
      }
      done();
    });
    scope.setErrorHandler((err, req, reply) => {
      if (err instanceof PageError && err.location) return reply.redirect(err.location, 303);
      // Our own refusals and the Complaints class's (404, 503) say what happened; anything else is logged.
      const known = err instanceof PageError || err instanceof ApiError;
      const status = known ? err.statusCode : ((err as { statusCode?: number }).statusCode ?? 500);
      if (!known && status >= 500) deps.logger.error({ err, route: req.routeOptions.url }, 'page failed');
      const message = known || status < 500 ? (err as Error).message : 'Something went wrong; see the server log.';
      const title = status === 404 ? 'Not found' : status === 403 ? 'Not allowed' : 'Cannot show this page';
      const s = sessionOf(req);
      const body = html`<p role="alert">${message}</p>
        <p><a href="/ui/queue">Back to the queues</a></p>`;
      return send(reply, page({ title, ...(s ? { session: s } : {}), body }), status);
    });

    scope.get('/', async (_req, reply) => reply.redirect('/ui/queue', 303));
    scope.get('/ui', async (_req, reply) => reply.redirect('/ui/queue', 303));
    scope.get<{ Params: { name: string } }>('/ui/static/:name', async (req, reply) => {
      const asset = assets.get(req.params.name);
      if (!asset) throw new PageError(404, 'no such file');
      return reply.type(asset.type).send(asset.body);
    });

    signInRoutes(scope, {
      keys: deps.keys,
      users,
      sessions,
      secure,
      sessionCookie: SESSION_COOKIE,
      mayUse: (role) => (ACCESS.read as readonly string[]).includes(role),
    });
    scope.post('/ui/sign-out', async (req, reply) => {
      await sessions.destroy(req.cookies[SESSION_COOKIE]);
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.redirect('/ui/sign-in', 303);
    });

    scope.get('/ui/queue', async (req, reply) => {
      const s = need(req, 'queue');
      const q = QueueQuerySchema.safeParse(req.query);
      if (!q.success)
        throw new PageError(
          400,
          `invalid filter: ${Object.entries(fieldErrorsOf(q.error))
            .map(([k, v]) => `${k} ${v}`)
            .join('; ')}`,
        );
      const body = await renderQueue(
        { store: needStore(), ...(deps.search ? { search: deps.search } : {}), regimes },
        s,
        q.data,
        Date.now(),
      );
      return send(reply, page({ title: 'Queues', session: s, current: 'queue', body }));
    });

    scope.get<{ Params: { id: string } }>('/ui/complaints/:id', async (req, reply) => {
      const s = need(req, 'complaint');
      const data = await readComplaintPage(deps.complaints, deps.store, deps.seal, req.params.id);
      const flash = await sessions.takeFlash(s, `/ui/complaints/${req.params.id}`);
      return send(
        reply,
        page({
          title: `Complaint ${data.status.complaintId}`,
          session: s,
          current: 'queue',
          body: renderComplaint(data, s, flash, Date.now()),
        }),
      );
    });

    scope.post<{ Params: { id: string; action: string }; Body: FormBody }>(
      '/ui/complaints/:id/actions/:action',
      async (req, reply) => {
        const s = need(req, 'complaint');
        const { id } = req.params;
        const name = req.params.action;
        if (!Object.prototype.hasOwnProperty.call(ACTIONS, name)) throw new PageError(404, `no action ${name}`);
        const action = ACTIONS[name as ActionName] as ActionSpec;
        if (!(action.roles as readonly string[]).includes(s.principal.role)) {
          throw new PageError(403, `the ${s.principal.role} role cannot ${action.what}`);
        }
        const body = req.body ?? {};
        const back = body._back === 'dashboard' ? '/ui/dashboard' : `/ui/complaints/${encodeURIComponent(id)}`;
        const path = back === '/ui/dashboard' ? back : `/ui/complaints/${id}`;
        const form = readActionForm(action, body, path);
        if (!form.ok) {
          await sessions.setFlash(s, form.flash);
          return reply.redirect(`${back}#action-${name}`, 303);
        }
        const nonce =
          typeof body._nonce === 'string' && /^[A-Za-z0-9_-]{8,40}$/.test(body._nonce) ? body._nonce : undefined;
        let flash: Flash;
        try {
          const status: ComplaintStatus = await deps.complaints.act(
            id,
            action.name,
            ACTION_UPDATES[name as ActionName] as UpdateDefinition<ComplaintStatus, [never]>,
            form.input as never,
            { id: s.principal.id, role: s.principal.role },
            // The form's nonce: a second click on the same form is the same update, which Temporal runs once.
            nonce ? `web:${s.principal.id}:${nonce}` : undefined,
          );
          flash = {
            path,
            kind: 'ok',
            message: `Done: ${action.summary.toLowerCase()} (${id} is now in ${status.stage}${status.remedy ? `, remedy ${status.remedy.status}` : ''}).`,
          };
        } catch (err) {
          if (!(err instanceof ApiError) || (err.statusCode >= 500 && err.statusCode !== 503)) throw err;
          // The workflow's refusal (409, 403), or no worker in time (503): shown beside the form.
          flash = { path, kind: 'refused', action: name, message: err.message, values: form.values };
        }
        await sessions.setFlash(s, flash);
        return reply.redirect(`${back}#action-${name}`, 303);
      },
    );

    draftCheckRoute(scope, {
      complaints: deps.complaints,
      need: (req) => need(req, 'complaint'),
      setFlash: (s, flash) => sessions.setFlash(s, flash),
      refused: (status, message) => new PageError(status, message),
    });

    scope.get('/ui/dashboard', async (req, reply) => {
      const s = need(req, 'dashboard');
      const flash = await sessions.takeFlash(s, '/ui/dashboard');
      needStore();
      const body = await renderDashboard(figures, trends, s, flash, Date.now());
      return send(reply, page({ title: 'Dashboard', session: s, current: 'dashboard', body }));
    });

    scope.get('/ui/reports', async (req, reply) => {
      const s = need(req, 'reports');
      const q = PeriodQuerySchema.safeParse(req.query);
      if (!q.success) throw new PageError(400, 'the period needs dates such as 2026-01-31');
      const period = periodOrPageError(q.data);
      needStore();
      return send(reply, page({ title: 'Reports', session: s, current: 'reports', body: renderReports(period) }));
    });
    scope.get<{ Params: { name: string } }>('/ui/reports/:name', async (req, reply) => {
      need(req, 'reports');
      const name = req.params.name.replace(/\.csv$/, '');
      if (!Object.prototype.hasOwnProperty.call(REPORTS, name)) throw new PageError(404, `no report ${name}`);
      const q = PeriodQuerySchema.safeParse(req.query);
      if (!q.success) throw new PageError(400, 'the period needs dates such as 2026-01-31');
      const period = periodOrPageError(q.data);
      const csv = await REPORTS[name as ReportName].csv(needStore(), period);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}-${period.fromDay}-${period.toDay}.csv"`)
        .send(csv);
    });
  });
}

function periodOrPageError(q: { from?: string; to?: string }) {
  try {
    return periodOf(q, Date.now());
  } catch (err) {
    throw new PageError(400, (err as Error).message);
  }
}

export { renderSignIn, SIGN_IN_COOKIE };
