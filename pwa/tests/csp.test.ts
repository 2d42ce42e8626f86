/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStorefront } from './storefront-stack.ts';

let shop: Awaited<ReturnType<typeof startStorefront>>;
beforeAll(async () => {
  shop = await startStorefront();
}, 120_000);
afterAll(() => shop?.close());

/** The policy as directive → sources. */
const parse = (header: string | null | undefined) =>
  new Map(
    (header ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...sources]) => [name!, sources]),
  );
const nonceOf = (header: string | null | undefined) =>
  parse(header)
    .get('script-src')
    ?.find((s) => s.startsWith("'nonce-"))
    ?.slice(7, -1);

/** The nonce attribute of every <script> in a page's HTML. */
const scriptNonces = (html: string) =>
  [...html.matchAll(/<script\b[^>]*>/g)].map((m) => /\snonce="([^"]*)"/.exec(m[0])?.[1] ?? null);

declare global {
  interface Window {
    violations: { directive: string; blocked: string }[];
    injected?: string;
  }
}

/** A browser whose pages record every policy violation from their first script on. */
async function browsing() {
  const context = await shop.shopper();
  await context.addInitScript(() => {
    window.violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.violations.push({ directive: e.effectiveDirective, blocked: e.blockedURI }),
    );
  });
  const page = await context.newPage();
  return { context, page };
}
const violations = (page: Page) => page.evaluate(() => window.violations);
/** React attached itself to the page, which needs Next's scripts to have run. */
const hydrated = (page: Page) =>
  page.waitForFunction(() => Object.keys(document.body).some((k) => k.startsWith('__react')));
/** The nonces the browser gave the page's scripts (the attribute itself is hidden from the DOM). */
const domNonces = (page: Page) => page.evaluate(() => Array.from(document.scripts, (s) => s.nonce));

describe('the Content-Security-Policy', () => {
  it('is strict on a shop page, a back-office page and the offline page, with a fresh nonce each time', async () => {
    for (const path of ['/', '/products/classic-t-shirt', '/admin/login', '/~offline']) {
      const [first, second] = [await fetch(shop.url + path), await fetch(shop.url + path)];
      expect(first.status, path).toBe(200);
      const header = first.headers.get('content-security-policy');
      const policy = parse(header);
      expect(policy.get('script-src'), path).toEqual(["'self'", expect.stringMatching(/^'nonce-/), "'strict-dynamic'"]);
      expect(header, path).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      expect(policy.get('style-src'), path).toEqual(["'self'", expect.stringMatching(/^'nonce-/)]);
      for (const [directive, sources] of Object.entries({
        'default-src': ["'self'"],
        'connect-src': ["'self'"],
        'img-src': ["'self'", 'data:', 'blob:'],
        'worker-src': ["'self'"],
        'manifest-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'none'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
      }))
        expect(policy.get(directive), `${path} ${directive}`).toEqual(sources);
      // The headers next.config.mjs sets are still there.
      expect(first.headers.get('x-frame-options')).toBe('DENY');
      expect(first.headers.get('x-content-type-options')).toBe('nosniff');

      const nonce = nonceOf(header);
      expect(nonce, path).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(nonceOf(second.headers.get('content-security-policy')), path).not.toBe(nonce);
      // Next's own scripts, inline and not, carry this response's nonce.
      const nonces = scriptNonces(await first.text());
      expect(nonces.length, path).toBeGreaterThan(2);
      expect(new Set(nonces), path).toEqual(new Set([nonce]));
      expect(new Set(scriptNonces(await second.text())), path).toEqual(
        new Set([nonceOf(second.headers.get('content-security-policy'))]),
      );
    }
  });

  it('lets the pages run: no violation on a shop, cart or back-office page', async () => {
    const { context, page } = await browsing();
    for (const path of ['/', '/products', '/products/classic-t-shirt', '/cart', '/admin/login']) {
      await page.goto(shop.url + path);
      await page.waitForLoadState('load');
      await hydrated(page);
      expect(await violations(page), path).toEqual([]);
    }
    await context.close();
  });

  it('refuses an injected inline script, inline event handler and javascript: URL', async () => {
    const { context, page } = await browsing();
    // Markup an attacker got into the page as served (a reflected or stored injection): an
    // inline script without the nonce, parsed under the response's own policy.
    await page.route(`${shop.url}/`, async (route) => {
      const response = await route.fetch();
      const html = await response.text();
      expect(html).toContain('<head>');
      await route.fulfill({
        response,
        body: html.replace('<head>', `<head><script>window.injected = 'markup'</script>`),
      });
    });
    await page.goto(`${shop.url}/`);
    await hydrated(page);
    // And markup added to the page later (DOM injection): an event handler and a javascript: link.
    const attempts = await page.evaluate(async () => {
      const reported = (n: number) =>
        new Promise<void>((resolve) => {
          const until = Date.now() + 5000;
          const check = () => (window.violations.length >= n || Date.now() > until ? resolve() : setTimeout(check, 20));
          check();
        });
      await reported(1);
      const box = document.createElement('div');
      box.innerHTML = `<img src="data:," onerror="window.injected = 'handler'">`;
      document.body.append(box);
      await reported(2);
      const link = document.createElement('a');
      link.href = "javascript:window.injected = 'url'";
      document.body.append(link);
      link.click();
      await reported(3);
      return { injected: window.injected ?? null, violations: window.violations };
    });
    expect(attempts.injected).toBeNull();
    expect(attempts.violations).toEqual([
      { directive: 'script-src-elem', blocked: 'inline' },
      { directive: 'script-src-attr', blocked: 'inline' },
      { directive: 'script-src-elem', blocked: 'inline' },
    ]);
    await context.close();
  });

  it('still matches its nonces on the pages the service worker serves offline', async () => {
    const { context, page } = await browsing();
    await page.goto(`${shop.url}/products`);
    // Installed means precached (/~offline, /cart, /checkout, /account).
    await page.waitForFunction(async () => (await navigator.serviceWorker.ready).active?.state === 'activated');
    // Under the worker now: this copy of the page is the one kept for offline.
    const online = nonceOf((await page.reload())?.headers()['content-security-policy']);
    await page.waitForFunction(
      async (nonce) => (await (await caches.match('/products'))?.text())?.includes(`nonce="${nonce}"`),
      online,
      { timeout: 15_000 },
    );
    await context.setOffline(true);

    // A page kept at run time, a precached one, and the fallback for a page never seen.
    for (const [path, heading] of [
      ['/products', 'All products'],
      ['/cart', 'Your cart'],
      ['/products/wool-socks-3-pairs', 'You are offline'],
    ] as const) {
      const response = await page.goto(shop.url + path);
      expect(response?.fromServiceWorker(), path).toBe(true);
      const nonce = nonceOf(response?.headers()['content-security-policy']);
      expect(nonce, path).toBeTruthy();
      await page.getByRole('heading', { name: heading }).first().waitFor();
      await hydrated(page);
      expect(new Set(await domNonces(page)), path).toEqual(new Set([nonce]));
      expect(await violations(page), path).toEqual([]);
      if (path === '/products') expect(nonce).toBe(online);
    }
    await context.close();
  });
});
