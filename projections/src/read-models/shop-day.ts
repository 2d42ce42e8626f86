let format: Intl.DateTimeFormat | undefined;

/**
 * The shop's calendar day (YYYY-MM-DD) of an instant in `SHOP_TIME_ZONE` (default UTC): the
 * analytics models bucket by it. A projection's `apply` is pure and gets no config, so this
 * reads the variable itself, on first use: by then the service has loaded and checked its
 * configuration (shared/src/config.ts refuses a zone that is none, .env included). A new zone
 * moves past events between days, which is what a rebuild of those models is for.
 */
export function shopDay(at: Date): string {
  // en-CA writes dates as YYYY-MM-DD.
  format ??= new Intl.DateTimeFormat('en-CA', {
    timeZone: process.env.SHOP_TIME_ZONE || 'UTC',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  return format.format(at);
}
