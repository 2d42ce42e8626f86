import { cartDecider } from '@flowdose/domain/cart/decider';
import { cartStream } from '@flowdose/domain/cart/events';
import { checkoutDecider, checkoutStream } from '@flowdose/domain/checkout/process';
import { customerDecider } from '@flowdose/domain/customer/decider';
import { customerStream } from '@flowdose/domain/customer/events';
import { discountDecider } from '@flowdose/domain/discount/decider';
import { discountStream } from '@flowdose/domain/discount/events';
import { checkNewEvent, type EventSchema, type NewEventLike } from '@flowdose/domain/event-schemas';
import { inventoryDecider } from '@flowdose/domain/inventory/decider';
import { inventoryStream } from '@flowdose/domain/inventory/events';
import { orderDecider } from '@flowdose/domain/order/decider';
import { orderStream } from '@flowdose/domain/order/events';
import { productDecider } from '@flowdose/domain/product/decider';
import { productStream } from '@flowdose/domain/product/events';
import { projectionEvents, projectionStream } from '@flowdose/domain/projection/events';

/**
 * Every stream the shop writes, by its stream function, with the schema its readers read it
 * by (a decider's own `events`, so a writer and `loadState` cannot disagree). A new stream
 * kind goes here, or its appends are not checked.
 */
const STREAMS: readonly (readonly [(id: string) => string, EventSchema<unknown>])[] = [
  [cartStream, cartDecider.events],
  [checkoutStream, checkoutDecider.events],
  [customerStream, customerDecider.events],
  [discountStream, discountDecider.events],
  [inventoryStream, inventoryDecider.events],
  [orderStream, orderDecider.events],
  [productStream, productDecider.events],
  [projectionStream, projectionEvents],
];

/** A stream's category: its name up to and with the first dash (`cart-`, `projection-`). */
export const streamCategory = (streamId: string): string => streamId.slice(0, streamId.indexOf('-') + 1);

/** Each category's schema, keyed as `streamCategory` names it: the stream function given no id. */
export const STREAM_SCHEMAS: ReadonlyMap<string, EventSchema<unknown>> = new Map(
  STREAMS.map(([stream, schema]) => [stream(''), schema]),
);

/**
 * Refuses the whole append when one of its events does not fit its stream's schema (the
 * error names the stream, the event's type and the zod issues). A stream of no category above
 * is not the shop's: the store's own contract suite and tests of the log's mechanics write
 * such streams with placeholder events, and no reader folds them by a schema.
 */
export function checkAppend(streamId: string, events: readonly NewEventLike[]): void {
  const schema = STREAM_SCHEMAS.get(streamCategory(streamId));
  if (!schema) return;
  for (const event of events) checkNewEvent(schema, streamId, event);
}
