import type { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { isUnavailable } from '../unavailable.ts';
import { assertKey, assertPrefix, type BlobRead, type BlobStore, BlobStoreUnavailableError } from './port.ts';

export type S3Settings = {
  /** Another service than AWS: MinIO, Spaces, Ceph's radosgw. */
  endpoint?: string | undefined;
  region: string;
  bucket: string;
  /** endpoint/bucket/key rather than bucket.endpoint/key (MinIO, Ceph). */
  forcePathStyle: boolean;
  /** Without them, the SDK's own chain (environment, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
  /**
   * `when_supported` (the SDK's default) sends stream bodies chunked with a trailing CRC32;
   * `when_required` only where an operation needs one, for services that refuse the former.
   */
  checksums: 'when_required' | 'when_supported';
};

/** Parts of a multipart upload: S3's smallest is 5 MiB. Bodies up to one part go in one PUT. */
const PART_BYTES = 8 * 1024 * 1024;

const statusOf = (error: unknown) =>
  (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;

/** A store that did not answer, or answered it cannot serve now, says so in a way /ready and the APIs' 503 read. */
function unavailableOr(error: unknown): unknown {
  const status = statusOf(error);
  if ((status !== undefined && (status >= 500 || status === 429)) || (status === undefined && isUnavailable(error)))
    return new BlobStoreUnavailableError((error as Error).name || 'no answer', { cause: error });
  if (status === undefined && (error as Error)?.name === 'TimeoutError')
    return new BlobStoreUnavailableError('timed out', { cause: error });
  return error;
}

async function attempt<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw unavailableOr(error);
  }
}

const absent = (error: unknown) => {
  const name = (error as Error)?.name;
  return statusOf(error) === 404 || name === 'NoSuchKey' || name === 'NotFound';
};

/** Bytes in any S3-protocol service, in one bucket. */
export function createS3BlobStore(settings: S3Settings): BlobStore & { ensureBucket(): Promise<void> } {
  const checksums = settings.checksums === 'when_required' ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED';
  const client = new S3Client({
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    requestChecksumCalculation: checksums,
    responseChecksumValidation: checksums,
    // A few quick tries, then a 503 to the caller rather than a request hanging on a dead store.
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 2000, requestTimeout: 30_000 },
  });
  const Bucket = settings.bucket;

  return {
    kind: 's3',

    async put(key, body, { contentType, cacheControl }) {
      assertKey(key);
      await attempt(() =>
        new Upload({
          client,
          params: {
            Bucket,
            Key: key,
            Body: body,
            ContentType: contentType,
            ...(cacheControl ? { CacheControl: cacheControl } : {}),
          },
          partSize: PART_BYTES,
          queueSize: 2,
          // A failed multipart upload is aborted, so no parts are left billed in the bucket.
          leavePartsOnError: false,
        }).done(),
      );
    },

    async get(key, { range } = {}): Promise<BlobRead | null> {
      assertKey(key);
      try {
        const out = await client.send(
          new GetObjectCommand({ Bucket, Key: key, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }),
        );
        // A ranged answer says the whole length after the slash: "bytes 0-99/1234".
        const total = out.ContentRange ? Number(out.ContentRange.split('/')[1]) : out.ContentLength;
        return {
          key,
          size: Number(total ?? 0),
          contentType: out.ContentType ?? 'application/octet-stream',
          etag: out.ETag ?? '""',
          lastModified: out.LastModified ?? new Date(0),
          body: out.Body as Readable,
          range: range ?? null,
        };
      } catch (error) {
        if (absent(error)) return null;
        throw unavailableOr(error);
      }
    },

    async head(key) {
      assertKey(key);
      try {
        const out = await client.send(new HeadObjectCommand({ Bucket, Key: key }));
        return {
          key,
          size: Number(out.ContentLength ?? 0),
          contentType: out.ContentType ?? 'application/octet-stream',
          etag: out.ETag ?? '""',
          lastModified: out.LastModified ?? new Date(0),
        };
      } catch (error) {
        if (absent(error)) return null;
        throw unavailableOr(error);
      }
    },

    async delete(key) {
      assertKey(key);
      await attempt(() => client.send(new DeleteObjectCommand({ Bucket, Key: key })));
    },

    async list(prefix) {
      assertPrefix(prefix);
      const found: { key: string; size: number }[] = [];
      let token: string | undefined;
      do {
        const page = await attempt(() =>
          client.send(new ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken: token })),
        );
        for (const o of page.Contents ?? []) if (o.Key) found.push({ key: o.Key, size: Number(o.Size ?? 0) });
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return found;
    },

    async presignGet(key, { expiresInSeconds }) {
      assertKey(key);
      return getSignedUrl(client, new GetObjectCommand({ Bucket, Key: key }), { expiresIn: expiresInSeconds });
    },

    async check() {
      await attempt(() => client.send(new HeadBucketCommand({ Bucket })));
    },

    /** Creates the bucket unless it exists (tests, first runs against a fresh MinIO). */
    async ensureBucket() {
      try {
        await client.send(new HeadBucketCommand({ Bucket }));
      } catch (error) {
        if (!absent(error)) throw unavailableOr(error);
        await attempt(() => client.send(new CreateBucketCommand({ Bucket })));
      }
    },

    close: async () => client.destroy(),
  };
}
