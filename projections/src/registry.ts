import type { Projection } from './projection.ts';
import { cartsProjection } from './projections/carts/projection.ts';
import { catalogProjection } from './projections/catalog/projection.ts';
import { inventoryProjection } from './projections/inventory/projection.ts';
import { ordersProjection } from './projections/orders/projection.ts';

export const projections: readonly Projection[] = [
  cartsProjection,
  catalogProjection,
  inventoryProjection,
  ordersProjection,
];

export function projectionNamed(name: string): Projection {
  const found = projections.find((p) => p.name === name);
  if (!found) throw new Error(`No projection named "${name}". Known: ${projections.map((p) => p.name).join(', ')}`);
  return found;
}
