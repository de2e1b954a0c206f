// The image's health check: GET /api/v1/status of the node in this container answers
// 200. The URL is the node's own (DATADIR/node.json, written once it listens), or
// TOYCHAIN_HEALTH_URL when set (the watcher: http://127.0.0.1:8080/api/v1/devnet).
// Exit 0 healthy, 1 not; bounded by a 2 s timeout.
import { readFileSync } from 'node:fs';

function url() {
  if (process.env.TOYCHAIN_HEALTH_URL) return process.env.TOYCHAIN_HEALTH_URL;
  const datadir = process.env.TOYCHAIN_DATADIR ?? '/data';
  return `${JSON.parse(readFileSync(`${datadir}/node.json`, 'utf8')).apiUrl}/status`;
}

try {
  const res = await fetch(url(), { signal: AbortSignal.timeout(2000) });
  process.exit(res.ok ? 0 : 1);
} catch (e) {
  console.error(`unhealthy: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
