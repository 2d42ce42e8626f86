'use client';
import type { CustomerLoginAnswer } from '@flowdose/contract/command-api';
import type { Problem } from '@flowdose/contract/common';
import type { CustomerOrders, OrderView as Order } from '@flowdose/contract/query-api';
import { STORE_CURRENCY } from '@flowdose/domain/store-currency';
import Link from 'next/link';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { ChangePassword } from '@/components/change-password';
import { drainOutbox, forgetCart, refreshFromServer } from '@/lib/cart';
import { formatMoney, titleCase } from '@/lib/format';
import { fetchAs, readSession, saveSession } from '@/lib/session';
import { type CartRef, getMeta, META, type Session, setMeta } from '@/lib/store';

export default function AccountPage() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [orders, setOrders] = useState<Order[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const loadOrders = useCallback(async () => {
    const position = await getMeta<string>(META.position);
    const res = await fetchAs('/api/queries/me/orders', {
      headers: position ? { 'X-Min-Position': position } : {},
    }).catch(() => null);
    if (res?.ok) setOrders(((await res.json()) as CustomerOrders).items);
  }, []);

  useEffect(() => {
    void readSession().then((s) => {
      setSession(s ?? null);
      if (s) void loadOrders();
    });
  }, [loadOrders]);

  async function signIn(event: FormEvent<HTMLFormElement>, mode: 'register' | 'login') {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setProblem(null);
    const email = String(form.get('email'));
    // A guest cart comes along: it becomes the customer's (or joins the cart they have), with
    // every change made to it so far.
    await drainOutbox();
    const cart = await getMeta<CartRef>(META.cart);
    const guest = cart?.cartToken ? cart : undefined;
    const res = await fetch(`/api/commands/auth/${mode}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(guest ? { 'X-Cart-Token': guest.cartToken! } : {}) },
      body: JSON.stringify({
        email,
        password: String(form.get('password')),
        ...(guest ? { guestCartId: guest.cartId } : {}),
      }),
    }).catch(() => null);
    if (!res) return setProblem('Signing in needs the network.');
    const body = (await res.json()) as Problem & CustomerLoginAnswer;
    if (!res.ok)
      return setProblem(body.errors?.map((e) => `${e.path}: ${e.message}`).join('; ') || body.detail || body.title);
    const next = { customerId: body.customerId, email, accessToken: body.accessToken, refreshToken: body.refreshToken };
    await saveSession(next);
    if (body.position) await setMeta(META.position, body.position);
    if (body.cartId) {
      await setMeta(META.cart, {
        cartId: body.cartId,
        cartToken: null,
        currency: cart?.currency ?? STORE_CURRENCY,
      } satisfies CartRef);
      await refreshFromServer();
    } else if (guest) {
      // The guest cart could not be taken over: the customer starts a cart of their own.
      await forgetCart();
    }
    setSession(next);
    void loadOrders();
  }

  async function signOut() {
    await fetchAs('/api/commands/auth/logout', { method: 'POST' }).catch(() => null);
    await saveSession(undefined);
    // The customer's cart answers only to them: this device starts afresh.
    await forgetCart();
    setSession(null);
    setOrders(null);
  }

  if (session === undefined) return <h1>Account</h1>;
  if (!session) {
    return (
      <>
        <h1>Account</h1>
        {problem && (
          <p className="notice" role="alert">
            {problem}
          </p>
        )}
        <div className="detail">
          <form className="stack" onSubmit={(e) => signIn(e, 'login')} aria-labelledby="signin">
            <h2 id="signin">Sign in</h2>
            <label>
              Email
              <input name="email" type="email" autoComplete="email" required />
            </label>
            <label>
              Password
              <input name="password" type="password" autoComplete="current-password" required />
            </label>
            <button type="submit">Sign in</button>
          </form>
          <form className="stack" onSubmit={(e) => signIn(e, 'register')} aria-labelledby="register">
            <h2 id="register">Create an account</h2>
            <label>
              Email
              <input name="email" type="email" autoComplete="email" required />
            </label>
            <label>
              Password (10 characters or more)
              <input name="password" type="password" autoComplete="new-password" minLength={10} required />
            </label>
            <button type="submit">Create account</button>
          </form>
        </div>
      </>
    );
  }
  return (
    <>
      <h1>Account</h1>
      <p>
        Signed in as <strong>{session.email}</strong>.{' '}
        <button type="button" className="secondary" onClick={signOut}>
          Sign out
        </button>
      </p>
      <h2>Your orders</h2>
      {orders === null && <p className="muted">Loading your orders…</p>}
      {orders?.length === 0 && <p>No orders yet.</p>}
      {orders && orders.length > 0 && (
        <ul className="stack" aria-label="Order history">
          {orders.map((o) => (
            <li key={o.orderId}>
              <Link href={`/orders/${o.orderId}`}>
                {new Date(o.placedAt).toLocaleDateString('en-GB')} · {titleCase(o.status)} ·{' '}
                {formatMoney({ amount: o.totals.grandTotal, currency: o.currency })}
              </Link>
            </li>
          ))}
        </ul>
      )}
      <ChangePassword />
    </>
  );
}
