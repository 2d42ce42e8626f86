import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Pool } from '../db.ts';
import { IdempotencyInProgressError, IdempotencyMismatchError, ValidationError } from '../errors.ts';
import { sendProblem } from './problem.ts';

const KEY = /^[\x21-\x7e]{1,255}$/;

const requestHash = (req: Request) =>
  createHash('sha256')
    .update(JSON.stringify([req.method, req.baseUrl + req.path, req.body ?? null]))
    .digest('hex');

// A transient outcome is not a final answer: a retry with the same key should run again.
const isFinal = (status: number, body: unknown) =>
  status < 500 && !(status === 409 && (body as { type?: string })?.type?.endsWith('/concurrency-conflict'));

/**
 * Same key and body: the stored response again, nothing appended. Same key, other body: 422.
 * The response is stored before it is sent, so a client that saw it can always replay it.
 * Event ids derive from the key too, so even a crash between append and store appends nothing
 * twice when the client retries.
 */
export const idempotent =
  (
    pool: Pool,
    scopeOf: (req: Request) => string,
    // A request that crashed mid-way leaves its key pending; after this a retry may take it over.
    lockSeconds: number,
  ): RequestHandler =>
  async (req, res, next) => {
    const key = req.get('Idempotency-Key');
    if (key === undefined) return next();
    if (!KEY.test(key)) {
      throw new ValidationError([{ path: 'Idempotency-Key', message: 'must be 1-255 visible ASCII characters' }]);
    }
    const scope = scopeOf(req);
    const hash = requestHash(req);
    // `claim` tells this request's hold on the key from a later one that took it over after
    // the lock ran out: only the holder may release it.
    const claimed = await pool.query<{ claim: string }>(
      `insert into idempotency_keys (scope, key, request_hash, state, locked_until)
       values ($1, $2, $3, 'pending', now() + make_interval(secs => $4))
       on conflict (scope, key) do update set locked_until = excluded.locked_until
         where idempotency_keys.state = 'pending' and idempotency_keys.locked_until < now()
           and idempotency_keys.request_hash = excluded.request_hash
       returning locked_until::text as claim`,
      [scope, key, hash, lockSeconds],
    );
    const claim = claimed.rows[0]?.claim;
    if (claim === undefined) {
      const { rows } = await pool.query<{ request_hash: string; state: string; status: number; body: unknown }>(
        'select request_hash, state, status, body from idempotency_keys where scope = $1 and key = $2',
        [scope, key],
      );
      const stored = rows[0];
      if (!stored) throw new IdempotencyInProgressError();
      if (stored.request_hash !== hash) throw new IdempotencyMismatchError();
      if (stored.state !== 'done') throw new IdempotencyInProgressError();
      res.set('Idempotent-Replayed', 'true');
      if (stored.status >= 400) res.type('application/problem+json');
      res.status(stored.status).json(stored.body);
      return;
    }

    req.context.idempotencyKey = key;
    // Lets the key go so a retry runs again; with the database away, its lock runs out instead.
    const release = () =>
      pool
        .query(
          `delete from idempotency_keys
           where scope = $1 and key = $2 and state = 'pending' and locked_until = $3::timestamptz`,
          [scope, key, claim],
        )
        .catch((error) => req.log.warn({ err: error }, 'Idempotency-Key not released; its lock will run out'));
    const send = res.json.bind(res);
    // Whoever answers (the route, or the problem middleware for its error) goes through here
    // once; the answer is sent only after it is stored.
    res.json = (body: unknown) => {
      res.json = send;
      void answer(res.statusCode, body);
      return res;
    };
    const answer = async (status: number, body: unknown) => {
      try {
        if (isFinal(status, body))
          await pool.query(
            `update idempotency_keys set state = 'done', status = $3, body = $4 where scope = $1 and key = $2`,
            [scope, key, status, JSON.stringify(body)],
          );
        else await release();
        send(body);
      } catch (error) {
        // Not stored, so not sent either: a retry would answer otherwise. The key is let go so
        // a retry runs again; its events' ids repeat, so it appends nothing twice. The problem
        // middleware may have run already (this was its answer), so the problem is answered here.
        await release();
        sendProblem(req, res, error, req.log);
      }
    };
    next();
  };

/**
 * Retention: deletes up to `limit` answered keys stored more than `retentionHours` ago, oldest
 * first, and answers how many went. A retry of one of them after that runs again (its event
 * ids still repeat, so it appends nothing twice). A pending key is never deleted: its request
 * may still be running, or a retry may yet take it over. SKIP LOCKED: a key being replayed
 * this moment is left for the next batch.
 */
export async function deleteSpentIdempotencyKeys(pool: Pool, retentionHours: number, limit: number): Promise<number> {
  const { rowCount } = await pool.query(
    `delete from idempotency_keys k
     using (select scope, key from idempotency_keys
            where state = 'done' and created_at < now() - make_interval(hours => $1)
            order by created_at limit $2 for update skip locked) spent
     where k.scope = spent.scope and k.key = spent.key`,
    [retentionHours, limit],
  );
  return rowCount ?? 0;
}
