/**
 * Which methods a path allows, for a 405 with `Allow` when a request uses another (RFC 9110 §15.5.6):
 * a path the API serves answers "not this method", not "no such thing". Built from the route table, so
 * it cannot disagree with what is registered.
 */
export class AllowedMethods {
  private readonly paths: Array<{ pattern: RegExp; methods: Set<string> }> = [];

  constructor(routes: ReadonlyArray<{ method: string; path: string }>) {
    const byPath = new Map<string, Set<string>>();
    for (const r of routes) {
      const methods = byPath.get(r.path) ?? new Set<string>();
      methods.add(r.method.toUpperCase());
      // Fastify answers HEAD on every GET route.
      if (r.method.toUpperCase() === 'GET') methods.add('HEAD');
      byPath.set(r.path, methods);
    }
    for (const [path, methods] of byPath) this.paths.push({ pattern: pathPattern(path), methods });
  }

  /** The methods the URL's path allows, sorted, or undefined when no route has that path. */
  for(url: string): string[] | undefined {
    const path = url.split('?', 1)[0] ?? '';
    const found = this.paths.find((p) => p.pattern.test(path));
    return found ? [...found.methods].sort() : undefined;
  }
}

/** Fastify's `/complaints/:id/remedy` as a regular expression matching one segment per parameter. */
function pathPattern(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`);
}
