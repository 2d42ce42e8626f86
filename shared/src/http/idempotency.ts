import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Pool } from '../db.ts';
import { IdempotencyInProgressError, IdempotencyMismatchError, ValidationError } from '../errors.ts';

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
    const claimed = await pool.query(
      `insert into idempotency_keys (scope, key, request_hash, state, locked_until)
       values ($1, $2, $3, 'pending', now() + make_interval(secs => $4))
       on conflict (scope, key) do update set locked_until = excluded.locked_until
         where idempotency_keys.state = 'pending' and idempotency_keys.locked_until < now()
           and idempotency_keys.request_hash = excluded.request_hash
       returning 1`,
      [scope, key, hash, lockSeconds],
    );
    if (claimed.rowCount === 0) {
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
    const send = res.json.bind(res);
    res.json = (body: unknown) => {
      const status = res.statusCode;
      const save = isFinal(status, body)
        ? pool.query(
            `update idempotency_keys set state = 'done', status = $3, body = $4 where scope = $1 and key = $2`,
            [scope, key, status, JSON.stringify(body)],
          )
        : pool.query('delete from idempotency_keys where scope = $1 and key = $2', [scope, key]);
      save.then(
        () => send(body),
        (error) => {
          res.json = send;
          next(error);
        },
      );
      return res;
    };
    next();
  };
