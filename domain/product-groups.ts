import { z } from 'zod';
import { fieldErrors } from './validation';

/**
 * The product/service groupings of the FCA complaints return (DISP 1.10, DISP 1 Annex 1R): which group each
 * of the firm's product codes (the complaint's `product`) is reported under. Shipped as
 * `reporting/fca-product-groups.json`, extended or overridden by the operator's file (platform/product-group-files.ts),
 * in the way policies and templates are. Pure: the files are read elsewhere and handed in as text.
 *
 * A product no file maps — or a complaint with no product — is reported in {@link OTHER_GROUP}, and the
 * return says how many products (and complaints) landed there, so a missing mapping shows rather than
 * silently inflating a group.
 */

/** The group of every product no file maps; reserved (a file may not define it or map to it). */
export const OTHER_GROUP = 'other';
const OTHER_LABEL = 'Other (products with no group in the mapping)';

const Code = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,59}$/, 'must be lower-case letters, digits and dashes (at most 60)');

/** One mapping file: group ids with their labels, and product codes with their group id. */
export const ProductGroupFileSchema = z.strictObject({
  groups: z.record(Code, z.string().trim().min(1).max(120)).default({}),
  products: z.record(Code, Code).default({}),
});

/** The mapping in force: every group (the reserved `other` included) and every mapped product. */
export interface ProductGroups {
  readonly groups: ReadonlyMap<string, string>;
  readonly products: ReadonlyMap<string, string>;
}

/** A mapping that maps nothing: every product is `other`. */
export const NO_PRODUCT_GROUPS: ProductGroups = {
  groups: new Map([[OTHER_GROUP, OTHER_LABEL]]),
  products: new Map(),
};

/** The files could not make a mapping; every problem is listed, each naming the file and the field. */
export class ProductGroupsError extends Error {
  override readonly name = 'ProductGroupsError';
  constructor(readonly problems: readonly string[]) {
    super(`could not load the FCA product groups:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

/**
 * The mapping from files in order (shipped first, then the operator's): a later file's group label or
 * product entry replaces an earlier one of the same key, anything else is added. Throws
 * {@link ProductGroupsError} naming each bad field, and each product mapped to a group no file defines.
 */
export function buildProductGroups(files: ReadonlyArray<{ file: string; text: string }>): ProductGroups {
  const problems: string[] = [];
  const groups = new Map(NO_PRODUCT_GROUPS.groups);
  const products = new Map<string, { group: string; file: string }>();
  for (const { file, text } of files) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      problems.push(`${file}: (root): not JSON`);
      continue;
    }
    const parsed = ProductGroupFileSchema.safeParse(json);
    if (!parsed.success) {
      problems.push(...fieldErrors(parsed.error).map((e) => `${file}: ${e.field}: ${e.message}`));
      continue;
    }
    for (const [id, label] of Object.entries(parsed.data.groups)) {
      if (id === OTHER_GROUP)
        problems.push(`${file}: groups.${id}: "${OTHER_GROUP}" is reserved for unmapped products`);
      else groups.set(id, label);
    }
    for (const [product, group] of Object.entries(parsed.data.products)) products.set(product, { group, file });
  }
  for (const [product, { group, file }] of products) {
    if (group === OTHER_GROUP) {
      problems.push(`${file}: products.${product}: leave a product out to report it as "${OTHER_GROUP}"`);
    } else if (!groups.has(group)) {
      problems.push(`${file}: products.${product}: no group "${group}" (define it under "groups")`);
    }
  }
  if (problems.length > 0) throw new ProductGroupsError(problems);
  return { groups, products: new Map([...products].map(([p, { group }]) => [p, group])) };
}

/** The group a complaint's product is reported under, and whether the mapping named it. */
export function productGroupOf(m: ProductGroups, product: string | null): { group: string; mapped: boolean } {
  const group = product === null ? undefined : m.products.get(product);
  return group === undefined ? { group: OTHER_GROUP, mapped: false } : { group, mapped: true };
}

/** The label of a group (its id when the mapping has none, which {@link buildProductGroups} never leaves). */
export const productGroupLabel = (m: ProductGroups, group: string): string => m.groups.get(group) ?? group;

/**
 * Sums per-product count rows into per-group rows, in the mapping's group order (`other` last), every
 * group listed even when zero so a return's lines do not come and go with the period. The counts of the
 * rows are added field by field; `products` lists the product codes seen in each group (`unspecified`
 * for none), and `other` also says how many distinct products and rows fell to it unmapped.
 */
export function sumByProductGroup<K extends string>(
  m: ProductGroups,
  keys: readonly K[],
  rows: ReadonlyArray<{ product: string | null } & Record<K, number>>,
): Array<{ group: string; label: string; products: string[] } & Record<K, number>> {
  const zero = () => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  const ids = [...[...m.groups.keys()].filter((g) => g !== OTHER_GROUP).sort(), OTHER_GROUP];
  const out = new Map(ids.map((g) => [g, { counts: zero(), products: new Set<string>() }]));
  for (const row of rows) {
    const at = out.get(productGroupOf(m, row.product).group)!;
    at.products.add(row.product ?? 'unspecified');
    for (const k of keys) at.counts[k] += row[k];
  }
  return ids.map((group) => {
    const at = out.get(group)!;
    return { group, label: productGroupLabel(m, group), products: [...at.products].sort(), ...at.counts };
  });
}
