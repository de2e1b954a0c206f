/** GET/PUT /clock { mocktime }: the node's clock, settable on a mockable chain (see services.ts ClockControl). */
import { operations } from '../contract/operations.js';
import type { Routes } from '../route.js';
import type { ClockControl } from '../services.js';

export function registerClockRoutes(routes: Routes, clock: ClockControl): void {
  routes.json(operations.getClock, () => clock.state());
  routes.json(operations.setMocktime, ({ body }) => clock.setMocktime(body.mocktime));
}
