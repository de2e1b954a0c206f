/**
 * The OpenAPI 3.1 document of the node API, generated from the contract
 * (contract/operations.ts) with zod 4's JSON Schema output: one schema per response,
 * request body and event, an operationId and `security` on every operation. Nothing
 * here is written by hand but the prose, so the document cannot drift from the routes;
 * `redocly lint` (recommended rules) checks it in the test suite.
 */
import { z } from 'zod';
import * as eventSchemas from './contract/events.js';
import { operations, type ErrorStatus, type Operation } from './contract/operations.js';
import { ErrorBody } from './contract/primitives.js';
import * as responseSchemas from './contract/responses.js';

type Schema = Record<string, unknown>;

const COMPONENT = '#/components/schemas/';

/** Each error status, described once; every operation lists the ones it can answer. */
const ERROR_TEXT: Record<ErrorStatus, string> = {
  400: 'bad parameters or body: code bad-request, bad-json, bad-uri, bad-content-encoding, invalid-address, bad-peer-address, bad-tx-hex, or a transaction reject reason such as txn-mempool-conflict',
  401: 'no token or a wrong one (code unauthorized): send the token from DATADIR/api.cookie',
  403: 'the Host header names no loopback host while the API listens on loopback (code forbidden-host): DNS rebinding',
  404: 'not found (code not-found, tx-not-found)',
  409: 'refused in the current state (code network-inactive, mining-busy, mining-active, peer-banned, peer-denied, already-connected, too-many-peers)',
  413: 'the body is too large (code payload-too-large)',
  415: 'the body is not sent as application/json (code unsupported-media-type) or in an unknown encoding (unsupported-encoding)',
  422: 'a well-formed peer address the node could not connect to: nothing answered there, or the peer refused the handshake (code peer-connect-failed; the message gives the reason, e.g. wrong-network)',
  503: 'the node serves as many event streams as it allows (code too-many-streams): try again later',
};

/** Every operation can meet the Host check (403); the rest are the operation's own. */
const ALWAYS: ErrorStatus[] = [403];

/** components builds the named schemas (responses, events, the error body) with $refs between them. */
function components(): { schemas: Record<string, Schema>; ids: Map<z.ZodType, string> } {
  const registry = z.registry<{ id: string }>();
  const ids = new Map<z.ZodType, string>();
  const add = (id: string, schema: unknown): void => {
    if (!(schema instanceof z.ZodType) || ids.has(schema)) return;
    registry.add(schema, { id });
    ids.set(schema, id);
  };
  add('Error', ErrorBody);
  for (const [name, schema] of Object.entries(responseSchemas)) add(name, schema);
  for (const [name, schema] of Object.entries(eventSchemas)) add(name, schema);
  const events = Object.entries(eventSchemas.nodeEventSchemas).map(([event, data]) =>
    z.object({ event: z.literal(event), data }).meta({ description: `event: ${event}` }),
  );
  add('NodeEvent', z.union(events).meta({ description: 'one server-sent event: its name (the `event:` line) and its data (the `data:` line, JSON)' }));
  const { schemas } = z.toJSONSchema(registry, { uri: (id) => COMPONENT + id, io: 'output', unrepresentable: 'any', override: openObjects });
  return { schemas: Object.fromEntries(Object.entries(schemas).map(([id, s]) => [id, bare(s as Schema)])), ids };
}

/**
 * openObjects leaves a response object open: zod writes `additionalProperties: false`
 * for an object it strips, but a client must accept fields a later node adds.
 */
function openObjects(ctx: { zodSchema: unknown; jsonSchema: Schema }): void {
  const def = (ctx.zodSchema as { _zod?: { def?: { type?: string; catchall?: unknown } } })._zod?.def;
  if (def?.type === 'object' && def.catchall === undefined && ctx.jsonSchema.additionalProperties === false) delete ctx.jsonSchema.additionalProperties;
}

/** bare drops the JSON Schema document keywords OpenAPI does not want inside components. */
function bare(schema: Schema): Schema {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

function inline(schema: z.ZodType, io: 'input' | 'output'): Schema {
  return bare(z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Schema);
}

/** parameters lists a path or query object's fields: required unless the field accepts no value. */
function parameters(where: 'path' | 'query', object: z.ZodObject | undefined): Schema[] {
  if (object === undefined) return [];
  return Object.entries(object.shape).map(([name, field]) => {
    const { description, ...schema } = inline(field as z.ZodType, 'output');
    const required = where === 'path' || !(field as z.ZodType).safeParse(undefined).success;
    return { name, in: where, required, ...(description === undefined ? {} : { description }), schema };
  });
}

function operation(op: Operation, ids: Map<z.ZodType, string>): Schema {
  const id = ids.get(op.response);
  const schema = op.media === 'text/event-stream' ? { $ref: `${COMPONENT}NodeEvent` } : op.media === 'text/plain' ? { type: 'string' } : id === undefined ? inline(op.response, 'output') : { $ref: COMPONENT + id };
  const errors = [...new Set([...op.errors, ...ALWAYS])].sort();
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description === undefined ? {} : { description: op.description }),
    security: op.auth ? [{ bearer: [] }] : [],
    ...(op.params === undefined && op.query === undefined ? {} : { parameters: [...parameters('path', op.params), ...parameters('query', op.query)] }),
    ...(op.body === undefined ? {} : { requestBody: { required: op.bodyOptional !== true, content: { 'application/json': { schema: inline(op.body, 'input') } } } }),
    responses: {
      [String(op.status ?? 200)]: { description: op.summary, content: { [op.media ?? 'application/json']: { schema } } },
      ...Object.fromEntries(errors.map((s) => [String(s), { description: ERROR_TEXT[s], content: { 'application/json': { schema: { $ref: `${COMPONENT}Error` } } } }])),
    },
  };
}

export function openApiDocument(info: { version: string; network: string; exposed?: boolean }): Schema {
  const { schemas, ids } = components();
  const paths: Record<string, Record<string, Schema>> = {};
  // Reachable from the network, every call that is not a read needs the token, POST /tx included (access.ts).
  for (const op of Object.values(operations) as Operation[]) (paths[op.path] ??= {})[op.method] = operation({ ...op, auth: op.auth || (info.exposed === true && op.method !== 'get') }, ids);
  return {
    openapi: '3.1.0',
    info: {
      title: 'toychain node API',
      version: info.version,
      description: `REST API of a toychain node on the ${info.network} network. Calls that change the node need the bearer token in DATADIR/api.cookie.`,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/api/v1' }],
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'the token in DATADIR/api.cookie' } } },
    paths,
  };
}
