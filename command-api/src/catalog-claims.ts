import { DomainError } from '@flowdose/domain/errors';
import type { Pool } from '@flowdose/shared/db';

export type Claim = { kind: 'handle' | 'sku'; key: string };

/**
 * Claims handles and SKUs for a product, all or none. Claims the product holds already are
 * fine (a retried command); one held by another product is a 409 naming it. Answers the
 * claims this call made, to give back if the command then fails.
 */
export async function claim(pool: Pool, productId: string, claims: Claim[]): Promise<Claim[]> {
  const made: Claim[] = [];
  for (const c of claims) {
    const { rows } = await pool.query<{ product_id: string; inserted: boolean }>(
      `with ins as (
         insert into catalog_claims (kind, key, product_id) values ($1, $2, $3) on conflict do nothing returning product_id
       )
       select product_id, true as inserted from ins
       union all select product_id, false from catalog_claims where kind = $1 and key = $2
       limit 1`,
      [c.kind, c.key, productId],
    );
    const row = rows[0]!;
    if (row.inserted) made.push(c);
    else if (row.product_id !== productId) {
      await release(pool, productId, made);
      throw new DomainError(`${c.kind}-taken`, `Another product uses the ${c.kind} ${c.key}.`);
    }
  }
  return made;
}

export async function release(pool: Pool, productId: string, claims: Claim[]): Promise<void> {
  for (const c of claims) {
    await pool.query('delete from catalog_claims where kind = $1 and key = $2 and product_id = $3', [
      c.kind,
      c.key,
      productId,
    ]);
  }
}
