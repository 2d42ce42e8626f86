import { rm } from 'node:fs/promises';
import pg from 'pg';
import { testConfig } from './shared/src/config.ts';
import { migrate } from './shared/src/migrate.ts';
import { adminUrl, TEMPLATE_DB, TEST_DB_PREFIX, testDatabaseUrl } from './shared/testing/src/db.ts';
import { scanLogs } from './shared/testing/src/log-secrets.ts';
import { TEST_LOG_DIR } from './shared/testing/src/logs.ts';

// Every test file gets its own database cloned from this migrated template: cloning takes
// tens of milliseconds, migrating each one would take far longer.
export async function setup() {
  // This run's logs only: the teardown below reads every line of them.
  await rm(TEST_LOG_DIR, { recursive: true, force: true });
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

/**
 * After the whole run: no line any test's services logged (the in-process stacks at debug
 * level, headers included, and the processes tests started) holds a test password, an access
 * or refresh token, a cart token or a card number. A finding fails the run.
 */
export async function teardown() {
  const { lines, findings } = await scanLogs(TEST_LOG_DIR, testConfig().CART_TOKEN_SECRET);
  if (findings.length === 0) {
    console.log(`log scan: ${lines} log lines of this run, no password, token, cart token or card number`);
    return;
  }
  // vitest prints a teardown's error but keeps the run's exit code: this makes the run fail.
  process.exitCode = 1;
  const shown = findings.slice(0, 20).map((f) => `  ${f.file}:${f.line}: ${f.what}`);
  throw new Error(
    `${findings.length} secret(s) in ${lines} log lines of this run:\n${shown.join('\n')}${findings.length > 20 ? '\n  …' : ''}`,
  );
}
