import { loadConfig } from '@flowdose/shared/config';
import { describe, expect, it } from 'vitest';
import { shopDays } from './shop-day.ts';

describe('shopDays', () => {
  it('names the day in the zone it is given, and the configuration refuses a zone that is none', () => {
    const shopDay = shopDays('America/New_York');
    expect(shopDay(new Date('2026-03-02T03:00:00Z'))).toBe('2026-03-01');
    expect(shopDays('UTC')(new Date('2026-03-02T03:00:00Z'))).toBe('2026-03-02');
    // Each zone remembers its own days: New York's are not UTC's.
    expect(shopDays('America/New_York')).toBe(shopDay);
    expect(shopDay(new Date('2026-03-02T03:00:00Z'))).toBe('2026-03-01');
    // Days are remembered per quarter hour: every 7.5 minutes over the days around New York's
    // spring-forward and fall-back, asked twice, each answer is the zone's own day. (Today's
    // offsets are whole quarter hours, so no slot here straddles a midnight: shopDay's check
    // for one is for zones' older, odd offsets, and this test does not reach it.)
    const ny = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York', dateStyle: 'short' });
    for (const start of ['2026-03-07T00:00:00Z', '2026-10-31T00:00:00Z']) {
      for (let ms = Date.parse(start); ms < Date.parse(start) + 3 * 86_400_000; ms += 450_000) {
        for (const asked of [ms, ms]) expect(shopDay(new Date(asked))).toBe(ny.format(asked));
      }
    }
    const secrets = {
      CART_TOKEN_SECRET: 'x'.repeat(32),
      AUTH_JWT_SECRET: 'x'.repeat(32),
      PAYMENT_WEBHOOK_SECRET: 'x'.repeat(32),
    };
    expect(loadConfig({ ...secrets }).SHOP_TIME_ZONE).toBe('UTC');
    expect(() => loadConfig({ ...secrets, SHOP_TIME_ZONE: 'Mars/Olympus' })).toThrow('SHOP_TIME_ZONE');
  });
});
