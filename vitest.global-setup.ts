import pg from 'pg';
import { migrate } from './shared/src/migrate.ts';
import { adminUrl, TEMPLATE_DB, TEST_DB_PREFIX, testDatabaseUrl } from './shared/src/testing/db.ts';

// Every test file gets its own database cloned from this migrated template: cloning takes
// tens of milliseconds, migrating each one would take far longer.
export async function setup() {
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  const { rows } = await admin.query<{ datname: string }>(
    'select datname from pg_database where starts_with(datname, $1)',
    [TEST_DB_PREFIX],
  );
  for (const { datname } of rows) await admin.query(`drop database if exists "${datname}" with (force)`);
  // Roles belong to the cluster: tests name theirs after their database (analyst-access).
  const roles = await admin.query<{ rolname: string }>('select rolname from pg_roles where starts_with(rolname, $1)', [
    TEST_DB_PREFIX,
  ]);
  for (const { rolname } of roles.rows) await admin.query(`drop role if exists "${rolname}"`);
  await admin.query(`create database "${TEMPLATE_DB}"`);
  await admin.end();
  await migrate(testDatabaseUrl(TEMPLATE_DB));
}
