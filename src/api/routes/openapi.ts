/**
 * GET /openapi.json: the API described (see ../openapi.ts). The document is built on the
 * first request, not at start: generating it loads zod's JSON Schema output and walks
 * every schema of the contract, memory an idle node does not need (`npm run bench --
 * memory`). Once built it is kept: it cannot change while the node runs.
 */
import { operations } from '../contract/operations.js';
import type { Routes } from '../route.js';
import type { ApiDeps } from '../services.js';

export function registerOpenApiRoutes(routes: Routes, { version, params, access }: ApiDeps): void {
  let document: Promise<Record<string, unknown>> | undefined;
  const build = async (): Promise<Record<string, unknown>> => {
    const { openApiDocument } = await import('../openapi.js');
    return openApiDocument({ version, network: params.name, exposed: access?.exposed === true });
  };
  routes.json(operations.getOpenApi, () => {
    // A failed build is not kept: the next request tries again (and the error middleware answers this one).
    document ??= build().catch((e: unknown) => {
      document = undefined;
      throw e;
    });
    return document;
  });
}
