import { type ChildProcess, spawn } from 'node:child_process';
import { loadConfig } from '@flowdose/shared/config';
import { createPool } from '@flowdose/shared/db';
import { SingleBar } from 'cli-progress';
import { migrateAll } from './migrate.ts';
import { demoCatalog } from './seed/demo-catalog.ts';
import { seedCatalog } from './seed/seed-catalog.ts';
import { buildStorefrontIfStale } from './storefront-build.ts';

// Reads .env too; the apps it starts inherit the same environment.
const config = loadConfig();

console.log('[start] migrating the event store and read models');
await migrateAll(config.DATABASE_URL, () => {});

buildStorefrontIfStale();

const api = (port: number) => `http://127.0.0.1:${port}`;
const ts = (entry: string) => ({ args: ['--import', 'tsx', entry], cwd: '.' });
const apps = [
  {
    name: 'command-api',
    ...ts('command-api/src/main.ts'),
    color: 36,
    health: `http://127.0.0.1:${config.COMMAND_API_PORT}/health`,
  },
  {
    name: 'query-api',
    ...ts('query-api/src/main.ts'),
    color: 35,
    health: `http://127.0.0.1:${config.QUERY_API_PORT}/health`,
  },
  {
    name: 'projections',
    ...ts('projections/src/main.ts'),
    color: 33,
    health: `http://127.0.0.1:${config.PROJECTIONS_PORT}/health`,
  },
  {
    name: 'storefront',
    args: ['server.mjs'],
    cwd: 'pwa',
    color: 32,
    health: `http://127.0.0.1:${config.STOREFRONT_PORT}/manifest.webmanifest`,
  },
];

let stopping = false;
const children: ChildProcess[] = apps.map(({ name, args, cwd, color }) => {
  const child = spawn(process.execPath, args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      COMMAND_API_URL: api(config.COMMAND_API_PORT),
      QUERY_API_URL: api(config.QUERY_API_PORT),
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
  child.on('exit', (code) => {
    if (stopping) return;
    console.error(`[start] ${name} exited with ${code}; stopping the stack`);
    void stop(1);
  });
  return child;
});

async function stop(code: number) {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
  process.exit(code);
}
process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));
// Whatever goes wrong here, the apps it started stop with it: no orphans left holding the ports.
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (error) => {
    console.error('[start] failed:', error);
    void stop(1);
  });
}

const healthy = async (url: string) =>
  fetch(url).then(
    (r) => r.ok,
    () => false,
  );
for (let i = 0; i < 120 && !stopping; i++) {
  if ((await Promise.all(apps.map((a) => healthy(a.health)))).every(Boolean)) break;
  await new Promise((r) => setTimeout(r, 500));
}
if (!stopping) await seedWhenEmpty();
if (!stopping) {
  console.log(`
[start] Flowdose is up. Ctrl-C stops everything.
  storefront    http://127.0.0.1:${config.STOREFRONT_PORT}  (the shopper PWA)
  command API   http://127.0.0.1:${config.COMMAND_API_PORT}
  query API     http://127.0.0.1:${config.QUERY_API_PORT}
  projections   http://127.0.0.1:${config.PROJECTIONS_PORT}  (status JSON; /health)
  try:          curl -s -X POST http://127.0.0.1:${config.COMMAND_API_PORT}/carts -H 'content-type: application/json' -d '{"currency":"EUR"}'
`);
}

/** A store without products gets the demo catalog, through the commands, with a progress bar. */
async function seedWhenEmpty() {
  const pool = createPool(config.DATABASE_URL, { max: 1 });
  const { rows } = await pool.query("select exists (select 1 from events where type = 'ProductCreated') as seeded");
  await pool.end();
  if (rows[0]?.seeded) return;
  const products = demoCatalog(500);
  const bar = new SingleBar({ format: '[start] demo catalog [{bar}] {value}/{total} products', hideCursor: true });
  bar.start(products.length, 0);
  await seedCatalog({
    commandsUrl: `http://127.0.0.1:${config.COMMAND_API_PORT}`,
    jwtSecret: config.AUTH_JWT_SECRET,
    products,
    onProgress: (done) => bar.update(done),
  });
  bar.stop();
}
