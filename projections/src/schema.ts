import type { Pool } from '@flowdose/shared/db';
import { inTransaction } from '@flowdose/shared/db';
import type { Projection } from './projection.ts';

export type SchemaState = 'missing' | 'current' | 'stale';

export async function schemaState(pool: Pool, projection: Projection, schema: string): Promise<SchemaState> {
  const { rows } = await pool
    .query<{ version: number }>(`select projection_version as version from ${schema}.checkpoint`)
    .catch((error: { code?: string }) => {
      if (error.code === '42P01' || error.code === '3F000') return { rows: [] as { version: number }[] };
      throw error;
    });
  const row = rows[0];
  if (!row) return 'missing';
  return row.version === projection.version ? 'current' : 'stale';
}

/** Creates the schema with the projection's tables and a checkpoint at the start of the log. */
export async function createSchema(pool: Pool, projection: Projection, schema: string): Promise<void> {
  await inTransaction(pool, async (tx) => {
    // Two processes starting together both try; one lock makes the second find it made.
    await tx.query('select pg_advisory_xact_lock(hashtextextended($1, 1))', [schema]);
    const exists = await tx.query('select 1 from pg_namespace where nspname = $1', [schema]);
    if (exists.rowCount) return;
    await tx.query(`create schema ${schema}`);
    await tx.query(`
      create table ${schema}.checkpoint (
        only_row boolean primary key default true check (only_row),
        projection_version int not null,
        major bigint not null default 0,
        minor bigint not null default 0,
        updated_at timestamptz not null default now(),
        last_error text
      );
      insert into ${schema}.checkpoint (projection_version) values (${projection.version});
      ${projection.tables(schema)}`);
  });
}

export async function dropSchema(pool: Pool, schema: string): Promise<void> {
  await pool.query(`drop schema if exists ${schema} cascade`);
}

/**
 * Gathers the planner's statistics for a schema's tables. A schema filled in bulk by a rebuild
 * has none until autovacuum gets to it: the planner then takes each table for a row or two and
 * picks nested loops (measured: the products analytics route, 400 ms instead of 20 ms on a
 * freshly rebuilt model of 40,000 rows).
 */
export async function analyzeSchema(pool: Pool, schema: string): Promise<void> {
  const { rows } = await pool.query<{ name: string }>(
    `select format('%I.%I', schemaname, tablename) as name from pg_tables where schemaname = $1`,
    [schema],
  );
  for (const { name } of rows) await pool.query(`analyze ${name}`);
}
