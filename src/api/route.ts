/**
 * Routes registered from the contract (contract/operations.ts): the method, the path,
 * the token check, the body parser and the validation of path, query and body all
 * come from the operation, and the handler's answer is typed by the operation's
 * response schema. So a route cannot take or give what the OpenAPI document does not
 * say, and what needs the token is decided in one place.
 */
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { z } from 'zod';
import type { Operation } from './contract/operations.js';
import { requireToken } from './auth.js';
import { ApiError, InternalServerError } from './errors.js';
import { parseInput } from './request-validation.js';

/** Request bodies are small JSON objects; anything bigger is refused before parsing. */
const MAX_BODY = '16kb';

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface Input<O extends Operation> {
  params: Parsed<O['params']>;
  query: Parsed<O['query']>;
  body: Parsed<O['body']>;
  req: Request;
  res: Response;
}

export interface BodyOptions {
  /** the largest body, as express.json's limit (default 16kb) */
  limit?: string;
  /** refuse (415) a body not sent as application/json, so a cross-site form cannot reach the route */
  jsonOnly?: boolean;
}

export interface RouteOptions {
  authToken: string;
  /** check every answer against its schema and fail with a 500 when it breaks the contract (tests) */
  checkResponses?: boolean;
}

export class Routes {
  private readonly tokenGuard: RequestHandler;

  constructor(
    private readonly router: Router,
    private readonly options: RouteOptions,
  ) {
    this.tokenGuard = requireToken(options.authToken);
  }

  /** json registers a JSON operation: the handler returns the answer, which is sent with the operation's status. */
  json<O extends Operation>(op: O, handler: (input: Input<O>) => z.input<O['response']> | Promise<z.input<O['response']>>, body: BodyOptions = {}): void {
    this.register(op, body, async (input) => {
      const answer = await handler(input);
      if (this.options.checkResponses === true) {
        const checked = op.response.safeParse(answer);
        if (!checked.success) throw new InternalServerError(new Error(`${op.operationId} answer breaks the contract: ${JSON.stringify(checked.error.issues.slice(0, 3))}`));
      }
      input.res.status(op.status ?? 200).json(answer);
    });
  }

  /** raw registers an operation that writes its own answer (an event stream, Prometheus text). */
  raw<O extends Operation>(op: O, handler: (input: Input<O>) => void | Promise<void>): void {
    this.register(op, {}, handler);
  }

  private register<O extends Operation>(op: O, body: BodyOptions, handler: (input: Input<O>) => void | Promise<void>): void {
    const chain: RequestHandler[] = [];
    // The token first, so a stranger learns nothing from validation; then the body.
    if (op.auth) chain.push(this.tokenGuard);
    if (op.method !== 'get' && op.method !== 'delete') {
      if (body.jsonOnly === true) chain.push(requireJson);
      // Without jsonOnly a body is read as JSON whatever its Content-Type, so `curl -d '{"blocks":1}'` works;
      // those routes need the bearer header, which already rules out cross-site posts.
      chain.push(express.json({ type: body.jsonOnly === true ? 'application/json' : () => true, limit: body.limit ?? MAX_BODY }));
    }
    const path = op.path.replace(/\{(\w+)\}/g, ':$1');
    this.router[op.method](path, ...chain, async (req: Request, res: Response) => {
      const input = {
        params: op.params === undefined ? undefined : parseInput(op.params, req.params, 'params'),
        query: op.query === undefined ? undefined : parseInput(op.query, req.query, 'query'),
        body: op.body === undefined ? undefined : parseInput(op.body, req.body === undefined && op.bodyOptional === true ? {} : req.body, 'body'),
        req,
        res,
      } as Input<O>;
      await handler(input);
    });
  }
}

/** requireJson answers 415 unless the body comes as application/json. */
const requireJson: RequestHandler = (req, _res, next) => {
  if (req.is('application/json') === false || req.headers['content-type'] === undefined) {
    next(new ApiError(415, 'unsupported-media-type', 'send the body as JSON with "Content-Type: application/json"'));
    return;
  }
  next();
};
