import type { DiscountDefinition } from '@flowdose/domain/discount/events';

export const DISCOUNTS = 'discounts';

/** The discounts read model's table, a row per code; `queries.ts` reads it through this row type. */
export const discountsTables = (s: string) => `
    create table ${s}.discounts (
      code text primary key,
      value jsonb not null,
      minimum jsonb not null,
      starts_at timestamptz,
      ends_at timestamptz,
      usage_limit int,
      redemptions int not null default 0,
      released_uses int not null default 0,
      disabled boolean not null default false,
      created_at timestamptz not null
    );
    create index on ${s}.discounts (created_at desc, code desc);`;

export type DiscountRow = {
  code: string;
  value: DiscountDefinition['value'];
  minimum: DiscountDefinition['minimumSubtotal'];
  starts_at: Date | null;
  ends_at: Date | null;
  usage_limit: number | null;
  redemptions: number;
  released_uses: number;
  disabled: boolean;
  created_at: Date;
};
