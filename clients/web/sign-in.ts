import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ApiKeyStore, ApiRole } from '../../config/api-keys';
import type { FormBody } from './forms';
import { html, type SafeHtml } from './html';
import { page } from './layout';
import { RateLimiter } from '../api/rate-limit';
import { sameToken, type Sessions } from './sessions';
import type { WebUserStore } from './users';

/**
 * Signing in with an API key, or a configured user's username and password (users.ts), for a session
 * cookie; attempts are rate-limited per address and per username. The key is checked as the API checks
 * a Bearer key (ApiKeyStore.verify) and then forgotten: the session holds who and which role, never the
 * key. The sign-in form has no session to tie a CSRF token to, so it uses a double-submit token: a
 * random value in a short-lived cookie of its own and in the form, which another site can neither read
 * nor set (SameSite=Strict), so it cannot sign a browser in under the attacker's key.
 */

export const SIGN_IN_COOKIE = 'redress_sign_in';
const SIGN_IN_TTL_S = 15 * 60;

export function renderSignIn(token: string, error?: string, users = false): SafeHtml {
  return page({
    title: 'Sign in',
    body: html`${error ? html`<p class="flash refused" role="alert">${error}</p>` : ''}
      <form method="post" action="/ui/sign-in" aria-label="Sign in">
        <input type="hidden" name="_csrf" value="${token}" />
        ${
          users
            ? html`<fieldset>
                  <legend>With your username and password</legend>
                  <div class="field">
                    <label for="username">Username</label>
                    <input
                      type="text"
                      id="username"
                      name="username"
                      autocomplete="username"
                      maxlength="100"
                      autofocus
                    />
                  </div>
                  <div class="field">
                    <label for="password">Password</label>
                    <input type="password" id="password" name="password" autocomplete="current-password" />
                  </div>
                </fieldset>
                <p>or</p>`
            : ''
        }
        <div class="field">
          <label for="key">API key</label>
          <span class="hint" id="key-hint"
            >Your key for the operator, supervisor or auditor role (e.g. from dev-api-keys.env locally).</span
          >
          <input
            type="password"
            id="key"
            name="key"
            ${users ? '' : html` required`}
            autocomplete="off"
            aria-describedby="key-hint"
            ${users ? '' : html` autofocus`}
          />
        </div>
        <button type="submit">Sign in</button>
      </form>`,
  });
}

export function signInRoutes(
  scope: FastifyInstance,
  deps: {
    keys: ApiKeyStore;
    users: WebUserStore;
    /** Sign-in attempts a minute per username (default 10) and per address (default 60: an office shares one). */
    attempts?: { perUser: number; perAddress: number };
    sessions: Sessions;
    secure: (req: { protocol: string }) => boolean;
    sessionCookie: string;
    /** Whether a role may use the pages at all (the service role submits only). */
    mayUse: (role: ApiRole) => boolean;
  },
): void {
  const users = deps.users.size > 0;
  // Guessing is slowed per address and per username (a spread-out guesser of one account is slowed too);
  // in this process's memory, as the API's own limits are.
  const perAddress = new RateLimiter(deps.attempts?.perAddress ?? 60);
  const perUser = new RateLimiter(deps.attempts?.perUser ?? 10);
  const fresh = (reply: FastifyReply, req: { protocol: string }, status: number, error?: string) => {
    const token = randomBytes(24).toString('base64url');
    void reply.setCookie(SIGN_IN_COOKIE, token, {
      path: '/ui/sign-in',
      httpOnly: true,
      sameSite: 'strict',
      secure: deps.secure(req),
      maxAge: SIGN_IN_TTL_S,
    });
    return reply
      .status(status)
      .type('text/html; charset=utf-8')
      .send(renderSignIn(token, error, users).value);
  };

  scope.get('/ui/sign-in', async (req, reply) => fresh(reply, req, 200));

  scope.post<{ Body: FormBody }>('/ui/sign-in', async (req, reply) => {
    const body = req.body ?? {};
    const token = typeof body._csrf === 'string' ? body._csrf : undefined;
    const expected = req.cookies[SIGN_IN_COOKIE];
    if (expected === undefined || !sameToken(token, expected)) {
      return fresh(reply, req, 403, 'This sign-in form has expired or did not come from this site: try again.');
    }
    const username = users && typeof body.username === 'string' ? body.username.trim() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const key = typeof body.key === 'string' ? body.key.trim() : '';
    const wait = Math.max(perAddress.take(req.ip), username ? perUser.take(username) : 0);
    if (wait > 0) {
      void reply.header('retry-after', String(wait));
      return fresh(reply, req, 429, `Too many sign-in attempts: try again in ${wait} s.`);
    }
    const principal = username ? await deps.users.verify(username, password) : key ? deps.keys.verify(key) : undefined;
    // Never which half was wrong: an unknown user and a wrong password read the same, and take as long.
    if (!principal)
      return fresh(reply, req, 401, username ? 'That username and password do not match.' : 'That key is not valid.');
    if (!deps.mayUse(principal.role)) {
      return fresh(reply, req, 403, `The ${principal.role} role cannot read complaints, so it cannot use these pages.`);
    }
    // A new session id at every sign-in: an id planted before it (session fixation) is never promoted.
    await deps.sessions.destroy(req.cookies[deps.sessionCookie]);
    const session = await deps.sessions.create(principal);
    void reply.clearCookie(SIGN_IN_COOKIE, { path: '/ui/sign-in' });
    void reply.setCookie(deps.sessionCookie, session.id, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: deps.secure(req),
      maxAge: Math.floor((session.expiresAt - Date.now()) / 1000),
    });
    return reply.redirect('/ui/queue', 303);
  });
}
