import { NotFoundError } from '@flowdose/domain/errors';
import { MEDIA_FILE, MEDIA_HASH, originalKey, RENDITION_WIDTHS } from '@flowdose/domain/product/media';
import { IMMUTABLE, requestRenditions } from '@flowdose/projections/renditions';
import type { ByteRange } from '@flowdose/shared/blob-store/port';
import { RangeNotSatisfiableError, ValidationError } from '@flowdose/shared/errors';
import { askQueue, isUnavailable } from '@flowdose/shared/unavailable';
import { type Request, type RequestHandler, Router } from 'express';
import type { Deps } from '../deps.ts';

/** `..` as a segment, or within one, in any spelling a client may send it. */
const climbs = (rawPath: string) => {
  if (rawPath.includes('..')) return true;
  try {
    return decodeURIComponent(rawPath).includes('..');
  } catch {
    return false; // a malformed escape: the router answers 400 malformed-path for it
  }
};

/** Under /media, a path that climbs is refused outright, whether or not a route would match it. */
const refuseClimbing: RequestHandler = (req, _res, next) => {
  if (climbs(req.originalUrl.split('?')[0]!))
    throw new ValidationError([{ path: 'path', message: 'a media path never has ".." in it' }], 'Bad media path.');
  next();
};

/**
 * Whether the client has these bytes already (RFC 9110 §13.1.2-3): If-None-Match by weak
 * comparison, or else If-Modified-Since. Evaluated here rather than by express's req.fresh,
 * which answers in full to any request saying `Cache-Control: no-cache`, as fetch() does with
 * every conditional request.
 */
function unchanged(req: Request, etag: string, lastModified: Date): boolean {
  const noneMatch = req.get('If-None-Match');
  if (noneMatch !== undefined) {
    const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
    return noneMatch.trim() === '*' || noneMatch.split(',').some((tag) => opaque(tag) === opaque(etag));
  }
  const since = Date.parse(req.get('If-Modified-Since') ?? '');
  return !Number.isNaN(since) && Math.floor(lastModified.getTime() / 1000) * 1000 <= since;
}

/** The one range asked for, when it is to be honoured (If-Range still matches); null: the whole body. */
function rangeOf(req: Request, size: number, etag: string, lastModified: Date): ByteRange | null {
  if (!req.get('Range')) return null;
  const ifRange = req.get('If-Range');
  if (ifRange) {
    const matches =
      ifRange.startsWith('"') || ifRange.startsWith('W/')
        ? ifRange === etag
        : Date.parse(ifRange) >= Math.floor(lastModified.getTime() / 1000) * 1000;
    if (!matches) return null;
  }
  const ranges = req.range(size, { combine: true });
  if (ranges === -1) throw new RangeNotSatisfiableError(size);
  // Malformed, another unit, or several ranges: the whole body (a server may ignore Range).
  if (ranges === -2 || ranges === undefined || ranges.type !== 'bytes' || ranges.length !== 1) return null;
  return { start: ranges[0]!.start, end: ranges[0]!.end };
}

// A missing rendition asks for its job again at most this often per upload, whatever the traffic.
const ASK_AGAIN_MS = 60_000;

/**
 * GET /media/<hash>/<original | width.format>: an uploaded image's bytes from the blob store.
 * Keys are immutable (named by the upload's hash), so answers are cached for a year, with a
 * strong ETag, conditional GETs and byte ranges. A rendition not made yet is a 404 that no one
 * caches; it asks for the renditions job again, so an upload whose job was lost (a Redis
 * flush, a crash between the store and the queue) still gets its renditions. With Redis away
 * it cannot ask: a 503 with Retry-After within about a second.
 */
export function mediaRoutes({ blobs, renditions, logger }: Deps): Router {
  const router = Router();
  const asked = new Map<string, number>();
  const askAgain = async (hash: string, file: string, requestId: string) => {
    const width = Number(file.split('.')[0]);
    if (!renditions || !(RENDITION_WIDTHS as readonly number[]).includes(width)) return;
    const last = asked.get(hash) ?? 0;
    if (Date.now() - last < ASK_AGAIN_MS) return;
    if (!(await blobs.head(originalKey(hash)))) return;
    asked.set(hash, Date.now());
    if (asked.size > 10_000) asked.delete(asked.keys().next().value!);
    try {
      await askQueue(renditions, () => requestRenditions(renditions, hash, requestId));
    } catch (err) {
      // Not asked: the next request for it asks again.
      asked.delete(hash);
      // Redis away: a 503 within about a second, so the client tries again (Retry-After)
      // rather than taking a 404 for an image that will be there.
      if (isUnavailable(err)) throw err;
      logger.warn({ err, hash }, 'could not ask for renditions again');
    }
  };

  router.use('/media', refuseClimbing);

  router.get('/media/:hash/:file', async (req, res) => {
    const hash = String(req.params.hash);
    const file = String(req.params.file);
    // Maybe only not made yet: nobody (browser, CDN) may keep a refusal.
    res.set('Cache-Control', 'no-store');
    if (!MEDIA_HASH.test(hash) || !MEDIA_FILE.test(file)) throw new NotFoundError('Image');
    const key = `media/${hash}/${file}`;
    const info = await blobs.head(key);
    if (!info) {
      if (file !== 'original') await askAgain(hash, file, req.context.requestId);
      throw new NotFoundError(file === 'original' ? 'Image' : 'Rendition');
    }
    const cacheable = {
      'Cache-Control': IMMUTABLE,
      ETag: info.etag,
      'Last-Modified': info.lastModified.toUTCString(),
      'Accept-Ranges': 'bytes',
      // Images are shown on the shop's pages, another origin than this API's (helmet says same-origin).
      'Cross-Origin-Resource-Policy': 'cross-origin',
    };
    // The condition first, then the range (RFC 9110 §13.2.2).
    if (unchanged(req, info.etag, info.lastModified)) {
      res.set(cacheable).status(304).end();
      return;
    }
    const range = rangeOf(req, info.size, info.etag, info.lastModified);
    res.set(cacheable);
    const got = await blobs.get(key, range ? { range } : {});
    if (!got) {
      res.set('Cache-Control', 'no-store');
      throw new NotFoundError('Image');
    }
    res.status(range ? 206 : 200).type(got.contentType);
    if (range) res.set('Content-Range', `bytes ${range.start}-${range.end}/${got.size}`);
    res.set('Content-Length', String(range ? range.end - range.start + 1 : got.size));
    if (req.method === 'HEAD') {
      got.body.destroy();
      res.end();
      return;
    }
    // A client that goes away mid-way ends both streams; nothing is left to answer.
    got.body.on('error', (err) => {
      logger.warn({ err, key }, 'blob read failed mid-way');
      res.destroy();
    });
    res.on('close', () => got.body.destroy());
    got.body.pipe(res);
  });

  return router;
}
