import type { z } from 'zod';
import { ValidationError } from '../errors.ts';

/** A request body's schema, for code that takes one without naming zod. */
export type Schema<T> = z.ZodType<T>;

/** Parses input against a schema or throws a ValidationError naming every bad field. */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new ValidationError(
    parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || '(body)',
      message: issue.message,
    })),
  );
}
