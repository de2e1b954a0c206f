/**
 * A network file read from an http(s) URL: `toychain node --network-file
 * http://TEACHER:8080/class.json`, so a class joins with one command and no file to copy.
 * The answer is bounded (size and time) and then parsed like a file; the genesis block
 * in it must still hash and meet its proof of work, so a corrupted answer is refused.
 * Nothing is cached: every start reads it again (a node's data folder remembers its
 * genesis and refuses another one, src/chain/errors.ts ChainMismatchError).
 */
import { NetworkFileError, parseNetworkFile, readNetworkFile } from './network-file.js';
import type { NetworkParams } from '../consensus/params.js';

/** A network file is about 1 kB; anything much larger is not one. */
export const MAX_NETWORK_FILE_BYTES = 64 * 1024;
export const NETWORK_FILE_TIMEOUT_MS = 10_000;

/** isNetworkFileUrl: does --network-file name a URL (http:// or https://) rather than a file? */
export function isNetworkFileUrl(value: string): boolean {
  return /^https?:\/\//i.test(value);
}

/** readNetworkFileFrom reads a network file from a path or an http(s) URL; every failure is a NetworkFileError with its code. */
export function readNetworkFileFrom(pathOrUrl: string, timeoutMs = NETWORK_FILE_TIMEOUT_MS): Promise<NetworkParams> {
  return isNetworkFileUrl(pathOrUrl) ? fetchNetworkFile(pathOrUrl, timeoutMs) : readNetworkFile(pathOrUrl);
}

/** fetchNetworkFile GETs a network file: 200 with at most MAX_NETWORK_FILE_BYTES within timeoutMs, then parsed. */
export async function fetchNetworkFile(value: string, timeoutMs = NETWORK_FILE_TIMEOUT_MS): Promise<NetworkParams> {
  let url: URL;
  try {
    url = new URL(value);
  } catch (e) {
    throw new NetworkFileError('network-file-bad-url', `'${value.slice(0, 200)}' is not a URL: write it as http://HOST:PORT/class.json`, { cause: e });
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '') {
    throw new NetworkFileError('network-file-bad-url', `'${value.slice(0, 200)}' is not an http(s) URL without a user name: write it as http://HOST:PORT/class.json`);
  }
  const signal = AbortSignal.timeout(timeoutMs);
  let res: Response;
  try {
    res = await fetch(url, { signal, redirect: 'manual', headers: { accept: 'application/json' } });
  } catch (e) {
    const why = signal.aborted ? `no answer within ${timeoutMs / 1000} s` : describeFetchError(e);
    throw new NetworkFileError('network-file-unreachable', `cannot read ${url.href}: ${why}; check that the teacher's toychain classroom is running and that this machine reaches that address`, { cause: e });
  }
  if (res.status !== 200) {
    await res.body?.cancel().catch(() => undefined);
    throw new NetworkFileError('network-file-http-status', `${url.href} answered HTTP ${res.status} instead of a network file: check the URL (toychain classroom prints it)`);
  }
  const text = await readBounded(res, url, signal, timeoutMs);
  return parseNetworkFile(text, url.href);
}

/** readBounded reads the body up to MAX_NETWORK_FILE_BYTES, refusing more (network-file-too-large). */
async function readBounded(res: Response, url: URL, signal: AbortSignal, timeoutMs: number): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? '0');
  const tooLarge = (): NetworkFileError => new NetworkFileError('network-file-too-large', `${url.href} sent more than ${MAX_NETWORK_FILE_BYTES} bytes: a network file is about 1 kB, so this is not one`);
  if (declared > MAX_NETWORK_FILE_BYTES) {
    await res.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body ?? []) {
      size += (chunk as Uint8Array).byteLength;
      if (size > MAX_NETWORK_FILE_BYTES) {
        await res.body?.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(chunk as Uint8Array);
    }
  } catch (e) {
    if (e instanceof NetworkFileError) throw e;
    const why = signal.aborted ? `the answer did not finish within ${timeoutMs / 1000} s` : describeFetchError(e);
    throw new NetworkFileError('network-file-unreachable', `cannot read ${url.href}: ${why}`, { cause: e });
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** describeFetchError names undici's cause (ECONNREFUSED, ENOTFOUND…) instead of its bare "fetch failed". */
function describeFetchError(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (e as Error).message;
}
