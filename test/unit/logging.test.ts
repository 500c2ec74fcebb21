import type { Client } from '@temporalio/client';
import { buildApi } from '../../clients/api/app';
import { ApiKeyStore } from '../../config/api-keys';
import { loadConfig } from '../../config';
import { createLogger } from '../../config/logger';

/** A logger writing its lines here, as every process's logger is made. */
function capture(): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  return { lines, logger: createLogger('test', 'info', { write: (line: string) => void lines.push(line) }) };
}

describe('log redaction at every depth', () => {
  it('redacts personal data nested three levels and more, in objects, arrays and child bindings', () => {
    const { lines, logger } = capture();
    logger.child({ complaint: { customer: { name: 'Ada Lovelace' } } }).info(
      {
        complaintId: 'c-1',
        event: {
          data: {
            complaint: {
              customer: { id: 'cust-42', name: 'Ada Lovelace', email: 'ada@example.com', phone: '+44 20 7946 0000' },
              summary: 'Charged twice',
              description: 'My card ending 4242 was charged twice',
            },
            letters: [{ body: 'Dear Ada Lovelace', attachments: [{ note: 'home address 1 Main St' }] }],
          },
        },
        Input: { Account: 'In my own words', Reasons: 'We erred', question: 'Which card?', text: 'Sorry' },
      },
      'received',
    );
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    for (const secret of ['Ada Lovelace', 'ada@example.com', '7946', 'Charged twice', '4242', '1 Main St']) {
      expect(line).not.toContain(secret);
    }
    for (const secret of ['In my own words', 'We erred', 'Which card?', 'Sorry']) expect(line).not.toContain(secret);
    const parsed = JSON.parse(line) as { complaintId: string; event: { data: { complaint: { customer: unknown } } } };
    // Ids and the shape stay, so the line is still useful.
    expect(parsed.complaintId).toBe('c-1');
    expect(parsed.event.data.complaint.customer).toEqual({
      id: 'cust-42',
      name: '[redacted]',
      email: '[redacted]',
      phone: '[redacted]',
    });
  });

  it('keeps what an operator needs: an error with its message and stack, levels, messages', () => {
    const { lines, logger } = capture();
    logger.error({ err: new Error('connection refused') }, 'publish failed');
    const parsed = JSON.parse(lines[0]!) as { msg: string; level: number; err: { message: string; stack: string } };
    expect(parsed).toMatchObject({ msg: 'publish failed', level: 50, err: { message: 'connection refused' } });
    expect(parsed.err.stack).toContain('connection refused');
  });
});

describe("Fastify's request log", () => {
  it('logs the path and the query keys, never a query value', async () => {
    const { lines, logger } = capture();
    const app = buildApi({
      config: loadConfig({}),
      // Never reached: the request has no key, so it is refused before any Temporal call.
      client: {} as Client,
      logger,
      keys: new ApiKeyStore([]),
    });
    try {
      // Over real HTTP (Fastify's inject needs an ESM module jest cannot load here).
      const address = await app.listen({ host: '127.0.0.1', port: 0 });
      const res = await fetch(`${address}/complaints?customer=cust-secret-42&stage=listening`);
      expect(res.status).toBe(401);
    } finally {
      await app.close();
    }
    const log = lines.join('\n');
    expect(log).not.toContain('cust-secret-42');
    const incoming = lines.map((l) => JSON.parse(l) as { msg: string; req?: unknown }).find((l) => l.req);
    expect(incoming?.req).toMatchObject({ method: 'GET', path: '/complaints', query: ['customer', 'stage'] });
  });
});
