import { type ChildProcess, spawn } from 'node:child_process';
import { projectionsFor } from '@flowdose/projections/registry';
import { createRenditionsQueue } from '@flowdose/projections/renditions';
import { childEnvironment, loadConfig } from '@flowdose/shared/config';
import { createPool } from '@flowdose/shared/db';
import { createRequestRedis } from '@flowdose/shared/redis';
import { migrateAll } from './migrate.ts';
import { type DemoProduct, demoCatalog } from './seed/demo-catalog.ts';
import { progressLine } from './seed/progress-line.ts';
import { picturesToSeed, type Seeded, seedCatalog, seedPictures } from './seed/seed-catalog.ts';
import { readSeeded } from './seed/seeded.ts';
import { STOP_TIMEOUT_MS, type Supervised, supervise } from './supervisor.ts';

// Reads .env too; the apps it starts inherit the same environment.
const config = loadConfig();
const terminal = process.stdout.isTTY && config.LOG_FORMAT === 'auto' && config.NODE_ENV !== 'production';

console.log('[start] migrating the event store and read models');
await migrateAll(config.DATABASE_URL, () => {}, projectionsFor(config));

const url = (port: number) => `http://127.0.0.1:${port}`;
const ts = (entry: string) => ({ args: ['--import', 'tsx', entry], cwd: '.' });
type App = { name: string; args: string[]; cwd: string; color: number; port: number };
const apis: App[] = [
  { name: 'command-api', ...ts('command-api/src/main.ts'), color: 36, port: config.COMMAND_API_PORT },
  { name: 'query-api', ...ts('query-api/src/main.ts'), color: 35, port: config.QUERY_API_PORT },
  { name: 'projections', ...ts('projections/src/main.ts'), color: 33, port: config.PROJECTIONS_PORT },
];
const storefront: App = {
  name: 'storefront',
  args: ['server.mjs'],
  cwd: 'pwa',
  color: 32,
  port: config.STOREFRONT_PORT,
};
const apps = [...apis, storefront];

/** An app's output, line by line, behind its coloured name. */
function relay(child: ChildProcess, name: string, color: number) {
  const label = `\x1b[${color}m${name.padEnd(11)}\x1b[0m |`;
  const lines = (out: NodeJS.WriteStream) => (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line) out.write(`${label} ${line}\n`);
  };
  child.stdout?.on('data', lines(process.stdout));
  child.stderr?.on('data', lines(process.stderr));
}

/**
 * Each app runs in a process group of its own, so Ctrl-C reaches only this supervisor, which
 * then stops them in order (SIGTERM, SIGKILL after the bound) without restarting any. The IPC
 * channel is their lifeline: if this process dies without stopping them (SIGKILL), they see it
 * close and shut down instead of holding the ports.
 */
function startApp({ name, args, cwd, color }: App) {
  const child = spawn(process.execPath, args, {
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: childEnvironment({
      COMMAND_API_URL: url(config.COMMAND_API_PORT),
      QUERY_API_URL: url(config.QUERY_API_PORT),
      NEXT_TELEMETRY_DISABLED: '1',
      PORT: String(config.STOREFRONT_PORT),
      // The apps' output comes through a pipe, where `auto` means JSON: in a terminal the person
      // watching gets the short coloured lines instead.
      ...(terminal ? { LOG_FORMAT: 'pretty', FORCE_COLOR: '1' } : {}),
    }),
  });
  relay(child, name, color);
  return child;
}

const services: Supervised[] = [];
const run = (app: App) => services.push(supervise(app, startApp, { log: (line) => console.error(`[start] ${line}`) }));
/** The storefront's `next build`, while one runs. */
let building: ChildProcess | null = null;
/** Stops the demo pictures' upload on the way out. */
const leaving = new AbortController();

let stopping = false;
let stoppingSince = 0;
/** The first Ctrl-C stops the apps gracefully; a second one kills them at once. */
function stopAll(code: number, why: string) {
  leaving.abort();
  building?.kill('SIGTERM');
  if (stopping) {
    // Under `npm start` one Ctrl-C arrives twice (from the terminal, and passed on by npm).
    if (Date.now() - stoppingSince < 1000) return;
    console.error('[start] killing the apps now');
    for (const service of services) service.kill();
    return;
  }
  stopping = true;
  stoppingSince = Date.now();
  console.log(`[start] ${why}: stopping the apps (at most ${STOP_TIMEOUT_MS / 1000} s; Ctrl-C again kills them)`);
  void Promise.all(services.map((s) => s.stop())).then(() => process.exit(code));
}
process.on('SIGINT', () => stopAll(0, 'Ctrl-C'));
process.on('SIGTERM', () => stopAll(0, 'SIGTERM'));
process.on('SIGHUP', () => stopAll(0, 'terminal closed'));
// A bug here stops the apps too: none is left running unsupervised, holding its port.
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (error) => {
    console.error('[start] failed:', error);
    stopAll(1, 'the supervisor failed');
  });
}

/**
 * The storefront is built (`next build`, a minute or more on two cores) only when a source is
 * newer than its build, in a process of its own, so the APIs start and the demo catalog is
 * seeded meanwhile; the storefront starts when its build is there.
 */
function buildThenStartStorefront(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/src/storefront-build.ts'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  building = child;
  relay(child, 'next build', 90);
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      building = null;
      if (stopping) return resolve();
      if (code !== 0) {
        console.error('[start] the storefront build failed: see the lines above');
        stopAll(1, 'the storefront build failed');
        return resolve();
      }
      run(storefront);
      resolve();
    });
  });
}

for (const app of apis) run(app);
const storefrontBuilt = buildThenStartStorefront();

const healthy = async (port: number) =>
  fetch(`${url(port)}/health`, { signal: AbortSignal.timeout(2000) }).then(
    (r) => r.ok,
    () => false,
  );

/** Until every one of `among` answers /health, naming the ones still missing every 30 s. */
async function waitUntilHealthy(among: App[]) {
  for (let waited = 0; !stopping; waited += 500) {
    const up = await Promise.all(among.map((a) => healthy(a.port)));
    if (up.every(Boolean)) return;
    if (waited > 0 && waited % 30_000 === 0) {
      const missing = among.filter((_, i) => !up[i]).map((a) => a.name);
      console.error(`[start] still waiting for ${missing.join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * A store without a catalog of its own gets the demo one, through the commands, in two parts:
 * the products with their stock before "up" (a few seconds' work), their pictures after it,
 * in the background (drawing them and making their sizes takes minutes; until a product's
 * are there, the shop shows its initials). What an earlier run did is read back from the log
 * and skipped, so an interrupted seed, pictures included, goes on where it stopped.
 */
const demo = demoCatalog(500);
let seeded: Seeded | 'own' = 'own';
let productIds = new Map<string, string>();

await waitUntilHealthy(apis);
if (!stopping) {
  seeded = await readSeededNow();
}
if (!stopping && seeded !== 'own') productIds = await seedProducts(seeded);
await storefrontBuilt;
await waitUntilHealthy(apps);
if (!stopping && productIds.size > 0) await catalogBrowsable();
if (!stopping) {
  console.log(`
[start] Flowdose is up after ${Math.round(process.uptime())} s. A crashed app is restarted; Ctrl-C stops everything.
  storefront    ${url(config.STOREFRONT_PORT)}  (the shopper PWA; staff: /admin)
  command API   ${url(config.COMMAND_API_PORT)}
  query API     ${url(config.QUERY_API_PORT)}
  projections   ${url(config.PROJECTIONS_PORT)}  (status JSON)
  probes        /health (alive) and /ready (dependencies answer) on each
  metrics       http://${config.METRICS_HOST}:{9101,9102,9103,9104}/metrics (Prometheus; docs/operations.md)
  queues        ${url(config.STOREFRONT_PORT)}/admin/queues (ops, admin)
  try:          curl -s -X POST ${url(config.COMMAND_API_PORT)}/carts -H 'content-type: application/json' -d '{"currency":"EUR"}'
`);
  if (seeded !== 'own') void seedPicturesInBackground(seeded);
}

/** Three attempts: each request carries an Idempotency-Key, so one cut short (an app restarted) is simply sent again. */
async function attempts<T>(what: string, work: () => Promise<T>): Promise<T | undefined> {
  for (let attempt = 1; attempt <= 3 && !stopping; attempt++) {
    try {
      return await work();
    } catch (error) {
      console.error(`[start] ${what} failed (attempt ${attempt} of 3): ${(error as Error).message}`);
      await waitUntilHealthy(apis);
    }
  }
  return undefined;
}

async function seedProducts(done: Seeded): Promise<Map<string, string>> {
  // A catalog seeded before (a restart) has nothing to report.
  const quiet = demo.every((p) => done.productIds.has(p.handle));
  const report = progressLine({ everyMs: 5000, print: (line) => quiet || console.log(`[start] ${line}`) });
  const line = (n: number) => `demo catalog ${n}/${demo.length} products`;
  const ids = await attempts('loading the demo catalog', () =>
    seedCatalog({
      commandsUrl: url(config.COMMAND_API_PORT),
      jwtSecret: config.AUTH_JWT_SECRET,
      products: demo,
      seeded: done,
      pictures: false,
      concurrency: 6,
      onProgress: (n) => report(line(n), { last: n === demo.length }),
    }),
  );
  return ids ?? new Map();
}

/** Until the catalog lists the demo's products: the shop is browsable, not just answering. */
async function catalogBrowsable() {
  while (!stopping) {
    const listed = await fetch(`${url(config.QUERY_API_PORT)}/products?limit=1`, { signal: AbortSignal.timeout(2000) })
      .then((r) => (r.ok ? (r.json() as Promise<{ items: unknown[] }>) : { items: [] }))
      .catch(() => ({ items: [] }));
    if (listed.items.length > 0) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** What the seed did so far, as the log says. */
async function readSeededNow(): Promise<Seeded | 'own'> {
  const pool = createPool(config.DATABASE_URL, { max: 1 });
  try {
    return await readSeeded(pool);
  } finally {
    await pool.end();
  }
}

/**
 * The demo's pictures, uploaded after "up", and the projections service making their sizes:
 * a line now and then says how many are ready (sized), until all are. A start after an
 * interrupted one goes on with what is missing, and reports the sizes still being made.
 */
async function seedPicturesInBackground(done: Seeded) {
  const owed: DemoProduct[] = demo.filter((p) => productIds.has(p.handle));
  const total = owed.reduce((n, p) => n + p.images.length, 0);
  let uploaded = total - picturesToSeed(owed, done);
  let uploading = uploaded < total;
  // Made by the projections service's renditions worker: what waits there is not ready yet.
  const redis = createRequestRedis(config.REDIS_URL);
  redis.on('error', () => {});
  const renditions = createRenditionsQueue(redis, config.QUEUE_PREFIX);
  const report = progressLine({ everyMs: 30_000, print: (line) => console.log(`[start] ${line}`) });
  const watch = (async () => {
    for (let first = true; !leaving.signal.aborted; first = false) {
      const counts = await renditions
        .getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed')
        .catch(() => null);
      if (counts) {
        const pending = Object.values(counts).reduce((a, b) => a + b, 0);
        // Nothing more to come: every upload made (or given up) and no job left but failed ones.
        const settled = !uploading && pending === counts.failed;
        if (first && settled) return;
        if (first)
          console.log(
            `[start] the demo's ${total} pictures are uploaded and sized in the background; ` +
              'until a product’s are ready, the shop shows its initials',
          );
        const ready = `pictures ${Math.max(0, uploaded - pending)}/${total} ready`;
        report(uploading ? `${ready}, ${uploaded} uploaded` : ready, { last: settled });
        if (settled) return;
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
  })();
  if (uploading)
    await attempts('uploading the demo pictures', async () => {
      // Read again each attempt, so a retry sends only what is still missing.
      const now = await readSeededNow();
      if (now === 'own') return;
      const before = total - picturesToSeed(owed, now);
      uploaded = before;
      await seedPictures({
        commandsUrl: url(config.COMMAND_API_PORT),
        jwtSecret: config.AUTH_JWT_SECRET,
        products: owed,
        productIds,
        seeded: now,
        signal: leaving.signal,
        onProgress: (n) => {
          uploaded = before + n;
        },
      });
    });
  uploading = false;
  await watch;
  await renditions.close();
  redis.disconnect();
}
