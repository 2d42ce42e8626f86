import { spawn } from 'node:child_process';
import { projectionsFor } from '@flowdose/projections/registry';
import { loadConfig } from '@flowdose/shared/config';
import { createPool } from '@flowdose/shared/db';
import { SingleBar } from 'cli-progress';
import { migrateAll } from './migrate.ts';
import { demoCatalog } from './seed/demo-catalog.ts';
import { seedCatalog } from './seed/seed-catalog.ts';
import { buildStorefrontIfStale } from './storefront-build.ts';
import { STOP_TIMEOUT_MS, supervise } from './supervisor.ts';

// Reads .env too; the apps it starts inherit the same environment.
const config = loadConfig();

console.log('[start] migrating the event store and read models');
await migrateAll(config.DATABASE_URL, () => {}, projectionsFor(config));

buildStorefrontIfStale();

const url = (port: number) => `http://127.0.0.1:${port}`;
const ts = (entry: string) => ({ args: ['--import', 'tsx', entry], cwd: '.' });
type App = { name: string; args: string[]; cwd: string; color: number; port: number };
const apps: App[] = [
  { name: 'command-api', ...ts('command-api/src/main.ts'), color: 36, port: config.COMMAND_API_PORT },
  { name: 'query-api', ...ts('query-api/src/main.ts'), color: 35, port: config.QUERY_API_PORT },
  { name: 'projections', ...ts('projections/src/main.ts'), color: 33, port: config.PROJECTIONS_PORT },
  { name: 'storefront', args: ['server.mjs'], cwd: 'pwa', color: 32, port: config.STOREFRONT_PORT },
];

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
    env: {
      ...process.env,
      COMMAND_API_URL: url(config.COMMAND_API_PORT),
      QUERY_API_URL: url(config.QUERY_API_PORT),
      NEXT_TELEMETRY_DISABLED: '1',
      PORT: String(config.STOREFRONT_PORT),
    },
  });
  const label = `\x1b[${color}m${name.padEnd(11)}\x1b[0m |`;
  const relay = (out: NodeJS.WriteStream) => (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line) out.write(`${label} ${line}\n`);
  };
  child.stdout?.on('data', relay(process.stdout));
  child.stderr?.on('data', relay(process.stderr));
  return child;
}

const services = apps.map((app) => supervise(app, startApp, { log: (line) => console.error(`[start] ${line}`) }));

let stopping = false;
let stoppingSince = 0;
/** The first Ctrl-C stops the apps gracefully; a second one kills them at once. */
function stopAll(code: number, why: string) {
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

const healthy = async (port: number) =>
  fetch(`${url(port)}/health`, { signal: AbortSignal.timeout(2000) }).then(
    (r) => r.ok,
    () => false,
  );

/** Until every app answers /health, naming the ones still missing every 30 s. */
async function waitUntilHealthy() {
  for (let waited = 0; !stopping; waited += 500) {
    const up = await Promise.all(apps.map((a) => healthy(a.port)));
    if (up.every(Boolean)) return;
    if (waited > 0 && waited % 30_000 === 0) {
      const missing = apps.filter((_, i) => !up[i]).map((a) => a.name);
      console.error(`[start] still waiting for ${missing.join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
await waitUntilHealthy();
if (!stopping) await seedWhenEmpty();
if (!stopping) {
  console.log(`
[start] Flowdose is up. A crashed app is restarted; Ctrl-C stops everything.
  storefront    ${url(config.STOREFRONT_PORT)}  (the shopper PWA)
  command API   ${url(config.COMMAND_API_PORT)}
  query API     ${url(config.QUERY_API_PORT)}
  projections   ${url(config.PROJECTIONS_PORT)}  (status JSON)
  probes        /health (alive) and /ready (dependencies answer) on each
  try:          curl -s -X POST ${url(config.COMMAND_API_PORT)}/carts -H 'content-type: application/json' -d '{"currency":"EUR"}'
`);
}

/**
 * A store without products gets the demo catalog and its pictures, through the commands, with a
 * progress bar.
 * Each request carries an Idempotency-Key, so an attempt cut short (the command API crashed
 * and was restarted) is simply run again; the apps keep running if every attempt fails.
 */
async function seedWhenEmpty() {
  const pool = createPool(config.DATABASE_URL, { max: 1 });
  const { rows } = await pool.query("select exists (select 1 from events where type = 'ProductCreated') as seeded");
  await pool.end();
  if (rows[0]?.seeded) return;
  const products = demoCatalog(500);
  for (let attempt = 1; attempt <= 3 && !stopping; attempt++) {
    // A product counts once it exists with its stock and its pictures uploaded.
    const bar = new SingleBar({
      format: '[start] demo catalog [{bar}] {value}/{total} products, with their pictures',
      hideCursor: true,
    });
    bar.start(products.length, 0);
    try {
      await seedCatalog({
        commandsUrl: url(config.COMMAND_API_PORT),
        jwtSecret: config.AUTH_JWT_SECRET,
        products,
        onProgress: (done) => bar.update(done),
      });
      bar.stop();
      const pictures = products.reduce((n, p) => n + p.images.length, 0);
      console.log(
        `[start] the projections service now makes the sizes of ${pictures} pictures (a few minutes); ` +
          'until a product’s are made, the shop shows its initials',
      );
      return;
    } catch (error) {
      bar.stop();
      console.error(`[start] loading the demo catalog failed (attempt ${attempt} of 3): ${(error as Error).message}`);
      await waitUntilHealthy();
    }
  }
}
