/**
 * The API's one error vocabulary, after atproto's xrpc-server `errors.ts`: an ApiError
 * carries the HTTP status, a stable machine `code` and a human `message`; the error
 * middleware turns it into `{ error: { code, message } }`. ApiError.from passes our
 * own errors through, maps the known lower ones (a service's refusal, a decoder's
 * DecodeError, the JSON body parser's errors) and turns anything else into a 500.
 */
import { AddressError } from '../consensus/address.js';
import { AmountError } from '../consensus/amount.js';
import { DecodeError } from '../consensus/byte-reader.js';
import { P2pError } from '../p2p/errors.js';
import { ServiceRefusal } from './services.js';

/**
 * The HTTP status of each code the p2p layer names (P2pError.code). A caller's mistake
 * is a 400, a refusal in the current state a 409. An address that is well formed but
 * where no peer answers, or whose peer refuses the handshake (another network, a ban),
 * is a 422: the node is not broken and is no gateway, the request named a peer it cannot
 * reach, so it is the caller's to change, never a 5xx.
 */
const P2P_STATUS: Record<string, number> = {
  'bad-peer-address': 400,
  'peer-banned': 409,
  'peer-denied': 409,
  'too-many-peers': 409,
  'already-connected': 409,
  'network-inactive': 409,
  'connect-failed': 422,
  'handshake-failed': 422,
};

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
    // An address is a DecodeError too: its own code first.
    if (err instanceof AddressError) return new BadRequestError('invalid-address', err.message, { cause: err });
    if (err instanceof DecodeError) return new BadRequestError('bad-encoding', err.message, { cause: err });
    if (err instanceof AmountError) return new BadRequestError('bad-amount', err.message, { cause: err });
    if (err instanceof P2pError) {
      const status = P2P_STATUS[err.code];
      if (status !== undefined) return new ApiError(status, err.code, err.message, { cause: err });
    }
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
 * bodyParserError maps the errors express and its body parser raise (http-errors: a
 * `status` and `expose`, often a `type`) to named codes: unparseable JSON is
 * `bad-json`, an oversized body `payload-too-large`, a body that does not inflate as
 * its Content-Encoding says `bad-content-encoding`, an unknown encoding
 * `unsupported-encoding`, a path that does not percent-decode `bad-uri`; anything
 * else it exposes as a 4xx keeps its status.
 */
function bodyParserError(err: unknown): ApiError | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  // The router's decodeParam throws a URIError with status 400 (and no `expose`).
  if (err instanceof URIError) return new BadRequestError('bad-uri', `the path does not percent-decode: ${err.message}`, { cause: err });
  const { type, status, expose, message, code } = err as { type?: unknown; status?: unknown; expose?: unknown; message?: unknown; code?: unknown };
  if (typeof status !== 'number' || expose !== true || status < 400 || status >= 500) return undefined;
  if (type === 'entity.parse.failed') return new BadRequestError('bad-json', `the body is not valid JSON: ${String(message)}`, { cause: err });
  if (type === 'entity.too.large') return new ApiError(413, 'payload-too-large', 'the body is too large', { cause: err });
  if (type === 'encoding.unsupported') return new ApiError(415, 'unsupported-encoding', `${String(message)}: send the body plain, gzip, deflate or br`, { cause: err });
  if (typeof code === 'string' && code.startsWith('Z_')) return new BadRequestError('bad-content-encoding', `the body does not decode as its Content-Encoding says (${code})`, { cause: err });
  return new ApiError(status, 'bad-request', String(message), { cause: err });
}
