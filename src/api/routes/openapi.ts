/** GET /openapi.json: the API described (see ../openapi.ts). */
import { operations } from '../contract/operations.js';
import { openApiDocument } from '../openapi.js';
import type { Routes } from '../route.js';
import type { ApiDeps } from '../services.js';

export function registerOpenApiRoutes(routes: Routes, { version, params, access }: ApiDeps): void {
  const document = openApiDocument({ version, network: params.name, exposed: access?.exposed === true });
  routes.json(operations.getOpenApi, () => document);
}
