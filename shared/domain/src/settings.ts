import { z } from 'zod';

// Settings the services and the storefront both read from their environment: each checked by
// one schema here, so a value cannot mean one thing to the APIs and another to the pages.

const isTimeZone = (name: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
};

/** The shop's days (analytics count them): an IANA zone name. */
export const ShopTimeZone = z
  .string()
  .default('UTC')
  .refine(isTimeZone, 'not a time zone (an IANA name: Europe/Paris)');

/** How long a staff session lives idle (its refresh token, the back office's cookies). */
export const StaffIdleMinutes = z.coerce.number().int().min(1).max(1440).default(30);
