import { z } from 'zod';
import type { Role } from '../actor';
import type { Stage } from '../stages';

/**
 * The shape of one human action's declaration (see `registry.ts`). Everything that differs between
 * actions is data here; the workflow's update and its generic checks, the API's route and OpenAPI
 * operation, and the CLI's verbs are all derived from it.
 */

/** How a CLI flag becomes a field of the action's input. */
export interface CliFlag {
  /** The input field it fills. */
  readonly field: string;
  /** `string` (default), `number`, `boolean` (a switch), `list` (repeatable), `pairs` (repeatable NAME=TEXT → record). */
  readonly type?: 'string' | 'number' | 'boolean' | 'list' | 'pairs';
  readonly required?: boolean;
}

/** One `redress <verb> ID …` command for the action. */
export interface CliVerb {
  readonly verb: string;
  /** The usage line after `redress ` (without the common options). */
  readonly usage: string;
  readonly summary: string;
  readonly flags: Readonly<Record<string, CliFlag>>;
  /** Input fields the verb fixes (`approve-remedy` is `decideRemedy` with `approve: true`). */
  readonly fixed?: Readonly<Record<string, unknown>>;
}

/** One human action on a complaint. */
export interface ActionSpec<S extends z.ZodType = z.ZodType> {
  /** The workflow update's name and the API's operation id. */
  readonly name: string;
  /** The input without the actor (the API and the CLI fill that in from the caller's key): limits included. */
  readonly input: S;
  /** The roles that may take it. */
  readonly roles: readonly Role[];
  /** The stages it may be taken in (the case's rule may narrow this with a reason of its own). */
  readonly stages: readonly Stage[];
  /** For a refusal: "cannot <doing> in the … stage". */
  readonly doing: string;
  /** `POST /complaints/:id/<path>`. */
  readonly path: string;
  readonly summary: string;
  readonly description: string;
  /** For a 403: "the auditor role cannot <what>". */
  readonly what: string;
  readonly cli: readonly CliVerb[];
}

/** Who may take most actions: the people who work complaints. */
export const ACTING: readonly Role[] = ['operator', 'supervisor'];
/** Who may take a supervisor's actions (approvals, extensions). */
export const SUPERVISOR: readonly Role[] = ['supervisor'];

/** Declares an action, keeping its input schema's type. */
export function defineAction<S extends z.ZodType>(spec: ActionSpec<S>): ActionSpec<S> {
  return spec;
}

/** Required text: trimmed, not empty, at most `max` characters, with messages that name the rule. */
export const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
