'use client';

import { type FormEvent, type ReactNode, useId, useRef, useState } from 'react';

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
   * Sends the change with the key chosen when the dialog opened; answers a refusal to show,
   * or null when done. A retry after a refusal or a lost answer sends the same key.
   */
  onConfirm: (form: FormData, idempotencyKey: string) => Promise<string | null>;
};

/**
 * A change that needs a second look: a button opening a modal dialog (focus kept inside,
 * Escape closes) that says what will happen, takes its fields, and shows the API's refusal
 * in place, leaving the dialog open to correct and send again.
 */
export function ActionDialog({ label, title, description, children, confirm, danger, onConfirm }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [key, setKey] = useState('');
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const titleId = useId();
  const errorId = useId();

  function open() {
    setKey(crypto.randomUUID());
    setRefusal(null);
    dialog.current?.showModal();
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    const refused = await onConfirm(new FormData(event.currentTarget), key);
    setBusy(false);
    setRefusal(refused);
    if (!refused) dialog.current?.close();
  }

  return (
    <>
      <button type="button" className={danger ? 'danger' : undefined} onClick={open}>
        {label}
      </button>
      <dialog ref={dialog} aria-labelledby={titleId} className="admin-dialog">
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
            <button type="button" className="secondary" onClick={() => dialog.current?.close()}>
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
