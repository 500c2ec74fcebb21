import type { Client } from '@temporalio/client';
import { openApiDocument } from '../../clients/api/openapi';
import { apiRoutes } from '../../clients/api/routes';

/**
 * The API's route table and OpenAPI document built without any server or worker, for tests that read
 * what is documented (every dependency is a stub nothing calls).
 */
export const offlineRoutes = apiRoutes({
  complaints: {} as never,
  idempotency: {} as never,
  client: {} as Client,
  scope: { taskQueue: 'q' },
  listScanLimit: 1,
  metrics: {} as never,
  seal: {} as never,
  productGroups: {} as never,
  instants: {} as never,
  health: () => Promise.resolve({}),
  renderMetrics: () => Promise.resolve({ contentType: 'text/plain', text: '' }),
  openApi: () => ({}),
});

/** The OpenAPI document as served, typed as far as the tests read it. */
export type OfflineDoc = {
  paths: Record<
    string,
    Record<
      string,
      { operationId?: string; responses: Record<string, unknown>; requestBody?: unknown; security?: unknown[] }
    >
  >;
  components: { schemas: Record<string, unknown> };
};

export const offlineDoc = openApiDocument(offlineRoutes, '1.0.0') as unknown as OfflineDoc;
