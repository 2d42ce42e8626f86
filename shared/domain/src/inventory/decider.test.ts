import { describe, expect, it } from 'vitest';
import { fold } from '../decider.ts';
import { deciderSpec } from '../decider-spec.test-support.ts';
import { DomainError, NotFoundError } from '../errors.ts';
import { available, inventoryDecider } from './decider.ts';
import type { InventoryEvent } from './events.ts';

const given = deciderSpec(inventoryDecider);
const sku = 'MUG-WHITE';
const r1 = '0190b8a0-0000-7000-8000-0000000000a1';
const r2 = '0190b8a0-0000-7000-8000-0000000000a2';
const expiresAt = '2026-11-24T12:00:00.000Z';
const ten: InventoryEvent = { type: 'StockRestocked', data: { sku, quantity: 10, reason: 'delivery' } };
const reserved7: InventoryEvent = { type: 'StockReserved', data: { sku, reservationId: r1, quantity: 7, expiresAt } };

describe('inventory decider', () => {
  it('reserves what is available, and never more', () => {
    given([ten])
      .when({ type: 'Reserve', data: { sku, reservationId: r1, quantity: 7, expiresAt } })
      .thenEmits([reserved7]);
    given([ten, reserved7])
      .when({ type: 'Reserve', data: { sku, reservationId: r2, quantity: 4, expiresAt } })
      .thenThrows(DomainError, 'out-of-stock');
    given([ten, reserved7])
      .when({ type: 'Reserve', data: { sku, reservationId: r1, quantity: 1, expiresAt } })
      .thenThrows(DomainError, 'reservation-exists');
    given([])
      .when({ type: 'Reserve', data: { sku, reservationId: r1, quantity: 1, expiresAt } })
      .thenThrows(DomainError, 'out-of-stock');
  });

  it('releases a reservation back to available, and commits one out of stock', () => {
    const released: InventoryEvent = {
      type: 'ReservationReleased',
      data: { sku, reservationId: r1, reason: 'expired' },
    };
    const committed: InventoryEvent = { type: 'ReservationCommitted', data: { sku, reservationId: r1 } };
    given([ten, reserved7])
      .when({ type: 'Release', data: { sku, reservationId: r1, reason: 'expired' } })
      .thenEmits([released]);
    expect(available(fold(inventoryDecider, [ten, reserved7, released]))).toBe(10);
    expect(fold(inventoryDecider, [ten, reserved7, committed])).toEqual({
      onHand: 3,
      reservations: new Map(),
      committed: new Set([r1]),
    });
    given([ten])
      .when({ type: 'Release', data: { sku, reservationId: r1, reason: 'x' } })
      .thenThrows(NotFoundError);
    // Committed already (a retried fulfilment): nothing more. Never held, or released: refused.
    given([ten, reserved7, committed])
      .when({ type: 'Commit', data: { sku, reservationId: r1 } })
      .thenEmits([]);
    given([ten])
      .when({ type: 'Commit', data: { sku, reservationId: r1 } })
      .thenThrows(DomainError, 'reservation-missing');
    given([ten, reserved7, released])
      .when({ type: 'Commit', data: { sku, reservationId: r1 } })
      .thenThrows(DomainError, 'reservation-missing');
  });

  it('adjusts the count but never below what is reserved', () => {
    given([ten, reserved7])
      .when({ type: 'Adjust', data: { sku, delta: -3, reason: 'broken' } })
      .thenEmits([{ type: 'StockAdjusted', data: { sku, delta: -3, reason: 'broken' } }]);
    given([ten, reserved7])
      .when({ type: 'Adjust', data: { sku, delta: -4, reason: 'broken' } })
      .thenThrows(DomainError, 'negative-stock');
    given([ten])
      .when({ type: 'Adjust', data: { sku, delta: 0, reason: 'x' } })
      .thenThrows(DomainError, 'no-change');
    given([ten])
      .when({ type: 'Restock', data: { sku, quantity: 10_000_000, reason: 'x' } })
      .thenThrows(DomainError, 'stock-limit');
  });
});
