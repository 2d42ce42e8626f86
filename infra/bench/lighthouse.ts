// Lighthouse on the storefront's home, catalog and product pages, on Lighthouse's simulated
// mobile device (its default), with the whole stack as separate processes and Debian's
// Chromium. Prints scores, LCP, TBT, CLS and the JavaScript transferred, and writes them
// to infra/bench/results/lighthouse.{json,md}. Usage: npm run bench:lighthouse [-- --runs=5]
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { launch } from 'chrome-launcher';
import { SingleBar } from 'cli-progress';
import lighthouse from 'lighthouse';
import { demoCatalog } from '../src/seed/demo-catalog.ts';
import { seedCatalog } from '../src/seed/seed-catalog.ts';
import { buildStorefrontIfStale } from '../src/storefront-build.ts';
import { startStack } from './stack.ts';
import { machine, writeResults } from './support.ts';

const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.split('=')[1] ?? 5);
const PAGES = { home: '/', catalog: '/products', product: '/products/classic-t-shirt' };
const PORT = 4100;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

buildStorefrontIfStale();
const stack = await startStack('flowdose_bench_lighthouse');
let web: ChildProcess | undefined;
const chrome = await launch({
  chromePath: CHROMIUM,
  chromeFlags: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-sync'],
});

type Sample = {
  performance: number;
  accessibility: number;
  bestPractices: number;
  seo: number;
  lcpMs: number;
  tbtMs: number;
  cls: number;
  jsKiB: number;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  const products = demoCatalog(100);
  await seedCatalog({ commandsUrl: stack.commands, jwtSecret: stack.env.AUTH_JWT_SECRET, products });
  // Measured once the projections are idle: catching up would share the 2 cores with the pages.
  const published = products.filter((p) => p.publish).length;
  for (;;) {
    const page = (await (await fetch(`${stack.queries}/products?limit=100`)).json()) as { items: unknown[] };
    if (page.items.length >= published) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  web = spawn(process.execPath, ['server.mjs'], {
    cwd: fileURLToPath(new URL('../../pwa', import.meta.url)),
    env: {
      ...process.env,
      PORT: String(PORT),
      COMMAND_API_URL: stack.commands,
      QUERY_API_URL: stack.queries,
      NEXT_TELEMETRY_DISABLED: '1',
    },
    stdio: 'ignore',
  });
  for (let i = 0; ; i++) {
    if (
      await fetch(`http://127.0.0.1:${PORT}/manifest.webmanifest`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 100) throw new Error('the storefront did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  // A route's first request loads its server code: measured runs see a warm server.
  for (const path of Object.values(PAGES)) await (await fetch(`http://127.0.0.1:${PORT}${path}`)).text();
  const bar = new SingleBar({ format: 'lighthouse [{bar}] {value}/{total} runs', hideCursor: true, noTTYOutput: true });
  bar.start(Object.keys(PAGES).length * runs, 0);
  const results = [];
  for (const [name, path] of Object.entries(PAGES)) {
    const samples: Sample[] = [];
    for (let run = 0; run < runs; run++) {
      const result = await lighthouse(`http://127.0.0.1:${PORT}${path}`, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'],
      });
      const lhr = result!.lhr;
      const scripts = (
        lhr.audits['resource-summary']?.details as
          | { items: { resourceType: string; transferSize: number }[] }
          | undefined
      )?.items.find((i) => i.resourceType === 'script');
      samples.push({
        performance: Math.round((lhr.categories.performance?.score ?? 0) * 100),
        accessibility: Math.round((lhr.categories.accessibility?.score ?? 0) * 100),
        bestPractices: Math.round((lhr.categories['best-practices']?.score ?? 0) * 100),
        seo: Math.round((lhr.categories.seo?.score ?? 0) * 100),
        lcpMs: Math.round(lhr.audits['largest-contentful-paint']?.numericValue ?? 0),
        tbtMs: Math.round(lhr.audits['total-blocking-time']?.numericValue ?? 0),
        cls: +(lhr.audits['cumulative-layout-shift']?.numericValue ?? 0).toFixed(3),
        jsKiB: +((scripts?.transferSize ?? 0) / 1024).toFixed(1),
      });
      bar.increment();
    }
    // The median run of each figure: one slow run on a 2-core machine says little.
    const pick = (key: keyof Sample) => median(samples.map((s) => s[key]));
    results.push({
      page: `${name} (${path})`,
      performance: pick('performance'),
      accessibility: pick('accessibility'),
      bestPractices: pick('bestPractices'),
      seo: pick('seo'),
      lcpMs: pick('lcpMs'),
      tbtMs: pick('tbtMs'),
      cls: pick('cls'),
      jsKiB: pick('jsKiB'),
    });
  }
  bar.stop();
  const table = [
    '| page | performance | accessibility | best practices | SEO | LCP ms | TBT ms | CLS | JS transferred KiB (gzip) |',
    '|---|---|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.page} | ${r.performance} | ${r.accessibility} | ${r.bestPractices} | ${r.seo} | ${r.lcpMs} | ${r.tbtMs} | ${r.cls} | ${r.jsKiB} |`,
    ),
  ].join('\n');
  console.log(`\n${table}`);
  const m = machine();
  writeResults(
    'lighthouse',
    { ...m, runs, results },
    `# Storefront Lighthouse (${m.date}, commit ${m.commit}, ${m.cores} cores, Node ${m.node})\n\nLighthouse 13 with its default simulated mobile device and throttling, Debian's Chromium, the production build served by pwa/server.mjs, 100 demo products. Median of ${runs} runs per page. Aim: performance ≥ 95, accessibility ≥ 95, LCP < 1,200 ms, first-load JavaScript < 120 KB gzipped.\n\n${table}`,
  );
} finally {
  web?.kill('SIGTERM');
  chrome.kill();
  stack.stop();
}
