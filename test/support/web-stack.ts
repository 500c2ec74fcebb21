import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildApi } from '../../clients/api/app';
import { ApiKeyStore, generateApiKey, hashApiKey } from '../../config/api-keys';
import type { Complaint } from '../../domain/complaint';
import { SearchIndex } from '../../platform/search-index';
import { pgliteDb, type Db } from '../../store/db';
import { migrate } from '../../store/migrate';
import { startProjector, type Projector } from '../../workers/projector/projector';
import { listenLocally } from './api-harness';
import { launchChromium } from './browser';
import { complaintFixture } from './fixtures';
import { testKafka } from './kafka';
import { startTestStack, type TestStack } from './stack';
import { waitUntil } from './wait';

/**
 * What the browser tests of the people's pages share: the real stack (Temporal dev server, Kafka, the
 * worker), a PGlite store fed by the real projector, the API (and its pages) in front of both with a key
 * per role, and Debian's Chromium headless; helpers to submit a complaint, sign in and wait for the store.
 */

export const WEB_ROLES = ['operator', 'supervisor', 'auditor'] as const;
export type WebRole = (typeof WEB_ROLES)[number];

export interface WebStack {
  stack: TestStack;
  db: Db;
  api: FastifyInstance;
  base: string;
  browser: Browser;
  keys: Record<WebRole, string>;
  /** Submits a complaint through the JSON API as the operator (201 expected). */
  submit(complaintId: string, summary: string, customer?: Partial<Complaint['customer']>): Promise<void>;
  /** A JSON API call as `role`: its status and body. */
  call(role: WebRole, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }>;
  /** A fresh browser context (its own cookies) signed in as `role` through the form, on the queue page. */
  signIn(role: WebRole, by?: 'mouse' | 'keyboard'): Promise<{ context: BrowserContext; page: Page }>;
  stop(): Promise<void>;
}

export async function startWebStack(
  name: string,
  opts: {
    /** A search index for summaries (the queue's text search); the API has none without it. */
    search?: boolean;
    /** Set while the pages are registered (REDRESS_WEB_USERS, say), then restored. */
    env?: Record<string, string>;
  } = {},
): Promise<WebStack> {
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const keys = Object.fromEntries(WEB_ROLES.map((r) => [r, generateApiKey()])) as Record<WebRole, string>;
  const stack = await startTestStack(name, { bridge: false });
  const { db } = await pgliteDb(undefined);
  await migrate(db);
  const projector: Projector = await startProjector(
    stack.config,
    testKafka(stack.config.kafka.brokers.join(',')),
    db,
    logger,
    { groupId: `p-${stack.config.topics.lifecycle}` },
  );
  const saved = Object.fromEntries(Object.keys(opts.env ?? {}).map((k) => [k, process.env[k]]));
  Object.assign(process.env, opts.env ?? {});
  const apiKeys = new ApiKeyStore(
    WEB_ROLES.map((role) => ({ id: `it-${role}`, role, sha256: hashApiKey(keys[role]) })),
  );
  const api = buildApi({
    config: stack.config,
    client: stack.client,
    logger,
    keys: apiKeys,
    store: db,
    ...(opts.search ? { search: new SearchIndex([{ id: 'k1', secret: randomBytes(32) }]) } : {}),
  });
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  const base = await listenLocally(api);
  const browser = await launchChromium();

  const call = async (role: WebRole, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${keys[role]}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: await res.json() };
  };
  return {
    stack,
    db,
    api,
    base,
    browser,
    keys,
    call,
    async submit(complaintId, summary, customer = {}) {
      const fixture = complaintFixture({ summary });
      const res = await call('operator', 'POST', '/complaints', {
        complaintId,
        ...fixture,
        customer: { ...fixture.customer, ...customer },
      });
      expect(res.status).toBe(201);
    },
    async signIn(role, by = 'mouse') {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(`${base}/ui/queue`);
      expect(new URL(page.url()).pathname).toBe('/ui/sign-in');
      if (by === 'keyboard') {
        // Tab through the form (username, password) to the key field, within a few presses; Enter sends.
        for (let i = 0; i < 5 && (await page.locator('#key:focus').count()) === 0; i++)
          await page.keyboard.press('Tab');
        expect(await page.locator('#key:focus').count()).toBe(1);
        await page.keyboard.type(keys[role]);
        await page.keyboard.press('Enter');
      } else {
        await page.getByLabel('API key').fill(keys[role]);
        await page.getByRole('button', { name: 'Sign in' }).click();
      }
      await page.waitForURL(/\/ui\/queue$/);
      return { context, page };
    },
    async stop() {
      await browser.close();
      await api.close();
      await projector.stop();
      await stack.stop();
      await db.close();
    },
  };
}

/** Reloads until `selector` is on the page: the store is a moment behind the workflow. */
export async function reloadUntil(page: Page, selector: string): Promise<void> {
  await waitUntil(
    `${selector} on ${page.url()}`,
    async () => {
      if ((await page.locator(selector).count()) > 0) return true;
      await page.reload();
      return false;
    },
    30_000,
    300,
  );
}

/** Opens an action's box on the complaint page and returns its form. */
export async function openAction(page: Page, action: string) {
  await page.locator(`#action-${action} > summary`).click();
  return page.locator(`#action-${action} form`);
}

/** The first status message on the page (an action's outcome). */
export const flashOf = (page: Page) => page.locator('main .flash').first();
