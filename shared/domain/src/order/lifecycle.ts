/**
 * An order's lifecycle, named once. Its statuses, the actions that move it, which actions
 * staff take and which of those record an intent before they act, the status each event
 * leaves behind and which statuses wait for staff: the decider, the contract's lists and
 * role map, the orders projection, the waiting-orders query and the back office's labels
 * derive from these, so a new step is added here and the compiler names every other place.
 *
 * This module imports nothing of the order's events (they import it): the event names below
 * are checked against the events where they are used (`satisfies` in the projection).
 */

export const ORDER_STATUSES = [
  'placed',
  'authorized',
  'captured',
  'fulfilled',
  'shipped',
  'delivered',
  'canceled',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_ACTIONS = ['authorize', 'capture', 'fulfil', 'ship', 'deliver', 'cancel', 'refund'] as const;
export type OrderAction = (typeof ORDER_ACTIONS)[number];

/**
 * What may happen next in each status. Once goods have left (fulfilled and after) an order
 * is no longer canceled but refunded.
 */
export const ORDER_MOVES: Readonly<Record<OrderStatus, readonly OrderAction[]>> = {
  placed: ['authorize', 'cancel'],
  authorized: ['capture', 'cancel'],
  captured: ['fulfil', 'cancel', 'refund'],
  fulfilled: ['ship', 'refund'],
  shipped: ['deliver', 'refund'],
  delivered: ['refund'],
  canceled: [],
};

/** The steps staff take: every action but `authorize`, which is the payment provider's (checkout, webhook). */
export const STAFF_STEPS = [
  'capture',
  'fulfil',
  'ship',
  'deliver',
  'cancel',
  'refund',
] as const satisfies readonly Exclude<OrderAction, 'authorize'>[];
export type StaffStep = (typeof STAFF_STEPS)[number];
export const isStaffStep = (action: OrderAction): action is StaffStep =>
  (STAFF_STEPS as readonly OrderAction[]).includes(action);

/** Steps that move money or stock outside the order stream: recorded as an intent before they act. */
export const RECORDED_STEPS = ['capture', 'fulfil', 'cancel', 'refund'] as const satisfies readonly StaffStep[];
export type RecordedStep = (typeof RECORDED_STEPS)[number];

/** The status each event leaves an order in; the other order events leave it as it was. */
export const STATUS_AFTER = {
  OrderPlaced: 'placed',
  PaymentAuthorized: 'authorized',
  PaymentCaptured: 'captured',
  OrderFulfilled: 'fulfilled',
  OrderShipped: 'shipped',
  OrderDelivered: 'delivered',
  OrderCanceled: 'canceled',
} as const satisfies Record<string, OrderStatus>;

/** Which statuses wait for staff, by what they wait for (the back office's dashboard counts them). */
export const WAITING_FOR = {
  capture: ['placed', 'authorized'],
  fulfilment: ['captured'],
  shipping: ['fulfilled'],
} as const satisfies Record<string, readonly OrderStatus[]>;
export type Waiting = Record<keyof typeof WAITING_FOR, number>;
