'use client';

import { useState } from 'react';
import type { Replay } from '@/lib/admin/answers';
import { useStaff } from '@/lib/admin/staff';
import { problemOf } from '@/lib/admin/use-staff-json';

/** Folds the order's events with today's rules and compares the result with its read model (`path`: the replay query). */
export function ReplayCheck({ path }: { path: string }) {
  const { call } = useStaff();
  const [replay, setReplay] = useState<{ busy: boolean; result?: Replay; error?: string }>({ busy: false });

  async function check() {
    setReplay({ busy: true });
    try {
      const res = await call(path);
      setReplay(
        res.ok
          ? { busy: false, result: (await res.json()) as Replay }
          : { busy: false, error: (await problemOf(res)).title ?? `HTTP ${res.status}` },
      );
    } catch {
      setReplay({ busy: false, error: 'The network is down' });
    }
  }

  return (
    <>
      <h4>Read model</h4>
      <p className="muted">
        Folds every event with today’s rules and compares the result with what the order list shows.
      </p>
      <button type="button" onClick={() => void check()} disabled={replay.busy}>
        {replay.busy ? 'Checking…' : 'Check against read model'}
      </button>
      <div role="status" className="replay">
        {replay.error && <p className="error">The check failed: {replay.error}</p>}
        {replay.result?.consistent === true && (
          <p className="ok">Consistent: the read model matches the events (up to event {replay.result.version}).</p>
        )}
        {replay.result?.consistent === false && (
          <>
            <p className="error">The read model differs from the events:</p>
            <table className="admin-table">
              <thead>
                <tr>
                  <th scope="col">Field</th>
                  <th scope="col">From the events</th>
                  <th scope="col">In the read model</th>
                </tr>
              </thead>
              <tbody>
                {replay.result.differences?.map((d) => (
                  <tr key={d.field}>
                    <td>
                      <code>{d.field}</code>
                    </td>
                    <td>{JSON.stringify(d.decided)}</td>
                    <td>{JSON.stringify(d.readModel)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </div>
    </>
  );
}
