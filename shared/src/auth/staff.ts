import { randomUUID } from 'node:crypto';
import { DomainError } from '@flowdose/domain/errors';
import type { Pool } from '../db.ts';
import type { PasswordHasher } from './passwords.ts';
import type { StaffRole } from './tokens.ts';

/** Staff accounts exist only through this (the ops CLI): there is no default password to forget. */
export async function createStaffUser(
  pool: Pool,
  hasher: PasswordHasher,
  { email, password, role }: { email: string; password: string; role: StaffRole },
): Promise<string> {
  const userId = randomUUID();
  const result = await pool.query(
    `insert into staff_users (user_id, email, password_hash, role) values ($1, $2, $3, $4)
     on conflict (email) do nothing`,
    [userId, email, await hasher.hash(password), role],
  );
  if (result.rowCount === 0)
    throw new DomainError('email-taken', `A staff user with the email ${email} exists already.`);
  return userId;
}
