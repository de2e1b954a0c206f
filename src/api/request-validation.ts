/**
 * Validation at the edge: parsing input against the contract's zod schemas, and the
 * address check, which needs the network. A failure is a 400 whose message names the
 * field, never a stack trace.
 */
import type { z } from 'zod';
import { decodeAddress } from '../consensus/address.js';
import { DecodeError } from '../consensus/byte-reader.js';
import type { NetworkParams } from '../consensus/params.js';
import { BadRequestError } from './errors.js';

/** parseInput validates `value` against `schema` or throws a 400 `bad-request` naming the fields. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: 'query' | 'body' | 'params'): z.output<S> {
  const result = schema.safeParse(value ?? (where === 'body' ? {} : value));
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? `${where}.${issue.path.join('.')}` : where;
    return `${path}: ${issue.message}`;
  });
  throw new BadRequestError('bad-request', problems.join('; '), { cause: result.error });
}

/** checkAddress returns the x-only key of this network's `address`, or throws a 400 `invalid-address` with the decoder's explanation. */
export function checkAddress(address: string, params: NetworkParams): Uint8Array {
  try {
    return decodeAddress(address, params);
  } catch (e) {
    if (e instanceof DecodeError || e instanceof TypeError) throw new BadRequestError('invalid-address', e.message, { cause: e });
    throw e;
  }
}
