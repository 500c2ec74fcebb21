import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * A directory shipped with the repository (`policies/`, `templates/`, `reporting/`), found by walking up
 * from this file to the one holding `package.json`, so it is the same whether the code runs from source
 * (`platform/`) or compiled (`dist/platform/`). Undefined when there is none: each caller says in its own
 * error type what was missing.
 */
export function findShippedDir(name: string): string | undefined {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, name);
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate) && statSync(candidate).isDirectory()) {
      return candidate;
    }
    if (dirname(dir) === dir) return undefined;
  }
}
