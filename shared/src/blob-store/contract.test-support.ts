import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUnavailable } from '../unavailable.ts';
import { type BlobStore, InvalidBlobKeyError } from './port.ts';

export type BlobStoreFactory = () => Promise<{ store: BlobStore; cleanup: () => Promise<void> }>;

const bytesOf = async (body: Readable) => Buffer.concat(await body.toArray());

/** A stream of `size` pseudo-random bytes in 64 KiB chunks, without holding them all. */
function randomStream(size: number, seed: string): { stream: Readable; digest: Promise<string> } {
  const hash = createHash('sha256');
  let sent = 0;
  let resolveDigest: (hex: string) => void;
  const digest = new Promise<string>((r) => {
    resolveDigest = r;
  });
  const stream = new Readable({
    read() {
      if (sent >= size) {
        resolveDigest(hash.digest('hex'));
        this.push(null);
        return;
      }
      const n = Math.min(64 * 1024, size - sent);
      const chunk = createHash('sha512').update(`${seed}:${sent}`).digest();
      const block = Buffer.alloc(n, chunk);
      hash.update(block);
      sent += n;
      this.push(block);
    },
  });
  return { stream, digest };
}

/** The behaviour every BlobStore adapter must show; blob-store.test.ts runs it for each. */
export function blobStoreContract(adapter: string, factory: BlobStoreFactory) {
  describe(`BlobStore contract: ${adapter}`, () => {
    let store: BlobStore;
    let cleanup: () => Promise<void>;
    // Each run writes under a folder of its own, so a store that outlives runs stays usable.
    const root = `contract-${randomUUID()}`;
    const key = (name: string) => `${root}/${name}`;

    beforeAll(async () => {
      ({ store, cleanup } = await factory());
    });
    afterAll(async () => {
      for (const { key: k } of await store.list(`${root}/`)) await store.delete(k);
      await store.close();
      await cleanup();
    });

    it('answers that it is reachable', async () => {
      await expect(store.check()).resolves.toBeUndefined();
    });

    it('puts bytes and gets them back with their length, type and entity tag', async () => {
      const bytes = randomBytes(3000);
      await store.put(key('a/one.bin'), bytes, { contentType: 'image/webp' });
      const head = await store.head(key('a/one.bin'));
      expect(head).toMatchObject({ key: key('a/one.bin'), size: 3000, contentType: 'image/webp' });
      expect(head!.etag).toMatch(/^"[^"]+"$/);
      expect(head!.lastModified.getTime()).toBeGreaterThan(Date.now() - 10 * 60_000);
      const got = await store.get(key('a/one.bin'));
      expect(got).toMatchObject({ size: 3000, contentType: 'image/webp', etag: head!.etag, range: null });
      expect((await bytesOf(got!.body)).equals(bytes)).toBe(true);
    });

    it('gets a range of the bytes, saying the whole length', async () => {
      const bytes = Buffer.from('0123456789abcdefghij');
      await store.put(key('range.txt'), bytes, { contentType: 'text/plain' });
      const got = await store.get(key('range.txt'), { range: { start: 5, end: 9 } });
      expect(got).toMatchObject({ size: 20, range: { start: 5, end: 9 } });
      expect(await text(got!.body)).toBe('56789');
      const last = await store.get(key('range.txt'), { range: { start: 19, end: 19 } });
      expect(await text(last!.body)).toBe('j');
    });

    it('answers null for a key it does not have, and deleting one is no error', async () => {
      expect(await store.head(key('missing'))).toBeNull();
      expect(await store.get(key('missing'))).toBeNull();
      expect(await store.get(key('missing'), { range: { start: 0, end: 1 } })).toBeNull();
      await expect(store.delete(key('missing'))).resolves.toBeUndefined();
      // A key below a blob's key, as if the blob were a folder.
      await store.put(key('file'), Buffer.from('x'), { contentType: 'text/plain' });
      expect(await store.head(key('file/below'))).toBeNull();
    });

    it('replaces a key written again, and deletes it', async () => {
      await store.put(key('again'), Buffer.from('first'), { contentType: 'text/plain' });
      const first = await store.head(key('again'));
      await store.put(key('again'), Buffer.from('second!'), { contentType: 'application/json' });
      const second = await store.head(key('again'));
      expect(second).toMatchObject({ size: 7, contentType: 'application/json' });
      expect(second!.etag).not.toBe(first!.etag);
      expect(await text((await store.get(key('again')))!.body)).toBe('second!');
      await store.delete(key('again'));
      expect(await store.head(key('again'))).toBeNull();
      expect((await store.list(key('again'))).map((b) => b.key)).toEqual([]);
    });

    it('lists the keys under a prefix in key order, with their sizes', async () => {
      for (const name of ['l/b/2.webp', 'l/a/1.avif', 'l/a/0.webp', 'l/ab/3', 'l/b/1.webp', 'lx/4'])
        await store.put(key(name), Buffer.from(name), { contentType: 'text/plain' });
      const names = async (prefix: string) => (await store.list(key(prefix))).map((b) => b.key.slice(root.length + 1));
      expect(await names('l/a/')).toEqual(['l/a/0.webp', 'l/a/1.avif']);
      expect(await names('l/a')).toEqual(['l/a/0.webp', 'l/a/1.avif', 'l/ab/3']);
      expect(await names('l/')).toEqual(['l/a/0.webp', 'l/a/1.avif', 'l/ab/3', 'l/b/1.webp', 'l/b/2.webp']);
      expect(await names('l/b/1')).toEqual(['l/b/1.webp']);
      expect(await names('nothing/')).toEqual([]);
      expect(await store.list(key('l/b/'))).toEqual([
        { key: key('l/b/1.webp'), size: 10 },
        { key: key('l/b/2.webp'), size: 10 },
      ]);
    });

    it('stores a large stream whole (in parts where the store has them)', async () => {
      const size = 12 * 1024 * 1024 + 123;
      const { stream, digest } = randomStream(size, 'large');
      await store.put(key('large.bin'), stream, { contentType: 'application/octet-stream' });
      expect(await store.head(key('large.bin'))).toMatchObject({ size });
      const got = await store.get(key('large.bin'));
      const hash = createHash('sha256');
      for await (const chunk of got!.body) hash.update(chunk as Buffer);
      expect(hash.digest('hex')).toBe(await digest);
    });

    it('leaves nothing under the key when the body fails on the way', async () => {
      await store.put(key('kept'), Buffer.from('old bytes'), { contentType: 'text/plain' });
      for (const target of ['kept', 'never']) {
        let sent = 0;
        const failing = new Readable({
          read() {
            sent += 1;
            if (sent > 3) this.destroy(new Error('the client went away'));
            else this.push(randomBytes(100_000));
          },
        });
        await expect(store.put(key(target), failing, { contentType: 'text/plain' })).rejects.toThrow();
      }
      expect(await text((await store.get(key('kept')))!.body)).toBe('old bytes');
      expect(await store.head(key('never'))).toBeNull();
      expect((await store.list(key('never'))).length).toBe(0);
    });

    it('refuses keys that are not keys, before touching anything', async () => {
      for (const bad of [
        '',
        '/abs',
        'a//b',
        '../up',
        'a/../b',
        'a/./b',
        '.meta/x',
        'a/.hidden',
        'a/',
        'sp ace',
        'a\\b',
      ]) {
        await expect(store.put(bad, Buffer.from('x'), { contentType: 'text/plain' }), bad).rejects.toBeInstanceOf(
          InvalidBlobKeyError,
        );
        await expect(store.get(bad), bad).rejects.toBeInstanceOf(InvalidBlobKeyError);
        await expect(store.head(bad), bad).rejects.toBeInstanceOf(InvalidBlobKeyError);
        await expect(store.delete(bad), bad).rejects.toBeInstanceOf(InvalidBlobKeyError);
      }
      await expect(store.list('../')).rejects.toBeInstanceOf(InvalidBlobKeyError);
    });

    it('hands out a URL that gets the bytes without credentials, where it has such URLs', async () => {
      const bytes = randomBytes(500);
      await store.put(key('shared.png'), bytes, { contentType: 'image/png' });
      const url = await store.presignGet(key('shared.png'), { expiresInSeconds: 60 });
      if (store.kind === 'local') {
        expect(url).toBeNull();
        return;
      }
      expect(url).toMatch(/^https?:\/\//);
      const res = await fetch(url!);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
      // The signature covers the key: another key with it is refused.
      const other = url!.replace('shared.png', 'other.png');
      expect((await fetch(other)).status).toBe(403);
    });
  });
}

/** A store that does not answer is unavailable (a retryable 503), not a failure of the request. */
export async function expectUnavailable(store: BlobStore): Promise<void> {
  const error = await store.head('any/key').then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, 'head on an unreachable store').not.toBeNull();
  expect(isUnavailable(error)).toBe(true);
  await expect(store.check()).rejects.toThrow();
}
