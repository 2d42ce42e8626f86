import { randomUUID } from 'node:crypto';
import withSerwistInit from '@serwist/next';

// One revision per build: the precached pages below are fetched again by each new version.
const revision = randomUUID();

// The files only back-office pages use (their scripts and styles, by webpack's chunk groups):
// a shopper's service worker must not download the back office.
const backOfficeOnly = new WeakMap();
function isBackOfficeOnly({ asset, compilation }) {
  let files = backOfficeOnly.get(compilation);
  if (!files) {
    const admin = new Set();
    const shop = new Set();
    for (const group of compilation.chunkGroups) {
      const into = group.name?.startsWith('app/admin/') ? admin : shop;
      for (const file of group.getFiles()) into.add(file);
    }
    files = new Set([...admin].filter((file) => !shop.has(file)));
    backOfficeOnly.set(compilation, files);
  }
  return files.has(asset.name);
}

const withSerwist = withSerwistInit({
  swSrc: 'app/sw.ts',
  swDest: 'public/sw.js',
  // Registered by components/service-worker.tsx, which also tells the shopper about updates.
  register: false,
  // The outbox drains when the network returns; a reload then would only interrupt it.
  reloadOnOnline: false,
  // The shell of the pages that work without the network, and the page for those that do not.
  additionalPrecacheEntries: ['/~offline', '/cart', '/checkout', '/account'].map((url) => ({ url, revision })),
  exclude: [isBackOfficeOnly],
});

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // The shared domain (the cart decider, the contract's types) is TypeScript source: Next compiles it.
  transpilePackages: ['@flowdose/domain', '@flowdose/contract'],
  poweredByHeader: false,
  async headers() {
    return [
      { source: '/sw.js', headers: [{ key: 'Cache-Control', value: 'no-cache' }] },
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
          { key: 'X-Frame-Options', value: 'DENY' },
        ],
      },
    ];
  },
};

export default withSerwist(nextConfig);
