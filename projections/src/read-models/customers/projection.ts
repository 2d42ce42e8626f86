import { customerDecider } from '@flowdose/domain/customer/decider';
import { orderDecider } from '@flowdose/domain/order/decider';
import { combineProjections, defineProjection, sql } from '../../projection.ts';
import { CUSTOMERS, customersTables } from './tables.ts';

const model = { name: CUSTOMERS, version: 1, tables: customersTables };

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

export const customersProjection = combineProjections(registrations, orders);
