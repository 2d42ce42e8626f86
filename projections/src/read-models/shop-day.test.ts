import { loadConfig } from '@flowdose/shared/config';
import { describe, expect, it } from 'vitest';
import { shopDay } from './shop-day.ts';

describe('shopDay', () => {
  it('names the day in SHOP_TIME_ZONE, and the configuration refuses a zone that is none', () => {
    process.env.SHOP_TIME_ZONE = 'America/New_York';
    // Read on first use: set before the first day is asked.
    expect(shopDay(new Date('2026-03-02T03:00:00Z'))).toBe('2026-03-01');
    // Read once: the rest of this file's process sees UTC again, the shop's day stays.
    delete process.env.SHOP_TIME_ZONE;
    expect(shopDay(new Date('2026-03-02T05:00:00Z'))).toBe('2026-03-02');
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
