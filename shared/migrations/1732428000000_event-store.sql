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

-- One round trip per append: idempotency check, expected-version check and insert run
-- server-side under a per-stream advisory lock, so concurrent appends to one stream queue
-- up instead of failing on the unique index, and appends to other streams never wait.
create function append_events(
  p_stream text,
  p_expected bigint, -- -1 any, -2 no stream, -3 stream exists, >= 0 exact version
  p_ids uuid[],
  p_types text[],
  p_data jsonb[],
  p_metadata jsonb[]
) returns table (next_version bigint, last_tx xid8, last_position bigint, duplicate boolean)
language plpgsql as $$
declare
  v_current bigint;
  v_tx xid8;
  v_last bigint;
begin
  perform pg_advisory_xact_lock(hashtextextended(p_stream, 0));

  -- A retried append (its first event id seen before) answers what the original did.
  select e.transaction_id into v_tx from events e where e.event_id = p_ids[1] and e.stream_id = p_stream;
  if found then
    return query
      select e.stream_position, e.transaction_id, e.global_position, true
      from events e where e.stream_id = p_stream and e.transaction_id = v_tx
      order by e.stream_position desc limit 1;
    return;
  end if;

  select coalesce(max(e.stream_position), 0) into v_current from events e where e.stream_id = p_stream;
  if (p_expected = -2 and v_current <> 0)
     or (p_expected = -3 and v_current = 0)
     or (p_expected >= 0 and v_current <> p_expected) then
    raise exception 'wrong expected version' using errcode = 'FD409', detail = v_current::text;
  end if;

  with inserted as (
    insert into events (stream_id, stream_position, event_id, type, data, metadata)
    select p_stream, v_current + i.ord, i.id, i.t, i.d, i.m
    from unnest(p_ids, p_types, p_data, p_metadata) with ordinality as i(id, t, d, m, ord)
    order by i.ord
    returning global_position
  )
  select max(global_position) into v_last from inserted;

  return query select v_current + cardinality(p_ids), pg_current_xact_id(), v_last, false;
end;
$$;

-- Down Migration
drop function append_events;
drop table events;
