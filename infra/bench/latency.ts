// Command-to-read-model latency: the time from a POST's answer to the answer of a GET that
// carries its position in X-Min-Position, with the three services running as separate
// processes, as `npm start` runs them. Usage: npm run bench:latency [-- --seconds=8]
import { demoCatalog } from '../src/seed/demo-catalog.ts';
import { seedCatalog } from '../src/seed/seed-catalog.ts';
import { startStack } from './stack.ts';
import { machine, percentile, timed, writeResults } from './support.ts';

const seconds = Number(process.argv.find((a) => a.startsWith('--seconds='))?.split('=')[1] ?? 8);
// From the demo catalog's first products, which the bench seeds.
const SKUS = [
  'TSHIRT-RED-S',
  'TSHIRT-RED-M',
  'TSHIRT-RED-L',
  'TSHIRT-BLUE-S',
  'TSHIRT-BLUE-M',
  'MUG-WHITE',
  'CAP-BLACK',
  'TOTE-NATURAL',
];

const stack = await startStack('flowdose_bench_latency');
const { commands, queries } = stack;

const json = { 'content-type': 'application/json' };
async function newCart() {
  const res = await fetch(`${commands}/carts`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ currency: 'EUR' }),
  });
  return (await res.json()) as { cartId: string; cartToken: string };
}

/** One shopper: add a line, then read the cart at that position. Returns both timings. */
async function shopper(deadline: number, samples: { command: number[]; read: number[] }) {
  let cart = await newCart();
  for (let i = 0; Date.now() < deadline; i++) {
    if (i > 0 && i % SKUS.length === 0) cart = await newCart();
    const t0 = performance.now();
    const post = await fetch(`${commands}/carts/${cart.cartId}/items`, {
      method: 'POST',
      headers: { ...json, 'X-Cart-Token': cart.cartToken },
      body: JSON.stringify({ sku: SKUS[i % SKUS.length], quantity: 1 }),
    });
    const { position } = (await post.json()) as { position: string };
    const t1 = performance.now();
    const get = await fetch(`${queries}/carts/${cart.cartId}`, {
      headers: { 'X-Cart-Token': cart.cartToken, 'X-Min-Position': position },
    });
    await get.arrayBuffer();
    const t2 = performance.now();
    if (post.status !== 201 || get.status !== 200) throw new Error(`unexpected ${post.status}/${get.status}`);
    samples.command.push(t1 - t0);
    samples.read.push(t2 - t1);
  }
}

async function scenario(label: string, shoppers: number) {
  const samples = { command: [] as number[], read: [] as number[] };
  await timed(label, seconds, (deadline) =>
    Promise.all(Array.from({ length: shoppers }, () => shopper(deadline, samples))),
  );
  const stats = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return {
      p50: +percentile(sorted, 50).toFixed(1),
      p99: +percentile(sorted, 99).toFixed(1),
      max: +sorted[sorted.length - 1]!.toFixed(1),
    };
  };
  return {
    label,
    shoppers,
    commandsPerSecond: Math.round(samples.command.length / seconds),
    post: stats(samples.command),
    readYourWrite: stats(samples.read),
  };
}

try {
  await seedCatalog({ commandsUrl: commands, jwtSecret: stack.env.AUTH_JWT_SECRET, products: demoCatalog(5) });
  await timed('warm-up', 2, (deadline) => shopper(deadline, { command: [], read: [] }));
  const results = [
    await scenario('1 shopper (light load)', 1),
    await scenario('8 shoppers', 8),
    await scenario('32 shoppers', 32),
  ];
  const memory = stack.memoryMiB();
  const table = [
    '| load | commands/s | POST p50 / p99 ms | POST→read-your-write p50 / p99 / max ms |',
    '|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.label} | ${r.commandsPerSecond} | ${r.post.p50} / ${r.post.p99} | ${r.readYourWrite.p50} / ${r.readYourWrite.p99} / ${r.readYourWrite.max} |`,
    ),
  ].join('\n');
  const mem = `RSS after the run (MiB): command-api ${memory['command-api']}, query-api ${memory['query-api']}, projections ${memory.projections}`;
  console.log(`\n${table}\n\n${mem}`);
  const m = machine();
  writeResults(
    'latency',
    { ...m, seconds, results, memoryMiB: memory },
    `# Command-to-read-model latency (${m.date}, commit ${m.commit}, ${m.cores} cores, Node ${m.node}, ${seconds} s per load)\n\nEach shopper adds a line (POST) and then reads its cart with X-Min-Position set to the position the POST answered. Aim: p99 under 15 ms at light load.\n\n${table}\n\n${mem}`,
  );
} finally {
  await stack.stop();
}
