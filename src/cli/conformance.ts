/**
 * The API conformance check behind `toychain conformance`: it sends a running node the
 * probes of conformance-probes.ts and holds every answer against two definitions at
 * once, which must agree:
 *  - the contract this program was built with (src/api/contract/: the zod schema of
 *    the operation's answer, or the error body), and
 *  - the OpenAPI document the node itself serves (GET /api/v1/openapi.json): the status
 *    must be one the document lists for the operation, the Content-Type the one it
 *    names, and the body must validate against its JSON Schema (ajv, 2020-12, the
 *    dialect of OpenAPI 3.1).
 * So a node that answers a field of the wrong type, an undocumented status or a bare
 * 500 fails, and so does a document that lost an operation or its operationId.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { z } from 'zod';
import { operations, type Operation, type OperationId } from '../api/contract/operations.js';
import { ErrorBody } from '../api/contract/primitives.js';
import * as res from '../api/contract/responses.js';
import { probesFor, type NodeState, type Probe } from './conformance-probes.js';

export interface ProbeResult {
  what: string;
  method: string;
  path: string;
  /** the status the contract says; 0 on a check of the served document, which sends nothing */
  expect: number;
  status?: number;
  problems: string[];
  /** not sent, and why */
  skipped?: string;
}

export interface OperationResult {
  operationId: OperationId;
  ok: boolean;
  probes: ProbeResult[];
}

export interface ConformanceReport {
  node: string;
  ok: boolean;
  operations: OperationResult[];
}

export interface ConformanceOptions {
  /** the node's API base, http://HOST:PORT/api/v1 */
  base: string;
  /** the bearer token (DATADIR/api.cookie); without it the writes are probed only for their 401 */
  token?: string;
  timeoutMs?: number;
}

type Json = Record<string, unknown>;

/** The served document is added to ajv under this id; its own `#/components/…` refs resolve against it. */
const DOCUMENT_ID = 'urn:toychain:served-openapi';

/** checkConformance probes every operation of the contract on the node at `base` and reports each. */
export async function checkConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const http = new Http(options);
  const ids = Object.keys(operations) as OperationId[];
  const fail = (why: string): ConformanceReport => ({
    node: options.base,
    ok: false,
    operations: ids.map((operationId) => ({ operationId, ok: false, probes: [{ what: 'not probed', method: '', path: '', expect: 0, problems: [why] }] })),
  });

  let document: Json;
  let state: NodeState;
  try {
    document = await http.readJson('/openapi.json', res.OpenApiDocument);
    const status = await http.readJson('/status', res.Status);
    state = {
      status,
      tip: await http.readJson(`/blocks/${status.tip}`, res.Block),
      share: await http.readJson('/mining/share', res.Share),
      deny: await http.readJson('/network/deny', res.DenyList),
      link: await http.readJson('/network/link', res.LinkShape),
      token: options.token !== undefined,
    };
  } catch (e) {
    return fail(`cannot read the node's state to plan the probes: ${e instanceof Error ? e.message : String(e)}`);
  }

  const served = new ServedDocument(document);
  const probes = probesFor(state);
  const results: OperationResult[] = [];
  for (const operationId of ids) {
    const op: Operation = operations[operationId];
    const documented = served.operation(op);
    const found: ProbeResult[] = [];
    if (typeof documented === 'string') found.push({ what: 'the OpenAPI document describes it', method: op.method.toUpperCase(), path: op.path, expect: 0, problems: [documented] });
    for (const probe of probes[operationId]) found.push(await runProbe(http, op, probe, typeof documented === 'string' ? undefined : documented, served));
    results.push({ operationId, ok: found.every((p) => p.problems.length === 0), probes: found });
  }
  return { node: options.base, ok: results.every((r) => r.ok), operations: results };
}

async function runProbe(http: Http, op: Operation, probe: Probe, documented: Json | undefined, served: ServedDocument): Promise<ProbeResult> {
  const result: ProbeResult = { what: probe.what, method: op.method.toUpperCase(), path: probe.path, expect: probe.expect, problems: [] };
  // On a node whose API listens beyond loopback, POST /tx needs the token too: the served document says so.
  const needsToken = documented !== undefined && Array.isArray(documented.security) && documented.security.length > 0;
  if (needsToken && probe.expect !== 401 && probe.token !== true) return { ...result, skipped: 'needs the token (--token-file)' };
  const problems = result.problems;

  let answer: Answer;
  try {
    answer = await http.send(op.method, probe);
  } catch (e) {
    problems.push(`no answer: ${e instanceof Error ? e.message : String(e)}`);
    return result;
  }
  result.status = answer.status;
  if (answer.status !== probe.expect) problems.push(`answered ${answer.status}${answer.code === undefined ? '' : ` ${answer.code}`}, the contract says ${probe.expect}`);

  const media = op.media ?? 'application/json';
  const success = answer.status >= 200 && answer.status < 300;
  const expectedType = success ? media : 'application/json';
  if (!answer.contentType.startsWith(expectedType)) problems.push(`Content-Type is '${answer.contentType}', not ${expectedType}`);

  // The served document: the status must be listed, and the body must match its schema.
  const response = documented === undefined ? undefined : served.response(documented, answer.status, expectedType);
  if (documented !== undefined && response === undefined) problems.push(`status ${answer.status} (${expectedType}) is not in the served OpenAPI document for ${op.operationId}`);
  if (response !== undefined && response !== 'not-json' && answer.json !== undefined) problems.push(...schemaProblems('the OpenAPI document', response, answer.json));

  // The contract: the operation's response schema on success, the error body otherwise.
  if (expectedType === 'application/json') {
    if (answer.json === undefined) problems.push('the body is not JSON');
    else problems.push(...zodProblems('the contract', success ? op.response : ErrorBody, answer.json));
  } else if (media === 'text/plain' && success) {
    problems.push(...prometheusProblems(answer.text));
  }
  return result;
}

function zodProblems(where: string, schema: z.ZodType, value: unknown): string[] {
  const parsed = schema.safeParse(value);
  if (parsed.success) return [];
  return parsed.error.issues.slice(0, 3).map((i) => `${where}: ${i.path.length === 0 ? 'body' : i.path.join('.')}: ${i.message}`);
}

function schemaProblems(where: string, validate: ValidateFunction, value: unknown): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).slice(0, 3).map((e) => `${where}: ${e.instancePath === '' ? 'body' : e.instancePath} ${e.message ?? 'does not match'}`);
}

/**
 * Prometheus text exposition: `# HELP`/`# TYPE` comments and `name{labels} value [timestamp]` samples.
 * A value is a number, NaN or ±Inf as the format writes them. prom-client 15 writes NaN
 * as `Nan` (lib/util.js); a node leaves a metric out until it has a value (its event-loop
 * delays until the first sample), so `Nan` in a node's answer is a defect.
 */
const SAMPLE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)( -?\d+)?$/;

function prometheusProblems(text: string): string[] {
  const lines = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  const bad = lines.filter((l) => !SAMPLE.test(l));
  if (lines.length === 0) return ['no samples in the metrics'];
  return bad.slice(0, 3).map((l) => `not a Prometheus sample: ${l.slice(0, 80)}`);
}

/** ServedDocument: the node's OpenAPI document, its operations and their response schemas compiled by ajv. */
class ServedDocument {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false, validateSchema: false });

  constructor(private readonly document: Json) {
    this.ajv.addSchema({ $id: DOCUMENT_ID, components: document.components ?? {} });
  }

  /** operation finds the contract's operation in the document, or says what is wrong. */
  operation(op: Operation): Json | string {
    const paths = this.document.paths as Record<string, Record<string, Json>> | undefined;
    const found = paths?.[op.path]?.[op.method];
    if (found === undefined) return `the served OpenAPI document has no ${op.method.toUpperCase()} ${op.path}`;
    if (found.operationId === undefined) return `the served OpenAPI document gives ${op.method.toUpperCase()} ${op.path} no operationId (the contract's is ${op.operationId})`;
    if (found.operationId !== op.operationId) return `the served OpenAPI document names ${op.method.toUpperCase()} ${op.path} '${String(found.operationId)}', not ${op.operationId}`;
    return found;
  }

  /** response compiles the schema the document gives for `status` and `media`, if it lists them. */
  response(documented: Json, status: number, media: string): ValidateFunction | 'not-json' | undefined {
    const responses = documented.responses as Record<string, { content?: Record<string, { schema?: Json }> }> | undefined;
    const content = responses?.[String(status)]?.content;
    if (content === undefined || !(media in content)) return undefined;
    // Event streams and Prometheus text are not JSON: only their status and type are checked.
    if (media !== 'application/json') return 'not-json';
    return this.ajv.compile(absolute(content[media]?.schema ?? {}));
  }
}

/** absolute points a schema's `#/…` refs at the served document (added to ajv under DOCUMENT_ID). */
function absolute(schema: unknown): Json {
  if (Array.isArray(schema)) return schema.map(absolute) as unknown as Json;
  if (typeof schema !== 'object' || schema === null) return schema as Json;
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? DOCUMENT_ID + v : absolute(v)]));
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
  json?: unknown;
  code?: string;
}

/** Http: requests to the node under test, each with a timeout. */
class Http {
  constructor(private readonly options: ConformanceOptions) {}

  async readJson<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
    const answer = await this.send('get', { what: path, path, expect: 200 });
    if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}${answer.code === undefined ? '' : ` ${answer.code}`}`);
    const parsed = schema.safeParse(answer.json);
    if (!parsed.success) throw new Error(`GET ${path} does not match the contract: ${zodProblems('', schema, answer.json).join('; ')}`);
    return parsed.data;
  }

  async send(method: string, probe: Probe): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (probe.token === true && this.options.token !== undefined) headers.authorization = `Bearer ${this.options.token}`;
    let body: string | undefined;
    if (probe.raw !== undefined) {
      body = probe.raw.text;
      if (probe.raw.contentType !== undefined) headers['content-type'] = probe.raw.contentType;
    } else if (probe.body !== undefined) {
      body = JSON.stringify(probe.body);
      headers['content-type'] = 'application/json';
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`no answer within ${this.options.timeoutMs ?? 10_000} ms`)), this.options.timeoutMs ?? 10_000);
    try {
      const reply = await fetch(this.options.base + probe.path, { method: method.toUpperCase(), headers, body, signal: controller.signal });
      const contentType = reply.headers.get('content-type') ?? '';
      // An event stream never ends: its status and type are the answer.
      if (contentType.startsWith('text/event-stream')) {
        await reply.body?.cancel();
        return { status: reply.status, contentType, text: '' };
      }
      const text = await reply.text();
      let json: unknown;
      try {
        json = contentType.startsWith('application/json') ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      const code = (json as { error?: { code?: unknown } } | undefined)?.error?.code;
      return { status: reply.status, contentType, text, json, code: typeof code === 'string' ? code : undefined };
    } finally {
      clearTimeout(timer);
    }
  }
}
