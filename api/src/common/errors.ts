/**
 * The one error shape of the API (contract "HTTP API"): `{ statusCode, error, message, details? }`.
 * Services throw ApiError; the global filter renders it, and anything else becomes a plain 500.
 */
export interface ErrorDetail {
  line?: number;
  field: string;
  message: string;
}

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details?: ErrorDetail[],
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
  }
  get error(): string {
    return REASONS[this.statusCode] ?? 'Error';
  }
  toJSON() {
    return {
      statusCode: this.statusCode,
      error: this.error,
      message: this.message,
      ...(this.details ? { details: this.details } : {}),
      ...this.extra,
    };
  }
}

export const badRequest = (message: string, details?: ErrorDetail[]) => new ApiError(400, message, details);
export const notFound = (message: string) => new ApiError(404, message);
export const unprocessable = (message: string, details: ErrorDetail[]) => new ApiError(422, message, details);
export const payloadTooLarge = (limitBytes: number) =>
  new ApiError(413, `the request body is larger than the limit of ${formatBytes(limitBytes)}`);

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round((n / 1024 / 1024) * 10) / 10} MB` : `${Math.round(n / 1024)} KB`;
}

/** How many problems an answer lists at most (contract: first 1,000). */
export const MAX_DETAILS = 1000;

/**
 * JSON.parse's complaint by position only: newer Node versions quote the text around the error,
 * which on a complaint line may be a consumer's name or address (never echoed in errors).
 */
export function jsonProblem(err: Error): string {
  const pos = /position (\d+)/.exec(err.message)?.[1];
  const end = /end of (JSON|data) input/i.test(err.message);
  return `not valid JSON${pos !== undefined ? ` (at character ${Number(pos) + 1})` : end ? ' (it ends too early)' : ''}`;
}
