// Catalog reads under load: the product list (priced, sorted, filtered), product detail,
// categories (10 connections each) and search with typos (100 connections), with the demo
// catalog loaded, by autocannon, each read
// twice in the same run: from a query API with the Redis read cache on, and from a second
// one on the same database with READ_CACHE=off. Medusa's figures for the same reads are
// quoted from an earlier run of Medusa 2.10 on this kind of machine (not this run).
// Usage: npm run bench:catalog [-- --seconds=10]
import { misspell } from '@flowdose/shared/search/misspell';
import autocannon from 'autocannon';
import { demoCatalog } from '../src/seed/demo-catalog.ts';
import { seedCatalog } from '../src/seed/seed-catalog.ts';
import { startStack } from './stack.ts';
import { machine, timed, writeResults } from './support.ts';

const seconds = Number(process.argv.find((a) => a.startsWith('--seconds='))?.split('=')[1] ?? 10);
const stack = await startStack('flowdose_bench_catalog');

async function load(label: string, url: string, path: string | (() => string), connections = 10) {
  const result = await timed(label, seconds, () =>
    autocannon({
      url,
      connections,
      duration: seconds,
      requests: [
        { method: 'GET', ...(typeof path === 'string' ? { path } : { setupRequest: (r) => ({ ...r, path: path() }) }) },
      ],
    }),
  );
  if (result.non2xx > 0) throw new Error(`${label}: ${result.non2xx} non-2xx answers`);
  return {
    label,
    requestsPerSecond: Math.round(result.requests.average),
    // Requests autocannon gave up on (10 s without an answer) or lost: shown, not hidden.
    errors: result.errors + result.timeouts,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

try {
  // Without pictures: their renditions (minutes of sharp work in the projections service)
  // would share the CPU with the reads measured here; pages with pictures are the Lighthouse
  // benchmark's.
  const products = demoCatalog(500).map((p) => ({ ...p, images: [] }));
  await timed('seeding the demo catalog', 60, () =>
    seedCatalog({ commandsUrl: stack.commands, jwtSecret: stack.env.AUTH_JWT_SECRET, products }),
  );
  // Let the projections catch up before measuring reads.
  await new Promise((r) => setTimeout(r, 3000));
  const handles = products.filter((p) => p.publish).map((p) => p.handle);
  const uncached = await stack.startQueryApi('4104', { READ_CACHE: 'off' });
  let next = 0;
  const reads: [string, string | (() => string)][] = [
    ['list: 20 newest', '/products?limit=20'],
    ['list: category, price sort, in stock', '/products?category=apparel&sort=price_asc&inStock=true&limit=20'],
    ['detail by handle', () => `/products/${handles[next++ % handles.length]}`],
    ['categories', '/categories'],
  ];
  // A shopper's typing: a title with one letter dropped, swapped or doubled, as the search
  // tests make them; 100 at once, from 200 such queries.
  const typos = products
    .slice(0, 200)
    .map((p, i) => `/search?q=${encodeURIComponent(misspell(p.title, i))}&currency=EUR`);
  let nextTypo = 0;
  reads.push(['search: typo queries', () => typos[nextTypo++ % typos.length]!]);
  const results = [];
  for (const [label, path] of reads) {
    const connections = label.startsWith('search') ? 100 : 10;
    const on = await load(`${label} (cache on)`, stack.queries, path, connections);
    const off = await load(`${label} (cache off)`, uncached, path, connections);
    results.push({ label: `${label} (${connections} connections)`, on, off });
  }
  const memory = stack.memoryMiB();
  const medusa: Record<string, string> = {
    'list: 20 newest': '20–25 req/s, p99 477–753 ms',
    'detail by handle': '55–57 req/s, p99 439–463 ms',
  };
  const failed = (r: { errors: number }) => (r.errors > 0 ? ` (${r.errors} errors or timeouts)` : '');
  const table = [
    '| read | cache on: req/s | p50 / p99 ms | cache off: req/s | p50 / p99 ms | Medusa 2.10 (earlier run) |',
    '|---|---|---|---|---|---|',
    ...results.map(
      ({ label, on, off }) =>
        `| ${label} | ${on.requestsPerSecond} | ${on.p50} / ${on.p99}${failed(on)} | ${off.requestsPerSecond} | ${off.p50} / ${off.p99}${failed(off)} | ${medusa[label.replace(' (10 connections)', '')] ?? '—'} |`,
    ),
  ].join('\n');
  const mem = `RSS after the run (MiB): command-api ${memory['command-api']}, query-api ${memory['query-api']}, projections ${memory.projections}`;
  console.log(`\n${table}\n\n${mem}`);
  const m = machine();
  writeResults(
    'catalog',
    { ...m, seconds, products: products.length, results, memoryMiB: memory },
    `# Catalog reads (${m.date}, commit ${m.commit}, ${m.cores} cores, Node ${m.node}, ${seconds} s each)\n\n500 demo products (1,643 variants, no pictures), priced in the request's currency. Cache on: the query API's Redis read cache; cache off: a second query API on the same database with READ_CACHE=off, measured in the same run.\n\n${table}\n\n${mem}`,
  );
} finally {
  await stack.stop();
}
