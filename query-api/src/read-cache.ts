import { createHash } from 'node:crypto';
import { CATALOG } from '@flowdose/projections/read-models/catalog/tables';
import { INVENTORY } from '@flowdose/projections/read-models/inventory/tables';
import { projections } from '@flowdose/projections/registry';
import type { Pool } from '@flowdose/shared/db';
import {
  comparePositions,
  type Position,
  parsePosition,
  positionToken,
  START,
} from '@flowdose/shared/event-store/position';
import type { Logger } from '@flowdose/shared/logger';
import { liveSchema } from '@flowdose/shared/read-models';
import type { Redis } from '@flowdose/shared/redis';
import { SEARCH_PROJECTION } from '@flowdose/shared/search/create';
import type { Request, Response } from 'express';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { ChangeHub } from './changes.ts';
import { type PositionWaiter, requestedPosition } from './min-position.ts';

/**
 * The read cache's promise (issue 15):
 * - An entry carries the checkpoints of the read models it was built from, read *before* the
 *   build: the body reflects at least those positions, since a projector moves its checkpoint
 *   in the transaction that changes its rows.
 * - A read with `X-Min-Position: P` gets an entry only if every one of those checkpoints is at
 *   or past P; otherwise it waits for the read models and builds, as without a cache.
 * - Every instance keeps, per read model, the position of the last change it heard of on the
 *   change feed; an entry built before that position is never served (so a change is served
 *   fresh from the moment its notice arrives, about a millisecond after its commit, even if
 *   an older entry is written after the notice).
 * - A notice can be lost (Redis away, a subscriber reconnecting): then an entry may be served
 *   stale until it expires, at most `CACHE_TTL_SECONDS` (5 s by default) after it was built.
 *   After Redis comes back, each instance re-reads the checkpoints and serves no entry older.
 * - Redis down, slow or flushed: every read is built from Postgres; nothing fails.
 */
export type ReadCache = {
  /**
   * Answers `key`'s JSON body from the cache, or builds it from the read models `projections`
   * (honouring X-Min-Position), stores it and answers it.
   */
  serve<T>(
    req: Request,
    res: Response,
    spec: {
      route: string;
      key: string;
      projections: string[];
      /** Whether a built answer may be kept: not when part of it changes without a read model changing. */
      keep?: (body: T) => boolean;
    },
    build: () => Promise<T>,
  ): Promise<void>;
  close(): void;
};

type Header = { at: Record<string, string> };

/**
 * What the reads this cache keeps are: public and the same for everyone (catalog, search), so
 * browsers, the service worker (which answers them offline too) and proxies may keep them
 * briefly, revalidating by ETag.
 */
const PUBLIC_READ = 'public, max-age=30, stale-while-revalidate=300';

/** The read models cached reads draw on: the catalog's, availability from inventory's, search. */
export const CACHED_MODELS = projections.filter((p) => [CATALOG, INVENTORY, SEARCH_PROJECTION].includes(p.name));

export function createReadCache({
  pool,
  redis,
  changes,
  waitForPosition,
  logger,
  metrics,
  prefix,
  ttlSeconds,
  enabled,
  projections,
  variant,
}: {
  pool: Pool;
  /** A connection that fails at once while Redis is away (createRequestRedis). */
  redis: Redis;
  changes: ChangeHub;
  waitForPosition: PositionWaiter;
  logger: Logger;
  metrics: Registry;
  prefix: string;
  ttlSeconds: number;
  enabled: boolean;
  /** The read models whose changes are tracked; entries name them by these names. */
  projections: readonly { name: string; version: number }[];
  /**
   * The settings that shape answers besides the read models (the media base URL): instances
   * sharing a Redis with other settings, during a rollout say, keep entries apart.
   */
  variant: string;
}): ReadCache {
  const lookups = new Counter({
    name: 'flowdose_read_cache_lookups_total',
    help: 'Cached reads by outcome: hit; miss (absent); stale (older than a change or X-Min-Position); error (Redis failed); off (cache disabled)',
    labelNames: ['route', 'outcome'] as const,
    registers: [metrics],
  });
  const latency = new Histogram({
    name: 'flowdose_read_cache_seconds',
    help: 'Time to answer a cacheable read, by whether the cache answered it',
    labelNames: ['route', 'source'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [metrics],
  });

  // A projection's version is in every key: a rebuild for a new definition never meets
  // entries of the old one.
  const versions = new Map(projections.map((p) => [p.name, p.version]));
  const variantTag = createHash('sha256').update(variant).digest('base64url').slice(0, 8);
  const keyOf = (spec: { key: string; projections: string[] }) =>
    `${prefix}:read-cache:${variantTag}:${spec.projections.map((p) => `${p}@${versions.get(p)}`).join(',')}:${spec.key}`;

  // The last change heard of per read model. Unknown until the checkpoints are first read:
  // until then nothing is served from the cache (entries are still written).
  const lastChange = new Map<string, Position>();
  let known = false;
  const heard = (projection: string, at: Position) => {
    const before = lastChange.get(projection) ?? START;
    if (comparePositions(at, before) > 0) lastChange.set(projection, at);
  };
  const readAll = async () => {
    const at = await checkpoints([...versions.keys()]);
    for (const [name, position] of Object.entries(at)) heard(name, parsePosition(position)!);
    known = true;
  };
  const refresh = () =>
    readAll().catch((err) => {
      // Without the checkpoints nothing is served from the cache; try again shortly.
      known = false;
      logger.warn({ err }, 'read cache: checkpoints not read');
      setTimeout(refresh, 1000).unref();
    });
  const offChange = changes.onChange((change) => {
    if (!versions.has(change.projection)) return;
    const at = parsePosition(change.position);
    if (at) heard(change.projection, at);
  });
  const offMissed = changes.onMissed(() => {
    // Notices published while Redis was away are gone: everything older than now is suspect.
    known = false;
    void refresh();
  });
  if (enabled) void refresh();

  /** The read models' checkpoints, in one round trip. */
  async function checkpoints(names: string[]): Promise<Record<string, string>> {
    const columns = names.map(
      (name, i) => `(select major::text || '.' || minor::text from ${liveSchema(name)}.checkpoint) as c${i}`,
    );
    const { rows } = await pool.query<Record<string, string | null>>(`select ${columns.join(', ')}`);
    return Object.fromEntries(names.map((name, i) => [name, rows[0]?.[`c${i}`] ?? positionToken(START)]));
  }

  const fresh = (header: Header, projections: string[], target: Position | null) =>
    known &&
    projections.every((name) => {
      const at = parsePosition(header.at[name] ?? '');
      if (!at) return false;
      if (target && comparePositions(at, target) < 0) return false;
      return comparePositions(at, lastChange.get(name) ?? START) >= 0;
    });

  // Headers only with a body: a refusal the build throws keeps the problem handler's own.
  const send = (res: Response, body: string) =>
    res.set('Cache-Control', PUBLIC_READ).type('application/json').send(body);

  return {
    async serve(req, res, spec, build) {
      const started = performance.now();
      const target = requestedPosition(req);
      const key = keyOf(spec);
      const done = (source: 'cache' | 'read-model') =>
        latency.observe({ route: spec.route, source }, (performance.now() - started) / 1000);

      if (enabled) {
        const entry = await redis.get(key).catch((err: unknown) => {
          logger.debug({ err }, 'read cache: get failed');
          return undefined;
        });
        if (entry === undefined) lookups.inc({ route: spec.route, outcome: 'error' });
        else if (entry === null) lookups.inc({ route: spec.route, outcome: 'miss' });
        else {
          const split = entry.indexOf('\n');
          const header = JSON.parse(entry.slice(0, split)) as Header;
          if (fresh(header, spec.projections, target)) {
            lookups.inc({ route: spec.route, outcome: 'hit' });
            res.set('X-Cache', 'hit');
            send(res, entry.slice(split + 1));
            return done('cache');
          }
          lookups.inc({ route: spec.route, outcome: 'stale' });
        }
      } else lookups.inc({ route: spec.route, outcome: 'off' });

      if (target) await Promise.all(spec.projections.map((p) => waitForPosition(p, target)));
      // Read before the build: the body then reflects at least these positions.
      const at = enabled ? await checkpoints(spec.projections) : {};
      const built = await build();
      const body = JSON.stringify(built);
      res.set('X-Cache', enabled ? 'miss' : 'off');
      send(res, body);
      done('read-model');
      // An entry already older than a change heard of meanwhile would never be served.
      if (enabled && fresh({ at }, spec.projections, null) && (spec.keep?.(built) ?? true))
        redis
          .set(key, `${JSON.stringify({ at } satisfies Header)}\n${body}`, 'EX', ttlSeconds)
          .catch((err: unknown) => logger.debug({ err }, 'read cache: set failed'));
    },
    close() {
      offChange();
      offMissed();
    },
  };
}
