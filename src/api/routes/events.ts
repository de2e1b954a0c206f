/** GET /events: server-sent events (see ../contract/events.ts for the event types). */
import { operations } from '../contract/operations.js';
import type { EventStream } from '../events.js';
import type { Routes } from '../route.js';

export function registerEventRoutes(routes: Routes, events: EventStream): void {
  routes.raw(operations.streamEvents, ({ req, res }) => events.attach(req, res));
}
