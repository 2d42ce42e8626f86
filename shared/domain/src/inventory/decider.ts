import type { Decider } from '../decider.ts';
import { DomainError, NotFoundError } from '../errors.ts';
import { eventSchema } from '../event-schemas.ts';
import { InventoryEvent } from './events.ts';

export type Restock = { type: 'Restock'; data: { sku: string; quantity: number; reason: string } };
export type Adjust = { type: 'Adjust'; data: { sku: string; delta: number; reason: string } };
export type Reserve = {
  type: 'Reserve';
  data: { sku: string; reservationId: string; quantity: number; expiresAt: string; orderId?: string };
};
export type Release = { type: 'Release'; data: { sku: string; reservationId: string; reason: string } };
export type Commit = { type: 'Commit'; data: { sku: string; reservationId: string } };
export type InventoryCommand = Restock | Adjust | Reserve | Release | Commit;

export type Stock = {
  onHand: number;
  reservations: ReadonlyMap<string, { quantity: number; expiresAt: string }>;
  /**
   * Reservations that left with their goods: a retried fulfilment finds its hold committed,
   * not missing. One id per shipped order line of this SKU (tens of bytes each).
   */
  committed: ReadonlySet<string>;
};

export const MAX_STOCK = 10_000_000;

export const initialState = (): Stock => ({ onHand: 0, reservations: new Map(), committed: new Set() });

export const reserved = (s: Stock) => [...s.reservations.values()].reduce((n, r) => n + r.quantity, 0);
export const available = (s: Stock) => s.onHand - reserved(s);

const withoutReservation = (s: Stock, reservationId: string) => {
  const reservations = new Map(s.reservations);
  reservations.delete(reservationId);
  return reservations;
};

export const evolve = (state: Stock, event: InventoryEvent): Stock => {
  switch (event.type) {
    case 'StockRestocked':
      return { ...state, onHand: state.onHand + event.data.quantity };
    case 'StockAdjusted':
      return { ...state, onHand: state.onHand + event.data.delta };
    case 'StockReserved': {
      const { reservationId, quantity, expiresAt } = event.data;
      return { ...state, reservations: new Map(state.reservations).set(reservationId, { quantity, expiresAt }) };
    }
    case 'ReservationReleased':
      return { ...state, reservations: withoutReservation(state, event.data.reservationId) };
    case 'ReservationCommitted': {
      const quantity = state.reservations.get(event.data.reservationId)?.quantity ?? 0;
      return {
        onHand: state.onHand - quantity,
        reservations: withoutReservation(state, event.data.reservationId),
        committed: new Set(state.committed).add(event.data.reservationId),
      };
    }
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
};

function requireReservation(state: Stock, reservationId: string) {
  const reservation = state.reservations.get(reservationId);
  if (!reservation) throw new NotFoundError('Reservation');
  return reservation;
}

export const decide = (command: InventoryCommand, state: Stock): InventoryEvent[] => {
  switch (command.type) {
    case 'Restock':
      if (state.onHand + command.data.quantity > MAX_STOCK)
        throw new DomainError('stock-limit', `A SKU holds at most ${MAX_STOCK} units.`);
      return [{ type: 'StockRestocked', data: command.data }];
    case 'Adjust': {
      const { delta } = command.data;
      if (delta === 0) throw new DomainError('no-change', 'An adjustment moves the count.');
      // Reserved units are promised to shoppers: a correction cannot take them away.
      if (available(state) + delta < 0) {
        throw new DomainError(
          'negative-stock',
          `Only ${available(state)} units are free to adjust; ${reserved(state)} are reserved.`,
        );
      }
      if (state.onHand + delta > MAX_STOCK)
        throw new DomainError('stock-limit', `A SKU holds at most ${MAX_STOCK} units.`);
      return [{ type: 'StockAdjusted', data: command.data }];
    }
    case 'Reserve': {
      if (state.reservations.has(command.data.reservationId)) {
        throw new DomainError('reservation-exists', 'This reservation exists already.');
      }
      if (command.data.quantity > available(state)) {
        throw new DomainError(
          'out-of-stock',
          `${command.data.sku}: ${available(state)} available, ${command.data.quantity} asked.`,
        );
      }
      return [{ type: 'StockReserved', data: command.data }];
    }
    case 'Release':
      requireReservation(state, command.data.reservationId);
      return [{ type: 'ReservationReleased', data: command.data }];
    case 'Commit':
      if (state.committed.has(command.data.reservationId)) return [];
      // Committing a hold that is gone (released, expired) would ship stock nobody counted.
      if (!state.reservations.has(command.data.reservationId)) {
        throw new DomainError('reservation-missing', `${command.data.sku}: the order's stock hold is gone.`);
      }
      return [{ type: 'ReservationCommitted', data: command.data }];
    default: {
      const _exhaustive: never = command;
      throw new Error('unknown command');
    }
  }
};

export const inventoryDecider: Decider<InventoryCommand, InventoryEvent, Stock> = {
  decide,
  evolve,
  initialState,
  events: eventSchema(InventoryEvent),
};
