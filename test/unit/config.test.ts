import { loadConfig } from '../../config';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c.temporal).toEqual({ address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'complaints' });
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
