import { loadBridgeSettings, loadConfig } from '../../config';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c.temporal).toEqual({
      address: '127.0.0.1:7233',
      namespace: 'default',
      taskQueue: 'complaints',
      security: {},
    });
    expect(c.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(c.api).toEqual({ host: '127.0.0.1', port: 3000 });
    expect(c.topics.intake).toBe('complaints.intake');
  });

  it('prefixes every topic and splits the broker list', () => {
    const c = loadConfig({ REDRESS_TOPIC_PREFIX: 'staging.', KAFKA_BROKERS: 'a:1, b:2' });
    expect(Object.values(c.topics).every((t) => t.startsWith('staging.complaints.'))).toBe(true);
    expect(c.kafka.brokers).toEqual(['a:1', 'b:2']);
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ REDRESS_API_PORT: 'eighty' })).toThrow(/REDRESS_API_PORT/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });
});

describe('loadBridgeSettings', () => {
  it('defaults to a 30 s wait for an unknown complaint and 5 attempts at an unexpected error', () => {
    expect(loadBridgeSettings({})).toMatchObject({ unknownComplaintWaitMs: 30_000, maxInternalAttempts: 5 });
  });

  it('reads both from the environment, and names a bad one', () => {
    expect(
      loadBridgeSettings({ REDRESS_BRIDGE_UNKNOWN_COMPLAINT_WAIT_MS: '5000', REDRESS_BRIDGE_INTERNAL_ATTEMPTS: '2' }),
    ).toMatchObject({ unknownComplaintWaitMs: 5_000, maxInternalAttempts: 2 });
    expect(() => loadBridgeSettings({ REDRESS_BRIDGE_INTERNAL_ATTEMPTS: '0' })).toThrow(
      /REDRESS_BRIDGE_INTERNAL_ATTEMPTS/,
    );
  });
});
