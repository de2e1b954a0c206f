/**
 * A watched node's REST API as the watcher calls it: its base URL (…/api/v1) from what
 * a user or a peer gave, and JSON calls whose refusals keep the node's status and code.
 */
import { parseApiUrl } from '../api/contract/primitives.js';

/** apiBase normalises a node URL to its API base, …/api/v1; throws RangeError with the reason. */
export function apiBase(value: string): string {
  return parseApiUrl(value).base;
}

/** safeBase is apiBase, or undefined for a URL that is not a node's. */
export function safeBase(url: string): string | undefined {
  try {
    return apiBase(url);
  } catch {
    return undefined;
  }
}

/** A node answered with an error: its status and code, passed on. */
export class WatchedNodeError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'WatchedNodeError';
  }
}

export async function fetchJson<T>(url: string, method: string, body?: unknown, token?: string, timeoutMs = 5_000): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  const parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
  if (!res.ok) {
    const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new WatchedNodeError(res.status, error?.code ?? 'error', error?.message ?? text.slice(0, 200));
  }
  return parsed as T;
}
