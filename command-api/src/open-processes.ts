import type { Pool } from '@flowdose/shared/db';

/**
 * The work list of processes that touch money or stock (a checkout, an order step): listed
 * before their first event, struck off after their last. The process's stream says where it
 * stands; this list only tells the recovery sweep which streams to look at.
 */
export const openProcess = (pool: Pool, streamId: string) =>
  pool.query('insert into open_processes (stream_id) values ($1) on conflict do nothing', [streamId]);

export const closeProcess = (pool: Pool, streamId: string) =>
  pool.query('delete from open_processes where stream_id = $1', [streamId]);

/** Processes opened more than `seconds` ago and not closed: left half-way by a crash, or still running. */
export async function staleProcesses(pool: Pool, seconds: number, limit = 200): Promise<string[]> {
  const { rows } = await pool.query<{ stream_id: string }>(
    `select stream_id from open_processes where opened_at < now() - make_interval(secs => $1)
     order by opened_at limit $2`,
    [seconds, limit],
  );
  return rows.map((r) => r.stream_id);
}
