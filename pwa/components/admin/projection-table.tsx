import type { ProjectionState } from '@/lib/admin/answers';

/**
 * Each read model's projection: how far behind the log it is, whether it is rebuilding, and
 * how many events it quarantined (stopped: it waits before one until staff retry or skip it).
 */
export function ProjectionTable({
  projections,
  actions,
}: {
  projections: ProjectionState[];
  actions?: (p: ProjectionState) => React.ReactNode;
}) {
  return (
    <table className="admin-table">
      <thead>
        <tr>
          <th scope="col">Projection</th>
          <th scope="col">State</th>
          <th scope="col" className="num">
            Lag (events)
          </th>
          <th scope="col">Checkpoint</th>
          <th scope="col">Queue</th>
          <th scope="col">Rebuild</th>
          <th scope="col" className="num">
            Dead letters
          </th>
          <th scope="col">Last error</th>
          {actions && <th scope="col">Actions</th>}
        </tr>
      </thead>
      <tbody>
        {projections.map((p) => (
          <tr key={p.name} data-projection={p.name}>
            <th scope="row">
              {p.name} <span className="muted">v{p.version}</span>
            </th>
            <td>
              <span className={`badge state-${p.state}`}>{p.state}</span>
            </td>
            <td className="num">{p.lag}</td>
            <td>
              <code>{p.checkpoint ?? '—'}</code>
            </td>
            <td>{p.queue ? `${p.queue.waiting} waiting, ${p.queue.active} active, ${p.queue.failed} failed` : '—'}</td>
            <td>
              {p.rebuild ? (
                <label className="progress">
                  <progress max={1} value={p.rebuild.progress} aria-label={`Rebuild of ${p.name}`} />{' '}
                  {Math.round(p.rebuild.progress * 100)}%
                </label>
              ) : (
                '—'
              )}
            </td>
            <td className={p.deadLetters.quarantined > 0 ? 'num error' : 'num'}>
              {p.deadLetters.quarantined}
              {p.deadLetters.stoppedAt && (
                <>
                  {' '}
                  <span className="muted">
                    stopped before <code>{p.deadLetters.stoppedAt}</code>
                  </span>
                </>
              )}
            </td>
            <td className={p.lastError ? 'error' : undefined}>{p.lastError ?? '—'}</td>
            {actions && <td>{actions(p)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
