/**
 * Validation at the edge: parsing input against the contract's zod schemas. A failure
 * is a 400 whose message names the field, never a stack trace. (Addresses, which need
 * the network, are read by consensus decodeAddress; its AddressError is mapped by
 * ApiError.from.)
 */
import type { z } from 'zod';
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
