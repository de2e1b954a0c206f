/** GET /events: server-sent events (see ../events.ts for the event types). */
import type { Router } from 'express';
import type { EventStream } from '../events.js';

export function registerEventRoutes(router: Router, events: EventStream): void {
  router.get('/events', (req, res) => {
    events.attach(req, res);
  });
}
