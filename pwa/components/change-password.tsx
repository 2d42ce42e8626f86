'use client';
import type { PasswordChangedAnswer } from '@flowdose/contract/command-api';
import type { Problem } from '@flowdose/contract/common';
import { type FormEvent, useState } from 'react';
import { fetchAs } from '@/lib/session';

const FIELD_LABELS: Record<string, string> = { currentPassword: 'Current password', newPassword: 'New password' };

/** The signed-in customer's password form; every other device they are signed in on is signed out. */
export function ChangePassword() {
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setOutcome(null);
    setBusy(true);
    const res = await fetchAs('/api/commands/me/password', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        currentPassword: String(form.get('currentPassword')),
        newPassword: String(form.get('newPassword')),
      }),
    }).catch(() => null);
    setBusy(false);
    if (!res) return setOutcome({ ok: false, text: 'Changing the password needs the network.' });
    const body = (await res.json().catch(() => ({}))) as Partial<Problem & PasswordChangedAnswer>;
    if (!res.ok) {
      const fields = body.errors?.map((e) => `${FIELD_LABELS[e.path] ?? e.path} ${e.message}`).join('; ');
      return setOutcome({ ok: false, text: fields || body.detail || body.title || 'The password was not changed.' });
    }
    formElement.reset();
    const others = body.otherSessionsRevoked ?? 0;
    setOutcome({
      ok: true,
      text: `Password changed.${others > 0 ? ` Signed out on ${others} other ${others === 1 ? 'device' : 'devices'}.` : ''}`,
    });
  }

  return (
    <form className="stack" onSubmit={submit} aria-labelledby="change-password">
      <h2 id="change-password">Change password</h2>
      {outcome && (
        <p className={outcome.ok ? undefined : 'notice'} role={outcome.ok ? 'status' : 'alert'}>
          {outcome.text}
        </p>
      )}
      <label>
        Current password
        <input name="currentPassword" type="password" autoComplete="current-password" required />
      </label>
      <label>
        New password (10 characters or more)
        <input name="newPassword" type="password" autoComplete="new-password" minLength={10} maxLength={128} required />
      </label>
      <button type="submit" disabled={busy}>
        Change password
      </button>
    </form>
  );
}
