import { z } from 'zod';

/** What a customer or staff member signs in with: plain rules, no hashing (passwords.ts hashes). */
export const Email = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase());

export const Password = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(128, 'must be at most 128 characters')
  .refine((p) => new Set(p).size >= 4, 'must use at least 4 different characters');
