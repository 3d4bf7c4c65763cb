/**
 * Request validation with zod through Hono's validator, answering bad input with the API's error
 * shape and the failing fields, before the route runs (so nothing is written).
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
    if (!result.success) {
      const { formErrors, fieldErrors } = z.flattenError(result.error);
      const fields = Object.fromEntries(
        Object.entries(fieldErrors).filter((entry): entry is [string, string[]] => Array.isArray(entry[1])),
      );
      const message = formErrors[0] ?? `Invalid ${target}: ${Object.keys(fields).join(', ') || 'unexpected shape'}`;
      throw apiError(400, message, Object.keys(fields).length > 0 ? fields : undefined);
    }
  });
}
