import type { Currency } from '@flowdose/domain/money';

export const CARTS = 'carts';

/**
 * The carts read model's tables: each cart with its owner, status and the stream version of
 * its last change, and its lines in the order they were added (`added_at_position`).
 */
export const cartsTables = (s: string) => `
    create table ${s}.carts (
      cart_id uuid primary key,
      customer_id uuid,
      currency text not null,
      status text not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      version bigint not null
    );
    create table ${s}.cart_lines (
      cart_id uuid not null references ${s}.carts (cart_id) on delete cascade,
      line_id uuid not null,
      sku text not null,
      quantity int not null,
      unit_price bigint not null,
      added_at_position bigint not null,
      primary key (cart_id, line_id)
    );`;

export type CartRow = {
  cart_id: string;
  customer_id: string | null;
  currency: Currency;
  status: 'open' | 'checked_out' | 'merged';
  created_at: Date;
  updated_at: Date;
  version: bigint;
};

export type CartLineRow = {
  cart_id: string;
  line_id: string;
  sku: string;
  quantity: number;
  unit_price: bigint;
  added_at_position: bigint;
};
