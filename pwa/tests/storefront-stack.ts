import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signAccessToken } from '@flowdose/shared/auth/tokens';
import { createTestDatabase } from '@flowdose/testing/db';
import { answersOk, freePort, spawnTs, until } from '@flowdose/testing/process';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { demoCatalog } from '../../infra/src/seed/demo-catalog.ts';
import { seedCatalog } from '../../infra/src/seed/seed-catalog.ts';

const PWA = fileURLToPath(new URL('..', import.meta.url));
export const SCREENSHOTS = fileURLToPath(new URL('../../artifacts/screenshots', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// The secret spawnTs gives the services, so the test can act as staff.
export const JWT_SECRET = 'test-jwt-secret-test-jwt-secret-test-0000';

/**
 * The whole shop as a shopper meets it: the three services and the built storefront as
 * real processes on a database of their own, the demo catalog's first products seeded
 * through the admin routes, and Debian's Chromium to drive it.
 */
/** A JSON POST to one of the stack's APIs; anything but 2xx throws with the answer's text. */
export async function postJson<T = { position: string }>(
  url: string,
  body: object,
  headers: Record<string, string> = {},
) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${new URL(url).pathname}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

export async function startStorefront() {
  if (!existsSync(`${PWA}/.next/BUILD_ID`)) throw new Error('The storefront is not built: run `npm run build -w pwa`.');
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium (.ci/run does).`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  const db = await createTestDatabase();
  const ports = {
    command: await freePort(),
    query: await freePort(),
    projections: await freePort(),
    web: await freePort(),
    queryMetrics: await freePort(),
  };
  // Uploaded images in a folder of this stack's own, gone with it.
  const media = await mkdtemp(join(tmpdir(), 'flowdose-shop-media-'));
  const env = {
    DATABASE_URL: db.url,
    MEDIA_DIR: media,
    QUEUE_PREFIX: `t${randomUUID().slice(0, 8)}`,
    PASSWORD_HASH_MEMORY_KIB: '4096',
    COMMANDS_PER_MINUTE: '100000',
    COMMAND_API_PORT: String(ports.command),
    QUERY_API_PORT: String(ports.query),
    PROJECTIONS_PORT: String(ports.projections),
    // Each on a free port of its own, not the defaults (9101…), which another stack may hold.
    METRICS_PORT: '0',
  };
  // The query API's figures, which a test reads (live order streams).
  const queryEnv = { ...env, METRICS_PORT: String(ports.queryMetrics) };
  const services = [
    spawnTs('command-api/src/main.ts', [], env),
    spawnTs('query-api/src/main.ts', [], queryEnv),
    spawnTs('projections/src/main.ts', [], env),
  ];
  const commands = `http://127.0.0.1:${ports.command}`;
  const queries = `http://127.0.0.1:${ports.query}`;
  const queryMetrics = `http://127.0.0.1:${ports.queryMetrics}/metrics`;
  const url = `http://127.0.0.1:${ports.web}`;
  let web: ChildProcess | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    web?.kill('SIGTERM');
    for (const s of services) s.child.kill('SIGTERM');
    await Promise.all(services.map((s) => s.exited));
    await db.drop();
    await rm(media, { recursive: true, force: true });
  };
  try {
    await until(
      async () =>
        (
          await Promise.all(
            Object.values(ports)
              .slice(0, 3)
              .map((p) => answersOk(`http://127.0.0.1:${p}/health`)),
          )
        ).every(Boolean),
      30_000,
      'services up',
    );
    const products = demoCatalog(12);
    await seedCatalog({ commandsUrl: commands, jwtSecret: JWT_SECRET, products });
    // Pages render from the read models: wait until the catalog shows every published product.
    const published = products.filter((p) => p.publish).length;
    await until(
      async () =>
        ((await (await fetch(`${queries}/products?limit=100`)).json()) as { items: unknown[] }).items.length ===
        published,
      30_000,
      'catalog projected',
    );
    web = spawn(process.execPath, ['server.mjs'], {
      cwd: PWA,
      env: {
        ...process.env,
        PORT: String(ports.web),
        HOSTNAME: '127.0.0.1',
        COMMAND_API_URL: commands,
        QUERY_API_URL: queries,
        METRICS_PORT: '0',
        NEXT_TELEMETRY_DISABLED: '1',
      },
      stdio: 'ignore',
    });
    await until(() => answersOk(`${url}/manifest.webmanifest`), 30_000, 'storefront up');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  } catch (error) {
    await close();
    throw error;
  }
  const admin = async () => ({
    Authorization: `Bearer ${await signAccessToken(JWT_SECRET, { userId: randomUUID(), role: 'admin', sessionId: randomUUID() }, 600)}`,
    'content-type': 'application/json',
  });
  /** Changes the built worker script as a new deployment would; answers how to undo it. */
  const touchServiceWorker = async () => {
    const path = `${PWA}/public/sw.js`;
    const original = await readFile(path, 'utf8');
    await writeFile(path, `${original}\n// deployment ${randomUUID()}\n`);
    return () => writeFile(path, original);
  };
  const shopper = (viewport = { width: 1024, height: 800 }): Promise<BrowserContext> =>
    browser!.newContext({ viewport });
  /**
   * Stops the query API as a deployment does (SIGTERM), runs `meanwhile` while it is away, and
   * starts it again on the same port: what pages keep open across it must recover.
   */
  const restartQueries = async (meanwhile: () => Promise<void>) => {
    const stopped = services[1]!;
    stopped.child.kill('SIGTERM');
    if ((await stopped.exited) !== 0) throw new Error('the query API did not stop cleanly');
    await meanwhile();
    services[1] = spawnTs('query-api/src/main.ts', [], queryEnv);
    await until(() => answersOk(`${queries}/health`), 30_000, 'query API back');
  };
  return { url, commands, queries, queryMetrics, db, admin, shopper, touchServiceWorker, restartQueries, close };
}
