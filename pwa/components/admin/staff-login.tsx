'use client';

import { useRouter, useSearchParams } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { STAFF_HEADERS } from '@/lib/admin/staff';
import { problemOf } from '@/lib/admin/use-staff-json';

// Only a page of the back office to come back to: never another site (an open redirect).
const safeNext = (next: string | null) => (next?.startsWith('/admin') && !next.startsWith('//') ? next : '/admin');

export function StaffLogin() {
  const router = useRouter();
  const next = safeNext(useSearchParams().get('next'));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get('email') ?? '').trim();
    setBusy(true);
    setError(null);
    try {
      // The session route keeps the tokens in httpOnly cookies: this page never sees them.
      const res = await fetch('/admin/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...STAFF_HEADERS },
        body: JSON.stringify({ email, password: String(form.get('password') ?? '') }),
      });
      if (!res.ok) {
        const problem = await problemOf(res);
        setError(
          res.status === 401
            ? 'That email and password do not match a staff account.'
            : (problem.detail ?? problem.title ?? 'Sign-in failed.'),
        );
        return;
      }
      router.replace(next);
    } catch {
      setError('The network is down: try again when it is back.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="admin-card stack" onSubmit={submit} aria-describedby={error ? 'login-error' : undefined}>
      <label>
        Email
        <input name="email" type="email" autoComplete="username" required />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      {error && (
        <p id="login-error" role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
