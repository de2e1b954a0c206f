/** GET /metrics: Prometheus text exposition. */
import type { Router } from 'express';
import type { Registry } from 'prom-client';

export function registerMetricsRoutes(router: Router, registry: Registry): void {
  router.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
}
