/**
 * The one place errors become responses, after atproto's createErrorMiddleware: log,
 * then `res.status(e.status).json({ error: { code, message } })`. Only 500s log a
 * full stack; a 500 body says only "internal error".
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { ApiError, NotFoundError } from './errors.js';

export function createErrorMiddleware(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    const e = ApiError.from(err);
    if (e.status >= 500) logger.error({ err: e.cause ?? e, method: req.method, url: req.originalUrl }, 'request failed');
    else logger.debug({ status: e.status, code: e.code, method: req.method, url: req.originalUrl }, e.message);
    // A stream (server-sent events) that already sent its headers can only be ended.
    if (res.headersSent) {
      next(err);
      return;
    }
    if (e.status === 401) res.set('WWW-Authenticate', 'Bearer realm="toychain"');
    res.status(e.status).json(e.payload);
  };
}

/** notFound answers any request no route took with a 404 in the same shape. */
export const notFound: RequestHandler = (req, _res, next) => {
  next(new NotFoundError(`no route for ${req.method} ${req.path}`));
};
