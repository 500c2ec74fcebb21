import type { DataConverter } from '@temporalio/common';
import { dataDir } from './data-dir';
import { AesGcmPayloadCodec } from './payload-codec';
import { loadPayloadKeys, type PayloadKeys } from './payload-keys';

/**
 * The one data converter every Redress process gives its Temporal clients and workers: the payload
 * codec over the key ring, and the failure converter that puts messages and stack traces into payloads
 * so the codec encrypts them too. Built in one place so the worker, the bridge and the API cannot
 * disagree about how payloads look on the wire.
 */

/** The failure converter module, by path: the worker bundles it into the workflow sandbox as well. */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/** The data converter for a ring, or without a codec when a deployment said `REDRESS_PAYLOAD_ENCRYPTION=off`. */
export function payloadDataConverter(keys: PayloadKeys): DataConverter {
  return {
    failureConverterPath: FAILURE_CONVERTER_PATH,
    ...(keys.encryption === 'on' ? { payloadCodecs: [new AesGcmPayloadCodec(keys.keys)] } : {}),
  };
}

/** What a process logs at start-up about its payload protection: never a key, only ids and their source. */
export function describePayloadKeys(keys: PayloadKeys): Record<string, unknown> {
  return keys.encryption === 'on'
    ? { encryption: 'on', source: keys.source, keyIds: keys.keys.map((k) => k.id) }
    : { encryption: 'off', source: keys.source };
}

/** The ring from the environment (or the development ring), and its converter; throws as loadPayloadKeys does. */
export function loadDataConverter(env: NodeJS.ProcessEnv = process.env): {
  dataConverter: DataConverter;
  keys: PayloadKeys;
} {
  const keys = loadPayloadKeys(env, dataDir(env));
  return { dataConverter: payloadDataConverter(keys), keys };
}
