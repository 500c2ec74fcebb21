import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import type { ApiKeyStore } from '../../config/api-keys';
import { ACCESS, authorize, identify, presentedKey, type Access } from './auth';
import { badRequest, forbidden } from './errors';

/**
 * The remote codec endpoint for the Temporal UI (and `temporal --codec-endpoint`): `POST /codec/decode`
 * and `POST /codec/encode` take `{ payloads: [{ metadata: { k: base64 }, data: base64 }] }` and answer
 * the same shape, so the UI shows decrypted histories to those allowed to read complaints.
 *
 * Registered on Fastify directly rather than as route data (clients/api/route.ts): the protocol is
 * Temporal's, not Redress's (it has no place in /openapi.json), a browser's CORS preflight (`OPTIONS`,
 * never carrying a key) must be answered, and every answer — a 401 or 403 too — needs the CORS headers
 * for the UI to read it. The app's own hooks still apply: per-caller rate limit, no-store, nosniff.
 *
 * Who may: decoding reveals everything a complaint holds, so it needs a role that reads complaints
 * (operator, supervisor, auditor). Encoding makes ciphertext the workers accept as Redress's own (the UI
 * uses it to send a signal or start a workflow with typed input), so it needs a role that acts
 * (operator, supervisor): an auditor reads and never writes.
 */

/** The UI origin allowed by default: the local dev server's UI. */
export const DEFAULT_CODEC_CORS_ORIGIN = 'http://127.0.0.1:8233';
/** More payloads than this in one request is no UI's; the body limit bounds their size. */
export const MAX_CODEC_PAYLOADS = 1_000;

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const WirePayloadSchema = z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() });
const CodecBodySchema = z.object({ payloads: z.array(WirePayloadSchema).max(MAX_CODEC_PAYLOADS) });
type WirePayload = z.infer<typeof WirePayloadSchema>;

const fromWire = (p: WirePayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toWire = (p: Payload): WirePayload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

/** Passes payloads through: the endpoint of a deployment that runs unencrypted (REDRESS_PAYLOAD_ENCRYPTION=off). */
const identityCodec: PayloadCodec = { encode: (p) => Promise.resolve(p), decode: (p) => Promise.resolve(p) };

export interface CodecRouteOptions {
  /** The process's payload codec; none when payloads are unencrypted. */
  codec: PayloadCodec | undefined;
  keys: ApiKeyStore;
  /** The only namespace this codec serves (the UI sends it as X-Namespace). */
  namespace: string;
  /** The Temporal UI's origin (`REDRESS_CODEC_CORS_ORIGIN`): the only one a browser may call from. */
  corsOrigin: string;
  /**
   * Local development only: a keyless decode from the UI's origin is allowed, because the dev server's
   * UI has no login and so no token to pass. main.ts sets it only while the API runs on development
   * keys, which NODE_ENV=production refuses. docs/security.md says what it exposes.
   */
  anonymousDecodeFromUi?: boolean;
}

/** `REDRESS_CODEC_CORS_ORIGIN`: an http(s) origin, default the local UI's; throws naming the variable. */
export function codecCorsOrigin(env: NodeJS.ProcessEnv): string {
  const value = env.REDRESS_CODEC_CORS_ORIGIN?.trim() || DEFAULT_CODEC_CORS_ORIGIN;
  const parsed = z.url({ protocol: /^https?$/ }).safeParse(value);
  if (!parsed.success || new URL(value).origin !== value) {
    throw new Error(`REDRESS_CODEC_CORS_ORIGIN must be an origin like ${DEFAULT_CODEC_CORS_ORIGIN} (no path)`);
  }
  return value;
}

/** Registers `/codec/decode`, `/codec/encode` and their preflights on the app. */
export function registerCodecRoutes(app: FastifyInstance, o: CodecRouteOptions): void {
  const codec = o.codec ?? identityCodec;
  const fromUi = (req: FastifyRequest) => req.headers.origin === o.corsOrigin;

  const cors = (req: FastifyRequest, reply: FastifyReply) => {
    // Only the UI's origin is told it may read answers; any other origin's browser withholds them.
    reply.header('vary', 'origin');
    if (!fromUi(req)) return;
    reply.header('access-control-allow-origin', o.corsOrigin);
    reply.header('access-control-allow-methods', 'POST, OPTIONS');
    reply.header('access-control-allow-headers', 'authorization, content-type, x-namespace');
    reply.header('access-control-max-age', '600');
  };

  const guard = (req: FastifyRequest, access: Access, what: string, anonymous: boolean) => {
    const namespace = req.headers['x-namespace'];
    if (namespace !== undefined && namespace !== o.namespace) {
      throw badRequest(`this codec serves namespace ${o.namespace}, not ${String(namespace)}`);
    }
    if (anonymous && presentedKey(req.headers) === undefined && fromUi(req)) return;
    authorize(access, identify(o.keys, req.headers), req.headers, what);
  };

  const handle = (kind: 'encode' | 'decode', access: Access, what: string, anonymous: boolean) => {
    app.options(`/codec/${kind}`, async (req, reply) => {
      cors(req, reply);
      if (!fromUi(req)) throw forbidden(`cross-origin calls are allowed from ${o.corsOrigin} only`);
      return reply.status(204).send();
    });
    app.post(`/codec/${kind}`, async (req, reply) => {
      cors(req, reply);
      guard(req, access, what, anonymous);
      const parsed = CodecBodySchema.safeParse(req.body);
      if (!parsed.success) {
        throw badRequest(`invalid body: send { payloads: [...] } with base64 data, at most ${MAX_CODEC_PAYLOADS}`);
      }
      const payloads = parsed.data.payloads.map(fromWire);
      // A payload under a key the ring lacks, or altered: the caller's problem to see (the message names key ids only).
      const out = await (kind === 'decode' ? codec.decode(payloads) : codec.encode(payloads)).catch((err: unknown) => {
        throw badRequest(`cannot ${kind}: ${(err as Error).message}`);
      });
      return reply.send({ payloads: out.map(toWire) });
    });
  };
  handle('decode', ACCESS.read, 'decode payloads', o.anonymousDecodeFromUi === true);
  handle('encode', ACCESS.act, 'encode payloads', false);
}
