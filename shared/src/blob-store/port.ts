import type { Readable } from 'node:stream';

/**
 * Where files live that do not belong in the database: uploaded images and their renditions.
 * Two adapters pass the same contract (contract.ts): a folder on local disk (local.ts, the
 * default) and any S3-protocol service (s3.ts: AWS, MinIO, DigitalOcean Spaces, Ceph).
 *
 * Keys are paths of segments made of `A-Z a-z 0-9 . _ -`, none starting with a dot (so no
 * `..`), joined by `/`: `media/<hash>/640.webp`. A key that is not one is refused with
 * InvalidBlobKeyError before anything is touched.
 */
export interface BlobStore {
  /** `local` or `s3`, for logs and /ready. */
  readonly kind: 'local' | 's3';
  /**
   * Stores the bytes under the key, whole or not at all: a reader never sees part of them.
   * A key written again is replaced. Large bodies go up in parts (S3 multipart).
   */
  put(key: string, body: Uint8Array | Readable, options: PutOptions): Promise<void>;
  /** The bytes (or the given range of them) as a stream, with what head answers; null when the key is absent. */
  get(key: string, options?: { range?: ByteRange }): Promise<BlobRead | null>;
  head(key: string): Promise<BlobInfo | null>;
  /** Removes the key; removing an absent one is not an error. */
  delete(key: string): Promise<void>;
  /** Every key starting with the prefix (a folder ends with `/`), in key order, with its size. */
  list(prefix: string): Promise<{ key: string; size: number }[]>;
  /**
   * A URL that GETs the blob straight from the store, without credentials, for this long; null
   * where the store has no such URLs (local disk: the query API's /media serves those bytes).
   */
  presignGet(key: string, options: { expiresInSeconds: number }): Promise<string | null>;
  /** Whether the store answers now, for /ready: resolves, or rejects saying why. */
  check(): Promise<void>;
  close(): Promise<void>;
}

export type PutOptions = { contentType: string; cacheControl?: string };

export type BlobInfo = {
  key: string;
  /** The whole blob's length in bytes (also when a range was read). */
  size: number;
  contentType: string;
  /** A strong entity tag for these bytes, quoted as HTTP sends it. */
  etag: string;
  lastModified: Date;
};

/** Bytes `start` to `end`, both included, as in HTTP's `Range: bytes=start-end`; within the blob. */
export type ByteRange = { start: number; end: number };

export type BlobRead = BlobInfo & { body: Readable; range: ByteRange | null };

export class InvalidBlobKeyError extends Error {
  override name = 'InvalidBlobKeyError';
  constructor(key: string) {
    super(`Not a blob key: ${JSON.stringify(key.slice(0, 200))}`);
  }
}

/**
 * The store did not answer, or answered that it cannot serve now (a 5xx, throttling): a
 * retryable 503 (shared/src/unavailable.ts), never a request's fault.
 */
export class BlobStoreUnavailableError extends Error {
  override name = 'BlobStoreUnavailableError';
  readonly unavailable = true;
  constructor(why: string, options?: { cause?: unknown }) {
    super(`The blob store is unavailable: ${why}`, options);
  }
}

const SEGMENT = '[A-Za-z0-9_-][A-Za-z0-9._-]*';
const KEY = new RegExp(`^${SEGMENT}(?:/${SEGMENT})*$`);
// A prefix is a key cut anywhere: whole segments, then maybe the start of one (or a trailing /).
const PREFIX = new RegExp(`^(?:(?:${SEGMENT}/)*(?:${SEGMENT})?)$`);
const MAX_KEY = 1024;

export function assertKey(key: string): void {
  if (typeof key !== 'string' || key.length > MAX_KEY || !KEY.test(key)) throw new InvalidBlobKeyError(key);
}

export function assertPrefix(prefix: string): void {
  if (typeof prefix !== 'string' || prefix.length > MAX_KEY || !PREFIX.test(prefix))
    throw new InvalidBlobKeyError(prefix);
}
