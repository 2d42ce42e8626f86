'use client';

import type { Currency } from '@flowdose/domain/money';
import { useState } from 'react';
import type { DiscountItem, DiscountPage } from '@/lib/admin/answers';
import { refusalOf, useCommand } from '@/lib/admin/commands';
import { mayEdit } from '@/lib/admin/roles';
import { useStaff } from '@/lib/admin/staff';
import { useListPage } from '@/lib/admin/use-list-page';
import { formatMoney } from '@/lib/format';
import { ActionDialog, ReasonField } from './action-dialog';
import { discountOf, NewDiscountFields } from './discount-fields';
import { Pager } from './pager';
import { Pending } from './pending';

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
  const [position, setPosition] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const { loaded: discounts, pager } = useListPage<DiscountPage>('/queries/admin/discounts', [], {
    minPosition: position,
  });
  const editor = mayEdit.discounts(who.role);

  const create = async (form: FormData, key: string) => {
    const body = discountOf(form);
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
          <NewDiscountFields />
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
          <Pager {...pager} />
        </>
      )}
    </>
  );
}
