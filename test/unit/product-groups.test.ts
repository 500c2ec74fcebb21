import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildProductGroups,
  OTHER_GROUP,
  productGroupOf,
  ProductGroupsError,
  sumByProductGroup,
} from '../../domain/product-groups';
import { loadProductGroups, PRODUCT_GROUPS_FILE_ENV } from '../../platform/product-group-files';

/** The FCA return's product-group mapping: shipped file, operator override, and the `other` default. */
const file = (name: string, json: unknown) => ({ file: name, text: JSON.stringify(json) });
const SHIPPED = file('shipped.json', {
  groups: { banking: 'Banking and credit cards', 'home-finance': 'Home finance' },
  products: { 'current-account': 'banking', mortgage: 'home-finance', loans: 'banking' },
});

describe('buildProductGroups', () => {
  it('maps products to groups, and anything unmapped (or no product) to other', () => {
    const m = buildProductGroups([SHIPPED]);
    expect(productGroupOf(m, 'mortgage')).toEqual({ group: 'home-finance', mapped: true });
    expect(productGroupOf(m, 'pet-insurance')).toEqual({ group: OTHER_GROUP, mapped: false });
    expect(productGroupOf(m, null)).toEqual({ group: OTHER_GROUP, mapped: false });
  });

  it('lets a later file add groups and replace a product or a label, key by key', () => {
    const m = buildProductGroups([
      SHIPPED,
      file('operator.json', {
        groups: { 'consumer-credit': 'Consumer credit', banking: 'Banking & cards' },
        products: { loans: 'consumer-credit' },
      }),
    ]);
    expect(productGroupOf(m, 'loans').group).toBe('consumer-credit');
    expect(productGroupOf(m, 'current-account').group).toBe('banking');
    expect(m.groups.get('banking')).toBe('Banking & cards');
  });

  it('refuses a bad file naming the file and the field', () => {
    const attempt = (...files: Array<{ file: string; text: string }>) => {
      try {
        buildProductGroups(files);
      } catch (err) {
        expect(err).toBeInstanceOf(ProductGroupsError);
        return (err as ProductGroupsError).problems;
      }
      throw new Error('expected a ProductGroupsError');
    };
    expect(attempt(file('a.json', { products: { mortgage: 'nowhere' } }))).toEqual([
      'a.json: products.mortgage: no group "nowhere" (define it under "groups")',
    ]);
    expect(attempt(file('b.json', { groups: { other: 'Mine' } }))[0]).toMatch(/^b\.json: groups\.other: .*reserved/);
    expect(attempt(file('c.json', { products: { savings: 'other' } }))[0]).toMatch(
      /^c\.json: products\.savings: leave/,
    );
    expect(attempt(file('d.json', { groups: { Banking: 'x' } }))[0]).toMatch(/^d\.json: groups\.Banking: /);
    expect(attempt(file('e.json', { group: {} }))[0]).toMatch(/^e\.json: \(root\): /);
    expect(attempt({ file: 'f.json', text: '{' })).toEqual(['f.json: (root): not JSON']);
  });
});

describe('sumByProductGroup', () => {
  it('adds product rows into every group, other last, naming the products each holds', () => {
    const m = buildProductGroups([SHIPPED]);
    const rows = [
      { product: 'current-account', opened: 2, closed: 1 },
      { product: 'loans', opened: 1, closed: 3 },
      { product: 'pet-insurance', opened: 4, closed: 0 },
      { product: null, opened: 1, closed: 1 },
    ];
    expect(sumByProductGroup(m, ['opened', 'closed'], rows)).toEqual([
      {
        group: 'banking',
        label: 'Banking and credit cards',
        products: ['current-account', 'loans'],
        opened: 3,
        closed: 4,
      },
      { group: 'home-finance', label: 'Home finance', products: [], opened: 0, closed: 0 },
      {
        group: OTHER_GROUP,
        label: 'Other (products with no group in the mapping)',
        products: ['pet-insurance', 'unspecified'],
        opened: 5,
        closed: 1,
      },
    ]);
  });
});

describe('loadProductGroups', () => {
  it('reads the shipped file, then the operator file named by the environment', () => {
    expect(productGroupOf(loadProductGroups({ overrideFile: null }), 'mortgage').group).toBe('home-finance');
    const dir = mkdtempSync(join(tmpdir(), 'groups-'));
    const override = join(dir, 'groups.json');
    writeFileSync(
      override,
      JSON.stringify({ groups: { 'consumer-credit': 'Consumer credit' }, products: { loans: 'consumer-credit' } }),
    );
    const m = loadProductGroups({ env: { [PRODUCT_GROUPS_FILE_ENV]: override } });
    expect(productGroupOf(m, 'loans').group).toBe('consumer-credit');
    expect(productGroupOf(m, 'mortgage').group).toBe('home-finance');
    expect(() => loadProductGroups({ env: { [PRODUCT_GROUPS_FILE_ENV]: join(dir, 'missing.json') } })).toThrow(
      /REDRESS_FCA_PRODUCT_GROUPS_FILE=.*missing\.json: no such file/,
    );
  });
});
