import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, until } from '@flowdose/testing/process';
import pg from 'pg';
import { migrateAll } from '../src/migrate.ts';

const NAMES = ['command-api', 'query-api', 'projections'] as const;

/**
 * The three services as separate processes (as `npm start` runs them) on a fresh database
 * of the benchmark's own, on free ports (apart from a running stack's, and from another
 * benchmark's running at the same time), with uploaded images in a folder of its own.
 */
export async function startStack(database: string) {
  const url = `postgres://postgres@127.0.0.1:5432/${database}`;
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`drop database if exists ${database} with (force)`);
  await admin.end();
  await migrateAll(url, () => {});

  const ports = {
    COMMAND_API_PORT: String(await freePort()),
    QUERY_API_PORT: String(await freePort()),
    PROJECTIONS_PORT: String(await freePort()),
  };
  const media = mkdtempSync(join(tmpdir(), 'flowdose-bench-media-'));
  const env = {
    ...process.env,
    ...ports,
    // Metrics on free ports too: a bench beside `npm start` or a test run takes none of theirs.
    METRICS_PORT: '0',
    MEDIA_DIR: media,
    DATABASE_URL: url,
    QUEUE_PREFIX: `bench-${randomBytes(3).toString('hex')}`,
    CART_TOKEN_SECRET: randomBytes(32).toString('base64url'),
    AUTH_JWT_SECRET: randomBytes(32).toString('base64url'),
    PAYMENT_WEBHOOK_SECRET: randomBytes(32).toString('base64url'),
    // The load comes from one IP; per-client limits would stop the load itself.
    COMMANDS_PER_MINUTE: '1000000',
    STAFF_COMMANDS_PER_MINUTE: '1000000',
    LOG_LEVEL: 'warn',
  };
  const apps: ChildProcess[] = NAMES.map((name) =>
    spawn(process.execPath, ['--import', 'tsx', `${name}/src/main.ts`], {
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    }),
  );
  // A benchmark that dies before it calls stop (a browser missing, say) takes its services
  // with it, rather than leaving three processes running for whoever comes next.
  process.once('exit', () => {
    for (const app of apps) app.kill('SIGTERM');
  });
  // The media folder goes once every process has exited: a renditions job still writing
  // into it would otherwise race the removal (seen: ENOTEMPTY).
  const stop = async () => {
    await Promise.all(
      apps.map(
        (app) =>
          new Promise<void>((resolve) => {
            if (app.exitCode !== null || app.signalCode !== null) return resolve();
            app.once('exit', () => resolve());
            app.kill('SIGTERM');
          }),
      ),
    );
    rmSync(media, { recursive: true, force: true });
  };
  try {
    await until(
      async () =>
        (
          await Promise.all(
            Object.values(ports).map((p) =>
              fetch(`http://127.0.0.1:${p}/health`).then(
                (r) => r.ok,
                () => false,
              ),
            ),
          )
        ).every(Boolean),
      20_000,
      'the three services answering /health',
      200,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  /** One more query API on the same database (another port, other settings), measured beside the first. */
  const startQueryApi = async (port: string, overrides: Record<string, string>) => {
    const app = spawn(process.execPath, ['--import', 'tsx', 'query-api/src/main.ts'], {
      env: { ...env, QUERY_API_PORT: port, ...overrides },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    apps.push(app);
    await until(() =>
      fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok,
        () => false,
      ),
    );
    return `http://127.0.0.1:${port}`;
  };
  const rssMiB = (pid: number) =>
    Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
  return {
    env,
    commands: `http://127.0.0.1:${ports.COMMAND_API_PORT}`,
    queries: `http://127.0.0.1:${ports.QUERY_API_PORT}`,
    memoryMiB: () =>
      Object.fromEntries(NAMES.map((name, i) => [name, rssMiB(apps[i]!.pid!)])) as Record<
        (typeof NAMES)[number],
        number
      >,
    startQueryApi,
    stop,
  };
}
