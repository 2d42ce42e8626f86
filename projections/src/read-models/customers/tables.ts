export const CUSTOMERS = 'customers';

/** The customers read model's tables: each account with how many orders it placed and its last, and its address book. */
export const customersTables = (s: string) => `
    create table ${s}.customers (
      customer_id uuid primary key,
      email text not null,
      registered_at timestamptz not null,
      orders int not null default 0,
      last_order_at timestamptz
    );
    create index on ${s}.customers (registered_at desc, customer_id desc);
    create table ${s}.customer_addresses (
      customer_id uuid not null,
      address_id uuid not null,
      name text not null,
      line1 text not null,
      line2 text,
      city text not null,
      postal_code text not null,
      country text not null,
      saved_at timestamptz not null,
      primary key (customer_id, address_id)
    );`;

export type CustomerRow = {
  customer_id: string;
  email: string;
  registered_at: Date;
  orders: number;
  last_order_at: Date | null;
};

export type CustomerAddressRow = {
  address_id: string;
  name: string;
  line1: string;
  line2: string | null;
  city: string;
  postal_code: string;
  country: string;
};
