import pg from 'pg';

// bigint columns arrive as strings by default; positions and versions are bigints here.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => BigInt(v));

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

export type PoolOptions = {
  max?: number;
  /** Send queries without waiting for the previous answer; used where many are issued at once. */
  pipeline?: boolean;
  onIdleError?: (error: Error) => void;
};

/**
 * An idle client that loses its connection (a restart, a terminated backend) emits 'error'
 * on the pool; unhandled, that would kill the process. The pool drops the client and
 * connects a new one when needed, so reporting is all there is to do.
 */
export function createPool(
  connectionString: string,
  { max = 10, pipeline = false, onIdleError = () => {} }: PoolOptions = {},
): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, pipeline });
  pool.on('error', onIdleError);
  // Every client listens for its own errors for as long as it lives. The pool listens only
  // while a client is idle, and a query only while it runs (pool.query with `once`), so a
  // server shutting down could reach a checked-out client between the two: its 'error',
  // unheard, killed the projections service in the fault test (1 CI run in 3, 2026-11-30).
  // Heard here, the client is marked unusable; the work holding it fails on its next query
  // and says why, and the pool drops it on release.
  pool.on('connect', (client) => client.on('error', onIdleError));
  return pool;
}

/**
 * A client checked out of the pool has no 'error' listener of the pool's: a server restart
 * while it is out would emit an unhandled 'error' and kill the process. This one listens
 * while the work runs (the work's own query fails and says why) and destroys a broken client
 * instead of returning it to the pool.
 */
export async function withClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken = error;
  };
  client.on('error', onError);
  try {
    return await work(client);
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

export function inTransaction<T>(pool: pg.Pool, work: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
  return withClient(pool, async (client) => {
    try {
      await client.query('begin');
      const result = await work(client);
      await client.query('commit');
      return result;
    } catch (error) {
      // A failed rollback means the connection is gone: it must not go back to the pool.
      await client.query('rollback').catch(() => {
        client.emit('error', error as Error);
      });
      throw error;
    }
  });
}
