import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { Password } from '@flowdose/contract/credentials';
import type { Pool, PoolClient } from '@flowdose/shared/db';
import { inTransaction } from '@flowdose/shared/db';
import { ANALYTICS_READER_ROLE, ANALYTICS_SCHEMA } from '@flowdose/shared/read-models';
import { z } from 'zod';

export const DEFAULT_ANALYST_ROLE = 'flowdose_analyst';

export const AnalystRoleName = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'lower-case letters, digits and _, at most 63')
  .refine((name) => !name.startsWith('pg_'), "pg_ names are PostgreSQL's own");

/**
 * Printable ASCII only: the server and its clients each prepare other characters for SCRAM
 * (SASLprep) and do not all agree, so such a password might work in one client and not another.
 */
export const AnalystPassword = Password.refine(
  (p) => /^[\x20-\x7e]+$/.test(p),
  'must be printable ASCII (letters, digits, punctuation, spaces)',
);

export type AnalystLimits = {
  statementTimeout: string;
  idleInTransactionTimeout: string;
  tempFileLimit: string;
  connectionLimit: number;
};

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for a password (RFC 5802/7677, as libpq's
 * PQencryptPasswordConn makes it): the role gets this, so the password itself never reaches
 * the server, where a logged statement would keep it.
 */
export function scramVerifier(password: string, salt = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest('base64');
  const serverKey = createHmac('sha256', salted).update('Server Key').digest('base64');
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey}:${serverKey}`;
}

const refuse = (message: string): never => {
  throw new Error(message);
};

/** An existing role may become or stay an analyst only if it can do nothing more than one. */
async function checkExisting(tx: PoolClient, name: string): Promise<boolean> {
  const { rows } = await tx.query<{ oid: number; privileged: boolean }>(
    `select oid, rolsuper or rolcreaterole or rolcreatedb or rolreplication or rolbypassrls as privileged
     from pg_roles where rolname = $1`,
    [name],
  );
  const role = rows[0];
  if (!role) return false;
  if (role.privileged) refuse(`role ${name} is a privileged role, not an analyst's: choose another --name`);
  // Owned objects and privileges of its own, in any database of the cluster.
  const { rows: deps } = await tx.query<{ deptype: string }>(
    `select distinct deptype from pg_shdepend
     where refclassid = 'pg_authid'::regclass and refobjid = $1 and deptype in ('o', 'a')`,
    [role.oid],
  );
  if (deps.some((d) => d.deptype === 'o')) refuse(`role ${name} owns objects: not an analyst's, choose another --name`);
  if (deps.some((d) => d.deptype === 'a'))
    refuse(`role ${name} holds privileges of its own: not an analyst's, choose another --name`);
  const { rows: groups } = await tx.query<{ rolname: string }>(
    `select g.rolname from pg_auth_members m join pg_roles g on g.oid = m.roleid
     where m.member = $1 and g.rolname <> $2 order by 1`,
    [role.oid, ANALYTICS_READER_ROLE],
  );
  if (groups.length > 0)
    refuse(`role ${name} is also a member of ${groups.map((g) => g.rolname).join(', ')}: choose another --name`);
  return true;
}

/**
 * Creates the analysts' login role, or updates it (a new password, today's limits): a member
 * of the reader role, which may read the `analytics` views and nothing else. What the role
 * cannot do is enforced by privileges: no SELECT outside `analytics`, no INSERT, UPDATE or
 * DELETE anywhere, no CREATE in any schema, no temporary tables (TEMPORARY on this database
 * is taken from PUBLIC), no large objects (the migration). Its settings are defaults of the
 * role: read-only transactions, a statement timeout, an idle-in-transaction timeout and
 * `search_path` may be changed by the analyst's own SET; `temp_file_limit` may not (only a
 * superuser may set it), nor may the connection limit.
 */
export async function createAnalystRole(
  pool: Pool,
  { name, password, limits }: { name: string; password: string; limits: AnalystLimits },
): Promise<{ created: boolean; database: string }> {
  AnalystRoleName.parse(name);
  AnalystPassword.parse(password);
  return inTransaction(pool, async (tx) => {
    const { rows } = await tx.query<{ me: string; database: string; reader: boolean; schema: boolean }>(
      `select current_user as me, current_database() as database,
         exists (select from pg_roles where rolname = $1) as reader,
         exists (select from pg_namespace where nspname = $2) as schema`,
      [ANALYTICS_READER_ROLE, ANALYTICS_SCHEMA],
    );
    const { me, database, reader, schema } = rows[0]!;
    if (!reader || !schema)
      refuse(`no ${ANALYTICS_READER_ROLE} role or ${ANALYTICS_SCHEMA} schema: run npm run migrate`);
    const exists = await checkExisting(tx, name);
    if (name === me || name === ANALYTICS_READER_ROLE) refuse(`${name} cannot be the analysts' login role`);

    const role = tx.escapeIdentifier(name);
    const verifier = tx.escapeLiteral(scramVerifier(password));
    await tx.query(
      `${exists ? 'alter' : 'create'} role ${role} with login nosuperuser nocreatedb nocreaterole noreplication
         nobypassrls inherit connection limit ${limits.connectionLimit} password ${verifier}`,
    );
    await tx.query(`grant ${ANALYTICS_READER_ROLE} to ${role}`);
    const settings: [string, string][] = [
      ['default_transaction_read_only', 'on'],
      ['statement_timeout', limits.statementTimeout],
      ['idle_in_transaction_session_timeout', limits.idleInTransactionTimeout],
      ['temp_file_limit', limits.tempFileLimit],
      // The views by their names alone: `select * from sales_daily`.
      ['search_path', ANALYTICS_SCHEMA],
    ];
    for (const [setting, value] of settings)
      await tx.query(`alter role ${role} set ${setting} = ${tx.escapeLiteral(value)}`);

    const db = tx.escapeIdentifier(database);
    // Whoever owns the database keeps TEMPORARY; this takes it from everyone else, analysts too.
    await tx.query(`revoke temporary on database ${db} from public`);
    // In case CONNECT was taken from PUBLIC here: analysts may still come in.
    await tx.query(`grant connect on database ${db} to ${ANALYTICS_READER_ROLE}`);
    return { created: !exists, database };
  });
}

/**
 * pg_hba.conf lines that let the role in over TCP without its password (trust), or the reason
 * they could not be read; none is the answer wanted.
 */
export async function trustedWithoutPassword(pool: Pool, name: string, database: string): Promise<string[]> {
  try {
    const { rows } = await pool.query<{ line_number: number; address: string | null }>(
      `select line_number, address from pg_hba_file_rules
       where type like 'host%' and auth_method = 'trust'
         and (database && array['all', $2]) and (user_name && array['all', $1])`,
      [name, database],
    );
    return rows.map((r) => `pg_hba.conf line ${r.line_number} trusts ${r.address ?? 'any address'}`);
  } catch (error) {
    return [`could not read pg_hba.conf rules (${(error as Error).message})`];
  }
}
