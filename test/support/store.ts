import type { OutboundEvent } from '../../domain/events';
import { applyRecords, type Applied } from '../../store/apply';
import { pgDb, pgliteDb, type Db } from '../../store/db';
import { migrate } from '../../store/migrate';
import { decodeRecord, type PublishedRole, type StoreRecord } from '../../store/records';
import type { TextSeal } from '../../domain/sealed-text';
import { loadOriginalProtection } from '../../platform/dead-letter-seal';
import { parseKeyRing } from '../../platform/key-ring';
import { KeyRingCipher, PAYLOAD_KEY_BYTES } from '../../platform/payload-codec';
import { textSeal } from '../../platform/store-seal';
import { randomPayloadKeyRing } from './payload-keys';

/** The two drivers every store test runs on. */
export const DRIVERS = ['pglite', 'pg'] as const;
export type Driver = (typeof DRIVERS)[number];

/** The test PostgreSQL server that the integration global setup started. */
export function testDatabaseUrl(): string {
  const url = process.env.REDRESS_TEST_DATABASE_URL;
  if (!url) throw new Error('REDRESS_TEST_DATABASE_URL is not set: run the store tests in the integration project');
  return url;
}

let counter = 0;

/**
 * A fresh, migrated store on `driver`: PGlite in memory, or a new database on the test server (so test
 * files never see each other's rows). `close` drops it.
 */
export async function freshStore(driver: Driver): Promise<{ db: Db; url?: string; close: () => Promise<void> }> {
  if (driver === 'pglite') {
    const { db } = await pgliteDb(undefined);
    await migrate(db);
    return { db, close: () => db.close() };
  }
  const admin = pgDb(testDatabaseUrl(), { max: 1 });
  const name = `store_${process.pid}_${Date.now()}_${(counter += 1)}`;
  await admin.exec(`CREATE DATABASE ${name}`);
  const url = testDatabaseUrl().replace(/\/[^/]*$/, `/${name}`);
  const db = pgDb(url);
  await migrate(db);
  return {
    db,
    url,
    close: async () => {
      await db.close();
      await admin.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.close();
    },
  };
}

let offset = 0;
/** Decodes an envelope as the projector would read it from its topic (a fixture that does not decode throws). */
export function decodeFixture(e: OutboundEvent): StoreRecord {
  const role: PublishedRole =
    e.type === 'notification.requested' ? 'notifications' : e.type === 'remedy.requested' ? 'remedies' : 'lifecycle';
  const d = decodeRecord(role, Buffer.from(JSON.stringify(e)), Buffer.from(e.complaintId), {
    topic: `complaints.${role}`,
    partition: 0,
    offset: String((offset += 1)),
  });
  if (!d.ok) throw new Error(`fixture did not decode: ${d.rejection.reason}`);
  return d.record;
}

/** A real seal over a random one-key ring, as the projector's (the store tests' survey comments are sealed). */
export const testSeal = (id = 'test-1'): TextSeal =>
  textSeal({
    seal: new KeyRingCipher(
      parseKeyRing(randomPayloadKeyRing(id), 'test ring', { min: PAYLOAD_KEY_BYTES, exact: true }),
    ),
  });

/**
 * The seal of this run's environment (REDRESS_PAYLOAD_KEYS, which global-setup makes): the one an
 * in-process projector seals with, for tests that read what it stored.
 */
export const envSeal = (): TextSeal => textSeal(loadOriginalProtection());

/** The seal {@link applyEvents} uses when given none. */
export const TEST_SEAL = testSeal();

/** Applies records to `db` in one transaction, as one projector batch. */
export const applyStoreRecords = (db: Db, records: readonly StoreRecord[], seal = TEST_SEAL): Promise<Applied> =>
  db.transaction((tx) => applyRecords(tx, records, seal));

/** Applies envelopes to `db` in one transaction, as one projector batch. */
export const applyEvents = (db: Db, events: readonly OutboundEvent[], seal = TEST_SEAL): Promise<Applied> =>
  applyStoreRecords(db, events.map(decodeFixture), seal);
