import { randomBytes } from 'node:crypto';
import { createPool, type Pool } from '@flowdose/shared/db';
import pg from 'pg';

// TEST_DB_PREFIX lets two test runs share one Postgres (each drops only its own databases).
export const TEST_DB_PREFIX = process.env.TEST_DB_PREFIX ?? 'fd_t_';
if (!/^[a-z][a-z0-9_]{0,20}$/.test(TEST_DB_PREFIX)) throw new Error('TEST_DB_PREFIX: lower-case letters, digits, _');
export const TEMPLATE_DB = `${TEST_DB_PREFIX}template`;

// Tests talk to the machine's real Postgres; TEST_DATABASE_URL points elsewhere if needed.
const base = () => new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');

export const adminUrl = () => base().toString();

export const testDatabaseUrl = (name: string) => {
  const url = base();
  url.pathname = `/${name}`;
  return url.toString();
};

export type TestDatabase = { url: string; pool: Pool; drop: () => Promise<void> };

/** A fresh, migrated database of this test file's own. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `${TEST_DB_PREFIX}${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`create database "${name}" template "${TEMPLATE_DB}"`);
  await admin.end();
  const url = testDatabaseUrl(name);
  // Pipelined like the projections' pool, so tests run the mode production uses.
  const pool = createPool(url, { max: 20, pipeline: true });
  return {
    url,
    pool,
    async drop() {
      await pool.end();
      const a = new pg.Client({ connectionString: adminUrl() });
      await a.connect();
      await a.query(`drop database if exists "${name}" with (force)`);
      await a.end();
    },
  };
}

export async function countEvents(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: bigint }>('select count(*)::bigint as n from events');
  return Number(rows[0]!.n);
}
