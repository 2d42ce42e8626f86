'use client';

import { Currency } from '@flowdose/domain/money';
import { useState } from 'react';
import type { DiscountItem, DiscountPage } from '@/lib/admin/answers';
import { refusalOf, useCommand } from '@/lib/admin/commands';
import { mayEdit } from '@/lib/admin/roles';
import { useStaff } from '@/lib/admin/staff';
import { useStaffJson } from '@/lib/admin/use-staff-json';
import { formatMoney, parseMinorUnits } from '@/lib/format';
import { ActionDialog, ReasonField } from './action-dialog';
import { Pager } from './pager';
import { Pending } from './pending';
import { useListQuery } from './use-list';

const CURRENCIES = Currency.options;

// An empty field leaves its currency out; what is not an amount is sent as is, for the API to refuse by name.
const perCurrency = (form: FormData, prefix: string) =>
  Object.fromEntries(
    CURRENCIES.flatMap((c) => {
      const text = String(form.get(`${prefix}-${c}`) ?? '').trim();
      return text ? [[c, parseMinorUnits(text) ?? text]] : [];
    }),
  );
const instant = (value: FormDataEntryValue | null) => {
  const text = String(value ?? '');
  return text ? new Date(text).toISOString() : null;
};

const describeValue = (d: DiscountItem) =>
  d.value.kind === 'percent'
    ? `${d.value.percent}% off`
    : Object.entries(d.value.amountOff)
        .map(([currency, amount]) => `${formatMoney({ amount: amount ?? 0, currency: currency as Currency })} off`)
        .join(', ');

/** Discount codes with their use, a form to create one, and a way to disable one. */
export function DiscountsView() {
  const { who } = useStaff();
  const send = useCommand();
  const { query, older, paged, back } = useListQuery([]);
  const [position, setPosition] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const discounts = useStaffJson<DiscountPage>(`/queries/admin/discounts?${query}`, position);
  const editor = mayEdit.discounts(who.role);

  const create = async (form: FormData, key: string) => {
    const kind = String(form.get('kind'));
    const limit = String(form.get('usageLimit') ?? '').trim();
    const body = {
      code: String(form.get('code') ?? ''),
      value:
        kind === 'percent'
          ? { kind, percent: Number(form.get('percent')) }
          : { kind: 'fixed', amountOff: perCurrency(form, 'off') },
      minimumSubtotal: perCurrency(form, 'min'),
      validFrom: instant(form.get('validFrom')),
      validUntil: instant(form.get('validUntil')),
      usageLimit: limit ? Number(limit) : null,
    };
    const sent = await send('POST', '/admin/discounts', body, key);
    if (!sent.ok) return refusalOf(sent);
    setDone(`${body.code.toUpperCase()} created.`);
    setPosition(sent.position);
    return null;
  };
  const disable = async (code: string, reason: string, key: string) => {
    const sent = await send('POST', `/admin/discounts/${encodeURIComponent(code)}/disable`, { reason }, key);
    if (!sent.ok) return refusalOf(sent);
    setDone(`${code} disabled.`);
    setPosition(sent.position);
    return null;
  };

  return (
    <>
      <h1>Discounts</h1>
      {editor && (
        <ActionDialog label="New discount" title="Create a discount code" confirm="Create" onConfirm={create}>
          <label>
            Code
            <input name="code" required pattern="[A-Za-z0-9_\-]{3,32}" autoComplete="off" />
          </label>
          <fieldset>
            <legend>Value</legend>
            <label className="toggle">
              <input type="radio" name="kind" value="percent" defaultChecked /> Percent off
            </label>
            <label>
              Percent (1–100)
              <input name="percent" type="number" min={1} max={100} />
            </label>
            <label className="toggle">
              <input type="radio" name="kind" value="fixed" /> A fixed amount off, per currency
            </label>
            {CURRENCIES.map((c) => (
              <label key={c}>
                Amount off in {c}
                <input name={`off-${c}`} inputMode="decimal" placeholder="5.00" />
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>Least subtotal (optional, per currency)</legend>
            {CURRENCIES.map((c) => (
              <label key={c}>
                {c}
                <input name={`min-${c}`} inputMode="decimal" placeholder="50.00" />
              </label>
            ))}
          </fieldset>
          <label>
            Valid from (optional)
            <input name="validFrom" type="datetime-local" />
          </label>
          <label>
            Valid until (optional)
            <input name="validUntil" type="datetime-local" />
          </label>
          <label>
            Usage limit (optional)
            <input name="usageLimit" type="number" min={1} step={1} />
          </label>
        </ActionDialog>
      )}
      <p role="status" className="ok">
        {done}
      </p>
      <Pending loaded={discounts} what="The discount codes" />
      {discounts.state === 'ok' && (
        <>
          <table className="admin-table">
            <thead>
              <tr>
                <th scope="col">Code</th>
                <th scope="col">Value</th>
                <th scope="col">Valid</th>
                <th scope="col" className="num">
                  Uses
                </th>
                <th scope="col">State</th>
                {editor && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {discounts.data.items.map((d) => (
                <tr key={d.code} data-code={d.code}>
                  <th scope="row">
                    <code>{d.code}</code>
                  </th>
                  <td>{describeValue(d)}</td>
                  <td>
                    {d.startsAt ? new Date(d.startsAt).toLocaleDateString() : 'always'}
                    {' – '}
                    {d.endsAt ? new Date(d.endsAt).toLocaleDateString() : 'no end'}
                  </td>
                  <td className="num">
                    {d.uses}
                    {d.usageLimit !== null ? ` of ${d.usageLimit}` : ''}
                  </td>
                  <td>{d.disabled ? <span className="badge status-canceled">disabled</span> : 'active'}</td>
                  {editor && (
                    <td>
                      {!d.disabled && (
                        <ActionDialog
                          label="Disable"
                          title={`Disable ${d.code}?`}
                          description={<p>Checkouts stop taking it; orders that used it keep their discount.</p>}
                          confirm="Disable"
                          danger
                          onConfirm={(form, key) => disable(d.code, String(form.get('reason') ?? ''), key)}
                        >
                          <ReasonField />
                        </ActionDialog>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
          {discounts.data.items.length === 0 && <p>No discount codes yet.</p>}
          <Pager paged={paged} next={discounts.data.nextCursor} onBack={back} onOlder={older} />
        </>
      )}
    </>
  );
}
