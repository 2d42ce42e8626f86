import argon2 from 'argon2';
import { z } from 'zod';

export const Email = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase());

export const Password = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(128, 'must be at most 128 characters')
  .refine((p) => new Set(p).size >= 4, 'must use at least 4 different characters');

export type PasswordHasher = {
  hash: (password: string) => Promise<string>;
  verify: (hash: string, password: string) => Promise<boolean>;
  /** Costs what a real verify costs, so an unknown email answers as slowly as a wrong password. */
  verifyNothing: (password: string) => Promise<false>;
};

export function argon2idHasher(memoryKiB: number): PasswordHasher {
  // The typings declare argon2id as a plain number; the option wants its literal id.
  const options = { type: argon2.argon2id as 2, memoryCost: memoryKiB, timeCost: 3, parallelism: 1 };
  const dummy = argon2.hash('no such account, no such password', options);
  return {
    hash: (password) => argon2.hash(password, options),
    verify: (hash, password) => argon2.verify(hash, password),
    verifyNothing: async (password) => {
      await argon2.verify(await dummy, password);
      return false;
    },
  };
}
