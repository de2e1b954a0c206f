/**
 * The API's one error vocabulary, after atproto's xrpc-server `errors.ts`: an ApiError
 * carries the HTTP status, a stable machine `code` and a human `message`; the error
 * middleware turns it into `{ error: { code, message } }`. ApiError.from passes our
 * own errors through, maps the known lower ones (a service's refusal, a decoder's
 * DecodeError, the JSON body parser's errors) and turns anything else into a 500.
 */
import { DecodeError } from '../consensus/byte-reader.js';
import { ServiceRefusal } from './services.js';

export interface ErrorPayload {
  error: { code: string; message: string };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ApiError';
  }

  /** The response body. Do not respond with error details for 500s (atproto). */
  get payload(): ErrorPayload {
    if (this.status === 500) return { error: { code: this.code, message: 'internal error' } };
    return { error: { code: this.code, message: this.message } };
  }

  /** from keeps an ApiError, maps the errors the API knows, and makes anything else a 500. */
  static from(err: unknown): ApiError {
    if (err instanceof ApiError) return err;
    if (err instanceof ServiceRefusal) return new ApiError(err.status, err.code, err.message, { cause: err });
    if (err instanceof DecodeError) return new BadRequestError('bad-encoding', err.message, { cause: err });
    const parser = bodyParserError(err);
    if (parser !== undefined) return parser;
    return new InternalServerError(err);
  }
}

export class BadRequestError extends ApiError {
  constructor(code = 'bad-request', message = 'bad request', options?: { cause?: unknown }) {
    super(400, code, message, options);
  }
}

export class UnauthorizedError extends ApiError {
  constructor(message = 'unauthorized', options?: { cause?: unknown }) {
    super(401, 'unauthorized', message, options);
  }
}

export class NotFoundError extends ApiError {
  constructor(message = 'not found', options?: { cause?: unknown }) {
    super(404, 'not-found', message, options);
  }
}

export class ConflictError extends ApiError {
  constructor(code = 'conflict', message = 'conflict', options?: { cause?: unknown }) {
    super(409, code, message, options);
  }
}

/** A broken node, not a bad request: logged with its stack, answered with "internal error". */
export class InternalServerError extends ApiError {
  constructor(cause?: unknown) {
    super(500, 'internal-error', cause instanceof Error ? cause.message : 'internal error', { cause });
  }
}

/**
 * bodyParserError maps the errors express.json() raises (they carry `type`, `status`
 * and `expose`) to named codes: unparseable JSON is `bad-json`, an oversized body
 * `payload-too-large`, anything else it exposes keeps its status.
 */
function bodyParserError(err: unknown): ApiError | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { type, status, expose, message } = err as { type?: unknown; status?: unknown; expose?: unknown; message?: unknown };
  if (typeof type !== 'string' || typeof status !== 'number' || expose !== true) return undefined;
  if (type === 'entity.parse.failed') return new BadRequestError('bad-json', `the body is not valid JSON: ${String(message)}`, { cause: err });
  if (type === 'entity.too.large') return new ApiError(413, 'payload-too-large', 'the body is too large', { cause: err });
  if (status >= 400 && status < 500) return new ApiError(status, 'bad-request', String(message), { cause: err });
  return undefined;
}
