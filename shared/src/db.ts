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
