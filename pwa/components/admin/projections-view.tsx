'use client';

import { useEffect, useState } from 'react';
import type { ProjectionState } from '@/lib/admin/answers';
import { explain, useOneAtATime } from '@/lib/admin/commands';
import { readAnswer } from '@/lib/admin/read-answer';
import { useStaff } from '@/lib/admin/staff';
import { DeadLetters } from './dead-letters';
import { ProjectionTable } from './projection-table';

// Read again this often: a rebuild's progress bar moves as the service reports it.
const EVERY_MS = 1_000;

/** Each read model's projection, live: lag, state, errors, and a rebuild to start and watch. */
export function ProjectionsView() {
  const { call } = useStaff();
  const { run, busy } = useOneAtATime();
  const [projections, setProjections] = useState<ProjectionState[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [said, setSaid] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      const read = await readAnswer<{ projections: ProjectionState[] }>(call, '/queries/admin/projections');
      if (!live) return;
      if (read.ok) setProjections(read.data.projections);
      setError(read.ok ? null : read.error);
      // Only while someone looks: a hidden tab's reads would keep an idle session alive.
      if (live && document.visibilityState === 'visible') timer = setTimeout(poll, EVERY_MS);
    };
    const resume = () => {
      clearTimeout(timer);
      if (document.visibilityState === 'visible') void poll();
    };
    void poll();
    document.addEventListener('visibilitychange', resume);
    return () => {
      live = false;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', resume);
    };
  }, [call]);

  async function rebuild(name: string) {
    setSaid(null);
    // One rebuild of a projection at a time: asking twice answers the same job.
    const sent = await run(`rebuild:${name}`, 'POST', `/admin/projections/${encodeURIComponent(name)}/rebuild`, {});
    if (sent) setSaid(sent.ok ? `The rebuild of ${name} is queued: its progress shows below.` : explain(sent.problem));
  }

  return (
    <>
      <h1>Projections</h1>
      <p className="muted">
        A rebuild projects the whole log into new tables beside the live ones and swaps them in when it has caught up:
        reads never stop.
      </p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <p role="status">{said}</p>
      {projections ? (
        <ProjectionTable
          projections={projections}
          actions={(p) => (
            <button
              type="button"
              className="secondary"
              onClick={() => void rebuild(p.name)}
              disabled={busy || !!p.rebuild}
            >
              {p.rebuild ? 'Rebuilding…' : 'Rebuild'}
            </button>
          )}
        />
      ) : (
        <p className="muted">Loading…</p>
      )}
      {projections
        ?.filter((p) => p.deadLetters.quarantined > 0)
        .map((p) => (
          <DeadLetters
            key={p.name}
            projection={p.name}
            // Read again when the projection's quarantine changes (a retry that failed again too).
            seen={`${p.deadLetters.quarantined}:${p.deadLetters.stoppedAt}:${p.lastError}`}
          />
        ))}
    </>
  );
}
