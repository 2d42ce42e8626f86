// Checkout under load, with the three services as separate processes: 10 and 50 concurrent
// shoppers each buying their own SKU, then all of them buying one hot SKU. Per case the
// carts are filled first; then every shopper checks out its carts one after another, and
// only the checkout POST is timed. A last case times the whole journey (open a cart, add a
// line, check out) for 10 shoppers, the loop Medusa's figure in
// ../shared/peers/medusa/RESULTS.md measures. Usage: npm run bench:checkout [-- --per-shopper=20]
import { randomUUID } from 'node:crypto';
import { signAccessToken } from '@flowdose/shared/auth/tokens';
import { checkoutDetails } from '@flowdose/testing/checkout';
import { SingleBar } from 'cli-progress';
import { demoCatalog } from '../src/seed/demo-catalog.ts';
import { seedCatalog } from '../src/seed/seed-catalog.ts';
import { startStack } from './stack.ts';
import { machine, percentile, timed, writeResults } from './support.ts';

const perShopper = Number(process.argv.find((a) => a.startsWith('--per-shopper='))?.split('=')[1] ?? 20);
const journeySeconds = 10;
const stack = await startStack('flowdose_bench_checkout');
const { commands } = stack;
const json = { 'content-type': 'application/json' };
type Cart = { cartId: string; cartToken: string };

async function post<T>(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(commands + path, {
    method: 'POST',
    headers: { ...json, ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T & { detail?: string } };
}

async function cartWith(sku: string): Promise<Cart> {
  const cart = (await post<Cart>('/carts', { currency: 'EUR' })).body;
  const added = await post(`/carts/${cart.cartId}/items`, { sku, quantity: 1 }, { 'X-Cart-Token': cart.cartToken });
  if (added.status !== 201) throw new Error(`add ${sku}: ${added.status} ${added.body.detail}`);
  return cart;
}

async function checkOut(cart: Cart) {
  const t0 = performance.now();
  const res = await post(`/carts/${cart.cartId}/checkout`, checkoutDetails(), { 'X-Cart-Token': cart.cartToken });
  return { ms: performance.now() - t0, status: res.status, type: (res.body as { type?: string }).type };
}

const tally = (keys: string[]) => {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  return counts;
};

const stats = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return { p50: +percentile(sorted, 50).toFixed(1), p99: +percentile(sorted, 99).toFixed(1) };
};

function bar(label: string, total: number) {
  const b = new SingleBar({
    format: `${label.padEnd(34)} [{bar}] {value}/{total}`,
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 2000,
  });
  b.start(total, 0);
  return b;
}

async function scenario(label: string, shoppers: number, skuOf: (shopper: number) => string) {
  const filling = bar(`${label}: carts`, shoppers * perShopper);
  const carts: Cart[][] = await Promise.all(
    Array.from({ length: shoppers }, async (_, s) => {
      const mine: Cart[] = [];
      for (let i = 0; i < perShopper; i++) {
        mine.push(await cartWith(skuOf(s)));
        filling.increment();
      }
      return mine;
    }),
  );
  filling.stop();
  const running = bar(`${label}: checkouts`, shoppers * perShopper);
  const outcomes: Awaited<ReturnType<typeof checkOut>>[] = [];
  const started = performance.now();
  await Promise.all(
    carts.map(async (mine) => {
      for (const cart of mine) {
        outcomes.push(await checkOut(cart));
        running.increment();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  running.stop();
  const placed = outcomes.filter((o) => o.status === 201);
  const refused = outcomes.filter((o) => o.status !== 201);
  return {
    label,
    shoppers,
    checkouts: outcomes.length,
    placed: placed.length,
    refused: [...tally(refused.map((o) => `${o.status} ${o.type}`))].map(([k, n]) => `${k} × ${n}`),
    checkoutsPerSecond: +(placed.length / seconds).toFixed(1),
    ...stats(placed.map((o) => o.ms)),
  };
}

/** The whole journey per shopper in a loop: open a cart, add a line, check out. */
async function journeys(label: string, shoppers: number, skuOf: (shopper: number) => string) {
  const times: number[] = [];
  await timed(label, journeySeconds, (deadline) =>
    Promise.all(
      Array.from({ length: shoppers }, async (_, s) => {
        while (Date.now() < deadline) {
          const t0 = performance.now();
          const outcome = await checkOut(await cartWith(skuOf(s)));
          if (outcome.status !== 201) throw new Error(`journey checkout: ${outcome.status} ${outcome.type}`);
          times.push(performance.now() - t0);
        }
      }),
    ),
  );
  return { label, shoppers, checkoutsPerSecond: +(times.length / journeySeconds).toFixed(1), ...stats(times) };
}

try {
  const products = demoCatalog(60).filter((p) => p.publish);
  await seedCatalog({ commandsUrl: commands, jwtSecret: stack.env.AUTH_JWT_SECRET, products });
  const skus = products.flatMap((p) => p.variants.map((v) => v.sku));
  if (skus.length < 51) throw new Error(`only ${skus.length} SKUs seeded`);
  // Enough stock that every case measures checkout, not running out.
  const admin = await signAccessToken(
    stack.env.AUTH_JWT_SECRET,
    { userId: randomUUID(), role: 'admin', sessionId: randomUUID() },
    3600,
  );
  for (const sku of skus.slice(0, 51)) {
    const res = await post(
      `/admin/inventory/${sku}/restock`,
      { quantity: 100_000, reason: 'bench' },
      {
        Authorization: `Bearer ${admin}`,
      },
    );
    if (res.status !== 200) throw new Error(`restock ${sku}: ${res.status} ${res.body.detail}`);
  }
  const hot = skus[50]!;
  await journeys('warm-up', 2, (s) => skus[s]!);
  const results = [
    await scenario('10 shoppers, distinct SKUs', 10, (s) => skus[s]!),
    await scenario('50 shoppers, distinct SKUs', 50, (s) => skus[s]!),
    await scenario('10 shoppers, one hot SKU', 10, () => hot),
    await scenario('50 shoppers, one hot SKU', 50, () => hot),
  ];
  const journey = await journeys('whole journey, 10 shoppers', 10, (s) => skus[s]!);
  const memory = stack.memoryMiB();
  const table = [
    '| case | checkouts placed | refused | checkouts/s | checkout POST p50 / p99 ms |',
    '|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.label} | ${r.placed} of ${r.checkouts} | ${r.refused.join(', ') || 'none'} | ${r.checkoutsPerSecond} | ${r.p50} / ${r.p99} |`,
    ),
    `| ${journey.label} (open cart, add line, check out) | | | ${journey.checkoutsPerSecond} | ${journey.p50} / ${journey.p99} (whole journey) |`,
  ].join('\n');
  const mem = `RSS after the run (MiB): command-api ${memory['command-api']}, query-api ${memory['query-api']}, projections ${memory.projections}`;
  console.log(`\n${table}\n\n${mem}`);
  const m = machine();
  writeResults(
    'checkout',
    { ...m, perShopper, results, journey, memoryMiB: memory },
    `# Checkout under load (${m.date}, commit ${m.commit}, ${m.cores} cores, Node ${m.node})\n\nEach shopper checks out ${perShopper} carts of one line, one after another; only the checkout POST is timed (reserve stock, take the test payment, place the order, close the cart). The hot cases put every shopper on the same SKU's stream. The last row times the whole journey in a loop for ${journeySeconds} s; Medusa 2 measured 1.1–1.2 checkouts/s, p50 8.5–9.3 s for its whole checkout with 10 shoppers (../shared/peers/medusa/RESULTS.md, an earlier run).\n\n${table}\n\n${mem}`,
  );
} finally {
  await stack.stop();
}
