/**
 * C0 and C1 control characters other than tab, line feed and carriage return: no complaint text
 * needs them, a NUL breaks PostgreSQL text columns (Temporal's visibility store in production), and
 * they hide text from the person reading a dead letter or a log. Lone UTF-16 surrogates (from
 * `\ud800`-style escapes) cannot be encoded back to UTF-8, so the text would silently change.
 */
const FORBIDDEN_CHARACTERS =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The first string (value or property name) with a forbidden character, or a value nested deeper than
 * `maxDepth`, with the field's dotted path. Shared by the Kafka bridge and the HTTP API, so text is
 * refused on the same terms whichever way a complaint arrives.
 */
export function findUnsafeText(
  json: unknown,
  maxDepth: number,
): { code: 'too-deep' | 'control-characters'; field: string } | undefined {
  // Iterative, so a hostile nesting depth cannot overflow the stack.
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: json, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    const field = path || '(root)';
    if (typeof value === 'string') {
      if (FORBIDDEN_CHARACTERS.test(value)) return { code: 'control-characters', field };
    } else if (value !== null && typeof value === 'object') {
      if (depth >= maxDepth) return { code: 'too-deep', field };
      const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
      for (const [name, child] of entries) {
        if (FORBIDDEN_CHARACTERS.test(name)) return { code: 'control-characters', field: `${field}(property name)` };
        stack.push({ value: child, path: path ? `${path}.${name}` : name, depth: depth + 1 });
      }
    }
  }
  return undefined;
}
