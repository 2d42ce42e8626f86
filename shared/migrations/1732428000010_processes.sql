-- Up Migration
-- Processes (a checkout, an order step) that touch money or stock and have not ended yet.
-- A work list only: the process's own stream says where it stands. A row is written before
-- the process's first event and removed after its last, so the recovery sweep finds every
-- process a crash left half-way.
create table open_processes (
  stream_id text primary key,
  opened_at timestamptz not null default now()
);
create index open_processes_opened_at on open_processes (opened_at);

-- The built-in test payment provider's own books: every payment and every call made to it
-- with its idempotency key, so a test (or a person) sees exactly what moved. A real provider
-- keeps these on its side.
create schema test_payments;
create table test_payments.payments (
  payment_id text primary key,
  order_id text not null,
  currency text not null,
  authorized bigint not null,
  status text not null check (status in ('requires_confirmation', 'authorized', 'captured', 'voided')),
  captured bigint not null default 0,
  refunded bigint not null default 0,
  created_at timestamptz not null default now()
);
create table test_payments.calls (
  id bigserial primary key,
  kind text not null check (kind in ('authorize', 'confirm', 'capture', 'refund', 'void')),
  idempotency_key text not null,
  payment_id text,
  amount bigint,
  outcome text not null,
  detail text,
  at timestamptz not null default now(),
  unique (kind, idempotency_key)
);

-- Down Migration
drop schema test_payments cascade;
drop table open_processes;
