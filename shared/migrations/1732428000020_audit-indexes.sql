-- Up Migration
-- The audit reads the log itself. GET /admin/correlations/:id finds every event one request
-- caused, and an order's related events (its stock holds, discount use, the cart's close) are
-- found by its requests' correlation ids on a few named streams: without this index both scan
-- the whole log. stream_id second, so "these correlations on these streams" is one index range.
create index events_correlation on events ((metadata->>'correlationId'), stream_id);

-- Down Migration
drop index events_correlation;
