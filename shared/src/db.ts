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

export async function inTransaction<T>(pool: pg.Pool, work: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
