import { PasswordChange } from '@flowdose/contract/command-api';
import { inTransaction } from '@flowdose/shared/db';
import { ValidationError } from '@flowdose/shared/errors';
import { requireRole } from '@flowdose/shared/http/auth';
import { validate } from '@flowdose/shared/http/validate';
import { Router } from 'express';
import type { Deps } from '../deps.ts';

/**
 * The signed-in customer's own account. A password is security state, not domain history
 * (migrations/…_auth.sql): changing it appends no event. Staff are refused with 403, as on
 * every customer-only route: their accounts are not the shop's.
 */
export function meRoutes(deps: Deps): Router {
  const { pool, sessions, hasher, limits } = deps;
  const router = Router();

  router.post('/me/password', requireRole('customer'), async (req, res) => {
    const { currentPassword, newPassword } = validate(PasswordChange, req.body);
    const { userId, sessionId } = req.principal!;
    const { rows } = await pool.query<{ email: string; password_hash: string }>(
      'select email, password_hash from customer_credentials where customer_id = $1',
      [userId],
    );
    const credentials = rows[0];
    // The login's counters, under the login's key: a stolen access token cannot guess the
    // password here faster than at the login form, and failures in both add up.
    const account = `customer_credentials:${credentials?.email ?? userId}`;
    const ip = req.ip ?? 'unknown';
    await limits.beforeLogin(account, ip);
    const ok = credentials
      ? await hasher.verify(credentials.password_hash, currentPassword)
      : await hasher.verifyNothing(currentPassword);
    if (!credentials || !ok) {
      const delay = await limits.failedLogin(account, ip);
      await new Promise((r) => setTimeout(r, delay));
      // A 400 on the field, not a 401: the session is fine, and a client that refreshes or
      // signs out on a 401 must not do so over a mistyped password.
      throw new ValidationError([{ path: 'currentPassword', message: 'is not the current password' }]);
    }
    await limits.succeededLogin(account);
    const hash = await hasher.hash(newPassword);
    // One transaction: a new password never leaves a stolen session alive, nor the reverse.
    const revoked = await inTransaction(pool, async (tx) => {
      await tx.query('update customer_credentials set password_hash = $2 where customer_id = $1', [userId, hash]);
      return sessions.revokeOthers(userId, sessionId, tx);
    });
    res.json({ otherSessionsRevoked: revoked });
  });

  return router;
}
