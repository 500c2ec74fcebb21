import type { z } from 'zod';

/** One problem with an input, naming the field (`customer.email`) and the reason. */
export interface FieldError {
  field: string;
  message: string;
}

/** zod's issues as field errors: the path joined with dots, `(root)` for the value itself. */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)',
    message: issue.message,
  }));
}

/** A one-line summary of field errors, for logs and dead letters: `customer.email: Invalid email`. */
export function describeFieldErrors(errors: FieldError[]): string {
  return errors.map((e) => `${e.field}: ${e.message}`).join('; ');
}

/** JSON.parse's message without the excerpt of the input that Node quotes (it may hold personal data). */
export function jsonErrorMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/,? ".*"(?:\.\.\.)? is not valid JSON$/s, '').slice(0, 200);
}
