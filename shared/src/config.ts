import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ShopTimeZone, StaffIdleMinutes } from '@flowdose/domain/settings';
import { z } from 'zod';

// 0 asks the OS for a free port (tests).
const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

// PostgreSQL settings as ALTER ROLE ... SET takes them: a whole number and a unit.
const pgDuration = (fallback: string) =>
  z
    .string()
    .regex(/^[1-9][0-9]*(ms|s|min|h|d)$/, 'a whole number and a unit: ms, s, min, h or d (30s)')
    .default(fallback);
const pgSize = (fallback: string) =>
  z
    .string()
    .regex(/^[1-9][0-9]*(kB|MB|GB|TB)$/, 'a whole number and a unit: kB, MB, GB or TB (1GB)')
    .default(fallback);

const Env = z
  .object({
    DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/flowdose'),
    REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
    CART_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters (npm start writes one to .env)'),
    AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters (npm start writes one to .env)'),
    PAYMENT_WEBHOOK_SECRET: z.string().min(32, 'must be at least 32 characters (npm start writes one to .env)'),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(900),
    REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    // A staff session ends after this long without a refresh (the back office also lets its cookies expire then).
    STAFF_IDLE_MINUTES: StaffIdleMinutes,
    // argon2id memory cost; OWASP's floor is 19 MiB, the library default 64 MiB.
    PASSWORD_HASH_MEMORY_KIB: z.coerce.number().int().min(1024).default(65536),
    CORS_ORIGINS: z
      .string()
      .default('http://localhost:3000,http://127.0.0.1:3000')
      .transform((s) =>
        s
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean),
      ),
    LOGIN_ATTEMPTS_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
    LOGIN_ATTEMPTS_PER_IP: z.coerce.number().int().min(1).default(50),
    COMMANDS_PER_MINUTE: z.coerce.number().int().min(1).default(600),
    // Staff import and edit catalogs in bulk; their own, higher limit.
    STAFF_COMMANDS_PER_MINUTE: z.coerce.number().int().min(1).default(6000),
    COMMAND_API_PORT: port(4001),
    QUERY_API_PORT: port(4002),
    PROJECTIONS_PORT: port(4003),
    STOREFRONT_PORT: port(3000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    // auto: one short coloured line per request in a terminal, JSON lines otherwise or in production.
    LOG_FORMAT: z.enum(['auto', 'pretty', 'json']).default('auto'),
    // Each service's Prometheus /metrics listens on a port of its own (defaults: command API 9101,
    // query API 9102, projections 9103, storefront 9104), on loopback unless METRICS_HOST says otherwise.
    // No default here: unset, each service takes its own (METRICS_PORTS); 0 asks for a free one.
    METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    // OpenTelemetry traces go to this OTLP/HTTP collector (http://127.0.0.1:4318); unset, tracing is off.
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
    // Projections whose dead-letter policy is `skip` (comma-separated names); every other one stops
    // at an event it cannot apply (a skipped event leaves its read model wrong).
    DEAD_LETTER_SKIP: z
      .string()
      .default('')
      .transform((s) =>
        s
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean),
      ),
    // Spent Idempotency-Key records older than this are removed by the housekeeping sweep.
    IDEMPOTENCY_RETENTION_HOURS: z.coerce.number().int().min(1).max(8760).default(168),
    MIN_POSITION_TIMEOUT_MS: z.coerce.number().int().min(0).max(30000).default(2000),
    // Live order streams (GET /orders/:orderId/live): a notice lost without a Redis reconnect
    // (a publish that failed) is caught by a re-read of every open order this often; and an
    // idle stream sends a comment this often, below the 30-60 s proxies close idle streams at.
    LIVE_ORDER_RECHECK_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
    LIVE_ORDER_HEARTBEAT_MS: z.coerce.number().int().min(100).max(60_000).default(15_000),
    // The back office calls a SKU low on stock with this many units available or fewer.
    LOW_STOCK_THRESHOLD: z.coerce.number().int().min(0).max(1_000_000).default(5),
    // The shop's days for the analytics read models (given to them with the rest of this
    // configuration); a new zone moves past events between days, so those models want a rebuild.
    SHOP_TIME_ZONE: ShopTimeZone,
    // A cart holding items, not checked out or merged, idle longer than this is abandoned. Judged
    // when the analytics are read (query-api), not by a timer: a rebuild gives the same model.
    ABANDONED_CART_HOURS: z.coerce.number().int().min(1).max(8760).default(24),
    BODY_LIMIT: z.string().default('32kb'),
    // What `npm run ops -- create-analyst-role` gives the analysts' SQL role (read when it runs;
    // run it again to apply new values): each statement's time, an open transaction's idle
    // time, the temporary files one session may spill (sorts, hashes), its sessions at once.
    ANALYST_STATEMENT_TIMEOUT: pgDuration('30s'),
    ANALYST_IDLE_IN_TRANSACTION_TIMEOUT: pgDuration('60s'),
    ANALYST_TEMP_FILE_LIMIT: pgSize('1GB'),
    ANALYST_CONNECTION_LIMIT: z.coerce.number().int().min(1).max(1000).default(5),
    // The query API's Redis read cache (catalog, product detail, categories): `off` reads
    // Postgres every time. An entry lives this long, which bounds how stale a read can be when
    // a change notice is lost (read-cache.ts says the whole promise).
    READ_CACHE: z.enum(['on', 'off']).default('on'),
    CACHE_TTL_SECONDS: z.coerce.number().int().min(1).max(3600).default(5),
    QUEUE_PREFIX: z
      .string()
      .regex(/^[a-z0-9_-]+$/)
      .default('flowdose'),
    JOB_LOCK_MS: z.coerce.number().int().min(1000).default(30000),
    // A request that crashed leaves its Idempotency-Key pending; a retry may take it over after this.
    IDEMPOTENCY_LOCK_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
    // A checkout or order step still open this long after it began is finished or undone by the
    // recovery sweep (longer than a client's retries usually take, so those find it first).
    PROCESS_RECOVERY_SECONDS: z.coerce.number().int().min(0).max(86400).default(120),
    // How often the command API sweeps stalled processes and releases expired stock holds.
    HOUSEKEEPING_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
    // Where uploaded images and their renditions are kept (shared/src/blob-store/): a folder on
    // this machine, or an S3 bucket (AWS, MinIO, DigitalOcean Spaces, Ceph…).
    BLOB_STORE: z.enum(['local', 's3']).default('local'),
    // The local store's folder (made when missing); relative to the folder the services start in.
    MEDIA_DIR: z
      .string()
      .min(1)
      .default('.flowdose/media')
      .transform((dir) => resolve(dir)),
    // S3: the endpoint of a service other than AWS (http://127.0.0.1:9000 for MinIO,
    // https://fra1.digitaloceanspaces.com for Spaces); AWS itself needs none.
    S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
    S3_REGION: z.string().min(1).default('us-east-1'),
    S3_BUCKET: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name: 3-63 lower-case letters, digits, dots, dashes')
      .optional(),
    // Bucket in the path (endpoint/bucket/key) rather than the host name: MinIO and Ceph want it.
    S3_FORCE_PATH_STYLE: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    // Without them, the AWS SDK's own chain (its environment variables, a profile, an instance role).
    S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    // when_supported (the SDK's default) sends stream bodies chunked with a trailing CRC32, which
    // AWS, MinIO and Spaces take; some S3 implementations (Ceph's radosgw 16) answer 411 to it.
    S3_CHECKSUMS: z.enum(['when_required', 'when_supported']).default('when_supported'),
    // Image URLs in answers start here instead of the query API's own /media/… paths: a CDN in
    // front of the query API or of the bucket (keys are media/<hash>/…), or a path such as
    // /api/queries where the storefront forwards to the query API. No trailing slash needed.
    MEDIA_PUBLIC_BASE_URL: z
      .string()
      .refine(
        (base) => /^\/[A-Za-z0-9._~/-]*$/.test(base) || z.url({ protocol: /^https?$/ }).safeParse(base).success,
        'an http(s) URL (a CDN, a bucket) or a path such as /api/queries',
      )
      .optional()
      .transform((base) => (base ?? '').replace(/\/+$/, '')),
    // Where products are searched (shared/src/search/): the search read model's own table in
    // PostgreSQL (no other server), or a Meilisearch server at MEILI_URL.
    SEARCH_BACKEND: z.enum(['postgres', 'meilisearch']).default('postgres'),
    MEILI_URL: z.url({ protocol: /^https?$/ }).optional(),
    // The projections service writes documents and settings (the master key, or an API key
    // allowed to); the query API only searches, so a search-only key does there.
    MEILI_KEY: z.string().min(1).optional(),
    // The index the search projection fills; two shops on one server take one each.
    MEILI_INDEX: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,400}$/, 'letters, digits, - and _')
      .default('products'),
    // Crash tests only: the named point kills the process (command-api/src/failpoints.ts).
    FAILPOINT: z.string().optional(),
    NODE_ENV: z.string().optional(),
  })
  .refine((env) => !(env.FAILPOINT && env.NODE_ENV === 'production'), {
    message: 'FAILPOINT is for crash tests and is refused under NODE_ENV=production',
    path: ['FAILPOINT'],
  })
  .refine((env) => env.BLOB_STORE !== 's3' || env.S3_BUCKET, {
    message: 'BLOB_STORE=s3 needs the bucket to keep images in',
    path: ['S3_BUCKET'],
  })
  .refine((env) => env.SEARCH_BACKEND !== 'meilisearch' || env.MEILI_URL, {
    message: 'SEARCH_BACKEND=meilisearch needs the server: MEILI_URL (http://127.0.0.1:7700)',
    path: ['MEILI_URL'],
  })
  .refine((env) => !env.S3_ACCESS_KEY_ID === !env.S3_SECRET_ACCESS_KEY, {
    message: 'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together (or neither, for the SDK to find credentials)',
    path: ['S3_SECRET_ACCESS_KEY'],
  });
export type Config = z.infer<typeof Env>;

/**
 * Parses the environment once; every bad variable is named in one message. Without an
 * explicit environment it first reads ./.env (npm start writes it), where variables already
 * set in the environment win.
 */
export function loadConfig(env?: NodeJS.ProcessEnv): Config {
  if (!env && existsSync('.env')) process.loadEnvFile('.env');
  const parsed = Env.safeParse(env ?? process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/**
 * The environment a child process starts with: this one's as it came, with `extra` over it.
 * Handed on, not read: the apps `npm start` runs parse it themselves, and the pg tools take
 * their own settings (PGSSLMODE, PGCONNECT_TIMEOUT, …) from it.
 */
export const childEnvironment = (extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  ...extra,
});

export const testConfig = (overrides: Partial<Record<keyof Config, string>> = {}): Config => {
  // Each test file's rate-limit counters, revocations and uploaded images apart from every other's.
  const own = `t${Math.random().toString(36).slice(2, 10)}`;
  return loadConfig({
    CART_TOKEN_SECRET: 'test-secret-test-secret-test-secret-0000',
    AUTH_JWT_SECRET: 'test-jwt-secret-test-jwt-secret-test-0000',
    PAYMENT_WEBHOOK_SECRET: 'test-webhook-secret-test-webhook-secret-00',
    // Cheaper hashing keeps tests quick; the algorithm and its code path stay the same.
    PASSWORD_HASH_MEMORY_KIB: '4096',
    QUEUE_PREFIX: own,
    // Made on the first upload; the test stacks remove it when they close.
    MEDIA_DIR: join(tmpdir(), `flowdose-media-${own}`),
    // Everything a service logs, headers too, as production writes it: the run's log files
    // (shared/testing/src/logs.ts) are checked for secrets after the run.
    LOG_LEVEL: 'debug',
    LOG_FORMAT: 'json',
    ...overrides,
  });
};
