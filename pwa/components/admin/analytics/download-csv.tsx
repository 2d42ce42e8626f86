'use client';

import { useState } from 'react';
import { explain } from '@/lib/admin/commands';
import { useStaff } from '@/lib/admin/staff';
import { problemOf } from '@/lib/admin/use-staff-json';

/** Saves a report as CSV: the same query, asked with Accept: text/csv. */
export function DownloadCsv({
  path,
  name,
  what,
  disabled,
}: {
  path: string;
  name: string;
  what: string;
  disabled: boolean;
}) {
  const { call } = useStaff();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const download = async () => {
    setBusy(true);
    setError(null);
    try {
      const res = await call(path, { headers: { accept: 'text/csv' } });
      if (!res.ok) {
        setError(`The CSV could not be made: ${explain(await problemOf(res))}`);
        return;
      }
      const url = URL.createObjectURL(await res.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = name;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch {
      setError('The CSV could not be made: the network is down.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="secondary" onClick={() => void download()} disabled={disabled || busy}>
        Download CSV<span className="visually-hidden"> of {what}</span>
      </button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </>
  );
}
