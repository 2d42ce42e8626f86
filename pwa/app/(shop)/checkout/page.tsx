'use client';
import type { Problem } from '@flowdose/contract/common';
import type { SavedAddress, SavedAddresses } from '@flowdose/contract/query-api';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { type FormEvent, useEffect, useState } from 'react';
import { CheckoutFields, checkoutOf, ProblemNotice } from '@/components/checkout-fields';
import { drainOutbox, forgetCart } from '@/lib/cart';
import { formatMoney } from '@/lib/format';
import { fetchAs, readSession } from '@/lib/session';
import { db, getMeta, META, setMeta } from '@/lib/store';
import { useCart, useOnline } from '@/lib/use-cart';

export default function CheckoutPage() {
  const { cart, lines, totals, ready } = useCart();
  const online = useOnline();
  const router = useRouter();
  const [email, setEmail] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  // One key per attempt: a submit retried after a lost answer places one order; an answered
  // refusal ends the attempt, and the next submit is a new one.
  const [attempt, setAttempt] = useState(() => crypto.randomUUID());

  const [saved, setSaved] = useState<SavedAddress[]>([]);
  useEffect(() => {
    void readSession().then(async (s) => {
      if (!s) return;
      setEmail((e) => e || s.email);
      // The address book only helps: without it (offline, a slow read model) the fields are typed in.
      const position = await getMeta<string>(META.position);
      const res = await fetchAs('/api/queries/me/addresses', {
        headers: position ? { 'X-Min-Position': position } : {},
      }).catch(() => null);
      if (res?.ok) setSaved(((await res.json()) as SavedAddresses).items);
    });
  }, []);

  const live = lines.filter((l) => l.quantity > 0);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // Read before the first await: React lets go of the event's target after it.
    const form = new FormData(event.currentTarget);
    setProblem(null);
    setBusy(true);
    try {
      // The server must hold what the shopper sees before it is turned into an order.
      if ((await drainOutbox()) !== 'drained') throw new Error('offline');
      const current = await (await db()).get('meta', META.cart);
      const target = (current as typeof cart) ?? cart;
      if (!target) throw new Error('empty');
      const body = checkoutOf(form);
      const res = await fetchAs(`/api/commands/carts/${target.cartId}/checkout`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'Idempotency-Key': `checkout-${attempt}`,
          ...(target.cartToken ? { 'X-Cart-Token': target.cartToken } : {}),
        },
        body: JSON.stringify(body),
      });
      const answer = await res.json();
      if (!res.ok) {
        setProblem(answer as Problem);
        if (res.status < 500) setAttempt(crypto.randomUUID());
        return;
      }
      const { orderId, position } = answer as { orderId: string; position: string };
      await (await db()).put('orders', {
        orderId,
        cartToken: target.cartToken,
        position,
        placedAt: new Date().toISOString(),
      });
      await setMeta(META.position, position);
      // The order holds these lines now; what was said about them belongs to the old cart.
      await (await db()).clear('refusals');
      await forgetCart();
      router.push(`/orders/${orderId}?placed=1`);
    } catch {
      setProblem({
        type: 'offline',
        title: 'No connection',
        status: 0,
        detail: 'Checking out needs the network. Your cart is kept; try again when you are online.',
      });
    } finally {
      setBusy(false);
    }
  }

  if (!ready) return <h1>Checkout</h1>;
  if (live.length === 0) {
    return (
      <>
        <h1>Checkout</h1>
        <p>
          Your cart is empty. <Link href="/products">Start shopping</Link>
        </p>
      </>
    );
  }
  return (
    <>
      <h1>Checkout</h1>
      {!online && (
        <p className="notice" role="alert">
          You are offline. Checking out needs the network; your cart is kept until you are back.
        </p>
      )}
      <p>
        {totals?.itemCount} items, subtotal <strong>{totals && formatMoney(totals.subtotal)}</strong>. Shipping and VAT
        are added for your country.
      </p>
      <form className="stack" onSubmit={submit} noValidate={false}>
        <label>
          Email
          <input
            name="email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <CheckoutFields saved={saved} />
        <ProblemNotice problem={problem} />
        <button type="submit" disabled={busy || !online}>
          {busy ? 'Placing your order…' : 'Place order'}
        </button>
      </form>
    </>
  );
}
