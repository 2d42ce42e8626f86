-- Up Migration
-- Events a projection could not apply (issue 24): kept with their error instead of only in a
-- log line. One row per projection and event; the position is the pair the checkpoints use.
-- A `quarantined` row stops its projection just before the event (policy stop) until staff
-- retry or skip it; a `skipped` row lets the worker move its checkpoint over that event.
create table projection_dead_letters (
  projection text not null,
  major bigint not null,
  minor bigint not null,
  event_id uuid not null,
  event_type text not null,
  stream_id text not null,
  stream_position bigint not null,
  error text not null,
  attempts int not null,
  first_failed_at timestamptz not null default now(),
  last_failed_at timestamptz not null default now(),
  status text not null default 'quarantined' check (status in ('quarantined', 'retried', 'skipped')),
  -- Who retried or skipped it (a staff user id; null for the skip policy), when and why.
  resolved_by text,
  resolved_at timestamptz,
  reason text,
  primary key (projection, major, minor)
);

-- Down Migration
drop table projection_dead_letters;
