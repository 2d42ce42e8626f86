-- Up Migration
-- Handles and SKUs are unique across all products: a rule no single product stream can
-- enforce, so a command claims them here before it appends, and gives them back if it fails.
create table catalog_claims (
  kind text not null check (kind in ('handle', 'sku')),
  key text not null,
  product_id uuid not null,
  claimed_at timestamptz not null default now(),
  primary key (kind, key)
);

-- Down Migration
drop table catalog_claims;
