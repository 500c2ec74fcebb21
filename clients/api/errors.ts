import type { FieldError } from '../../domain/validation';

/** The JSON body of every error the API returns (DESIGN §5): `{ error, message, details? }`. */
export interface ApiErrorBody {
  error: string;
  message: string;
  details?: FieldError[] | Record<string, unknown>;
}

/** An error with its HTTP status, thrown by handlers and rendered by the app's error handler. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly error: string,
    message: string,
    readonly details?: ApiErrorBody['details'],
  ) {
    super(message);
  }

  body(): ApiErrorBody {
    return { error: this.error, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}

export const badRequest = (message: string, details?: FieldError[]) =>
  new ApiError(400, 'bad_request', message, details);
export const notFound = (message: string) => new ApiError(404, 'not_found', message);
export const conflict = (message: string) => new ApiError(409, 'conflict', message);
