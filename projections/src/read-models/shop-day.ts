/**
 * The shop's calendar day of an instant, in `SHOP_TIME_ZONE` (an IANA name, default UTC): the
 * analytics models bucket by it. Read once at start: a new zone changes past rows too, so it
 * takes a rebuild of those models (which is what a rebuild is for).
 */
export const SHOP_TIME_ZONE = process.env.SHOP_TIME_ZONE || 'UTC';

// en-CA formats as YYYY-MM-DD; an unknown zone throws here, at start, not mid-projection.
const format = new Intl.DateTimeFormat('en-CA', {
  timeZone: SHOP_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

export const shopDay = (at: Date): string => format.format(at);
