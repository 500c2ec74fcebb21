import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { toEpochMs } from '../domain/clock';
import { parsePolicyJson, PolicyValidationError } from '../domain/policy';
import type { Policy } from '../domain/policy';
import { findShippedDir } from './shipped-dir';

/**
 * Reading policy files: the versions shipped in the repository's `policies/` directory, then the
 * operator's additions and overrides from the file or directory named by `REDRESS_POLICY_DIR`. Node only
 * (it reads files): run it in the worker or an activity and hand the result to workflow code.
 */

/** The environment variable naming the operator's policy file or directory. */
export const POLICY_DIR_ENV = 'REDRESS_POLICY_DIR';

/** One loaded policy and the file it came from. */
export interface LoadedPolicy {
  readonly policy: Policy;
  readonly file: string;
  /** The shipped file an operator policy replaced (same id and version), if any. */
  readonly replaced?: string;
}

/** Loading failed; every problem found is listed, each naming the file. */
export class PolicyLoadError extends Error {
  override readonly name = 'PolicyLoadError';
  constructor(readonly problems: readonly string[]) {
    super(`could not load policies:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

/** Where to read policies from. */
export interface PolicyLoadOptions {
  /** The shipped policies; defaults to the repository's `policies/` directory. */
  readonly shippedDir?: string;
  /** The operator's file or directory; defaults to `$REDRESS_POLICY_DIR`; null for none. */
  readonly overridePath?: string | null;
  /** The environment to read `REDRESS_POLICY_DIR` from; defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The repository's `policies/` directory, found by walking up from this file, so it is the same whether
 * the code runs from source (`platform/`) or compiled (`dist/platform/`).
 */
export function shippedPolicyDir(): string {
  const dir = findShippedDir('policies');
  if (!dir) throw new PolicyLoadError([`no policies/ directory found above ${__dirname}`]);
  return dir;
}

/** Reads and validates one policy file; throws `PolicyValidationError` naming the file and each bad field. */
export function readPolicyFile(file: string): Policy {
  return validated(file, readText(file));
}

function readText(file: string): string | Error {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    return error as Error;
  }
}

async function readTextAsync(file: string): Promise<string | Error> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    return error as Error;
  }
}

function validated(file: string, text: string | Error): Policy {
  if (text instanceof Error) throw new PolicyValidationError(file, [`(root): cannot read the file: ${text.message}`]);
  const result = parsePolicyJson(text);
  if (!result.ok) throw new PolicyValidationError(file, result.errors);
  return result.policy;
}

function jsonFilesIn(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(path, name));
}

/** Which files to read: the shipped ones, then the operator's. */
interface PolicyFiles {
  readonly shipped: readonly string[];
  readonly operator: readonly string[];
  readonly problems: string[];
}

function locate(options: PolicyLoadOptions): PolicyFiles {
  const problems: string[] = [];
  const shipped = jsonFilesIn(options.shippedDir ?? shippedPolicyDir());
  const env = options.env ?? process.env;
  const overridePath = options.overridePath === undefined ? env[POLICY_DIR_ENV] || null : options.overridePath;
  let operator: string[] = [];
  if (overridePath !== null) {
    if (existsSync(resolve(overridePath))) operator = jsonFilesIn(resolve(overridePath));
    else problems.push(`${POLICY_DIR_ENV}=${overridePath}: no such file or directory`);
  }
  return { shipped, operator, problems };
}

function validateAll(
  files: readonly string[],
  texts: ReadonlyMap<string, string | Error>,
  problems: string[],
): LoadedPolicy[] {
  const loaded: LoadedPolicy[] = [];
  for (const file of files) {
    try {
      loaded.push({ policy: validated(file, texts.get(file) ?? new Error('not read')), file });
    } catch (error) {
      if (!(error instanceof PolicyValidationError)) throw error;
      problems.push(...error.errors.map((e) => `${file}: ${e}`));
    }
  }
  return loaded;
}

const key = (p: Policy): string => `${p.id} v${p.version}`;

function checkUnique(loaded: readonly LoadedPolicy[], problems: string[]): void {
  const byKey = new Map<string, string>();
  const byStart = new Map<string, string>();
  for (const { policy, file } of loaded) {
    const other = byKey.get(key(policy));
    if (other) problems.push(`${file}: ${key(policy)} is also defined in ${other}`);
    byKey.set(key(policy), file);
    // Two versions starting at the same instant would make "the version in force" ambiguous.
    const start = `${policy.id}@${toEpochMs(policy.effectiveFrom)}`;
    const clash = byStart.get(start);
    if (clash && clash !== file) {
      problems.push(`${file}: effectiveFrom: ${policy.id} already has a version starting then, in ${clash}`);
    }
    byStart.set(start, file);
  }
}

function assemble(files: PolicyFiles, texts: ReadonlyMap<string, string | Error>): LoadedPolicy[] {
  const problems = [...files.problems];
  const shipped = validateAll(files.shipped, texts, problems);
  checkUnique(shipped, problems);
  const operator = validateAll(files.operator, texts, problems);
  checkUnique(operator, problems);
  const merged = new Map<string, LoadedPolicy>(shipped.map((l) => [key(l.policy), l]));
  for (const l of operator) {
    const replaced = merged.get(key(l.policy));
    merged.set(key(l.policy), replaced ? { ...l, replaced: replaced.file } : l);
  }
  const all = [...merged.values()];
  checkUnique(all, problems);
  if (problems.length > 0) throw new PolicyLoadError([...new Set(problems)]);
  return all.sort((a, b) =>
    a.policy.id < b.policy.id ? -1 : a.policy.id > b.policy.id ? 1 : a.policy.version - b.policy.version,
  );
}

/**
 * Loads the shipped policies and the operator's. An operator policy with the same id and version as a
 * shipped one replaces it; any other is added (a new version, or a new regime). Throws `PolicyLoadError`
 * listing every problem, so a bad deployment fails at start-up rather than on the first complaint.
 */
export function loadPolicyCatalogue(options: PolicyLoadOptions = {}): LoadedPolicy[] {
  const files = locate(options);
  const all = [...files.shipped, ...files.operator];
  return assemble(files, new Map(all.map((file) => [file, readText(file)])));
}

/** `loadPolicyCatalogue` without blocking the event loop while reading, for a worker or an activity. */
export async function loadPolicyCatalogueAsync(options: PolicyLoadOptions = {}): Promise<LoadedPolicy[]> {
  const files = locate(options);
  const all = [...files.shipped, ...files.operator];
  const texts = await Promise.all(all.map(async (file) => [file, await readTextAsync(file)] as const));
  return assemble(files, new Map(texts));
}

/** The policies of this deployment (see `loadPolicyCatalogue`), as plain validated objects. */
export function loadPolicies(options: PolicyLoadOptions = {}): Policy[] {
  return loadPolicyCatalogue(options).map((l) => l.policy);
}

/** `loadPolicies` reading asynchronously. */
export async function loadPoliciesAsync(options: PolicyLoadOptions = {}): Promise<Policy[]> {
  return (await loadPolicyCatalogueAsync(options)).map((l) => l.policy);
}
