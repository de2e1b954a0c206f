/**
 * Validation at the edge: zod schemas for parameters and bodies, and the two checks
 * that need the network (addresses) or name their own code. A failure is a 400 whose
 * message names the field, never a stack trace.
 */
import { z } from 'zod';
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

/** A whole number written in a query string or path, from `min` to `max`. */
export function integerString(label: string, min: number, max: number) {
  return z
    .string()
    .regex(/^\d{1,16}$/, `${label} must be a whole number`)
    .transform(Number)
    .pipe(z.number().int().min(min, `${label} must be at least ${min}`).max(max, `${label} must be at most ${max}`));
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
