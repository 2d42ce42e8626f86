import { discountDecider } from '@flowdose/domain/discount/decider';
import { defineProjection, sql } from '../../projection.ts';
import { DISCOUNTS, discountsTables } from './tables.ts';

export const discountsProjection = defineProjection({
  name: DISCOUNTS,
  version: 1,
  events: discountDecider.events,
  handles: ['DiscountCreated', 'DiscountRedeemed', 'DiscountRedemptionReleased', 'DiscountDisabled'],
  tables: discountsTables,
  apply(event, recorded, s) {
    const { code } = event.data;
    switch (event.type) {
      case 'DiscountCreated': {
        const d = event.data;
        return [
          sql(
            `insert into ${s}.discounts (code, value, minimum, starts_at, ends_at, usage_limit, created_at)
             values ($1, $2, $3, $4, $5, $6, $7)`,
            [
              code,
              JSON.stringify(d.value),
              JSON.stringify(d.minimumSubtotal),
              d.validFrom,
              d.validUntil,
              d.usageLimit,
              recorded.createdAt,
            ],
          ),
        ];
      }
      case 'DiscountRedeemed':
        return [sql(`update ${s}.discounts set redemptions = redemptions + 1 where code = $1`, [code])];
      case 'DiscountRedemptionReleased':
        return [sql(`update ${s}.discounts set released_uses = released_uses + 1 where code = $1`, [code])];
      case 'DiscountDisabled':
        return [sql(`update ${s}.discounts set disabled = true where code = $1`, [code])];
      default: {
        const _exhaustive: never = event;
        return [];
      }
    }
  },
});
