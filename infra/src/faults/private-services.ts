import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, until } from '@flowdose/testing/process';
import pg from 'pg';

// A PostgreSQL and a Redis of a fault test's own, on other ports: restarting or flushing
// them disturbs no other test running at the same time. Debian's binaries, no Docker.

const PG_BIN = ['/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin'].find((d) =>
  existsSync(join(d, 'pg_ctl')),
);
// initdb and postgres refuse to run as root: as root, run them as the postgres user.
const asPostgres = (cmd: string, args: string[]) =>
  process.getuid?.() === 0 ? (['runuser', ['-u', 'postgres', '--', cmd, ...args]] as const) : ([cmd, args] as const);

export type PrivatePostgres = {
  url: (database: string) => string;
  /** Down for `downMs` (a fast shutdown: connections are cut), then up again. */
  restart: (downMs?: number) => Promise<void>;
  stop: () => Promise<void>;
};

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  if (!PG_BIN) throw new Error('No PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)');
  const dir = mkdtempSync(join(tmpdir(), 'fd-pg-'));
  if (process.getuid?.() === 0) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), 0);
  const data = join(dir, 'data');
  const port = await freePort();
  const run = (cmd: string, args: string[]) => {
    const [c, a] = asPostgres(join(PG_BIN, cmd), args);
    execFileSync(c, a, { stdio: 'pipe' });
  };
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const start = () => run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  const stop = (mode: string) => run('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
  start();
  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    url,
    async restart(downMs = 4000) {
      stop('fast');
      await new Promise((r) => setTimeout(r, downMs));
      start();
      await until(
        async () => {
          const c = new pg.Client({ connectionString: url('postgres') });
          return c.connect().then(
            () => c.end().then(() => true),
            () => false,
          );
        },
        20_000,
        'private postgres up',
      );
    },
    async stop() {
      try {
        stop('immediate');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export type PrivateRedis = {
  url: string;
  restart: (downMs?: number) => Promise<void>;
  flushAll: () => Promise<void>;
  stop: () => Promise<void>;
};

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const cli = (...args: string[]) => execFileSync('redis-cli', ['-p', String(port), ...args], { stdio: 'pipe' });
  const up = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    await until(
      async () => {
        try {
          return cli('ping').toString().includes('PONG');
        } catch {
          return false;
        }
      },
      10_000,
      'private redis up',
    );
  };
  const down = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
  };
  await up();
  return {
    url: `redis://127.0.0.1:${port}`,
    async restart(downMs = 2000) {
      await down();
      await new Promise((r) => setTimeout(r, downMs));
      await up();
    },
    async flushAll() {
      cli('flushall');
    },
    stop: down,
  };
}
