'use client';

import type { StaffStep } from '@flowdose/domain/order/lifecycle';
import { Fragment, type ReactNode } from 'react';
import type { OrderView } from '@/lib/admin/answers';
import type { Refusal } from '@/lib/admin/commands';
import { formatMoney, parseMinorUnits } from '@/lib/format';
import { ActionDialog, ReasonField } from './action-dialog';

export const STEP_LABEL: Record<StaffStep, string> = {
  capture: 'Capture payment',
  fulfil: 'Fulfil',
  ship: 'Ship',
  deliver: 'Mark delivered',
  cancel: 'Cancel order',
  refund: 'Refund',
};

/** Sends one step with its body under the dialog's Idempotency-Key: null when done, or the refusal to show. */
export type TakeStep = (step: StaffStep, body: unknown, key: string) => Promise<Refusal | null>;

const reason = (form: FormData) => String(form.get('reason') ?? '');

/**
 * Each step's dialog: what it does and the fields it takes. Written in the order the buttons
 * stand (the refund before the cancel, the danger last); a step without one does not compile.
 */
const STEP_DIALOG: Record<StaffStep, (order: OrderView, take: TakeStep) => ReactNode> = {
  capture: (o, take) => (
    <ActionDialog
      label={STEP_LABEL.capture}
      title="Capture the payment?"
      description={
        <p>Takes {formatMoney({ amount: o.totals.grandTotal, currency: o.currency })} from the authorized payment.</p>
      }
      confirm="Capture"
      onConfirm={(_, key) => take('capture', {}, key)}
    />
  ),
  fulfil: (_, take) => (
    <ActionDialog
      label={STEP_LABEL.fulfil}
      title="Mark the order fulfilled?"
      description={<p>The held stock leaves the warehouse: on hand goes down.</p>}
      confirm="Fulfil"
      onConfirm={(_form, key) => take('fulfil', {}, key)}
    />
  ),
  ship: (_, take) => (
    <ActionDialog
      label={STEP_LABEL.ship}
      title="Ship the order"
      confirm="Ship"
      onConfirm={(form, key) => take('ship', { trackingNumber: String(form.get('trackingNumber') ?? '') }, key)}
    >
      <label>
        Tracking number
        <input name="trackingNumber" required maxLength={100} autoComplete="off" />
      </label>
    </ActionDialog>
  ),
  deliver: (_, take) => (
    <ActionDialog
      label={STEP_LABEL.deliver}
      title="Mark the order delivered?"
      confirm="Delivered"
      onConfirm={(_form, key) => take('deliver', {}, key)}
    />
  ),
  refund: (o, take) => (
    <ActionDialog
      label={STEP_LABEL.refund}
      title="Refund part or all of the payment"
      description={
        <p>Up to {formatMoney({ amount: o.captured - o.refunded, currency: o.currency })} is left to refund.</p>
      }
      confirm="Refund"
      danger
      onConfirm={(form, key) => {
        const amount = parseMinorUnits(String(form.get('amount') ?? ''));
        if (amount === null || amount <= 0) {
          return Promise.resolve({ message: 'Enter an amount such as 5.00.', sameKeyAgain: true });
        }
        return take('refund', { amount, reason: reason(form) }, key);
      }}
    >
      <label>
        Amount ({o.currency})
        <input name="amount" inputMode="decimal" required placeholder="5.00" autoComplete="off" />
      </label>
      <ReasonField />
    </ActionDialog>
  ),
  cancel: (_, take) => (
    <ActionDialog
      label={STEP_LABEL.cancel}
      title="Cancel the order?"
      description={<p>Releases its stock and voids or refunds its payment. This cannot be undone.</p>}
      confirm="Cancel the order"
      danger
      onConfirm={(form, key) => take('cancel', { reason: reason(form) }, key)}
    >
      <ReasonField />
    </ActionDialog>
  ),
};

/** The buttons of the steps the order allows now and the signed-in role may take, each opening its dialog. */
export function StepDialogs({ order, steps, take }: { order: OrderView; steps: StaffStep[]; take: TakeStep }) {
  return (
    <div className="actions">
      {(Object.keys(STEP_DIALOG) as StaffStep[])
        .filter((s) => steps.includes(s))
        .map((s) => (
          <Fragment key={s}>{STEP_DIALOG[s](order, take)}</Fragment>
        ))}
    </div>
  );
}
