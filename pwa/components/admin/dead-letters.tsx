'use client';

import Link from 'next/link';
import { useEffect, useState } from 'react';
import type { DeadLetter, DeadLetterAnswer } from '@/lib/admin/answers';
import { explain, refusalOf, useCommand, useOneAtATime } from '@/lib/admin/commands';
import { readAnswer } from '@/lib/admin/read-answer';
import { useStaff } from '@/lib/admin/staff';
import { ActionDialog } from './action-dialog';

/**
 * The events one projection quarantined, each with a Retry (once the code or the data is
 * fixed) and a Skip, which asks why and says what skipping costs: the read model without it.
 */
export function DeadLetters({ projection, seen }: { projection: string; seen: string }) {
  const { call } = useStaff();
  const send = useCommand();
  const { run, busy } = useOneAtATime();
  const [items, setItems] = useState<DeadLetter[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [said, setSaid] = useState<string | null>(null);
  // The request a skip was recorded under: its audit page shows who skipped what and why.
  const [audit, setAudit] = useState<string | null>(null);
  const [reads, setReads] = useState(0);
  const path = `/admin/projections/${encodeURIComponent(projection)}/dead-letters`;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `seen` and `reads` only say when to read again.
  useEffect(() => {
    let live = true;
    void (async () => {
      const read = await readAnswer<{ items: DeadLetter[] }>(call, `/queries${path}?status=quarantined`);
      if (!live) return;
      if (read.ok) setItems(read.data.items);
      setError(read.ok ? null : read.error);
    })();
    return () => {
      live = false;
    };
  }, [call, path, seen, reads]);

  async function retry(d: DeadLetter) {
    setSaid(null);
    setAudit(null);
    const sent = await run(`retry:${projection}:${d.position}`, 'POST', `${path}/${d.position}/retry`, {});
    if (!sent) return;
    setSaid(
      sent.ok
        ? `Retrying ${d.eventType} at ${d.position}: ${projection} applies it again within seconds (failing again, it comes back here).`
        : explain(sent.problem),
    );
    setReads((n) => n + 1);
  }

  async function skip(d: DeadLetter, form: FormData, key: string) {
    const sent = await send('POST', `${path}/${d.position}/skip`, { reason: String(form.get('reason') ?? '') }, key);
    if (!sent.ok) return refusalOf(sent);
    setSaid(`Skipped ${d.eventType} at ${d.position}: ${projection} goes on without it.`);
    setAudit((sent.body as DeadLetterAnswer).correlationId);
    setReads((n) => n + 1);
    return null;
  }

  return (
    <section aria-labelledby={`dead-letters-${projection}`} data-dead-letters={projection}>
      <h2 id={`dead-letters-${projection}`}>Dead letters of {projection}</h2>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <p role="status">
        {said}
        {audit && (
          <>
            {' '}
            <Link href={`/admin/correlations/${encodeURIComponent(audit)}`}>The skip in the audit</Link>
          </>
        )}
      </p>
      {items === null ? (
        <p className="muted">Loading…</p>
      ) : items.length === 0 ? (
        <p className="muted">None quarantined.</p>
      ) : (
        <table className="admin-table">
          <thead>
            <tr>
              <th scope="col">Position</th>
              <th scope="col">Event</th>
              <th scope="col">Error</th>
              <th scope="col" className="num">
                Attempts
              </th>
              <th scope="col">Last failed</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={d.position} data-position={d.position}>
                <th scope="row">
                  <code>{d.position}</code>
                </th>
                <td>
                  {d.eventType}{' '}
                  <span className="muted">
                    {d.streamId} #{d.streamPosition}
                  </span>
                </td>
                <td className="error">
                  <pre>{d.error}</pre>
                </td>
                <td className="num">{d.attempts}</td>
                <td>{new Date(d.lastFailedAt).toLocaleString()}</td>
                <td>
                  <div className="dialog-buttons">
                    <button type="button" className="secondary" onClick={() => void retry(d)} disabled={busy}>
                      Retry
                    </button>
                    <ActionDialog
                      label="Skip"
                      title={`Skip ${d.eventType} at ${d.position}`}
                      danger
                      confirm="Skip this event"
                      description={
                        <p>
                          Skipping leaves the {projection} read model wrong: it will never hold what this event says,
                          until the projection is rebuilt with code that can apply it. Retry instead if a fix is
                          deployed. The skip is recorded with your name and reason.
                        </p>
                      }
                      onConfirm={(form, key) => skip(d, form, key)}
                    >
                      <label>
                        Reason
                        <input name="reason" required maxLength={500} />
                      </label>
                    </ActionDialog>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
