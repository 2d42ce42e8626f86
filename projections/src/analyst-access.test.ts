import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';
import { orderPlaced } from '@flowdose/domain/events.test-support';
import { orderStream } from '@flowdose/domain/order/events';
import type { NewEvent } from '@flowdose/shared/event-store/port';
import type { Position } from '@flowdose/shared/event-store/position';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { readableAt } from '@flowdose/shared/event-store/readable';
import { liveSchema } from '@flowdose/shared/read-models';
import { createTestDatabase, type TestDatabase } from '@flowdose/testing/db';
import { testMetadata } from '@flowdose/testing/events';
import { spawnTs, until } from '@flowdose/testing/process';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AnalystLimits, createAnalystRole } from './analyst-role.ts';
import type { Projection } from './projection.ts';
import { orderHistory, shopHistory } from './read-models/analytics-fixture.test-support.ts';
import { salesDailyProjection as salesDailyIn } from './read-models/sales_daily/projection.ts';
import { shopDays } from './read-models/shop-day.ts';
import { rebuild } from './rebuild.ts';
import { projections } from './registry.ts';
import { catchUp } from './run-range.ts';
import { createSchema } from './schema.ts';

const salesDailyProjection = salesDailyIn(shopDays('UTC'));

// pg's own SCRAM client (what every `pg` connection runs), to prove a stored verifier takes
// the password: this cluster trusts 127.0.0.1 (pg_hba.conf), so logging in proves nothing.
const sasl = createRequire(import.meta.url)('pg/lib/crypto/sasl.js') as {
  startSession: (mechanisms: string[]) => { clientNonce: string; response: string };
  continueSession: (session: object, password: string, serverFirst: string) => Promise<void>;
  finalizeSession: (session: object, serverFinal: string) => void;
};

const PASSWORD = 'analyst correct horse 7';
const LIMITS: AnalystLimits = {
  statementTimeout: '1s',
  idleInTransactionTimeout: '5s',
  tempFileLimit: '10MB',
  connectionLimit: 3,
};
const VIEWS = [
  'cart_abandonment',
  'discount_usage',
  'funnel_daily',
  'order_lines',
  'orders',
  'product_sales',
  'products',
  'sales_daily',
  'variant_prices',
  'variants',
];

let db: TestDatabase;
let store: ReturnType<typeof createPostgresEventStore>;
let database: string;
let analyst: string;
const clients: pg.Client[] = [];

/** A session as the analyst, over TCP with its password, as psql would come in. */
async function asAnalyst(role = analyst): Promise<pg.Client> {
  const url = new URL(db.url);
  const client = new pg.Client({
    host: url.hostname,
    port: Number(url.port || 5432),
    database,
    user: role,
    password: PASSWORD,
  });
  client.on('error', () => {});
  await client.connect();
  clients.push(client);
  return client;
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => ({ code: 'none', message: 'succeeded' }),
    (error: { code?: string; message: string }) => ({ code: error.code, message: error.message }),
  );

/** Order and product events, appended as the command API would. */
async function appendShopHistory(): Promise<Position> {
  const streams = new Map<string, NewEvent[]>();
  const add = (stream: string, type: string, data: object) =>
    streams.set(stream, [...(streams.get(stream) ?? []), { id: randomUUID(), type, data, metadata: testMetadata }]);
  // Orders, and shoppers' carts, checkouts and discount uses without their orders (rows for
  // the funnel, abandonment and discount models; the order figures below stay orderHistory's).
  const shoppers = shopHistory().events.filter((e) => !e.streamId.startsWith('order-'));
  for (const e of [...orderHistory().events, ...shoppers]) add(e.streamId, e.type, e.data as object);
  for (const sku of ['MUG-WHITE', 'CAP-BLACK']) {
    const productId = randomUUID();
    add(`product-${productId}`, 'ProductCreated', {
      productId,
      title: sku,
      handle: sku.toLowerCase(),
      description: '',
      category: 'test',
      tags: [],
      options: [],
    });
    add(`product-${productId}`, 'VariantAdded', {
      productId,
      sku,
      optionValues: {},
      prices: { EUR: 1250, USD: 1390 },
      weightGrams: 300,
    });
    add(`product-${productId}`, 'ProductPublished', { productId });
  }
  let head: Position = { major: 0n, minor: 0n };
  for (const [stream, events] of streams) head = (await store.append(stream, events, 'no_stream')).position;
  await readableAt(store, head);
  return head;
}

async function projectAll(head: Position) {
  for (const p of projections) {
    await createSchema(db.pool, p, liveSchema(p.name));
    await catchUp(db.pool, store, p, liveSchema(p.name), head);
  }
}

/** Whether `password` passes SCRAM-SHA-256 against a stored verifier, as the server checks it. */
async function scramAccepts(verifier: string, password: string): Promise<boolean> {
  const [, iterations, salt, storedKey, serverKey] =
    /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(verifier) ?? [];
  if (!storedKey || !serverKey) throw new Error(`not a SCRAM verifier: ${verifier.slice(0, 14)}…`);
  const session = sasl.startSession(['SCRAM-SHA-256']);
  const serverFirst = `r=${session.clientNonce}${randomBytes(18).toString('base64')},s=${salt},i=${iterations}`;
  await sasl.continueSession(session, password, serverFirst);
  const [withoutProof, proof] = session.response.split(',p=') as [string, string];
  const authMessage = `n=*,r=${session.clientNonce},${serverFirst},${withoutProof}`;
  const signature = createHmac('sha256', Buffer.from(storedKey, 'base64')).update(authMessage).digest();
  const clientKey = Buffer.from(proof, 'base64').map((byte, i) => byte ^ signature[i]!);
  if (createHash('sha256').update(clientKey).digest('base64') !== storedKey) return false;
  // And the client's check of the server, with the verifier's server key.
  const serverSignature = createHmac('sha256', Buffer.from(serverKey, 'base64')).update(authMessage).digest('base64');
  sasl.finalizeSession(session, `v=${serverSignature}`);
  return true;
}

const verifierOf = async (role: string) =>
  (await db.pool.query<{ v: string }>('select rolpassword as v from pg_authid where rolname = $1', [role])).rows[0]!.v;

const settingsOf = async (role: string) =>
  (
    await db.pool.query<{ s: string[] }>(
      `select setconfig as s from pg_db_role_setting where setdatabase = 0 and setrole = (select oid from pg_roles where rolname = $1)`,
      [role],
    )
  ).rows[0]?.s ?? [];

beforeAll(async () => {
  db = await createTestDatabase();
  database = decodeURIComponent(new URL(db.url).pathname.slice(1));
  // Roles are the cluster's: named after this test's database, so no other run meets them.
  analyst = `${database}_analyst`;
  store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
  await projectAll(await appendShopHistory());
  await createAnalystRole(db.pool, { name: analyst, password: PASSWORD, limits: LIMITS });
});

// Each test's sessions end with it, and their backends (a moment later) too: the role's
// connection limit counts them.
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.end().catch(() => {})));
  const sessions = async () =>
    (
      await db.pool.query<{ n: number }>(
        'select count(*)::int as n from pg_stat_activity where starts_with(usename, $1)',
        [database],
      )
    ).rows[0]!.n;
  await until(async () => (await sessions()) === 0, 10_000, 'no analyst sessions left');
});

afterAll(async () => {
  await store?.close();
  const roles = await db.pool.query<{ rolname: string }>(
    'select rolname from pg_roles where starts_with(rolname, $1)',
    [database],
  );
  for (const { rolname } of roles.rows) await db.pool.query(`drop role if exists "${rolname}"`);
  await db.drop();
});

describe('read-only SQL for analysts', () => {
  it('has one view per declared analytics view, each readable by the analyst and holding rows', async () => {
    const declared = projections.flatMap((p) => Object.keys(p.views?.('s') ?? {})).sort();
    expect(new Set(declared).size).toBe(declared.length); // two projections may not share a name
    expect(declared).toEqual(VIEWS);
    const { rows } = await db.pool.query<{ name: string }>(
      "select viewname as name from pg_views where schemaname = 'analytics' order by 1",
    );
    expect(rows.map((r) => r.name)).toEqual(VIEWS);

    const client = await asAnalyst();
    for (const view of VIEWS) {
      const { rows: count } = await client.query<{ n: number }>(`select count(*)::int as n from analytics.${view}`);
      expect(count[0]!.n, view).toBeGreaterThan(0);
    }
    // The views by their names alone (search_path), and the figures as the read models hold them.
    const { rows: days } = await client.query(
      'select currency, sum(orders)::int as orders, sum(gross)::int as gross from sales_daily group by 1 order by 1',
    );
    expect(days).toEqual([
      { currency: 'EUR', orders: 3, gross: 5994 + 5999 + 2745 },
      { currency: 'USD', orders: 1, gross: 4770 },
    ]);
    const { rows: lines } = await client.query(
      "select sku, sum(quantity)::int as units, sum(revenue)::int as revenue from order_lines where currency = 'EUR' group by 1 order by 1",
    );
    expect(lines).toEqual([
      { sku: 'CAP-BLACK', units: 1, revenue: 2000 },
      { sku: 'HOODIE-GREY-M', units: 1, revenue: 4999 },
      { sku: 'MUG-WHITE', units: 4, revenue: 2 * 1250 + 1250 - 250 + 1250 },
    ]);
  });

  it('shows no credentials, tokens, e-mails or addresses in any view', async () => {
    const { rows } = await db.pool.query<{ column: string }>(
      "select table_name || '.' || column_name as column from information_schema.columns where table_schema = 'analytics'",
    );
    expect(rows.length).toBeGreaterThan(30);
    expect(rows.map((r) => r.column).filter((c) => /mail|password|hash|token|secret|address|tracking/.test(c))).toEqual(
      [],
    );
  });

  it('gets "permission denied" on every table outside analytics: credentials, the event store, every rm_*', async () => {
    const { rows } = await db.pool.query<{ name: string }>(
      `select format('%I.%I', n.nspname, c.relname) as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where c.relkind in ('r', 'v', 'm', 'p', 'S')
         and n.nspname not in ('pg_catalog', 'information_schema', 'analytics') and n.nspname !~ '^pg_toast'
       order by 1`,
    );
    const tables = rows.map((r) => r.name);
    expect(tables).toContain('public.customer_credentials');
    expect(tables).toContain('public.events');
    expect(tables).toContain('public.refresh_tokens');
    const readModels = tables.filter((t) => t.startsWith('rm_'));
    // Every projection's tables, checkpoints included.
    expect(new Set(readModels.map((t) => t.split('.')[0]))).toEqual(
      new Set(projections.map((p) => liveSchema(p.name))),
    );

    const client = await asAnalyst();
    for (const table of tables) {
      const result = await failure(client.query(`select * from ${table} limit 1`));
      expect(result, table).toMatchObject({ code: '42501', message: expect.stringMatching(/^permission denied/) });
    }
  });

  it('refuses every write: read-only by default, and no privilege to write once that is turned off', async () => {
    const client = await asAnalyst();
    const readOnly = async () => (await client.query("select current_setting('transaction_read_only') as r")).rows[0].r;
    expect(await readOnly()).toBe('on');
    const insert = "insert into analytics.sales_daily (day, currency) values ('2026-01-01', 'EUR')";
    expect(await failure(client.query(insert))).toMatchObject({ code: '42501' });

    // The analyst may turn the default off: privileges are what hold.
    await client.query('set default_transaction_read_only = off');
    expect(await readOnly()).toBe('off');
    const writes = [
      insert,
      'update analytics.sales_daily set orders = 0',
      'delete from analytics.sales_daily',
      'update analytics.orders set status = $$x$$',
      'delete from analytics.products',
      "insert into public.events (stream_id, stream_position, event_id, type, data, metadata) values ('x', 1, gen_random_uuid(), 'X', '{}', '{}')",
      "insert into public.customer_credentials values (gen_random_uuid(), 'a@b.c', 'x')",
      'update rm_orders.orders set status = $$x$$',
      'delete from rm_sales_daily.sales_daily',
      'truncate rm_catalog.products cascade',
      'create table analytics.mine (x int)',
      'create table public.mine (x int)',
      'create temporary table mine (x int)',
      'create schema mine',
      'create view analytics.mine as select 1',
      'select lo_create(0)',
      'select lo_from_bytea(0, $$x$$)',
    ];
    for (const sql of writes) {
      const result = await failure(client.query(sql));
      expect(result, sql).toMatchObject({ code: '42501', message: expect.stringMatching(/^permission denied/) });
    }
    // Nor take the advisory locks that order the services' work (the dispatcher's leader), nor
    // a transaction id that would hold back the event log's readers while it stays open.
    for (const sql of [
      'select pg_try_advisory_lock(1)',
      'select pg_advisory_xact_lock(1, 2)',
      'select pg_current_xact_id()',
      'select txid_current()',
    ]) {
      expect(await failure(client.query(sql)), sql).toMatchObject({ code: '42501' });
    }
    // Nor can it lift the limit on what its queries spill to disk.
    expect(await failure(client.query("set temp_file_limit = '100GB'"))).toMatchObject({ code: '42501' });
  });

  it('cancels a query that runs longer than the statement timeout', async () => {
    const client = await asAnalyst();
    const { rows } = await client.query<{ t: string; i: string; f: string; r: string }>(
      `select current_setting('statement_timeout') as t, current_setting('idle_in_transaction_session_timeout') as i,
         current_setting('temp_file_limit') as f, current_setting('default_transaction_read_only') as r`,
    );
    expect(rows[0]).toEqual({ t: '1s', i: '5s', f: '10MB', r: 'on' });
    expect(await failure(client.query('select pg_sleep(5)'))).toMatchObject({
      code: '57014',
      message: 'canceling statement due to statement timeout',
    });
    // The session goes on.
    expect((await client.query('select count(*)::int as n from sales_daily')).rows[0].n).toBeGreaterThan(0);
  });

  it('stops a query whose sorts spill more to disk than its temp_file_limit', async () => {
    const client = await asAnalyst();
    // The timeout is the analyst's to change (a default); the spill limit is not.
    await client.query("set statement_timeout = '60s'");
    const sort = 'select count(*) from (select g from generate_series(1, 3000000) g order by g desc offset 0) s';
    expect(await failure(client.query(sort))).toMatchObject({
      code: '53400',
      message: expect.stringContaining('temporary file size exceeds temp_file_limit'),
    });
  });

  it('lets the role have no more sessions at once than its connection limit', async () => {
    for (let i = 0; i < LIMITS.connectionLimit; i++) await asAnalyst();
    expect(await failure(asAnalyst())).toMatchObject({
      code: '53300',
      message: expect.stringMatching(/too many connections/),
    });
  });

  it('stores a SCRAM verifier of the password, never the password', async () => {
    const verifier = await verifierOf(analyst);
    expect(verifier.startsWith('SCRAM-SHA-256$4096:')).toBe(true);
    expect(verifier).not.toContain(PASSWORD);
    expect(await scramAccepts(verifier, PASSWORD)).toBe(true);
    expect(await scramAccepts(verifier, `${PASSWORD}!`)).toBe(false);
  });

  it('keeps analytics.sales_daily answering the same rows through a rebuild, and a version with other columns', async () => {
    const client = await asAnalyst();
    const read = async () => (await client.query('select * from analytics.sales_daily order by day, currency')).rows;
    const before = await read();
    expect(before.length).toBeGreaterThan(0);

    const reader = await asAnalyst();
    const problems: string[] = [];
    let reads = 0;
    let reading = true;
    const readAlong = (async () => {
      while (reading) {
        try {
          const { rows } = await reader.query('select * from analytics.sales_daily order by day, currency');
          if (!isDeepStrictEqual(rows, before)) problems.push(`saw ${rows.length} rows, not the same`);
        } catch (error) {
          problems.push(String(error));
        }
        reads++;
      }
    })();
    await rebuild({ pool: db.pool, store, queues: new Map(), projection: salesDailyProjection, chunk: 2 });
    // A few reads after the swap, too.
    const after = reads;
    while (reads < after + 3) await new Promise((r) => setTimeout(r, 5));
    reading = false;
    await readAlong;
    expect(problems).toEqual([]);
    expect(reads).toBeGreaterThan(3);
    expect(await read()).toEqual(before);
    const schemas = await db.pool.query("select nspname from pg_namespace where nspname like 'rm_sales_daily%'");
    expect(schemas.rows).toEqual([{ nspname: 'rm_sales_daily' }]);

    // Version 2 shows other columns: a column gone, one renamed, one new.
    const v2: Projection = {
      ...salesDailyProjection,
      version: 2,
      views: (s) => ({
        sales_daily: `select day, currency, orders as order_count, gross - refunds as net from ${s}.sales_daily`,
      }),
    };
    await rebuild({ pool: db.pool, store, queues: new Map(), projection: v2 });
    const { rows, fields } = await client.query('select * from analytics.sales_daily order by day, currency');
    expect(fields.map((f) => f.name)).toEqual(['day', 'currency', 'order_count', 'net']);
    expect(rows).toEqual(
      before.map((r) => ({ day: r.day, currency: r.currency, order_count: r.orders, net: r.gross - r.refunds })),
    );
    const comment = await db.pool.query("select obj_description('analytics.sales_daily'::regclass) as c");
    expect(comment.rows[0].c).toBe('read model sales_daily, version 2');

    // The view reads the live tables: an order placed now shows on today's row.
    const { type, data } = orderPlaced();
    const { position } = await store.append(
      orderStream(data.orderId),
      [{ id: randomUUID(), type, data, metadata: testMetadata }],
      'no_stream',
    );
    await readableAt(store, position);
    await catchUp(db.pool, store, v2, liveSchema('sales_daily'), position);
    const today = await client.query<{ n: number }>('select sum(order_count)::int as n from analytics.sales_daily');
    expect(today.rows[0]!.n).toBe(before.reduce((sum, r) => sum + r.orders, 0) + 1);
  });

  it('ops create-analyst-role reads the password from stdin and never prints it, nor takes it from argv', async () => {
    const role = `${database}_cli`;
    const env = {
      DATABASE_URL: db.url,
      QUEUE_PREFIX: `t${randomBytes(4).toString('hex')}`,
      ANALYST_STATEMENT_TIMEOUT: '2s',
    };
    const run = async (args: string[], input: string) => {
      const cli = spawnTs('projections/src/cli.ts', ['create-analyst-role', ...args], env, input);
      return { code: await cli.exited, output: cli.output() };
    };

    const created = await run([`--name=${role}`], `${PASSWORD}\n`);
    expect(created.code).toBe(0);
    expect(created.output).toContain(`created ${role}`);
    expect(created.output).not.toContain(PASSWORD);
    expect(await scramAccepts(await verifierOf(role), PASSWORD)).toBe(true);
    expect(await settingsOf(role)).toEqual(
      expect.arrayContaining(['default_transaction_read_only=on', 'statement_timeout=2s', 'search_path=analytics']),
    );
    const client = await asAnalyst(role);
    expect((await client.query('select count(*)::int as n from orders')).rows[0].n).toBeGreaterThan(0);

    const argv = await run([`--name=${role}`, '--password=in the shell history'], '');
    expect(argv.code).toBe(1);
    expect(argv.output).toContain('never taken from an argument');
  });

  it('updates an analyst role made before, and will not make one of a role that can do more', async () => {
    const role = `${database}_again`;
    const create = (name: string, password: string) =>
      createAnalystRole(db.pool, { name, password, limits: { ...LIMITS, statementTimeout: '3s' } });
    expect(await create(role, PASSWORD)).toMatchObject({ created: true, database });
    expect(await create(role, 'another password 8')).toMatchObject({ created: false });
    expect(await scramAccepts(await verifierOf(role), 'another password 8')).toBe(true);
    expect(await scramAccepts(await verifierOf(role), PASSWORD)).toBe(false);
    expect(await settingsOf(role)).toContain('statement_timeout=3s');

    await expect(create('postgres', PASSWORD)).rejects.toThrow('privileged role');
    await expect(create('flowdose_analytics_reader', PASSWORD)).rejects.toThrow('privileges of its own');
    const owner = `${database}_owner`;
    await db.pool.query(`create role ${owner} nologin`);
    await db.pool.query(`create table public.${owner} (x int)`);
    await db.pool.query(`alter table public.${owner} owner to ${owner}`);
    await expect(create(owner, PASSWORD)).rejects.toThrow('owns objects');
    await db.pool.query(`drop table public.${owner}`);
    await db.pool.query(`grant pg_read_all_data to ${owner}`);
    await expect(create(owner, PASSWORD)).rejects.toThrow('also a member of pg_read_all_data');
    await expect(create(`${database}_weak`, 'short')).rejects.toThrow();
    await expect(create(`${database}_accent`, 'mot de passe été 9')).rejects.toThrow('printable ASCII');
  });
});
