/** GET /metrics: Prometheus text exposition. */
import type { Registry } from 'prom-client';
import { operations } from '../contract/operations.js';
import type { Routes } from '../route.js';

export function registerMetricsRoutes(routes: Routes, registry: Registry): void {
  routes.raw(operations.getMetrics, async ({ res }) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
}
