/**
 * A node's API URL as the commands take it (--announce-api, --node). Apart from the
 * contract's zod schemas (primitives.ts re-exports it), so `toychain node` can read its
 * options without loading zod, which loads with the API's routes on the first request.
 */
/** ApiUrlError: a text that is not a node's API URL; the message says why and what to write. */
export class ApiUrlError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'ApiUrlError';
  }
}

/**
 * parseApiUrl reads a node's API URL: http(s)://HOST[:PORT], optionally with the /api/v1
 * prefix after it, nothing else (no credentials, query or other path). It answers the
 * origin and the base the operations' paths go under. The one parser of the concept:
 * --announce-api, the watcher's and conformance's --node, the wallet's --node.
 */
export function parseApiUrl(value: string): { origin: string; base: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ApiUrlError(`'${value.slice(0, 100)}' is not a URL: write it as http://HOST:PORT`);
  }
  const path = url.pathname.replace(/\/+$/, '');
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '' || (path !== '' && path !== '/api/v1')) {
    throw new ApiUrlError(`'${value.slice(0, 100)}' is not a node's API URL: write it as http://HOST:PORT`);
  }
  return { origin: url.origin, base: `${url.origin}/api/v1` };
}
