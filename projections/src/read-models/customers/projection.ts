import { customerDecider } from '@flowdose/domain/customer/decider';
import type { SavedAddress } from '@flowdose/domain/customer/events';
import { orderDecider } from '@flowdose/domain/order/decider';
import { combineProjections, defineProjection, sql } from '../../projection.ts';
import { CUSTOMERS, customersTables } from './tables.ts';

const model = { name: CUSTOMERS, version: 2, tables: customersTables };

const registrations = defineProjection({
  ...model,
  events: customerDecider.events,
  handles: ['CustomerRegistered'],
  apply: ({ data }, recorded, s) => [
    sql(`insert into ${s}.customers (customer_id, email, registered_at) values ($1, $2, $3)`, [
      data.customerId,
      data.email,
      recorded.createdAt,
    ]),
  ],
});

const addressFields = (address: SavedAddress) => [
  address.name,
  address.line1,
  address.line2 ?? null,
  address.city,
  address.postalCode,
  address.country,
];

// Each event carries the address whole, so a change is the same upsert as a save.
const addresses = defineProjection({
  ...model,
  events: customerDecider.events,
  handles: ['CustomerAddressSaved', 'CustomerAddressChanged', 'CustomerAddressRemoved'],
  apply: (event, recorded, s) =>
    event.type === 'CustomerAddressRemoved'
      ? [
          sql(`delete from ${s}.customer_addresses where customer_id = $1 and address_id = $2`, [
            event.data.customerId,
            event.data.addressId,
          ]),
        ]
      : [
          sql(
            `insert into ${s}.customer_addresses
               (customer_id, address_id, name, line1, line2, city, postal_code, country, saved_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             on conflict (customer_id, address_id) do update set name = excluded.name, line1 = excluded.line1,
               line2 = excluded.line2, city = excluded.city, postal_code = excluded.postal_code,
               country = excluded.country`,
            [event.data.customerId, event.data.addressId, ...addressFields(event.data.address), recorded.createdAt],
          ),
        ],
});

// A customer registers before any order of theirs is placed, so the row is there; guest
// orders (no customer id) count for nobody.
const orders = defineProjection({
  ...model,
  events: orderDecider.events,
  handles: ['OrderPlaced'],
  apply: ({ data }, recorded, s) =>
    data.customerId
      ? [
          sql(
            `update ${s}.customers set orders = orders + 1,
               last_order_at = greatest(last_order_at, $2) where customer_id = $1`,
            [data.customerId, recorded.createdAt],
          ),
        ]
      : [],
});

export const customersProjection = combineProjections(registrations, addresses, orders);
