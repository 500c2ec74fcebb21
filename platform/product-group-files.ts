import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildProductGroups, ProductGroupsError, type ProductGroups } from '../domain/product-groups';
import { findShippedDir } from './shipped-dir';

/**
 * Reading the FCA return's product groups (domain/product-groups.ts): the shipped
 * `reporting/fca-product-groups.json`, then the operator's file named by `REDRESS_FCA_PRODUCT_GROUPS_FILE`,
 * whose entries add to or replace the shipped ones key by key (as an operator's policy replaces the
 * shipped one of its id and version). Read once at start, so a bad file stops the API naming the field
 * rather than a report failing on the day it is filed.
 */

/** The environment variable naming the operator's mapping file. */
export const PRODUCT_GROUPS_FILE_ENV = 'REDRESS_FCA_PRODUCT_GROUPS_FILE';

export interface ProductGroupLoadOptions {
  /** The shipped file; defaults to the repository's `reporting/fca-product-groups.json`. */
  readonly shippedFile?: string;
  /** The operator's file; defaults to `$REDRESS_FCA_PRODUCT_GROUPS_FILE`; null for none. */
  readonly overrideFile?: string | null;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The shipped mapping file. */
export function shippedProductGroupFile(): string {
  const dir = findShippedDir('reporting');
  if (!dir) throw new ProductGroupsError([`no reporting/ directory found above ${__dirname}`]);
  return join(dir, 'fca-product-groups.json');
}

/** Loads and validates the deployment's mapping; throws `ProductGroupsError` listing every problem. */
export function loadProductGroups(options: ProductGroupLoadOptions = {}): ProductGroups {
  const env = options.env ?? process.env;
  const override = options.overrideFile === undefined ? env[PRODUCT_GROUPS_FILE_ENV] || null : options.overrideFile;
  const files = [options.shippedFile ?? shippedProductGroupFile()];
  if (override !== null) {
    const file = resolve(override);
    if (!existsSync(file)) throw new ProductGroupsError([`${PRODUCT_GROUPS_FILE_ENV}=${override}: no such file`]);
    files.push(file);
  }
  return buildProductGroups(files.map((file) => ({ file, text: readFileSync(file, 'utf8') })));
}
