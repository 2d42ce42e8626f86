import type { CustomerSummary, SavedAddress } from '@flowdose/contract/query-api';
import type { Pool } from '@flowdose/shared/db';
import { liveSchema } from '@flowdose/shared/read-models';
import { containing } from '../like.ts';
import { viewOf } from '../view.ts';
import { CUSTOMERS, type CustomerAddressRow, type CustomerRow } from './tables.ts';

const s = liveSchema(CUSTOMERS);
const customerView = viewOf<CustomerSummary>();
const addressView = viewOf<SavedAddress>();

/** Customers, newest registration first, by keyset on (registered_at, customer_id). */
export async function listCustomers(
  pool: Pool,
  { email, after, limit }: { email?: string; after?: [string, string]; limit: number },
): Promise<{ items: CustomerSummary[]; last: [string, string] | null; more: boolean }> {
  const { rows } = await pool.query<CustomerRow>(
    `select customer_id, email, registered_at, orders, last_order_at from ${s}.customers
     where ($1::text is null or email ilike $1)
       and ($2::timestamptz is null or (registered_at, customer_id) < ($2::timestamptz, $3::uuid))
     order by registered_at desc, customer_id desc limit $4`,
    [email ? containing(email) : null, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
  );
  const page = rows.slice(0, limit);
  const lastRow = page.at(-1);
  return {
    items: page.map(customerView),
    last: lastRow ? [lastRow.registered_at.toISOString(), lastRow.customer_id] : null,
    more: rows.length > limit,
  };
}

export async function findCustomer(pool: Pool, customerId: string): Promise<CustomerSummary | null> {
  const { rows } = await pool.query<CustomerRow>(
    `select customer_id, email, registered_at, orders, last_order_at from ${s}.customers where customer_id = $1`,
    [customerId],
  );
  return rows[0] ? customerView(rows[0]) : null;
}

/** A customer's address book, oldest saved first; without a second line, the answer has none (JSON drops undefined). */
export async function addressesOf(pool: Pool, customerId: string): Promise<SavedAddress[]> {
  const { rows } = await pool.query<CustomerAddressRow>(
    `select address_id, name, line1, line2, city, postal_code, country from ${s}.customer_addresses
     where customer_id = $1 order by saved_at, address_id`,
    [customerId],
  );
  return rows.map(({ line2, ...row }) => addressView({ ...row, line2: line2 ?? undefined }));
}
