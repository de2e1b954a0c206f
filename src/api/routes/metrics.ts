/** GET /metrics: Prometheus text exposition (see ../metrics.ts: prom-client loads on the first scrape). */
import type { NodeMetrics } from '../metrics.js';
import { operations } from '../contract/operations.js';
import type { Routes } from '../route.js';

export function registerMetricsRoutes(routes: Routes, metrics: NodeMetrics): void {
  routes.raw(operations.getMetrics, async ({ res }) => {
    const { contentType, text } = await metrics.scrape();
    res.type(contentType).send(text);
  });
}
