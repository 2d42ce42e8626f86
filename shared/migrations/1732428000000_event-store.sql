-- Up Migration
create table events (
  global_position bigint generated always as identity primary key,
  transaction_id xid8 not null default pg_current_xact_id(),
  stream_id text not null,
  stream_position bigint not null,
  event_id uuid not null unique,
  type text not null,
  data jsonb not null,
  metadata jsonb not null,
  created_at timestamptz not null default now(),
  unique (stream_id, stream_position)
);

-- The gap-safe global order: readers page through (transaction_id, global_position).
create index events_global_order on events (transaction_id, global_position);

-- Down Migration
drop table events;
