import { Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { ALL_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import type { TemporalSecurity } from '../config/transport-security';
import { temporalConnectionOptions } from '../platform/temporal-connection';

const INDEXED: Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType> = {
  [SearchAttributeType.TEXT]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  [SearchAttributeType.KEYWORD]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.INT]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  [SearchAttributeType.DOUBLE]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  [SearchAttributeType.BOOL]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  [SearchAttributeType.DATETIME]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  [SearchAttributeType.KEYWORD_LIST]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** Every search attribute as the operator service's request wants it: name to indexed type. */
export function indexedSearchAttributes(): Record<string, temporal.api.enums.v1.IndexedValueType> {
  return Object.fromEntries(ALL_SEARCH_ATTRIBUTES.map(({ name, type }) => [name, INDEXED[type]]));
}

/** The dev server's `--search-attribute Name=Type` flags, applied when its database is created. */
export function searchAttributeFlags(): string[] {
  const cliType: Record<SearchAttributeType, string> = {
    [SearchAttributeType.TEXT]: 'Text',
    [SearchAttributeType.KEYWORD]: 'Keyword',
    [SearchAttributeType.INT]: 'Int',
    [SearchAttributeType.DOUBLE]: 'Double',
    [SearchAttributeType.BOOL]: 'Bool',
    [SearchAttributeType.DATETIME]: 'Datetime',
    [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
  };
  return ALL_SEARCH_ATTRIBUTES.flatMap(({ name, type }) => ['--search-attribute', `${name}=${cliType[type]}`]);
}

/**
 * Registers the search attributes the server lacks. Needed because the dev server ignores
 * `--search-attribute` for a database that already exists, and for servers Redress did not start.
 * Returns the names it added.
 */
export async function ensureSearchAttributes(
  address: string,
  namespace: string,
  security?: TemporalSecurity,
): Promise<string[]> {
  const connection = await Connection.connect(temporalConnectionOptions(address, security));
  try {
    return await registerMissingSearchAttributes(connection, namespace);
  } finally {
    await connection.close();
  }
}

/** As {@link ensureSearchAttributes}, on a connection the caller owns (e.g. a test environment's). */
export async function registerMissingSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    const have = new Set(Object.keys(existing.customAttributes ?? {}));
    const missing = ALL_SEARCH_ATTRIBUTES.filter(({ name }) => !have.has(name));
    if (missing.length === 0) return [];
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map(({ name, type }) => [name, INDEXED[type]])),
    });
    return missing.map((m) => m.name);
  }
}
