import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Config } from '../config.ts';
import { inTransaction, type Pool } from '../db.ts';
import { UnauthorizedError } from '../errors.ts';
import { type Principal, type Role, signAccessToken } from './tokens.ts';

export type Tokens = { accessToken: string; refreshToken: string };

export type Sessions = {
  start: (userId: string, role: Role) => Promise<Tokens>;
  refresh: (refreshToken: string) => Promise<Tokens & { principal: Principal }>;
  revoke: (sessionId: string) => Promise<void>;
  /** Revokes every live session of the user but `keep` (the caller's own); answers how many. */
  revokeOthers: (userId: string, keep: string, db?: Pick<Pool, 'query'>) => Promise<number>;
  isRevoked: (sessionId: string) => Promise<boolean>;
};

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Sessions with short-lived access tokens and rotating refresh tokens. A refresh token works
 * once; presenting it again means someone copied it, and the whole session is revoked: both
 * the thief's and the owner's tokens stop working. Revocations live in Postgres and are checked
 * there on every authenticated request (a primary-key read): every API instance refuses a
 * revoked token at once, and no cache flush can bring one back.
 */
export function createSessions(
  pool: Pool,
  config: Pick<
    Config,
    'AUTH_JWT_SECRET' | 'ACCESS_TOKEN_TTL_SECONDS' | 'REFRESH_TOKEN_TTL_DAYS' | 'STAFF_IDLE_MINUTES'
  >,
): Sessions {
  async function issue(principal: Principal, db: Pick<Pool, 'query'>): Promise<Tokens> {
    const refreshToken = randomBytes(32).toString('base64url');
    // A staff session is bounded by idle time: each refresh gives it STAFF_IDLE_MINUTES more,
    // so one left alone that long cannot be refreshed again. A shopper's lasts for days.
    const lifetime =
      principal.role === 'customer' ? config.REFRESH_TOKEN_TTL_DAYS * 86_400 : config.STAFF_IDLE_MINUTES * 60;
    await db.query(
      `insert into refresh_tokens (token_hash, session_id, expires_at)
       values ($1, $2, now() + make_interval(secs => $3))`,
      [sha256(refreshToken), principal.sessionId, lifetime],
    );
    const accessToken = await signAccessToken(config.AUTH_JWT_SECRET, principal, config.ACCESS_TOKEN_TTL_SECONDS);
    return { accessToken, refreshToken };
  }

  async function revoke(sessionId: string) {
    await pool.query('update auth_sessions set revoked_at = coalesce(revoked_at, now()) where session_id = $1', [
      sessionId,
    ]);
  }

  return {
    async start(userId, role) {
      const principal = { userId, role, sessionId: randomUUID() };
      return inTransaction(pool, async (tx) => {
        await tx.query('insert into auth_sessions (session_id, user_id, role) values ($1, $2, $3)', [
          principal.sessionId,
          userId,
          role,
        ]);
        return issue(principal, tx);
      });
    },

    async refresh(refreshToken) {
      const outcome = await inTransaction(pool, async (tx) => {
        const { rows } = await tx.query<{
          session_id: string;
          user_id: string;
          role: Role;
          used_at: Date | null;
          expired: boolean;
          revoked_at: Date | null;
        }>(
          `select t.session_id, s.user_id, s.role, t.used_at, t.expires_at < now() as expired, s.revoked_at
           from refresh_tokens t join auth_sessions s using (session_id)
           where t.token_hash = $1 for update of t, s`,
          [sha256(refreshToken)],
        );
        const row = rows[0];
        if (!row || row.revoked_at || row.expired) return { kind: 'refused' as const };
        if (row.used_at) return { kind: 'reused' as const, sessionId: row.session_id };
        await tx.query('update refresh_tokens set used_at = now() where token_hash = $1', [sha256(refreshToken)]);
        const principal = { userId: row.user_id, role: row.role, sessionId: row.session_id };
        return { kind: 'rotated' as const, principal, tokens: await issue(principal, tx) };
      });
      if (outcome.kind === 'reused') await revoke(outcome.sessionId);
      if (outcome.kind !== 'rotated') throw new UnauthorizedError('The refresh token is invalid, expired or revoked.');
      return { ...outcome.tokens, principal: outcome.principal };
    },

    revoke,

    async revokeOthers(userId, keep, db = pool) {
      const { rowCount } = await db.query(
        `update auth_sessions set revoked_at = now()
         where user_id = $1 and session_id <> $2 and revoked_at is null`,
        [userId, keep],
      );
      return rowCount ?? 0;
    },

    async isRevoked(sessionId) {
      const { rows } = await pool.query<{ revoked: boolean }>(
        'select revoked_at is not null as revoked from auth_sessions where session_id = $1',
        [sessionId],
      );
      return rows[0]?.revoked ?? false;
    },
  };
}

/**
 * Retention: deletes up to `limit` sessions no token can be used with any more, and answers
 * how many went; their refresh tokens go with them (on delete cascade). `isRevoked` answers
 * false for a session it cannot find, so a session is kept until every access token it
 * issued has expired: `accessTokenSeconds` after it was revoked or after its last refresh
 * token expired, whichever came first (no token is issued after either).
 */
export async function deleteExpiredSessions(pool: Pool, accessTokenSeconds: number, limit: number): Promise<number> {
  const { rowCount } = await pool.query(
    `delete from auth_sessions
     where session_id in (
       select s.session_id from auth_sessions s
       left join lateral (select max(expires_at) as last from refresh_tokens t where t.session_id = s.session_id) t on true
       where coalesce(least(s.revoked_at, t.last), s.created_at) < now() - make_interval(secs => $1)
       limit $2)`,
    [accessTokenSeconds, limit],
  );
  return rowCount ?? 0;
}
