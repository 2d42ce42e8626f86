export const INVENTORY = 'inventory';

/**
 * The inventory read model's tables: each SKU's stock (`available` is on hand less reserved)
 * and the reservations held on it. `queries.ts` reads them through these row types.
 */
export const inventoryTables = (s: string) => `
    create table ${s}.stock (
      sku text primary key,
      on_hand int not null default 0,
      reserved int not null default 0,
      available int generated always as (on_hand - reserved) stored,
      updated_at timestamptz not null
    );
    create table ${s}.reservations (
      reservation_id uuid primary key,
      sku text not null,
      quantity int not null,
      held_at timestamptz not null,
      expires_at timestamptz not null,
      order_id uuid
    );
    create index on ${s}.reservations (expires_at);
    create index on ${s}.reservations (sku);`;

export type StockRow = {
  sku: string;
  on_hand: number;
  reserved: number;
  available: number;
  updated_at: Date;
};

export type ReservationRow = {
  reservation_id: string;
  sku: string;
  quantity: number;
  held_at: Date;
  expires_at: Date;
  order_id: string | null;
};
