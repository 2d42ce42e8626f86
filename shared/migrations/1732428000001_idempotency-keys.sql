-- Up Migration
-- Responses of mutating requests by Idempotency-Key, so a retry answers the same.
create table idempotency_keys (
  scope text not null,
  key text not null,
  request_hash text not null,
  state text not null check (state in ('pending', 'done')),
  locked_until timestamptz not null,
  status int,
  body jsonb,
  created_at timestamptz not null default now(),
  primary key (scope, key)
);
create index idempotency_keys_created_at on idempotency_keys (created_at);

-- Down Migration
drop table idempotency_keys;
