import type { Problem } from '@flowdose/contract/common';
import type { SavedAddress } from '@flowdose/contract/query-api';
import type { ChangeEvent } from 'react';

const COUNTRIES = {
  FR: 'France',
  DE: 'Germany',
  NL: 'Netherlands',
  BE: 'Belgium',
  ES: 'Spain',
  IT: 'Italy',
  GB: 'United Kingdom',
  US: 'United States',
};

/** The checkout form (these fields and the email) as the command API takes a checkout. */
export function checkoutOf(form: FormData) {
  const field = (name: string) => String(form.get(name) ?? '').trim();
  const line2 = field('line2');
  return {
    email: field('email'),
    shippingAddress: {
      name: field('name'),
      line1: field('line1'),
      ...(line2 ? { line2 } : {}),
      city: field('city'),
      postalCode: field('postalCode'),
      country: field('country'),
    },
    shippingMethod: field('shippingMethod'),
    payment: { method: 'test-card', cardNumber: field('cardNumber').replace(/\s+/g, '') },
    ...(field('discountCode') ? { discountCode: field('discountCode') } : {}),
  };
}

const ADDRESS_FIELDS = ['name', 'line1', 'line2', 'city', 'postalCode', 'country'] as const;

// The fields stay the shopper's own (uncontrolled): picking a saved address writes it into
// them once, and the shopper may still change any of it for this order.
function fillFrom(saved: readonly SavedAddress[]) {
  return (event: ChangeEvent<HTMLSelectElement>) => {
    const address = saved.find((a) => a.addressId === event.currentTarget.value);
    const form = event.currentTarget.form;
    if (!address || !form) return;
    for (const name of ADDRESS_FIELDS) {
      const field = form.elements.namedItem(name);
      if (field instanceof HTMLInputElement || field instanceof HTMLSelectElement) field.value = address[name] ?? '';
    }
  };
}

const addressLabel = (a: SavedAddress) => `${a.name}, ${a.line1}, ${a.postalCode} ${a.city}, ${a.country}`;

/**
 * Where the order goes, how, and how it is paid: the checkout form's fields but the email (the
 * page fills it in). A signed-in customer's saved addresses offer to fill the address.
 */
export function CheckoutFields({ saved = [] }: { saved?: readonly SavedAddress[] }) {
  // A saved address may be in a country this list does not name: it is offered by its code.
  const countries: [string, string][] = [
    ...Object.entries(COUNTRIES),
    ...[...new Set(saved.map((a) => a.country))].filter((c) => !(c in COUNTRIES)).map((c): [string, string] => [c, c]),
  ];
  return (
    <>
      {saved.length > 0 && (
        <label>
          Saved address
          <select name="savedAddress" defaultValue="" onChange={fillFrom(saved)}>
            <option value="">Enter a new address</option>
            {saved.map((a) => (
              <option key={a.addressId} value={a.addressId}>
                {addressLabel(a)}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        Full name
        <input name="name" autoComplete="name" required maxLength={200} />
      </label>
      <label>
        Address
        <input name="line1" autoComplete="address-line1" required maxLength={200} />
      </label>
      <label>
        Address, line 2 (optional)
        <input name="line2" autoComplete="address-line2" maxLength={200} />
      </label>
      <label>
        City
        <input name="city" autoComplete="address-level2" required maxLength={100} />
      </label>
      <label>
        Postal code
        <input name="postalCode" autoComplete="postal-code" required maxLength={20} />
      </label>
      <label>
        Country
        <select name="country" autoComplete="country" defaultValue="FR">
          {countries.map(([code, name]) => (
            <option key={code} value={code}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Shipping
        <select name="shippingMethod" defaultValue="standard">
          <option value="standard">Standard (3–5 days)</option>
          <option value="express">Express (1–2 days)</option>
        </select>
      </label>
      <label>
        Card number (test cards: 4242 4242 4242 4242 pays, 4000 0000 0000 0002 is declined)
        <input name="cardNumber" inputMode="numeric" autoComplete="cc-number" required pattern="[0-9 ]{12,23}" />
      </label>
      <label>
        Discount code (optional)
        <input name="discountCode" autoComplete="off" maxLength={32} />
      </label>
    </>
  );
}

/** Why the order was not placed: the API's problem, with each field it named. */
export function ProblemNotice({ problem }: { problem: Problem | null }) {
  if (!problem) return null;
  return (
    <div className="notice" role="alert">
      <strong>{problem.title}</strong> {problem.detail}
      {problem.errors && (
        <ul>
          {problem.errors.map((e) => (
            <li key={e.path}>
              {e.path}: {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
