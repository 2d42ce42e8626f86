import argon2 from 'argon2';

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
