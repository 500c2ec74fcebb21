import type { ApiKeyStore, ApiRole, Principal } from '../../config/api-keys';
import { forbidden, unauthorized } from './errors';

/**
 * Who may call a route: `public` (health, metrics, the OpenAPI document), or the roles allowed.
 * The roles (DESIGN §5, issue 7): `service` submits only; `operator` submits, reads and acts;
 * `supervisor` does everything, including approvals, reassignment and extensions; `auditor` reads only.
 */
export type Access = 'public' | readonly ApiRole[];

/** The access of each kind of route. */
export const ACCESS = {
  submit: ['service', 'operator', 'supervisor'],
  read: ['operator', 'supervisor', 'auditor'],
  act: ['operator', 'supervisor'],
  supervise: ['supervisor'],
  report: ['supervisor', 'auditor'],
} as const satisfies Record<string, readonly ApiRole[]>;

/** The key a request presents: `Authorization: Bearer <key>` (or `X-API-Key: <key>`). */
export function presentedKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return match?.[1] ?? '';
  }
  const key = headers['x-api-key'];
  return typeof key === 'string' ? key.trim() : undefined;
}

/** The caller of a request, or undefined when it presents no key or an unknown one. */
export function identify(
  keys: ApiKeyStore,
  headers: Record<string, string | string[] | undefined>,
): Principal | undefined {
  const key = presentedKey(headers);
  return key === undefined ? undefined : keys.verify(key);
}

/** Throws 401 or 403 unless `principal` may use a route with `access`; a sentence says what to do. */
export function authorize(
  access: Access,
  principal: Principal | undefined,
  headers: Record<string, string | string[] | undefined>,
  what: string,
): void {
  if (access === 'public') return;
  if (!principal) {
    throw unauthorized(
      presentedKey(headers) === undefined
        ? 'an API key is required: send Authorization: Bearer <key>'
        : 'the API key is not valid',
    );
  }
  if (!access.includes(principal.role)) {
    throw forbidden(`the ${principal.role} role cannot ${what}`, { role: principal.role, allowed: [...access] });
  }
}
