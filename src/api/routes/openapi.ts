/** GET /openapi.json: the API described (see ../openapi.ts). */
import type { Router } from 'express';
import { openApiDocument } from '../openapi.js';
import type { ApiDeps } from '../services.js';

export function registerOpenApiRoutes(router: Router, { version, params }: ApiDeps): void {
  const document = openApiDocument({ version, network: params.name });
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
}
