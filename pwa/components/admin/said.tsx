import type { Said } from '@/lib/admin/commands';

/** How the last change went: read out politely when done, at once when refused. */
export function SaidLine({ said }: { said: Said | null }) {
  if (!said) return null;
  return (
    <p role={said.ok ? 'status' : 'alert'} className={said.ok ? 'ok' : 'error'}>
      {said.text}
    </p>
  );
}
