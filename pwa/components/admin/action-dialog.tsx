'use client';

import { type FormEvent, type ReactNode, useId, useRef, useState } from 'react';
import type { Refusal } from '@/lib/admin/commands';

type Props = {
  /** The button that opens it, and the dialog's title. */
  label: string;
  title: string;
  /** What confirming does, in words. */
  description?: ReactNode;
  /** The fields to fill in, if any (named inputs: their values arrive as FormData). */
  children?: ReactNode;
  confirm: string;
  danger?: boolean;
  /**
   * Sends the change with this intent's Idempotency-Key; answers null when done, or what to
   * show. The key stays for a retry whose first answer never came (done once), and is new
   * after a refusal (the corrected request is another one) or a success.
   */
  onConfirm: (form: FormData, idempotencyKey: string) => Promise<Refusal | null>;
};

/**
 * A change that needs a second look: a button opening a modal dialog (focus kept inside,
 * Escape closes) that says what will happen, takes its fields, and shows the API's refusal
 * in place, leaving the dialog open to correct and send again.
 */
export function ActionDialog({ label, title, description, children, confirm, danger, onConfirm }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const key = useRef<string | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const titleId = useId();
  const errorId = useId();

  function open() {
    setRefusal(null);
    dialog.current?.showModal();
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    key.current ??= crypto.randomUUID();
    setBusy(true);
    const refused = await onConfirm(new FormData(event.currentTarget), key.current);
    setBusy(false);
    setRefusal(refused?.message ?? null);
    if (!refused?.sameKeyAgain) key.current = null;
    if (!refused) dialog.current?.close();
  }

  return (
    <>
      <button type="button" className={danger ? 'danger' : undefined} onClick={open}>
        {label}
      </button>
      <dialog
        ref={dialog}
        aria-labelledby={titleId}
        className="admin-dialog"
        // Not closed while its change is on the way: its answer must be seen.
        onCancel={(event) => busy && event.preventDefault()}
      >
        <form onSubmit={submit} className="stack" aria-describedby={refusal ? errorId : undefined}>
          <h2 id={titleId}>{title}</h2>
          {description && <div>{description}</div>}
          {children}
          {refusal && (
            <p id={errorId} role="alert" className="error">
              {refusal}
            </p>
          )}
          <div className="dialog-buttons">
            <button type="button" className="secondary" onClick={() => dialog.current?.close()} disabled={busy}>
              Cancel
            </button>
            <button type="submit" className={danger ? 'danger' : undefined} disabled={busy}>
              {busy ? 'Sending…' : confirm}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}

/** Why: every change to stock, money or an order's course records a reason. */
export function ReasonField({ defaultValue }: { defaultValue?: string }) {
  return (
    <label>
      Reason
      <input name="reason" required maxLength={200} defaultValue={defaultValue} />
    </label>
  );
}
