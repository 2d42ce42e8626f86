import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cartDecider } from '@flowdose/domain/cart/decider';
import { checkoutDecider } from '@flowdose/domain/checkout/process';
import { customerDecider } from '@flowdose/domain/customer/decider';
import { discountDecider } from '@flowdose/domain/discount/decider';
import { UnwritableEventError } from '@flowdose/domain/event-schemas';
import { inventoryDecider } from '@flowdose/domain/inventory/decider';
import { orderDecider } from '@flowdose/domain/order/decider';
import { productDecider } from '@flowdose/domain/product/decider';
import { projectionEvents } from '@flowdose/domain/projection/events';
import { testMetadata } from '@flowdose/testing/events';
import { describe, expect, it } from 'vitest';
import { toProblem } from '../http/problem.ts';
import { checkAppend, STREAM_SCHEMAS, streamCategory } from './stream-schemas.ts';

const event = (type: string, data: unknown) => ({ type, data, metadata: testMetadata });

describe('the schemas appends are checked by', () => {
  it('are the readers’ own, one per category the shop writes', () => {
    const readers = {
      'cart-': cartDecider.events,
      'checkout-': checkoutDecider.events,
      'customer-': customerDecider.events,
      'discount-': discountDecider.events,
      'inventory-': inventoryDecider.events,
      'order-': orderDecider.events,
      'product-': productDecider.events,
      'projection-': projectionEvents,
    };
    expect([...STREAM_SCHEMAS.keys()].sort()).toEqual(Object.keys(readers).sort());
    for (const [category, schema] of Object.entries(readers)) expect(STREAM_SCHEMAS.get(category)).toBe(schema);
  });

  it('cover every stream the domain names: a new stream function without a schema here fails', async () => {
    const domain = dirname(fileURLToPath(import.meta.resolve('@flowdose/domain/ids')));
    const modules = readdirSync(domain, { recursive: true, encoding: 'utf8' }).filter(
      (file) => file.endsWith('.ts') && !/\.test(-support)?\.ts$/.test(file),
    );
    const named = modules.flatMap((file) =>
      [...readFileSync(join(domain, file), 'utf8').matchAll(/export const (\w+Stream) = /g)].map((m) => ({
        file,
        name: m[1]!,
      })),
    );
    expect(named.length).toBeGreaterThanOrEqual(STREAM_SCHEMAS.size);
    for (const { file, name } of named) {
      const stream = (await import(join(domain, file)))[name] as (id: string) => string;
      expect(STREAM_SCHEMAS.has(streamCategory(stream('x'))), `${name} (${file})`).toBe(true);
    }
  });

  it('are found by the stream’s category, whatever dashes its id holds', () => {
    expect(streamCategory('inventory-MUG-WHITE')).toBe('inventory-');
    expect(streamCategory(`order-${randomUUID()}`)).toBe('order-');
    expect(streamCategory('nodash')).toBe('');
  });

  it('refuse the whole batch for one bad event; a stream of no category is not checked', () => {
    const cartId = randomUUID();
    const good = event('CartOpened', { cartId, currency: 'EUR' });
    expect(() => checkAppend(`cart-${cartId}`, [good])).not.toThrow();
    expect(() => checkAppend(`cart-${cartId}`, [good, event('CartOpened', { cartId, currency: 'XXX' })])).toThrow(
      UnwritableEventError,
    );
    expect(() => checkAppend(`tick-${cartId}`, [event('Tick', { anything: true })])).not.toThrow();
  });

  it('refuse with an error the HTTP layer answers as 500: a writer’s bug, not the client’s', () => {
    const refusal = (() => {
      try {
        checkAppend(`cart-${randomUUID()}`, [event('CartOpened', {})]);
      } catch (e) {
        return e;
      }
    })();
    expect(refusal).toBeInstanceOf(UnwritableEventError);
    // No problem of its own: the problem middleware answers the fixed 500 and logs the error.
    expect(toProblem(refusal)).toBeNull();
  });
});
