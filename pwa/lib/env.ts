import 'server-only';
import { ShopTimeZone, StaffIdleMinutes } from '@flowdose/domain/settings';
import { z } from 'zod';

const HttpUrl = z.url({ protocol: /^https?$/ });

/**
 * The storefront's run-time settings. The ones the services share are checked as
 * shared/src/config.ts checks them, so one value cannot mean one thing to the APIs and another
 * here. The defaults of the two API addresses are server.mjs's too (it reads its own: node
 * runs it as it is, before Next, and cannot load this file).
 */
const StorefrontEnv = z.object({
  // Read at run time, so the APIs' addresses can change without a rebuild.
  COMMAND_API_URL: HttpUrl.default('http://127.0.0.1:4001'),
  QUERY_API_URL: HttpUrl.default('http://127.0.0.1:4002'),
  // The back office's cookies last as long as the command API lets a staff refresh token live.
  STAFF_IDLE_MINUTES: StaffIdleMinutes,
  // The analytics reports count the shop's days, as the read models do.
  SHOP_TIME_ZONE: ShopTimeZone,
  // Images a CDN serves: an http(s) URL, or a path on this origin (/api/queries).
  MEDIA_PUBLIC_BASE_URL: z
    .string()
    .refine(
      (base) => /^\/[A-Za-z0-9._~/-]*$/.test(base) || HttpUrl.safeParse(base).success,
      'an http(s) URL (a CDN, a bucket) or a path such as /api/queries',
    )
    .optional(),
});
export type StorefrontEnv = z.infer<typeof StorefrontEnv>;

/**
 * Parses the storefront's variables; every bad one is named in one message. An empty value
 * counts as unset (a `NAME=` line in .env), as it always has for the time zone.
 */
export function parseStorefrontEnv(env: Readonly<Record<string, string | undefined>>): StorefrontEnv {
  const given = Object.fromEntries(Object.keys(StorefrontEnv.shape).map((name) => [name, env[name] || undefined]));
  const parsed = StorefrontEnv.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid storefront configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/**
 * The one reading of the environment by the storefront's server code, on its first import.
 * `server-only`: a client component that imports this fails the build, so no server setting
 * is ever bundled for the browser, whose code knows only what public-env.ts gives it.
 */
export const serverEnv: StorefrontEnv = parseStorefrontEnv(process.env);
