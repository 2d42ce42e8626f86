import type { Pool } from '@flowdose/shared/db';
import { readCheckpoint } from '@flowdose/shared/read-models';

// Transaction ids per pg_xact segment file: pg_resetwal's documentation advises a next
// transaction id on such a boundary, so the server starts a fresh segment for it.
const XACT_SEGMENT = 0x100000n;
const EPOCH = 1n << 32n;

/**
 * The `pg_resetwal` arguments that move the server's next transaction id past `stored`:
 * the epoch (the high 32 bits of an xid8) and the 32-bit id, rounded up to a segment.
 */
export function resetwalTarget(stored: bigint): { epoch: bigint; xid: bigint } {
  // An epoch holds a whole number of segments, so rounding the xid8 rounds its low half.
  const next = ((stored + XACT_SEGMENT) / XACT_SEGMENT) * XACT_SEGMENT;
  const xid = next % EPOCH;
  // 0 is not a valid next transaction id: take the epoch's first segment boundary after it.
  return { epoch: next / EPOCH, xid: xid === 0n ? XACT_SEGMENT : xid };
}

/**
 * Log positions start with the transaction id (xid8) of the append. After a dump is restored
 * into another cluster, or the database moves to one, that cluster's counter can be behind
 * the stored ids: new events then sort before every checkpoint and are never dispatched.
 * Answers why the projections must not start (naming the fix), or null when all is well.
 */
export async function transactionIdRefusal(pool: Pool, schemas: readonly string[]): Promise<string | null> {
  const events = await pool.query<{ max: string | null }>('select max(transaction_id)::text as max from events');
  const dispatcher = await pool.query<{ max: bigint | null }>('select max(major) as max from dispatcher_checkpoint');
  const stored: { what: string; xid: bigint }[] = [];
  if (events.rows[0]?.max) stored.push({ what: 'events', xid: BigInt(events.rows[0].max) });
  if (dispatcher.rows[0]?.max != null) stored.push({ what: 'dispatcher_checkpoint', xid: dispatcher.rows[0].max });
  // Only the schemas that exist are read: a query that fails (a schema not created yet) costs
  // its pooled connection, and opening a new one per missing schema made each check slow.
  const { rows: present } = await pool.query<{ name: string }>(
    'select nspname as name from pg_namespace where nspname = any($1::text[])',
    [schemas],
  );
  const existing = new Set(present.map((r) => r.name));
  for (const schema of schemas.filter((s) => existing.has(s))) {
    const at = await readCheckpoint(pool, schema);
    if (at) stored.push({ what: `${schema}.checkpoint`, xid: at.major });
  }

  // Read after the stored ids, never before: events appended meanwhile (the service restarts
  // under load) carry ids the earlier reading would not yet cover. The snapshot's xmax is the
  // next id the server will assign; reading it assigns none.
  const server = await pool.query<{ next: string }>('select pg_snapshot_xmax(pg_current_snapshot())::text as next');
  const next = BigInt(server.rows[0]!.next);
  const ahead = stored.filter((s) => s.xid >= next);
  if (ahead.length === 0) return null;
  const highest = ahead.reduce((a, b) => (b.xid > a.xid ? b : a)).xid;
  const { epoch, xid } = resetwalTarget(highest);
  const command = `pg_resetwal ${epoch > 0n ? `-e ${epoch} ` : ''}-x ${xid} -D <data directory>`;
  return (
    `stored log positions are ahead of this PostgreSQL server's transaction ids ` +
    `(${ahead.map((s) => `${s.what} at ${s.xid}`).join(', ')}; the server's next is ${next}): ` +
    'the database was probably restored from a dump or moved to another cluster, and new events would sort ' +
    'before the stored checkpoints and never reach the projections. Advance the transaction id counter: ' +
    `stop the cluster, run "${command}" as its owner, start it again, then start the projections.`
  );
}
