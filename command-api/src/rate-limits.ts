import type { Config } from '@flowdose/shared/config';
import { TooManyRequestsError } from '@flowdose/shared/errors';
import type { Redis } from '@flowdose/shared/redis';
import type { RequestHandler } from 'express';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

const retryAfter = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

type LimiterOptions = { keyPrefix: string; points: number; duration: number; blockDuration?: number };

/**
 * Counters live in Redis, so every API process enforces the same limits. Failed logins are
 * counted per account (someone guessing one password) and per IP (someone trying many accounts).
 * Redis is only a cache here: while it is away each process counts on its own (the library's
 * insurance limiter), so commands go on instead of failing, and nothing is lost but the count.
 */
export function createRateLimits(redis: Redis, config: Config) {
  const prefix = `${config.QUEUE_PREFIX}:rl`;
  const limiter = (options: LimiterOptions) =>
    new RateLimiterRedis({ storeClient: redis, ...options, insuranceLimiter: new RateLimiterMemory(options) });
  const loginPerAccount = limiter({
    keyPrefix: `${prefix}:login-account`,
    points: config.LOGIN_ATTEMPTS_PER_ACCOUNT,
    duration: 15 * 60,
    blockDuration: 15 * 60,
  });
  const loginPerIp = limiter({
    keyPrefix: `${prefix}:login-ip`,
    points: config.LOGIN_ATTEMPTS_PER_IP,
    duration: 60 * 60,
    blockDuration: 60 * 60,
  });
  const commands = limiter({
    keyPrefix: `${prefix}:commands`,
    points: config.COMMANDS_PER_MINUTE,
    duration: 60,
  });
  const staffCommands = limiter({
    keyPrefix: `${prefix}:staff-commands`,
    points: config.STAFF_COMMANDS_PER_MINUTE,
    duration: 60,
  });

  const refuseIfSpent = async (limiter: RateLimiterRedis, key: string) => {
    const state = await limiter.get(key);
    if (state && state.consumedPoints >= limiter.points) throw new TooManyRequestsError(retryAfter(state));
  };

  return {
    /** Before checking a password: refuses an account or IP that failed too often. */
    async beforeLogin(account: string, ip: string) {
      await refuseIfSpent(loginPerAccount, account);
      await refuseIfSpent(loginPerIp, ip);
    },
    /** After a wrong password: counts it, and answers how long to hold the reply back. */
    async failedLogin(account: string, ip: string): Promise<number> {
      const results = await Promise.allSettled([loginPerAccount.consume(account), loginPerIp.consume(ip)]);
      const failures = results.map((r) =>
        r.status === 'fulfilled' ? r.value.consumedPoints : Number.POSITIVE_INFINITY,
      );
      // Each failure in a row waits longer (0.25 s, 0.5 s, … up to 2 s): guessing gets slow before it is refused.
      return Math.min(2000, 250 * Math.max(...failures.filter(Number.isFinite), 0));
    },
    async succeededLogin(account: string) {
      await loginPerAccount.delete(account);
    },
    /** Mutations per signed-in user (staff on their own, higher limit), or per IP for guests. */
    commands: (async (req, _res, next) => {
      if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
      try {
        const staff = req.principal && req.principal.role !== 'customer';
        await (staff ? staffCommands : commands).consume(req.principal?.userId ?? `ip:${req.ip}`);
      } catch (error) {
        if (error instanceof RateLimiterRes) throw new TooManyRequestsError(retryAfter(error));
        throw error;
      }
      next();
    }) as RequestHandler,
  };
}

export type RateLimits = ReturnType<typeof createRateLimits>;
