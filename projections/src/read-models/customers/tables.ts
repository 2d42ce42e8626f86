export const CUSTOMERS = 'customers';

/** The customers read model's table: each account with how many orders it placed and its last. */
export const customersTables = (s: string) => `
    create table ${s}.customers (
      customer_id uuid primary key,
      email text not null,
      registered_at timestamptz not null,
      orders int not null default 0,
      last_order_at timestamptz
    );
    create index on ${s}.customers (registered_at desc, customer_id desc);`;

export type CustomerRow = {
  customer_id: string;
  email: string;
  registered_at: Date;
  orders: number;
  last_order_at: Date | null;
};
