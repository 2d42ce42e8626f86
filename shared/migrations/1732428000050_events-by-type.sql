-- Up Migration
-- A projection reads only the types it handles: each type's events in log order are one range
-- of this index, so reading one event in ten no longer walks the other nine (see readAll).
create index events_type_order on events (type, transaction_id, global_position);

-- Down Migration
drop index events_type_order;
