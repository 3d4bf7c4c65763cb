/**
 * Request validation with zod through Hono's validator, answering bad input with the API's error
 * shape and the failing fields, before the route runs (so nothing is written). A field the schema
 * does not name (the body schemas are strict) is named in `fields` like any other failing field.
 */
import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import { z } from 'zod';
import { apiError } from './errors';

export function validate<Target extends keyof ValidationTargets, Schema extends z.ZodType>(
  target: Target,
  schema: Schema,
) {
  return zValidator(target, schema, (result) => {
    if (!result.success) throw badRequest(target, result.error);
  });
}

function badRequest(target: string, error: z.core.$ZodError) {
  const { formErrors, fieldErrors } = z.flattenError(error);
  // A Map, not a plain object: a client may name a field `__proto__` or `constructor`.
  const fields = new Map<string, string[]>(
    Object.entries(fieldErrors).filter((entry): entry is [string, string[]] => Array.isArray(entry[1])),
  );
  const unknown: string[] = [];
  for (const issue of error.issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    for (const key of issue.keys) {
      const name = [...issue.path.map(String), key].join('.');
      unknown.push(name);
      fields.set(name, [...(fields.get(name) ?? []), 'Unknown field']);
    }
  }
  const message =
    unknown.length > 0
      ? `Unknown ${unknown.length === 1 ? 'field' : 'fields'} in the ${target}: ${unknown.join(', ')}`
      : (formErrors[0] ?? `Invalid ${target}: ${[...fields.keys()].join(', ') || 'unexpected shape'}`);
  // Object.fromEntries defines own properties, so even `__proto__` stays a plain field name.
  return apiError(400, message, fields.size > 0 ? Object.fromEntries(fields) : undefined);
}
