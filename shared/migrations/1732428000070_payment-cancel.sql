-- Up Migration
-- The test payment provider learns to cancel an authorization by its key, as real providers
-- cancel a payment intent: whatever the key authorized is voided, and the key answers
-- "declined" from then on. A checkout's give-back uses it, so a runner that reaches the
-- provider after the give-back looked can no longer take the card.
alter table test_payments.calls drop constraint calls_kind_check;
alter table test_payments.calls
  add constraint calls_kind_check check (kind in ('authorize', 'confirm', 'capture', 'refund', 'void', 'cancel'));

-- Down Migration
delete from test_payments.calls where kind = 'cancel';
alter table test_payments.calls drop constraint calls_kind_check;
alter table test_payments.calls
  add constraint calls_kind_check check (kind in ('authorize', 'confirm', 'capture', 'refund', 'void'));
